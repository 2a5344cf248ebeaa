"""Where the article texts live, and reading them for checks that need the full text."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

ENV_VAR = "JAPAN_NATO_SOURCES"
DEFAULT_CANDIDATES = (Path("../shared/seeds"),)


def resolve_sources_dir(option: Path | None = None) -> Path | None:
    """The option, else $JAPAN_NATO_SOURCES, else ../shared/seeds when it exists; None when none is."""
    if option is not None:
        return Path(option)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    for candidate in DEFAULT_CANDIDATES:
        if candidate.is_dir():
            return candidate
    return None


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_texts(sources_dir: Path | None, files: dict[str, str]) -> dict[str, str]:
    """source_id -> text for each source whose file is present in `sources_dir`."""
    if sources_dir is None:
        return {}
    texts = {}
    for source_id, name in files.items():
        path = Path(sources_dir) / name
        if path.is_file():
            texts[source_id] = path.read_text(encoding="utf-8")
    return texts

"""Where releases live and which versions exist.

A release is `datasets/releases/<version>/`: one parquet file per table, `quality_results.parquet`,
`manifest.json` (rows, bytes and sha256 of every file), `datapackage.json`, `croissant.json`,
`CITATION.cff`, `LICENSE` and `CHANGES.md`. Published folders never change.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

DEFAULT_RELEASES_DIR = Path("datasets/releases")
MANIFEST = "manifest.json"
QUALITY_FILE = "quality_results.parquet"
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


class ReleaseError(Exception):
    """A release could not be made, read or verified; the message says why and what to do."""


def releases_dir(path: Path | None = None) -> Path:
    """The option, else $JAPAN_NATO_RELEASES, else ./datasets/releases, else the source checkout's."""
    if path is not None:
        return Path(path)
    if os.environ.get("JAPAN_NATO_RELEASES"):
        return Path(os.environ["JAPAN_NATO_RELEASES"])
    if DEFAULT_RELEASES_DIR.is_dir():
        return DEFAULT_RELEASES_DIR
    return Path(__file__).resolve().parents[3] / DEFAULT_RELEASES_DIR


def parse_version(text: str) -> tuple[int, int, int]:
    m = SEMVER.match(text)
    if not m:
        raise ReleaseError(f"{text!r} is not a version like 1.0.0")
    return tuple(int(g) for g in m.groups())  # type: ignore[return-value]


def versions(root: Path) -> list[str]:
    """Published versions, oldest first (folders with a manifest; temporary folders are ignored)."""
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir() if p.is_dir() and SEMVER.match(p.name) and (p / MANIFEST).exists()]
    return sorted(found, key=parse_version)


def resolve_version(root: Path, version: str) -> str:
    """'latest' -> the newest published version; anything else must exist."""
    known = versions(root)
    if version == "latest":
        if not known:
            raise ReleaseError(f"no releases in {root}; publish one with `japan-nato publish`")
        return known[-1]
    if version not in known:
        raise ReleaseError(f"no release {version} in {root}; published: {', '.join(known) or 'none'}")
    return version


def release_path(root: Path, version_or_path: str) -> Path:
    p = Path(version_or_path)
    if p.is_dir() and (p / MANIFEST).exists():
        return p
    return root / resolve_version(root, version_or_path)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

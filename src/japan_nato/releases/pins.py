"""The project's published versions, pinned in the package: each version's manifest digest, and the
digest of every file its manifest does not list (manifest format 1 listed only the parquet files).

A manifest proves its files, but nothing in a release folder proves the manifest: whoever can rewrite
a parquet file can rewrite its hash in the manifest too (a consistent forgery), or delete the manifest
so the version silently vanishes and `latest` moves back. `published.json` ships with the code (and in
the wheel), is written by `publish` beside the release it pins, and is checked by `verify`, `connect`
and `download` for the project's own releases: the repository's `datasets/releases` and the download
cache. A releases folder of your own (`--releases`) is checked against its manifests only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from japan_nato.releases.store import MANIFEST, sha256_file

PINS_PATH = Path(__file__).with_name("published.json")
REPO_RELEASES = Path(__file__).resolve().parents[3] / "datasets" / "releases"


def load() -> dict[str, dict]:
    try:
        return json.loads(PINS_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def is_pinned_root(root: Path) -> bool:
    """The repository's own releases folder, or the download cache."""
    from japan_nato.releases.download import cache_dir

    resolved = Path(root).resolve()
    return resolved == REPO_RELEASES.resolve() or resolved == cache_dir().resolve()


def is_repository_root(root: Path) -> bool:
    return Path(root).resolve() == REPO_RELEASES.resolve()


def pin_for(folder: Path) -> dict:
    """What `published.json` records for the release in `folder`."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    listed = set(manifest.get("files", {}))
    unlisted = {
        p.name: sha256_file(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name not in listed | {MANIFEST}
    }
    return {"manifest_sha256": sha256_file(folder / MANIFEST), "unlisted_files": unlisted}


def add(folder: Path, version: str | None = None) -> None:
    """Pin the release in `folder` as `version` (default: the folder's name), atomically: a kill
    leaves the old file or the new one."""
    pins = load()
    pins[version or folder.name] = pin_for(folder)
    ordered = dict(sorted(pins.items(), key=lambda kv: tuple(int(x) for x in kv[0].split("."))))
    tmp = PINS_PATH.with_name(f".{PINS_PATH.name}.{os.getpid()}")
    tmp.write_text(json.dumps(ordered, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, PINS_PATH)


def check(folder: Path, pins: dict[str, dict] | None = None) -> list[str]:
    """Problems of a pinned release: a manifest or unlisted file that is not the one published."""
    pins = load() if pins is None else pins
    pin = pins.get(folder.name)
    if pin is None:
        return [f"{folder}: {folder.name} is not a version this code knows was published (not in {PINS_PATH.name})"]
    if not (folder / MANIFEST).exists():
        return [f"{folder / MANIFEST}: missing; release {folder.name} was published and must have it"]
    problems = []
    digest = sha256_file(folder / MANIFEST)
    if digest != pin["manifest_sha256"]:
        problems.append(
            f"{folder / MANIFEST}: sha256 {digest} is not the published manifest's {pin['manifest_sha256']}"
        )
    try:
        listed = set(json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("files", {}))
    except (ValueError, AttributeError):  # not the published manifest (said above), not even JSON
        return problems + [f"{folder / MANIFEST}: not a JSON manifest"]
    known = listed | set(pin.get("unlisted_files", {})) | {MANIFEST}
    for path in sorted(folder.iterdir()):
        if path.name not in known:
            problems.append(f"{path}: not part of the published release")
    for name, expected in pin.get("unlisted_files", {}).items():
        path = folder / name
        if not path.exists():
            problems.append(f"{path}: missing (published with the release)")
        elif sha256_file(path) != expected:
            problems.append(f"{path}: sha256 {sha256_file(path)} is not the published file's {expected}")
    return problems


def missing_versions(root: Path, pins: dict[str, dict] | None = None) -> list[str]:
    """Pinned versions whose folder or manifest is gone from `root`."""
    pins = load() if pins is None else pins
    return [v for v in pins if not (Path(root) / v / MANIFEST).exists()]

"""Is a release the one that was published? Every file against its manifest, the manifest against
the pins the code ships (`pins`), and nothing writable that should not be.

`verify_release(folder)` checks one folder against its own manifest; `release_problems(root,
version)` adds the pins for the project's own releases; `require_intact` is what `connect`,
`restore` and the site call before they read a release.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

from japan_nato.releases import pins
from japan_nato.releases.store import MANIFEST, SEMVER, ReleaseError, sha256_file, versions


def verify_release(folder: Path) -> list[str]:
    """Problems with one release: every file re-hashed and re-counted against its manifest. From
    manifest format 2 on, every file of the folder must be listed, and none may be missing."""
    import pyarrow.parquet as pq

    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{folder}: manifest unreadable: {exc}"]
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", {}), dict):
        return [f"{folder / MANIFEST}: not a release manifest (no files table)"]
    problems = [f"{p}: a folder inside the release, not part of it" for p in sorted(folder.iterdir()) if p.is_dir()]
    listed = set(manifest.get("files", {}))
    strict = manifest.get("manifest_format", 1) >= 2
    present = {p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST}
    if not strict:
        present = {name for name in present if name.endswith(".parquet")}
    for name in sorted(present - listed):
        problems.append(f"{folder / name}: not listed in the manifest")
    for name, entry in sorted(manifest.get("files", {}).items()):
        path = folder / name
        if not path.exists():
            problems.append(f"{path}: missing (the manifest lists it)")
            continue
        digest = sha256_file(path)
        if digest != entry["sha256"]:
            problems.append(f"{path}: sha256 {digest} does not match the manifest's {entry['sha256']}")
        if path.stat().st_size != entry["bytes"]:
            problems.append(f"{path}: {path.stat().st_size} bytes, manifest says {entry['bytes']}")
        if "rows" in entry:
            try:
                rows = pq.ParquetFile(path).metadata.num_rows
                if rows != entry["rows"]:
                    problems.append(f"{path}: {rows} rows, manifest says {entry['rows']}")
            except Exception as exc:  # a tampered file may not even parse
                problems.append(f"{path}: unreadable parquet: {exc}")
    if manifest.get("version") != folder.name:
        problems.append(f"{folder}: manifest version {manifest.get('version')!r} differs from the folder name")
    return problems


def release_problems(root: Path, version: str) -> list[str]:
    """Everything wrong with `root/version`: its files against its manifest, and for the project's
    own releases the manifest against the published pins."""
    root = Path(root)
    folder = root / version
    problems: list[str] = []
    if pins.is_repository_root(root) or pins.is_pinned_root(root):
        known = pins.load()
        if version in known:
            problems += pins.check(folder, known)
        elif pins.is_repository_root(root):  # the cache may hold versions published after this code
            problems.append(f"{folder}: {version} is not a version this code knows was published")
    if not (folder / MANIFEST).exists():
        return problems or [f"{folder / MANIFEST}: missing"]
    return problems + verify_release(folder)


def all_versions(root: Path) -> list[str]:
    """The versions in `root`, and for the repository's releases every pinned one (a deleted manifest
    must not make a version vanish)."""
    found = set(versions(root))
    # A version folder whose manifest is gone is reported, not skipped.
    if Path(root).is_dir():
        found |= {p.name for p in Path(root).iterdir() if p.is_dir() and SEMVER.match(p.name)}
    if pins.is_repository_root(root):
        found |= set(pins.load())
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".")))


def require_intact(root: Path, version: str) -> None:
    """Raise ReleaseError (the first problem, and how to repair) unless the release is intact; for the
    repository's releases also when a newer published version has been removed ('latest' would
    otherwise move back silently)."""
    problems = release_problems(root, version)
    if pins.is_repository_root(root):
        newer = [v for v in pins.missing_versions(root) if _key(v) > _key(version)]
        problems += [f"{Path(root) / v / MANIFEST}: missing; release {v} was published" for v in newer]
    if problems:
        more = f" (and {len(problems) - 1} more; `japan-nato verify {version}` lists them)" if len(problems) > 1 else ""
        what = "is not the one published" if pins.is_pinned_root(root) else "does not match its manifest"
        raise ReleaseError(
            f"release {version} {what}: {problems[0]}{more}; restore it "
            "(git checkout datasets/releases, or japan-nato download)"
        )


def writable_files(folder: Path) -> list[Path]:
    """Files of a release anyone may write to (publish makes them read-only)."""
    return [
        p
        for p in sorted(Path(folder).iterdir())
        if p.is_file() and p.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    ]


def make_read_only(folder: Path) -> None:
    for p in Path(folder).iterdir():
        if p.is_file():
            p.chmod(0o444)


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))

"""The browser code the SQL page runs, vendored from npm at site build time.

`vendor.json` pins each package's version and the registry's sha512 integrity (it is the lockfile;
nothing fetched is committed). A package is fetched once with `npm pack` into the download cache
(`$JAPAN_NATO_CACHE/npm`), checked against its pin every time it is used, and only the listed files
are copied into the site, so the pages never ask another host for anything.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

PINS = Path(__file__).with_name("vendor.json")


class VendorError(Exception):
    pass


def pins() -> dict:
    return json.loads(PINS.read_text(encoding="utf-8"))["packages"]


def _integrity(path: Path) -> str:
    h = hashlib.sha512()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "sha512-" + base64.b64encode(h.digest()).decode()


def _tarball_name(name: str, version: str) -> str:
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def fetch(name: str, pin: dict, cache: Path) -> Path:
    """The package's tarball from the cache, else from npm; refused unless it matches its pin."""
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / _tarball_name(name, pin["version"])
    if not tarball.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise VendorError(
                f"npm is not on PATH; the SQL page vendors {name}@{pin['version']} from npm at build time: "
                "install Node.js and npm (apt-get install npm)"
            )
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            run = subprocess.run(
                [npm, "pack", f"{name}@{pin['version']}", "--pack-destination", tmp, "--silent"],
                capture_output=True,
                text=True,
                timeout=600,
            )
            packed = Path(tmp) / _tarball_name(name, pin["version"])
            if run.returncode != 0 or not packed.exists():
                why = (run.stderr.strip().splitlines() or ["no tarball"])[-1]
                raise VendorError(f"npm pack {name}@{pin['version']} failed: {why}")
            packed.replace(tarball)
    found = _integrity(tarball)
    if found != pin["integrity"]:
        tarball.unlink()
        raise VendorError(
            f"{name}@{pin['version']} does not match its pin in {PINS.name} ({found[:24]}… is not "
            f"{pin['integrity'][:24]}…); the download was removed: build again"
        )
    return tarball


def vendor(out: Path, cache: Path) -> list[str]:
    """Every pinned package's listed files into `out`; the paths written, relative to `out`."""
    written = []
    for name, pin in pins().items():
        tarball = fetch(name, pin, cache)
        dest = out / pin["dest"]
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball, "r:gz") as tar:
            for member in pin["files"]:
                f = tar.extractfile(f"package/{member}")
                if f is None:
                    raise VendorError(f"{name}@{pin['version']} has no file {member}")
                target = dest / Path(member).name
                target.write_bytes(f.read())
                written.append(str(target.relative_to(out)))
    return written

"""Verified downloads: a published release fetched by version from a base URL, every file checked
against the sha256 its manifest gives, and kept in a local cache.

- The base URL is `$JAPAN_NATO_BASE_URL`, else `DEFAULT_BASE_URL`; a release's files are at
  `<base>/<version>/<file>` (the layout of `datasets/releases/` and of the site's `releases/` folder),
  and `<base>/CHANGELOG.md` lists the versions (it names `latest`).
- The cache is `$JAPAN_NATO_CACHE`, else the platform's user cache (`pooch.os_cache("japan-nato")`),
  laid out as a releases folder: `<cache>/<version>/...`, so any command's `--releases` reads it.
- pooch does the transfers and the checks: a file already there whose hash matches is not fetched
  again; a download whose hash does not match is deleted and refused.
- A version is fetched into `<root>/.<version>.download/` and renamed into place only when every
  file matched, so a failed download leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from japan_nato.releases.store import MANIFEST, ReleaseError, parse_version, resolve_version, versions

BASE_URL_ENV = "JAPAN_NATO_BASE_URL"
CACHE_ENV = "JAPAN_NATO_CACHE"
# The releases as committed to the project's repository: published folders never change there.
DEFAULT_BASE_URL = "https://raw.githubusercontent.com/japan-nato/japan-nato/main/datasets/releases"
CHANGELOG = "CHANGELOG.md"
TIMEOUT_SECONDS = 30
_HEADING = re.compile(r"^## (\d+\.\d+\.\d+) ", re.MULTILINE)


def base_url(url: str | None = None) -> str:
    """The argument, else $JAPAN_NATO_BASE_URL, else the default; never with a trailing slash."""
    return (url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def cache_dir(path: Path | None = None) -> Path:
    """The argument, else $JAPAN_NATO_CACHE, else the platform's user cache for japan-nato."""
    import pooch

    if path is not None:
        return Path(path)
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(pooch.os_cache("japan-nato"))


@dataclass
class Downloaded:
    version: str
    folder: Path
    files: int
    bytes: int
    fetched: list[str]  # files that needed a request; the others were already there and matched


def _downloader():
    import pooch

    return pooch.HTTPDownloader(progressbar=False, timeout=TIMEOUT_SECONDS)


def _quiet_pooch() -> None:
    import pooch

    pooch.get_logger().setLevel("WARNING")


def _why(exc: Exception) -> str:
    """A network failure in a few words: 'HTTP 404', 'connection refused', 'timed out'."""
    response = getattr(exc, "response", None)
    if response is not None:
        return f"HTTP {response.status_code} {response.reason}".strip()
    text = str(exc)
    for hint in ("Connection refused", "Name or service not known", "timed out", "Temporary failure"):
        if hint.lower() in text.lower():
            return hint.lower()
    return type(exc).__name__


def _is_http_error(exc: Exception) -> bool:
    return getattr(exc, "response", None) is not None


def remote_versions(base: str | None = None) -> list[str]:
    """The versions `<base>/CHANGELOG.md` lists, oldest first (always asked afresh: it grows)."""
    import requests

    url = f"{base_url(base)}/{CHANGELOG}"
    from japan_nato.scratch import temporary_folder

    with temporary_folder("download") as tmp:
        target = tmp / CHANGELOG
        try:
            _downloader()(url, str(target), None)
        except requests.RequestException as exc:
            raise ReleaseError(
                f"cannot list the releases at {url} ({_why(exc)}); give a version, "
                f"or set {BASE_URL_ENV} to where the releases are published"
            ) from None
        found = _HEADING.findall(target.read_text(encoding="utf-8"))
    return sorted(set(found), key=parse_version)


def resolve_remote(version: str, base: str | None = None, cache: Path | None = None) -> str:
    """'latest' -> the newest version the base URL lists, else (offline) the newest in the cache."""
    if version != "latest":
        parse_version(version)
        return version
    try:
        listed = remote_versions(base)
    except ReleaseError:
        cached = versions(cache_dir(cache))
        if not cached:
            raise
        print(f"japan-nato: {base_url(base)} cannot be reached; 'latest' is the newest cached release", file=sys.stderr)
        return cached[-1]
    if not listed:
        raise ReleaseError(f"{base_url(base)}/{CHANGELOG} lists no release")
    return listed[-1]


def _fetch_manifest(version: str, base: str, folder: Path) -> dict:
    import pooch
    import requests

    from japan_nato.releases import pins

    url = f"{base}/{version}/{MANIFEST}"
    # A version this code knows was published must come with the very manifest it pins; a newer one
    # can only be checked against its own manifest.
    pinned = pins.load().get(version, {}).get("manifest_sha256")
    try:
        pooch.retrieve(
            url,
            known_hash=f"sha256:{pinned}" if pinned else None,
            fname=MANIFEST,
            path=folder,
            downloader=_downloader(),
        )
    except ValueError:  # pooch: the hash does not match
        raise ReleaseError(f"{url} is not the manifest published for release {version} (its sha256 differs)") from None
    except requests.RequestException as exc:
        if _is_http_error(exc) and exc.response.status_code == 404:
            raise ReleaseError(
                f"no release {version} at {base} ({url}: HTTP 404); the published versions are in {base}/{CHANGELOG}"
            ) from None
        raise ReleaseError(f"cannot download release {version}: {url}: {_why(exc)}") from None
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
    except (ValueError, KeyError, TypeError):
        raise ReleaseError(f"{url} is not a japan-nato release manifest (no 'files')") from None
    if manifest.get("version") != version:
        raise ReleaseError(f"{url} describes release {manifest.get('version')!r}, not {version}")
    for name in files:
        if "/" in name or name.startswith("."):
            raise ReleaseError(f"{url} lists a file outside its folder: {name!r}")
    return manifest


def _fetch_files(version: str, base: str, folder: Path, manifest: dict, on_step=None) -> list[str]:
    """Every file of the manifest into `folder`; the names that needed a request."""
    import pooch
    import requests

    fetched = []

    def note(fname: str, action: str, _pooch) -> str:
        if action != "fetch":  # "download" (new) or "update" (the local copy did not match)
            fetched.append(Path(fname).name)
        return fname

    files = sorted(manifest["files"].items())
    for done, (name, entry) in enumerate(files):
        if on_step:
            on_step(name, done, len(files))
        url = f"{base}/{version}/{name}"
        try:
            pooch.retrieve(
                url,
                known_hash=f"sha256:{entry['sha256']}",
                fname=name,
                path=folder,
                downloader=_downloader(),
                processor=note,
            )
        except ValueError:
            raise ReleaseError(
                f"refused {url}: its sha256 does not match the manifest's {entry['sha256']}; "
                "nothing was kept (the file was altered or damaged on the way: try again, or ask the publisher)"
            ) from None
        except requests.RequestException as exc:
            raise ReleaseError(f"cannot download release {version}: {url}: {_why(exc)}") from None
    return fetched


def download(version: str, root: Path | None = None, base: str | None = None, on_step=None) -> Downloaded:
    """Release `version` into `<root>/<version>/` (root: the cache by default), every file verified.

    A version already there is re-checked file by file against its manifest, and only a file that is
    missing or does not match is fetched again.
    """
    _quiet_pooch()
    root = cache_dir(root)
    base = base_url(base)
    version = resolve_remote(version, base, root)
    folder = root / version
    if (folder / MANIFEST).exists():
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        fetched = _fetch_files(version, base, folder, manifest, on_step)
    else:
        root.mkdir(parents=True, exist_ok=True)
        staging = root / f".{version}.download"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            manifest = _fetch_manifest(version, base, staging)
            fetched = [MANIFEST] + _fetch_files(version, base, staging, manifest, on_step)
            os.replace(staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    sizes = [entry["bytes"] for entry in manifest["files"].values()]
    return Downloaded(version, folder, len(sizes) + 1, sum(sizes) + (folder / MANIFEST).stat().st_size, fetched)


def locate(version: str, quiet: bool = False, may_download: bool = True, local: Path | None = None) -> tuple[Path, str]:
    """For `connect` when the local releases lack `version`: (releases root, version) from the cache,
    downloading into it when it is not cached and `may_download`."""
    root = cache_dir()
    if not may_download and (version == "latest" or version not in versions(root)):
        return local, resolve_version(local, version)  # raises: no such local release
    result = download(version, root)
    if result.fetched and not quiet:
        print(f"japan-nato: downloaded release {result.version} from {base_url()} to {result.folder}", file=sys.stderr)
    elif version == "latest" and not quiet:
        print(f"japan-nato: 'latest' is release {result.version} ({result.folder})", file=sys.stderr)
    return root, result.version

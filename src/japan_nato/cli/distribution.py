"""Commands that take the dataset to people without the repository: download, site."""

from __future__ import annotations

from pathlib import Path

import typer

from japan_nato.cli import JSON_OPTION, RELEASES_OPTION, _fail, app, out
from japan_nato.cli.output import emit, steps, use_json


@app.command()
def download(
    version: str = typer.Argument(..., help="The version to fetch (1.0.0, or 'latest')."),
    dir: Path | None = typer.Option(
        None, "--dir", help="Releases folder to put it in, as <dir>/<version>/ (default: the download cache)."
    ),
    base_url: str | None = typer.Option(
        None, "--base-url", help="Where releases are published (default: $JAPAN_NATO_BASE_URL, else the project's)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Download a published release by version, check every file against the sha256 its manifest
    gives, and keep it: in the cache ($JAPAN_NATO_CACHE, else the user cache folder), which
    japan_nato.connect(version=...) reads, or in --dir. Files already there that match are not fetched
    again; a file that does not match is refused and nothing of the version is kept."""
    from japan_nato.releases import ReleaseError
    from japan_nato.releases.download import download as fetch

    use_json(as_json)
    try:
        with steps(f"downloading {version}") as on_step:
            result = fetch(version, dir, base_url, on_step)
    except ReleaseError as exc:
        _fail([], str(exc))
    kept = result.files - len(result.fetched)
    if as_json:
        emit(
            {
                "ok": True,
                "version": result.version,
                "folder": str(result.folder),
                "files": result.files,
                "bytes": result.bytes,
                "downloaded": result.fetched,
            }
        )
        return
    out.print(
        f"release {result.version} in {result.folder}: {result.files} files, {result.bytes:,} bytes, "
        f"each matching its manifest's sha256 ({len(result.fetched)} downloaded, {kept} already there)",
        markup=False,
        soft_wrap=True,
    )


@app.command()
def site(
    out_dir: Path = typer.Option(..., "--out", help="Folder to write the site into (created; replaced if a site)."),
    releases: Path | None = RELEASES_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Write the release site as static files: the versions with their files, checksums, notes, diffs
    and quality reports; the data dictionary and a diagram of the tables; plots; example analyses; and
    SQL in the browser over any version (DuckDB-WASM, vendored from npm at build time). Open
    index.html, or serve the folder with any static file server (the SQL page needs one)."""
    from japan_nato.releases import ReleaseError, releases_dir
    from japan_nato.site import SiteError, build_site

    use_json(as_json)
    try:
        with steps(f"writing the site to {out_dir}") as on_step:
            summary = build_site(out_dir, releases_dir(releases), on_step=on_step)
    except (SiteError, ReleaseError) as exc:
        _fail([], str(exc))
    if as_json:
        emit({"ok": True, "out": str(out_dir), "index": str(out_dir / "index.html"), "summary": summary})
        return
    out.print(summary, markup=False, soft_wrap=True)

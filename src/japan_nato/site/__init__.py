"""The release site: static files a person can open, built by `japan-nato site --out DIR`.

- `versions`: the list of versions, one page per version (files, sha256, notes, diff, quality
  report) and the release files themselves under `releases/` (a base URL `download` can use);
- `schema_pages`: the data dictionary and the diagram of the tables (Graphviz);
- `plots`, `plots_page`: plots of the newest release (altair -> Vega-Lite -> SVG by vl-convert);
- `analyses`: example SQL analyses, with their results;
- `console`, `vendor`: SQL in the browser (DuckDB-WASM, vendored from npm at build time);
- `html`: the pages' frame.

The site is written into a hidden folder beside DIR and renamed into place only when complete.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

MARKER = ".japan-nato-site"
STATIC = Path(__file__).with_name("static")


class SiteError(Exception):
    """The site could not be built; the message says why and what to do."""


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} is a file; --out needs a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SiteError(f"{out} is not empty and holds no japan-nato site; choose a new or empty folder")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build_site(out: Path, root: Path, cache: Path | None = None, on_step=None) -> str:
    """Write the site for the releases in `root` to `out`; a one-line summary of what was written.
    `on_step(step, done, total)` hears of each step."""
    from japan_nato.releases.download import cache_dir
    from japan_nato.releases.read import connect
    from japan_nato.releases.store import versions
    from japan_nato.releases.verify import release_problems
    from japan_nato.site import analyses, console, plots, plots_page, schema_pages, vendor
    from japan_nato.site import versions as version_pages

    out = Path(out)
    _check_out(out)
    names = versions(root)
    if not names:
        raise SiteError(f"no releases in {root}; give the releases folder with --releases")
    step = on_step or (lambda *_: None)
    for done, name in enumerate(names):
        step("verifying releases", done, len(names))
        problems = release_problems(root, name)
        if problems:
            raise SiteError(f"release {name} does not match its manifest: {problems[0]}")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.building"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        step("copying release files", None, None)
        releases = version_pages.load(root, names)
        newest = releases[-1]
        version_pages.copy_files(releases, root, staging)
        shutil.copytree(STATIC, staging / "assets")
        step("vendoring DuckDB-WASM", None, None)
        try:
            vendored = vendor.vendor(staging, cache_dir(cache) / "npm")
            erd = schema_pages.erd_svg()
        except (vendor.VendorError, schema_pages.ErdError) as exc:
            raise SiteError(str(exc)) from None
        _write(staging / "assets" / "erd.svg", erd)
        con = connect(newest.version, releases=root, quiet=True)
        step("drawing plots", None, None)
        drawn = plots.render_all(con)
        for p in drawn:
            _write(staging / "assets" / "plots" / f"{p.name}.svg", p.svg)
        pages = {
            "index.html": version_pages.index_page(releases, "https://<where this site is>/releases"),
            "dictionary.html": schema_pages.dictionary_page(erd),
            "plots.html": plots_page.plots_page(drawn, newest.version),
            "analyses.html": analyses.analyses_page(con, newest.version),
            "sql.html": console.sql_page(releases),
        }
        for i, r in enumerate(releases):
            pages[f"versions/{r.version}.html"] = version_pages.version_page(r, releases[i - 1] if i else None)
        step("writing pages", None, None)
        for name, html in pages.items():
            _write(staging / name, html)
        _write(staging / MARKER, "written by japan-nato site; the folder is replaced by the next build\n")
        if out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return (
        f"wrote the site to {out}: {len(pages)} pages, {len(releases)} releases, {len(drawn)} plots, "
        f"{len(vendored)} vendored files, {size / (1 << 20):.1f} MiB; open {out / 'index.html'}, "
        f"or serve it for the SQL page: python -m http.server -d {out}"
    )

"""The releases on the site: the list of versions (the front page), one page per version with its
files, checksums, notes, diff against the one before and quality report, and the files themselves
under `releases/<version>/`, laid out as a base URL `japan-nato download` can fetch from."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from japan_nato.releases.diff import diff_releases
from japan_nato.releases.store import MANIFEST, QUALITY_FILE
from japan_nato.schema.sqltext import literal
from japan_nato.site.html import e, human_bytes, markdown, page, table


@dataclass
class Release:
    version: str
    folder: Path
    manifest: dict

    @property
    def rows(self) -> int:
        return sum(f.get("rows", 0) for n, f in self.manifest["files"].items() if n != QUALITY_FILE)

    @property
    def bytes(self) -> int:
        return sum(f["bytes"] for f in self.manifest["files"].values())

    @property
    def tables(self) -> list[str]:
        return sorted(n.removesuffix(".parquet") for n in self.manifest["files"] if n.endswith(".parquet"))


def load(root: Path, names: list[str]) -> list[Release]:
    return [Release(v, root / v, json.loads((root / v / MANIFEST).read_text(encoding="utf-8"))) for v in names]


def copy_files(releases: list[Release], root: Path, out: Path) -> None:
    """Every release's files as published (manifest included), and the changelog that lists them."""
    for r in releases:
        shutil.copytree(r.folder, out / "releases" / r.version)
    if (root / "CHANGELOG.md").exists():
        shutil.copyfile(root / "CHANGELOG.md", out / "releases" / "CHANGELOG.md")


def _note(r: Release, limit: int = 180) -> str:
    note = r.manifest.get("note") or ("First release." if not r.manifest.get("previous_version") else "")
    return note if len(note) <= limit else note[: limit - 1].rsplit(" ", 1)[0] + "…"


def index_page(releases: list[Release], base_hint: str) -> str:
    newest = releases[-1]
    rows = [
        (
            f'<a href="versions/{r.version}.html">{r.version}</a>',
            r.manifest.get("published_on", ""),
            r.manifest.get("bump") or "",
            f"{r.rows:,}",
            human_bytes(r.bytes),
            e(_note(r)),
        )
        for r in reversed(releases)
    ]
    body = f"""
<p class="lead">An open, versioned, relational dataset of Japan–NATO security relations and the threats
around them. Every row cites the article it comes from with a verbatim excerpt.</p>
<p>Newest release: <a href="versions/{newest.version}.html"><strong>{newest.version}</strong></a>
({e(newest.manifest.get("published_on", ""))}). Cite the version you used.</p>
<h2>Versions</h2>
{
        table(
            ["version", "published", "bump", "rows", "size", "note"],
            rows,
            numeric={"rows", "size"},
            raw={"version", "note"},
            cls="versions",
        )
    }
<h2>Get a release</h2>
<p>Each version's files are listed with their sha256 on its page. With the Python package, a version is
downloaded, checked against its manifest and cached:</p>
<pre><code>export JAPAN_NATO_BASE_URL={e(base_hint)}
japan-nato download {newest.version}
python -c "import japan_nato; japan_nato.connect(version='{
        newest.version
    }').sql('SELECT * FROM release_info').show()"</code></pre>
<p>Or query any version in this browser: <a href="sql.html">SQL</a>.
The <a href="releases/CHANGELOG.md">changelog</a> lists every version.</p>
"""
    return page("Releases", body, current="index.html")


def _files_table(r: Release) -> str:
    rows = []
    names = sorted(r.manifest["files"]) + [MANIFEST]
    for name in names:
        entry = r.manifest["files"].get(name) or {"bytes": (r.folder / MANIFEST).stat().st_size}
        rows.append(
            (
                f'<a href="../releases/{r.version}/{name}" download>{e(name)}</a>',
                f"{entry['rows']:,}" if "rows" in entry else "",
                f"{entry['bytes']:,}",
                f"<code>{entry['sha256']}</code>" if "sha256" in entry else "(this list)",
            )
        )
    return table(["file", "rows", "bytes", "sha256"], rows, numeric={"rows", "bytes"}, raw={"file", "sha256"})


def _diff_section(r: Release, previous: Release | None) -> str:
    if previous is None:
        return "<p>The first release: every table is new.</p>"
    from japan_nato.releases.versioning import bump_note

    d = diff_releases(previous.folder, r.folder, previous.version, r.version)
    note = bump_note(d.bump, [(r.version, r.manifest.get("bump"))])
    rule = f"<p class=note>{e(note.removeprefix('note: '))}.</p>" if note else ""
    return rule + f"<pre class=diff>{e(chr(10).join(d.lines()))}</pre>"


def _quality_section(r: Release) -> str:
    gate = r.manifest.get("quality_gate") or {}
    path = r.folder / QUALITY_FILE
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"""SELECT "table", "check", coalesce("column", ''), severity, success, observed, failing_count
                FROM read_parquet({literal(str(path))}) ORDER BY success, "table", "check", "column" """
        ).fetchall()
    finally:
        con.close()
    failed = [row for row in rows if not row[4]]
    summary = (
        f"<p>{gate.get('checks', len(rows))} checks, {gate.get('passed', len(rows) - len(failed))} passed, "
        f"{gate.get('errors', 0)} errors, {gate.get('warnings', 0)} warnings, {gate.get('skipped', 0)} skipped "
        f"(engines: {e(', '.join(gate.get('engine', [])))}).</p>"
    )
    shown = [(t, c, col, sev, "pass" if ok else "FAIL", obs, n) for t, c, col, sev, ok, obs, n in rows]
    detail = table(["table", "check", "column", "severity", "result", "observed", "failing"], shown, {"failing"})
    return summary + f"<details><summary>All {len(rows)} results</summary>\n{detail}\n</details>"


def version_page(r: Release, previous: Release | None) -> str:
    changes = (r.folder / "CHANGES.md").read_text(encoding="utf-8") if (r.folder / "CHANGES.md").exists() else ""
    git = r.manifest.get("git") or {}
    body = f"""
<p>Published {e(r.manifest.get("published_on", ""))} · bump {e(r.manifest.get("bump") or "first")} ·
schema revision <code>{e(r.manifest.get("schema_revision"))}</code> · {r.rows:,} rows ·
{human_bytes(r.bytes)} · git <code>{e(str(git.get("commit", ""))[:12])}</code></p>
<p><a href="../sql.html?version={r.version}">Query this version in the browser</a> ·
<code>japan-nato download {r.version}</code></p>
<h2 id="files">Files</h2>
{_files_table(r)}
<h2 id="changes">Changes</h2>
<div class="changes">{markdown(changes, shift=1)}</div>
<h2 id="diff">Diff against {e(previous.version) if previous else "nothing"}</h2>
{_diff_section(r, previous)}
<h2 id="quality">Quality report</h2>
{_quality_section(r)}
"""
    return page(f"Release {r.version}", body, depth=1)

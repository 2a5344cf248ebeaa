"""The SQL page: DuckDB-WASM in the browser over any version's parquet, with the example analyses."""

from __future__ import annotations

import json

from japan_nato.site.analyses import ANALYSES
from japan_nato.site.html import page
from japan_nato.site.versions import Release


def catalog(releases: list[Release]) -> dict:
    """What the page's script needs: every version's tables, and the examples."""
    return {
        "newest": releases[-1].version,
        "versions": [
            {"version": r.version, "tables": r.tables, "schema_revision": r.manifest.get("schema_revision")}
            for r in releases
        ],
        "examples": [{"id": a.id, "title": a.title, "sql": a.sql} for a in ANALYSES],
    }


def sql_page(releases: list[Release]) -> str:
    data = json.dumps(catalog(releases), ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    head = (
        '<script src="vendor/apache-arrow/Arrow.es2015.min.js"></script>\n'
        '<script type="importmap">{"imports": {"apache-arrow": "./assets/arrow-shim.mjs"}}</script>\n'
        '<script type="module" src="assets/console.js"></script>\n'
    )
    body = f"""
<p>SQL over any release, run in this page by DuckDB-WASM: each table of the chosen version is loaded
from its parquet file on this site (nothing is sent anywhere). <code>release_info</code> says which
version you are querying. The examples are the <a href="analyses.html">analyses</a>. Opened as a
file, the page cannot read the parquet files: serve the folder (<code>python -m http.server</code>).</p>
<div class="console">
<div class="bar"><label>Release <select id="version"></select></label>
<button id="run" type="button">Run</button> <span class="hint">(Ctrl+Enter)</span>
<span id="status" role="status">loading…</span></div>
<div id="examples" aria-label="example queries"></div>
<textarea id="sql" spellcheck="false" aria-label="SQL"></textarea>
<div id="result"></div>
</div>
<noscript>The SQL page needs JavaScript; the analyses page shows every example's result.</noscript>
<script type="application/json" id="catalog">{data}</script>
"""
    return page("SQL in the browser", body, current="sql.html", head=head)

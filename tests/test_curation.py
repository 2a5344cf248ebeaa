"""The curated data against its sources: excerpts and quotes verbatim, hashes matching, every row cited.

These read the curated YAML directly (not through the loader) so they check the data, not the code.
"""

import hashlib

import pytest
import yaml
from typer.testing import CliRunner

from japan_nato.cli import app

from .conftest import CURATED, sources_dir

SOURCE_FILES = sorted((CURATED / "sources").glob("*.yaml"))
SOURCES = [yaml.safe_load(p.read_text(encoding="utf-8"))["source"] for p in SOURCE_FILES]


def _texts() -> dict[str, str]:
    folder = sources_dir()
    if folder is None:
        pytest.skip("source texts not available (set JAPAN_NATO_SOURCES)")
    return {s["source_id"]: (folder / s["file"]).read_text(encoding="utf-8") for s in SOURCES}


def _citations():
    """(file, record id, source, evidence) for every excerpt anywhere in the curated files: every
    excerpt of a source file is that file's source's (datasets/curated/README.md)."""
    found = []

    def walk(obj, file, source, rid):
        if isinstance(obj, dict):
            rid = next(
                (obj[k] for k in obj if (k.endswith("_id") or k in ("event", "actor")) and isinstance(obj[k], str)), rid
            )
            evidence = obj.get("evidence")
            for ev in [evidence] if isinstance(evidence, str) else evidence or []:
                found.append((file, rid, source, ev))
            for k, v in obj.items():
                if k != "evidence":
                    walk(v, file, source, rid)
        elif isinstance(obj, list):
            for v in obj:
                walk(v, file, source, rid)

    for path in SOURCE_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        walk(data, path.name, data["source"]["source_id"], None)
    return found


def test_each_source_sha256_matches_its_text():
    folder = sources_dir()
    if folder is None:
        pytest.skip("source texts not available")
    for s in SOURCES:
        digest = hashlib.sha256((folder / s["file"]).read_bytes()).hexdigest()
        assert digest == s["sha256"], f"{s['source_id']}: {s['file']} hashes to {digest}"


def test_every_seed_article_is_a_source():
    folder = sources_dir()
    if folder is None:
        pytest.skip("source texts not available")
    assert sorted(s["file"] for s in SOURCES) == sorted(p.name for p in folder.glob("*.txt"))


def test_every_evidence_excerpt_is_verbatim_in_its_source():
    texts = _texts()
    citations = _citations()
    assert len(citations) > 500  # the whole dataset, not a sample
    missing = [c for c in citations if c[3] not in texts[c[2]]]
    assert not missing, "\n".join(f"{f} [{rid}] {src}: {ev!r}" for f, rid, src, ev in missing[:20])


def test_every_verbatim_quote_is_verbatim_in_its_source():
    texts = _texts()
    verbatim = []
    for path in SOURCE_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        verbatim += [(data["source"]["source_id"], s) for s in data.get("statements") or [] if s["is_verbatim"]]
    assert len(verbatim) >= 20
    bad = [s["statement_id"] for source, s in verbatim if s["text"] not in texts[source]]
    assert not bad, bad


def test_curly_quotes_and_dashes_survive():
    """The articles use ’ “ ” — …; excerpts must keep them, not straight ASCII stand-ins."""
    evidence = " ".join(c[3] for c in _citations())
    for ch in "’“”—":
        assert ch in evidence, f"no excerpt keeps {ch!r}"


def test_where_articles_disagree_each_figure_keeps_its_own_citation(built_db):
    import duckdb

    con = duckdb.connect(str(built_db), read_only=True)
    rows = con.execute("""
        SELECT q.low, q.high, c.source_id FROM quantities q
        JOIN citations c ON c.record_table = 'quantities' AND c.record_id = q.quantity_id
        WHERE q.record_id = 'prk-troop-deployment-to-russia' AND q.measure LIKE '%troops%'
        ORDER BY 1""").fetchall()
    con.close()
    assert (14000, 15000, "japan-military-revival-2026") in rows
    assert (11000, 13000, "north-korea-lambasts-japan-nato-2025") in rows


def test_stats_counts_and_flags_uncited_rows(built_db, tmp_path):
    import shutil

    import duckdb

    result = CliRunner().invoke(app, ["stats", "--db", str(built_db)])
    assert result.exit_code == 0, result.output
    for word in (
        "rows per table",
        "cited rows per source",
        "actors.kind",
        "events.kind",
        "every row has at least one citation",
    ):
        assert word in result.output
    broken = tmp_path / "b.duckdb"
    shutil.copy(built_db, broken)
    con = duckdb.connect(str(broken))
    con.execute("DELETE FROM citations WHERE record_table = 'events' AND record_id = 'prk-troop-deployment-to-russia'")
    con.close()
    result = CliRunner().invoke(app, ["stats", "--db", str(broken)])
    assert result.exit_code == 1
    assert "uncited: events[prk-troop-deployment-to-russia] has no citation" in result.stderr


def test_no_excerpt_is_long():
    assert max(len(c[3]) for c in _citations()) <= 300


def test_every_figure_cites_exactly_one_source(built_db):
    """Articles disagree on figures, so a figure row never mixes sources."""
    import duckdb

    con = duckdb.connect(str(built_db), read_only=True)
    mixed = con.execute(
        "SELECT record_id, list(DISTINCT source_id) FROM citations WHERE record_table = "
        "'quantities' GROUP BY 1 HAVING count(DISTINCT source_id) > 1"
    ).fetchall()
    n = con.execute("SELECT count(*) FROM quantities").fetchone()[0]
    con.close()
    assert n >= 30 and mixed == []

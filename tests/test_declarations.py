"""Each column is declared once, and everything else follows from the declaration."""

import json
import shutil
import subprocess
import sys
import textwrap

import duckdb
from japan_nato.schema import catalog, dictionary

from .conftest import ROOT

SCRATCH_PROBE = textwrap.dedent(
    """
    import json, tempfile
    from pathlib import Path
    import pyarrow as pa, pyarrow.parquet as pq
    from japan_nato.schema import catalog, dictionary
    from japan_nato.schema.arrow import arrow_schema
    from japan_nato.quality.gx_suites import suite_for
    from japan_nato.loaders.records import definition_model as record_model
    from japan_nato.loaders.stats import kind_columns
    from japan_nato.releases import metadata

    folder = Path(tempfile.mkdtemp())
    for t in catalog.table_names():
        pq.write_table(arrow_schema(t, described=True).empty_table(), folder / f"{t}.parquet")
    package = metadata.datapackage("0.0.0", [], folder)
    events = next(r for r in package["resources"] if r["name"] == "events")
    print(json.dumps({
        "suite": [e["meta"]["check"] for e in suite_for("events")["expectations"]
                  if e["kwargs"].get("column") == "funding_currency"],
        "field": next((f for f in events["schema"]["fields"] if f["name"] == "funding_currency"), None),
        "dictionary": [l for l in dictionary.render().splitlines() if "`funding_currency`" in l],
        "input": "funding_currency" in record_model("events").model_fields,
        "stats": ["events", "funding_currency"] in [list(k) for k in kind_columns()],
        "parquet": arrow_schema("events", described=True).field("funding_currency").metadata[b"description"].decode(),
    }))
    """
)


def test_one_new_declaration_reaches_every_derived_place(tmp_path):
    """Add a column to a scratch copy of the models only; the suites, the datapackage, the data
    dictionary, the input model, stats and the parquet schema all gain it with no other edit."""
    pkg = tmp_path / "japan_nato"
    shutil.copytree(ROOT / "src" / "japan_nato", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("schema", "loaders", "quality"):
        shutil.copytree(ROOT / part, pkg / part, ignore=shutil.ignore_patterns("__pycache__"))
    models = pkg / "schema" / "models.py"
    text = models.read_text(encoding="utf-8")
    anchor = '    agreement_id: str | None = ref("The agreement the event belongs to."'
    assert anchor in text
    new = (
        '    funding_currency: str | None = column("The currency the event was paid for in.", default=None, '
        'vocabulary="currency")\n'
    )
    models.write_text(text.replace(anchor, new + anchor), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", SCRATCH_PROBE],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(found["suite"]) == {"text_not_empty_or_padded", "accepted_values:currency"}
    assert found["field"] == {
        "name": "funding_currency",
        "type": "string",
        "description": "The currency the event was paid for in.",
        "constraints": {"enum": ["USD", "JPY"]},
    }
    assert len(found["dictionary"]) == 1 and "vocabulary [`currency`]" in found["dictionary"][0]
    assert found["input"] and found["stats"]
    assert found["parquet"] == "The currency the event was paid for in."


def test_every_table_and_column_is_described_in_words():
    problems = []
    for t in catalog.tables():
        if len(t.description) < 20:
            problems.append(f"{t.name}: table description {t.description!r}")
        for c in t.columns:
            words = c.description.strip().rstrip(".").lower()
            if not words or words in (c.name.lower(), c.name.replace("_", " ").lower()) or len(words) < 10:
                problems.append(f"{t.name}.{c.name}: {c.description!r}")
    assert not problems, problems


def test_declarations_are_consistent():
    """Every reference names a table and its key exists; every precision column and every column a
    rule names exists in the same table; every vocabulary is defined."""
    from japan_nato.schema.vocab import VOCABULARIES

    names = set(catalog.table_names())
    for c in catalog.columns():
        t = catalog.table(c.table)
        cols = {x.name for x in t.columns}
        if c.references:
            assert c.references in names, c
        required_with = (c.required_with,) if isinstance(c.required_with, str) else c.required_with or ()
        for other in (c.precision, c.at_least, c.row_of, c.unit_from, *required_with):
            assert other is None or other in cols, (c.table, c.name, other)
        if c.required_when:
            assert c.required_when[0] in cols
        if c.vocabulary:
            assert c.vocabulary in VOCABULARIES
        if c.precision:
            assert t.column(c.precision).vocabulary == "date_precision"


def test_the_data_dictionary_is_current():
    assert dictionary.is_current(), "docs/data-dictionary.md is stale: run `japan-nato dictionary --write`"
    text = dictionary.render()
    for c in catalog.columns():
        assert f"| `{c.name}` |" in text
    for value in ("missile_launch", "head_of_state", "founding_member"):
        assert f"| `{value}` |" in text
    assert "docs/data-dictionary.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_built_database_explains_itself(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        tables = dict(con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
        columns = {
            (t, c): comment
            for t, c, comment in con.execute("SELECT table_name, column_name, comment FROM duckdb_columns()").fetchall()
        }
    finally:
        con.close()
    for t in catalog.tables():
        assert tables[t.name] == t.description
        for c in t.columns:
            assert columns[(t.name, c.name)] == c.description

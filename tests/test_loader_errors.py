"""Malformed curated input: exit 1, one line per problem (file, line, field), database untouched."""

import hashlib
import re
from pathlib import Path

from typer.testing import CliRunner

from japan_nato.cli import app


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _line_of(path: Path, pattern: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.search(pattern, line):
            return n
    raise AssertionError(f"{pattern!r} not in {path}")


def _replace_line(path: Path, line_no: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_no - 1], (old, lines[line_no - 1])
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def _build(curated: Path, db: Path):
    return CliRunner().invoke(app, ["build", "--db", str(db), "--curated", str(curated)])


def _assert_rejected(result, db: Path, before: str, expected: list[tuple[str, int | None, str]]):
    assert result.exit_code == 1, result.output
    problem_lines = [ln for ln in result.stderr.splitlines() if not ln.startswith("error:")]
    for file_name, line, field in expected:
        where = f"{file_name}:{line}:" if line else f"{file_name}:"
        hits = [ln for ln in problem_lines if where in ln and field in ln]
        assert hits, f"no line naming {where} and {field!r} in:\n{result.stderr}"
    assert len(problem_lines) == len(expected), result.stderr
    assert result.stderr.splitlines()[-1].startswith("error:")
    assert _digest(db) == before, "the existing database changed"
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name], "a temporary file was left behind"


def test_bad_yaml(curated_copy, existing_db):
    before = _digest(existing_db)
    events = curated_copy / "events.yaml"
    n = _line_of(events, r"^  kind: ")
    _replace_line(events, n, "kind: ", "kind: [unclosed ")
    result = _build(curated_copy, existing_db)
    assert result.exit_code == 1
    assert re.search(r"events\.yaml:\d+: YAML syntax error", result.stderr), result.stderr
    assert _digest(existing_db) == before


def test_wrong_type(curated_copy, existing_db):
    before = _digest(existing_db)
    path = curated_copy / "statements.yaml"
    n = _line_of(path, r"^  is_verbatim: true")
    _replace_line(path, n, "true", "perhaps")
    _assert_rejected(_build(curated_copy, existing_db), existing_db, before, [("statements.yaml", n, "is_verbatim")])


def test_impossible_date(curated_copy, existing_db):
    before = _digest(existing_db)
    path = curated_copy / "events.yaml"
    n = _line_of(path, r"^  start_on: \d{4}-\d{2}-\d{2}")
    lines = path.read_text(encoding="utf-8").splitlines()
    date = re.search(r"\d{4}-\d{2}-\d{2}", lines[n - 1]).group()
    _replace_line(path, n, date, date[:5] + "13" + date[7:])
    _assert_rejected(_build(curated_copy, existing_db), existing_db, before, [("events.yaml", n, "start_on")])


def test_missing_required_field(curated_copy, existing_db):
    before = _digest(existing_db)
    path = curated_copy / "actors.yaml"
    n = _line_of(path, r"^  name: ")
    _replace_line(path, n, "name:", "nmae:")
    result = _build(curated_copy, existing_db)
    # Two problems, each on its own line: the required field is missing, the misspelt one is unknown.
    record_line = n - 1
    _assert_rejected(result, existing_db, before, [("actors.yaml", record_line, "name"), ("actors.yaml", n, "nmae")])


def test_duplicate_id(curated_copy, existing_db):
    before = _digest(existing_db)
    path = curated_copy / "budgets.yaml"
    text = path.read_text(encoding="utf-8")
    first_id = re.search(r"^- budget_id: (\S+)$", text, re.M).group(1)
    second = re.findall(r"^- budget_id: (\S+)$", text, re.M)[1]
    n = _line_of(path, rf"^- budget_id: {re.escape(second)}$")
    _replace_line(path, n, second, first_id)
    result = _build(curated_copy, existing_db)
    _assert_rejected(result, existing_db, before, [("budgets.yaml", n, "budget_id")])
    assert "duplicate ID" in result.stderr


def test_unknown_reference(curated_copy, existing_db):
    before = _digest(existing_db)
    path = curated_copy / "statements.yaml"
    n = _line_of(path, r"^  speaker: ")
    line = path.read_text(encoding="utf-8").splitlines()[n - 1]
    _replace_line(path, n, line.split(": ", 1)[1], "nobody-at-all")
    result = _build(curated_copy, existing_db)
    _assert_rejected(result, existing_db, before, [("statements.yaml", n, "speaker")])
    assert "unknown actor ID 'nobody-at-all'" in result.stderr


def test_unknown_vocabulary_value(curated_copy, existing_db):
    before = _digest(existing_db)
    path = curated_copy / "events.yaml"
    n = _line_of(path, r"^  status: occurred")
    _replace_line(path, n, "occurred", "happened")
    result = _build(curated_copy, existing_db)
    _assert_rejected(result, existing_db, before, [("events.yaml", n, "status")])
    assert "use one of: occurred, ongoing, planned, proposed" in result.stderr


def test_every_problem_is_reported_not_only_the_first(curated_copy, existing_db):
    before = _digest(existing_db)
    ev = curated_copy / "events.yaml"
    a = _line_of(ev, r"^  status: occurred")
    _replace_line(ev, a, "occurred", "happened")
    st = curated_copy / "statements.yaml"
    b = _line_of(st, r"^  is_verbatim: ")
    _replace_line(st, b, "is_verbatim:", "is_verbatim: 7 #")
    ac = curated_copy / "actors.yaml"
    c = _line_of(ac, r"^  kind: state")
    _replace_line(ac, c, "state", "country")
    _assert_rejected(
        _build(curated_copy, existing_db),
        existing_db,
        before,
        [("events.yaml", a, "status"), ("statements.yaml", b, "is_verbatim"), ("actors.yaml", c, "kind")],
    )


def test_missing_database_is_created_and_no_partial_file_on_failure(curated_copy, tmp_path):
    db = tmp_path / "fresh" / "japan_nato.duckdb"
    ev = curated_copy / "events.yaml"
    _replace_line(ev, _line_of(ev, r"^  status: occurred"), "occurred", "happened")
    assert _build(curated_copy, db).exit_code == 1
    assert not db.exists()
    assert not db.parent.exists() or list(db.parent.iterdir()) == []


def test_a_figure_under_a_record_with_several_sources_must_cite_its_own(curated_copy, existing_db):
    import yaml

    before = _digest(existing_db)
    path = curated_copy / "events.yaml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    event = next(r for r in rows if r["event_id"] == "prk-troop-deployment-to-russia")
    figure = next(q for q in event["quantities"] if q["low"] == 11000)
    del figure["citations"]
    path.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = _build(curated_copy, existing_db)
    assert result.exit_code == 1
    assert "ambiguous-citation" in result.stderr and "cite the one that states it" in result.stderr
    assert _digest(existing_db) == before


def test_a_repeated_link_row_is_reported(curated_copy, existing_db):
    import yaml

    before = _digest(existing_db)
    path = curated_copy / "events.yaml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    event = next(r for r in rows if len(r.get("actors") or []) >= 1)
    event["actors"].append(dict(event["actors"][0]))
    path.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = _build(curated_copy, existing_db)
    assert result.exit_code == 1
    lines = [ln for ln in result.stderr.splitlines() if "[duplicate]" in ln]
    assert len(lines) == 1 and f"events[{event['event_id']}].actors." in lines[0] and "is listed twice" in lines[0]
    assert _digest(existing_db) == before

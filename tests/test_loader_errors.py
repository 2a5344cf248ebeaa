"""Malformed curated input: exit 1, one line per problem (file, line, record, field, what, how to
fix), every problem at once, the database untouched and no file left behind."""

import hashlib
import re
from pathlib import Path

from typer.testing import CliRunner

from japan_nato.cli import app

from .conftest import sources_dir
from .curated_edit import edit, find, line_of, registry, replace_line, source

ARTICLE_2026 = "japan-military-revival-2026"
ARTICLE_2024 = "japan-warms-up-to-nato-2024"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build(curated: Path, db: Path, *extra: str):
    args = ["build", "--db", str(db), "--curated", str(curated), "--skip-gate"]
    if sources_dir() and "--sources-dir" not in extra:
        args += ["--sources-dir", str(sources_dir())]
    return CliRunner().invoke(app, [*args, *extra])


def _problems(result) -> list[str]:
    return [ln for ln in result.stderr.splitlines() if not ln.startswith("error:")]


def _assert_rejected(result, db: Path, before: str, expected: list[tuple[Path, int | None, str]]):
    assert result.exit_code == 1, result.output
    lines = _problems(result)
    for path, line, field in expected:
        where = f"{path}:{line}:" if line else f"{path}:"
        assert [ln for ln in lines if ln.startswith(where) and field in ln], (
            f"no {where} {field!r} in:\n{result.stderr}"
        )
    assert len(lines) == len(expected), result.stderr
    assert result.stderr.splitlines()[-1].startswith("error:")
    assert _digest(db) == before, "the existing database changed"
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name], "a temporary file was left behind"


def test_bad_yaml(curated_copy, existing_db):
    before = _digest(existing_db)
    path = source(curated_copy, ARTICLE_2024)
    n = line_of(path, r"^  kind: ")
    replace_line(path, n, "kind: ", "kind: [unclosed ")
    result = _build(curated_copy, existing_db)
    assert result.exit_code == 1
    assert re.search(rf"{re.escape(str(path))}:\d+: YAML syntax error", result.stderr), result.stderr
    # One root problem, not a cascade of unknown references to what the file would have defined.
    assert len([ln for ln in _problems(result) if "[reference]" in ln]) == 0
    assert _digest(existing_db) == before


def test_a_syntax_error_in_the_registry_is_one_problem(curated_copy, existing_db):
    # Issue 16: one syntax error in actors.yaml gave 732 lines, every mention of an actor the
    # unparsed file would have defined reported as an unknown reference; the real one was line 64.
    before = _digest(existing_db)
    path = registry(curated_copy)
    n = line_of(path, r"^  kind: ")
    replace_line(path, n, "kind: ", "kind: [unclosed ")
    result = _build(curated_copy, existing_db)
    assert result.exit_code == 1
    problems = _problems(result)
    # The error itself, and one line saying the cross-file checks wait for it; nothing else.
    assert len(problems) == 2, "\n".join(problems[:10])
    assert re.match(rf"{re.escape(str(path))}:{n}: YAML syntax error: ", problems[1]), problems
    assert problems[0] == (
        f"{path}: references, mentions and citations across files are not checked until 1 unreadable file(s) "
        "read [skipped] — fix the problems these files' own lines report first"
    )
    assert _digest(existing_db) == before


def test_wrong_type(curated_copy, existing_db):
    before = _digest(existing_db)
    path = source(curated_copy, ARTICLE_2026)
    n = line_of(path, r"^  is_verbatim: true")
    replace_line(path, n, "true", "perhaps")
    _assert_rejected(_build(curated_copy, existing_db), existing_db, before, [(path, n, "is_verbatim")])


def test_missing_required_field_and_an_unknown_one(curated_copy, existing_db):
    before = _digest(existing_db)
    path = registry(curated_copy)
    n = line_of(path, r"^  name: ")
    replace_line(path, n, "name:", "nmae:")
    _assert_rejected(_build(curated_copy, existing_db), existing_db, before, [(path, n - 1, "name"), (path, n, "nmae")])


def test_unknown_vocabulary_value(curated_copy, existing_db):
    before = _digest(existing_db)
    path = source(curated_copy, ARTICLE_2024)
    n = line_of(path, r"^  status: occurred")
    replace_line(path, n, "occurred", "happened")
    result = _build(curated_copy, existing_db)
    _assert_rejected(result, existing_db, before, [(path, n, "status")])
    assert "use one of: occurred, ongoing, planned, proposed" in result.stderr


def test_every_problem_is_reported_not_only_the_first(curated_copy, existing_db):
    before = _digest(existing_db)
    a_path = source(curated_copy, ARTICLE_2024)
    a = line_of(a_path, r"^  status: occurred")
    replace_line(a_path, a, "occurred", "happened")
    b_path = source(curated_copy, ARTICLE_2026)
    b = line_of(b_path, r"^  is_verbatim: ")
    replace_line(b_path, b, "is_verbatim:", "is_verbatim: 7 #")
    c_path = registry(curated_copy)
    c = line_of(c_path, r"^  kind: state")
    replace_line(c_path, c, "state", "country")
    expected = [(a_path, a, "status"), (b_path, b, "is_verbatim"), (c_path, c, "kind")]
    _assert_rejected(_build(curated_copy, existing_db), existing_db, before, expected)


def test_missing_database_is_created_and_no_partial_file_on_failure(curated_copy, tmp_path):
    db = tmp_path / "fresh" / "japan_nato.duckdb"
    path = source(curated_copy, ARTICLE_2024)
    replace_line(path, line_of(path, r"^  status: occurred"), "occurred", "happened")
    assert _build(curated_copy, db).exit_code == 1
    assert not db.exists()
    assert not db.parent.exists() or list(db.parent.iterdir()) == []


def test_a_repeated_link_row_is_reported(curated_copy, existing_db):
    before = _digest(existing_db)
    path = source(curated_copy, ARTICLE_2024)
    data = {}

    def repeat(d):
        event = next(r for r in d["events"] if r.get("actors"))
        event["actors"].append(dict(event["actors"][0]))
        data["event"] = event["event_id"]

    edit(path, repeat)
    result = _build(curated_copy, existing_db)
    lines = [ln for ln in _problems(result) if "[duplicate]" in ln]
    assert result.exit_code == 1 and len(lines) == 1, result.stderr
    assert f"events[{data['event']}].actors." in lines[0] and "listed twice" in lines[0]
    assert _digest(existing_db) == before


def test_a_link_row_under_a_mention_without_evidence_needs_its_own(curated_copy, existing_db):
    """A link row reuses an excerpt only from its own source; with none to reuse it must give one."""
    before = _digest(existing_db)
    path = source(curated_copy, ARTICLE_2024)

    def add(d):
        d["mentions"].append({"event": "korean-war", "actors": [{"actor": "jpn", "role": "observer"}]})

    edit(path, add)
    result = _build(curated_copy, existing_db)
    n = line_of(path, r"^- event: korean-war")
    expected_line = (
        f"{path}:{n + 2}: events[korean-war].actors.0: event actor has no evidence [missing] — give it evidence, "
        "or give the mention evidence it can reuse"
    )
    assert expected_line in _problems(result), result.stderr
    assert _digest(existing_db) == before


def test_anchors_and_aliases_are_refused(curated_copy, existing_db):
    before = _digest(existing_db)
    path = source(curated_copy, ARTICLE_2024)
    n = line_of(path, r"^  kind: ")
    replace_line(path, n, "kind: ", "kind: &k ")
    result = _build(curated_copy, existing_db)
    expected = (
        f"{path}:{n}: YAML anchors and aliases (&name, *name) are not allowed in curated files [alias] — "
        "write the value out where it is used (`japan-nato fmt` does it)"
    )
    assert expected in _problems(result), result.stderr
    assert _digest(existing_db) == before


# ---- errors that point at the fix (issue 11): each whole line ------------------------------------


def _one(result, code: str) -> str:
    lines = [ln for ln in _problems(result) if f"[{code}]" in ln]
    assert result.exit_code == 1 and len(lines) == 1, result.stderr
    return lines[0]


def test_an_excerpt_not_in_its_article_shows_the_closest_passage(curated_copy, existing_db):
    path = source(curated_copy, ARTICLE_2026)
    n = line_of(path, r"^  - In early January 2026, North Korea conducted its first missile launch")
    replace_line(path, n, "its first missile", "its frist missile")
    line = _one(_build(curated_copy, existing_db), "evidence")
    assert line == (
        f"{path}:{n}: events[prk-missile-launch-2026-01].evidence.0: excerpt not in {ARTICLE_2026}: the article has "
        "'…th Korea conducted its first missile launch of t…' where the excerpt has "
        "'…th Korea conducted its frist missile launch of t…' (at character 51) [evidence] — copy the excerpt "
        "character for character from the article (quotes ’ “ ” and dashes — –)"
    ), line


def test_a_verbatim_quote_not_in_its_article_shows_the_closest_passage(curated_copy, existing_db):
    path = source(curated_copy, ARTICLE_2026)
    n = line_of(path, r"^  text: the peace and security of our country")
    replace_line(path, n, "the peace and security", "the peace and securty")
    line = _one(_build(curated_copy, existing_db), "quote")
    assert line.startswith(f"{path}:{n}: statements[shinjiro-koizumi--2026-01--missile-threat].text: verbatim quote")
    assert "the article has '" in line and "securty" in line
    assert line.endswith("— copy the quote character for character, or set is_verbatim: false for a paraphrase")


def test_a_month_date_not_on_the_first_is_caught_at_validation(curated_copy, existing_db):
    path = source(curated_copy, ARTICLE_2026)
    n = line_of(path, r"^  start_on: 2026-01-01")
    replace_line(path, n, "2026-01-01", "2026-01-15")
    line = _one(_build(curated_copy, existing_db), "date")
    record = re.search(r"events\[[^\]]+\]", line).group()
    assert line == (
        f"{path}:{n}: {record}.start_on: 2026-01-15 has month precision, so it must be the 1st of the month "
        "[date] — write 2026-01-01 (YYYY-MM-DD, the first day of the period)"
    ), line


def test_a_date_in_another_form_says_the_expected_one(curated_copy, existing_db):
    path = source(curated_copy, ARTICLE_2026)
    n = line_of(path, r"^  start_on: 2026-01-01")
    replace_line(path, n, "2026-01-01", "2026-01")
    line = _one(_build(curated_copy, existing_db), "invalid")
    record = re.search(r"events\[[^\]]+\]", line).group()
    assert line == (
        f"{path}:{n}: {record}.start_on: '2026-01' is not a date; write YYYY-MM-DD, the first day of the period "
        "for month, year or decade precision (2026-01-01 for January 2026) [invalid] — correct the value"
    ), line


def test_an_unknown_id_offers_the_nearest(curated_copy, existing_db):
    path = source(curated_copy, ARTICLE_2026)
    n = line_of(path, r"^  speaker: shinjiro-koizumi")
    replace_line(path, n, "shinjiro-koizumi", "shinjiro-koizum")
    line = _one(_build(curated_copy, existing_db), "reference")
    record = re.search(r"statements\[[^\]]+\]", line).group()
    assert line == (
        f"{path}:{n}: {record}.speaker: unknown actor ID 'shinjiro-koizum' [reference] — did you mean "
        "'shinjiro-koizumi'?"
    ), line


def test_a_record_defined_twice_names_both_places(curated_copy, existing_db):
    first, second = source(curated_copy, ARTICLE_2026), source(curated_copy, ARTICLE_2024)
    budget = {}

    def copy_budget(d):
        budget.update(find(fmt_read(first)["budgets"]))
        d.setdefault("budgets", []).append({k: v for k, v in budget.items() if k != "quantities"})

    edit(second, copy_budget)
    line = _one(_build(curated_copy, existing_db), "duplicate")
    a = line_of(first, rf"^- budget_id: {budget['budget_id']}$")
    b = line_of(second, rf"^- budget_id: {budget['budget_id']}$")
    later, earlier = ((second, b), (first, a)) if str(second) > str(first) else ((first, a), (second, b))
    assert line == (
        f"{later[0]}:{later[1]}: budgets[{budget['budget_id']}].budget_id: {budget['budget_id']!r} is also defined "
        f"at {earlier[0]}:{earlier[1]} [duplicate] — define each record once; a second source mentions it "
        "(see datasets/curated/README.md)"
    ), line


def fmt_read(path):
    from japan_nato.loaders import fmt

    return fmt.read(path)


def test_without_the_texts_the_build_says_how_to_provide_them(curated_copy, existing_db, tmp_path):
    empty = tmp_path / "no-texts"
    empty.mkdir()
    before = _digest(existing_db)
    result = _build(curated_copy, existing_db, "--sources-dir", str(empty))
    lines = _problems(result)
    assert result.exit_code == 1 and len(lines) == 5, result.stderr
    assert all(
        "[sources] — give --sources-dir or $JAPAN_NATO_SOURCES the folder of the texts, or "
        "--allow-missing-sources to build without the evidence checks" in ln
        for ln in lines
    )
    assert _digest(existing_db) == before
    ok = CliRunner().invoke(
        app,
        [
            "build",
            "--db",
            str(existing_db),
            "--curated",
            str(curated_copy),
            "--sources-dir",
            str(empty),
            "--allow-missing-sources",
        ],
    )
    assert ok.exit_code == 0, ok.output
    skipped = [ln for ln in ok.stderr.splitlines() if ln.startswith("skipped")]
    assert len([ln for ln in skipped if "at validation" in ln]) == 5
    assert {ln.split(": ")[1].split(" —")[0] for ln in skipped if "at validation" not in ln} == {
        "evidence_in_source",
        "verbatim_quote_in_source",
        "source_sha256_matches",
    }

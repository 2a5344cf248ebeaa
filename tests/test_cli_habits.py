"""The command line as people use it: JSON from every reporting command, progress on a terminal only,
`sql` over any database in three formats with no traceback, `verify` telling a missing version from
an altered one, and a diff that explains a published bump today's rule would not give."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from japan_nato.cli import app

from .conftest import sources_dir

ROOT = Path(__file__).resolve().parents[1]
RELEASES = ROOT / "datasets" / "releases"
# Commands whose output is data rather than a report (sql: --format json) or that only start a process.
NO_JSON = {"sql"}


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def _commands(group, prefix=""):
    """Every command, with the subcommands of groups such as `export`."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_every_reporting_command_takes_json():
    found = dict(_commands(get_command(app)))
    assert "export iceberg" in found
    missing = [
        name
        for name, command in found.items()
        if name not in NO_JSON and "--json" not in {o for p in command.params for o in getattr(p, "opts", [])}
    ]
    assert missing == []


@pytest.mark.parametrize(
    "args",
    [
        ["migrations"],
        ["verify", "2.1.1"],
        ["diff", "1.1.0", "2.0.0"],
        ["suites"],
        ["dictionary"],
        ["gx-daemon"],
        ["fmt", "--check"],
    ],
    ids=lambda a: a[0],
)
def test_json_output_is_one_document(args):
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["ok"] is True


def test_json_on_a_database(built_db):
    stats = json.loads(invoke("stats", "--db", str(built_db), "--json").stdout)
    assert stats["rows"]["events"] > 100 and stats["uncited"] == []
    migrations = json.loads(invoke("migrations", "--db", str(built_db), "--json").stdout)
    assert migrations["current"] == migrations["head"]


def test_a_failure_under_json_is_a_json_document_too(curated_copy, tmp_path):
    path = curated_copy / "sources" / "japan-mission-to-nato-2025.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("certainty: stated", "certainty: sure", 1), "utf-8")
    args = ["build", "--db", str(tmp_path / "x.duckdb"), "--curated", str(curated_copy), "--skip-gate", "--json"]
    if sources_dir():
        args += ["--sources-dir", str(sources_dir())]
    result = invoke(*args)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False and "problem(s)" in document["error"]
    (problem,) = document["problems"]
    assert problem["file"].endswith("japan-mission-to-nato-2025.yaml") and problem["field"] == "certainty"
    assert problem["code"] == "vocabulary" and problem["line"] > 0
    assert not (tmp_path / "x.duckdb").exists()
    unknown = json.loads(invoke("verify", "9.9.9", "--json").stdout)
    assert unknown["ok"] is False and unknown["unknown"] == ["9.9.9"]


def test_progress_only_where_a_person_watches(curated_copy, tmp_path):
    """Forced (as on a terminal): each step is named on standard error; piped: not a trace of it."""
    env = {**os.environ, "JAPAN_NATO_PROGRESS": "1", "JAPAN_NATO_GX_DAEMON": "0"}
    args = [sys.executable, "-m", "japan_nato.cli", "build", "--db", str(tmp_path / "p.duckdb")]
    args += ["--curated", str(curated_copy), "--skip-gate", "--allow-missing-sources"]
    shown = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT)
    assert shown.returncode == 0, shown.stderr
    for step in ("schema", "reading and validating files", "checking references across files", "loading tables"):
        assert f"building {tmp_path / 'p.duckdb'}: {step}" in shown.stderr
    env["JAPAN_NATO_PROGRESS"] = ""
    piped = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT)
    assert piped.returncode == 0 and "building" not in piped.stderr and "\x1b[" not in piped.stderr


def _progress_case(command: str, tmp_path: Path, built_db: Path, server_url: str) -> tuple[list[str], str]:
    """The arguments of `command` on real data, and the title its progress bar carries."""
    texts = ["--sources-dir", str(sources_dir())] if sources_dir() else ["--allow-missing-sources"]
    if command == "check":  # on a copy: check records its run in the database it checks
        db = tmp_path / "checked.duckdb"
        shutil.copy(built_db, db)
        return ["check", "--db", str(db), *texts], f"checking {db}"
    releases = ["--releases", str(ROOT / "datasets" / "releases")]
    if command == "publish":
        curated = ["--curated", str(ROOT / "datasets" / "curated")]
        return ["publish", "--dry-run", *curated, *releases, *texts], "publishing"
    if command == "site":
        return ["site", "--out", str(tmp_path / "site"), *releases], f"writing the site to {tmp_path / 'site'}"
    from japan_nato.releases.store import versions

    newest = versions(ROOT / "datasets" / "releases")[-1]
    args = ["download", newest, "--dir", str(tmp_path / "got"), "--base-url", server_url]
    return args, f"downloading {newest}"


@pytest.mark.parametrize("command", ["check", "publish", "site", "download"])
def test_the_gate_publish_site_and_download_show_progress_too(command, built_db, tmp_path):
    from .releases_server import serve

    with serve(ROOT / "datasets" / "releases") as server:
        args, title = _progress_case(command, tmp_path, built_db, server.url)
        env = {**os.environ, "JAPAN_NATO_PROGRESS": "1", "JAPAN_NATO_GX_DAEMON": "0"}
        run = [sys.executable, "-m", "japan_nato.cli", *args]
        shown = subprocess.run(run, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    # publish --dry-run of the curated files that are the newest release finds nothing new (exit 1)
    if command == "publish":
        assert shown.returncode == 1 and "error: nothing changed since" in shown.stderr, shown.stderr
    else:
        assert shown.returncode == 0, shown.stderr
    assert f"{title}: " in shown.stderr, shown.stderr


# ---- sql ---------------------------------------------------------------------------------------


def test_sql_on_a_database_in_each_format(built_db):
    query = "SELECT kind, count(*) AS n FROM events WHERE kind IN ('summit', 'poll') GROUP BY ALL ORDER BY kind"
    csv = invoke("sql", "--db", str(built_db), "--format", "csv", query)
    assert csv.exit_code == 0, csv.output
    rows = [line.split(",") for line in csv.stdout.splitlines()]
    assert rows[0] == ["kind", "n"] and [r[0] for r in rows[1:]] == ["poll", "summit"]
    as_json = json.loads(invoke("sql", "--db", str(built_db), "--format", "json", query).stdout)
    assert [r["kind"] for r in as_json] == ["poll", "summit"] and [str(r["n"]) for r in as_json] == [
        r[1] for r in rows[1:]
    ]
    table = invoke("sql", "--db", str(built_db), query)
    assert "summit" in table.stdout and "┃ kind" in table.stdout


def test_sql_reads_standard_input_and_release_info():
    result = CliRunner().invoke(
        app, ["sql", "--version", "2.1.1", "--format", "csv"], input="SELECT version FROM release_info"
    )
    assert result.exit_code == 0 and result.stdout == "version\n2.1.1\n"


@pytest.mark.parametrize(
    ("args", "first_line", "last_line"),
    [
        (["sql", ""], None, "error: no SQL given; pass a query as the argument, or pipe it on standard input"),
        (["sql", "   "], None, "error: no SQL given; pass a query as the argument, or pipe it on standard input"),
        (["sql", "SELEC 1"], 'Parser Error: syntax error at or near "SELEC"', "error: the query failed"),
        (
            ["sql", "--format", "xml", "SELECT 1"],
            "--format 'xml': not one of table, csv, json",
            "error: choose a format",
        ),
        (
            ["sql", "--version", "9.9.9", "SELECT 1"],
            None,
            "error: no release 9.9.9 in datasets/releases; published: 1.0.0",
        ),
    ],
)
def test_sql_bad_input_is_one_line_no_traceback(args, first_line, last_line):
    result = invoke(*args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an exception escaping
    lines = result.stderr.splitlines()
    if first_line:
        assert first_line in lines[-2]
    assert lines[-1].startswith(last_line), lines


def test_sql_on_what_is_not_a_database(tmp_path):
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database", encoding="utf-8")
    for target, says in [
        (text, "cannot be opened as a DuckDB database"),
        (tmp_path, "is a folder"),
        (tmp_path / "none", "no such database"),
    ]:
        result = invoke("sql", "--db", str(target), "SELECT 1")
        assert result.exit_code == 1 and says in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr


def test_sql_sees_only_its_data_unless_allowed(built_db, tmp_path):
    before = built_db.read_bytes()
    outside = tmp_path / "outside.csv"
    outside.write_text("secret\n42\n", encoding="utf-8")
    for query in [
        f"SELECT * FROM read_csv('{outside}')",
        f"COPY (SELECT 1) TO '{tmp_path / 'written.csv'}'",
        f"ATTACH '{tmp_path / 'other.duckdb'}'",
        "SET enable_external_access = true",
    ]:
        result = invoke("sql", "--db", str(built_db), query)
        assert result.exit_code == 1, query
        assert "add --allow-external" in result.stderr.splitlines()[-1], result.stderr
    assert not (tmp_path / "written.csv").exists() and not (tmp_path / "other.duckdb").exists()
    refused = invoke("sql", "--db", str(built_db), "DELETE FROM events")
    assert refused.exit_code == 1 and "read-only" in refused.stderr
    on_release = invoke("sql", "--version", "2.1.1", f"SELECT * FROM read_csv('{outside}')")
    assert on_release.exit_code == 1 and "disabled by configuration" in on_release.stderr
    allowed = invoke(
        "sql", "--db", str(built_db), "--allow-external", "--format", "csv", f"SELECT * FROM read_csv('{outside}')"
    )
    assert allowed.exit_code == 0 and allowed.stdout == "secret\n42\n"
    assert built_db.read_bytes() == before


# ---- verify and diff ---------------------------------------------------------------------------


def test_verify_tells_a_missing_version_from_an_altered_one(tmp_path):
    releases = tmp_path / "releases"
    shutil.copytree(RELEASES / "2.1.1", releases / "2.1.1")
    missing = invoke("verify", "9.9.9", "--releases", str(releases))
    assert missing.exit_code == 1
    assert missing.stderr.splitlines() == [
        f"no such version 9.9.9 in {releases} (published: 2.1.1)",
        "error: 1 version(s) not published",
    ]
    target = releases / "2.1.1" / "events.parquet"
    target.chmod(0o644)
    target.write_bytes(target.read_bytes()[:-1] + b"\0")
    altered = invoke("verify", "2.1.1", "--releases", str(releases))
    assert altered.exit_code == 1
    assert (
        altered.stderr.splitlines()[-1] == "error: 2 problem(s): a release was altered; restore it from the repository"
    )
    assert any(line.startswith(f"{target}: sha256 ") for line in altered.stderr.splitlines())


def test_diff_explains_a_published_bump_that_differs_from_todays_rule():
    result = invoke("diff", "1.1.0", "2.0.0")
    assert result.stdout.splitlines()[:2] == [
        "diff 1.1.0 -> 2.0.0: bump patch",
        "note: 2.0.0 was published as major; today's rule gives patch because since 2.1.0, removing derived rows "
        "(citations, link rows) became a patch-level correction; until then any removed row made a major version",
    ]
    agreeing = invoke("diff", "2.0.0", "2.1.0")
    assert agreeing.stdout.splitlines()[0] == "diff 2.0.0 -> 2.1.0: bump minor"
    assert not agreeing.stdout.splitlines()[1].startswith("note:")
    document = json.loads(invoke("diff", "1.1.0", "2.0.0", "--json").stdout)
    assert document["bump"] == "patch" and document["published"] == [{"version": "2.0.0", "bump": "major"}]
    assert document["note"].startswith("note: 2.0.0 was published as major")

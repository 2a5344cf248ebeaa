"""What makes feedback fast must not change an answer: the GX worker and daemon, the screening
pass, the deferred imports, the schema template and the console script's exit."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pytest
from japan_nato.quality import gx_runtime, gx_sql, gx_worker
from japan_nato.quality.gx_results import result_format, to_check_results
from japan_nato.quality.gx_suites import load_suite_files

from .conftest import ROOT


def _reference_validate(db: Path, suites: dict) -> list:
    """GX over SQL the plain way: every expectation, one COMPLETE pass (what the gate did before)."""
    _, ctx = gx_runtime.context()
    source = ctx.data_sources.add_sql(f"reference_{time.monotonic_ns()}", connection_string=f"duckdb:///{db}")
    results = []
    try:
        with gx_sql.buffered_results():
            for table, spec in suites.items():
                batch = source.add_table_asset(table, table_name=table).add_batch_definition_whole_table("a")
                outcome = batch.get_batch().validate(
                    gx_runtime.suite(spec, gx_sql.translate), result_format=result_format(spec)
                )
                results += to_check_results(table, outcome, "gx-sql", spec)
    finally:
        source.get_engine().dispose()
        ctx.data_sources.delete(source.name)
    return results


def _summary(results) -> list[tuple]:
    return sorted((r.table, r.check, r.column, r.success, r.failing_count, tuple(r.failing_keys)) for r in results)


@pytest.fixture
def partly_broken_db(built_db, tmp_path) -> Path:
    """One failure in a folded regex check, one in a native GX check, one in a conditioned check;
    every other check of those tables passes."""
    db = tmp_path / "partly.duckdb"
    shutil.copy(built_db, db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE actors SET name = name || ' ' WHERE actor_id = 'jpn'")  # padded text
    con.execute("UPDATE events SET kind = 'not-a-kind' WHERE event_id = 'korean-war'")  # vocabulary
    con.execute(
        "UPDATE events SET date_precision = 'month', start_on = DATE '2020-02-15' "
        "WHERE event_id = 'prk-missile-launch-2026-01'"
    )
    con.close()
    return db


def test_screening_gives_exactly_the_single_pass_results(partly_broken_db):
    suites = load_suite_files()
    fast = gx_sql.validate_sql(partly_broken_db, suites)
    slow = _reference_validate(partly_broken_db, suites)
    assert _summary(fast) == _summary(slow)
    failed = {(r.table, r.check, r.column) for r in fast if not r.success}
    assert failed == {
        ("actors", "text_not_empty_or_padded", "name"),
        ("events", "accepted_values:event_kind", "kind"),
        ("events", "month_date_is_period_start", "start_on"),
    }


def test_the_worker_answers_like_this_process_and_survives_an_error(partly_broken_db, tmp_path):
    suites = load_suite_files()
    assert gx_worker.mode() == "child"  # conftest: one warm child for the suite
    in_child = gx_worker.submit(partly_broken_db, suites).result()
    assert _summary(in_child) == _summary(gx_sql.validate_sql(partly_broken_db, suites))
    with pytest.raises(gx_worker.GxWorkerError, match="Traceback"):
        gx_worker.submit(tmp_path / "no-such.duckdb", {"actors": suites["actors"]}).result()
    assert len(gx_worker.submit(partly_broken_db, {"actors": suites["actors"]}).result()) == len(
        suites["actors"]["expectations"]
    )


def _run(code: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)


def _daemon_running(env: dict) -> bool:
    out = _run("from japan_nato.quality import gx_worker; print(gx_worker.daemon_running())", env)
    return out.stdout.strip() == "True"


@pytest.fixture
def daemon_env():
    cache = Path(tempfile.mkdtemp(prefix="jn-", dir="/tmp"))  # a socket path must stay short
    env = {**os.environ, "JAPAN_NATO_CACHE": str(cache), "JAPAN_NATO_GX_DAEMON": "1"}
    yield env
    _run("from japan_nato.quality import gx_worker; gx_worker.stop_daemon()", env)
    shutil.rmtree(cache, ignore_errors=True)


def test_the_daemon_serves_later_commands_and_refuses_strangers(daemon_env, built_db):
    ask = (
        "import os, sys; from pathlib import Path; from japan_nato.quality import gx_worker;"
        "from japan_nato.quality.gx_suites import load_suite_files;"
        f"s = load_suite_files(); r = gx_worker.submit(Path({str(built_db)!r}), s).result();"
        "print(len(r) == sum(len(x['expectations']) for x in s.values()), all(x.success for x in r))"
    )
    first = _run(ask, daemon_env)
    assert first.returncode == 0 and first.stdout.split() == ["True", "True"], first.stderr
    assert _daemon_running(daemon_env)
    t0 = time.monotonic()
    second = _run(ask, daemon_env)
    assert second.stdout.split() == ["True", "True"]
    warm = time.monotonic() - t0
    # A stranger without the key file's bytes is refused by the handshake.
    stranger = _run(
        "from multiprocessing.connection import Client; from japan_nato.quality import gx_worker\n"
        "try:\n    Client(str(gx_worker.socket_path()), family='AF_UNIX', authkey=b'guess')\n"
        "except Exception as e:\n    print(type(e).__name__)",
        daemon_env,
    )
    assert stranger.stdout.strip() == "AuthenticationError"
    stop = _run("from japan_nato.quality import gx_worker; print(gx_worker.stop_daemon())", daemon_env)
    assert stop.stdout.strip() == "True"
    assert not _daemon_running(daemon_env)
    assert warm < 60  # sanity only; the timing itself lives in `make bench`


def test_an_idle_daemon_exits_by_itself(daemon_env, built_db):
    env = {**daemon_env, "JAPAN_NATO_GX_DAEMON_IDLE": "1"}
    code = (
        "from pathlib import Path; from japan_nato.quality import gx_worker;"
        "from japan_nato.quality.gx_suites import load_suite_files;"
        "s = load_suite_files();"
        f"print(len(gx_worker.submit(Path({str(built_db)!r}), {{'actors': s['actors']}}).result()))"
    )
    assert _run(code, env).returncode == 0
    sockets = list(Path(env["JAPAN_NATO_CACHE"]).glob("*.sock"))
    assert len(sockets) == 1
    deadline = time.monotonic() + 30  # watched from outside: connecting would count as use
    while sockets[0].exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not sockets[0].exists(), "the idle daemon did not exit"
    assert not _daemon_running(env)


def test_gx_loads_without_the_libraries_the_gate_never_uses_and_they_still_work():
    code = (
        "import sys; from japan_nato.quality import gx_runtime; gx_runtime.context();"
        "print(gx_runtime.is_deferred('scipy.stats'), gx_runtime.is_deferred('altair'),"
        "'scipy.stats._stats_py' in sys.modules);"
        "from scipy import stats; print(round(float(stats.entropy([0.5, 0.5])), 4));"
        "import altair; print(altair.Chart.__name__)"
    )
    out = _run(code, dict(os.environ))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "False", "0.6931", "Chart"]


def test_the_schema_template_is_what_the_migrations_make(tmp_path, monkeypatch):
    from japan_nato.schema import migrate, template

    monkeypatch.setenv("JAPAN_NATO_CACHE", str(tmp_path / "cache"))
    template.new_database(tmp_path / "copied.duckdb")
    assert template.template_path().is_file()
    migrate.upgrade(tmp_path / "migrated.duckdb")

    def schema(path):
        con = duckdb.connect(str(path), read_only=True)
        try:
            return (
                con.execute("SELECT table_name, sql FROM duckdb_tables() ORDER BY 1").fetchall(),
                con.execute("SELECT table_name, constraint_text FROM duckdb_constraints() ORDER BY ALL").fetchall(),
                con.execute("SELECT * FROM alembic_version").fetchall(),
                con.execute("SELECT * FROM vocabularies ORDER BY ALL").fetchall(),
            )
        finally:
            con.close()

    assert schema(tmp_path / "copied.duckdb") == schema(tmp_path / "migrated.duckdb")
    assert schema(tmp_path / "copied.duckdb")[2] == [(migrate.head_revision(),)]


def test_a_new_revision_gets_a_new_template(monkeypatch, tmp_path):
    from japan_nato.schema import template

    before = template.schema_digest()
    scratch = tmp_path / "schema"
    shutil.copytree(template.SCHEMA_DIR, scratch, ignore=shutil.ignore_patterns("__pycache__"))
    (scratch / "migrations" / "versions" / "0099_scratch.py").write_text("# a new revision\n")
    monkeypatch.setattr(template, "SCHEMA_DIR", scratch)
    template.schema_digest.cache_clear()
    try:
        assert template.schema_digest() != before
    finally:
        template.schema_digest.cache_clear()


def test_the_console_script_exits_with_the_command_status(tmp_path):
    bad = tmp_path / "curated"
    bad.mkdir()
    out = subprocess.run(
        [sys.executable, "-m", "japan_nato.cli", "build", "--db", str(tmp_path / "x.duckdb"), "--curated", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 1
    assert "file is missing" in out.stderr and "was not changed" in out.stderr
    ok = subprocess.run([sys.executable, "-m", "japan_nato.cli", "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "Build, check, publish" in ok.stdout

"""The `japan-nato` command line: the app, its shared options and the console script.

Commands live in modules by what they work on: `data` (build, check, stats, suites, dictionary, the
GX daemon), `releases` (publish, diff, verify, restore), `query` (sql), `schema` (migrations,
upgrade, downgrade). Each module registers its commands on `app` when imported below.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

app = typer.Typer(
    help="Build, check, publish and query the japan-nato dataset of Japan–NATO security relations.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
# Wide enough for the tables when output is piped; errors never wrap so each stays one line.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DB_OPTION = typer.Option(Path("build/japan_nato.duckdb"), "--db", help="The DuckDB database file.")
CURATED_OPTION = typer.Option(Path("datasets/curated"), "--curated", help="Folder of curated YAML files.")
ENGINE_OPTION = typer.Option(
    "sql", "--engine", help="Where Great Expectations runs: 'sql' (in DuckDB, default) or 'pandas'."
)
SOURCES_OPTION = typer.Option(
    None,
    "--sources-dir",
    help="Folder of the article texts (default: $JAPAN_NATO_SOURCES, else ../shared/seeds when it exists).",
)


FORCE_OPTION = typer.Option(
    False, "--force", help="Replace DB even when it is not a japan-nato database (a text file, another project's)."
)


def say(message: str) -> None:
    """A notice on standard error (waiting for a lock, ...): never on standard output, which may be JSON."""
    err.print(message, markup=False)


def _fail(lines: list[str], summary: str, problems: list | None = None) -> None:
    """One line per problem, then `error: <summary>`, exit 1 (as JSON under --json: cli.output)."""
    from japan_nato.cli.output import fail

    fail(lines, summary, problems)


ALLOW_MISSING_OPTION = typer.Option(
    False,
    "--allow-missing-sources",
    help="Run without the article texts: the evidence, quote and hash checks are skipped, each named.",
)
RELEASES_OPTION = typer.Option(None, "--releases", help="Releases folder (default: datasets/releases).")
JSON_OPTION = typer.Option(False, "--json", help="Print one JSON document (errors too) instead of lines.")


@app.callback()
def _each_command() -> None:
    # Lines, not JSON, unless the command's own --json says so (the state outlives one command in a
    # process that runs several, as the tests do).
    from japan_nato.cli.output import use_json

    use_json(False)


_signalled: list[int] = []


def _exit_on_sigterm() -> None:
    """SIGTERM (kill, timeout, a CI runner) and SIGHUP become an exit, so the context managers and
    cleanups run as for an error: a killed build leaves no build file, publish no temporary folder."""
    import signal

    def leave(signum, frame) -> None:
        _signalled.append(signum)
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, leave)


def main() -> None:
    """The console script. Runs the command, flushes, runs the exit handlers, then leaves without
    Python's module teardown: every file and database connection is closed by then, and tearing down
    sqlmodel, pydantic and pandas took 0.4-0.6 s of each command (docs/feedback.md)."""
    import atexit

    _exit_on_sigterm()
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    if _signalled:  # DuckDB turns the exit into "Query interrupted", which the command then reports
        code = 128 + _signalled[0]
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(code or 0)


# Registered last: each module adds its commands to `app`.
from japan_nato.cli import data, curation, derived, distribution, lakehouse, releases, query, schema  # noqa: E402, F401, I001

"""`japan-nato sql`: other people's SQL over a release or a database file, read-only and sandboxed."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import typer
from rich.table import Table

from japan_nato.cli import RELEASES_OPTION, _fail, app, out


@app.command()
def sql(
    query: str = typer.Argument(None, help="SQL to run; read from standard input when omitted."),
    version: str = typer.Option("latest", "--version", help="Release to query (a version or 'latest')."),
    db: Path | None = typer.Option(None, "--db", help="Query this DuckDB file instead (opened read-only)."),
    releases: Path | None = RELEASES_OPTION,
    output: str = typer.Option("table", "--format", help="table (default), csv or json (an array of rows)."),
    allow_external: bool = typer.Option(
        False, "--allow-external", help="Let the query read and write other files (off: only the data it was given)."
    ),
) -> None:
    """Run SQL on a published release (one view per table over its parquet files, and release_info)
    or on a database file with --db. Read-only: the query sees only that data unless --allow-external."""
    from japan_nato.releases.sandbox import open_for_query

    if output not in FORMATS:
        _fail([f"--format {output!r}: not one of {', '.join(FORMATS)}"], "choose a format")
    text = query if query is not None else ("" if sys.stdin.isatty() else sys.stdin.read())
    if not text.strip():
        _fail([], "no SQL given; pass a query as the argument, or pipe it on standard input")
    try:
        con = open_for_query(version, releases, db, allow_external)
    except ValueError as exc:
        _fail([], str(exc))
    try:
        cur = con.execute(text)
        rows = cur.fetchall() if cur.description is not None else []
        columns = [d[0] for d in cur.description or []]
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        locked = "disabled by configuration" in first or "configuration has been locked" in first
        _fail([first], SANDBOX_FIX if locked and not allow_external else "the query failed")
    finally:
        con.close()
    FORMATS[output](columns, rows)


SANDBOX_FIX = (
    "the query may read only the data it was given; add --allow-external to let it reach other files or settings"
)


def _table(columns: list[str], rows: list) -> None:
    if not columns:
        return
    t = Table()
    for c in columns:
        t.add_column(c)
    for row in rows:
        t.add_row(*("NULL" if v is None else str(v) for v in row))
    out.print(t)


def _csv(columns: list[str], rows: list) -> None:
    import csv

    if not columns:
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in rows)


def _json(columns: list[str], rows: list) -> None:
    import json

    print(json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str, ensure_ascii=False, indent=1))


FORMATS = {"table": _table, "csv": _csv, "json": _json}

"""Commands that put the published releases into a lakehouse: `export iceberg`."""

from __future__ import annotations

from pathlib import Path

import typer

from japan_nato.cli import JSON_OPTION, RELEASES_OPTION, _fail, app, out

export_app = typer.Typer(
    help="Export the published releases into a lakehouse table format.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(export_app, name="export")


@export_app.command("iceberg")
def iceberg(
    catalog: str = typer.Option(
        ...,
        "--catalog",
        help="SQL catalog: a SQLAlchemy URL (sqlite:////abs/path/catalog.db) or a file path, taken as SQLite.",
    ),
    warehouse: str = typer.Option(
        ..., "--warehouse", help="Where data and metadata files go: a URI (file:///abs/warehouse) or a folder."
    ),
    namespace: str = typer.Option("japan_nato", "--namespace", help="The catalog namespace of the tables."),
    releases: Path | None = RELEASES_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Every published release as Apache Iceberg snapshots (pyiceberg): one Iceberg table per dataset
    table, each release one snapshot per table in version order, tagged with its version (time travel:
    VERSION AS OF '1.1.0'), with the declared required columns, primary key and descriptions. Releases
    already in the catalog are skipped; every release is verified against its manifest first."""
    from japan_nato.cli.output import emit, use_json
    from japan_nato.releases import ReleaseError, releases_dir
    from japan_nato.releases.iceberg import export_iceberg

    use_json(as_json)
    root = releases_dir(releases)
    try:
        result = export_iceberg(root, catalog, warehouse, namespace)
    except ReleaseError as exc:
        _fail([], str(exc))
    if as_json:
        emit({"ok": True, "namespace": namespace, "exported": result.exported, "skipped": result.skipped})
        return
    for version, tables in result.exported.items():
        out.print(f"exported {version}: {len(tables)} table(s) in {namespace}, one snapshot each, tagged {version}")
    if result.skipped:
        out.print(f"already in the catalog, skipped: {', '.join(result.skipped)}")

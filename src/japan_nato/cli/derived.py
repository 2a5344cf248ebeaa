"""Commands on the files derived from the schema's declarations: suites, dictionary."""

from __future__ import annotations

import typer

from japan_nato.cli import JSON_OPTION, _fail, app, out
from japan_nato.cli.output import emit, use_json


@app.command()
def suites(
    write: bool = typer.Option(False, "--write", help="Rewrite quality/expectations/*.json from the models."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show or rewrite the Great Expectations suites derived from the table models and vocabularies.
    Without --write, exit 1 when a committed suite file differs from its derivation."""
    from japan_nato.quality import gx_suites
    from japan_nato.schema.catalog import table_names

    use_json(as_json)
    if write:
        written = gx_suites.write_suites()
        if as_json:
            emit({"ok": True, "written": [str(p) for p in written]})
            return
        for path in written:
            out.print(f"wrote {path}")
        return
    committed = gx_suites.load_suite_files()
    derived = {t: gx_suites.suite_for(t) for t in table_names()}
    stale = [t for t in table_names() if committed.get(t) != derived[t]]
    if as_json:
        counts = {t: len(derived[t]["expectations"]) for t in table_names()}
        emit({"ok": not stale, "expectations": counts, "stale": stale})
        raise typer.Exit(1 if stale else 0)
    for t in table_names():
        n = len(derived[t]["expectations"])
        out.print(f"{t}: {n} expectations{' (STALE: run japan-nato suites --write)' if t in stale else ''}")
    if stale:
        raise typer.Exit(1)


@app.command()
def dictionary(
    write: bool = typer.Option(False, "--write", help="Rewrite docs/data-dictionary.md from the declarations."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show whether the data dictionary (docs/data-dictionary.md) matches the schema's declarations, or
    rewrite it. Without --write, exit 1 when it is stale."""
    from japan_nato.schema import dictionary as data_dictionary

    use_json(as_json)
    if write:
        path = data_dictionary.write()
        if as_json:
            emit({"ok": True, "written": str(path)})
            return
        out.print(f"wrote {path}")
        return
    if not data_dictionary.is_current():
        _fail([f"{data_dictionary.DICTIONARY_PATH} is stale"], "run `japan-nato dictionary --write`")
    if as_json:
        emit({"ok": True, "path": str(data_dictionary.DICTIONARY_PATH), "current": True})
        return
    out.print(f"{data_dictionary.DICTIONARY_PATH} is current")

"""Commands for curators: fmt, add-source, coverage."""

from __future__ import annotations

from pathlib import Path

import typer

from japan_nato.cli import CURATED_OPTION, JSON_OPTION, SOURCES_OPTION, _fail, app, err, out
from japan_nato.cli.output import emit, use_json


@app.command()
def fmt(
    curated: Path = CURATED_OPTION,
    check_only: bool = typer.Option(False, "--check", help="Change nothing; exit 1 if a file is not canonical."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write every curated file in its one canonical form: no anchors, one line per value, defaults
    left out, fields in schema order, records sorted by ID. With --check, list the files that differ."""
    from japan_nato.loaders.fmt import format_folder

    use_json(as_json)
    if not curated.is_dir():
        _fail([f"{curated}: no such folder"], "give --curated the folder of the curated files")
    changed, broken = format_folder(curated, check=check_only)
    ok = not broken and not (check_only and changed)
    if as_json:
        emit(
            {
                "ok": ok,
                "check": check_only,
                ("not_canonical" if check_only else "formatted"): [str(p) for p in changed],
                "unreadable": [str(p) for p in broken],
            }
        )
        raise typer.Exit(0 if ok else 1)
    for path in broken:
        err.print(f"{path}: cannot be read; `japan-nato build` says why", markup=False)
    for path in changed:
        (err if check_only else out).print(f"{'not canonical' if check_only else 'formatted'}: {path}", markup=False)
    if not ok:
        _fail(
            [],
            f"{len(changed)} file(s) not in canonical form"
            + (f", {len(broken)} unreadable" if broken else "")
            + (": run `japan-nato fmt`" if changed else ""),
        )
    if not changed:
        out.print(f"every curated file in {curated} is canonical")


@app.command("add-source")
def add_source(
    path: Path = typer.Argument(..., help="The article's text (UTF-8), as it will sit in the sources directory."),
    curated: Path = CURATED_OPTION,
    source_id: str | None = typer.Option(None, "--id", help="The source's ID (default: from its title and year)."),
    url: str | None = typer.Option(None, "--url", help="Where the article was published."),
    publisher: str | None = typer.Option(None, "--publisher", help="The publisher's name."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Register an article: write sources/<id>.yaml with its source record and a `candidates:`
    section (quotes with speaker candidates, dates, figures, actors) that the build ignores until a
    curator confirms each one. Copy the text into the sources directory too."""
    from japan_nato.loaders.drafting import draft_source

    use_json(as_json)
    if not path.is_file():
        _fail([f"{path}: no such file"], "give the path of the article's text")
    try:
        target, drafted = draft_source(path, curated, source_id, url, publisher)
    except (FileExistsError, UnicodeDecodeError) as exc:
        _fail([str(exc)], "nothing was written")
    if as_json:
        emit({"ok": True, "path": str(target), "candidates": {k: len(v) for k, v in drafted.items()}})
        return
    counts = ", ".join(f"{len(v)} {k}" for k, v in drafted.items())
    out.print(f"wrote {target}: source record and candidates ({counts})", markup=False)


@app.command()
def coverage(
    curated: Path = CURATED_OPTION,
    sources_dir: Path | None = SOURCES_OPTION,
    show: int = typer.Option(10, "--show", help="Uncited sentences to list per source (0: all)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Per source: how much of the article's text the data cites, and the sentences no row cites."""
    from japan_nato.loaders.coverage import coverage as measure
    from japan_nato.sources import resolve_sources_dir

    use_json(as_json)
    texts = resolve_sources_dir(sources_dir)
    if texts is None:
        _fail([], "coverage needs the article texts: give --sources-dir or $JAPAN_NATO_SOURCES")
    if not curated.is_dir():
        _fail([f"{curated}: no such folder"], "give --curated the folder of the curated files")
    found = measure(curated, texts)
    if as_json:
        emit(
            {
                "ok": True,
                "sources": [
                    {
                        "source_id": c.source_id,
                        "characters": c.characters,
                        "cited_share": round(c.share, 4),
                        "uncited": [{"line": line, "sentence": s} for line, s in c.uncited[: show or None]],
                        "uncited_count": len(c.uncited),
                    }
                    for c in found
                ],
            }
        )
        return
    for c in found:
        out.print(
            f"{c.source_id}: {c.share:.0%} of {c.characters:,} characters cited; {len(c.uncited)} sentence(s) uncited",
            markup=False,
        )
        for line, sentence in c.uncited[: show or None]:
            out.print(f"  line {line}: {sentence}", markup=False, soft_wrap=True)

"""The curated folder -> staged, checked rows in a build database, one file at a time.

Layout (datasets/curated/README.md): `registry/<table>.yaml` for the entities many sources share
(actors and their aliases), and `sources/<source_id>.yaml` for each article: its `source:` record,
every fact it states (`events:`, `statements:`, ...), and `mentions:` of facts another file defines.

Stream: read and validate one file at a time, explode it into rows with their file and line, append them to
the staging tables (`japan_nato.loaders.staging`); then check what spans files as SQL
(`japan_nato.loaders.cross_checks`); then copy the rows into the real tables. Memory is bounded by
the largest file, not the dataset. Every problem of every file is collected; any problem raises
`CuratedDataError` with all of them (the caller discards the build file).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from japan_nato.loaders import staging
from japan_nato.loaders.cross_checks import check_staged
from japan_nato.loaders.explode import Batch, FileContext, definition, mention, registry_entry
from japan_nato.loaders.problems import CuratedDataError, Problem
from japan_nato.loaders.records import mention_keys, registry_tables, source_tables
from japan_nato.loaders.yaml_lines import LineDict, read_yaml, records_of
from japan_nato.schema.vocab import VOCABULARIES

# Told of each step as it starts: (step, items done, items in all) — None when not counted.
OnStep = Callable[[str, int | None, int | None], None]


def _quiet(step: str, done: int | None, total: int | None) -> None:
    pass


DEFAULT_CURATED_DIR = Path("datasets/curated")
REGISTRY, SOURCES = "registry", "sources"
BATCH_ROWS = 50_000  # staged rows held in Python before they go to DuckDB
IGNORED_KEYS = {"candidates"}  # drafted by `japan-nato add-source`; inert until a curator confirms one


@dataclass
class LoadReport:
    counts: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    files: int = 0
    excerpts_checked: int = 0
    texts_missing: list[str] = field(default_factory=list)  # sources whose text was not available


def _unknown(path: Path, label: str, what: str) -> Problem:
    return Problem(
        label,
        None,
        None,
        None,
        f"not a curated file ({what})",
        "move it out, or see datasets/curated/README.md for the layout",
        "unknown-file",
    )


def _files(curated_dir: Path) -> tuple[list[Path], list[Path], list[Problem]]:
    problems: list[Problem] = []
    if not curated_dir.is_dir():
        return (
            [],
            [],
            [
                Problem(
                    str(curated_dir),
                    None,
                    None,
                    None,
                    "no such folder",
                    "give --curated the folder of curated files",
                    "missing-file",
                )
            ],
        )
    registry = [curated_dir / REGISTRY / f"{t}.yaml" for t in registry_tables()]
    for path in registry:
        if not path.exists():
            problems.append(
                Problem(
                    str(path),
                    None,
                    None,
                    None,
                    "file is missing",
                    f"create {path.name} (an empty list '[]' is allowed)",
                    "missing-file",
                )
            )
    sources = sorted((curated_dir / SOURCES).glob("*")) if (curated_dir / SOURCES).is_dir() else []
    known = {p.resolve() for p in registry} | {p.resolve() for p in sources if p.suffix == ".yaml"}
    for path in sorted(curated_dir.rglob("*")):
        if path.is_file() and path.resolve() not in known and path.suffix != ".md":
            problems.append(
                _unknown(
                    path,
                    str(path),
                    f"registry files are {', '.join(p.name for p in registry)}; sources are sources/*.yaml",
                )
            )
    sources = [p for p in sources if p.suffix == ".yaml"]
    if not sources:
        problems.append(
            Problem(
                str(curated_dir / SOURCES),
                None,
                None,
                None,
                "no source files",
                "add one per article (`japan-nato add-source`)",
                "missing-file",
            )
        )
    return [p for p in registry if p.exists()], sources, problems


def _source_text(raw: LineDict, sources_dir: Path | None) -> tuple[str | None, str | None]:
    """(text, why it is missing)."""
    name = raw.get("file")
    if sources_dir is None:
        return None, "no sources folder"
    if not isinstance(name, str) or not (Path(sources_dir) / name).is_file():
        return None, f"{name} is not in {sources_dir}"
    return (Path(sources_dir) / name).read_text(encoding="utf-8"), None


def _source_file(path: Path, label: str, tree, sources_dir, require_texts, batch, report) -> bool:
    """Check and stage one source file; False when it cannot be read as one (no `source:` record or no
    source_id), so the checks across files wait for it instead of reporting its every reference."""
    if not isinstance(tree, LineDict) or not isinstance(tree.get("source"), LineDict):
        batch.problems.append(
            Problem(
                label,
                getattr(tree, "line", 1),
                None,
                None,
                "a source file is a mapping with a `source:` record",
                "start the file with `source:` (see datasets/curated/README.md)",
                "shape",
            )
        )
        return False
    raw = tree["source"]
    source_id = raw.get("source_id")
    if not isinstance(source_id, str) or not source_id:
        where = raw.key_lines.get("source_id", raw.line)
        what = "has no source_id" if source_id is None else f"has source_id {source_id!r}, not an ID"
        fix = f"write `source_id: {path.stem}` (the file's name) in the source record"
        problem = Problem(label, where, "sources", "source_id", f"the source record {what}", fix, "missing")
        batch.problems.append(problem)
        return False
    text, missing = _source_text(raw, sources_dir)
    if missing:
        report.texts_missing.append(str(source_id))
        if require_texts:
            batch.problems.append(
                Problem(
                    label,
                    raw.key_lines.get("file", raw.line),
                    f"sources[{source_id}]",
                    "file",
                    f"the article's text is not available ({missing})",
                    "give --sources-dir or $JAPAN_NATO_SOURCES the folder of the texts, or --allow-missing-sources "
                    "to build without the evidence checks",
                    "sources",
                )
            )
    elif text is not None and isinstance(raw.get("sha256"), str):
        actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if actual != raw["sha256"]:
            batch.problems.append(
                Problem(
                    label,
                    raw.key_lines.get("sha256"),
                    f"sources[{source_id}]",
                    "sha256",
                    f"the text of {raw.get('file')} hashes to {actual}",
                    "use the article whose sha256 is recorded, or record the new one",
                    "sha256",
                )
            )
    sections = {
        item["starts"]: item["section"]
        for item in raw.get("sections") or []
        if isinstance(item, dict) and isinstance(item.get("starts"), str) and isinstance(item.get("section"), str)
    }
    if text is not None:
        _check_block_starts(raw, text, label, source_id, batch)
    title = raw.get("title") if isinstance(raw.get("title"), str) else None
    ctx = FileContext(label, source_id, text, sections, title)
    if isinstance(source_id, str) and path.stem != source_id:
        batch.problems.append(
            Problem(
                label,
                raw.key_lines.get("source_id"),
                f"sources[{source_id}]",
                "source_id",
                f"the file is named {path.name}",
                f"name it {source_id}.yaml",
                "shape",
            )
        )
    definition("sources", raw, ctx, batch)
    allowed = {"source", "mentions", *source_tables(), *IGNORED_KEYS}
    for key in tree:
        if key not in allowed:
            batch.problems.append(
                Problem(
                    label,
                    tree.key_lines[key],
                    None,
                    str(key),
                    "not a section of a source file",
                    f"use one of: {', '.join(['source', *source_tables(), 'mentions'])}",
                    "unknown-field",
                )
            )
    for table in source_tables():
        items = tree.get(table)
        if items is None:
            continue
        if not isinstance(items, list):
            batch.problems.append(
                Problem(
                    label,
                    tree.key_lines[table],
                    None,
                    table,
                    "must be a list of records",
                    "start each record with '- '",
                    "shape",
                )
            )
            continue
        records, problems = records_of(items, label, f"{table}")
        batch.problems.extend(problems)
        for record in records:
            definition(table, record, ctx, batch)
    mentions = tree.get("mentions") or []
    records, problems = records_of(mentions, label, "mentions") if isinstance(mentions, list) else ([], [])
    batch.problems.extend(problems)
    keys = mention_keys()
    for index, record in enumerate(records):
        mention(record, index, ctx, batch, keys)
    return True


def load_curated(
    curated_dir: Path,
    con: duckdb.DuckDBPyConnection,
    sources_dir: Path | None = None,
    require_texts: bool = True,
    on_step: OnStep | None = None,
) -> LoadReport:
    """Validate, stage and check every curated file into `con` (inside the caller's transaction).
    `on_step(step, done, total)` hears of each file validated and each later step."""
    curated_dir = Path(curated_dir)
    on_step = on_step or _quiet
    t0 = time.perf_counter()
    registry, sources, problems = _files(curated_dir)
    total = len(registry) + len(sources)
    report = LoadReport({})
    staging.create_staging(con)
    batch, unreadable, staged_s = Batch(), [], 0.0
    for done, path in enumerate([*registry, *sources]):
        on_step("validate", done, total)
        label = str(path)
        tree, file_problems = read_yaml(path, label)
        report.files += 1
        if file_problems:
            problems.extend(file_problems)
            unreadable.append(label)
            continue
        if path in registry:
            items = tree if isinstance(tree, list) else None
            if items is None and tree is not None:
                problems.append(
                    Problem(
                        label,
                        getattr(tree, "line", 1),
                        None,
                        None,
                        "the file must be a YAML list of records",
                        "start each record with '- '",
                        "shape",
                    )
                )
                continue
            records, item_problems = records_of(items or [], label, path.stem)
            problems.extend(item_problems)
            for record in records:
                registry_entry(path.stem, record, FileContext(label, None, None), batch)
        else:
            if not _source_file(path, label, tree, sources_dir, require_texts, batch, report):
                unreadable.append(label)
        if batch.size() >= BATCH_ROWS:
            s = time.perf_counter()
            staging.append(con, batch)
            staged_s += time.perf_counter() - s
    s = time.perf_counter()
    staging.append(con, batch)
    staged_s += time.perf_counter() - s
    problems.extend(batch.problems)
    report.excerpts_checked = batch.excerpts_checked
    report.seconds["validate"] = time.perf_counter() - t0 - staged_s
    report.seconds["stage"] = staged_s
    on_step("cross_checks", None, None)
    t1 = time.perf_counter()
    problems.extend(check_staged(con, unreadable))
    report.seconds["cross_checks"] = time.perf_counter() - t1
    if problems:
        raise CuratedDataError(problems)
    on_step("load", None, None)
    t2 = time.perf_counter()
    vocab = [
        {"vocabulary": v, "value": value, "description": d}
        for v, values in VOCABULARIES.items()
        for value, d in values.items()
    ]
    report.counts = staging.publish_rows(con, vocab)
    report.seconds["load"] = time.perf_counter() - t2
    return report


def _check_block_starts(raw, text: str, label: str, source_id, batch: Batch) -> None:
    """A page block's first words must be the article's own, or no excerpt could fall in it."""
    items = raw.get("sections") or []
    lines = getattr(items, "item_lines", [])
    for index, item in enumerate(items):
        starts = item.get("starts") if isinstance(item, dict) else None
        if isinstance(starts, str) and starts not in text:
            batch.problems.append(
                Problem(
                    label,
                    item.key_lines.get("starts", lines[index]) if index < len(lines) else raw.key_lines.get("sections"),
                    f"sources[{source_id}]",
                    f"sections[{index}].starts",
                    f"{starts[:60]!r} is not in the article",
                    "copy the block's first words from the article, character for character",
                    "section_start",
                )
            )

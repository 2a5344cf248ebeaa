"""Curated YAML files -> validated rows for every table.

load -> validate each record (input models) -> check across records (duplicates, references)
-> explode nested link rows and citations into their tables. Every problem is collected; the
caller gets either all the rows or a `CuratedDataError` listing every problem with its line.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from japan_nato.loaders.problems import CuratedDataError, Problem
from japan_nato.loaders.records import Input, files
from japan_nato.loaders.yaml_lines import LineDict, line_of, read_yaml_records
from japan_nato.schema import catalog
from japan_nato.schema.declare import Nested
from japan_nato.schema.vocab import VOCABULARIES
from pydantic import ValidationError

FILES = files()
DEFAULT_CURATED_DIR = Path("datasets/curated")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def citation_id(record_table: str, record_id: str, source_id: str, evidence: str) -> str:
    key = "\x1f".join((record_table, record_id, source_id, evidence))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


@dataclass
class Located:
    """A validated input record and where it came from."""

    table: str
    model: Input
    raw: LineDict
    file: str

    @property
    def key(self) -> str:
        return getattr(self.model, FILES[self.table][1])

    def problem(self, loc: tuple, message: str, fix: str, code: str) -> Problem:
        return Problem(
            self.file,
            line_of(self.raw, loc),
            f"{self.table}[{self.key}]",
            ".".join(str(p) for p in loc) or None,
            message,
            fix,
            code,
        )


@dataclass
class CuratedData:
    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in catalog.table_names()})

    def count(self) -> dict[str, int]:
        return {t: len(r) for t, r in self.rows.items()}


def _fix_for(error: dict) -> tuple[str, str]:
    kind = error["type"]
    if kind == "missing":
        return "missing", "add this field"
    if kind == "extra_forbidden":
        return "unknown-field", "remove it or correct its spelling (see datasets/curated/README.md)"
    if kind == "value_error":
        return "invalid", "correct the value"
    if kind.startswith(("date", "float", "int", "bool", "string", "list", "dict", "model")):
        return "type", f"give a value of the right type ({kind.replace('_', ' ')})"
    return "invalid", "correct the value"


def _validate_file(path: Path, label: str, table: str) -> tuple[list[Located], list[Problem], set[str]]:
    """Validate one file's records. Also returns the IDs of records that failed, so references to
    them are not reported again as unknown (one root problem, not a cascade)."""
    model_cls, id_field = FILES[table]
    raws, problems = read_yaml_records(path, label)
    located, failed_ids = [], set()
    for index, raw in enumerate(raws):
        rid = raw.get(id_field) if isinstance(raw.get(id_field), str) else f"#{index + 1}"
        try:
            located.append(Located(table, model_cls.model_validate(dict(raw)), raw, label))
        except ValidationError as exc:
            if isinstance(raw.get(id_field), str):
                failed_ids.add(raw[id_field])
            for err in exc.errors():
                loc = tuple(err["loc"])
                code, fix = _fix_for(err)
                message = err["msg"].removeprefix("Value error, ")
                if err["type"] not in ("missing", "extra_forbidden") and "input" in err:
                    message = f"{message} (got {err['input']!r})" if "got" not in message else message
                    if err["type"] == "value_error":
                        message = err["msg"].removeprefix("Value error, ")
                problems.append(
                    Problem(
                        label,
                        line_of(raw, loc),
                        f"{table}[{rid}]",
                        ".".join(str(p) for p in loc) or None,
                        message,
                        fix,
                        code,
                    )
                )
    return located, problems, failed_ids


def _nested(table: str) -> list[tuple[str, Nested]]:
    return catalog.nested_in(table)


def _item_label(item) -> str:
    return getattr(item, "quantity_id", None) or getattr(item, "alias", None) or item.actor


def _link_row(parent_table: str, parent_id: str, child: str, spec: Nested, item) -> dict:
    """One nested item -> a row of its table: derived columns from the parent, the rest from the item."""
    row = {}
    for c in catalog.table(child).columns:
        if not c.derived:
            row[c.name] = getattr(item, c.curated_name)
        elif c.primary_key:
            row[c.name] = "--".join([parent_id, *(slugify(getattr(item, f)) for f in spec.key)])
        elif c.targets:
            row[c.name] = parent_table
        else:  # the parent's ID: a reference to it, or a polymorphic row ID
            row[c.name] = parent_id
    return row


def _explode(rec: Located, rows: dict[str, list[dict]]) -> None:
    m = rec.model
    nested = _nested(rec.table)
    values = m.model_dump(exclude={"citations", *(n.list for _, n in nested)})
    base = {c.name: values[c.curated_name] for c in catalog.table(rec.table).columns}

    def cite(table: str, record_id: str, citations, inherited: bool) -> None:
        for c in citations:
            rows["citations"].append(
                {
                    "citation_id": citation_id(table, record_id, c.source, c.evidence),
                    "record_table": table,
                    "record_id": record_id,
                    "source_id": c.source,
                    "evidence": c.evidence,
                    "is_inherited": inherited,
                }
            )

    for child, spec in nested:
        key = catalog.table(child).key
        for item in getattr(m, spec.list):
            row = _link_row(rec.table, rec.key, child, spec, item)
            rows[child].append(row)
            cite(child, row[key], item.citations or m.citations, inherited=not item.citations)
    rows[rec.table].append(base)
    cite(rec.table, rec.key, m.citations, inherited=False)


def _yaml_references() -> list[tuple[str, str, str]]:
    """The schema's references as paths inside the curated records: (file, dotted path, target table)."""
    found = []
    source = catalog.table("citations").column("source_id")
    for table in FILES:
        for c in catalog.table(table).columns:
            if c.references and not c.derived:
                found.append((table, c.curated_name, c.references))
        found.append((table, f"citations.*.{source.curated_name}", source.references))
        for child, spec in _nested(table):
            for c in catalog.table(child).columns:
                if c.references and not c.derived:
                    found.append((table, f"{spec.list}.*.{c.curated_name}", c.references))
            found.append((table, f"{spec.list}.*.citations.*.{source.curated_name}", source.references))
    return found


# (file, dotted path inside a record, the table the value must exist in)
REFERENCES_IN_FILES = _yaml_references()


def _walk(obj, parts: list[str], loc: tuple = ()):
    """Yield (loc, value) for a dotted path with '*' over lists."""
    if not parts:
        yield loc, obj
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        for i, item in enumerate(obj or []):
            yield from _walk(item, rest, loc + (i,))
    else:
        value = getattr(obj, head, None)
        if value is not None:
            yield from _walk(value, rest, loc + (head,))


def _check_across(records: dict[str, list[Located]], failed_ids: dict[str, set[str]]) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, set[str]] = {}
    for table, recs in records.items():
        first: dict[str, Located] = {}
        for rec in recs:
            if rec.key in first:
                other = first[rec.key]
                problems.append(
                    rec.problem(
                        (FILES[table][1],),
                        f"duplicate ID {rec.key!r}, first defined at {other.file}:{other.raw.line}",
                        "give this record a new ID or merge it into the first (IDs are never reused)",
                        "duplicate",
                    )
                )
            else:
                first[rec.key] = rec
        ids[table] = set(first) | failed_ids.get(table, set())
    for table, path, target in REFERENCES_IN_FILES:
        for rec in records.get(table, []):
            for loc, value in _walk(rec.model, path.split(".")):
                if value not in ids.get(target, set()):
                    problems.append(
                        rec.problem(
                            loc,
                            f"unknown {target[:-1]} ID {value!r}",
                            f"define {value!r} in {target}.yaml or use an existing ID",
                            "reference",
                        )
                    )
    for table in FILES:
        for rec in records.get(table, []):
            sources = sorted({c.source for c in rec.model.citations})
            for child, spec in _nested(table):
                seen_keys: set[tuple] = set()
                for i, item in enumerate(getattr(rec.model, spec.list)):
                    # Derived link IDs must be unique too (two aliases that slug the same, a repeated party).
                    key = tuple(slugify(getattr(item, f)) for f in spec.key)
                    if catalog.table(child).column(catalog.table(child).key).derived and key in seen_keys:
                        problems.append(
                            rec.problem(
                                (spec.list, i, spec.key[0]),
                                f"{spec.label} {_item_label(item)!r} is listed twice",
                                "remove the repeat",
                                "duplicate",
                            )
                        )
                    seen_keys.add(key)
                    # A link row belongs to the source that states it: it may inherit its record's
                    # citations only when the record is cited by one source, otherwise an article that
                    # never names that actor or figure would be credited with it.
                    if not item.citations and len(sources) > 1:
                        problems.append(
                            rec.problem(
                                (spec.list, i, "citations"),
                                f"{spec.label} {_item_label(item)!r} has no citations and its record is cited by "
                                f"{len(sources)} sources",
                                f"cite the one that states it ({', '.join(sources)})",
                                "ambiguous-citation",
                            )
                        )
    # Link rows with curated IDs (figures) must be unique across every parent that holds them.
    for child in {child for t in FILES for child, _ in _nested(t)}:
        key = catalog.table(child).column(catalog.table(child).key)
        if key.derived:
            continue
        seen: set[str] = set()
        for table in FILES:
            for child_table, spec in _nested(table):
                if child_table != child:
                    continue
                for rec in records.get(table, []):
                    for i, item in enumerate(getattr(rec.model, spec.list)):
                        value = getattr(item, key.curated_name)
                        if value in seen:
                            problems.append(
                                rec.problem(
                                    (spec.list, i, key.curated_name),
                                    f"duplicate {spec.label} ID {value!r}",
                                    "make it unique, e.g. append the source ID",
                                    "duplicate",
                                )
                            )
                        seen.add(value)
    return problems


def load_curated(curated_dir: Path = DEFAULT_CURATED_DIR) -> CuratedData:
    """Read, validate and explode every curated file. Raises CuratedDataError with every problem."""
    curated_dir = Path(curated_dir)
    problems: list[Problem] = []
    records: dict[str, list[Located]] = defaultdict(list)
    failed_ids: dict[str, set[str]] = {}
    for table in FILES:
        path = curated_dir / f"{table}.yaml"
        label = str(path)
        if not path.exists():
            problems.append(
                Problem(
                    label,
                    None,
                    None,
                    None,
                    "file is missing",
                    f"create {path.name} (an empty list '[]' is allowed)",
                    "missing-file",
                )
            )
            continue
        located, file_problems, failed_ids[table] = _validate_file(path, label, table)
        records[table].extend(located)
        problems.extend(file_problems)
    for extra in sorted(curated_dir.glob("*.y*ml")):
        if extra.stem not in FILES:
            problems.append(
                Problem(
                    str(extra),
                    None,
                    None,
                    None,
                    "not a curated table file",
                    f"rename it to one of {', '.join(f + '.yaml' for f in FILES)} or move it out",
                    "unknown-file",
                )
            )
    problems.extend(_check_across(records, failed_ids))
    if problems:
        raise CuratedDataError(problems)
    data = CuratedData()
    for table in FILES:
        for rec in records[table]:
            _explode(rec, data.rows)
    data.rows["vocabularies"] = [
        {"vocabulary": v, "value": value, "description": d}
        for v, values in VOCABULARIES.items()
        for value, d in values.items()
    ]
    # Identical citations (same record, source and excerpt) collapse to one row.
    unique = {}
    for c in data.rows["citations"]:
        unique.setdefault(c["citation_id"], c)
    data.rows["citations"] = list(unique.values())
    return data

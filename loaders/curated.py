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
from japan_nato.loaders.records import FILES, Input
from japan_nato.loaders.yaml_lines import LineDict, line_of, read_yaml_records
from japan_nato.schema.models import TABLES
from japan_nato.schema.vocab import VOCABULARIES
from pydantic import ValidationError

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
    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in TABLES})

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


def _explode(rec: Located, rows: dict[str, list[dict]]) -> None:
    m = rec.model
    base = m.model_dump(exclude={"citations", "aliases", "parties", "actors", "quantities", "subjects"})

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

    def link(table: str, row: dict, child) -> None:
        rows[table].append(row)
        key_col = next(iter(TABLES[table].__table__.primary_key.columns)).name
        own = child.citations
        cite(table, row[key_col], own or m.citations, inherited=not own)

    def quantities(table: str, record_id: str) -> None:
        for q in m.quantities:
            row = q.model_dump(exclude={"citations"})
            link("quantities", {**row, "record_table": table, "record_id": record_id}, q)

    t = rec.table
    if t == "sources":
        base["publisher_actor_id"] = base.pop("publisher_actor")
        base["author_actor_id"] = base.pop("author_actor")
    elif t == "actors":
        for a in m.aliases:
            link(
                "actor_aliases",
                {"alias_id": f"{m.actor_id}--{slugify(a.alias)}", "actor_id": m.actor_id, "alias": a.alias},
                a,
            )
    elif t == "actor_roles":
        base["person_id"] = base.pop("person")
        base["organization_id"] = base.pop("organization")
        base["posted_to_id"] = base.pop("posted_to")
    elif t == "memberships":
        base["member_id"] = base.pop("member")
        base["group_id"] = base.pop("group")
    elif t == "agreements":
        for p in m.parties:
            link(
                "agreement_parties",
                {
                    "party_id": f"{m.agreement_id}--{p.actor}--{slugify(p.role)}",
                    "agreement_id": m.agreement_id,
                    "actor_id": p.actor,
                    "role": p.role,
                    "note": p.note,
                    "outside_knowledge": None,
                },
                p,
            )
    elif t == "events":
        base["agreement_id"] = base.pop("agreement")
        for a in m.actors:
            link(
                "event_actors",
                {
                    "event_actor_id": f"{m.event_id}--{a.actor}--{slugify(a.role)}",
                    "event_id": m.event_id,
                    "actor_id": a.actor,
                    "role": a.role,
                    "note": a.note,
                    "outside_knowledge": None,
                },
                a,
            )
        quantities("events", m.event_id)
    elif t == "budgets":
        base["actor_id"] = base.pop("actor")
        quantities("budgets", m.budget_id)
    elif t == "statements":
        base["speaker_id"] = base.pop("speaker")
        base["event_id"] = base.pop("event")
        base["reported_by_id"] = base.pop("reported_by")
        for sub in m.subjects:
            link(
                "statement_subjects",
                {
                    "subject_id": f"{m.statement_id}--{sub.actor}",
                    "statement_id": m.statement_id,
                    "actor_id": sub.actor,
                    "note": sub.note,
                },
                sub,
            )
    rows[t].append(base)
    cite(t, rec.key, m.citations, inherited=False)


# (table, dotted path inside a record, the table the value must exist in)
REFERENCES = [
    ("sources", "publisher_actor", "actors"),
    ("sources", "author_actor", "actors"),
    ("actors", "aliases.*.citations.*.source", "sources"),
    ("actor_roles", "person", "actors"),
    ("actor_roles", "organization", "actors"),
    ("memberships", "member", "actors"),
    ("memberships", "group", "actors"),
    ("agreements", "parties.*.actor", "actors"),
    ("agreements", "parties.*.citations.*.source", "sources"),
    ("events", "agreement", "agreements"),
    ("events", "actors.*.actor", "actors"),
    ("events", "actors.*.citations.*.source", "sources"),
    ("events", "quantities.*.citations.*.source", "sources"),
    ("budgets", "actor", "actors"),
    ("budgets", "quantities.*.citations.*.source", "sources"),
    ("statements", "speaker", "actors"),
    ("statements", "event", "events"),
    ("statements", "reported_by", "actors"),
    ("statements", "subjects.*.actor", "actors"),
    ("statements", "subjects.*.citations.*.source", "sources"),
    ("actor_roles", "posted_to", "actors"),
] + [(t, "citations.*.source", "sources") for t in FILES]


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
    for table, path, target in REFERENCES:
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
    # Derived link keys must be unique too (two aliases that slug the same, a repeated party).
    seen: dict[tuple, Located] = {}
    for rec in records.get("actors", []):
        for i, a in enumerate(rec.model.aliases):
            k = ("alias", rec.key, slugify(a.alias))
            if k in seen:
                problems.append(
                    rec.problem(
                        ("aliases", i, "alias"),
                        f"alias {a.alias!r} repeats another alias of this actor",
                        "remove the repeat",
                        "duplicate",
                    )
                )
            seen[k] = rec
    for table, attr, sub in (
        ("agreements", "parties", "actor"),
        ("events", "actors", "actor"),
        ("statements", "subjects", "actor"),
    ):
        for rec in records.get(table, []):
            pairs = set()
            for i, p in enumerate(getattr(rec.model, attr)):
                role = getattr(p, "role", None)
                if (p.actor, role) in pairs:
                    twice = f"{p.actor!r} is listed twice" + (f" as {role!r}" if role else "")
                    problems.append(rec.problem((attr, i, sub), twice, "remove the repeat", "duplicate"))
                pairs.add((p.actor, role))
    # A link row (alias, party, event actor, statement subject, figure) belongs to the source that
    # states it: it may inherit its record's citations only when the record is cited by one source,
    # otherwise an article that never names that actor or figure would be credited with it.
    nested_links = {
        "actors": ["aliases"],
        "agreements": ["parties"],
        "events": ["actors", "quantities"],
        "budgets": ["quantities"],
        "statements": ["subjects"],
    }
    for table, attrs in nested_links.items():
        for rec in records.get(table, []):
            sources = sorted({c.source for c in rec.model.citations})
            if len(sources) < 2:
                continue
            for attr in attrs:
                for i, item in enumerate(getattr(rec.model, attr)):
                    if not item.citations:
                        what = getattr(item, "quantity_id", None) or getattr(item, "alias", None) or item.actor
                        problems.append(
                            rec.problem(
                                (attr, i, "citations"),
                                f"{attr[:-1] if attr != 'quantities' else 'figure'} {what!r} has no citations and its "
                                f"record is cited by {len(sources)} sources",
                                f"cite the one that states it ({', '.join(sources)})",
                                "ambiguous-citation",
                            )
                        )
    quantity_seen: dict[str, Located] = {}
    for table in ("events", "budgets"):
        for rec in records.get(table, []):
            for i, q in enumerate(rec.model.quantities):
                if q.quantity_id in quantity_seen:
                    problems.append(
                        rec.problem(
                            ("quantities", i, "quantity_id"),
                            f"duplicate quantity ID {q.quantity_id!r}",
                            "make it unique, e.g. append the source ID",
                            "duplicate",
                        )
                    )
                quantity_seen[q.quantity_id] = rec
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

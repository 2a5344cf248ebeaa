"""One curated file's records -> rows of every table, each row with the file and line it came from.

Everything that one file can tell by itself is checked here, while the file is at hand: the input
models, a dated column against its precision, a link row listed twice, and (when the article's text
is available) every evidence excerpt and verbatim quote against the text of the file's source. What
spans files (an ID defined twice, a reference to another file's record) is left to
`japan_nato.loaders.cross_checks`, over the staged rows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from japan_nato.loaders.evidence import describe_mismatch
from japan_nato.loaders.problems import Problem
from japan_nato.loaders.records import (
    definition_model,
    mention_model,
    period_start_hint,
    registry_model,
)
from japan_nato.loaders.yaml_lines import LineDict, LineList, line_of
from japan_nato.schema import catalog
from pydantic import ValidationError

PERIOD_REGEX = {
    "month": re.compile(r"^\d{4}-\d{2}-01$"),
    "year": re.compile(r"^\d{4}-01-01$"),
    "decade": re.compile(r"^\d{3}0-01-01$"),
}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def citation_id(record_table: str, record_id: str, source_id: str, evidence: str) -> str:
    key = "\x1f".join((record_table, record_id, source_id, evidence))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


@dataclass
class FileContext:
    label: str  # the file as messages name it
    source_id: str | None  # the source every excerpt in the file cites (None: a registry file)
    text: str | None  # that source's article, when available
    sections: dict[str, str] = field(default_factory=dict)  # a block's first words -> its section
    title: str | None = None

    def section_of(self, excerpt: str) -> str | None:
        """The part of the page an excerpt comes from. A block the source record marks starts at each
        place its first words occur and runs to the end of that line (so a photo credit can follow its
        caption on one line); an excerpt takes the latest block started on its line at or before it,
        else headline when its line is the title, else body."""
        if self.text is None:
            return None
        at = self.text.find(excerpt)
        if at == -1:
            return None
        line_start = self.text.rfind("\n", 0, at) + 1
        best, section = -1, None
        for starts, kind in self.sections.items():
            found = self.text.rfind(starts, line_start, at + len(starts))
            if found > best:
                best, section = found, kind
        if section is not None:
            return section
        line_end = self.text.find("\n", at)
        line = self.text[line_start : line_end if line_end != -1 else len(self.text)].strip()
        if self.title and line == self.title.strip():
            return "headline"
        return "body"


@dataclass
class Batch:
    """Rows of every table from one or more files, with provenance columns, ready to stage."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in catalog.table_names()})
    mentions: list[dict] = field(default_factory=list)  # record_table, record_id + provenance
    failed: list[dict] = field(default_factory=list)  # table, id of records that did not validate
    problems: list[Problem] = field(default_factory=list)
    excerpts_checked: int = 0

    def size(self) -> int:
        return sum(len(r) for r in self.rows.values()) + len(self.mentions)


def _prov(ctx: FileContext, line: int, record: str, path: str, raw: LineDict | None = None) -> dict:
    # Each field's line, only where a field is not on the row's own line (block-style records; a
    # one-line link row needs none): most rows are one-line link rows, and a map per row costs.
    lines = None
    if isinstance(raw, LineDict) and any(n != line for n in raw.key_lines.values()):
        lines = list(raw.key_lines.items())
    return {"_file": ctx.label, "_line": line, "_record": record, "_path": path, "_key_lines": lines}


def _problem(ctx, line, record, path, message, fix, code) -> Problem:
    return Problem(ctx.label, line, record, path or None, message, fix, code)


def _fix_for(error: dict) -> tuple[str, str]:
    kind = error["type"]
    if kind == "missing":
        return "missing", "add this field"
    if kind == "vocabulary":
        return "vocabulary", "use an allowed value (docs/data-dictionary.md says what each one means)"
    if kind == "extra_forbidden":
        return "unknown-field", "remove it or correct its spelling (see datasets/curated/README.md)"
    if kind.startswith(("float", "int", "bool", "string", "list", "dict", "model")) and kind != "value_error":
        return "type", f"give a value of the right type ({kind.replace('_', ' ')})"
    return "invalid", "correct the value"


def _plain_loc(loc: tuple, raw) -> tuple | None:
    """An error's location without pydantic's names for the branches of a union
    (`evidence.function-after[...]`, `evidence.list[...]`), or None for the branch that does not match
    the written value's shape (a list was written: the single-text branch's errors are noise)."""
    plain, node = [], raw
    for part in loc:
        if isinstance(part, str) and "[" in part:
            if part.startswith("list[") != isinstance(node, list):
                return None
            continue
        plain.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(plain)


def validate(model_cls, raw: LineDict, ctx: FileContext, record: str, path: str, batch: Batch):
    """The validated model, or None after adding one problem per error (each at its own line)."""
    try:
        return model_cls.model_validate(dict(raw))
    except ValidationError as exc:
        for err in exc.errors():
            loc = _plain_loc(tuple(err["loc"]), raw)
            if loc is None:
                continue  # the other branch of a `str | list[str]` field: not what was written
            code, fix = _fix_for(err)
            message = err["msg"].removeprefix("Value error, ")
            spelled = getattr(raw, "spelled", {}).get(loc[0]) if len(loc) == 1 else None
            if err["type"] == "string_type" and spelled is not None:
                message = f"{message} (got {spelled}, which YAML reads as {err['input']})"
                fix = f"quote it: '{spelled}'"
            elif err["type"] not in ("missing", "extra_forbidden", "value_error", "vocabulary") and "input" in err:
                message = f"{message} (got {err['input']!r})"
            dotted = ".".join(str(p) for p in (path.split(".") if path else []) + list(loc))
            batch.problems.append(_problem(ctx, line_of(raw, loc), record, dotted, message, fix, code))
        return None


def _excerpts(value, raw: LineDict) -> list[tuple[str, int]]:
    if value is None:
        return []
    if isinstance(value, str):
        return [(value, raw.key_lines.get("evidence", raw.line))]
    items = raw.get("evidence")
    lines = getattr(items, "item_lines", [])
    return [(v, lines[i] if i < len(lines) else raw.line) for i, v in enumerate(value)]


def _cite(batch, ctx, table, record_id, excerpts, inherited, record, path) -> None:
    for i, (evidence, line) in enumerate(excerpts):
        batch.rows["citations"].append(
            {
                "citation_id": citation_id(table, record_id, ctx.source_id, evidence),
                "record_table": table,
                "record_id": record_id,
                "source_id": ctx.source_id,
                "evidence": evidence,
                "is_inherited": inherited,
                "section": ctx.section_of(evidence),
                **_prov(ctx, line, record, f"{path}.evidence" if path else "evidence"),
            }
        )
        if ctx.text is not None and not inherited:
            batch.excerpts_checked += 1
            if evidence not in ctx.text:
                where = "evidence" + (f".{i}" if len(excerpts) > 1 else "")
                batch.problems.append(
                    _problem(
                        ctx,
                        line,
                        record,
                        f"{path}.{where}" if path else where,
                        f"excerpt not in {ctx.source_id}: {describe_mismatch(ctx.text, evidence)}",
                        "copy the excerpt character for character from the article (quotes ’ “ ” and dashes — –)",
                        "evidence",
                    )
                )


def _check_dates(table: str, values: dict, raw: LineDict, ctx, record, path, batch) -> None:
    for c in catalog.table(table).columns:
        if not c.precision:
            continue
        value, precision = values.get(c.curated_name), values.get(catalog.table(table).column(c.precision).curated_name)
        line = line_of(raw, (c.curated_name,)) if c.curated_name in raw else raw.line
        name = f"{path}.{c.curated_name}" if path else c.curated_name
        if value is not None and precision == "unknown":
            batch.problems.append(
                _problem(
                    ctx,
                    line,
                    record,
                    name,
                    f"is {value} but {c.precision} is unknown",
                    "remove the date, or give its precision",
                    "date",
                )
            )
        elif value is not None and precision in PERIOD_REGEX and not PERIOD_REGEX[precision].match(value.isoformat()):
            first = {"month": value.replace(day=1), "year": value.replace(month=1, day=1)}.get(
                precision, value.replace(year=value.year - value.year % 10, month=1, day=1)
            )
            batch.problems.append(
                _problem(
                    ctx,
                    line,
                    record,
                    name,
                    f"{value} has {precision} precision, so it must be {period_start_hint(precision)}",
                    f"write {first.isoformat()} (YYYY-MM-DD, the first day of the period)",
                    "date",
                )
            )
        elif value is None and precision not in (None, "unknown") and c.date_required:
            batch.problems.append(
                _problem(
                    ctx,
                    line,
                    record,
                    name,
                    f"has no date but {c.precision} is {precision}",
                    "give the date, or set the precision to unknown",
                    "date",
                )
            )


def _values(model, table: str) -> dict:
    return {c.curated_name: getattr(model, c.curated_name) for c in catalog.table(table).columns if not c.derived}


def _link_rows(batch, ctx, parent_table, parent_id, model, raw, record, parent_excerpts) -> None:
    for child, spec in catalog.nested_in(parent_table):
        items, raws = getattr(model, spec.list), raw.get(spec.list) or LineList()
        key = catalog.table(child).column(catalog.table(child).key)
        seen: set = set()
        for j, item in enumerate(items):
            item_raw = raws[j] if j < len(raws) and isinstance(raws[j], LineDict) else raw
            path = f"{spec.list}.{j}"
            row = {}
            for c in catalog.table(child).columns:
                if not c.derived:
                    row[c.name] = getattr(item, c.curated_name)
                elif c.primary_key:
                    row[c.name] = "--".join([parent_id, *(slugify(getattr(item, f)) for f in spec.key)])
                else:
                    row[c.name] = parent_table if c.targets else parent_id
            if key.derived and row[key.name] in seen:
                batch.problems.append(
                    _problem(
                        ctx,
                        item_raw.line,
                        record,
                        f"{path}.{spec.key[0]}",
                        f"{spec.label} listed twice",
                        "remove the repeat",
                        "duplicate",
                    )
                )
                continue
            seen.add(row[key.name])
            row.update(_prov(ctx, item_raw.line, record, path, item_raw))
            batch.rows[child].append(row)
            own = _excerpts(item.evidence, item_raw)
            if not own and not parent_excerpts:
                batch.problems.append(
                    _problem(
                        ctx,
                        item_raw.line,
                        record,
                        path,
                        f"{spec.label} has no evidence",
                        "give it evidence, or give the mention evidence it can reuse",
                        "missing",
                    )
                )
            _cite(
                batch,
                ctx,
                child,
                row[key.name],
                own or [(e, item_raw.line) for e, _ in parent_excerpts],
                not own,
                record,
                path,
            )


def definition(table: str, raw: LineDict, ctx: FileContext, batch: Batch, model_cls=None) -> None:
    """A record defined in this file (or the file's own `source:` record)."""
    spec = catalog.table(table)
    key = spec.column(spec.key).curated_name
    rid = raw.get(key) if isinstance(raw.get(key), str) else None
    record = f"{table}[{rid or '?'}]"
    model = validate(model_cls or definition_model(table), raw, ctx, record, "", batch)
    if model is None:
        if rid:
            batch.failed.append({"table": table, "id": rid})
        return
    values = _values(model, table)
    _check_dates(table, values, raw, ctx, record, "", batch)
    if table == "statements" and model.is_verbatim and ctx.text is not None and model.text not in ctx.text:
        batch.problems.append(
            _problem(
                ctx,
                line_of(raw, ("text",)),
                record,
                "text",
                f"verbatim quote not in {ctx.source_id}: {describe_mismatch(ctx.text, model.text)}",
                "copy the quote character for character, or set is_verbatim: false for a paraphrase",
                "quote",
            )
        )
    row = {c.name: values[c.curated_name] for c in spec.columns if not c.derived}
    for c in spec.columns:
        if c.derived and c.references == "sources":
            row[c.name] = ctx.source_id  # a fact of this file's source (an anomaly it carries)
    batch.rows[table].append({**row, **_prov(ctx, raw.line, record, "", raw)})
    excerpts = _excerpts(model.evidence, raw)
    _cite(batch, ctx, table, rid, excerpts, False, record, "")
    _link_rows(batch, ctx, table, rid, model, raw, record, excerpts)


def registry_entry(table: str, raw: LineDict, ctx: FileContext, batch: Batch) -> None:
    """A shared entity: its row and its named link rows (aliases), cited by the sources' mentions."""
    spec = catalog.table(table)
    rid = raw.get(spec.key) if isinstance(raw.get(spec.key), str) else None
    record = f"{table}[{rid or '?'}]"
    model = validate(registry_model(table), raw, ctx, record, "", batch)
    if model is None:
        if rid:  # neither it nor its named link rows are reported again as unknown (one root problem)
            batch.failed.append({"table": table, "id": rid})
            for child, nested in catalog.nested_in(table):
                names = raw.get(nested.list) if isinstance(raw.get(nested.list), list) else []
                batch.failed += [{"table": child, "id": f"{rid}--{slugify(n)}"} for n in names if isinstance(n, str)]
        return
    values = _values(model, table)
    batch.rows[table].append(
        {**{c.name: values[c.curated_name] for c in spec.columns}, **_prov(ctx, raw.line, record, "")}
    )
    for child, nested in catalog.nested_in(table):
        names, raws = getattr(model, nested.list), raw.get(nested.list) or LineList()
        lines = getattr(raws, "item_lines", [])
        name_col = next(c for c in catalog.table(child).columns if not c.derived)
        seen = set()
        for j, name in enumerate(names):
            line, child_id = lines[j] if j < len(lines) else raw.line, f"{rid}--{slugify(name)}"
            if child_id in seen:
                batch.problems.append(
                    _problem(
                        ctx,
                        line,
                        record,
                        f"{nested.list}.{j}",
                        f"{nested.label} {name!r} listed twice",
                        "remove the repeat",
                        "duplicate",
                    )
                )
                continue
            seen.add(child_id)
            row = {c.name: child_id if c.primary_key else rid for c in catalog.table(child).columns if c.derived}
            batch.rows[child].append({**row, name_col.name: name, **_prov(ctx, line, record, f"{nested.list}.{j}")})


def mention(raw: LineDict, index: int, ctx: FileContext, batch: Batch, keys: dict[str, str]) -> None:
    """`- <key>: <id>` under `mentions:`: this source's evidence for a record defined elsewhere."""
    present = [k for k in keys if k in raw]
    if len(present) != 1:
        batch.problems.append(
            _problem(
                ctx,
                raw.line,
                f"mentions[{index}]",
                None,
                "a mention names one record",
                f"start it with one of: {', '.join(f'{k}: <id>' for k in keys)}",
                "shape",
            )
        )
        return
    table = keys[present[0]]
    rid = raw.get(present[0]) if isinstance(raw.get(present[0]), str) else "?"
    record = f"{table}[{rid}]"
    model = validate(mention_model(table), raw, ctx, record, "", batch)
    if model is None:
        return
    batch.mentions.append(
        {"record_table": table, "record_id": rid, **_prov(ctx, raw.key_lines[present[0]], record, "")}
    )
    excerpts = _excerpts(model.evidence, raw)
    _cite(batch, ctx, table, rid, excerpts, False, record, "")
    nested = catalog.nested_in(table)
    if catalog.table(table).info.registry:
        for child, spec in nested:
            raws = raw.get(spec.list) or LineList()
            for j, item in enumerate(getattr(model, spec.list)):
                item_raw = raws[j] if j < len(raws) else raw
                name = next(v for k, v in item.model_dump().items() if k != "evidence")
                child_id = f"{rid}--{slugify(name)}"
                path = f"{spec.list}.{j}"
                batch.mentions.append(
                    {"record_table": child, "record_id": child_id, **_prov(ctx, item_raw.line, record, path)}
                )
                own = _excerpts(item.evidence, item_raw)
                if not own and not excerpts:
                    batch.problems.append(
                        _problem(
                            ctx,
                            item_raw.line,
                            record,
                            path,
                            f"{spec.label} {name!r} has no evidence",
                            "give it evidence, or give the mention evidence it can reuse",
                            "missing",
                        )
                    )
                _cite(
                    batch, ctx, child, child_id, own or [(e, item_raw.line) for e, _ in excerpts], not own, record, path
                )
    else:
        _link_rows(batch, ctx, table, rid, model, raw, record, excerpts)
    if not excerpts and not any(getattr(model, spec.list) for _, spec in nested):
        batch.problems.append(
            _problem(
                ctx,
                raw.line,
                record,
                None,
                "a mention with no evidence and nothing added",
                "give the excerpt of this article that states it",
                "missing",
            )
        )

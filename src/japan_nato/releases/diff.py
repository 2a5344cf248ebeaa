"""What changed between two releases, and the semantic version that follows from it.

The rule (`bump_rule`), applied by `publish`:
- **major** when a table or column is removed, renamed or retyped (a rename reads as removed plus
  added), or a row with a curated public ID (an actor, event, statement, figure, ...) disappears;
- **minor** when tables, columns or rows are added;
- **patch** when only values change, derived rows (citations, link rows) are removed as
  corrections, or only the files' metadata changes (descriptions, required columns).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from japan_nato.releases.store import QUALITY_FILE, parse_version
from japan_nato.schema import catalog
from japan_nato.schema.sqltext import identifier, literal


def bump_rule(tables: list) -> str | None:
    changed = [t for t in tables if not t.empty]
    public = catalog.public_id_tables()
    if any(t.status == "removed" or t.columns_removed or t.columns_retyped for t in changed):
        return "major"
    if any(t.rows_removed and t.table in public for t in changed):
        return "major"
    if any(t.status == "added" or t.columns_added or t.rows_added for t in changed):
        return "minor"
    if any(t.rows_changed or t.rows_removed or t.metadata_changed for t in changed):
        return "patch"
    return None


@dataclass
class TableDiff:
    table: str
    status: str = "same"  # added | removed | same
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    columns_retyped: dict[str, str] = field(default_factory=dict)
    rows_added: list[str] = field(default_factory=list)
    rows_removed: list[str] = field(default_factory=list)
    rows_changed: dict[str, list[str]] = field(default_factory=dict)  # key -> changed columns
    # What readers see about the data changed, not the data: "events.start_on: now required".
    metadata_changed: list[str] = field(default_factory=list)
    values: dict[str, dict[str, list]] = field(default_factory=dict)  # key -> column -> [old, new]

    def metadata_summary(self) -> str:
        """["a now required", "b now required", "a description added"] -> "2 column(s) now required, ..."."""
        counts: dict[str, int] = {}
        for change in self.metadata_changed:
            what = change if change.startswith("table ") else change.split(" ", 1)[1]
            counts[what] = counts.get(what, 0) + 1
        return ", ".join(what if what.startswith("table ") else f"{n} column(s) {what}" for what, n in counts.items())

    @property
    def empty(self) -> bool:
        return self.status == "same" and not (
            self.columns_added
            or self.columns_removed
            or self.columns_retyped
            or self.rows_added
            or self.rows_removed
            or self.rows_changed
            or self.metadata_changed
        )


@dataclass
class ReleaseDiff:
    old: str | None
    new: str
    tables: list[TableDiff]

    @property
    def bump(self) -> str | None:
        """The bump today's rule gives (`bump_rule`)."""
        return bump_rule(self.tables)

    def markdown(self, limit: int = 20) -> str:
        """The diff for a reviewer: per table, rows added and removed, and each changed value with
        its old and new text."""
        out = [f"### Data diff {self.old or '(nothing)'} → {self.new}: bump **{self.bump or 'none'}**", ""]
        changed = [t for t in self.tables if not t.empty]
        if not changed:
            return "\n".join(out + ["No change.", ""])
        for t in changed:
            out.append(f"#### `{t.table}`" + (f" (table {t.status})" if t.status != "same" else ""))
            for label, cols in (("added", t.columns_added), ("removed", t.columns_removed)):
                out += [f"- column {label}: `{c}`" for c in cols]
            out += [f"- column retyped: `{c}` ({v})" for c, v in t.columns_retyped.items()]
            if t.metadata_changed:
                out.append(f"- metadata: {t.metadata_summary()}")
            for label, keys in (("added", t.rows_added), ("removed", t.rows_removed)):
                if keys:
                    shown = ", ".join(f"`{k}`" for k in keys[:limit])
                    more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
                    out.append(f"- {len(keys)} row(s) {label}: {shown}{more}")
            if t.rows_changed:
                out += [
                    "",
                    f"{len(t.rows_changed)} row(s) changed:",
                    "",
                    "| row | column | old | new |",
                    "|---|---|---|---|",
                ]
                for k, cols in list(t.values.items())[:limit]:
                    for c, (old, new) in cols.items():
                        out.append(f"| `{k}` | `{c}` | {_cell(old)} | {_cell(new)} |")
                if len(t.rows_changed) > limit:
                    out.append(f"| … | | {len(t.rows_changed) - limit} more row(s) | |")
            out.append("")
        return "\n".join(out)

    def to_dict(self) -> dict:
        return {
            "old": self.old,
            "new": self.new,
            "bump": self.bump,
            "tables": [asdict(t) for t in self.tables if not t.empty],
        }

    def lines(self, limit: int = 10) -> list[str]:
        out = [f"diff {self.old or '(nothing)'} -> {self.new}: bump {self.bump or 'none (no changes)'}"]
        for t in self.tables:
            if t.empty:
                continue
            if t.status != "same":
                n = len(t.rows_added) or len(t.rows_removed)
                out.append(f"  {t.table}: table {t.status} ({n} rows)")
                continue
            for c in t.columns_added:
                out.append(f"  {t.table}: column added {c}")
            for c in t.columns_removed:
                out.append(f"  {t.table}: column removed {c}")
            for c, change in t.columns_retyped.items():
                out.append(f"  {t.table}: column retyped {c} ({change})")
            if t.metadata_changed:
                out.append(f"  {t.table}: metadata: {t.metadata_summary()}")
            for label, keys in (("added", t.rows_added), ("removed", t.rows_removed)):
                if keys:
                    shown = ", ".join(keys[:limit]) + (f", … {len(keys) - limit} more" if len(keys) > limit else "")
                    out.append(f"  {t.table}: {len(keys)} row(s) {label}: {shown}")
            if t.rows_changed:
                items = list(t.rows_changed.items())
                shown = "; ".join(f"{k} ({', '.join(cols)})" for k, cols in items[:limit])
                more = f"; … {len(items) - limit} more" if len(items) > limit else ""
                out.append(f"  {t.table}: {len(items)} row(s) changed: {shown}{more}")
        return out


def _cell(value) -> str:
    text = "NULL" if value is None else str(value)
    text = text if len(text) <= 160 else text[:157] + "…"
    return text.replace("|", "\\|").replace("\n", " ")


def _parquet_schema(path: Path) -> dict[str, str]:
    return {f.name: str(f.type) for f in pq.read_schema(path)}


def _metadata_changes(old: Path, new: Path) -> list[str]:
    """What changed in how the file describes its columns (not their types or values)."""
    a, b = pq.read_schema(old), pq.read_schema(new)
    changes = []
    old_fields = {f.name: f for f in a}
    for f in b:
        g = old_fields.get(f.name)
        if g is None:
            continue
        if g.nullable and not f.nullable:
            changes.append(f"{f.name} now required")
        elif f.nullable and not g.nullable:
            changes.append(f"{f.name} now optional")
        if (g.metadata or {}).get(b"description") != (f.metadata or {}).get(b"description"):
            changes.append(
                f"{f.name} description {'added' if not (g.metadata or {}).get(b'description') else 'changed'}"
            )
    if (a.metadata or {}).get(b"description") != (b.metadata or {}).get(b"description"):
        changes.append("table description " + ("added" if not (a.metadata or {}).get(b"description") else "changed"))
    return changes


def _keys_for(table: str, columns: set[str]) -> list[str]:
    pk = [c for c in catalog.primary_key(table) if c in columns] if table in catalog.table_names() else []
    return pk or sorted(columns)[:1]


def diff_table(table: str, old: Path | None, new: Path | None) -> TableDiff:
    d = TableDiff(table)
    if old is None:
        d.status = "added"
        d.rows_added = _all_keys(table, new)
        return d
    if new is None:
        d.status = "removed"
        d.rows_removed = _all_keys(table, old)
        return d
    a, b = _parquet_schema(old), _parquet_schema(new)
    d.columns_added = [c for c in b if c not in a]
    d.columns_removed = [c for c in a if c not in b]
    d.columns_retyped = {c: f"{a[c]} -> {b[c]}" for c in a if c in b and a[c] != b[c]}
    d.metadata_changed = _metadata_changes(old, new)
    keys = _keys_for(table, set(a) & set(b))
    common = [c for c in a if c in b and c not in d.columns_retyped and c not in keys]
    # Column names come from the files (a downloaded release may be hostile): always quoted.
    q = identifier
    key_expr = " || ' | ' || ".join(f"CAST(coalesce(x.{q(k)}, y.{q(k)}) AS VARCHAR)" for k in keys)
    on = " AND ".join(f"x.{q(k)} = y.{q(k)}" for k in keys)
    changed_cols = ", ".join(
        f"CASE WHEN x.{q(c)} IS DISTINCT FROM y.{q(c)} "
        f"THEN [{literal(c)}, CAST(x.{q(c)} AS VARCHAR), CAST(y.{q(c)} AS VARCHAR)] END"
        for c in common
    )
    con = duckdb.connect()
    try:
        rows = con.execute(f"""
            SELECT {key_expr} AS k, x.{q(keys[0])} IS NULL AS is_new, y.{q(keys[0])} IS NULL AS is_gone,
                   list_filter([{changed_cols or "NULL"}], v -> v IS NOT NULL) AS changed
            FROM read_parquet({literal(str(old))}) x FULL OUTER JOIN read_parquet({literal(str(new))}) y ON {on}
            ORDER BY k""").fetchall()
    finally:
        con.close()
    for k, is_new, is_gone, changed in rows:
        if is_new:
            d.rows_added.append(k)
        elif is_gone:
            d.rows_removed.append(k)
        elif changed:
            d.rows_changed[k] = [c for c, _, _ in changed]
            d.values[k] = {c: [old, new] for c, old, new in changed}
    return d


def _all_keys(table: str, path: Path) -> list[str]:
    keys = _keys_for(table, set(_parquet_schema(path)))
    expr = " || ' | ' || ".join(f"CAST({identifier(k)} AS VARCHAR)" for k in keys)
    con = duckdb.connect()
    try:
        query = f"SELECT {expr} FROM read_parquet({literal(str(path))}) ORDER BY 1"
        return [r[0] for r in con.execute(query).fetchall()]
    finally:
        con.close()


def diff_releases(old: Path | None, new: Path, old_label: str | None = None, new_label: str = "new") -> ReleaseDiff:
    """Compare two release folders table by table (quality results are not part of the data)."""

    def tables(folder: Path | None) -> dict[str, Path]:
        if folder is None:
            return {}
        return {p.stem: p for p in sorted(folder.glob("*.parquet")) if p.name != QUALITY_FILE}

    a, b = tables(old), tables(new)
    known = catalog.table_names()
    names = [t for t in known if t in a or t in b] + sorted((set(a) | set(b)) - set(known))
    return ReleaseDiff(old_label, new_label, [diff_table(t, a.get(t), b.get(t)) for t in names])


def next_version(previous: str | None, bump: str | None) -> str | None:
    if previous is None:
        return "1.0.0"
    if bump is None:
        return None
    major, minor, patch = parse_version(previous)
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[
        bump
    ]

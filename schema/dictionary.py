"""The data dictionary (`docs/data-dictionary.md`), generated from the columns' declarations.

`japan-nato dictionary --write` rewrites it; a test fails when the committed file is stale.
"""

from __future__ import annotations

from pathlib import Path

from japan_nato.schema import catalog
from japan_nato.schema.declare import FORMATS
from japan_nato.schema.vocab import VOCABULARIES

DICTIONARY_PATH = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _number(value: float) -> str:
    return f"{value:g}"


def _rules(c: catalog.ColumnSpec) -> list[str]:
    """What the declaration allows, in words."""
    rules = []
    if c.vocabulary:
        rules.append(f"vocabulary [`{c.vocabulary}`](#vocabulary-{c.vocabulary.replace('_', '-')})")
    if c.targets:
        rules.append("one of " + ", ".join(f"`{t}`" for t in catalog.targets_of(c)))
    if c.references:
        key = catalog.table(c.references).key
        rules.append(f"→ [`{c.references}.{key}`](#{c.references.replace('_', '-')})")
    if c.row_of:
        rules.append(f"→ the row of the table named in `{c.row_of}`")
    if c.format and not c.references:
        rules.append(FORMATS[c.format][1].split(" (")[0].split(", e.g.")[0])
    if c.max_length and not c.references:
        rules.append(f"at most {c.max_length} characters")
    if c.precision:
        rules.append(f"first day of the period `{c.precision}` names")
    if c.at_least:
        rules.append(f"≥ `{c.at_least}`")
    if c.minimum is not None:
        rules.append(f"{'>' if c.exclusive_minimum else '≥'} {_number(c.minimum)}")
    if c.maximum is not None:
        rules.append(f"≤ {_number(c.maximum)}")
    if c.required_when:
        other, values = c.required_when
        values = (values,) if isinstance(values, str) else values
        rules.append(f"required when `{other}` is " + " or ".join(f"`{v}`" for v in values))
    if c.required_with:
        others = (c.required_with,) if isinstance(c.required_with, str) else c.required_with
        rules.append("required with " + " or ".join(f"`{o}`" for o in others))
    if c.unit:
        rules.append(f"unit: {c.unit}")
    if c.unit_from:
        rules.append(f"unit in `{c.unit_from}`")
    if c.derived:
        rules.append("derived by the loader")
    if c.curated_name != c.name and not c.derived:
        rules.append(f"curated as `{c.curated_name}`")
    return rules


def _referenced_by(name: str) -> list[str]:
    found = [f"`{t}.{c}`" for t, c, target in catalog.references() if target == name]
    found += [f"`{t}({tc}, {ic})`" for t, tc, ic, allowed in catalog.polymorphic() if name in allowed]
    return found


def render() -> str:
    lines = [
        "# Data dictionary",
        "",
        "Every table and column of the japan-nato dataset, generated from the schema's declarations",
        "(`schema/models.py`) by `japan-nato dictionary --write`; the release files carry the same",
        "descriptions (parquet field metadata, `datapackage.json`, `croissant.json`) and so does a built",
        "database (`COMMENT ON`). Required columns are NOT NULL. References are not enforced by DuckDB",
        "(see `schema/models.py`); the quality gate checks every one.",
        "",
        "| table | one row is | key |",
        "|---|---|---|",
    ]
    for t in catalog.tables():
        anchor = t.name.replace("_", "-")
        lines.append(f"| [`{t.name}`](#{anchor}) | {_cell(t.description)} | `{', '.join(t.primary_key)}` |")
    for t in catalog.tables():
        lines += ["", f"## {t.name}", "", t.description, ""]
        facts = [f"Primary key: `{', '.join(t.primary_key)}`."]
        for u in t.unique:
            facts.append(f"Unique: `({', '.join(u)})`.")
        if t.info.natural_key:
            facts.append(f"Unique, checked by the gate: `({', '.join(t.info.natural_key)})`.")
        if t.public_ids:
            facts.append("Its IDs are public and stable: a removed row is a major version.")
        if t.cited:
            facts.append("Every row has at least one citation.")
        for n in t.nested:
            facts.append(f"Curated inside `{n.parent}` records, as `{n.list}:`.")
        refs = _referenced_by(t.name)
        if refs:
            facts.append(f"Referenced by {', '.join(refs)}.")
        lines += [" ".join(facts), "", "| column | type | required | description | rules |", "|---|---|---|---|---|"]
        for c in t.columns:
            required = "yes" if c.required else ""
            rules = "; ".join(_rules(c))
            lines.append(f"| `{c.name}` | {c.type} | {required} | {_cell(c.description)} | {_cell(rules)} |")
    lines += ["", "## Vocabularies", ""]
    for name, values in VOCABULARIES.items():
        used = ", ".join(f"`{c.table}.{c.name}`" for c in catalog.vocabulary_columns() if c.vocabulary == name)
        lines += [
            f"### vocabulary {name}",
            "",
            f"Used by {used}." if used else "Not used by any column.",
            "",
            "| value | meaning |",
            "|---|---|",
        ]
        lines += [f"| `{value}` | {_cell(meaning)} |" for value, meaning in values.items()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write(path: Path = DICTIONARY_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path


def is_current(path: Path = DICTIONARY_PATH) -> bool:
    return path.is_file() and path.read_text(encoding="utf-8") == render()

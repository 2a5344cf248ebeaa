"""Metadata beside every release, all derived from the schema's declarations: a Frictionless data
package, Croissant 1.1 JSON-LD, CITATION.cff, LICENSE, and the notes (CHANGES.md, CHANGELOG.md)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from japan_nato.releases.diff import ReleaseDiff
from japan_nato.releases.export import LICENSE, LICENSE_URL
from japan_nato.releases.store import MANIFEST, QUALITY_FILE, versions
from japan_nato.schema import catalog

TITLE = "japan-nato: Japan–NATO security relations"
DESCRIPTION = (
    "Actors, roles, memberships, agreements, events, figures, budgets and statements on Japan–NATO "
    "security relations and the threats around them (North Korea–Russia cooperation, China, the Quad, "
    "the IP4 partners), each row cited with a verbatim excerpt of its source article."
)
FRICTIONLESS_TYPES = {
    "string": "string",
    "date": "date",
    "number": "number",
    "boolean": "boolean",
    "integer": "integer",
}
CROISSANT_TYPES = {
    "string": "sc:Text",
    "date": "sc:Date",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "integer": "sc:Integer",
}


def _field(c: catalog.ColumnSpec) -> dict:
    entry: dict = {"name": c.name, "type": FRICTIONLESS_TYPES[c.type], "description": c.description}
    constraints: dict = {}
    if c.required:
        constraints["required"] = True
    if c.values:
        constraints["enum"] = list(c.values)
    if c.targets:
        constraints["enum"] = catalog.targets_of(c)
    # frictionless reads a null number from parquet as NaN (its pandas parser tests `is np.nan`),
    # and NaN fails every bound: bounds are declared here only where nulls cannot occur. The gate
    # checks every bound; the data dictionary shows them.
    if c.minimum is not None and c.required:
        constraints["exclusiveMinimum" if c.exclusive_minimum else "minimum"] = c.minimum
    if c.maximum is not None and c.required:
        constraints["maximum"] = c.maximum
    if c.max_length:
        constraints["maxLength"] = c.max_length
    if c.format and c.type == "string":
        from japan_nato.schema.declare import FORMATS

        constraints["pattern"] = FORMATS[c.format][0].removeprefix("^").removesuffix("$")
    if constraints:
        entry["constraints"] = constraints
    return entry


UNDECLARED = "Not declared in the schema: a column added to the database by hand before publishing."
ARROW_TO_FRICTIONLESS = {
    "string": "string",
    "large_string": "string",
    "date32[day]": "date",
    "double": "number",
    "float": "number",
    "bool": "boolean",
    "int64": "integer",
    "int32": "integer",
}


def _table_schema(spec: catalog.TableSpec, present: list[tuple[str, str]]) -> dict:
    """The Table Schema of one file: its columns (`present`: name, Arrow type) in file order, each
    from its declaration when it has one."""
    declared = {c.name: c for c in spec.columns}
    fields = [
        _field(declared[name])
        if name in declared
        else {"name": name, "type": ARROW_TO_FRICTIONLESS.get(arrow, "any"), "description": UNDECLARED}
        for name, arrow in present
    ]
    spec = without(spec, {name for name, _ in present})
    schema: dict = {"fields": fields, "primaryKey": list(spec.primary_key)}
    natural = spec.info.natural_key
    present_names = {c.name for c in spec.columns}
    unique = [list(u) for u in spec.unique] + ([list(natural)] if natural and set(natural) <= present_names else [])
    if unique:
        schema["uniqueKeys"] = unique
    fks = [
        {"fields": [c.name], "reference": {"resource": c.references, "fields": list(catalog.primary_key(c.references))}}
        for c in spec.columns
        if c.references
    ]
    if fks:
        schema["foreignKeys"] = fks
    return schema


def without(spec: catalog.TableSpec, present: set[str]) -> catalog.TableSpec:
    """The table's declarations limited to the columns a file has."""
    from dataclasses import replace

    return replace(
        spec,
        columns=tuple(c for c in spec.columns if c.name in present),
        unique=tuple(u for u in spec.unique if set(u) <= present),
    )


def parquet_columns_names(path: Path) -> list[str]:
    return [name for name, _ in parquet_columns(path)]


def parquet_columns(path: Path) -> list[tuple[str, str]]:
    import pyarrow.parquet as pq

    return [(f.name, str(f.type)) for f in pq.read_schema(path)]


def datapackage(version: str, sources: list[dict], folder: Path) -> dict:
    """The Frictionless v2 data package of a release folder: every table's file as a resource."""
    resources = [
        {
            "name": spec.name,
            "path": f"{spec.name}.parquet",
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "description": spec.description,
            "schema": _table_schema(spec, parquet_columns(folder / f"{spec.name}.parquet")),
        }
        for spec in catalog.tables()
        if (folder / f"{spec.name}.parquet").exists()
    ]
    polymorphic = "; ".join(
        f"{t}({tc}, {ic}) names a row of one of {', '.join(allowed)}" for t, tc, ic, allowed in catalog.polymorphic()
    )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "japan-nato",
        "title": TITLE,
        "description": (
            f"{DESCRIPTION} Keys that point at rows of several tables ({polymorphic}) cannot be expressed "
            "here; the project's quality gate checks them. The gate's results for this version are in "
            f"{QUALITY_FILE}; rows, bytes and sha256 of every file are in {MANIFEST}."
        ),
        "version": version,
        "licenses": [{"name": LICENSE, "path": LICENSE_URL, "title": "Creative Commons Attribution 4.0"}],
        "sources": [{"title": s["title"] or s["source_id"], "path": s["url"] or s["file"]} for s in sources],
        "resources": resources,
    }


def citation_cff(version: str, published_on: str) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for one version of the data."""
    return (
        "cff-version: 1.2.0\n"
        "message: If you use this dataset, please cite the version you used.\n"
        "type: dataset\n"
        f'title: "{TITLE}"\n'
        "authors:\n"
        '  - name: "japan-nato contributors"\n'
        f"version: {version}\n"
        f"date-released: {published_on}\n"
        f"license: {LICENSE}\n"
        "keywords: [Japan, NATO, security, North Korea, Russia, China, Quad, IP4]\n"
        f'abstract: "{DESCRIPTION}"\n'
    )


def license_text(version: str | None = None) -> str:
    """The data's licence, for a release folder (the repository's LICENSE also covers the code)."""
    what = f"japan-nato {version}" if version else "The japan-nato dataset"
    return (
        f"{what} (every file in this folder) is licensed under the Creative Commons Attribution 4.0\n"
        f"International licence (CC BY 4.0): {LICENSE_URL}\n"
        "Full legal code: https://creativecommons.org/licenses/by/4.0/legalcode\n\n"
        "You may share and adapt it for any purpose, provided you give appropriate credit (cite the\n"
        "version, see CITATION.cff), link to the licence and indicate if changes were made.\n\n"
        "The articles the data cites belong to their publishers; the dataset holds only short excerpts\n"
        "as evidence, and the sha256 of each text.\n"
    )


def git_commit(repo: Path) -> dict:
    def git(*args):
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "HEAD") or None
    paths = ("datasets/curated", "schema", "loaders", "quality", "src")
    return {"commit": commit, "dirty": bool(git("status", "--porcelain", "--", *paths)) if commit else None}


def changes_md(version: str, diff: ReleaseDiff, when: str, note: str | None = None) -> str:
    lines = [f"## {version} ({when})", ""]
    if note:
        lines += [note.strip(), ""]
    if diff.old is None:
        lines.append("First release.")
    else:
        lines.append(f"{diff.bump.upper() if diff.bump else 'No'} change from {diff.old}.")
    lines.append("")
    for t in diff.tables:
        if t.empty:
            continue
        parts = []
        if t.status != "same":
            parts.append(f"table {t.status}")
        parts += [f"column added `{c}`" for c in t.columns_added]
        parts += [f"column removed `{c}`" for c in t.columns_removed]
        parts += [f"column retyped `{c}` ({v})" for c, v in t.columns_retyped.items()]
        for label, n in (
            ("added", len(t.rows_added)),
            ("removed", len(t.rows_removed)),
            ("changed", len(t.rows_changed)),
        ):
            if n and t.status == "same":
                parts.append(f"{n} row(s) {label}")
        if t.status != "same":
            parts.append(f"{len(t.rows_added) or len(t.rows_removed)} row(s)")
        if t.metadata_changed:
            parts.append(f"metadata: {t.metadata_summary()}")
        lines.append(f"- `{t.table}`: " + ", ".join(parts))
    return "\n".join(lines) + "\n"


def changelog_text(root: Path) -> str:
    """CHANGELOG.md is derived: every release's CHANGES.md, newest first."""
    entries = [
        (root / v / "CHANGES.md").read_text(encoding="utf-8")
        for v in reversed(versions(root))
        if (root / v / "CHANGES.md").exists()
    ]
    text = "# Changelog\n\nEvery published version of the dataset, newest first. Versions are immutable.\n\n"
    return text + "\n".join(entries)


def write_changelog(root: Path) -> None:
    """Rewrite CHANGELOG.md atomically (a kill leaves the old one or the new one)."""
    tmp = root / f".CHANGELOG.md.{os.getpid()}"
    tmp.write_text(changelog_text(root), encoding="utf-8")
    os.replace(tmp, root / "CHANGELOG.md")


def write_json(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

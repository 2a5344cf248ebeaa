"""The curated files' one canonical form, written for people (`japan-nato fmt [--check]`).

- no anchors or aliases, no wrapped-string continuations (one line per value);
- a field equal to its declared default is left out (`end_on: null`, `start_precision: unknown`);
- fields in the order the schema declares them, the record's ID first, its link rows next, its
  `evidence` last; one excerpt as a string, several as a list;
- records sorted by ID within each section, mentions by table then ID; a link row of short values
  on one line (`- {actor: prk, role: initiator}`).
The writer works on the parsed YAML, not on validated models, so it never drops or changes a value
it does not understand (an unknown field is kept, after the known ones, for the loader to report).
Tests edit curated files through `read`/`write` here, so an edit touches only what it changes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from japan_nato.loaders.curated import IGNORED_KEYS
from japan_nato.loaders.records import ISO_DATE, mention_keys, source_tables
from japan_nato.loaders.yaml_lines import read_yaml
from japan_nato.schema import catalog

FLOW_WIDTH = 100  # a link row whose values fit on one line of this width is written on one line


class _Flow(dict):
    """A mapping to write on one line."""


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    def ignore_aliases(self, data):
        return True


_Dumper.add_representer(_Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True))
_Dumper.add_representer(dict, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False))
_Dumper.add_representer(list, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=False))


def _defaults(table: str) -> dict[str, object]:
    return {c.curated_name: c.default for c in catalog.table(table).columns if not c.derived and c.default is not ...}


def _dates(table: str) -> set[str]:
    return {c.curated_name for c in catalog.table(table).columns if c.type == "date"}


def _as_date(value):
    """An ISO date written as a YAML date (unquoted); anything else as it is."""
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _ordered(raw: dict, order: list[str], defaults: dict, dates: set[str] = frozenset()) -> dict:
    out = {}
    for key in order:
        if key in raw and not (key in defaults and raw[key] == defaults[key]):
            out[key] = _as_date(raw[key]) if key in dates else raw[key]
    for key in raw:  # what the schema does not know stays, for the loader to report
        if key not in order:
            out[key] = raw[key]
    return out


def _evidence(value):
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def _columns(table: str) -> list[str]:
    return [c.curated_name for c in catalog.table(table).columns if not c.derived]


def _link(child: str, item) -> object:
    if not isinstance(item, dict):
        return item
    out = _ordered(dict(item), [*_columns(child), "evidence"], _defaults(child), _dates(child))
    if "evidence" in out:
        out["evidence"] = _evidence(out["evidence"])
    scalars = all(not isinstance(v, dict | list) for v in out.values())
    if (
        scalars
        and len(yaml.dump(out, Dumper=_Dumper, default_flow_style=True, width=10**9, allow_unicode=True)) <= FLOW_WIDTH
    ):
        return _Flow(out)
    return out


def _record(table: str, raw, mention_key: str | None = None) -> object:
    """A definition, mention or registry entry of `table` in canonical order."""
    if not isinstance(raw, dict):
        return raw
    nested = catalog.nested_in(table)
    head = [mention_key] if mention_key else _columns(table)
    registry = catalog.table(table).info.registry
    out = _ordered(
        dict(raw),
        [*head, *(n.list for _, n in nested), "evidence"],
        {} if mention_key else _defaults(table),
        _dates(table),
    )
    for child, spec in nested:
        if isinstance(out.get(spec.list), list):
            if registry and not mention_key:
                out[spec.list] = list(out[spec.list])  # names
            else:
                out[spec.list] = [_link(child, item) for item in out[spec.list]]
            if not out[spec.list]:
                del out[spec.list]
    if "evidence" in out:
        out["evidence"] = _evidence(out["evidence"])
    return out


def _sorted(records: list, key: str) -> list:
    return sorted(records, key=lambda r: (0, str(r.get(key))) if isinstance(r, dict) else (1, ""))


def canonical_source_file(tree: dict) -> dict:
    out = {}
    if "source" in tree:
        out["source"] = _record("sources", tree["source"])
    for table in source_tables():
        if isinstance(tree.get(table), list) and tree[table]:
            key = catalog.table(table).key
            out[table] = _sorted([_record(table, r) for r in tree[table]], key)
    keys = mention_keys()
    if isinstance(tree.get("mentions"), list) and tree["mentions"]:
        order = {t: i for i, t in enumerate(catalog.table_names())}

        def which(r):
            k = next((k for k in keys if isinstance(r, dict) and k in r), None)
            return (order[keys[k]], str(r[k])) if k else (len(order), "")

        out["mentions"] = sorted(
            (
                _record(keys[k], r, k) if (k := next((k for k in keys if isinstance(r, dict) and k in r), None)) else r
                for r in tree["mentions"]
            ),
            key=which,
        )
    for key in tree:
        if key not in out and key not in ("source", "mentions", *source_tables()):
            out[key] = tree[key]  # candidates and unknown sections, as written
    return out


def canonical_registry(table: str, records: list) -> list:
    return _sorted([_record(table, r) for r in records], catalog.table(table).key)


def _plain(value):
    """LineDict/LineList -> dict/list, recursively (the dumper writes plain types)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


HEADERS = {
    "registry": "# Shared entities many sources name; each is cited by the sources' mentions (see ../README.md).\n",
    "sources": "# One article and every fact it states; see ../README.md for the record shapes.\n",
}


def dumps(data, kind: str) -> str:
    body = yaml.dump(
        _plain(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**9, default_flow_style=False
    )
    return HEADERS[kind] + body


def canonical_text(path: Path) -> str | None:
    """The canonical text of a curated file; None when it cannot be parsed (the loader says why)."""
    tree, problems = read_yaml(path, str(path))
    if problems:
        return None
    kind = path.parent.name
    if kind == "registry":
        return dumps(canonical_registry(path.stem, tree or []), "registry")
    return dumps(canonical_source_file(tree or {}), "sources")


def write(path: Path, data, kind: str | None = None) -> None:
    """Write curated data (a source file's mapping, or a registry list) in canonical form."""
    kind = kind or path.parent.name
    if kind == "registry":
        text = dumps(canonical_registry(path.stem, data), "registry")
    else:
        text = dumps(canonical_source_file(data), "sources")
    path.write_text(text, encoding="utf-8")


def read(path: Path):
    """A curated file as plain dicts and lists, for a test or a script to edit and `write` back."""
    tree, problems = read_yaml(path, str(path))
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
    return _plain(tree)


def curated_files(curated_dir: Path) -> list[Path]:
    return sorted([*(curated_dir / "registry").glob("*.yaml"), *(curated_dir / "sources").glob("*.yaml")])


def format_folder(curated_dir: Path, check: bool = False) -> tuple[list[Path], list[Path]]:
    """(files not in canonical form, files that cannot be parsed). Rewrites them unless `check`."""
    changed, broken = [], []
    for path in curated_files(curated_dir):
        text = canonical_text(path)
        if text is None:
            broken.append(path)
        elif text != path.read_text(encoding="utf-8"):
            changed.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    return changed, broken


__all__ = ["IGNORED_KEYS", "canonical_text", "format_folder", "read", "write"]

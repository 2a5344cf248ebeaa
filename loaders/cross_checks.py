"""What spans files, checked as SQL over the staged rows, each problem at the file and line its row
came from: an ID defined twice, a link row stated differently in two files, a reference or a
mention that names no record (with the nearest existing IDs), a shared entity no source cites.

The staged tables are `_stage_<table>` (see `japan_nato.loaders.staging`); every statement here is
built from the schema's declarations, so a new table or reference is checked with no edit here.
"""

from __future__ import annotations

import duckdb
from japan_nato.loaders.problems import Problem
from japan_nato.loaders.staging import stage_name
from japan_nato.schema import catalog

SUGGEST_FOR = 500  # unknown IDs that get "did you mean" (the count of problems is always exact)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _field(path: str | None, name: str) -> str:
    return f"{path}.{name}" if path else name


def _defined_twice(con) -> list[Problem]:
    problems = []
    for spec in catalog.tables():
        if spec.name == "vocabularies":
            continue
        key = spec.column(spec.key)
        stage = _q(stage_name(spec.name))
        if not key.derived:
            rows = con.execute(
                f"SELECT _file, coalesce(_key_lines[{_literal(key.curated_name)}], _line), _record, {_q(key.name)}, "
                "first_value(_file || ':' || coalesce(_key_lines[" + _literal(key.curated_name) + "], _line)) OVER w, "
                f"row_number() OVER w FROM {stage} WINDOW w AS (PARTITION BY {_q(key.name)} ORDER BY _file, _line) "
                "QUALIFY row_number() OVER w > 1 ORDER BY _file, _line"
            ).fetchall()
            for file, line, record, rid, first, _ in rows:
                problems.append(
                    Problem(
                        file,
                        line,
                        record,
                        key.curated_name,
                        f"{rid!r} is also defined at {first}",
                        "define each record once; a second source mentions it (see datasets/curated/README.md)",
                        "duplicate",
                    )
                )
            continue
        content = [c.name for c in spec.columns if not c.derived]
        if not content:
            continue
        digest = " || chr(31) || ".join(f"coalesce(CAST({_q(c)} AS VARCHAR), chr(0))" for c in content)
        rows = con.execute(
            f"WITH s AS (SELECT *, {digest} AS _content FROM {stage}), "
            f"d AS (SELECT {_q(key.name)} AS k FROM s GROUP BY 1 HAVING count(DISTINCT _content) > 1) "
            f"SELECT _file, _line, _record, _path, k, first_value(_file || ':' || _line) OVER w, row_number() OVER w "
            f"FROM s JOIN d ON s.{_q(key.name)} = d.k WINDOW w AS (PARTITION BY k ORDER BY _file, _line) "
            "QUALIFY row_number() OVER w > 1 ORDER BY _file, _line"
        ).fetchall()
        for file, line, record, path, rid, first, _ in rows:
            problems.append(
                Problem(
                    file,
                    line,
                    record,
                    path,
                    f"{rid!r} is stated differently at {first}",
                    "give the link row the same fields in both files, or tell them apart",
                    "conflict",
                )
            )
    return problems


def _suggestions(con, unknown: list[str], target: str) -> dict[str, list[str]]:
    """The nearest existing IDs of `target` for each unknown value (Jaro-Winkler, in DuckDB)."""
    if not unknown:
        return {}
    key = _q(catalog.table(target).key)
    con.register("_unknown", duckdb.sql("SELECT unnest(?) AS v", params=[unknown[:SUGGEST_FOR]]).arrow())
    rows = con.execute(
        f"SELECT v, list(k ORDER BY s DESC, k)[1:2] FROM (SELECT u.v, t.{key} AS k, "
        f"jaro_winkler_similarity(u.v, t.{key}) AS s FROM _unknown u, {_q(stage_name(target))} t) "
        "WHERE s >= 0.8 GROUP BY v"
    ).fetchall()
    con.unregister("_unknown")
    return dict(rows)


def _hint(target: str, value: str, near: dict[str, list[str]]) -> str:
    names = near.get(value)
    if names:
        return "did you mean " + " or ".join(repr(n) for n in names) + "?"
    if catalog.table(target).info.registry:
        return f"add {value!r} to registry/{target}.yaml, or use an existing ID"
    return f"define {value!r} in the file of the source that states it, or use an existing ID"


def _references(con) -> list[Problem]:
    problems = []
    for table, column, target in catalog.references():
        c = catalog.table(table).column(column)
        if c.derived:
            continue  # a link row's parent: its mention is checked instead
        target_key = _q(catalog.table(target).key)
        rows = con.execute(
            f"SELECT _file, coalesce(_key_lines[{_literal(c.curated_name)}], _line), _record, _path, {_q(column)} "
            f"FROM {_q(stage_name(table))} "
            f"WHERE {_q(column)} IS NOT NULL "
            f"AND {_q(column)} NOT IN (SELECT {target_key} FROM {_q(stage_name(target))}) "
            f'AND {_q(column)} NOT IN (SELECT id FROM _stage_failed WHERE "table" = ?) ORDER BY _file, _line',
            [target],
        ).fetchall()
        near = _suggestions(con, sorted({r[4] for r in rows}), target)
        for file, line, record, path, value in rows:
            problems.append(
                Problem(
                    file,
                    line,
                    record,
                    _field(path, c.curated_name),
                    f"unknown {target[:-1]} ID {value!r}",
                    _hint(target, value, near),
                    "reference",
                )
            )
    return problems


def _polymorphic(con) -> list[Problem]:
    """A curated (record_table, record_id) pair names a staged row of an allowed table."""
    problems = []
    for table, table_col, id_col, allowed in catalog.polymorphic():
        if catalog.table(table).column(id_col).derived:
            continue
        unions = " UNION ALL ".join(
            f"SELECT '{t}' AS t, {_q(catalog.table(t).key)} AS k FROM {_q(stage_name(t))}" for t in allowed
        )
        rows = con.execute(
            f"SELECT _file, coalesce(_key_lines[{_literal(id_col)}], _line), _record, {_q(table_col)}, {_q(id_col)} "
            f"FROM {_q(stage_name(table))} s WHERE {_q(id_col)} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM ({unions}) x WHERE x.t = s.{_q(table_col)} AND x.k = s.{_q(id_col)}) ORDER BY 1, 2"
        ).fetchall()
        for file, line, record, target, value in rows:
            fix = f"one of: {', '.join(allowed)}" if target not in allowed else f"use an existing {target} ID"
            problems.append(
                Problem(file, line, record, id_col, f"names {target}[{value}], which no file defines", fix, "reference")
            )
    return problems


def _singular(table: str) -> str:
    """How a curator names one record of `table` (event, role, alias, ...)."""
    spec = catalog.table(table)
    return spec.info.mention or (spec.nested[0].label if spec.nested else table)


def _mentions(con) -> list[Problem]:
    problems = []
    for spec in catalog.tables():
        key = _q(spec.key)
        rows = con.execute(
            f"SELECT _file, _line, _record, _path, record_id FROM _stage_mentions WHERE record_table = ? "
            f"AND record_id NOT IN (SELECT {key} FROM {_q(stage_name(spec.name))}) "
            'AND record_id NOT IN (SELECT id FROM _stage_failed WHERE "table" = ?) ORDER BY _file, _line',
            [spec.name, spec.name],
        ).fetchall()
        near = _suggestions(con, sorted({r[4] for r in rows}), spec.name)
        for file, line, record, path, value in rows:
            problems.append(
                Problem(
                    file,
                    line,
                    record,
                    path,
                    f"mentions {_singular(spec.name)} {value!r}, which no file defines",
                    _hint(spec.name, value, near),
                    "reference",
                )
            )
    return problems


def _uncited(con) -> list[Problem]:
    problems = []
    for table in catalog.cited_tables():
        key = _q(catalog.table(table).key)
        rows = con.execute(
            f"SELECT DISTINCT s._file, s._line, s._record, s._path, s.{key} FROM {_q(stage_name(table))} s "
            f"ANTI JOIN _stage_citations c ON c.record_table = ? AND c.record_id = s.{key} ORDER BY 1, 2",
            [table],
        ).fetchall()
        spec = catalog.table(table)
        mention = spec.info.mention or (catalog.table(spec.nested[0].parent).info.mention if spec.nested else table)
        for file, line, record, path, rid in rows:
            problems.append(
                Problem(
                    file,
                    line,
                    record,
                    path,
                    f"no source cites {rid!r}",
                    f"cite it from a source file: under mentions:, `- {mention}: ...` with the article's evidence",
                    "uncited",
                )
            )
    return problems


def check_staged(con: duckdb.DuckDBPyConnection, unreadable: list[str]) -> list[Problem]:
    """Every cross-file problem. With a file that could not be read at all, the checks that need
    every file's IDs would report a cascade of false problems: they wait until it reads."""
    problems = _defined_twice(con)
    if unreadable:
        return problems + [
            Problem(
                unreadable[0],
                None,
                None,
                None,
                f"references, mentions and citations across files are not checked until {len(unreadable)} "
                "unreadable file(s) read",
                "fix the problems these files' own lines report first",
                "skipped",
            )
        ]
    return problems + _references(con) + _polymorphic(con) + _mentions(con) + _uncited(con)

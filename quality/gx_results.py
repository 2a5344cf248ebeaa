"""GX validation results -> the gate's CheckResults, the same for both engines.

Kept apart from the suites' derivation so the GX worker imports neither the schema models nor the
loaders: it needs only these and GX itself.
"""

from __future__ import annotations

from japan_nato.quality.results import MAX_KEYS, CheckResult


def result_format(suite_spec: dict) -> dict:
    """GX's fullest result, naming each failing row by the table's primary key."""
    return {"result_format": "COMPLETE", "unexpected_index_column_names": suite_spec["meta"]["primary_key"]}


def to_check_results(table: str, outcome, engine: str, suite_spec: dict) -> list:
    """GX validation results -> CheckResults: one per expectation, naming each failing row's key.

    GX reports failing rows three ways: `unexpected_index_list` (column map expectations, both
    engines), `details.unexpected_rows` (unexpected-rows SQL expectations) and, for compound
    uniqueness on SQL, `partial_unexpected_list` of key dicts.
    """
    pk = suite_spec["meta"]["primary_key"]
    originals = {e["meta"]["check"] + "|" + column_of(e["kwargs"]) for e in suite_spec["expectations"]}
    results = []
    for r in outcome.results:
        cfg = r.expectation_config
        check = cfg.meta["check"]
        column = cfg.meta.get("column") or column_of(cfg.kwargs)
        assert f"{check}|{column}" in originals, (check, column)
        # GX gives an enum (FailureSeverity.CRITICAL); its value is the suite file's "critical".
        level = str(getattr(cfg.severity, "value", cfg.severity)).lower()
        severity = "error" if level == "critical" else "warning"
        if r.exception_info.get("raised_exception"):
            message = f"expectation raised: {r.exception_info.get('exception_message')}"
            cr = CheckResult(check, table, column, severity, False, message, ["-"], 1, engine, cfg.type)
            cr.observations = [message]
            results.append(cr)
            continue
        res = r.result or {}
        if "unexpected_index_list" in res:
            rows = res["unexpected_index_list"] or []
        elif "details" in res:
            rows = res["details"].get("unexpected_rows") or []
        else:
            rows = [x for x in res.get("partial_unexpected_list") or [] if isinstance(x, dict)]
        keys = [" | ".join(_key_text(row.get(k)) for k in pk) for row in rows]
        shown = [c for c in column.split(",") if c and c not in pk] or [c for c in column.split(",") if c]
        observed = [", ".join(f"{c}={_plain(row.get(c))!r}" for c in shown if c in row) or "duplicate" for row in rows]
        count = res.get("unexpected_count")
        if count is None:
            count = res.get("observed_value") if isinstance(res.get("observed_value"), int) else len(keys)
        cr = CheckResult(
            check,
            table,
            column,
            severity,
            bool(r.success),
            "ok" if r.success else f"{count} unexpected value(s)",
            keys[:MAX_KEYS],
            count,
            engine,
            cfg.type,
        )
        cr.observations = observed[:MAX_KEYS]
        results.append(cr)
    return results


def column_of(kwargs: dict) -> str:
    return kwargs.get("column") or kwargs.get("column_A") or ",".join(kwargs.get("column_list") or [])


def _plain(value):
    """numpy scalars and dates as the plain values a reader expects (140.0, '2024-06-17')."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def _key_text(value) -> str:
    # pandas turns a missing key into NaN; a reader should see NULL.
    return "NULL" if value is None or value != value else str(value)

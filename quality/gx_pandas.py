"""Great Expectations over pandas (`japan-nato check --engine pandas`): each table as a DataFrame.

Dates are handed to GX as ISO strings so the precision rules can be regexes, as they are on SQL
through regexp_matches.
"""

from __future__ import annotations

import itertools

from japan_nato.quality import gx_runtime
from japan_nato.quality.gx_results import result_format, to_check_results
from japan_nato.quality.gx_suites import load_suite_files
from japan_nato.schema import catalog

_RUNS = itertools.count()  # each run adds its own GX data source to the process's one context


def frame_for_gx(con, table: str):
    """The table as pandas, dates as ISO text so precision rules can be regexes."""
    df = con.execute(f'SELECT * FROM "{table}"').df()
    for c in catalog.table(table).columns:
        if c.type == "date" and c.name in df:
            df[c.name] = df[c.name].map(lambda v: None if v is None or v != v else str(v)[:10]).astype(object)
    return df


def validate_frames(frames: dict, suites: dict[str, dict]) -> list:
    """GX over pandas: run each table's suite on its DataFrame. Returns CheckResults."""
    _, ctx = gx_runtime.context()
    source = ctx.data_sources.add_pandas(f"japan_nato_pandas_{next(_RUNS)}")
    results = []
    for table, spec in suites.items():
        if table not in frames:
            continue
        batch = (
            source.add_dataframe_asset(table)
            .add_batch_definition_whole_dataframe("all")
            .get_batch(batch_parameters={"dataframe": frames[table]})
        )
        outcome = batch.validate(gx_runtime.suite(spec), result_format=result_format(spec))
        results += to_check_results(table, outcome, "gx-pandas", spec)
    return results


def run_suites_pandas(con, suites: dict[str, dict] | None = None) -> list:
    suites = suites if suites is not None else load_suite_files()
    frames = {t: frame_for_gx(con, t) for t in suites if t in catalog.table_names()}
    return validate_frames(frames, suites)

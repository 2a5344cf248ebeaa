"""Plots of a release, drawn as Vega-Lite specifications with altair and rendered to SVG by
vl-convert (Vega's own renderer, bundled in a wheel: no browser, no network). The data is read from
the release's parquet in a fixed order and every scale is UTC, so the same release gives the same
bytes on any machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

WINDOW = ("2021-01-01", "2027-01-01")  # where the dated events are; older ones are listed in the note
PRECISIONS = ["day", "month", "year", "decade"]
PRECISION_COLORS = ["#1b4f72", "#2e86c1", "#f39c12", "#c0392b"]
FONT = "DejaVu Sans, Arial, sans-serif"


@dataclass
class Plot:
    name: str
    title: str
    caption: str
    spec: dict
    svg: str = ""


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in zip(names, r, strict=True)}
        for r in cur.fetchall()
    ]


def _n(expr: str) -> str:
    """A number as the article would write it: 14,000, 2, 0.5."""
    return f"CASE WHEN {expr} = round({expr}) THEN format('{{:,}}', {expr}::BIGINT) ELSE format('{{:,}}', {expr}) END"


_PERIOD = """
    CASE date_precision WHEN 'day' THEN start_on + INTERVAL 1 DAY WHEN 'month' THEN start_on + INTERVAL 1 MONTH
         WHEN 'year' THEN start_on + INTERVAL 1 YEAR ELSE start_on + INTERVAL 10 YEAR END"""


def _timeline(data: list[dict], y: str, y_title: str, order: list[str]):
    import altair as alt

    data = [d for d in data if d["end"] > WINDOW[0]]
    base = alt.Chart(alt.Data(values=data))
    x = alt.X(
        "start:T",
        title=None,
        scale=alt.Scale(type="utc", domain=list(WINDOW)),
        axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1}),
    )
    y_enc = alt.Y(f"{y}:N", title=y_title, sort=order)
    bars = base.mark_bar(height=9, opacity=0.55, clip=True).encode(
        x=x,
        x2="end:T",
        y=y_enc,
        color=alt.Color(
            "precision:N",
            title="date precision",
            scale=alt.Scale(domain=PRECISIONS, range=PRECISION_COLORS),
        ),
    )
    ticks = base.mark_tick(thickness=2, size=12, clip=True).encode(x=x, y=y_enc, color="precision:N")
    return (bars + ticks).properties(width=760, height=22 * len(order))


def events_by_kind(con) -> Plot:
    data = _rows(
        con,
        f"""SELECT event_id, kind, date_precision AS precision, start_on AS start, {_PERIOD} AS "end"
            FROM events WHERE start_on IS NOT NULL ORDER BY kind, start_on, event_id""",
    )
    outside = sum(1 for d in data if d["start"] < WINDOW[0])
    undated = con.execute("SELECT count(*) FROM events WHERE start_on IS NULL").fetchone()[0]
    kinds = sorted({d["kind"] for d in data if d["end"] > WINDOW[0]})
    chart = _timeline(data, "kind", "kind of event", kinds)
    caption = (
        f"Each event is a bar over the period its date is known to: a day, a month, a year or a decade "
        f"(a tick marks where it starts). {len(data)} dated events; {outside} dated before "
        f"{WINDOW[0][:4]} fall outside the axis, and {undated} events have no date."
    )
    return Plot("events-by-kind", "Events over time, by kind", caption, chart.to_dict())


def events_by_actor(con, top: int = 14) -> Plot:
    data = _rows(
        con,
        f"""WITH busiest AS (
                SELECT ea.actor_id, count(DISTINCT ea.event_id) AS n FROM event_actors ea
                JOIN events e USING (event_id) WHERE e.start_on IS NOT NULL
                GROUP BY 1 ORDER BY n DESC, actor_id LIMIT {top})
            SELECT DISTINCT a.name AS actor, b.n, e.event_id, e.date_precision AS precision, e.start_on AS start,
                   {_PERIOD.replace("start_on", "e.start_on").replace("date_precision", "e.date_precision")} AS "end"
            FROM busiest b JOIN event_actors ea USING (actor_id) JOIN events e USING (event_id)
            JOIN actors a ON a.actor_id = b.actor_id
            WHERE e.start_on IS NOT NULL ORDER BY b.n DESC, actor, start, e.event_id""",
    )
    order = list(dict.fromkeys(d["actor"] for d in data))
    chart = _timeline(data, "actor", f"the {top} actors in most dated events", order)
    caption = (
        "The same events, by who took part (any role: initiator, target, participant, host, ...), "
        "for the actors that appear in the most dated events."
    )
    return Plot("events-by-actor", "Events over time, by actor", caption, chart.to_dict())


def defence_spending(con) -> Plot:
    import altair as alt

    data = _rows(
        con,
        """SELECT b.budget_id AS record, b.period_start AS "when", b.share_of_gdp_pct AS low,
                  b.share_of_gdp_pct AS high, b.basis, min(c.source_id) AS source
           FROM budgets b JOIN citations c ON c.record_table = 'budgets' AND c.record_id = b.budget_id
           WHERE b.share_of_gdp_pct IS NOT NULL AND b.period_start IS NOT NULL GROUP BY ALL
           UNION ALL
           SELECT q.record_id, coalesce(e.start_on, b.period_start), q.low, coalesce(q.high, q.low),
                  CASE WHEN q.measure LIKE '%target%' THEN 'target' ELSE 'stated' END, c.source_id
           FROM quantities q JOIN citations c ON c.record_table = 'quantities' AND c.record_id = q.quantity_id
           LEFT JOIN events e ON q.record_table = 'events' AND e.event_id = q.record_id
           LEFT JOIN budgets b ON q.record_table = 'budgets' AND b.budget_id = q.record_id
           WHERE q.unit = 'percent' AND q.measure LIKE '%share_of_gdp%'
             AND coalesce(e.start_on, b.period_start) IS NOT NULL
           ORDER BY 2, 1, 6""",
    )
    undated = _rows(
        con,
        """SELECT budget_id AS record, share_of_gdp_pct AS level, description FROM budgets
           WHERE share_of_gdp_pct IS NOT NULL AND period_start IS NULL ORDER BY budget_id""",
    )
    base = alt.Chart(alt.Data(values=data))
    x = alt.X("when:T", title=None, scale=alt.Scale(type="utc", domain=["2021-01-01", "2028-06-01"]))
    y = alt.Y("low:Q", title="defence spending, % of GDP", scale=alt.Scale(domain=[0, 2.6]))
    color = alt.Color("source:N", title="source article")
    ranges = base.mark_rule(strokeWidth=3).encode(x=x, y=y, y2="high:Q", color=color)
    points = base.mark_point(size=110, filled=True, opacity=0.8).encode(
        x=x, y=y, color=color, shape=alt.Shape("basis:N", title="figure is")
    )
    rules = alt.Chart(alt.Data(values=undated)).mark_rule(strokeDash=[4, 3], color="#888").encode(y="level:Q")
    rule_text = (
        alt.Chart(alt.Data(values=undated))
        .mark_text(align="left", x=4, dy=-6, fontSize=10, color="#555", font=FONT)
        .encode(y="level:Q", text="record:N")
    )
    chart = (rules + rule_text + ranges + points).properties(width=760, height=320)
    caption = (
        "Every dated share-of-GDP figure for defence spending: budget lines and the figures events "
        "report, each coloured by the article that states it (a vertical line would show a range "
        "low–high). Dashed lines are undated levels: "
        + "; ".join(f"{u['record']} ({u['level']:g}%)" for u in undated)
        + "."
    )
    return Plot("defence-spending", "Defence spending as a share of GDP", caption, chart.to_dict())


def figures(con) -> Plot:
    import altair as alt

    data = _rows(
        con,
        f"""WITH f AS (
              SELECT q.quantity_id, q.record_id || ' · ' || q.measure AS figure, c.source_id AS source,
                     coalesce(e.start_on, b.period_start) AS "when",
                     CASE WHEN q.low IS NULL THEN 'up to ' || {_n("q.high")}
                          WHEN q.high IS NULL THEN 'at least ' || {_n("q.low")}
                          WHEN q.low = q.high THEN {_n("q.low")}
                          ELSE {_n("q.low")} || '–' || {_n("q.high")} END || ' ' || q.unit AS value
              FROM quantities q JOIN citations c ON c.record_table = 'quantities' AND c.record_id = q.quantity_id
              LEFT JOIN events e ON q.record_table = 'events' AND e.event_id = q.record_id
              LEFT JOIN budgets b ON q.record_table = 'budgets' AND b.budget_id = q.record_id)
           SELECT quantity_id, source, "when", value,
                  CASE WHEN count(*) OVER (PARTITION BY figure) > 1 THEN figure || ' (' || source || ')'
                       ELSE figure END AS figure
           FROM f WHERE "when" >= DATE '{WINDOW[0]}'
           ORDER BY "when", figure, source""",
    )
    undated = con.execute(
        "SELECT count(*) FROM quantities q "
        "LEFT JOIN events e ON q.record_table = 'events' AND e.event_id = q.record_id "
        "LEFT JOIN budgets b ON q.record_table = 'budgets' AND b.budget_id = q.record_id "
        f"WHERE coalesce(e.start_on, b.period_start) IS NULL OR coalesce(e.start_on, b.period_start) < '{WINDOW[0]}'"
    ).fetchone()[0]
    base = alt.Chart(alt.Data(values=data))
    x = alt.X("when:T", title=None, scale=alt.Scale(type="utc", domain=["2021-01-01", "2028-01-01"]))
    y = alt.Y("figure:N", title=None, sort=None, axis=alt.Axis(labelLimit=520))
    color = alt.Color("source:N", title="source article")
    dots = base.mark_point(size=70, filled=True).encode(x=x, y=y, color=color)
    text = base.mark_text(align="left", dx=8, fontSize=10, font=FONT).encode(x=x, y=y, text="value:N", color=color)
    chart = (dots + text).properties(width=460, height=17 * len(data))
    caption = (
        "Every figure with a date (its event's or its budget line's), written with its range as the "
        "article gives it (14,000–15,000; at least 2), coloured by the article that states it; where two "
        f"articles disagree, both figures are kept. {undated} figures are undated or dated before {WINDOW[0][:4]}."
    )
    return Plot("figures", "Figures over time, with their ranges and sources", caption, chart.to_dict())


def co_appearance(con, top: int = 18) -> Plot:
    import altair as alt

    data = _rows(
        con,
        f"""WITH busiest AS (SELECT actor_id, count(DISTINCT event_id) AS n FROM event_actors
                             GROUP BY 1 ORDER BY n DESC, actor_id LIMIT {top}),
                 pairs AS (SELECT x.actor_id AS a, y.actor_id AS b, count(DISTINCT x.event_id) AS events
                           FROM event_actors x JOIN event_actors y USING (event_id)
                           WHERE x.actor_id IN (SELECT actor_id FROM busiest)
                             AND y.actor_id IN (SELECT actor_id FROM busiest) AND x.actor_id <> y.actor_id
                           GROUP BY 1, 2)
            SELECT na.name AS actor, nb.name AS "with", p.events
            FROM pairs p JOIN actors na ON na.actor_id = p.a JOIN actors nb ON nb.actor_id = p.b
            ORDER BY actor, "with" """,
    )
    order = [
        r[0]
        for r in con.execute(
            f"""SELECT a.name FROM (SELECT actor_id, count(DISTINCT event_id) AS n FROM event_actors
                GROUP BY 1 ORDER BY n DESC, actor_id LIMIT {top}) b JOIN actors a USING (actor_id)
                ORDER BY b.n DESC, a.actor_id"""
        ).fetchall()
    ]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("with:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("actor:N", sort=order, title=None),
    )
    cells = base.mark_rect().encode(color=alt.Color("events:Q", title="shared events", scale=alt.Scale(scheme="blues")))
    counts = base.mark_text(fontSize=9, font=FONT).encode(
        text="events:Q", color=alt.condition("datum.events > 8", alt.value("white"), alt.value("#222"))
    )
    chart = (cells + counts).properties(width=26 * top, height=26 * top)
    caption = (
        f"How many events each pair of the {top} most frequent actors take part in together (any role). "
        "An empty cell: never in the same event."
    )
    return Plot("co-appearance", "Who appears with whom", caption, chart.to_dict())


def plots(con) -> list[Plot]:
    return [events_by_kind(con), events_by_actor(con), defence_spending(con), figures(con), co_appearance(con)]


def render(plot: Plot) -> str:
    """The plot as SVG, without the XML prolog (it is inlined in the page)."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(plot.spec)
    svg = svg[svg.index("<svg") :]
    # vl-convert numbers clip paths and gradients across a process (clip1, clip3, gradient_0, ...):
    # number them per plot, with the plot's name, so the bytes depend only on the data and the
    # plots can share a page.
    found: dict[str, str] = {}
    for old in re.findall(r' id="([^"]+)"', svg):
        found.setdefault(old, f"{plot.name}-{len(found) + 1}")
    names = "|".join(re.escape(k) for k in found)
    if not names:
        return svg
    return re.sub(rf'(?<=id=")({names})(?=")|(?<=url\(#)({names})(?=\))', lambda m: found[m.group(0)], svg)


def render_all(con) -> list[Plot]:
    found = plots(con)
    for p in found:
        p.svg = render(p)
    return found

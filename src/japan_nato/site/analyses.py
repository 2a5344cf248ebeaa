"""Example SQL analyses: each a question, the SQL that answers it, and its result on the newest release.

The same queries are the SQL page's examples, run in the browser by DuckDB-WASM; a test runs every
one against the data in Python DuckDB, and the browser test checks the page returns the same rows.
Every query orders its rows completely, so the answer is one table, whichever engine runs it.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from japan_nato.site.html import e, page, table


@dataclass(frozen=True)
class Analysis:
    id: str
    title: str
    question: str
    sql: str


ANALYSES = [
    Analysis(
        "troops-in-russia",
        "North Korean troops in Russia, as each article gives them",
        "The articles disagree on how many North Korean troops went to Russia. Both figures are kept, "
        "each with the article that states it and its excerpt.",
        """SELECT q.low, q.high, q.unit, c.source_id, c.evidence
FROM quantities q
JOIN citations c ON c.record_table = 'quantities' AND c.record_id = q.quantity_id
WHERE q.record_id = 'prk-troop-deployment-to-russia'
ORDER BY q.low, c.source_id, c.evidence""",
    ),
    Analysis(
        "initiators",
        "Who starts things",
        "The actors that initiate the most events, with how many of those events occurred and how many "
        "are planned or reported otherwise.",
        """SELECT a.name, count(*) AS events,
       count(*) FILTER (WHERE e.status = 'occurred') AS occurred
FROM event_actors ea
JOIN events e USING (event_id)
JOIN actors a USING (actor_id)
WHERE ea.role = 'initiator'
GROUP BY a.name
ORDER BY events DESC, a.name
LIMIT 10""",
    ),
    Analysis(
        "events-per-year",
        "Events per year and kind",
        "How many events of each kind the articles date to each year (events dated only to a decade, "
        "or not at all, are left out).",
        """SELECT year(start_on) AS year, kind, count(*) AS events
FROM events
WHERE date_precision IN ('day', 'month', 'year')
GROUP BY ALL
ORDER BY year, events DESC, kind""",
    ),
    Analysis(
        "prk-launches",
        "North Korea's launches and what was said about them",
        "Every missile launch North Korea initiated, with its date, how precisely it is known, and the "
        "number of statements tied to it.",
        """SELECT e.event_id, e.start_on, e.date_precision, e.summary,
       (SELECT count(*) FROM statements s WHERE s.event_id = e.event_id) AS statements
FROM events e
JOIN event_actors ea USING (event_id)
WHERE ea.actor_id = 'prk' AND ea.role = 'initiator' AND e.kind = 'missile_launch'
ORDER BY e.start_on NULLS LAST, e.event_id""",
    ),
    Analysis(
        "ip4-and-quad",
        "The IP4 and the Quad: who is in them",
        "Members and partners of the Indo-Pacific Four and the Quad, and since when, as the articles say.",
        """SELECT g.name AS "group", a.name AS member, m.status, m.start_on, m.start_precision
FROM memberships m
JOIN actors a ON a.actor_id = m.member_id
JOIN actors g ON g.actor_id = m.group_id
WHERE m.group_id IN ('ip4', 'quad')
ORDER BY "group", member, m.status, m.start_on""",
    ),
    Analysis(
        "verbatim-on-nato",
        "Direct quotes about NATO",
        "Verbatim quotes whose subjects include NATO, with who said them.",
        """SELECT sp.name AS speaker, s.said_on, s.text
FROM statements s
JOIN statement_subjects ss USING (statement_id)
JOIN actors sp ON sp.actor_id = s.speaker_id
WHERE ss.actor_id = 'nato' AND s.is_verbatim
ORDER BY s.said_on NULLS LAST, s.statement_id""",
    ),
    Analysis(
        "citations-per-table",
        "How each table is cited",
        "Citations per table, and from how many of the five articles.",
        """SELECT record_table, count(*) AS citations, count(DISTINCT source_id) AS sources,
       count(DISTINCT record_id) AS rows_cited
FROM citations
GROUP BY record_table
ORDER BY citations DESC, record_table""",
    ),
]


def run(con: duckdb.DuckDBPyConnection, analysis: Analysis) -> tuple[list[str], list[tuple]]:
    cur = con.execute(analysis.sql)
    return [d[0] for d in cur.description], cur.fetchall()


def analyses_page(con: duckdb.DuckDBPyConnection, version: str) -> str:
    parts = [
        f"<p>Each analysis is a question and the SQL that answers it, with its result on release "
        f'<strong>{e(version)}</strong>. Run any of them on any version on the <a href="sql.html">SQL page</a>, '
        "or in Python: <code>japan_nato.connect(version=...).sql(...)</code>.</p>"
    ]
    for a in ANALYSES:
        columns, rows = run(con, a)
        parts.append(
            f'<section class="analysis" id="{a.id}"><h2>{e(a.title)}</h2><p>{e(a.question)}</p>'
            f"<pre><code>{e(a.sql)}</code></pre>"
            f'<p><a href="sql.html?version={e(version)}&amp;example={a.id}">Run it in the browser</a> · '
            f"{len(rows)} row(s)</p>{table(columns, rows, cls='result')}</section>"
        )
    return page("Example analyses", "\n".join(parts), current="analyses.html")

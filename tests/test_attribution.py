"""Schema revision 3 answers, in SQL, what the data could not say before: who asserts a claim, how sure
the article is, on what basis a date stands, what a figure's qualifier is, which part of the page an
excerpt comes from, and which claims contradict another source or a known fact. Each test asks one of
those questions of the built data and checks the answer against what the articles print."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def con(built_db):
    c = duckdb.connect(str(built_db), read_only=True)
    yield c
    c.close()


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def test_statements_by_actors_and_by_authors(con):
    counts = dict(rows(con, "SELECT asserted_by, count(*) FROM statements GROUP BY ALL"))
    assert set(counts) == {"actor", "author", "relayed"} and counts["actor"] > counts["author"] > 0
    # The author's conclusions the fact-check found recorded as actors' statements: now the author's.
    conclusions = [
        "usa--commitment-japan-regional-defence-actor",
        "nato--taiwan-outside-purview",
        "nato--geographic-separation-no-strategic-insulation",
        "jpn--threat-perception-chn-prk-rus",
        "jpn--fear-retaliation-car-exports",
    ]
    found = rows(
        con,
        "SELECT s.statement_id, s.asserted_by, a.kind, s.speaker_id IN (src.author_actor_id) FROM statements s "
        "JOIN actors a ON a.actor_id = s.speaker_id JOIN citations c ON c.record_table = 'statements' "
        "AND c.record_id = s.statement_id JOIN sources src USING (source_id) WHERE list_contains(?, s.statement_id)",
        conclusions,
    )
    assert sorted({r[0] for r in found}) == sorted(conclusions)
    assert all(r[1:] == ("author", "person", True) for r in found), found


def test_a_relayed_report_names_its_outlet_and_keeps_the_speaker(con):
    relayed = rows(
        con,
        "SELECT s.statement_id, s.speaker_id, s.reported_by_id, o.kind, s.certainty, s.hedge FROM statements s "
        "JOIN actors o ON o.actor_id = s.reported_by_id WHERE s.asserted_by = 'relayed' ORDER BY 1",
    )
    assert relayed and all(r[3] == "media" and r[4] == "reported" and r[5] for r in relayed)
    rutte = [r for r in relayed if r[0] == "mark-rutte--world-closely-linked"]
    assert rutte == [
        ("mark-rutte--world-closely-linked", "mark-rutte", "kyodo-news", "media", "reported", "according to Kyodo News")
    ]


def test_events_by_certainty_keep_the_hedge_the_article_prints(con):
    by = dict(rows(con, "SELECT certainty, count(*) FROM events GROUP BY ALL"))
    assert by["stated"] > 50 and by["reported"] >= 3 and by["assessed"] >= 1 and by["planned"] >= 1
    hedged = dict(
        rows(con, "SELECT event_id, certainty || ': ' || hedge FROM events WHERE certainty IN ('reported', 'assessed')")
    )
    assert hedged["prk-arms-supply-to-russia"] == "assessed: It is likely that"
    assert hedged["rus-assistance-to-prk"] == "reported: is believed to be receiving"
    assert hedged["prk-troop-deployment-to-russia"] == "reported: reportedly"
    # Each hedge is the article's own words, in one of the row's excerpts.
    unprinted = rows(
        con,
        "SELECT event_id FROM events e WHERE hedge IS NOT NULL AND NOT EXISTS (SELECT 1 FROM citations c "
        "WHERE c.record_table = 'events' AND c.record_id = e.event_id AND contains(c.evidence, e.hedge))",
    )
    assert unprinted == []


def test_dates_by_basis(con):
    # Every dated event says how its date stands; an undated one has no basis.
    mismatched = rows(con, "SELECT event_id FROM events WHERE (start_on IS NULL) <> (date_basis IS NULL)")
    assert mismatched == []
    by = dict(rows(con, "SELECT date_basis, count(*) FROM events WHERE date_basis IS NOT NULL GROUP BY ALL"))
    assert {"stated", "resolved", "inferred"} <= set(by)
    # "Between April 1 and June 30" with no year: the day is printed, the year inferred.
    assert rows(con, "SELECT date_basis FROM events WHERE event_id = 'jpn-air-scrambles-2023-04-06'") == [("inferred",)]
    # "late 1970s": a decade, with the word the article puts on it.
    assert rows(
        con,
        "SELECT start_on, date_precision, date_qualifier FROM events "
        "WHERE event_id = 'japan-nato-informal-communications-1970s'",
    ) == [(__import__("datetime").date(1970, 1, 1), "decade", "late")]


def test_figures_with_their_qualifier(con):
    under = rows(
        con,
        "SELECT share_of_gdp_pct, qualifier FROM budgets"
        " WHERE budget_id = 'jpn-defence-budget-post-wwii-under-1pct-gdp'",
    )
    assert under == [(1.0, "under")]
    troops = rows(
        con,
        "SELECT DISTINCT c.source_id, q.low, q.high, q.qualifier FROM quantities q JOIN citations c "
        "ON c.record_table = 'quantities' AND c.record_id = q.quantity_id "
        "WHERE q.record_id = 'prk-troop-deployment-to-russia' AND q.measure = 'troops' ORDER BY q.low",
    )
    assert troops == [
        ("north-korea-lambasts-japan-nato-2025", 11000.0, 13000.0, "approximately"),
        ("japan-military-revival-2026", 14000.0, 15000.0, "approximately"),
    ]
    # Open ranges agree with their qualifier (the gate checks every row; here the answer itself).
    assert rows(con, "SELECT count(*) FROM quantities WHERE qualifier = 'at_least' AND high IS NOT NULL") == [(0,)]


def test_citations_by_article_section(con):
    by = dict(rows(con, "SELECT section, count(*) FROM citations GROUP BY ALL"))
    assert {"body", "headline", "byline", "bio", "caption", "footer"} <= set(by)
    assert by["body"] > 10 * sum(v for k, v in by.items() if k != "body")
    # Photo credits are page furniture, not facts: the rows that cited only a credit were retired in 3.0.0,
    # while the credit lines stay known as sections, so a new citation of one is labelled `credit`.
    assert "credit" not in by
    credits = rows(con, "SELECT source_id, starts FROM source_sections WHERE section = 'credit' ORDER BY ALL")
    assert ("japan-warms-up-to-nato-2024", "Credit: AP Photo/Stephanie Scarbrough") in credits
    caption = rows(
        con,
        "SELECT DISTINCT section FROM citations"
        " WHERE starts_with(evidence, 'Japan’s Prime Minister Kishida Fumio, left')",
    )
    assert caption == [("caption",)]
    # Rows whose only evidence is page furniture can now be found.
    furniture_only = rows(
        con,
        "SELECT record_table, record_id FROM citations GROUP BY ALL HAVING bool_and(section <> 'body')",
    )
    assert furniture_only and all(t != "events" or i != "prk-missile-launch-2026-01" for t, i in furniture_only)


def test_flagged_anomalies_keep_the_sources_version(con):
    kishida = rows(
        con,
        "SELECT a.kind, a.outside_knowledge IS NOT NULL, e.start_on FROM source_anomalies a "
        "JOIN events e ON a.record_table = 'events' AND e.event_id = a.record_id "
        "WHERE a.record_id = 'kishida-address-us-congress-2023'",
    )
    assert kishida == [("contradicts_known_fact", True, __import__("datetime").date(2023, 1, 1))]
    stoltenberg = rows(
        con,
        "SELECT count(*) FROM source_anomalies WHERE source_id = 'japan-military-revival-2026' "
        "AND says LIKE '%Secretary General Jens Stoltenberg%'",
    )
    assert stoltenberg[0][0] >= 1


def test_background_conditions_are_not_events_that_happened(con):
    kinds = dict(rows(con, "SELECT kind, count(*) FROM events GROUP BY ALL"))
    assert kinds["background_condition"] >= 10
    dated = rows(con, "SELECT event_id FROM events WHERE kind = 'background_condition' AND date_precision = 'day'")
    assert dated == []

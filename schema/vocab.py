"""Controlled vocabularies: the one place every enumerated value is defined.

The loader validates curated input against these sets, the quality gate turns
them into accepted-value expectations, and the build writes them into the
`vocabularies` table so SQL users can see what each code means.
"""

from __future__ import annotations

# Each vocabulary maps value -> one-line meaning. Order is display order.
VOCABULARIES: dict[str, dict[str, str]] = {
    "actor_kind": {
        "state": "a sovereign state or state-like polity (ISO 3166 alpha-3 in iso3)",
        "organization": "an international organization, government body, party, company or institute",
        "person": "a named individual",
        "group": "an informal grouping of states without a secretariat (the Quad, the IP4, the G7)",
        "media": "a news outlet, agency or publisher",
        "other": "anything else; say what in note",
    },
    "date_precision": {
        "day": "the exact day is known",
        "month": "the month is known; the date is the 1st of that month",
        "year": "the year is known; the date is 1 January of that year",
        "decade": "the decade is known; the date is 1 January of its first year",
        "unknown": "no date is known; the date column is NULL",
    },
    "event_status": {
        "occurred": "the event happened",
        "ongoing": "the event started and had not ended when the source was written",
        "planned": "a decided future event (a planned deployment)",
        "proposed": "an idea put forward but not decided (a proposed office)",
    },
    "event_kind": {
        "missile_launch": "a missile launch or test",
        "military_exercise": "a military exercise or drill",
        "troop_deployment": "troops sent or stationed",
        "arms_transfer": "weapons or munitions supplied",
        "military_buildup": "forces, bases or weapons built up in an area",
        "military_operation": "an invasion, war, occupation or other use of force",
        "air_intercept": "aircraft scrambled to intercept",
        "maritime_incident": "an incident at sea or in an EEZ",
        "summit": "a meeting of heads of state or government, or an alliance summit",
        "meeting": "a meeting of officials below summit level",
        "phone_call": "a telephone or video call",
        "visit": "an official visit",
        "conference": "a conference, panel or speech venue",
        "speech": "an address to a legislature or public",
        "mission_opening": "a diplomatic mission, office or centre opened",
        "agreement_signing": "an agreement signed or concluded",
        "policy_decision": "a government decision on policy or strategy",
        "budget_decision": "a budget approved or spending decision made",
        "legal_change": "a law, doctrine or constitutional interpretation changed",
        "export_control": "export controls imposed",
        "sanctions": "sanctions or asset freezes",
        "aid": "aid or assistance provided",
        "cooperation_project": "a cooperation project or initiative launched",
        "diplomatic_protest": "a condemnation, protest, warning or threat",
        "political_change": (
            "an election, inauguration, impeachment, declaration of martial law or change of government"
        ),
        "evacuation_order": "a civil-defence evacuation order",
        "poll": "an opinion poll",
        "background_condition": (
            "a standing condition or situation the article describes, not a dated occurrence (a territorial "
            "dispute, a nuclear programme, a face-off)"
        ),
        "other": "anything else; say what in note",
    },
    "event_actor_role": {
        "initiator": "the actor that carried out or started the event",
        "target": "the actor the event was aimed at",
        "participant": "took part",
        "host": "hosted the event",
        "recipient": "received what the event delivered (aid, troops, a visit)",
        "supporter": "backed the event",
        "opponent": "opposed the event",
        "critic": "criticised the event afterwards",
        "subject": "the event is about this actor",
        "observer": "watched or reported the event",
    },
    "agreement_kind": {
        "treaty": "a treaty or mutual defence treaty",
        "alliance": "an alliance or security arrangement",
        "partnership_programme": "a partnership programme (NATO ITPP and the like)",
        "strategic_partnership": "a bilateral strategic partnership agreement",
        "dialogue": "a standing dialogue or forum",
        "accord": "an accord, declaration or joint statement",
        "liaison_office": "a liaison office or regional centre",
        "diplomatic_mission": "a diplomatic mission or delegation",
        "strategy": "a strategy, strategic concept or doctrine",
        "initiative": "a named initiative or project",
        "resolution": "a resolution of an international body",
        "other": "anything else; say what in note",
    },
    "agreement_status": {
        "proposed": "put forward, not agreed",
        "under_discussion": "being discussed or negotiated",
        "opposed": "proposed and blocked or opposed",
        "signed": "signed or adopted",
        "in_force": "in force or operating",
        "halted": "talks or implementation halted",
        "ended": "expired, closed or terminated",
        "unknown": "status not stated",
    },
    "agreement_party_role": {
        "party": "a party to it",
        "host": "hosts it (the state an office is in)",
        "proposer": "proposed it",
        "supporter": "supports it without being a party",
        "opponent": "opposes it",
        "beneficiary": "benefits from it without being a party",
    },
    "role_class": {
        "head_of_state": "president, monarch or supreme leader of a state",
        "head_of_government": "prime minister or equivalent",
        "deputy_head_of_government": "deputy prime minister or equivalent",
        "defence_minister": "minister of defence",
        "foreign_minister": "minister of foreign affairs",
        "minister": "any other minister",
        "ambassador": "ambassador or head of a diplomatic mission",
        "secretary_general": "secretary-general of an international organization",
        "international_official": "other official of an international organization",
        "elected_or_candidate": "president-elect, candidate or other office not yet held",
        "opposition_leader": "leader of an opposition party",
        "research_or_academic": "researcher, student or other academic position",
        "other": "anything else",
    },
    "membership_status": {
        "member": "a member",
        "founding_member": "a founding member",
        "partner": "a partner, not a member",
        "former_member": "no longer a member",
    },
    "budget_basis": {
        "actual": "money spent",
        "approved": "a budget approved by a cabinet or legislature",
        "planned": "a planned spending path",
        "target": "a spending target",
    },
    "quantity_unit": {
        "count": "a number of things",
        "percent": "a percentage",
        "km": "kilometres",
        "minutes": "minutes",
        "years": "years",
        "times": "a number of occurrences",
        "usd": "US dollars",
        "jpy": "Japanese yen",
    },
    "currency": {
        "USD": "US dollar",
        "JPY": "Japanese yen",
    },
    # Added by revision 0003_attribution.
    "asserted_by": {
        "actor": "the words or position of a reported actor (the speaker)",
        "author": "the article's author or outlet, in its own analysis, conclusion or opinion",
        "relayed": "a report the article takes from another outlet (reported_by_id names it)",
    },
    "certainty": {
        "stated": "stated as fact",
        "reported": "reported or alleged (reportedly, according to, is believed to); the hedge keeps the words",
        "assessed": "an assessment or a likelihood (intelligence assessments indicate, it is likely that)",
        "planned": "decided or announced for the future",
        "proposed": "put forward, not decided",
    },
    "date_basis": {
        "stated": "the article prints the date, to the precision given",
        "resolved": "resolved from a relative expression (last week, on Monday) against the publication date",
        "inferred": "inferred from context (a caption's year, the article's date)",
        "outside": "outside knowledge (the row's outside_knowledge says what)",
    },
    "date_qualifier": {
        "early": "early in the period (early January 2026)",
        "mid": "in the middle of the period",
        "late": "late in the period (the late 1970s)",
        "around": "about then",
        "before": "before, or by, the date (by 2027)",
        "after": "after the date",
    },
    "figure_qualifier": {
        "exact": "the value or range as printed, with no qualifying word",
        "approximately": "some, about, approximately, nearly, roughly",
        "at_least": "at least: the value is low, there is no high",
        "over": "over, more than: the value is low, there is no high",
        "at_most": "up to, no more than: the value is high, there is no low",
        "under": "under, less than, below: the value is high, there is no low",
    },
    "section": {
        "body": "the article's own reporting",
        "headline": "the headline or the standfirst under it",
        "byline": "the byline",
        "bio": "a note about the author",
        "caption": "a photo caption",
        "credit": "a photo credit",
        "footer": "a disclaimer or the publisher's own text",
        "nav": "site navigation, category labels, share buttons",
    },
    "anomaly_kind": {
        "contradicts_source": "another of the articles says otherwise",
        "contradicts_known_fact": "a well-known fact says otherwise (outside_knowledge says which)",
        "inconsistent_within_source": "the article contradicts itself",
    },
}


def values(vocabulary: str) -> tuple[str, ...]:
    return tuple(VOCABULARIES[vocabulary])

"""Disagreements and unit-reconciled agreements inside merged facts."""

from __future__ import annotations

import datetime as dt

import pytest
from test_merge import seed_pipeline, story

from summarizer.models import (
    Agreement,
    Disagreement,
    Evidence,
    MergedEvent,
    Precision,
    ResolvedDate,
    Source,
)
from summarizer.stages.disagree import NOT_MENTIONED, find_disagreements
from summarizer.stages.disagree import compare as stage_compare
from summarizer.stages.merge import merge
from summarizer.stages.quantities import extract_quantities


def compare(
    articles: dict[str, str],
) -> tuple[
    tuple[MergedEvent, ...], tuple[Disagreement, ...], tuple[Agreement, ...], dict[str, Source]
]:
    extractions, sources = story(articles)
    events = merge(extractions, sources)
    disagreements, agreements = find_disagreements(events)
    return events, disagreements, agreements, sources


@pytest.mark.parametrize(
    ("articles", "topic", "values"),
    [
        (  # an earthquake death toll
            {
                "wire": "The earthquake in Malatya killed 12 people, the governor said.",
                "daily": "The earthquake in Malatya killed 15 people, the governor said.",
            },
            "killed",
            {"wire": "12 killed", "daily": "15 killed"},
        ),
        (  # a grant reported with different precision
            {
                "gazette": "The Lyon city council approved a grant of €2 million for repairs.",
                "herald": "The Lyon city council approved a grant of €2.1 million for repairs.",
            },
            "grant (EUR)",
            {"gazette": "€2 million", "herald": "€2.1 million"},
        ),
        (  # vague against precise
            {
                "a": "A gas explosion at the Tamsk refinery injured several workers, police said.",
                "b": "A gas explosion at the Tamsk refinery injured 35 workers, officials said.",
            },
            "injured",
            {"a": "several injured", "b": "35 injured"},
        ),
        (  # counts of aircraft
            {
                "x": "Rebel drones destroyed 14 helicopters at the Kandor air base, the army said.",
                "y": "Rebel drones destroyed 9 helicopters at the Kandor air base, the army said.",
            },
            "helicopters destroyed",
            {"x": "14 helicopters destroyed", "y": "9 helicopters destroyed"},
        ),
        (  # people stranded: any countable thing, not only casualties and weapons
            {
                "gazette": "The flood in Portwell left 2,000 people stranded, the mayor said.",
                "valley": "The flood in Portwell left 1,800 people stranded, the mayor said.",
            },
            "people stranded",
            {"gazette": "2,000 people stranded", "valley": "1,800 people stranded"},
        ),
        (  # homes flooded
            {
                "a": "Heavy rain in Tarnow flooded 350 homes on Sunday, firefighters said.",
                "b": "Heavy rain in Tarnow flooded 420 homes on Sunday, firefighters said.",
            },
            "homes flooded",
            {"a": "350 homes flooded", "b": "420 homes flooded"},
        ),
    ],
)
def test_real_disagreements(articles: dict[str, str], topic: str, values: dict[str, str]) -> None:
    events, disagreements, agreements, sources = compare(articles)
    assert len(events) == 1
    assert [d.topic for d in disagreements] == [topic]
    claims = {c.source: c for c in disagreements[0].claims}
    assert {s: c.value for s, c in claims.items()} == values
    for claim in claims.values():
        assert sources[claim.source].text[claim.start : claim.end] == claim.quote
    assert not agreements


@pytest.mark.parametrize(
    ("articles", "topic", "note_part"),
    [
        (  # a flood front in miles and kilometres
            {
                "us": "The flood surge on the Red River reached Fargo, 30 miles from the dam.",
                "eu": "The flood surge on the Red River reached Fargo, 48 km from the dam.",
            },
            "distance from dam",
            "30 miles = 48 km",
        ),
        (  # a vague word that includes the precise figure
            {
                "a": "The landslide in Kerala injured dozens of villagers, police said.",
                "b": "The landslide in Kerala injured 35 villagers, police said.",
            },
            "injured",
            "dozens (24-99)",
        ),
        (  # rounding with an approximation word
            {
                "a": "The Orvieto festival drew about 120,000 visitors this weekend, police say.",
                "b": "The Orvieto festival drew 123,500 visitors this weekend, organisers said.",
            },
            "visitors",
            "about 120,000",
        ),
    ],
)
def test_reconciled_figures_agree(articles: dict[str, str], topic: str, note_part: str) -> None:
    events, disagreements, agreements, _ = compare(articles)
    assert len(events) == 1
    assert not disagreements
    assert [a.topic for a in agreements] == [topic]
    assert note_part in agreements[0].note


@pytest.mark.parametrize(
    ("articles", "silent"),
    [
        (  # one outlet reports deaths, the other only injuries
            {
                "wire": "A gas blast at the Tamsk refinery killed 4 and injured 20, police said.",
                "local": "A gas blast at the Tamsk refinery injured several workers, police said.",
            },
            {"local"},
        ),
        (  # the silent outlet gives the deaths elsewhere in its text: not silent
            {
                "wire": "A gas blast at the Tamsk refinery killed 4 and injured 20, police said.",
                "local": "A gas blast at the Tamsk refinery injured several workers, police said. "
                "The governor later said four people had been killed in the fire on Friday.",
            },
            set(),
        ),
        (  # no outlet reports deaths: nothing to say
            {
                "wire": "A gas blast at the Tamsk refinery injured 20 workers, police said.",
                "local": "A gas blast at the Tamsk refinery injured several workers, police said.",
            },
            set(),
        ),
    ],
)
def test_deaths_reported_by_some_and_not_others(articles: dict[str, str], silent: set[str]) -> None:
    _, disagreements, _, sources = compare(articles)
    killed = [d for d in disagreements if d.topic == "killed"]
    said_nothing = {c.source for d in killed for c in d.claims if c.value == NOT_MENTIONED}
    assert said_nothing == silent
    if silent:
        (d,) = killed
        assert {c.source for c in d.claims} == set(articles)
        assert d.note is not None and "deaths not mentioned by 1 source" in d.note
        assert "no deaths" not in d.note  # silence is not a report of none
        for claim in d.claims:
            if claim.value == NOT_MENTIONED:
                assert claim.normalized is None  # not "0 killed"
            assert sources[claim.source].text[claim.start : claim.end] == claim.quote


def test_only_what_both_state_is_compared() -> None:
    events, disagreements, agreements, _ = compare(
        {
            "a": "Floods in Porto Alegre killed 30 people and forced 8,000 from their homes.",
            "b": "Floods in Porto Alegre killed 30 people, the civil defence agency said.",
        }
    )
    assert len(events) == 1
    assert not disagreements  # only "a" gives the displaced count
    assert not agreements  # the same figure written the same way is not news


def test_distances_from_different_places_are_not_compared() -> None:
    _, disagreements, _, _ = compare(
        {
            "a": "The missile hit a depot in Brovary, 620 miles east of Lviv, officials said.",
            "b": "The missile hit a depot in Brovary, 20 km from Kyiv, officials said.",
        }
    )
    assert not disagreements


def test_identical_figures_produce_nothing() -> None:
    events = merge(
        *story(
            {
                "a": "The strike killed 3 people in Sumy.",
                "b": "The strike killed three people in Sumy.",
            }
        )
    )
    disagreements, agreements = find_disagreements(events)
    assert not disagreements
    assert len(agreements) == 1  # "3" and "three" are written differently


# --------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seed_result() -> tuple[tuple[Disagreement, ...], tuple[Agreement, ...], dict[str, Source]]:
    events, sources = seed_pipeline()
    disagreements, agreements = find_disagreements(events)
    return disagreements, agreements, sources


def test_seed_injured_disagreement_lists_both_quotes(
    seed_result: tuple[tuple[Disagreement, ...], tuple[Agreement, ...], dict[str, Source]],
) -> None:
    disagreements, _, sources = seed_result
    injured = [d for d in disagreements if d.topic == "injured"]
    assert len(injured) == 1
    values = {(c.source[:3], c.value) for c in injured[0].claims}
    assert ("000", "several injured") in values
    assert ("001", "35 injured") in values
    for claim in injured[0].claims:
        assert sources[claim.source].text[claim.start : claim.end] == claim.quote
    quotes = " ".join(c.quote for c in injured[0].claims)
    assert "injuring several people" in quotes and "injuring 35" in quotes


def test_seed_800_miles_agrees_with_1300_km(
    seed_result: tuple[tuple[Disagreement, ...], tuple[Agreement, ...], dict[str, Source]],
) -> None:
    disagreements, agreements, _ = seed_result
    assert not [d for d in disagreements if d.topic.startswith("distance")]
    notes = [a.note for a in agreements if a.topic.startswith("distance")]
    assert any("800 miles = 1,287 km" in n and "1,300 kilometers" in n for n in notes), notes


# --------------------------------------------------------------------------- same thing only
# Entries are built directly (one fact each, as merge should give them), so these tests
# check what the comparison makes of an entry, whatever merge decides.

MON, TUE = dt.date(2025, 3, 3), dt.date(2025, 3, 4)


def entry(*quotes: tuple[str, str], event_id: str = "e1") -> MergedEvent:
    """One entry of (source, sentence) quotes, each at offset 0 of its source."""
    evidence = tuple(Evidence(source=s, quote=q, start=0, end=len(q)) for s, q in quotes)
    return MergedEvent(
        id=event_id,
        date=ResolvedDate(start=MON, precision=Precision.DAY),
        text=quotes[0][1],
        sources=tuple(sorted({s for s, _ in quotes})),
        evidence=evidence,
        quantities={s: extract_quantities(q) for s, q in quotes},
    )


def test_percentages_of_different_things_are_not_a_disagreement() -> None:
    found = stage_compare(
        [
            entry(
                ("wire", "Tarnby Motors sales fell 31 percent in May, the makers said."),
                ("daily", "Velna Cars sales fell 34 percent in May, the makers said."),
                ("post", "Eighteen percent said the carmakers were to blame."),
            )
        ],
        {"wire": MON, "daily": MON, "post": MON},
    )
    assert not found.disagreements and not found.revisions


def test_the_same_percentage_given_differently_is_a_disagreement() -> None:
    found = stage_compare(
        [
            entry(
                ("wire", "Ashford's jobless rate rose to 7.1 percent in March."),
                ("daily", "Ashford's jobless rate rose to 7.4 percent in March."),
            )
        ],
        {"wire": MON, "daily": MON},
    )
    (item,) = found.disagreements
    assert item.topic == "Ashford jobless rate (%)"
    assert {c.value for c in item.claims} == {"7.1 percent", "7.4 percent"}


def test_a_sum_for_another_purpose_is_no_revision() -> None:
    found = stage_compare(
        [
            entry(
                ("wire", "The agency released $10m from its emergency relief fund."),
                ("daily", "The agency will launch a flash appeal for $550m on Friday."),
            )
        ],
        {"wire": MON, "daily": TUE},
    )
    assert not found.revisions and not found.disagreements


def test_tolls_of_different_people_are_not_compared() -> None:
    found = stage_compare(
        [
            entry(
                ("wire", "The army said four of its peacekeepers were killed in the quake."),
                ("daily", "At least 14 UN personnel have been killed in the quake."),
            )
        ],
        {"wire": MON, "daily": MON},
    )
    assert not found.disagreements


def test_two_values_in_one_sentence_are_two_things() -> None:
    found = stage_compare(
        [
            entry(
                ("wire", "The agency sent two children to Lunden and three children to Marrow."),
                ("daily", "The agency flew some 100 children to new families in Marrow."),
            )
        ],
        {"wire": MON, "daily": TUE},
    )
    assert not found.revisions and not found.disagreements


def test_a_vaguer_later_figure_does_not_revise_a_precise_one() -> None:
    found = stage_compare(
        [
            entry(
                ("wire", "Between 100,000 and 200,000 people may have died in the quake."),
                ("daily", "Tens of thousands of people died in the quake."),
            )
        ],
        {"wire": MON, "daily": TUE},
    )
    assert not found.revisions
    (item,) = found.disagreements  # a looser figure that does not fit: still a conflict
    assert "Between 100,000 and 200,000 (100,000-200,000)" in (item.note or "")


def test_changes_on_different_days_are_not_compared() -> None:
    found = stage_compare(
        [
            entry(
                ("wire", "The Orvel index closed up about 142 points."),
                ("daily", "The Orvel index closed up 778 points."),
            )
        ],
        {"wire": MON, "daily": MON + dt.timedelta(days=3)},
    )
    assert not found.revisions and not found.disagreements  # a change is a fact of its day
    same_day = stage_compare(
        [
            entry(
                ("wire", "The Orvel index closed up about 142 points."),
                ("daily", "The Orvel index closed up 778 points."),
            )
        ],
        {"wire": MON, "daily": MON},
    )
    assert [d.topic for d in same_day.disagreements] == ["points (up)"]


def test_a_stated_series_is_not_a_revision() -> None:
    found = stage_compare(
        [entry(("wire", "Turnout in Lunden dropped from 71% in 1997 to 59% in 2001."))],
        {"wire": MON},
    )
    assert not found.revisions and not found.disagreements


def test_people_in_a_state_and_a_named_count_in_that_state_are_one_figure() -> None:
    """Issue 9: "about 1,800 passengers stranded" and "About 2,000 people were stranded"
    are two counts of the stranded; people in general join the one named count in the
    same state, never bridging two named ones."""
    found = stage_compare(
        [
            entry(
                ("daily", "The ferry cancellations left about 1,800 passengers stranded in Osby."),
                ("herald", "About 2,000 people were stranded in Osby after the cancellations."),
            )
        ],
        {"daily": MON, "herald": MON},
    )
    (item,) = found.disagreements
    assert sorted(c.value for c in item.claims) == [
        "about 1,800 passengers stranded",
        "about 2,000 people stranded",
    ]
    assert item.note == "about 1,800 vs about 2,000"
    two_named = stage_compare(
        [
            entry(
                ("daily", "The cancellations left 1,800 passengers stranded in Osby."),
                ("wire", "The cancellations left 300 drivers stranded in Osby."),
                ("herald", "About 2,000 people were stranded in Osby after the cancellations."),
            )
        ],
        {"daily": MON, "wire": MON, "herald": MON},
    )
    assert not two_named.disagreements

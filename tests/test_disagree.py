"""Disagreements and unit-reconciled agreements inside merged facts."""

from __future__ import annotations

import pytest
from test_merge import seed_pipeline, story

from summarizer.models import Agreement, Disagreement, MergedEvent, Source
from summarizer.stages.disagree import NOT_MENTIONED, find_disagreements
from summarizer.stages.merge import merge


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
            "money (EUR)",
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

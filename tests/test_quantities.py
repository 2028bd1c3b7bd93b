"""Quantities: extraction of figures from news text and unit-reconciled comparison."""

from __future__ import annotations

import pytest

from summarizer.models import Engine, Event, Quantity, SourceExtraction
from summarizer.stages.figure_match import acronyms, spelled_out
from summarizer.stages.quantities import (
    annotate,
    comparable,
    describe,
    extract_quantities,
    has_subject,
    same_figure,
    same_reference,
)


def only(text: str, kind: str | None = None) -> Quantity:
    found = [q for q in extract_quantities(text) if kind is None or q.kind == kind]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit", "raw"),
    [
        ("The earthquake killed 12 people in the mountain villages.", "killed", 12, None, "12"),
        ("Officials said the death toll rose to 15 on Friday.", "killed", 15, None, "15"),
        ("The governor said 35 people were hospitalised.", "injured", 35, None, "35"),
        ("“We have three fatalities,” the mayor said.", "killed", 3, None, "three"),
        ("The blast injured forty-two workers.", "injured", 42, None, "forty-two"),
        ("At least 80 people were wounded in the clashes.", "injured", 80, None, "At least 80"),
        (
            "Floodwater reached a village 30 miles from the coast.",
            "distance",
            48.28,
            "km",
            "30 miles",
        ),
        ("The storm made landfall 48 km from the coast.", "distance", 48, "km", "48 km"),
        ("a 620-mile front line", "distance", 997.79, "km", "620-mile"),
        (
            "The city council approved €2.1 million for repairs.",
            "money",
            2.1e6,
            "EUR",
            "€2.1 million",
        ),
        ("Aid totalled 72 billion euros this year.", "money", 72e9, "EUR", "72 billion euros"),
        ("the deal is worth $85 billion over ten years", "money", 85e9, "USD", "$85 billion"),
        ("a £61 billion programme", "money", 61e9, "GBP", "£61 billion"),
        ("the army shot down 60 drones overnight", "count", 60, None, "60"),
        ("rebels launched four Shahed and decoy drones", "count", 4, None, "four"),
        ("the raid destroyed 41 bombers on the ground", "count", 41, None, "41"),
        (
            "leaving more than 1,600 households without power",
            "count",
            1600,
            None,
            "more than 1,600",
        ),
    ],
)
def test_extracts_kind_value_unit(
    text: str, kind: str, value: float, unit: str | None, raw: str
) -> None:
    q = only(text, kind)
    assert q.value == pytest.approx(value, rel=1e-3)
    assert q.unit == unit
    assert q.raw == raw
    assert text[q.start : q.end] == q.raw


@pytest.mark.parametrize(
    ("text", "kind", "low", "high"),
    [
        ("Several people were injured when the roof collapsed.", "injured", 3, 9),
        ("The landslide killed two and injured dozens of villagers.", "injured", 24, 99),
        ("a few people were hurt in the stampede", "injured", 2, 5),
        ("Hundreds of people were injured in the riots.", "injured", 200, 999),
    ],
)
def test_vague_number_words_carry_ranges(text: str, kind: str, low: float, high: float) -> None:
    q = only(text, kind)
    assert (q.low, q.high) == (low, high)
    assert q.approximate


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("over 40 Russian planes were destroyed", 40, None),
        ("more than 1,600 households lost power", 1600, None),
        ("nearly 300 homes were flooded", None, 300),
    ],
)
def test_modifiers_give_open_bounds(text: str, low: float | None, high: float | None) -> None:
    q = extract_quantities(text)[0]
    assert (q.low, q.high) == (low, high)
    assert q.approximate


@pytest.mark.parametrize(
    "text",
    [
        "The operation took more than 1 1/2 years to prepare.",
        "The dam was completed in 2019 after a decade of delays.",
        "On Sunday (June 1, 2025) the ministers met.",
        "The strike took place at 12:50 p.m. local time.",
        "It was one of the deadliest storms on record.",
        "The talks lasted three days.",
    ],
)
def test_durations_years_dates_and_times_are_not_figures(text: str) -> None:
    assert extract_quantities(text) == ()


def test_offsets_are_shifted_into_the_source() -> None:
    source = "Headline\n\nThe quake killed 12 people."
    sentence_start = source.index("The quake")
    q = only(source[sentence_start:], "killed")
    shifted = extract_quantities(source[sentence_start:], offset=sentence_start)[0]
    assert shifted.start == q.start + sentence_start
    assert source[shifted.start : shifted.end] == "12"


def test_distance_references_match_by_stem_without_a_demonym_list() -> None:
    a = only("a plant 800 miles from Ukraine, officials said", "distance")
    b = only("roughly 1,300 kilometers from the Ukrainian border.", "distance")
    c = only("about 620 miles east of Moscow, injuring", "distance")
    d = only("some 40 km from the Valdrian frontier", "distance")
    e = only("a town 25 km from Valdria", "distance")
    assert (a.subject, b.subject, c.subject) == ("ukrain", "ukrainian border", "moscow")
    assert comparable(a, b) and same_reference(a.subject, b.subject)
    assert not comparable(a, c)
    assert comparable(d, e)  # an invented country: no list needed


@pytest.mark.parametrize(
    ("text", "subject", "predicate", "noun"),
    [
        ("The flood left 2,000 people stranded.", "peopl", "strand", "people stranded"),
        ("About 1,800 people were stranded by the flood.", "peopl", "strand", "people stranded"),
        ("more than 200 homes were flooded", "home", "flood", "homes flooded"),
        (
            "leaving 1,600 households without power",
            "household",
            "without power",
            "households without power",
        ),
        ("The measure passed with 52 votes to 48.", "vote", None, "votes"),
        ("Russia fired 52 Shahed and decoy drones overnight", "drone", "fire", "drones fired"),
        ("four Russian Shahed drones struck the city", "drone", None, "drones"),
        ("the storm stranded 300 sheep on the island", "sheep", "strand", "sheep stranded"),
        ("2025 drones were launched", "drone", "launch", "drones launched"),
    ],
)
def test_counts_are_counts_of_a_noun_phrase_head(
    text: str, subject: str, predicate: str | None, noun: str
) -> None:
    q = only(text, "count")
    assert (q.subject, q.predicate, q.noun) == (subject, predicate, noun)


@pytest.mark.parametrize(
    "text",
    [
        "00.50 BST: the latest from the capital",  # a clock time
        "1328 Ban Ki-moon says aid is on its way",  # a live-blog time before a name
        "In 2024 drones were used for the first time",  # a year
        "one of its deepest strikes",
        "Rescuers searched the rubble for 12 hrs",  # a duration
        "one man said the water rose quickly",  # a single thing is not a figure
    ],
)
def test_not_counts(text: str) -> None:
    assert [q for q in extract_quantities(text) if q.kind == "count"] == []


def test_different_states_of_the_same_noun_are_not_compared() -> None:
    stranded = only("The flood left 2,000 people stranded.", "count")
    evacuated = only("Officials said 5,000 people were evacuated.", "count")
    also_stranded = only("About 1,800 people were stranded.", "count")
    assert comparable(stranded, also_stranded, strict=True)
    assert not comparable(stranded, evacuated, strict=True)
    assert comparable(stranded, evacuated)  # the same counted noun, for merge's scoring


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        # unit reconciliation and rounding
        ("a plant 800 miles from the border", "roughly 1,300 kilometers from the border", True),
        ("30 miles from the coast", "48 km from the coast", True),
        ("some 1,800 kilometers from the border", "1,120 miles from the border", True),
        # 620 miles is 997.8 km: that is "1,000 km" within rounding (the subjects, compared
        # by the disagreement stage, decide whether the two distances are about the same thing)
        ("620 miles from the capital", "1,000 km from the capital", True),
        ("620 miles from the capital", "1,500 km from the capital", False),
        ("620 miles from the capital", "over 1,000 km from the capital", True),
        # counts: exact figures must be equal
        ("The quake killed 12 people.", "The quake killed 15 people.", False),
        ("The quake killed 12 people.", "Twelve people were killed.", True),
        ("about 600 soldiers were killed", "630 soldiers were killed", True),
        ("over 40 planes were destroyed", "41 bombers were destroyed", True),
        # vague words
        ("several people were injured", "injuring 35", False),
        ("injured dozens", "injuring 35", True),
        ("a few people were injured", "three people were injured", True),
        # money: stated currency, 1 % for exact figures, 5 % when approximate
        ("€2 million", "€2.1 million", False),
        ("about €2 million", "€2.1 million", True),
        ("$5 million", "€5 million", False),
        ("72 billion euros", "€72bn", True),
    ],
)
def test_same_figure(a: str, b: str, agree: bool) -> None:
    qa, qb = extract_quantities(a)[0], extract_quantities(b)[0]
    assert same_figure(qa, qb) is agree
    assert same_figure(qb, qa) is agree


def test_different_kinds_never_agree() -> None:
    killed = only("killing three people", "killed")
    injured = only("injuring three people", "injured")
    assert not same_figure(killed, injured)


def test_annotate_sets_quantities_with_source_offsets() -> None:
    text = "Intro line.\nThe flood killed 12 people and cut power to 3,000 homes."
    start = text.index("The flood")
    event = Event(source_id="s1", text=text[start:], quote=text[start:], start=start, end=len(text))
    ext = SourceExtraction(source_id="s1", summary=(), events=(event,), engine=Engine.EXTRACTIVE)
    out = annotate(ext)
    kinds = {q.kind: q for q in out.events[0].quantities}
    assert set(kinds) == {"killed", "count"}
    assert text[kinds["killed"].start : kinds["killed"].end] == "12"
    assert kinds["count"].subject == "home"
    assert ext.events[0].quantities == ()  # the input is not modified


# --------------------------------------------------------------------------- what a figure is of


@pytest.mark.parametrize(
    ("text", "key", "change", "written"),
    [
        # what the percentage is of
        ("Public debt reached 71 percent of GDP.", "gdp", None, "GDP"),
        ("Public debt was 71 percent of GDP in 2007.", "gdp @2007", None, "GDP"),
        ("the ministry now owns 80 percent of its shares", "share", None, "shares"),
        # what changed by it, and which way
        ("Tarnby Motors sales fell 31 percent.", "motor sale tarnbi", "down", None),
        ("The Orvel index was up 2.5 percent at the close.", "index orvel", "up", None),
        ("Its share price has dropped 60 percent this week.", "price", "down", None),
        ("posted a 70 percent drop in net income", "incom", "down", "net income"),
        # a level: "rose to", "at", "of"
        ("The jobless rate rose to 7.6 percent.", "rate", None, "jobless rate"),
        ("unemployment at 7.2 percent", "unemploy", None, "unemployment"),
        # sums: the thing the money is, or whose it is
        ("a $312 billion portfolio of bad loans", "portfolio", None, "portfolio"),
        ("guarantees on $306 billion in troubled securities", "secur", None, "troubled securities"),
        ("the agency will launch a flash appeal for $550m later on Friday", "appeal", None, None),
        ("the Kelda fund has lent about $50 billion", "fund kelda", "lent", "Kelda fund"),
    ],
)
def test_percentages_and_sums_know_what_they_are_of(
    text: str, key: str, change: str | None, written: str | None
) -> None:
    (q,) = [q for q in extract_quantities(text) if q.kind in {"percent", "money"}]
    assert (q.subject, q.predicate) == (key, change)
    if written is not None:
        assert q.noun == written


@pytest.mark.parametrize(
    "text",
    [
        "Eighteen percent said the banks were to blame.",  # of whom, the sentence does not say
        "40 percent of these carry a balance.",  # of what: a pronoun
        "Oil, which rose 14 percent, closed at $39.",  # what rose: a pronoun
        "The bank agreed to lend Ostra Holdings $29 billion.",  # a name right before: no subject
    ],
)
def test_figures_whose_subject_cannot_be_told(text: str) -> None:
    measured = [q for q in extract_quantities(text) if q.kind in {"percent", "money"}]
    assert measured and all(q.subject is None for q in measured)
    assert not any(has_subject(q) for q in measured)


def test_sums_and_percentages_of_different_things_are_not_compared() -> None:
    ford = only("Tarnby Motors sales fell 31 percent.", "percent")
    toyota = only("Velna Cars sales fell 34 percent.", "percent")
    ford_level = only("Tarnby Motors sales were 31 percent of the market.", "percent")
    ford_again = only("Tarnby Motors sales fell 29 percent.", "percent")
    assert not comparable(ford, toyota, strict=True)
    assert not comparable(ford, ford_level, strict=True)
    assert comparable(ford, ford_again, strict=True)
    fund = only("The agency released $10m from its emergency fund.", "money")
    appeal = only("The agency launched a flash appeal for $550m.", "money")
    assert not comparable(fund, appeal, strict=True)
    assert comparable(fund, appeal)  # merge's scoring still sees two sums in dollars


def test_series_points_carry_their_time() -> None:
    q1997, q2001 = extract_quantities("Turnout dropped from 71% in 1997 to 59% in 2001.")
    assert q1997.subject == "turnout @1997"
    assert not comparable(q1997, q2001, strict=True)


def test_tolls_name_whom_they_count() -> None:
    four = only("The army said four of its peacekeepers were killed.", "killed")
    eleven = only("At least 11 Brazilian peacekeepers were killed.", "killed")
    staff = only("at least 14 UN personnel have been killed", "killed")
    people = only("The quake killed 12 people.", "killed")
    toll = only("the death toll has risen to four", "killed")
    assert (four.subject, staff.subject, people.subject, toll.subject) == (
        "peacekeep",
        "personnel",
        None,
        None,
    )
    assert comparable(four, eleven, strict=True)
    assert not comparable(four, staff, strict=True)
    assert comparable(four, toll, strict=True)  # the entry's toll of people in general


def test_changes_in_points_have_a_direction() -> None:
    up = only("The index closed up about 142 points.", "count")
    down = only("The index had fallen nearly 800 points.", "count")
    drones = only("the army shot down 60 drones overnight", "count")
    assert (up.predicate, down.predicate, drones.predicate) == ("up", "down", None)
    assert not comparable(up, down, strict=True)


@pytest.mark.parametrize(
    ("text", "low", "high", "kind"),
    [
        ("between 30,000 and 50,000 people were killed", 30_000, 50_000, "killed"),
        ("it believes 45-50,000 people died", 45_000, 50_000, "killed"),
        ("20 to 24 percent of the budget", 20, 24, "percent"),
    ],
)
def test_ranges_are_one_figure(text: str, low: float, high: float, kind: str) -> None:
    q = only(text)
    assert (q.kind, q.low, q.high) == (kind, low, high)
    assert text[q.start : q.end] == q.raw


@pytest.mark.parametrize(
    "text",
    [
        "1428 Mara Lindqvist tweets: the shelters are full",  # a live blog's time stamp
        "the show is broadcast from 0910 to 0930 local time",  # clock times with their zone
        "Ena Varga, 69 - rescued after seven days",  # an age
        "the broader 500-stock index lost ground",  # an adjective
        "a 7.0-magnitude quake",
        "The concert raised $61m (# 37.6 m) so far.",  # a mangled £ sign: not 37.6 metres
        "another three million have been injured or left homeless",  # two things at once
    ],
)
def test_not_figures_to_compare(text: str) -> None:
    found = extract_quantities(text)
    assert not [q for q in found if q.kind in {"count", "distance", "injured"}], found


def test_spaced_million_after_a_currency_sign() -> None:
    q = only("the model gave $1.5 m to the appeal", "money")
    assert q.value == 1.5e6 and q.raw == "$1.5 m"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a 500 metres deep shaft", "500 metres"),
        ("a cable 2,500 metres long", "2,500 metres (2.5 km)"),
        ("2 miles from the dam", "2 miles (3.2 km)"),
        ("800 miles from the border", "800 miles (1,287 km)"),
        ("48 km from the coast", "48 km"),
    ],
)
def test_distances_are_shown_at_a_sensible_precision(text: str, shown: str) -> None:
    assert describe(only(text, "distance")) == shown


def test_a_figure_that_opened_its_sentence_is_shown_in_lower_case() -> None:
    """Shown inside a note or a list ("was three killed"), not "Three" mid-sentence."""
    shown = [describe(q) for q in extract_quantities("Three people died in the storm.")]
    assert shown == ["three killed"]
    shown = [describe(q) for q in extract_quantities("About 40,000 homes lost power on Tuesday.")]
    assert shown == ["about 40,000 homes without power"]  # a loss leaves a state
    shown = [describe(q) for q in extract_quantities("Twenty-two people were killed.")]
    assert shown == ["twenty-two killed"]


def test_irregular_plurals_name_whom_a_toll_counts() -> None:
    found = extract_quantities(
        "Three people have died, police said, after two fishermen were found dead."
    )
    assert [(q.raw, q.kind, q.noun) for q in found] == [
        ("Three", "killed", None),
        ("two", "killed", "fishermen"),
    ]


def test_the_number_of_things_in_a_state_before_the_figure() -> None:
    (q,) = extract_quantities("The number of homes without power climbed to 65,000 overnight.")
    assert (q.kind, q.noun) == ("count", "homes without power")


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("The Moss Party won by 187 votes.", "votes (difference)"),
        ("The Moss Party leads by 412 votes.", "votes (difference)"),
        ("They led with a margin of 412 votes.", "votes (margin)"),
        ("The Moss Party had 41,960 votes.", "votes"),
        ("The index rose by 52 points.", "points (up)"),  # a change keeps its direction
        ("The town was hit by 40 rockets overnight.", "rockets"),  # a passive's agent
        ("The number of people stranded rose to 2,500.", "people stranded"),
        ("About 40,000 homes lost power.", "homes without power"),
        ("Some 300 families lost their homes.", "families without homes"),
        ("It had 41,960 votes to the Reds's 41,773.", "votes"),
        ("The Greens won 23 seats to Labour's 19.", "seats"),
        # the size of a thing that changed: a lead, a crowd (not a noun of counting)
        ("The lead narrowed to 187 votes.", "votes (lead)"),
        ("Fenn's lead in the Dunmere race has narrowed to 187 votes.", "votes (lead)"),
        ("The crowd swelled to 5,000 people.", "people (crowd)"),
        ("The total rose to 52,960 votes.", "votes"),
        ("Fenn's lead narrowed to 187 votes as postal ballots were counted.", "votes (lead)"),
        # what a restoration leaves out is still in the state it began
        ("Power was restored to all but 12,000 homes by Thursday.", "homes without power"),
        ("Crews have restored power to all but 9,500 homes.", "homes without power"),
        ("Power has since been restored to all but 800 farms.", "farms without power"),
        ("Water was restored to 12,000 homes.", "homes"),
        # a state read past a place between the counted things and their verb
        ("About 58,000 homes on the Marrow coast were without power.", "homes without power"),
        ("Some 300 travellers at Pellam station were stranded.", "travellers stranded"),
        ("Fenn had 187 votes on Tuesday as ballots were counted.", "votes"),
        # an acronym's plural is a counted noun, shown as written
        ("Some 40 NGOs were working in the camps.", "NGOs working"),
        ("Three MPs resigned on Monday.", "MPs resigned"),
        ("It fired 20 UAVs overnight.", "UAVs fired"),
        ("About 4,000 NATO troops were deployed.", "troops deployed"),
    ],
)
def test_what_a_count_measures(text: str, noun: str) -> None:
    """A margin or a difference is not a total of the same thing; a loss is a state."""
    assert extract_quantities(text)[0].noun == noun


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("It had 41,960 votes to the Reds's 41,773.", "votes of Reds"),
        ("The Greens won 23 seats to Labour's 19.", "seats of Labour"),
        ("The Moss Party had 41,960 votes to the Reds 41,773.", "votes of Reds"),
        ("It had 41,960 votes to the Reds' 41,773.", "votes of Reds"),  # bare apostrophe
    ],
)
def test_a_score_s_second_number_counts_the_same_thing_of_another_owner(
    text: str, noun: str
) -> None:
    """ "41,960 votes to the Reds' 41,773": the second number counts the Reds' votes."""
    assert extract_quantities(text)[-1].noun == noun


def test_a_margin_and_a_total_are_not_compared() -> None:
    margin = only("The Moss Party won by 187 votes.", "count")
    total = only("The Moss Party had 41,960 votes.", "count")
    assert not comparable(margin, total, strict=True)
    assert comparable(total, only("The Moss Party had 41,690 votes.", "count"), strict=True)


@pytest.mark.parametrize(
    ("key", "written", "expected"),
    [
        ("product", "gross domestic product", "gdp"),
        ("domest gross product @2009", "Gross Domestic Product", "gdp @2009"),
        ("fund internat monetari", "International Monetary Fund", "imf"),
        ("general motor sale", "General Motors sales", "gm sale"),
        ("chines product", "Chinese gross domestic product", "chines gdp"),
        ("good mark", "good marks", "good mark"),  # "GM" needs capitalised words
        ("net incom", "net income", "net incom"),  # no acronym for it in the run
    ],
)
def test_a_subject_spelled_out_takes_the_acronym_the_run_uses(
    key: str, written: str, expected: str
) -> None:
    assert spelled_out(key, written, acronyms(["GDP", "IMF", "GM sales"])) == expected

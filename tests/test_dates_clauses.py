"""Which day a sentence's fact belongs to: the clause grammar of resolve_sentence_date.

Small sentences written for these tests, all against an article published on
Wednesday 2025-06-04: the main clause's date wins over a comparison's baseline, an
intent or schedule points forward, "by Saturday evening" dates the state reached then,
abbreviated months resolve, and a "since ..." clause or a comparison's reference does
not date the fact.
"""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.stages.dates import date_mentions, resolve_sentence_date

WED = dt.date(2025, 6, 4)


def _dated(sentence: str, published: dt.date = WED) -> tuple[str, str | None]:
    resolved = resolve_sentence_date(sentence, published)
    assert resolved is not None
    return resolved.iso(), resolved.expression


def test_main_clause_date_wins_over_the_comparison_baseline() -> None:
    sentence = "Confirmed cases rose to 73 on Wednesday, the ministry said, up from 48 on Tuesday."
    assert _dated(sentence) == ("2025-06-04", "on Wednesday")
    # the baseline comes first in the sentence: still the main clause's date
    assert _dated("Up from 48 on Tuesday, cases rose to 73 on Wednesday.")[0] == "2025-06-04"
    assert _dated("The count fell to 12 on Monday, down from 30 on Sunday.")[0] == "2025-06-02"
    assert _dated("Sales rose 4 percent on Monday compared with 9 on Friday.")[0] == "2025-06-02"


def test_a_figure_after_the_baseline_is_the_fact_again() -> None:
    assert _dated("Cases rose from 48 on Tuesday to 73 on Wednesday.")[0] == "2025-06-04"
    # a hedged figure is no comparison: "more than 20" does not drop the date
    assert _dated("More than 20 people were killed on Monday.")[0] == "2025-06-02"
    assert _dated("The storm was stronger than expected on Monday.")[0] == "2025-06-02"


@pytest.mark.parametrize(
    "sentence",
    [
        "The ferry company said it hoped to run a reduced service on Thursday.",
        "The union plans to hold a second vote on Thursday, its leader said.",
        "The minister is expected to visit the site on Thursday.",
        "The verdict is due on Thursday.",
        "A hearing was scheduled for Thursday.",
        "The two sides will meet on Thursday.",
    ],
)
def test_intent_and_schedule_point_to_the_coming_day(sentence: str) -> None:
    assert _dated(sentence)[0] == "2025-06-05"  # the coming Thursday, not 2025-05-29


def test_intent_cue_does_not_reach_a_past_event_or_a_cause() -> None:
    # the date belongs to the attack the vow responds to, not to the vow's aim
    assert _dated("Officials vowed to respond after the attack on Monday.")[0] == "2025-06-02"
    # "due to the storm" is a cause, not a schedule
    assert _dated("Ferries were cancelled due to the storm on Monday.")[0] == "2025-06-02"
    # a comma ends the intent's clause
    assert _dated("The firm hoped to reopen, but the road closed on Monday.")[0] == "2025-06-02"


def test_by_a_day_dates_the_state_reached_then() -> None:
    sentence = (
        "The fire had burned 12,000 acres by Saturday evening, nearly three times its size "
        "on Friday, officials said."
    )
    assert _dated(sentence) == ("2025-05-31", "by Saturday evening")
    # the comparison term alone does not date the fact either
    assert _dated("The fire was twice its size on Friday.")[1] is None


@pytest.mark.parametrize(
    ("sentence", "iso"),
    [
        ("Judge Imrie scheduled a hearing on damages for Oct. 28.", "2025-10-28"),
        ("The plant closed on Sept. 3, the company said.", "2024-09-03"),
        ("The agency opened its inquiry on Jan. 9.", "2025-01-09"),
        ("Talks collapsed in Feb. last year.", "2024-02"),
        ("The bridge was inspected on 12 Dec 2024.", "2024-12-12"),
    ],
)
def test_abbreviated_months(sentence: str, iso: str) -> None:
    assert _dated(sentence)[0] == iso


@pytest.mark.parametrize(
    "sentence",
    [
        "Two people have died since the first case was confirmed on May 29.",
        "The road has stayed shut since a landslide blocked it on Monday.",
        "Flights are grounded until the runway is repaired on Friday.",
    ],
)
def test_a_since_or_until_clause_bounds_a_period(sentence: str) -> None:
    resolved = resolve_sentence_date(sentence, WED)
    assert resolved is not None
    assert resolved.from_publication and resolved.start == WED


def test_a_comparison_reference_does_not_date_the_fact() -> None:
    sentence = (
        "The harbour authority now estimates the strike is costing $40 million a day, well "
        "above the figure its chief executive gave on Monday."
    )
    resolved = resolve_sentence_date(sentence, WED)
    assert resolved is not None and resolved.from_publication
    # without the comparison, the same relative clause dates the fact
    assert _dated("Its chief executive gave the figure on Monday.")[0] == "2025-06-02"


def test_a_participle_before_a_noun_is_no_statement_date() -> None:
    # "Confirmed cases" is not "confirmed on": the first date is the event's
    sentence = "Confirmed cases reached 73 on Wednesday, the ministry said on Thursday."
    assert _dated(sentence, dt.date(2025, 6, 5))[0] == "2025-06-04"
    # a real statement date gives way to the event's own date
    sentence = "The ministry said on Thursday that cases reached 73 on Wednesday."
    assert _dated(sentence, dt.date(2025, 6, 5))[0] == "2025-06-04"
    # a statement verb with a figure between it and the date does not govern the date
    sentence = "The ministry said cases reached 73 on Wednesday, officials said on Thursday."
    assert _dated(sentence, dt.date(2025, 6, 5))[0] == "2025-06-04"


def test_intent_counts_from_the_statement_day() -> None:
    fri = dt.date(2025, 6, 6)
    # said on Monday (06-02) that it hoped to run a service on Thursday: 06-05, the day
    # before this Friday article, not the Thursday after it
    sentence = "The ferry company said on Monday it hoped to run a reduced service on Thursday."
    assert _dated(sentence, fri) == ("2025-06-05", "on Thursday")
    later = "The ferry company hoped to run a reduced service on Thursday, it said on Monday."
    assert _dated(later, fri)[0] == "2025-06-05"
    assert _dated("The union said on Monday it would strike next Monday.", fri)[0] == "2025-06-09"
    # without the statement's day, the plan still counts from the publication date
    assert _dated("The ferry company hoped to run a reduced service on Thursday.", fri)[0] == (
        "2025-06-12"
    )


def test_intent_mention_counts_from_the_statement_day() -> None:
    fri = dt.date(2025, 6, 6)
    sentence = "The ferry company said on Monday it hoped to run a reduced service on Thursday."
    days = [r.iso() for _, r in date_mentions(sentence, fri)]
    assert days == ["2025-06-02", "2025-06-05"]


def test_a_possessive_day_names_another_event() -> None:
    # the toll rose when the statement was made, not on the day of the explosion
    sentence = (
        "The death toll from Monday's explosion has risen to four after a worker died in "
        "hospital, the fire service said on Tuesday."
    )
    assert _dated(sentence) == ("2025-06-03", "on Tuesday")
    assert _dated("The count after Sunday’s flood rose to 40 on Tuesday.")[0] == "2025-06-03"
    # the only day the sentence gives still dates it
    assert _dated("Monday's vote was postponed.") == ("2025-06-02", "Monday")


def test_a_date_ending_the_subject_gives_way_to_the_facts_own() -> None:
    """ "The two schools closed by the mayor on Monday will reopen next Monday": Monday
    says when the schools closed; the fact, their reopening, is next Monday (a follow-up
    published Wednesday 2024-11-13). Alone, such a date still dates the sentence."""
    wed = dt.date(2024, 11, 13)
    reopen = (
        "The two schools closed by the mayor on Monday will reopen next Monday after air "
        "tests found no danger, the city council said."
    )
    assert _dated(reopen, wed)[0] == "2024-11-18"
    assert _dated("The driver arrested on Monday was charged on Tuesday.", wed)[0] == "2024-11-12"
    assert _dated("Talks on Monday were productive, the council said.", wed)[0] == "2024-11-11"

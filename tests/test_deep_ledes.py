"""With ``--per-date``, a day's undated entries from deep in their articles rank after
its ledes and stated-day entries (select, :func:`summarizer.stages.ledes.is_deep_undated`).

Hand-built entries of a written story: Wednesday's papers open with the council's vote
on the ferry contract; a columnist's aside far down another paper carries more weight
(salience) than the lede. Without a cap the order stays the score's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lede_entries import entry

from summarizer.models import Evidence, MergedEvent, Precision, ResolvedDate
from summarizer.stages import ledes, select

WED = dt.date(2025, 4, 9)
PUBLISHED = {"herald": WED, "review": WED}

LEDE = "The council voted to cancel the ferry contract with the island operator."
ASIDE = "Island politics has always rewarded those who promise cheaper ferries and deliver none."


def _entry(
    eid: str, text: str, source: str, place: int | None, importance: float, **date: Any
) -> MergedEvent:
    return entry(eid, WED, text, source, place, importance, **date)


def _ids(events: list[MergedEvent], per_date: int | None) -> list[str]:
    return [e.id for e in select.select_timeline(events, per_date=per_date, published=PUBLISHED)]


def test_with_a_cap_the_lede_comes_before_a_weightier_aside_from_deep_in_a_column() -> None:
    lede = _entry("lede", LEDE, "herald", 0, 1.25)
    aside = _entry("aside", ASIDE, "review", 12, 2.5)
    assert _ids([lede, aside], per_date=None) == ["aside", "lede"]  # the score's order
    assert _ids([lede, aside], per_date=1) == ["lede"]
    assert _ids([lede, aside], per_date=2) == ["lede"]  # at most 2: the aside is not shown


def test_a_sentence_at_the_lede_limit_is_deep_and_one_before_it_is_not() -> None:
    last = ledes.LEDE_SENTENCES - 1
    assert not ledes.is_deep_undated(_entry("a", ASIDE, "review", last, 2.5))
    assert ledes.is_deep_undated(_entry("a", ASIDE, "review", last + 1, 2.5))
    lede = _entry("lede", LEDE, "herald", 0, 1.25)
    assert _ids([lede, _entry("a", ASIDE, "review", last, 2.5)], per_date=1) == ["a"]


def test_an_entry_that_states_its_day_or_whose_place_is_unknown_is_not_deep() -> None:
    lede = _entry("lede", LEDE, "herald", 0, 1.25)
    stated = _entry("aside", ASIDE, "review", 12, 2.5, from_publication=False, expression="today")
    unknown = _entry("aside", ASIDE, "review", None, 2.5)
    assumed = _entry("aside", ASIDE, "review", 12, 2.5, assumed=True)
    for aside in (stated, unknown, assumed):
        assert not ledes.is_deep_undated(aside)
        assert _ids([lede, aside], per_date=1) == ["aside"]


def test_a_quote_of_the_entry_among_an_articles_ledes_is_enough() -> None:
    text = ASIDE
    both = MergedEvent(
        id="aside",
        date=ResolvedDate(start=WED, precision=Precision.DAY, from_publication=True),
        text=text,
        sources=("herald", "review"),
        evidence=(
            Evidence(source="review", quote=text, start=900, end=990, sentence_place=12),
            Evidence(source="herald", quote=text, start=500, end=590, sentence_place=2),
        ),
        importance=2.5,
    )
    assert not ledes.is_deep_undated(both)


def test_a_day_with_only_deep_entries_still_shows_them() -> None:
    aside = _entry("aside", ASIDE, "review", 12, 2.5)
    other = _entry("other", "Ferry fares on the island doubled in a decade.", "herald", 9, 1.25)
    assert _ids([aside], per_date=1) == ["aside"]
    assert _ids([aside, other], per_date=2) == ["aside", "other"]


def test_a_day_whose_only_lede_is_shown_on_its_paper_s_day_shows_its_deep_entry() -> None:
    tue = WED - dt.timedelta(days=1)
    published = {**PUBLISHED, "monitor": tue}
    # Tuesday's own entry is an aside deep in Tuesday's paper; Wednesday's lede is also a
    # candidate for Tuesday but is shown on Wednesday: Tuesday falls back to its aside
    aside = _entry("aside", ASIDE, "monitor", 12, 1.25).model_copy(
        update={"date": ResolvedDate(start=tue, precision=Precision.DAY, from_publication=True)}
    )
    lede = _entry("lede", LEDE, "herald", 0, 1.25)
    kept = select.select_timeline([aside, lede], per_date=1, published=published)
    assert [(e.id, e.date.start) for e in kept] == [("aside", tue), ("lede", WED)]

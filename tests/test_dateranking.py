"""Which days matter (stages/dateranking.py): how each article's mentions of a date count,
on small stories written for these tests."""

from __future__ import annotations

import datetime as dt

from summarizer.models import MergedEvent, Precision, ResolvedDate
from summarizer.stages import dateranking, select
from summarizer.stages.dates import date_mentions, resolve_sentence_date

MON, TUE, WED, THU, FRI = (dt.date(2025, 3, d) for d in range(3, 8))


def _day(day: dt.date) -> ResolvedDate:
    return ResolvedDate(start=day, precision=Precision.DAY)


def _entry(eid: str, day: dt.date, text: str, source: str) -> MergedEvent:
    return MergedEvent(
        id=eid, date=_day(day), text=text, sources=(source,), evidence=(), importance=1.0
    )


def test_timing_of_a_mention() -> None:
    assert dateranking.timing(FRI, _day(WED)) == "later"
    assert dateranking.timing(WED, _day(WED)) == "same"
    assert dateranking.timing(MON, _day(WED)) == "ahead"
    assert dateranking.timing(None, _day(WED)) == "same"  # publication date unknown
    week = ResolvedDate(start=MON, end=FRI, precision=Precision.RANGE)
    assert dateranking.timing(WED, week) == "same"  # written within the range
    assert dateranking.timing(dt.date(2025, 3, 10), week) == "later"


def test_each_timing_has_its_weight() -> None:
    thursday = [_day(THU)]
    signals = dateranking.date_signals([(MON, thursday), (THU, thursday), (FRI, thursday)])
    expected = dateranking.ANNOUNCED_WEIGHT + dateranking.SAME_DAY_WEIGHT + 1.0
    assert signals.mentions[(THU.isoformat(), None)] == expected


# A council vote on Thursday is announced by two articles earlier in the week; on
# Wednesday two articles report a bridge blockade the same day. The vote is the day a
# timeline of the story keeps: the coverage looked forward to it.
ARTICLES = {
    "herald": (MON, "The council will vote on the Orla bypass on Thursday, the mayor said."),
    "courier": (TUE, "Councillors are expected to approve the bypass on Thursday."),
    "post": (WED, "Protesters blocked the Orla bridge on Wednesday."),
    "star": (WED, "Farmers and protesters blocked the bridge into Orla on Wednesday."),
    "weekly": (FRI, "Road works in Orla go on."),  # the coverage runs past the vote
}


def _signals() -> dateranking.DateSignals:
    return dateranking.date_signals(
        (day, [r for _, r in date_mentions(text, day)]) for day, text in ARTICLES.values()
    )


def test_an_announced_day_outranks_a_day_reported_only_on_the_day() -> None:
    signals = _signals()
    assert signals.mentions[(THU.isoformat(), None)] == 2 * dateranking.ANNOUNCED_WEIGHT
    assert signals.mentions[(WED.isoformat(), None)] == 2 * dateranking.SAME_DAY_WEIGHT
    events = [
        _entry("vote", THU, "The council approved the Orla bypass.", "gazette"),
        _entry("block", WED, "Protesters blocked the Orla bridge on Wednesday.", "post"),
    ]
    kept = select.select_timeline(events, max_dates=1, signals=signals)
    assert [e.id for e in kept] == ["vote"]


def test_as_a_days_own_report_the_announcement_would_not_have_won() -> None:
    # the same mentions, all counted as the day's own coverage: the blockade wins
    signals = _signals()
    flat = dateranking.DateSignals(
        mentions={
            k: v / dateranking.ANNOUNCED_WEIGHT * dateranking.SAME_DAY_WEIGHT
            if k == (THU.isoformat(), None)
            else v
            for k, v in signals.mentions.items()
        },
        published=signals.published,
        first=signals.first,
        last=signals.last,
    )
    events = [
        _entry("vote", THU, "The council approved the Orla bypass.", "gazette"),
        _entry("block", WED, "Protesters blocked the Orla bridge on Wednesday.", "post"),
    ]
    assert [e.id for e in select.select_timeline(events, max_dates=1, signals=flat)] == ["block"]


# A harbour blog post of Monday with its page stamp and readers' comments, each stamped
# with the day it was posted; a report of Wednesday on Tuesday's ferries. The stamps are
# the page's and the comments' own days, not days the story talks about.
BLOG = (
    "Page last updated at 15:47 GMT, Monday, 3 March 2025 "
    "The harbour at Orla closed on Monday after the storm. "
    "At 4:16 pm on 6 Mar 2025, Jane wrote: Terrible news for the town. "
    "At 9:02 am on 6 Mar 2025, Tom wrote: Stay safe everyone. "
    "Harbour Daily | 10:57 UK time, Thursday, 6 March 2025 Ferries may resume soon."
)


def test_page_and_comment_stamps_are_no_mentions() -> None:
    days = [r.iso() for _, r in date_mentions(BLOG, MON)]
    assert days == [MON.isoformat()]  # "closed on Monday" only
    # a clock time with a weekday in prose is the fact's day
    said = date_mentions("The quake struck at 16:53 local time on Tuesday.", THU)
    assert [r.iso() for _, r in said] == [TUE.isoformat()]


def test_comment_stamps_do_not_make_a_day_matter() -> None:
    signals = dateranking.date_signals(
        [
            (MON, [r for _, r in date_mentions(BLOG, MON)]),
            (WED, [r for _, r in date_mentions("Ferries were cancelled on Tuesday.", WED)]),
        ]
    )
    assert (THU.isoformat(), None) not in signals.mentions  # the comments' day
    events = [
        _entry("ferries", TUE, "Ferries were cancelled.", "herald"),
        _entry("resume", THU, "Ferries may resume soon.", "blog"),
    ]
    kept = select.select_timeline(events, max_dates=1, signals=signals)
    assert [e.id for e in kept] == ["ferries"]


# Ties. A long coverage names many days once or twice, so equal scores are common at
# the cut of the timeline's days.
def _stated(eid: str, day: dt.date, text: str, source: str) -> MergedEvent:
    """An entry whose sentence gives its day ("on Wednesday")."""
    entry = _entry(eid, day, text, source)
    return entry.model_copy(update={"date": entry.date.model_copy(update={"expression": "x"})})


def _by_publication(eid: str, day: dt.date, text: str, source: str) -> MergedEvent:
    """An entry dated only by its article's publication date."""
    entry = _entry(eid, day, text, source)
    return entry.model_copy(
        update={"date": entry.date.model_copy(update={"from_publication": True})}
    )


def test_a_tie_goes_to_the_day_its_sources_date_in_their_own_words() -> None:
    # Tuesday and Wednesday are each named by one later article. Tuesday's entry has its
    # day only from its article's date; Wednesday's sentence says "on Wednesday".
    signals = dateranking.date_signals([(FRI, [_day(TUE), _day(WED)])])
    assert signals.score(_day(TUE)) == signals.score(_day(WED))
    events = [
        _by_publication("tue", TUE, "The Orla ferry timetable was printed.", "post"),
        _stated("wed", WED, "The Orla ferry sank on Wednesday.", "star"),
    ]
    kept = select.select_timeline(events, max_dates=1, signals=signals)
    assert [e.id for e in kept] == ["wed"]


def test_a_tie_goes_to_the_day_articles_refer_back_to() -> None:
    # Tuesday: reported that day ("today", half a mention) by an article of Tuesday (half
    # a publication). Wednesday: recalled by Friday's article. Equal scores; the day the
    # coverage came back to is still news afterwards.
    signals = dateranking.date_signals([(TUE, [_day(TUE)]), (FRI, [_day(WED)])])
    assert signals.score(_day(TUE)) == signals.score(_day(WED)) == 1.0
    assert signals.referred_back == {(WED.isoformat(), None): 1}
    events = [
        _stated("tue", TUE, "The Orla harbour reopened today.", "post"),
        _stated("wed", WED, "The Orla ferry sank on Wednesday.", "star"),
    ]
    kept = select.select_timeline(events, max_dates=1, signals=signals)
    assert [e.id for e in kept] == ["wed"]


# A quake on Tuesday 4 March; reports of the next week recall it as "last Tuesday's".
# Written on a Wednesday or Thursday, "last Tuesday" is not the day before (that
# Tuesday would be "yesterday" or "on Tuesday"): it is the week before's.
RECALLED = {
    "herald": (dt.date(2025, 3, 12), "Up to 900 people died in last Tuesday's quake in Orla."),
    "courier": (dt.date(2025, 3, 13), "Rescuers in Orla gave up the search begun last Tuesday."),
}


def test_last_tuesday_a_week_on_is_the_quake_day() -> None:
    signals = dateranking.date_signals(
        (day, [r for _, r in date_mentions(text, day)]) for day, text in RECALLED.values()
    )
    assert signals.mentions == {(TUE.isoformat(), None): 2.0}
    day, text = RECALLED["herald"]
    dated = resolve_sentence_date(text, day)
    assert dated is not None and dated.start == TUE

"""The ledes of a timeline that shows a few entries a day (``--per-date``): an
article's first usable sentences, the next morning's as candidates of the day before,
and the undated sentences deeper down ranked after them (see
:mod:`summarizer.stages.select`, whose module docstring tells why).

Split from select (its 600-line limit); select is the only caller.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from summarizer.models import MergedEvent, Precision
from summarizer.stages.dateranking import DateKey, date_key, date_order

# an article's first usable sentences, its lede: a candidate the day before its paper
# (with --per-date); news-tls' clip of 5, checked by leave-one-out over 3, 5 and 7 on the
# three Timeline17 corpora (each held out: the other two choose 5, 3, 5; none loses);
# the same lede ranks the day's deeper undated entries last (is_deep_undated): a clip of
# its own, by leave-one-out over 3, 5, 7 and 10, would be 3, 7 or 10, 3 (held-out R1
# haiti 0, IraqWar +.0007, Finan -.0001), so no second parameter
LEDE_SENTENCES = 5


def is_next_morning_lede(event: MergedEvent, published: Mapping[str, dt.date | None]) -> bool:
    """Is ``event`` undated (its day its article's publication, not assumed) with a quote
    among the first :data:`LEDE_SENTENCES` usable sentences of an article published
    that day: the next morning's report of the day before?"""
    date = event.date
    if not date.from_publication or date.assumed or date.precision is not Precision.DAY:
        return False
    return any(
        q.sentence_place is not None
        and q.sentence_place < LEDE_SENTENCES
        and published.get(q.source) == date.start
        for q in event.evidence
    )


def is_deep_undated(event: MergedEvent) -> bool:
    """Is ``event`` undated (its day its article's publication, not assumed, nor a next
    morning's lede shown the day before) with every quote's sentence known and none among
    the first :data:`LEDE_SENTENCES` usable sentences of its article?"""
    date = event.date
    if not date.from_publication or date.assumed or date.reported_next_morning:
        return False
    places = [q.sentence_place for q in event.evidence]
    return bool(places) and all(p is not None and p >= LEDE_SENTENCES for p in places)


def shown_the_day_before(event: MergedEvent) -> MergedEvent:
    """``event`` dated the day before its publication, marked
    :attr:`~summarizer.models.ResolvedDate.reported_next_morning` (the same id)."""
    date = event.date.model_copy(
        update={"start": event.date.start - dt.timedelta(days=1), "reported_next_morning": True}
    )
    return event.model_copy(update={"date": date})


def morning_copies(
    groups: Mapping[DateKey, Sequence[MergedEvent]], published: Mapping[str, dt.date | None]
) -> dict[DateKey, list[MergedEvent]]:
    """The next morning's ledes (:func:`is_next_morning_lede`) as candidates of the day
    before, for the days that have entries of their own."""
    copies: dict[DateKey, list[MergedEvent]] = defaultdict(list)
    for entries in groups.values():
        for event in entries:
            if not is_next_morning_lede(event, published):
                continue
            before = shown_the_day_before(event)
            key = date_key(before.date)
            if key in groups:
                copies[key].append(before)
    return copies


def once_each(
    entries: Mapping[DateKey, Sequence[MergedEvent]], keys: Sequence[DateKey], per_date: int
) -> dict[DateKey, list[MergedEvent]]:
    """The ``per_date`` best entries of each date of ``keys``, each entry on one date only
    (a next morning's lede is a candidate on its own day and the day before): the dates
    from the latest to the earliest, an entry already shown on a later one passed over.
    A date shows its ledes and the entries that state it; an :func:`is_deep_undated`
    entry only when the date has nothing else to show (its day is only its paper's)."""
    shown: set[str] = set()
    picked: dict[DateKey, list[MergedEvent]] = {}
    latest_first = sorted(keys, key=lambda k: (entries[k][0].date.start, date_order(k)))[::-1]
    for k in latest_first:
        fresh = [e for e in entries[k] if e.id not in shown]
        picked[k] = ([e for e in fresh if not is_deep_undated(e)] or fresh)[:per_date]
        shown.update(e.id for e in picked[k])
    return picked

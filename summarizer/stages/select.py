"""Select the timeline: the most important dates, and the entries kept for each.

:func:`select_timeline` keeps the ``max_dates`` most important dates and ``per_date``
entries per date (timeline summarisation), or, with ``day``, that day's entries first
and earlier dates as context.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from summarizer.models import MergedEvent, Precision


def _on_day(event: MergedEvent, day: dt.date) -> bool:
    d = event.date
    if d.precision is Precision.RANGE and d.end is not None:
        return d.start <= day <= d.end
    return d.precision is Precision.DAY and d.start == day


def _by_date(events: Iterable[MergedEvent]) -> dict[tuple[str, str | None], list[MergedEvent]]:
    groups: dict[tuple[str, str | None], list[MergedEvent]] = defaultdict(list)
    for e in events:
        groups[(e.date.iso(), e.date.iso_end())].append(e)
    for g in groups.values():
        g.sort(key=lambda e: (-e.importance, e.id))
    return groups


def select_timeline(
    events: Sequence[MergedEvent],
    *,
    max_dates: int | None = None,
    per_date: int | None = None,
    day: dt.date | None = None,
) -> tuple[MergedEvent, ...]:
    """Keep the ``max_dates`` most important dates and ``per_date`` entries per date.

    A date's importance is the sum of the importance of the entries it keeps. With
    ``day``, entries dated after it are left out, that day's entries always stay
    (and come first), and earlier dates follow as context, oldest first. Without
    ``day``, the result is in date order, oldest first; within a date, most
    important first.
    """
    pool = [e for e in events if day is None or e.date.start <= day or _on_day(e, day)]
    groups = _by_date(pool)
    if per_date is not None:
        groups = {k: v[: max(per_date, 0)] for k, v in groups.items()}
    today = {k for k, v in groups.items() if day is not None and any(_on_day(e, day) for e in v)}
    ranked = sorted(
        (k for k in groups if k not in today),
        key=lambda k: (-sum(e.importance for e in groups[k]), k),
    )
    if max_dates is not None:
        ranked = ranked[: max(max_dates - len(today), 0)]
    keep_dates = sorted(ranked, key=lambda k: min(e.date.start for e in groups[k]))
    first = [e for k in sorted(today) for e in groups[k]]
    rest = [e for k in keep_dates for e in groups[k]]
    return tuple(first + rest)

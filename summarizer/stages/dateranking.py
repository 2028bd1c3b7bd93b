"""The days that matter: rank a corpus' dates by how much its articles refer to them.

After news-tls DATEWISE (Ghalandari and Ifrim 2020), without its supervised ranker. A
day matters when many articles refer to it: :class:`DateSignals` counts, per date, the
distinct articles whose text mentions it (explicit or resolved relative dates anywhere
in the article, not only in event sentences), each weighted by when it was written
(:func:`mentioned`):

* an article published after the day counts 1: an event the coverage keeps coming
  back to ranks high;
* one published before it, announcing it (a scheduled vote, a summit, a deadline),
  counts :data:`ANNOUNCED_WEIGHT`: a day the coverage looks forward to is one of the
  story's milestones, and a timeline of the story keeps it (measured on three
  Timeline17 corpora, leave-one-out: such days are in the journalists' timelines more
  often than days referred to afterwards);
* one published on the day itself (the day's own report) counts
  :data:`SAME_DAY_WEIGHT`, and so, as the weaker signal of coverage on the day
  (:data:`PUBLISHED_WEIGHT`), does each article published that day.

A month, a year or a range competes with the days by its mentions per day it spans.
Dates inside the corpus' own span (from :data:`LEAD_DAYS` before its first
publication to its last) come before older history and announced dates after the
coverage, which a timeline of this coverage mentions only as background.

:func:`rank_dates` orders the dates of a timeline's entries by these signals;
:mod:`summarizer.stages.select` ranks each date's entries and keeps the best.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from summarizer.models import MergedEvent, Precision, ResolvedDate

PUBLISHED_WEIGHT = 0.5  # an article published on a day counts half a mention of it
SAME_DAY_WEIGHT = 0.5  # a mention in an article of the day itself counts half
ANNOUNCED_WEIGHT = 1.5  # a mention in an article published before the date (announcing it)
LEAD_DAYS = 7  # a corpus reports events up to a week before its first article

DateKey = tuple[str, str | None]  # (ResolvedDate.iso(), ResolvedDate.iso_end())
# when an article mentioning a date came out: after it, on it (or unknown), before it
Timing = Literal["later", "same", "ahead"]
WEIGHTS: dict[str, float] = {"later": 1.0, "same": SAME_DAY_WEIGHT, "ahead": ANNOUNCED_WEIGHT}


def date_key(date: ResolvedDate) -> DateKey:
    """The key entries are grouped by: the date as displayed."""
    return (date.iso(), date.iso_end())


def date_order(key: DateKey) -> tuple[str, str]:
    """A sort key for date keys: a day before the range that starts on it."""
    return key[0], key[1] or ""


def _days_spanned(date: ResolvedDate) -> int:
    if date.precision is Precision.DAY:
        return 1
    if date.precision is Precision.MONTH:
        return calendar.monthrange(date.start.year, date.start.month)[1]
    if date.precision is Precision.YEAR:
        return 366 if calendar.isleap(date.start.year) else 365
    end = date.end or date.start
    return max((end - date.start).days + 1, 1)


@dataclass(frozen=True)
class DateSignals:
    """How much a corpus talks about each date.

    ``mentions``: distinct articles referring to the date (by :func:`date_key`), an
    article published after the date counting 1, one published before it
    :data:`ANNOUNCED_WEIGHT`, one published on it :data:`SAME_DAY_WEIGHT`;
    ``published``: articles published on each day; ``first``/``last``: the span of
    publication dates; ``referred_back``: articles published after the date that
    mention it (a tie-break of :func:`rank_dates`).
    """

    mentions: Mapping[DateKey, float] = field(default_factory=dict)
    referred_back: Mapping[DateKey, int] = field(default_factory=dict)
    published: Mapping[dt.date, int] = field(default_factory=dict)
    first: dt.date | None = None
    last: dt.date | None = None

    def score(self, date: ResolvedDate) -> float:
        """Mentions (plus half the day's publications) per day the date spans."""
        mentioned = self.mentions.get(date_key(date), 0)
        published = self.published.get(date.start, 0) if date.precision is Precision.DAY else 0
        return (mentioned + PUBLISHED_WEIGHT * published) / _days_spanned(date)

    def in_span(self, date: ResolvedDate) -> bool:
        """Inside the coverage: from LEAD_DAYS before the first article to the last."""
        if self.first is None or self.last is None:
            return True
        end = date.end or date.start
        return self.first - dt.timedelta(days=LEAD_DAYS) <= date.start and end <= self.last


def date_signals(articles: Iterable[tuple[dt.date | None, Iterable[ResolvedDate]]]) -> DateSignals:
    """:class:`DateSignals` from each article's publication date and the dates it mentions."""
    return date_signals_of_mentions((day, mentioned(day, dates)) for day, dates in articles)


def mentioned(day: dt.date | None, dates: Iterable[ResolvedDate]) -> dict[DateKey, Timing]:
    """The distinct dates (:func:`date_key`) an article published on ``day`` mentions, each
    with when the article came out (:func:`timing`)."""
    return {key: timing(day, date) for key, date in {date_key(d): d for d in dates}.items()}


def timing(day: dt.date | None, date: ResolvedDate) -> Timing:
    """``later`` when an article published on ``day`` came out after all of ``date``,
    ``ahead`` when before it (announcing it), else ``same`` (on it, within it, or a
    publication date unknown)."""
    if day is None:
        return "same"
    if (date.end or date.start) < day:
        return "later"
    return "ahead" if day < date.start else "same"


def date_signals_of_mentions(
    articles: Iterable[tuple[dt.date | None, Mapping[DateKey, Timing]]],
) -> DateSignals:
    """:func:`date_signals` from each article's publication date and :func:`mentioned`."""
    mentions: dict[DateKey, float] = defaultdict(float)
    referred_back: Counter[DateKey] = Counter()
    published: Counter[dt.date] = Counter()
    for day, dates in articles:
        if day is not None:
            published[day] += 1
        for key, when in dates.items():
            mentions[key] += WEIGHTS[when]
            referred_back[key] += when == "later"
    days = sorted(published)
    return DateSignals(
        mentions=dict(mentions),
        referred_back={k: n for k, n in referred_back.items() if n},
        published=dict(published),
        first=days[0] if days else None,
        last=days[-1] if days else None,
    )


def fallback_signals(events: Sequence[MergedEvent]) -> DateSignals:
    """Without article signals: a date is mentioned by the sources of its entries."""
    cited: dict[DateKey, set[str]] = defaultdict(set)
    for e in events:
        cited[date_key(e.date)].update(e.sources)
    return DateSignals(mentions={k: len(v) for k, v in cited.items()})


def rank_dates(
    groups: Mapping[DateKey, Sequence[MergedEvent]], signals: DateSignals
) -> list[DateKey]:
    """Date keys, the ones that matter most first (see the module docstring).

    Ties (many dates share a score of one or two mentions in a long coverage) go to the
    date more sources date an entry to by their own words (not by their publication
    date alone), then to the one more articles refer back to afterwards (the day was
    still news later), then to the date more sources report entries on, then to the
    greater sum of the entries' importance, then to the earlier date."""

    def key(k: DateKey) -> tuple[bool, float, int, int, int, float, str, str]:
        date = groups[k][0].date
        support = len({s for e in groups[k] for s in e.sources})
        dated = len({s for e in groups[k] if _states_the_day(e.date) for s in e.sources})
        later = signals.referred_back.get(k, 0)
        weight = sum(e.importance for e in groups[k])
        in_span = signals.in_span(date)
        return (
            not in_span,
            -signals.score(date),
            -dated,
            -later,
            -support,
            -weight,
            *date_order(k),
        )

    return sorted(groups, key=key)


def _states_the_day(date: ResolvedDate) -> bool:
    """An entry's sentence gives its day (not its article's publication date, nor the
    run's most common one)."""
    return not date.from_publication and not date.assumed

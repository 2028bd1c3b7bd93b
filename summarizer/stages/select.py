"""Select the timeline: the days that matter, and the entries that tell each day.

Timeline summarisation after news-tls DATEWISE (Ghalandari and Ifrim 2020), without
its supervised ranker:

* **Which days.** :func:`~summarizer.stages.dateranking.rank_dates`: the days many
  articles refer to (see :mod:`summarizer.stages.dateranking`).
* **Which entries.** A day's candidates are the merged entries dated that day. Each
  is scored by how central it is (cosine of its stemmed, corpus-weighted terms to
  the day's centroid: the entries of that day, weighted by how many sources report
  them, and, at :data:`FOLLOWING_WEIGHT`, those of the next day, when the follow-up
  coverage appears), how informative (the engine's salience) and how near the top
  of its article it is (:func:`lead_positions`: a news report states what happened
  first and background, reaction and quotes after it, so an article's first entry
  gets :data:`LEAD_WEIGHT`, its second half that, its third a third...) and whether
  its sentence states the day (:data:`DATED_WEIGHT`: "on Tuesday", "yesterday", a
  date, rather than the day taken from its article's publication date: news-tls'
  candidates that mention the date) and whether an article published the next day
  reports it (:data:`NEXT_DAY_WEIGHT`, :func:`reported_next_day`: news-tls' window
  after the date; the morning-after report tells the day as it ended, where the
  day's own coverage has previews and the first, partial accounts); an entry that
  repeats one already chosen is passed over.
* **The next morning's ledes** (:mod:`summarizer.stages.ledes`). When a timeline
  shows a few entries a day (``per_date``), an undated entry (dated by its article's
  publication, day p) whose sentence is among the first ``LEDE_SENTENCES`` usable
  sentences of an article published on p is also a candidate for day p-1, as in
  news-tls, whose candidates for a date include the sentences published just after
  it: a morning paper opens with the day before ("The army said it had retaken the
  bridge"). Such a candidate counts in p-1's centroid and takes the usual score there
  (no stated-day weight: its day is still its publication's; no next-day weight: that
  report is its own). Only days that have entries of their own take them, so the days
  chosen do not change. An entry is shown on one day only: the kept days are filled
  from the latest to the earliest, and an entry picked on its own day p is not a
  candidate on p-1. Shown on p-1, its date says so
  (:attr:`~summarizer.models.ResolvedDate.reported_next_morning`: "undated: reported
  the next morning"); its id stays its own. The brief's headline and key developments
  (:func:`brief_order`) never take such a copy.
* **Ledes before what lies deeper.** With ``per_date``, an undated entry none of whose
  quotes is among its article's first ``LEDE_SENTENCES`` usable sentences
  (:func:`~summarizer.stages.ledes.is_deep_undated`: a commentator's aside, a quote or
  background far down a report, whose day is only its paper's) ranks after the day's
  other candidates, whatever its score: news-tls' candidates for a date are the
  sentences that state it and the ledes published just after it, not every sentence
  of the day's papers. A day shows it only when it has nothing else to show.

:func:`rank_timeline` orders every entry by that judgement (the best entry of the
best day first); :func:`select_timeline` keeps ``max_dates`` days and ``per_date``
entries per day (``--max-dates``/``--per-date``); the brief's headline
(:func:`headline_event`) and key developments follow the same order, and so does
the chart, which draws the selected entries.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from summarizer.models import MergedEvent, Precision, ResolvedDate
from summarizer.stages.dateranking import (
    DateKey,
    DateSignals,
    date_key,
    date_order,
    fallback_signals,
    rank_dates,
)
from summarizer.stages.ledes import (
    is_deep_undated,
    morning_copies,
    once_each,
)
from summarizer.stages.standalone import stands_alone
from summarizer.stages.standalone import trim_connective as trim_connective  # re-exported
from summarizer.stages.stems import stemmed

FOLLOWING_WEIGHT = 0.5  # the next day's entries in a day's centroid
SALIENCE_WEIGHT = 0.3  # per unit of the engine's salience
LEAD_WEIGHT = 0.5  # an article's first entry: news puts what happened first
DATED_WEIGHT = 0.5  # an entry whose sentence states its day (not its article's date)
NEXT_DAY_WEIGHT = 0.5  # an entry an article of the next day reports (the day's full account)
REDUNDANT = 0.5  # cosine above which an entry repeats one already chosen
DISTINCT = 8  # how many entries of a day are kept apart from repeats
KEY_DEVELOPMENTS = 5


def _group(events: Iterable[MergedEvent]) -> dict[DateKey, list[MergedEvent]]:
    groups: dict[DateKey, list[MergedEvent]] = defaultdict(list)
    for e in events:
        groups[date_key(e.date)].append(e)
    return groups


# --------------------------------------------------------------------------- entries


_WORD = re.compile(r"[^\W\d_]{2,}|\d[\d,.]*")


@lru_cache(maxsize=65536)
def _term(word: str) -> str:
    """The term of a word as written (its case and trailing dots or commas do not count)."""
    return stemmed(word.lower().rstrip(".,"))


def _terms(text: str) -> Counter[str]:
    return Counter(map(_term, _WORD.findall(text)))


class Terms(dict[str, Counter[str]]):
    """Texts' terms read beforehand, for :func:`brief_order` (a run on worker processes
    reads its statements' terms while it would otherwise wait: see the runner)."""

    @classmethod
    def of(cls, texts: Iterable[str]) -> Terms:
        """Every text's terms."""
        terms = cls()
        for _ in terms.reading(texts):
            pass
        return terms

    def reading(self, texts: Iterable[str]) -> Iterator[None]:
        """Read each text's terms, one text a step (the caller stops when it likes)."""
        for text in texts:
            if text not in self:
                self[text] = _terms(text)
                yield None


Vector = dict[str, float]


# The sums below iterate in C (map) rather than through a generator: the same products
# added by sum() in the same order, so the same floats.


def _norm(vector: Mapping[str, float]) -> Vector:
    values = vector.values()
    size = math.sqrt(sum(map(operator.mul, values, values)))
    return {t: v / size for t, v in vector.items()} if size else {}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(map(operator.mul, a.values(), map(b.get, a.keys(), itertools.repeat(0.0))))


def _vectors(
    events: Sequence[MergedEvent], known: Mapping[str, Counter[str]] | None = None
) -> dict[str, Vector]:
    """Unit tf-idf vectors of the entries' texts, idf over all entries of the run;
    ``known``: texts' terms already read (:class:`Terms`)."""
    done = known or {}
    counts = {e.id: done[e.text] if e.text in done else _terms(e.text) for e in events}
    df: Counter[str] = Counter()
    for c in counts.values():
        df.update(c.keys())
    n = max(len(counts), 1)
    idf = {t: math.log(1 + n / d) for t, d in df.items()}  # once per term, not per entry
    return {
        eid: _norm({t: idf[t] if tf == 1 else (1 + math.log(tf)) * idf[t] for t, tf in c.items()})
        for eid, c in counts.items()
    }


def _next_day(k: DateKey, groups: Mapping[DateKey, Sequence[MergedEvent]]) -> DateKey | None:
    date = groups[k][0].date
    if date.precision is not Precision.DAY:
        return None
    following = (date.start + dt.timedelta(days=1)).isoformat(), None
    return following if following in groups else None


def _centroid(
    k: DateKey, groups: Mapping[DateKey, Sequence[MergedEvent]], vectors: Mapping[str, Vector]
) -> Vector:
    centroid: dict[str, float] = {}
    members = [(e, 1.0) for e in groups[k]]
    following = _next_day(k, groups)
    if following is not None:
        members += [(e, FOLLOWING_WEIGHT) for e in groups[following]]
    for event, weight in members:
        scale = weight * len(event.sources)  # (weight * sources) * v, as written before
        for t, v in vectors[event.id].items():
            centroid[t] = centroid.get(t, 0.0) + scale * v
    return _norm(centroid)


def _salience(event: MergedEvent) -> float:
    """The engine's salience, recovered from the merge's importance (sources + salience/2)."""
    return max(event.importance - len(event.sources), 0.0) * 2


def lead_positions(events: Iterable[MergedEvent]) -> dict[str, int]:
    """Each entry's place in its articles: 0 when one of its quotes is its article's
    first quoted entry, 1 for the second..., the best over its sources. Counted among
    the given entries from their quotes' offsets (no article text needed); an entry
    without quotes has no place."""
    events = list(events)
    starts: dict[str, set[int]] = defaultdict(set)
    for event in events:
        for quote in event.evidence:
            starts[quote.source].add(quote.start)
    order = {s: {start: i for i, start in enumerate(sorted(v))} for s, v in starts.items()}
    return {e.id: min(order[q.source][q.start] for q in e.evidence) for e in events if e.evidence}


def reported_next_day(
    events: Iterable[MergedEvent], published: Mapping[str, dt.date | None]
) -> frozenset[str]:
    """The ids of the entries dated a day that a source published the day after reports
    (by the sources' ``published`` dates; a month, a year or a range has no next day)."""
    return frozenset(
        e.id
        for e in events
        if e.date.precision is Precision.DAY
        and any(published.get(s) == e.date.start + dt.timedelta(days=1) for s in e.sources)
    )


def _entry_score(
    event: MergedEvent,
    centroid: Mapping[str, float],
    vector: Vector,
    position: int | None,
    dated_weight: float | None = None,
    next_day: bool = False,
) -> float:
    """A day's entry: central, informative, its article's lead, stating the day (the
    headline, whose day is settled, passes ``dated_weight=0``), reported the next day."""
    lead = LEAD_WEIGHT / (1 + position) if position is not None else 0.0
    weight = DATED_WEIGHT if dated_weight is None else dated_weight
    dated = weight if _states_its_date(event.date) else 0.0
    followed = NEXT_DAY_WEIGHT if next_day else 0.0
    return _cosine(vector, centroid) + SALIENCE_WEIGHT * _salience(event) + lead + dated + followed


def _states_its_date(date: ResolvedDate) -> bool:
    """Does the entry's sentence give its date (rather than its article's publication
    date, or the run's most common one)?"""
    return not date.from_publication and not date.assumed


def _rank_entries(
    entries: Sequence[MergedEvent],
    centroid: Vector,
    vectors: Mapping[str, Vector],
    positions: Mapping[str, int],
    dated_weight: float | None = None,
    next_day: frozenset[str] = frozenset(),
    ledes_first: bool = False,
) -> list[MergedEvent]:
    """Most central and informative first; an entry repeating one of the first
    :data:`DISTINCT` chosen goes last (a day shows a few entries: further down, the
    order is the score's). ``next_day``: :func:`reported_next_day`; ``ledes_first``:
    the :func:`~summarizer.stages.ledes.is_deep_undated` entries after the others."""

    def score(e: MergedEvent) -> float:
        position = positions.get(e.id)
        # a next morning's lede shown the day before: that report is its own, not a
        # follow-up of the day's
        followed = e.id in next_day and not e.date.reported_next_morning
        return _entry_score(e, centroid, vectors[e.id], position, dated_weight, next_day=followed)

    def key(e: MergedEvent) -> tuple[bool, float, str]:
        return ledes_first and is_deep_undated(e), -score(e), e.id

    ordered = sorted(entries, key=key)
    chosen: list[MergedEvent] = []
    repeats: list[MergedEvent] = []
    for i, e in enumerate(ordered):
        if len(chosen) >= DISTINCT:
            return chosen + ordered[i:] + repeats
        if any(_cosine(vectors[e.id], vectors[c.id]) > REDUNDANT for c in chosen):
            repeats.append(e)
        else:
            chosen.append(e)
    return chosen + repeats


@dataclass(frozen=True)
class Ranking:
    """Dates most important first, and each date's entries most important first."""

    dates: tuple[DateKey, ...]
    entries: Mapping[DateKey, tuple[MergedEvent, ...]]

    def ordered(self) -> list[MergedEvent]:
        """Every entry: the best entry of each date (dates by rank), then the second..."""
        depth = max((len(v) for v in self.entries.values()), default=0)
        levels: list[list[MergedEvent]] = [[] for _ in range(depth)]
        for k in self.dates:  # each date's i-th entry to level i, dates in rank order
            for level, entry in zip(levels, self.entries[k], strict=False):
                level.append(entry)
        return [entry for level in levels for entry in level]


def rank(
    events: Sequence[MergedEvent],
    signals: DateSignals | None = None,
    published: Mapping[str, dt.date | None] | None = None,
    *,
    next_morning: bool = False,
) -> Ranking:
    """Rank the dates and, within each, the entries (see the module docstring);
    ``published``: each source's publication date, when known; ``next_morning``: a
    day's entries include the next morning's ledes (copies shown the day before) and
    rank the :func:`~summarizer.stages.ledes.is_deep_undated` entries last, for a
    timeline that shows a few entries a day."""
    return _rank(events, signals, _vectors(events), published, next_morning)[0]


def _rank(
    events: Sequence[MergedEvent],
    signals: DateSignals | None,
    vectors: Mapping[str, Vector],
    published: Mapping[str, dt.date | None] | None = None,
    next_morning: bool = False,
) -> tuple[Ranking, dict[DateKey, Vector], dict[str, int]]:
    """:func:`rank` with the entries' :func:`_vectors` already made; with each date's
    centroid and the entries' :func:`lead_positions` (the brief's order reads them too)."""
    signals = signals if signals is not None else fallback_signals(events)
    groups = _group(events)
    positions = lead_positions(events)
    next_day = reported_next_day(events, published or {})
    copies = morning_copies(groups, published or {}) if next_morning else {}
    candidates = {k: [*v, *copies[k]] for k, v in groups.items()} if copies else groups
    centroids = {k: _centroid(k, candidates, vectors) for k in groups}
    entries = {
        k: tuple(
            _rank_entries(
                v, centroids[k], vectors, positions, next_day=next_day, ledes_first=next_morning
            )
        )
        for k, v in candidates.items()
    }
    return Ranking(dates=tuple(rank_dates(groups, signals)), entries=entries), centroids, positions


def rank_timeline(
    events: Sequence[MergedEvent],
    signals: DateSignals | None = None,
    published: Mapping[str, dt.date | None] | None = None,
) -> list[MergedEvent]:
    """Every entry, most important first (the order key developments are taken in)."""
    return rank(events, signals, published).ordered()


# --------------------------------------------------------------------------- selection


def _on_day(event: MergedEvent, day: dt.date) -> bool:
    d = event.date
    if d.precision is Precision.RANGE and d.end is not None:
        return d.start <= day <= d.end
    return d.precision is Precision.DAY and d.start == day


def select_timeline(
    events: Sequence[MergedEvent],
    *,
    max_dates: int | None = None,
    per_date: int | None = None,
    day: dt.date | None = None,
    signals: DateSignals | None = None,
    lead: dt.date | None = None,
    published: Mapping[str, dt.date | None] | None = None,
) -> tuple[MergedEvent, ...]:
    """Keep the ``max_dates`` dates that matter most and each one's ``per_date`` best entries.

    The date of the brief's lead (:func:`lead_date` of ``day``, else of ``lead``, the
    brief's day) is always kept, so the timeline, the headline and the key
    developments tell the same days. With ``day``, entries dated after it are left
    out, that day's entries always stay (and come first), and the earlier dates that
    matter most follow as context, oldest first. Without ``day``, the result is in date
    order, oldest first; within a date, best first. ``published``: each source's
    publication date (:data:`NEXT_DAY_WEIGHT`; with ``day``, only those published by it).
    """
    pool = [e for e in events if day is None or e.date.start <= day or _on_day(e, day)]
    known = {
        s: d for s, d in (published or {}).items() if day is None or (d is not None and d <= day)
    }
    ranking = rank(pool, signals, known, next_morning=per_date is not None)
    groups = {k: list(v) for k, v in ranking.entries.items()}
    if per_date is not None:
        groups = {k: v[: max(per_date, 0)] for k, v in groups.items()}
    today = {k for k, v in groups.items() if day is not None and any(_on_day(e, day) for e in v)}
    anchor = _lead_date(ranking, day or lead) if (day or lead) is not None else None
    forced = today | ({anchor} if anchor is not None and groups.get(anchor) else set())
    ranked = [k for k in ranking.dates if k not in forced and groups[k]]
    if max_dates is not None:
        ranked = ranked[: max(max_dates - len(forced), 0)]
    keep_dates = sorted(
        [*ranked, *(forced - today)], key=lambda k: (groups[k][0].date.start, date_order(k))
    )
    if per_date is not None:
        groups = once_each(ranking.entries, [*today, *keep_dates], max(per_date, 0))
    first = [e for k in sorted(today, key=date_order) for e in groups[k]]
    rest = [e for k in keep_dates for e in groups[k]]
    return tuple(first + rest)


def covers_day(event: MergedEvent, day: dt.date) -> bool:
    """Is ``event`` dated ``day`` (or a range that includes it)?"""
    return _on_day(event, day)


# --------------------------------------------------------------------------- the brief's lead

HEADLINE_CHOICES = 3  # the headline is one of the day's best entries
DAY_DEVELOPMENTS = 2  # key developments: the day's next entries, then other days'
STORY_WEIGHT = 0.5  # the headline: the story's centroid counts less than the day's


def brief_day(events: Sequence[MergedEvent], published: Iterable[dt.date | None]) -> dt.date | None:
    """The day a brief is for: the latest publication date (else the latest entry's day)."""
    days = [d for d in published if d is not None]
    if days:
        return max(days)
    dated = [e.date.start for e in events if e.date.precision is Precision.DAY]
    return max(dated, default=None)


def _lead_date(ranking: Ranking, day: dt.date | None) -> DateKey | None:
    """The date of the brief's lead: ``day`` if it has entries, else the latest day before
    it that has, else the date that matters most."""
    if day is not None:
        on_day = [k for k in ranking.dates if any(_on_day(e, day) for e in ranking.entries[k])]
        if on_day:
            return on_day[0]
        before = [
            k
            for k in ranking.dates
            if (d := ranking.entries[k][0].date).precision is Precision.DAY and d.start < day
        ]
        if before:
            return max(before, key=lambda k: ranking.entries[k][0].date.start)
    return ranking.dates[0] if ranking.dates else None


def lead_date(
    events: Sequence[MergedEvent], signals: DateSignals | None, day: dt.date | None
) -> ResolvedDate | None:
    """The date the brief for ``day`` leads with: ``day`` if an entry is dated that day,
    else the latest day before it that has entries (else the date that matters most)."""
    ranking = rank(events, signals)
    key = _lead_date(ranking, day)
    return ranking.entries[key][0].date if key is not None else None


def is_announcement(event: MergedEvent, published: Mapping[str, dt.date | None]) -> bool:
    """Did every source of ``event`` (of those with a known publication date) publish it
    before its date: a plan or a forecast ("hoped to run a reduced service on Thursday"),
    not what happened that day?"""
    days = [d for s in event.sources if (d := published.get(s)) is not None]
    return bool(days) and max(days) < event.date.start


def _reported_by(
    event: MergedEvent, published: Mapping[str, dt.date | None], day: dt.date | None
) -> bool:
    """Does a source published by ``day`` (or undated) report ``event``: what a brief
    written that day could say?"""
    if day is None:
        return True
    return any((d := published.get(s)) is None or d <= day for s in event.sources)


def _story_centroid(events: Sequence[MergedEvent], vectors: Mapping[str, Vector]) -> Vector:
    """What the whole story is about: every entry's terms, weighted by its sources."""
    centroid: dict[str, float] = {}
    for event in events:
        sources = len(event.sources)
        for t, v in vectors[event.id].items():
            centroid[t] = centroid.get(t, 0.0) + sources * v
    return _norm(centroid)


def brief_order(
    events: Sequence[MergedEvent],
    signals: DateSignals | None,
    day: dt.date | None,
    published: Mapping[str, dt.date | None] | None = None,
    terms: Mapping[str, Counter[str]] | None = None,
) -> list[MergedEvent]:
    """Every entry, most important for a brief of ``day`` first (``terms``: texts' terms
    already read, :class:`Terms`).

    The headline's entry comes first: of the lead date's :data:`HEADLINE_CHOICES` best
    entries, a fact of that day (not an announcement made before it,
    :func:`is_announcement`, with the sources' ``published`` dates) that an article
    published by ``day`` reports (a brief for an earlier day says what was known
    then), that reads on its own, reported by the most sources, then the most central
    to the day and to what the whole story is about (its entry score plus
    :data:`STORY_WEIGHT` x its cosine to all the entries: a company's share price moves
    less than its appeal of the verdict; the day is settled, so whether an entry states
    it does not count here). The day's next :data:`DAY_DEVELOPMENTS` facts
    follow, then the rest in :func:`rank_timeline` order: dates inside the coverage
    before history and background (:meth:`DateSignals.in_span`), what happened before
    what was announced for a day that has come, then those that stand alone first.
    """
    # a next morning's lede shown the day before (with --per-date) is not the brief's
    # to tell: its day is its paper's, the brief's lines tell the days' own entries
    events = [e for e in events if not e.date.reported_next_morning]
    vectors = _vectors(events, terms)  # once: the ranking and the headline's choice share them
    ranking, centroids, positions = _rank(events, signals, vectors, published)
    lead = _lead_date(ranking, day)
    if lead is None:
        return []
    dates = published or {}
    signals = signals if signals is not None else fallback_signals(events)
    story = _story_centroid(events, vectors)
    day_centroid = centroids[lead]

    def untimely(e: MergedEvent) -> tuple[bool, bool]:
        return is_announcement(e, dates), not _reported_by(e, dates, day)

    # the brief's day is settled: its entries are ranked without the stated-day weight
    # (nor the next day's reports, which a brief written that day does not have)
    settled = _rank_entries(ranking.entries[lead], day_centroid, vectors, positions, 0.0)
    today = sorted(settled, key=untimely)  # stable: the day's rank within
    choices = today[:HEADLINE_CHOICES]
    headline = min(
        choices,
        key=lambda e: (
            *untimely(e),
            not stands_alone(e.text),
            -len(e.sources),
            -_entry_score(e, day_centroid, vectors[e.id], positions.get(e.id), dated_weight=0.0)
            - STORY_WEIGHT * _cosine(vectors[e.id], story),
        ),
    )
    facts = [e for e in today if e is not headline and not is_announcement(e, dates)]
    first = [headline, *facts[:DAY_DEVELOPMENTS]]
    chosen = {e.id for e in first}
    rest = [e for e in ranking.ordered() if e.id not in chosen]
    last = day or max((e.date.start for e in events), default=None)

    def weaker(e: MergedEvent) -> tuple[bool, bool, bool]:
        stale = is_announcement(e, dates) and last is not None and e.date.start <= last
        return not signals.in_span(e.date), stale, not stands_alone(e.text)

    return first + sorted(rest, key=weaker)  # stable: the rank within each kind


def leading_events(ordered: Sequence[MergedEvent]) -> list[MergedEvent]:
    """The entries a headline may state: the lead of :func:`brief_order`'s result and the
    best entries of the same date (at most :data:`HEADLINE_CHOICES`)."""
    if not ordered:
        return []
    lead = date_key(ordered[0].date)
    return [e for e in ordered if date_key(e.date) == lead][:HEADLINE_CHOICES]

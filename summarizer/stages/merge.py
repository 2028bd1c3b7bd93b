"""Merge events from all sources into one entry per fact.

What an entry promises (:func:`merge`): every quote it cites states the entry's fact,
on a day the entry's date allows; two outlets making the same statement on the same
day are one entry citing both; nothing from another story.

* **Days are hard constraints.** Each event's resolved date gives the days the fact
  can have happened on: an explicit day is that day, a month or range its span, a
  sentence dated only by its article's publication day the ``PUB_WINDOW`` days up to
  it (news reports what happened on the day or just before). An entry's members must
  share at least one day (their intervals intersect), so "harbour closed Monday" and
  "ferries cancelled Tuesday" are never one entry, however alike the wording, and no
  similarity score can outvote that. The entry's date is voted only by dates inside
  those shared days (:func:`merged_date`): a later paper's undated repeat of Tuesday's
  fact joins it without moving it to its own publication day.
* **Every member states the entry's fact (no chaining).** Clusters grow around a
  centre text: two merge only when one text of theirs (either centre, or one of their
  most repeated texts) scores >= ``LINK`` with every distinct text of both. So A ~ B
  and B ~ C does not put A and C in one entry unless all three state one text's fact;
  and texts from different outlets that share nothing (score <= ``FLOOR``) are never
  in one entry, even when a third sentence packs both facts. The entry's text is a
  member every other member matches.
* **An outlet does not contradict itself.** Two clusters that share a source merge only
  through a pair scoring >= ``STRONG`` (``LINK`` for a statement and the quote that
  continues it, "... Peskov said.": one statement), and never when that source's figures
  in one conflict with its figures in the other ("four drones" and "52 drones" in one
  article are two attacks). Near-duplicates (>= ``DUP``) skip the same-source test.

Which texts state the same fact is :mod:`summarizer.stages.similarity`: stemmed terms
weighted by the corpus, names, numbers, attribution; no word lists written for a story.

Cost stays near-linear under heavy coverage (hundreds of outlets repeating one story):

* identical texts (after normalising case, spacing and punctuation) are analysed and
  scored once: every score involving a text is shared by all its copies, and each
  pair of texts is scored at most once;
* events with the same text and the same date are one node; clustering runs over
  nodes, so its size follows the number of distinct (text, date) pairs, which stops
  growing once coverage only repeats what was said;
* candidate pairs of texts come from a capped inverted index
  (:func:`~summarizer.stages.blocking.candidate_pairs`); node pairs are the candidate
  text pairs' nodes whose days overlap, and a candidate pair whose texts share no day is
  not scored (most are not, on a corpus spanning months);
* the no-chaining test compares a bounded number of candidate centres with the
  clusters' distinct texts, and a refused merge of two unchanged clusters is not
  tried again;
* the cyclic garbage collector is paused while merge allocates its records (see
  :func:`~summarizer.beside.collector_paused`).

Ids are ``"e"`` plus a short hash of the evidence spans, stable across runs on the same
input.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from summarizer.beside import collector_paused
from summarizer.models import (
    Event,
    Evidence,
    MergedEvent,
    Precision,
    Quantity,
    ResolvedDate,
    Source,
    SourceExtraction,
)
from summarizer.stages.blocking import Days, Later, Parts, search, when_asked
from summarizer.stages.dateclauses import continues
from summarizer.stages.quantities import comparable, same_figure
from summarizer.stages.similarity import (
    LINK,
    Scores,
    Text,
    normal,
    vectorise,
)
from summarizer.stages.stories import Stories
from summarizer.stages.terms import Tokenised

STRONG = 0.42  # needed to merge clusters that already share a source
AVERAGE = 0.15  # average linkage needed between two clusters to merge
FLOOR = 0.0  # texts of different outlets in one entry score above this
DUP = 0.85  # near-duplicates (same wording) skip the same-source test
PUB_WINDOW = dt.timedelta(days=2)  # a publication-dated fact: these days up to publication
SAMPLE = 8  # distinct texts per cluster looked at for linkage and as centres
REP_CANDIDATES = 4  # members tried as the entry's text before its centre
MAX_CHECK = 256  # distinct texts of two clusters checked against candidate centres
_SHORT_SPAN = 7  # days: intervals up to this long are joined by bisection
_PRECISION_RANK = {Precision.DAY: 3, Precision.RANGE: 2, Precision.MONTH: 1, Precision.YEAR: 0}
_DAY_MIN, _DAY_MAX = dt.date.min, dt.date.max
Sources = Mapping[str, Source]


# --------------------------------------------------------------------------- nodes


@dataclass
class _Node:
    """Events with one text and one date: they always share an entry."""

    idx: int
    text: int
    lo: dt.date  # the days the fact can have happened on
    hi: dt.date
    events: list[tuple[tuple[int, int, int], Event]] = field(default_factory=list)


def _interval(d: ResolvedDate | None) -> tuple[dt.date, dt.date]:
    if d is None:
        return _DAY_MIN, _DAY_MAX
    if d.from_publication:
        return max(d.start - PUB_WINDOW, _DAY_MIN), d.start
    if d.precision is Precision.DAY:
        return d.start, d.start
    return d.start, d.end or _period_end(d)


def _period_end(d: ResolvedDate) -> dt.date:
    if d.precision is Precision.YEAR:
        return dt.date(d.start.year, 12, 31)
    if d.precision is Precision.MONTH:
        nxt = dt.date(d.start.year + d.start.month // 12, d.start.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return d.start


def _overlapping(a: list[_Node], b: list[_Node] | None) -> Iterator[tuple[_Node, _Node]]:
    """Node pairs, one from ``a`` and one from ``b`` (``None``: pairs within ``a``),
    whose day intervals overlap."""
    other = a if b is None else b
    short = sorted((n for n in other if (n.hi - n.lo).days <= _SHORT_SPAN), key=lambda n: n.lo)
    long = [n for n in other if (n.hi - n.lo).days > _SHORT_SPAN]
    starts = [n.lo for n in short]
    for x in a:
        low = bisect.bisect_left(starts, _shift(x.lo, -_SHORT_SPAN))
        high = bisect.bisect_right(starts, x.hi)
        for y in [*short[low:high], *long]:
            if y.hi >= x.lo and y.lo <= x.hi and (b is not None or x.idx < y.idx):
                yield x, y


def _shift(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return _DAY_MIN if days < 0 else _DAY_MAX


def _split(nodes: list[_Node], stories: Stories) -> list[_Node]:
    """Each node split into one node per story its events' articles tell, renumbered."""
    out: list[_Node] = []
    for node in nodes:
        for events in stories.partition(node.events, lambda item: item[1].source_id):
            part = _Node(len(out), node.text, node.lo, node.hi)
            part.events.extend(events)
            out.append(part)
    return out


# --------------------------------------------------------------------------- clusters


class _Clusters:
    """Union-find over nodes; each root keeps its centre text and what the tests need."""

    def __init__(
        self, nodes: list[_Node], scores: Scores, stories: Stories, sources: Mapping[str, Source]
    ) -> None:
        self.scores, self.stories, self.nodes, self.articles = scores, stories, nodes, sources
        self.tellers: list[list[str]] = [
            list(dict.fromkeys(e.source_id for _, e in n.events))[:SAMPLE] for n in nodes
        ]
        self.text_sources: dict[int, set[str]] = defaultdict(set)
        for n in nodes:
            self.text_sources[n.text].update(e.source_id for _, e in n.events)
        self.parent = list(range(len(nodes)))
        self.lo = [n.lo for n in nodes]
        self.hi = [n.hi for n in nodes]
        self.centre = [n.text for n in nodes]
        self.texts: list[dict[int, int]] = [{n.text: len(n.events)} for n in nodes]
        self.size = [len(n.events) for n in nodes]
        self.sources: list[set[str]] = [{e.source_id for _, e in n.events} for n in nodes]
        self.figures: list[dict[str, list[Quantity]]] = [_figures(n) for n in nodes]
        self.refused: dict[tuple[int, int], tuple[int, int]] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def try_merge(self, i: int, j: int, score: float) -> None:
        """Merge the clusters of nodes ``i`` and ``j`` when the entry's promises hold."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return
        if (self.size[ri], -ri) < (self.size[rj], -rj):
            ri, rj = rj, ri  # ri: the larger cluster
        lo, hi = max(self.lo[ri], self.lo[rj]), min(self.hi[ri], self.hi[rj])
        if lo > hi:
            return
        state = (len(self.texts[ri]), len(self.texts[rj]))
        if self.refused.get((ri, rj)) == state:
            return
        centre = self._centre(ri, rj, score, (i, j))
        if centre is None:
            self.refused[(ri, rj)] = state
            return
        self._union(ri, rj, centre, lo, hi)

    def _continues(self, i: int, j: int) -> bool:
        """One node's sentence is the quote continuing the other's statement in one article."""
        near = self.nodes[j].events[:SAMPLE]
        return any(
            x.source_id == y.source_id and x.source_id in self.articles
            and continues(self.articles[x.source_id].text, (x.start, x.end), (y.start, y.end))
            for _, x in self.nodes[i].events[:SAMPLE] for _, y in near
        )  # fmt: skip

    def _centre(self, big: int, small: int, score: float, edge: tuple[int, int]) -> int | None:
        """The merged cluster's centre, or ``None`` when the two may not merge."""
        shared = not self.sources[small].isdisjoint(self.sources[big])
        if shared and score < DUP and self._refused(big, small, score, edge):
            return None
        if not self._linked(big, small) or not self._one_story(big, small):
            return None
        if len(self.texts[big]) + len(self.texts[small]) > MAX_CHECK:
            others = self.texts[small]  # only the larger cluster's centre is tried
            ok = all(self.scores(self.centre[big], t) >= LINK for t in others)
            return self.centre[big] if ok else None
        members = [*self.texts[big], *self.texts[small]]
        candidates = dict.fromkeys(
            [
                self.centre[big],
                self.centre[small],
                *_sample(self.texts[big]),
                *_sample(self.texts[small]),
            ]
        )
        for centre in candidates:
            if all(self.scores(centre, t) >= LINK for t in members):
                return centre
        return None

    def _refused(self, big: int, small: int, score: float, edge: tuple[int, int]) -> bool:
        """Two clusters sharing a source: below ``STRONG`` (unless the edge is a statement
        and its continuing quote), or that source's figures conflict."""
        weak = score < STRONG and not self._continues(*edge)
        return weak or self._self_conflict(big, small)

    def _linked(self, a: int, b: int) -> bool:
        """Every sampled pair of texts across the two clusters from different sources
        scores above ``FLOOR`` and they link on average (>= ``AVERAGE``): two outlets'
        facts that share nothing are not one entry, even when a third sentence packs
        both (one outlet's own sentences may each state part of the fact)."""
        sources = self.text_sources
        sims = [
            self.scores(x, y)
            for x in _sample(self.texts[a])
            for y in _sample(self.texts[b])
            if sources[x].isdisjoint(sources[y])
        ]
        return not sims or (min(sims) > FLOOR and sum(sims) / len(sims) >= AVERAGE)

    def _one_story(self, a: int, b: int) -> bool:
        """The sampled articles of the two clusters tell one story (``Stories.same``)."""
        return all(self.stories.same(x, y) for x in self.tellers[a] for y in self.tellers[b])

    def _self_conflict(self, a: int, b: int) -> bool:
        """A source in both clusters states figures in one that conflict with the other."""
        fa, fb = self.figures[a], self.figures[b]
        for source in self.sources[a] & self.sources[b]:
            pairs = [
                (x, y) for x in fa.get(source, ()) for y in fb.get(source, ()) if comparable(x, y)
            ]
            if pairs and not any(same_figure(x, y) for x, y in pairs):
                return True
        return False

    def _union(self, big: int, small: int, centre: int, lo: dt.date, hi: dt.date) -> None:
        self.parent[small] = big
        self.lo[big], self.hi[big], self.centre[big] = lo, hi, centre
        self.size[big] += self.size[small]
        for t, n in self.texts[small].items():
            self.texts[big][t] = self.texts[big].get(t, 0) + n
        self.sources[big] |= self.sources[small]
        for source, figures in self.figures[small].items():
            self.figures[big].setdefault(source, []).extend(figures)
        self.texts[small], self.sources[small], self.figures[small] = {}, set(), {}
        tellers = self.tellers[big]
        if len(tellers) < SAMPLE:
            extra = [x for x in self.tellers[small] if x not in tellers]
            tellers.extend(extra[: SAMPLE - len(tellers)])
        self.tellers[small] = []


def _figures(node: _Node) -> dict[str, list[Quantity]]:
    out: dict[str, list[Quantity]] = {}
    for _, e in node.events:
        out.setdefault(e.source_id, []).extend(e.quantities)
    return out


def _sample(texts: Mapping[int, int]) -> list[int]:
    """The ``SAMPLE`` most repeated distinct texts of a cluster (ties: first seen)."""
    if len(texts) <= SAMPLE:
        return list(texts)
    return heapq.nsmallest(SAMPLE, texts, key=lambda t: (-texts[t], t))


def _cluster(
    nodes: list[_Node],
    near: Parts,
    scores: Scores,
    stories: Stories,
    sources: Sources,
) -> list[tuple[list[_Node], int]]:
    """Best pairs first: identical texts on overlapping days, then the candidate pairs
    of texts that share a day (``near``: asked for once what needs no pair is made;
    each part scored as it comes: the edges' order is their sort's, not the pairs')."""
    by_text: dict[int, list[_Node]] = defaultdict(list)
    for node in nodes:
        by_text[node.text].append(node)
    edges: list[tuple[float, dt.date, int, int]] = []
    for group in by_text.values():
        if len(group) > 1:
            edges.extend((1.0, x.lo, x.idx, y.idx) for x, y in _overlapping(group, None))
    clusters = _Clusters(nodes, scores, stories, sources)
    for part in near():
        for i, j in part:
            s = scores(i, j)
            if s >= LINK:
                pairs = _overlapping(by_text[i], by_text[j])
                edges.extend((s, x.lo, x.idx, y.idx) for x, y in pairs)
    edges.sort(key=lambda e: (-e[0], e[1], e[2], e[3]))
    for s, _, i, j in edges:
        clusters.try_merge(i, j, s)
    groups: dict[int, list[_Node]] = defaultdict(list)
    for node in nodes:
        groups[clusters.find(node.idx)].append(node)
    return [(groups[root], clusters.centre[root]) for root in sorted(groups)]


# --------------------------------------------------------------------------- entries


def _clarity(text: str) -> float:
    words = len(text.split())
    score = 0.0
    if 12 <= words <= 40:
        score += 0.2
    elif words < 8 or words > 60:
        score -= 0.2
    stripped = text.strip()
    if stripped[-1:] in {".", "!"}:
        score += 0.1
    if stripped[:1] in {"“", '"', "'", "‘"}:
        score -= 0.2  # starts with a quotation: less clear out of context
    if stripped[:1].islower():
        score -= 0.1
    return score


def _representative(group: list[_Node], centre: int, texts: list[Text], scores: Scores) -> int:
    """The entry's text: of the members every other member matches (>= ``LINK``; the
    centre does), the most central (mean cosine to the others), complete and of medium
    length; only the ``REP_CANDIDATES`` best are tried before the centre."""
    counts: Counter[int] = Counter()
    salience: dict[int, float] = {}
    for node in group:
        counts[node.text] += len(node.events)
        best = max(e.salience for _, e in node.events)
        salience[node.text] = max(salience.get(node.text, best), best)
    if len(counts) == 1:
        return next(iter(counts))
    centroid: dict[str, float] = defaultdict(float)
    for t, n in counts.items():
        for term, v in texts[t].vec.items():
            centroid[term] += n * v

    def rank(t: int) -> tuple[float, int]:
        vec = texts[t].vec
        central = sum(v * centroid[term] for term, v in vec.items()) / sum(counts.values())
        return (-(central + _clarity(texts[t].text) + 0.1 * salience[t]), t)

    for t in sorted(counts, key=rank)[:REP_CANDIDATES]:
        if t == centre or all(scores(t, other) >= LINK for other in counts):
            return t
    return centre


def _date_key(d: ResolvedDate) -> tuple[str, str | None, str]:
    return (d.iso(), d.iso_end(), d.precision.value)


def merged_date(
    events: Sequence[Event],
    fallback: dt.date | None,
    within: tuple[dt.date, dt.date] | None = None,
) -> ResolvedDate:
    """The date most evidence gives; ties: more precise, then explicit, then earliest.

    Each dated piece of evidence votes once for its date. A tie between an explicit
    month and a publication day goes to the day: a sentence's month expression often
    belongs to another clause ("... struck a plant, after Russia pounded Ukraine
    last month"). ``within``: the days every member allows (an entry's members share
    them); a date outside them does not vote, so a later outlet's publication day
    never outvotes the day the fact is dated to. Without any dated evidence: the
    earliest publication date of its sources, else the corpus's most common one
    (marked ``from_publication`` and ``assumed``: the reader is told the date is
    borrowed from the other outlets).
    """
    return _vote([(e.date, 1) for e in events if e.date is not None], fallback, within)


def _vote(
    dated: Iterable[tuple[ResolvedDate, int]],
    fallback: dt.date | None,
    within: tuple[dt.date, dt.date] | None,
) -> ResolvedDate:
    votes: Counter[tuple[str, str | None, str]] = Counter()
    best: dict[tuple[str, str | None, str], ResolvedDate] = {}
    for date, n in dated:
        if within is not None and not _allows(date, within):
            continue
        key = _date_key(date)
        votes[key] += n
        current = best.get(key)
        if current is None or (current.from_publication and not date.from_publication):
            best[key] = date
    if not votes:
        day = fallback or dt.date(1970, 1, 1)
        return ResolvedDate(start=day, precision=Precision.DAY, from_publication=True, assumed=True)
    key = min(
        votes,
        key=lambda k: (
            -votes[k],
            -_PRECISION_RANK[best[k].precision],
            best[k].from_publication,
            best[k].start,
            k,
        ),
    )
    return best[key]


def _allows(date: ResolvedDate, days: tuple[dt.date, dt.date]) -> bool:
    """``date`` (a publication date: that day itself) falls in ``days``."""
    lo, hi = (date.start, date.start) if date.from_publication else _interval(date)
    return lo <= days[1] and days[0] <= hi


def _event_id(evidence: Sequence[Evidence]) -> str:
    key = "|".join(f"{e.source}:{e.start}:{e.end}" for e in evidence)
    return "e" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def _build(
    group: list[_Node],
    rep: int,
    sources: Mapping[str, Source],
    default_day: dt.date | None,
) -> MergedEvent:
    members = sorted((item for node in group for item in node.events), key=lambda it: it[0])
    events = [e for _, e in members]
    text = next(e.text for node in group if node.text == rep for _, e in node.events)
    evidence = tuple(
        Evidence.trusted(
            source=e.source_id,
            quote=e.quote,
            start=e.start,
            end=e.end,
            alignment=e.alignment,
            date_expression=(
                e.date.expression if e.date is not None and e.date.expression else None
            )
            or e.temporal_expression,
            sentence_place=e.sentence_place,
        )
        for e in sorted(events, key=lambda e: (e.source_id, e.start, e.end))
    )
    source_ids = tuple(sorted({e.source_id for e in events}))
    quantities: dict[str, tuple[Quantity, ...]] = {}
    for e in sorted(events, key=lambda e: (e.source_id, e.start)):
        if e.quantities:
            quantities[e.source_id] = quantities.get(e.source_id, ()) + e.quantities
    published = [sources[s].published for s in source_ids if s in sources]
    fallback = min((p for p in published if p is not None), default=default_day)
    within = (max(n.lo for n in group), min(n.hi for n in group))
    dated = [(node.events[0][1].date, len(node.events)) for node in group]
    date = _vote([(d, n) for d, n in dated if d is not None], fallback, within)
    salience = max(min(e.salience, 1.0) for e in events)
    return MergedEvent.trusted(
        id=_event_id(evidence),
        date=date,
        text=text,
        sources=source_ids,
        evidence=evidence,
        quantities=quantities,
        importance=round(len(source_ids) + 0.5 * max(salience, 0.0), 4),
    )


def _default_day(sources: Mapping[str, Source]) -> dt.date | None:
    """The most common publication date of the corpus (ties: the latest), for undated facts."""
    days = Counter(s.published for s in sources.values() if s.published is not None)
    if not days:
        return None
    return max(days, key=lambda d: (days[d], d))


def _stories(texts: Sequence[Text], nodes: Iterable[_Node]) -> Stories:
    """The names each article gives (those of its texts)."""
    names: dict[str, set[str]] = defaultdict(set)
    for node in nodes:
        found = texts[node.text].names
        if found:
            for _, e in node.events:
                names[e.source_id].update(found)
    return Stories(names)


def _days(texts: int, nodes: Iterable[_Node]) -> Days:
    """Each text's days: the first and the last of its nodes'."""
    days = [(_DAY_MAX, _DAY_MIN)] * texts
    for node in nodes:
        lo, hi = days[node.text]
        days[node.text] = (min(lo, node.lo), max(hi, node.hi))
    return days


def _texts_and_nodes(
    extractions: Sequence[SourceExtraction], known: Tokenised | None, later: Later
) -> tuple[list[Text], list[_Node], Stories, Parts]:
    """Distinct texts (with their vectors), (text, date, story) nodes in source order,
    which articles tell one story, and the candidate pairs of texts that share a day
    (searched for through ``later`` once the texts have their vectors)."""
    text_ids: dict[str, int] = {}
    seen: dict[str, int] = {}  # exact texts already normalised
    texts: list[Text] = []
    copies: list[int] = []
    articles: list[set[str]] = []
    nodes: dict[tuple[int, tuple[object, ...] | None], _Node] = {}
    ordered = sorted(extractions, key=lambda x: x.source_id)
    for rank, ext in enumerate(ordered):
        for pos, event in enumerate(ext.events):
            t = seen.get(event.text)
            if t is None:
                key = normal(event.text)
                t = text_ids.get(key)
                if t is None:
                    t = text_ids[key] = len(texts)
                    texts.append(Text(t, event.text, event.quantities))
                    copies.append(0)
                    articles.append(set())
                seen[event.text] = t
            copies[t] += 1
            articles[t].add(event.source_id)
            d = event.date
            date_key = None if d is None else (d.start, d.end, d.precision, d.from_publication)
            node = nodes.get((t, date_key))
            if node is None:
                lo, hi = _interval(d)
                node = nodes[(t, date_key)] = _Node(len(nodes), t, lo, hi)
            node.events.append(((rank, event.start, pos), event))
    start, near = search(later, _days(len(texts), nodes.values()))
    vectorise(texts, copies, articles, known, start)
    stories = _stories(texts, nodes.values())
    return texts, _split(list(nodes.values()), stories), stories, near


def merge(
    extractions: Sequence[SourceExtraction],
    sources: Mapping[str, Source],
    known: Tokenised | None = None,
    later: Later = when_asked,
) -> tuple[MergedEvent, ...]:
    """One :class:`MergedEvent` per fact, citing every source whose quote states it;
    ``known``: statements already tokenised (the same entries, sooner); ``later``: how
    the candidate pairs are searched for (:data:`~summarizer.stages.blocking.Later`)."""
    with collector_paused():
        texts, nodes, stories, near = _texts_and_nodes(extractions, known, later)
        scores, default_day = Scores(texts), _default_day(sources)
        merged = [
            _build(group, _representative(group, centre, texts, scores), sources, default_day)
            for group, centre in _cluster(nodes, near, scores, stories, sources)
        ]
        merged.sort(key=lambda m: (m.date.start, -m.importance, m.id))
    return tuple(merged)

"""Merge events from all sources into one entry per fact.

Clustering (:func:`merge`):

* each event becomes a TF-IDF vector over its content words (lower-cased, lightly
  stemmed, demonyms mapped to countries: "Ukrainian" -> "ukraine"); capitalised names
  ("Izhevsk", "Kupol") count three times;
* similarity = the mean of the cosine and the weighted overlap coefficient of the
  vectors (or of the best pair of clauses, so a lead sentence packing two facts can
  match each); plus 0.15 when both state the same distinctive figure ("5,438", not
  "1,000"; or one distance in miles, the other in km); minus 0.1 when they give
  only conflicting figures of one kind (not casualty tolls); minus 0.3 when both
  are dated only by publication, days apart; minus 1 (never merge) when their
  explicit dates cannot overlap. Months, weekdays, news agencies and attribution
  words are not content;
* candidate pairs come from an inverted index over each event's heaviest terms,
  with capped posting lists and a fixed number of best partners per event, so the
  number of comparisons grows linearly with the number of events (n log n with the
  sorting), not n^2;
* pairs are merged best first (union-find) when similarity >= ``LINK`` and the two
  clusters link on average (no chaining through one loose pair). Two clusters that
  already share a source (one outlet reporting a fact twice, in its lead and again
  in the body) merge only through a pair scoring >= ``STRONG`` or when members from
  two sources link, and never when that source's figures in the one conflict with
  its figures in the other (an outlet does not contradict itself). Near-duplicates
  (>= ``DUP``) always merge.

The representative text is the clearest member: the most central one, preferring
complete sentences of medium length. The merged date is the one most evidence gives
(ties: the more precise, then an explicit expression over a publication date, then
the earliest). Ids are ``"e"`` plus a short hash of the evidence spans, stable
across runs on the same input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

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
from summarizer.stages.quantities import comparable, same_figure

LINK = 0.30  # similarity needed to link events from different sources
STRONG = 0.42  # needed to merge clusters that already share a source
AVERAGE = 0.15  # average linkage needed between two clusters to merge
DUP = 0.85  # near-duplicates (same wording) always merge
NUMBER_BONUS = 0.15
FIGURE_PENALTY = 0.1
DATE_PENALTY = 0.3
CLAUSE_DISCOUNT = 0.05
MAX_LINKAGE = 8  # members of each cluster looked at when checking linkage
MAX_POSTING = 32  # cap on candidates taken from one term's posting list
BLOCK_TERMS = 12  # distinctive terms per event used for blocking
CANDIDATES = 16  # best partners per event kept for exact comparison

_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        """
        a about above after again against all also am an and any are as at be because been
        before being below between both but by can could did do does doing down during each
        few for from further had has have having he her here hers him his how i if in into
        is it its itself just me more most my no nor not now of off on once only or other
        our out over own same she should so some such than that the their them then there
        these they this those through to too under until up very was we were what when where
        which while who whom why will with would you your said says say told according added
        while whose since last next new one two three four five six seven eight nine ten
        monday tuesday wednesday thursday friday saturday sunday year years month months
        january february march april may june july august september october november december
        today yesterday tomorrow overnight morning afternoon evening night late early
        week weeks day days time mr ms mrs associated press reuters afp bbc cnn tass
        interfax ria novosti xinhua bloomberg telegram anonymity condition collated data
        official officials
        """,
    )
)
_DEMONYMS = {
    "ukrainian": "ukraine",
    "ukrainians": "ukraine",
    "russian": "russia",
    "russians": "russia",
    "american": "us",
    "americans": "us",
}
_SYNONYMS = {
    "struck": "hit",
    "strike": "hit",
    "strik": "hit",
    "hits": "hit",
    "attack": "hit",
    "fired": "launch",
    "fir": "launch",
    "defence": "defense",
    "kilometre": "kilometer",
    "kilometres": "kilometer",
    "kilometers": "kilometer",
    "shot": "down",
    "downed": "down",
    "factory": "plant",
    "facility": "plant",
    "hospitalis": "injur",
    "hospitaliz": "injur",
    "wound": "injur",
}
_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|\d[\d,.]*\d|\d")
_CASUALTY_KINDS = frozenset({"killed", "injured", "casualties"})
_PRECISION_RANK = {Precision.DAY: 3, Precision.RANGE: 2, Precision.MONTH: 1, Precision.YEAR: 0}


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    w = re.sub(r"'s$", "", w).strip("'.-")
    if w in _DEMONYMS:
        return _DEMONYMS[w]
    for suffix, min_len in (("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if w.endswith(suffix) and len(w) >= min_len and not w.endswith("ss"):
            w = w[: -len(suffix)]
            break
    return _SYNONYMS.get(w, w)


def terms(text: str) -> Counter[str]:
    """Content terms of a text; capitalised names (not sentence-initial) count double."""
    counts: Counter[str] = Counter()
    for i, m in enumerate(_TOKEN_RE.finditer(text)):
        token = m.group(0)
        if token[0].isdigit():
            counts["#" + token.replace(",", "")] += 1
            continue
        low = token.lower()
        if low in _STOPWORDS or len(low) < 3:
            continue
        stem = _stem(token)
        if not stem or stem in _STOPWORDS:
            continue
        counts[stem] += 3 if token[0].isupper() and i > 0 else 1
    return counts


@dataclass
class _Item:
    """One event with its precomputed vector."""

    idx: int
    event: Event
    order: tuple[int, int, int]  # (source rank, start, position) for determinism
    vec: dict[str, float] = field(default_factory=dict)
    clauses: list[dict[str, float]] = field(default_factory=list)
    total: float = 0.0  # sum of vec's weights
    span: tuple[dt.date, dt.date] | None = None  # the event date's period, with slack
    clause_totals: list[float] = field(default_factory=list)


_CLAUSE_RE = re.compile(
    r",\s+(?=(?:after|while|as|but|and|according|which|who|killing|injuring|leaving|"
    r"targeting|starting|in\s+a)\b)|;|\s[\u2013\u2014-]\s|:\s"
)
MIN_CLAUSE_TERMS = 3
MAX_CLAUSES = 4


def clauses(text: str) -> list[Counter[str]]:
    """Terms of the clauses of a sentence worth comparing on their own (3+ words)."""
    parts = [p for p in _CLAUSE_RE.split(text) if p and p.strip()]
    if len(parts) < 2:
        return []
    counted = [terms(p) for p in parts]
    keep = [c for c in counted if sum(1 for t in c if not t.startswith("#")) >= MIN_CLAUSE_TERMS]
    return keep[:MAX_CLAUSES]


def _unit(c: Counter[str], idf: Mapping[str, float]) -> dict[str, float]:
    vec = {t: (1.0 + math.log(tf)) * idf.get(t, 1.0) for t, tf in c.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def _vectors(items: list[_Item], counts: list[Counter[str]]) -> dict[str, float]:
    """Fill each item's unit TF-IDF vectors (sentence and clauses); return the idf."""
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = max(len(items), 1)
    idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}
    for item, c in zip(items, counts, strict=True):
        item.vec = _unit(c, idf)
        item.clauses = [_unit(cl, idf) for cl in clauses(item.event.text)]
        item.total = sum(item.vec.values())
        item.span = _span_of(item.event.date) if item.event.date is not None else None
        item.clause_totals = [sum(v.values()) for v in item.clauses]
    return idf


def _distinctive(q: Quantity) -> bool:
    """An exact figure that is not a round hundred or thousand ("5,438", "52", "three")."""
    if q.approximate or q.low is not None or q.high is not None:
        return False
    digits = re.sub(r"\D", "", q.raw.split(".")[0])
    return not digits or int(digits) < 100 or int(digits) % 100 != 0


def _converted(x: Quantity, y: Quantity) -> bool:
    """A distance given in miles by one and kilometres by the other."""
    return x.kind == "distance" and ("mile" in x.raw.lower()) != ("mile" in y.raw.lower())


def _shares_figure(a: Sequence[Quantity], b: Sequence[Quantity]) -> bool:
    return any(
        (_distinctive(x) or _converted(x, y)) and comparable(x, y) and same_figure(x, y)
        for x in a
        for y in b
    )


def _lexical_parts(
    a: dict[str, float], b: dict[str, float], total_a: float, total_b: float
) -> tuple[float, float]:
    """Cosine and weighted overlap coefficient in one pass."""
    if len(a) > len(b):
        a, b = b, a
    dot = shared = 0.0
    for t, v in a.items():
        w = b.get(t)
        if w is not None:
            dot += v * w
            shared += v if v < w else w
    if not shared:
        return 0.0, 0.0
    return dot, shared / (min(total_a, total_b) or 1.0)


def _conflicting_figures(a: Sequence[Quantity], b: Sequence[Quantity]) -> bool:
    """Both state figures of one kind (not casualties) and none of them agree.

    A different distance from the same place is a different place; 472 drones on a
    Sunday and 5,438 drones in June are two facts. Casualty counts are left out:
    different tolls for one attack are what disagreements are made of.
    """
    pairs = [(x, y) for x in a for y in b if x.kind not in _CASUALTY_KINDS and comparable(x, y)]
    return bool(pairs) and not any(same_figure(x, y) for x, y in pairs)


def _span_of(d: ResolvedDate) -> tuple[dt.date, dt.date]:
    if d.precision is Precision.DAY:
        slack = dt.timedelta(days=2 if d.from_publication else 1)
        return d.start - slack, d.start + slack
    return d.start, d.end or _period_end(d)


def _period_end(d: ResolvedDate) -> dt.date:
    if d.precision is Precision.YEAR:
        return dt.date(d.start.year, 12, 31)
    if d.precision is Precision.MONTH:
        nxt = dt.date(d.start.year + d.start.month // 12, d.start.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return d.start


def _lexical(
    a: dict[str, float],
    b: dict[str, float],
    total_a: float | None = None,
    total_b: float | None = None,
) -> float:
    """Mean of cosine and weighted overlap (totals: precomputed sums of weights)."""
    cos, overlap = _lexical_parts(
        a,
        b,
        sum(a.values()) if total_a is None else total_a,
        sum(b.values()) if total_b is None else total_b,
    )
    return 0.5 * (cos + overlap)


def _clause_score(a: _Item, b: _Item) -> float:
    """Best clause-to-clause (or clause-to-sentence) match, less ``CLAUSE_DISCOUNT``."""
    if not a.clauses and not b.clauses:
        return 0.0
    left = list(zip(a.clauses, a.clause_totals, strict=True)) or [(a.vec, a.total)]
    right = list(zip(b.clauses, b.clause_totals, strict=True)) or [(b.vec, b.total)]
    best = max(_lexical(x, y, tx, ty) for x, tx in left for y, ty in right)
    return best - CLAUSE_DISCOUNT


def _score(a: _Item, b: _Item, cache: dict[tuple[int, int], float] | None = None) -> float:
    """Similarity of two items: the mean of the TF-IDF cosine and the weighted overlap
    coefficient of their vectors (or, below ``LINK``, of their best pair of clauses,
    less ``CLAUSE_DISCOUNT``, so a long lead sentence that packs two facts can match
    each), plus :func:`_adjustment`; memoised in ``cache``."""
    key = (a.idx, b.idx) if a.idx < b.idx else (b.idx, a.idx)
    if cache is not None and key in cache:
        return cache[key]
    lexical = _lexical(a.vec, b.vec, a.total, b.total)
    if 0.0 < lexical < LINK:
        lexical = max(lexical, _clause_score(a, b))
    score = lexical + _adjustment(a.event, b.event, a.span, b.span)
    if cache is not None:
        cache[key] = score
    return score


def _adjustment(
    a: Event,
    b: Event,
    span_a: tuple[dt.date, dt.date] | None = None,
    span_b: tuple[dt.date, dt.date] | None = None,
) -> float:
    """Plus ``NUMBER_BONUS`` for a shared figure; minus ``FIGURE_PENALTY`` for only
    conflicting figures of one kind other than casualties; minus ``DATE_PENALTY``
    when both are dated only by publication, days apart (an explicit date against a
    publication date is no evidence: the expression may belong to another clause);
    minus 1 when their explicit dates cannot overlap. ``span_*``: precomputed
    :func:`_span_of` of the dates.
    """
    score = 0.0
    if a.quantities and b.quantities:
        if _shares_figure(a.quantities, b.quantities):
            score += NUMBER_BONUS
        elif _conflicting_figures(a.quantities, b.quantities):
            score -= FIGURE_PENALTY
    if a.date is None or b.date is None:
        return score
    a0, a1 = span_a or _span_of(a.date)
    b0, b1 = span_b or _span_of(b.date)
    if a0 <= b1 and b0 <= a1:
        return score
    if not a.date.from_publication and not b.date.from_publication:
        score -= 1.0  # explicit dates that cannot overlap: different events
    elif a.date.from_publication and b.date.from_publication:
        score -= DATE_PENALTY  # published days apart, neither says when
    return score


def _candidate_pairs(items: list[_Item], idf: Mapping[str, float]) -> set[tuple[int, int]]:
    """Pairs sharing distinctive terms, through a capped inverted index.

    Each event looks up the posting lists of its ``BLOCK_TERMS`` heaviest terms (the
    last ``MAX_POSTING`` entries of each), accumulates the partial dot product over
    those terms, and keeps its ``CANDIDATES`` best partners: at most a constant
    number of exact comparisons per event.
    """
    postings: dict[str, list[int]] = defaultdict(list)
    pairs: set[tuple[int, int]] = set()
    for item in items:
        top = sorted(item.vec, key=lambda t: (-item.vec[t], t))[:BLOCK_TERMS]
        partial: dict[int, float] = defaultdict(float)
        for t in top:
            plist = postings[t]
            weight = item.vec[t]
            for other in plist[-MAX_POSTING:]:
                partial[other] += weight * items[other].vec.get(t, 0.0)
            plist.append(item.idx)
        best = heapq.nlargest(CANDIDATES, partial.items(), key=lambda kv: (kv[1], -kv[0]))
        pairs.update((other, item.idx) for other, _ in best)
    return pairs


@dataclass(frozen=True)
class _Linkage:
    best_mean: float  # mean over the smaller cluster's members of their best score
    mean: float  # average linkage
    linked_sources: int  # sources of the smaller cluster with a member scoring >= LINK


def _linkage(
    uf: _Clusters, items: list[_Item], ri: int, rj: int, cache: dict[tuple[int, int], float]
) -> _Linkage:
    a, b = sorted((uf.members[ri], uf.members[rj]), key=len)
    a, b = a[:MAX_LINKAGE], b[:MAX_LINKAGE]  # bounded cost for very large clusters
    sims = [[_score(items[x], items[y], cache) for y in b] for x in a]
    best = [max(row) for row in sims]
    linked = {items[x].event.source_id for x, top in zip(a, best, strict=True) if top >= LINK}
    return _Linkage(
        best_mean=sum(best) / len(a),
        mean=sum(sum(row) for row in sims) / (len(a) * len(b)),
        linked_sources=len(linked),
    )


def _may_merge(
    uf: _Clusters,
    items: list[_Item],
    pair: tuple[int, int],
    score: float,
    cache: dict[tuple[int, int], float],
) -> bool:
    """Whether ``pair`` (i, j), scoring ``score``, may merge their two clusters.

    Near-duplicates always merge. Otherwise the pair must come from two sources, the
    smaller cluster's members must link to the other cluster on average (mean best
    score >= ``LINK``, average linkage >= ``AVERAGE``: no chaining through one loose
    pair), and when the clusters already share a source (one outlet reporting a fact
    twice), either this pair scores >= ``STRONG`` or members from two different
    sources of the smaller cluster link to the larger one.
    """
    i, j = pair
    if score >= DUP:
        return True
    if items[i].event.source_id == items[j].event.source_id:
        return False
    ri, rj = uf.find(i), uf.find(j)
    if len(uf.members[ri]) * len(uf.members[rj]) == 1:
        return True
    link = _linkage(uf, items, ri, rj, cache)
    if link.best_mean < LINK or link.mean < AVERAGE:
        return False
    shared = uf.sources[ri] & uf.sources[rj]
    if not shared:
        return True
    if _self_conflict(uf.figures[ri], uf.figures[rj], shared):
        return False
    return score >= STRONG or link.linked_sources >= 2


def _self_conflict(
    a: Mapping[str, list[Quantity]], b: Mapping[str, list[Quantity]], shared: set[str]
) -> bool:
    """A source in both clusters states figures in one that conflict with the other.

    An outlet does not contradict itself: "four drones" and "52 drones" in one
    article are two attacks, not one.
    """
    for source in shared:
        qa, qb = a.get(source, []), b.get(source, [])
        pairs = [(x, y) for x in qa for y in qb if comparable(x, y)]
        if pairs and not any(same_figure(x, y) for x, y in pairs):
            return True
    return False


class _Clusters:
    """Union-find over events, tracking each cluster's sources."""

    def __init__(self, items: list[_Item]) -> None:
        self.parent = list(range(len(items)))
        self.sources: list[set[str]] = [{it.event.source_id} for it in items]
        self.members: list[list[int]] = [[it.idx] for it in items]
        # each cluster's figures by source, for the self-contradiction check
        self.figures: list[dict[str, list[Quantity]]] = [
            {it.event.source_id: list(it.event.quantities)} for it in items
        ]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if (len(self.members[ra]), -ra) < (len(self.members[rb]), -rb):
            ra, rb = rb, ra  # union by size: the larger cluster's root stays
        self.parent[rb] = ra
        self.sources[ra] |= self.sources[rb]
        self.members[ra] += self.members[rb]
        self.members[rb] = []
        for source, figures in self.figures[rb].items():
            self.figures[ra].setdefault(source, []).extend(figures)
        self.figures[rb] = {}


def _cluster(items: list[_Item], pairs: Iterable[tuple[int, int]]) -> list[list[_Item]]:
    cache: dict[tuple[int, int], float] = {}
    scored: list[tuple[float, int, int]] = []
    for i, j in pairs:
        s = _score(items[i], items[j], cache)
        if s >= LINK:
            scored.append((s, i, j))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    uf = _Clusters(items)
    for s, i, j in scored:
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            continue
        if _may_merge(uf, items, (i, j), s, cache):
            uf.union(i, j)
    groups: dict[int, list[_Item]] = defaultdict(list)
    for it in items:
        groups[uf.find(it.idx)].append(it)
    return [sorted(g, key=lambda it: it.order) for g in groups.values()]


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


def _representative(group: list[_Item]) -> _Item:
    """The clearest member: central (mean cosine to the others), complete, medium length."""
    if len(group) == 1:
        return group[0]
    centroid: dict[str, float] = defaultdict(float)
    for it in group:
        for t, v in it.vec.items():
            centroid[t] += v
    others = len(group) - 1

    def score(it: _Item) -> tuple[float, tuple[int, int, int]]:
        # sum of cosines to the other members = dot(it, centroid) - dot(it, it)
        self_dot = sum(v * v for v in it.vec.values())
        central = (sum(v * centroid[t] for t, v in it.vec.items()) - self_dot) / others
        return (-(central + _clarity(it.event.text) + 0.1 * it.event.salience), it.order)

    return min(group, key=score)


def _date_key(d: ResolvedDate) -> tuple[str, str | None, str]:
    return (d.iso(), d.iso_end(), d.precision.value)


def merged_date(events: Sequence[Event], fallback: dt.date | None) -> ResolvedDate:
    """The date most evidence gives; ties: more precise, then explicit, then earliest.

    Each dated piece of evidence votes once for its date. A tie between an explicit
    month and a publication day goes to the day: a sentence's month expression often
    belongs to another clause ("... struck a plant, after Russia pounded Ukraine
    last month"). Without any dated evidence: the earliest publication date of its
    sources, else the corpus's most common one (marked ``from_publication`` and
    ``assumed``: the reader is told the date is borrowed from the other outlets).
    """
    votes: Counter[tuple[str, str | None, str]] = Counter()
    best: dict[tuple[str, str | None, str], ResolvedDate] = {}
    for e in events:
        if e.date is None:
            continue
        key = _date_key(e.date)
        votes[key] += 1
        current = best.get(key)
        if current is None or (current.from_publication and not e.date.from_publication):
            best[key] = e.date
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


def _event_id(evidence: Sequence[Evidence]) -> str:
    key = "|".join(f"{e.source}:{e.start}:{e.end}" for e in evidence)
    return "e" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def _build(
    group: list[_Item], sources: Mapping[str, Source], default_day: dt.date | None
) -> MergedEvent:
    rep = _representative(group)
    events = [it.event for it in group]
    evidence = tuple(
        Evidence(
            source=e.source_id,
            quote=e.quote,
            start=e.start,
            end=e.end,
            alignment=e.alignment,
            date_expression=(
                e.date.expression if e.date is not None and e.date.expression else None
            )
            or e.temporal_expression,
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
    salience = max(min(e.salience, 1.0) for e in events)
    return MergedEvent(
        id=_event_id(evidence),
        date=merged_date(events, fallback),
        text=rep.event.text,
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


def merge(
    extractions: Sequence[SourceExtraction], sources: Mapping[str, Source]
) -> tuple[MergedEvent, ...]:
    """One :class:`MergedEvent` per fact, citing every source that reports it."""
    ranks = {
        ext.source_id: i for i, ext in enumerate(sorted(extractions, key=lambda x: x.source_id))
    }
    items: list[_Item] = []
    counts: list[Counter[str]] = []
    for ext in sorted(extractions, key=lambda x: x.source_id):
        for pos, event in enumerate(ext.events):
            items.append(_Item(len(items), event, (ranks[ext.source_id], event.start, pos)))
            counts.append(terms(event.text))
    idf = _vectors(items, counts)
    groups = _cluster(items, _candidate_pairs(items, idf))
    merged = [_build(g, sources, _default_day(sources)) for g in groups]
    merged.sort(key=lambda m: (m.date.start, -m.importance, m.id))
    return tuple(merged)

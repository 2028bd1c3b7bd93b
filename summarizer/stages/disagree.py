"""Disagreements: figures that sources give for the same fact and that do not agree.

Inside each merged event, the figures every source states are grouped by topic: the
quantity kind ("killed", "injured", "drones", "money", ...), and for distances and
generic counts also the subject ("distance from ukraine", "households"). Only topics
that at least two sources state are compared ("only compare what both state").

Figures that agree (:func:`summarizer.stages.quantities.same_figure`, after unit
reconciliation) are linked; when the linked groups of a topic are more than one, the
sources disagree and a :class:`Disagreement` lists every side's claim with its quote.
When a topic's figures all link but were written differently (800 miles and roughly
1,300 km; "dozens" and 35), an :class:`Agreement` records why they agree.

Figures reported at different times are ordered first (:func:`compare`, with each
source's publication date): when one group of a topic's figures is newer than all the
others (a later day's article, or revision language such as "has risen to"), the
topic is a :class:`~summarizer.models.Revision`, old -> new, not a disagreement; and a
follow-up entry's revising figure ("the death toll from Monday's blast has risen to
four") revises the earlier entry it is about (:mod:`summarizer.stages.revisions`).

Deaths are the one figure whose absence is news: when some sources of an event report
people killed and another source reports the same event's injuries but mentions no
deaths anywhere in its text, that silence is listed as a side of the "killed"
disagreement, worded as what it is: the source does not mention deaths ("deaths not
mentioned", quoting its casualty sentence), which is not the same as reporting none.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from summarizer.models import (
    Agreement,
    Claim,
    Disagreement,
    Evidence,
    MergedEvent,
    Quantity,
    Revision,
)
from summarizer.stages import revisions, units
from summarizer.stages.figure_match import with_acronyms
from summarizer.stages.quantities import (
    comparable_components,
    describe,
    has_subject,
    interval,
    kilometres,
    mid_sentence,
)

_NO_DATES: Mapping[str, dt.date | None] = MappingProxyType({})

_COMPARED = frozenset(
    {"killed", "injured", "casualties", "distance", "money", "count", "percent", *units.KINDS}
)


def topic_of(q: Quantity) -> str | None:
    """The topic a figure is compared under (readable), or None when it is not compared:
    "killed", "people stranded", "households without power", "distance from ukraine",
    "money (EUR)"."""
    if q.kind not in _COMPARED or not has_subject(q):
        return None
    if q.kind == "distance":
        noun = q.noun or q.subject or ""
        along = noun.startswith(("along ", "around ", "across ", "through "))
        return f"distance {noun}" if along else f"distance from {noun}"
    if q.kind == "count":
        return q.noun or q.subject
    if q.kind in units.KINDS:  # "area", "speed of winds"
        change = {"up": " (rise)", "down": " (fall)"}.get(q.predicate or "", "")
        return (f"{q.kind} of {q.noun}" if q.noun else q.kind) + change
    if q.kind == "money":
        return f"{q.noun or q.subject} ({q.unit})"
    if q.kind == "percent":
        change = {"up": "rise in ", "down": "fall in "}.get(q.predicate or "", "")
        return f"{change}{q.noun or q.subject} (%)"
    return q.kind  # a toll: "killed"; "peacekeepers killed" when an entry has two


def claim_for(
    event: MergedEvent,
    source: str,
    q: Quantity,
    published: dt.date | None = None,
    quotes: revisions.Quotes | None = None,
) -> Claim | None:
    """A source's figure as a claim, quoting the sentence holding it (``quotes``: as figure's)."""
    ev = revisions.evidence_for(event, source, q, quotes)
    if ev is None:
        return None
    return Claim(
        source=source,
        value=describe(q),
        quote=ev.quote,
        start=ev.start,
        end=ev.end,
        normalized=round(q.value, 3),
        unit=q.unit,
        published=published,
    )


_T = TypeVar("_T")


def _components(figures: list[tuple[str, Quantity]]) -> list[list[int]]:
    """Groups of figures linked by :func:`same_figure` (indices into ``figures``).

    Inside one topic (one kind and unit) two figures agree exactly when their
    :func:`~summarizer.stages.quantities.interval` ranges overlap, so the linked groups are
    found by a sweep over the ranges sorted by their low end: n log n, not n^2.
    """
    order = sorted(range(len(figures)), key=lambda i: (interval(figures[i][1]), i))
    return sorted(sorted(g) for g in _overlapping(order, lambda i: interval(figures[i][1])))


def _overlapping(items: Sequence[_T], span: Callable[[_T], tuple[float, float]]) -> list[list[_T]]:
    """Runs of ``items`` (sorted by the low end of their ``span``) whose spans overlap."""
    groups: list[list[_T]] = []
    reach = float("-inf")
    for item in items:
        low, high = span(item)
        if groups and low <= reach + 1e-9:
            groups[-1].append(item)
            reach = max(reach, high)
        else:
            groups.append([item])
            reach = high
    return groups


def _topics(event: MergedEvent) -> dict[str, list[tuple[str, Quantity]]]:
    """The event's figures grouped by what they are about: same kind and unit, and
    :func:`~summarizer.stages.quantities.comparable` (strict: the same counted thing in
    the same state, the same distance reference) linking them; named by the first."""
    buckets: dict[tuple[str, str | None], list[tuple[str, Quantity]]] = defaultdict(list)
    for source in sorted(event.quantities):
        seen: set[str] = set()
        for q in event.quantities[source]:
            key = f"{q.raw.lower()}|{q.kind}"
            if topic_of(q) is None or key in seen:
                continue
            seen.add(key)
            buckets[(q.kind, q.unit)].append((source, q))
    topics: dict[str, list[tuple[str, Quantity]]] = {}
    for _, figures in sorted(buckets.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        for group in _same_things(figures):
            name = topic_of(group[0][1]) or group[0][1].kind
            noun = next((q.noun for _, q in group if q.noun), None)
            if name in topics and noun and q_kind(group) in _TOLLS:
                name = f"{noun} {name}"
            while name in topics:
                name += " (other)"
            topics[name] = group
    return topics


def q_kind(group: list[tuple[str, Quantity]]) -> str:
    return group[0][1].kind


_TOLLS = frozenset({"killed", "injured", "casualties"})


def _same_things(figures: list[tuple[str, Quantity]]) -> list[list[tuple[str, Quantity]]]:
    """Figures of one thing: strictly comparable (:func:`comparable_components`: a toll
    of people in general never bridges two named tolls), in input order."""
    components = comparable_components([q for _, q in figures], strict=True)
    return [[figures[i] for i in component] for component in components]


def _span(q: Quantity) -> str:
    q = q.model_copy(update={"raw": mid_sentence(q.raw)})  # "About 2,000" -> "about 2,000"
    if q.low is not None and q.high is not None:
        return f"{q.raw} ({q.low:,.0f}-{q.high:,.0f})"
    if q.kind == "distance" and "mile" in q.raw.lower():
        return f"{q.raw} = {kilometres(q.value)}"
    if q.kind in units.KINDS and not units.in_normal_unit(q.raw, q.unit or ""):
        return f"{q.raw} = {units.shown(q.value, q.unit or '')}"
    return q.raw


def _converted(q: Quantity) -> bool:
    """Written in a unit other than its kind's normal one (miles, acres, mph)."""
    if q.kind == "distance":
        return "mile" in q.raw.lower()
    return q.kind in units.KINDS and not units.in_normal_unit(q.raw, q.unit or "")


def _agreement_note(figures: list[tuple[str, Quantity]]) -> str:
    distinct: list[Quantity] = []
    for _, q in figures:
        if all(q.raw.lower() != d.raw.lower() for d in distinct):
            distinct.append(q)
    head, *rest = sorted(distinct, key=lambda q: (not _converted(q), q.start))
    return f"{_span(head)}; agrees with " + ", ".join(_span(q) for q in rest)


def _disagreement_note(groups: list[list[tuple[str, Quantity]]]) -> str:
    sides = [" / ".join(sorted({_span(q) for _, q in g})) for g in groups]
    return " vs ".join(sides)


Finding = Disagreement | Agreement | Revision
_BOUNDARY = re.compile(r"[.!?][\"”’]?\s+(?=[\"“A-Z0-9])")


def _sentence_keys(quotes: Sequence[Evidence]) -> dict[int, tuple[Evidence, list[int]]]:
    """One source's evidence quotes by their start, each with its sentence starts."""
    keys: dict[int, tuple[Evidence, list[int]]] = {}
    for ev in quotes:
        if ev.start not in keys:
            keys[ev.start] = (ev, [0, *(m.end() for m in _BOUNDARY.finditer(ev.quote))])
    return keys


def _two_things(
    event: MergedEvent,
    figures: list[tuple[str, Quantity]],
    published: Mapping[str, dt.date | None],
) -> bool:
    """A source giving two different values of a topic in one sentence, not as a stated
    change ("all 50 states, or should I say all 57 states"; "two children to Luxembourg
    and three to the Netherlands"): the topic holds two things, and comparing it with
    other sources would pit one of them against the other. (Each figure is placed in
    its sentence once, and a sentence's values are swept in order: no pair is compared.)"""
    del published  # stated changes are read from the words, not from dates
    by_source: dict[str, list[Quantity]] = defaultdict(list)
    for source, q in figures:
        by_source[source].append(q)
    evidence = revisions.quotes_by_source(event)  # once, not a scan of all quotes a source
    for source, quantities in by_source.items():
        if len(quantities) < 2:
            continue
        quotes = _sentence_keys(evidence.get(source, ()))
        sentences: dict[tuple[int, int], list[Quantity]] = defaultdict(list)
        for q in quantities:
            found = next(
                ((ev, st) for ev, st in quotes.values() if ev.start <= q.start and q.end <= ev.end),
                None,
            )
            if found is None or revisions.stated_change(*revisions.context_in(found[0], q)):
                continue  # "rose from three to four": one thing's change, not two things
            ev, starts = found
            sentences[(ev.start, bisect.bisect_right(starts, q.start - ev.start))].append(q)
        if any(len(_value_groups(qs)) > 1 for qs in sentences.values() if len(qs) > 1):
            return True
    return False


def _value_groups(quantities: list[Quantity]) -> list[list[Quantity]]:
    """Figures linked by overlapping intervals (:func:`same_figure`), by a sweep."""
    return _overlapping(sorted(quantities, key=interval), interval)


def _conflicting(
    groups: list[list[tuple[str, Quantity]]], published: Mapping[str, dt.date | None]
) -> list[list[tuple[str, Quantity]]]:
    """The groups of values that sources disagree on: two groups conflict when each has
    a source of its own (one that states no other group's value), and two such sources
    were published within ``revisions.REVISION_DAYS`` of each other (or either is
    undated): a source stating both sides is not in conflict with itself, and figures
    weeks apart are not one news cycle's reports of one fact (a change, "fell 700
    points", is a fact of its day: its sides must be published within a day)."""
    owners: dict[str, set[int]] = defaultdict(set)
    for k, group in enumerate(groups):
        for source, _ in group:
            owners[source].add(k)
    own = [(next(iter(ks)), s) for s, ks in owners.items() if len(ks) == 1]
    if len({k for k, _ in own}) < 2:
        return []
    change = any(q.predicate in {"up", "down"} for g in groups for _, q in g)
    days = 1 if change else revisions.REVISION_DAYS  # a change is a fact of its day
    dated = sorted((day, k) for k, s in own if (day := published.get(s)) is not None)
    undated = len(dated) < len(own)  # an undated source is close to every other
    keep = {k for k, _ in own} if undated else _close_groups(dated, days)
    return [g for k, g in enumerate(groups) if k in keep]


def _close_groups(dated: list[tuple[dt.date, int]], days: int) -> set[int]:
    """Groups with a date within ``days`` of another group's date (sorted input): each
    date is compared with the nearest dates of another group on either side."""
    keep: set[int] = set()
    n = len(dated)
    previous: list[int | None] = [None] * n  # nearest earlier index of another group
    for i in range(1, n):
        previous[i] = i - 1 if dated[i - 1][1] != dated[i][1] else previous[i - 1]
    following: list[int | None] = [None] * n
    for i in range(n - 2, -1, -1):
        following[i] = i + 1 if dated[i + 1][1] != dated[i][1] else following[i + 1]
    for i, (day, k) in enumerate(dated):
        near = [j for j in (previous[i], following[i]) if j is not None]
        if any(abs((dated[j][0] - day).days) <= days for j in near):
            keep.add(k)
    return keep


def _compare_topic(
    event: MergedEvent,
    topic: str,
    figures: list[tuple[str, Quantity]],
    published: Mapping[str, dt.date | None] = _NO_DATES,
    explained: frozenset[tuple[str, str, int]] = frozenset(),
) -> Finding | None:
    if _two_things(event, figures, published):
        return None
    groups = [[figures[i] for i in comp] for comp in _components(figures)]
    cross = [g for g in groups if g]
    if len(cross) > 1:
        revision = _revision_inside(event, topic, cross, published, explained)
        if revision is not None:
            return revision
    if len({s for s, _ in figures}) < 2:
        return None  # only one source states it: nothing to compare
    quotes = revisions.quotes_by_source(event)
    if len(cross) > 1:
        sides = _conflicting(cross, published)
        if len(sides) < 2:
            return None  # no two sources of one news cycle state different sides
        claims = tuple(
            c
            for side in sides
            for s, q in side
            if (c := claim_for(event, s, q, published.get(s), quotes)) is not None
        )
        claims = tuple(sorted(claims, key=lambda c: (c.source, c.start)))
        return Disagreement(
            event=event.id, topic=topic, claims=claims, note=_disagreement_note(sides)
        )
    claims = tuple(
        c for s, q in figures if (c := claim_for(event, s, q, published.get(s), quotes)) is not None
    )
    if len({q.raw.lower() for _, q in figures}) > 1:
        return Agreement(event=event.id, topic=topic, claims=claims, note=_agreement_note(figures))
    return None


_DEATHS = "killed"
NOT_MENTIONED = "deaths not mentioned"  # a source silent on deaths: not "none reported"
_HARM = frozenset({"injured", "casualties"})


def _kinds_by_source(events: Sequence[MergedEvent]) -> dict[str, set[str]]:
    """Every quantity kind each source states anywhere in the timeline."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for event in events:
        for source, quantities in event.quantities.items():
            kinds[source].update(q.kind for q in quantities)
    return kinds


def _silent_on_deaths(
    event: MergedEvent, topics: dict[str, list[tuple[str, Quantity]]], kinds: dict[str, set[str]]
) -> list[Claim]:
    """ "Deaths not mentioned" claims: sources giving this event's injuries and never
    mentioning a death toll (silence, not a report of zero: no normalised value)."""
    stated = {s for s, q in topics.get(_DEATHS, []) if q.value > 0}
    if not stated:
        return []
    claims = []
    for source in sorted(event.quantities):
        if source in stated or _DEATHS in kinds.get(source, set()):
            continue
        harm = next((q for q in event.quantities[source] if q.kind in _HARM), None)
        ev = revisions.evidence_for(event, source, harm) if harm is not None else None
        if ev is not None:
            claims.append(
                Claim(
                    source=source,
                    value=NOT_MENTIONED,
                    quote=ev.quote,
                    start=ev.start,
                    end=ev.end,
                    normalized=None,
                    unit=None,
                )
            )
    return claims


def _with_silence(
    event: MergedEvent,
    result: Finding | None,
    figures: list[tuple[str, Quantity]],
    silent: list[Claim],
) -> Finding | None:
    """Add the sources silent on deaths to the "killed" topic's comparison."""
    if not silent:
        return result
    stated = (
        result.claims
        if isinstance(result, Disagreement | Agreement)
        else tuple(c for s, q in figures if (c := claim_for(event, s, q)) is not None)
    )
    note = (
        result.note
        if isinstance(result, Disagreement) and result.note
        else (" / ".join(sorted({_span(q) for _, q in figures if q.value > 0})) + " killed")
    )
    n = len({c.source for c in silent})
    return Disagreement(
        event=event.id,
        topic=_DEATHS,
        claims=(*stated, *silent),
        note=(
            f"{note} vs deaths not mentioned by {n} source{'s' if n > 1 else ''} (injuries only)"
        ),
    )


# --------------------------------------------------------------------------- revisions


def _claims_of(figures: Sequence[revisions.Figure]) -> tuple[Claim, ...]:
    """Claims of ``figures``, oldest publication first, one per source and value."""
    out: list[Claim] = []
    ordered = sorted(figures, key=lambda f: (f.published or dt.date.max, f.source))
    for f in ordered:
        claim = claim_for(f.event, f.source, f.quantity, f.published)
        if claim is not None and all(
            (c.source, c.value) != (claim.source, claim.value) for c in out
        ):
            out.append(claim)
    return tuple(out)


def _side(figures: Sequence[revisions.Figure]) -> str:
    """ "three killed (2025-03-03)", several values joined by " / ", each value once
    (with the date it was first reported)."""
    parts: list[str] = []
    values: set[tuple[float, float | None, float | None]] = set()
    for f in sorted(figures, key=lambda f: (f.published or dt.date.max, f.quantity.start)):
        q = f.quantity
        if (q.value, q.low, q.high) in values:
            continue  # the same value again, later: its first report stands for it
        values.add((q.value, q.low, q.high))
        parts.append(describe(q) + (f" ({f.published.isoformat()})" if f.published else ""))
    return " / ".join(parts)


def _revision(
    event: MergedEvent,
    topic: str,
    new: Sequence[revisions.Figure],
    old: Sequence[revisions.Figure],
    earlier_event: str | None = None,
) -> Revision | None:
    new_claims, old_claims = _claims_of(new), _claims_of(old)
    if not new_claims or not old_claims:
        return None
    return Revision(
        event=event.id,
        topic=topic,
        old=old_claims,
        new=new_claims,
        earlier_event=earlier_event,
        note=f"{_side(old)} → {_side(new)}",
    )


def _revision_inside(
    event: MergedEvent,
    topic: str,
    groups: list[list[tuple[str, Quantity]]],
    published: Mapping[str, dt.date | None],
    explained: frozenset[tuple[str, str, int]] = frozenset(),
) -> Revision | None:
    """The topic's figures as one revision when one group replaces all the others. An
    update that is newer only by its words, on the others' own day, while it updates a
    figure of an earlier day (``explained``), is a rival report of that day, not their
    revision (see :mod:`summarizer.stages.revisions`); so is another outlet's count its
    sentence dates to the update's day (:func:`revisions.of_update_day`)."""
    quotes = revisions.quotes_by_source(event)
    figured = [[revisions.figure(event, s, q, published, quotes) for s, q in g] for g in groups]
    latest = revisions.newest(figured)
    if latest is None:
        return None
    old = [f for i, g in enumerate(figured) if i != latest for f in g]
    if revisions.rivals_only(old, figured[latest]):
        return None  # another outlet's count of the update's own day: a rival, not replaced
    words_only = [f for f in figured[latest] if f.revising]
    if (
        words_only
        and all((f.event.id, f.source, f.quantity.start) in explained for f in words_only)
        and not any(revisions.reported_earlier(o, f) for o in old for f in figured[latest])
    ):
        return None
    return _revision(event, topic, figured[latest], old)


def _links_across(
    events: Sequence[MergedEvent], published: Mapping[str, dt.date | None]
) -> list[revisions.Link]:
    """Follow-up entries' revising figures and the earlier entries' figures they update."""
    figures = [
        revisions.figure(event, source, q, published, quotes)
        for event in events
        for quotes in [revisions.quotes_by_source(event)]  # once an entry
        for source, quantities in sorted(event.quantities.items())
        for q in quantities
        if topic_of(q) is not None
    ]
    if not any(f.revising for f in figures):
        return []
    related = revisions.Relatedness([e for e in events if e.quantities])
    return revisions.link_across(figures, related)


def _across(links: Sequence[revisions.Link]) -> tuple[list[Revision], list[Disagreement]]:
    """Each link as a revision, and its same-day rival reports as a disagreement."""
    revised: list[Revision] = []
    disputed: list[Disagreement] = []
    for link in links:
        new_event = link.new[0].event
        topic = topic_of(link.new[0].quantity) or link.new[0].quantity.kind
        old = link.old  # none when the update only rivals other outlets' figures of its day
        found = _revision(new_event, topic, link.new, old, old[0].event.id) if old else None
        if found is not None:
            revised.append(found)
        if link.rivals:
            disputed.extend(_rival_reports(topic, link.new, link.rivals))
    return revised, disputed


def _rival_reports(
    topic: str, new: Sequence[revisions.Figure], rivals: Sequence[revisions.Figure]
) -> list[Disagreement]:
    """An update and other outlets' different figures of its day: one disagreement."""
    claims = _claims_of([*new, *rivals])
    if len({c.source for c in claims}) < 2:
        return []
    sides = [[(f.source, f.quantity) for f in new], [(f.source, f.quantity) for f in rivals]]
    note = _disagreement_note(sides)
    return [Disagreement(event=new[0].event.id, topic=topic, claims=claims, note=note)]


# --------------------------------------------------------------------------- the stage


@dataclass(frozen=True)
class Findings:
    """What comparing the timeline's figures found."""

    disagreements: tuple[Disagreement, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    revisions: tuple[Revision, ...] = ()


def compare(
    events: Sequence[MergedEvent], published: Mapping[str, dt.date | None] = _NO_DATES
) -> Findings:
    """Disagreements, unit-reconciled agreements and revisions over time.

    ``published``: each source's publication date (source id -> date), which orders
    figures in time (:mod:`summarizer.stages.revisions`); without it only revision
    language does.
    """
    disagreements: list[Disagreement] = []
    agreements: list[Agreement] = []
    revised: list[Revision] = []
    events = with_acronyms(events)  # "percent of GDP" and "of gross domestic product"
    kinds = _kinds_by_source(events)
    links = _links_across(events, published)
    explained = revisions.explained(links)
    for event in events:
        topics = _topics(event)
        for topic, figures in sorted(topics.items()):
            result = _compare_topic(event, topic, figures, published, explained)
            if topic == _DEATHS and not isinstance(result, Revision):
                result = _with_silence(
                    event, result, figures, _silent_on_deaths(event, topics, kinds)
                )
            if isinstance(result, Disagreement):
                disagreements.append(result)
            elif isinstance(result, Agreement):
                agreements.append(result)
            elif isinstance(result, Revision):
                revised.append(result)
    across, rival = _across(links)
    revised.extend(across)
    disagreements.extend(rival)
    return Findings(tuple(disagreements), tuple(agreements), tuple(revised))


def find_disagreements(
    events: Sequence[MergedEvent], published: Mapping[str, dt.date | None] = _NO_DATES
) -> tuple[tuple[Disagreement, ...], tuple[Agreement, ...]]:
    """Real disagreements and unit-reconciled agreements inside each merged event
    (figures that a later one revises are not disagreements: see :func:`compare`)."""
    found = compare(events, published)
    return found.disagreements, found.agreements

"""What changed since the previous run: a pure function of two stored runs.

:func:`diff_runs` compares the previous run of the same command on the same inputs
with the current one (both :class:`~summarizer.store.records.StoredRun`) and returns
:class:`~summarizer.models.Changes`, which the renderers show:

* new events: matched to no previous event. Two events match when evidence spans
  overlap in the same source with the same content hash (offsets are comparable only
  then); otherwise when they have the same date and their texts or quotes are similar
  (rapidfuzz ratio, figures masked, so "three killed" and "five killed" still match);
* newly confirmed events: a matched event now cited by an outlet that did not cite it;
* revised figures: a matched event whose figure on a topic (killed, injured, distance...)
  takes a value that the same source, or, for a new source, no source stated before;
  and the run's revisions over time (:class:`~summarizer.models.Revision`: a later
  report's new figure, such as a new follow-up's "the death toll has risen to four")
  that the previous run did not show;
* gone events, and new, updated (same id, different content hash) and removed articles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from summarizer.models import (
    ArticleChange,
    Changes,
    Claim,
    Confirmation,
    FigureRevision,
    MergedEvent,
    Quantity,
    RunInfo,
)
from summarizer.stages.disagree import claim_for, topic_of
from summarizer.stages.quantities import same_figure
from summarizer.store.records import StoredRun

TEXT_MATCH = 90.0  # rapidfuzz ratio (0-100) for the text fallback of event matching

_FIGURE = re.compile(
    r"\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|"
    r"several|a few|scores)\b",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


def diff_runs(previous: StoredRun, current: StoredRun) -> Changes:
    """What changed from ``previous`` to ``current`` (a pure function of the two runs)."""
    matches = match_events(previous, current)
    matched_previous = {j for js in matches.values() for j in js}
    confirmations: list[Confirmation] = []
    revisions: list[FigureRevision] = []
    for i, event in enumerate(current.events):
        before = [previous.events[j] for j in sorted(matches.get(i, ()))]
        if not before:
            continue
        confirmation = _confirmation(event, before, previous, current)
        if confirmation is not None:
            confirmations.append(confirmation)
        revisions.extend(_revisions(event, before))
    revisions = _with_run_revisions(previous, current, revisions)
    new_articles, updated, removed = _article_changes(previous, current)
    return Changes(
        previous=RunInfo(id=previous.id, created_at=previous.created_at, command=previous.command),
        new_events=tuple(e for i, e in enumerate(current.events) if i not in matches),
        confirmations=tuple(confirmations),
        revisions=tuple(revisions),
        gone_events=tuple(e for j, e in enumerate(previous.events) if j not in matched_previous),
        new_articles=new_articles,
        updated_articles=updated,
        removed_articles=removed,
    )


def match_events(previous: StoredRun, current: StoredRun) -> dict[int, set[int]]:
    """Indices of ``current.events`` -> indices of the ``previous.events`` they continue.

    Overlapping evidence spans in an unchanged source decide first; an event with none
    falls back to the same date and similar text (:data:`TEXT_MATCH`).
    """
    spans = _spans(previous)
    unchanged = _unchanged_sources(previous, current)
    matches: dict[int, set[int]] = {}
    for i, event in enumerate(current.events):
        found = {
            j
            for ev in event.evidence
            if ev.source in unchanged
            for start, end, j in spans.get(ev.source, ())
            if start < ev.end and ev.start < end
        }
        if not found:
            found = {j for j, old in enumerate(previous.events) if _same_by_text(old, event)}
        if found:
            matches[i] = found
    return matches


def _spans(run: StoredRun) -> dict[str, list[tuple[int, int, int]]]:
    out: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for j, event in enumerate(run.events):
        for ev in event.evidence:
            out[ev.source].append((ev.start, ev.end, j))
    return out


def _unchanged_sources(previous: StoredRun, current: StoredRun) -> set[str]:
    before = {a.source_id: a.content_hash for a in previous.articles}
    return {a.source_id for a in current.articles if before.get(a.source_id) == a.content_hash}


def _masked(text: str) -> str:
    """Lower case, figures replaced by ``#``, whitespace collapsed: for text matching."""
    return _SPACE.sub(" ", _FIGURE.sub("#", text.lower())).strip()


def _texts(event: MergedEvent) -> set[str]:
    return {_masked(event.text)} | {_masked(ev.quote) for ev in event.evidence}


def _same_by_text(a: MergedEvent, b: MergedEvent) -> bool:
    if a.date.iso() != b.date.iso() or a.date.iso_end() != b.date.iso_end():
        return False
    return any(fuzz.ratio(x, y) >= TEXT_MATCH for x in _texts(a) for y in _texts(b))


def _outlets(run: StoredRun, source_ids: Iterable[str]) -> dict[str, str]:
    """Source id -> outlet key (the source id when the run does not know the article)."""
    out = {}
    for sid in source_ids:
        article = run.article(sid)
        out[sid] = article.outlet_key() if article else sid.casefold()
    return out


def _confirmation(
    event: MergedEvent, before: Sequence[MergedEvent], previous: StoredRun, current: StoredRun
) -> Confirmation | None:
    previous_sources = sorted({s for old in before for s in old.sources})
    known = set(_outlets(previous, previous_sources).values())
    fresh = tuple(s for s, key in _outlets(current, event.sources).items() if key not in known)
    if not fresh:
        return None
    return Confirmation(event=event, sources=fresh, previous_sources=tuple(previous_sources))


@dataclass(frozen=True)
class _Figure:
    source: str
    quantity: Quantity
    event: MergedEvent


def _figures(events: Iterable[MergedEvent]) -> dict[str, list[_Figure]]:
    """Compared figures by topic (:func:`summarizer.stages.disagree.topic_of`)."""
    out: dict[str, list[_Figure]] = defaultdict(list)
    for event in events:
        for source, quantities in sorted(event.quantities.items()):
            for q in quantities:
                topic = topic_of(q)
                if topic is not None:
                    out[topic].append(_Figure(source, q, event))
    return out


def _revisions(event: MergedEvent, before: Sequence[MergedEvent]) -> list[FigureRevision]:
    """Per topic stated before and now: figures no earlier statement supports."""
    old_by_topic = _figures(before)
    out = []
    for topic, figures in sorted(_figures([event]).items()):
        old = old_by_topic.get(topic)
        if not old:
            continue  # a figure on a new topic is not a revision of anything
        was: list[_Figure] = []
        now_: list[_Figure] = []
        for fig in figures:
            pool = [o for o in old if o.source == fig.source] or old
            if not any(same_figure(fig.quantity, o.quantity) for o in pool):
                now_.append(fig)
                for o in pool:
                    if o not in was:
                        was.append(o)
        if now_:
            out.append(
                FigureRevision(event=event, topic=topic, old=_claims(was), new=_claims(now_))
            )
    return out


def _figure_key(claims: Iterable[Claim]) -> frozenset[tuple[str, str, str]]:
    return frozenset((c.source, c.value.casefold(), c.quote) for c in claims)


def _with_run_revisions(
    previous: StoredRun, current: StoredRun, found: Sequence[FigureRevision]
) -> list[FigureRevision]:
    """``found`` plus the run's revisions over time (a later report's new figure) that the
    previous run did not show, e.g. a new follow-up's "the death toll has risen to four";
    a figure both find is shown once, as the run's revision (its claims are dated)."""
    shown = {(r.topic, _figure_key(r.new)) for r in previous.revisions}
    by_id = {e.id: e for e in current.events}
    fresh = []
    for r in current.revisions:
        event = by_id.get(r.event) or by_id.get(r.earlier_event or "")
        if event is not None and (r.topic, _figure_key(r.new)) not in shown:
            fresh.append(FigureRevision(event=event, topic=r.topic, old=r.old, new=r.new))
    covered = {(r.topic, _figure_key(r.new)) for r in fresh}
    return [r for r in found if (r.topic, _figure_key(r.new)) not in covered] + fresh


def _claims(figures: Iterable[_Figure]) -> tuple[Claim, ...]:
    out: list[Claim] = []
    for fig in figures:
        claim = _claim(fig)
        if claim is not None and claim not in out:
            out.append(claim)
    return tuple(out)


def _claim(fig: _Figure) -> Claim | None:
    return claim_for(fig.event, fig.source, fig.quantity)


def _article_changes(
    previous: StoredRun, current: StoredRun
) -> tuple[tuple[ArticleChange, ...], tuple[ArticleChange, ...], tuple[ArticleChange, ...]]:
    before = {a.source_id: a for a in previous.articles}
    now_ids = {a.source_id for a in current.articles}
    new = tuple(ArticleChange(article=a) for a in current.articles if a.source_id not in before)
    updated = tuple(
        ArticleChange(article=a, previous_hash=before[a.source_id].content_hash)
        for a in current.articles
        if a.source_id in before and before[a.source_id].content_hash != a.content_hash
    )
    removed = tuple(
        ArticleChange(article=a) for a in previous.articles if a.source_id not in now_ids
    )
    return new, updated, removed

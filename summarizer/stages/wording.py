"""The headline and key developments as statements of their sources, with notes on
their figures.

Every line the brief shows is a sentence a source made (the extractive engine's entry
text, display-cleaned) or a model's wording the timeline supports; this stage never
edits the figures inside it, because a figure spliced into another source's sentence
is a statement nobody made. Whichever engine wrote the lines, each becomes a
:class:`~summarizer.models.BriefLine`:

* the timeline entry it states (:func:`event_for`): the entry with the same text, else
  the entry whose text holds the line (a trimmed "Meanwhile," or dateline), else the
  entry whose wording and quotes hold every content word, name and number of the line
  (:func:`~summarizer.stages.claims.claim_supported`, the model's own check), the most
  related first;
* the sources it cites: the model's ``[source-id]`` cites, else the entry's sources,
  less those whose quotes give only other values for a figure the line states (a
  revised or disputed figure, or deaths they do not mention): a citation never claims
  more than its quote says; such a source is cited in the note beside the line, with
  what it does say ("Deaths not mentioned by [1]", "35 injured [2] vs several injured
  [1]"; :func:`stating_sources`);
* the revisions and disagreements (:mod:`summarizer.stages.disagree`) about a figure
  the line states: only a figure of the same thing as the revision's or disagreement's
  figures (same kind, unit, counted thing and state: ``comparable(strict=True)``) and
  equal to one of their values gets one ("turnout was 58 percent, down from 63 percent
  at the last election" gets no note about the last election's figure). The renderers
  show them beside the line, attributed: "Revised: three killed [1] (2025-03-03) → four
  killed [2] (2025-03-04)", "Disputed: 35 injured [2] vs several injured [1]".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from functools import cache

from summarizer.models import BriefLine, Claim, Disagreement, MergedEvent, Quantity, Revision
from summarizer.stages import claims as claims_stage
from summarizer.stages.disagree import NOT_MENTIONED, topic_of
from summarizer.stages.quantities import comparable, describe, extract_quantities
from summarizer.stages.revisions import Relatedness

_SPACE = re.compile(r"\s+")
_CITE = re.compile(r"\s*\[([^\[\]\s]+)\]")


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _same_value(q: Quantity, claim: Claim) -> bool:
    return claim.normalized is not None and abs(round(q.value, 3) - claim.normalized) < 1e-6


def states_value(text: str, claim: Claim) -> bool:
    """Whether ``text`` states ``claim``'s value (a figure of the same thing)."""
    return any(_states(q, (claim,)) for q in extract_quantities(text))


def claim_figure(claim: Claim) -> Quantity | None:
    """The figure a claim states, found again in its quote (None for a silence claim)."""
    if claim.value == NOT_MENTIONED:
        return None
    found = extract_quantities(claim.quote)
    exact = [q for q in found if describe(q) == claim.value]
    return next(iter(exact), None) or next((q for q in found if _same_value(q, claim)), None)


def _states(q: Quantity, claims: Sequence[Claim]) -> bool:
    """Whether ``q`` is one of ``claims``' figures: a figure of the same thing (kind,
    unit, counted thing and state) with one of their values."""
    return any(
        _same_value(q, c) and (figure := claim_figure(c)) is not None
        and comparable(q, figure, strict=True)
        for c in claims
    )  # fmt: skip


def figure_notes(
    text: str,
    event: MergedEvent | None,
    revisions: Sequence[Revision],
    disagreements: Sequence[Disagreement],
) -> tuple[tuple[Revision, ...], tuple[Disagreement, ...]]:
    """The revisions and disagreements about figures ``text`` states (see the module
    docstring); none without ``event``."""
    if event is None:
        return (), ()
    mine_r = [r for r in revisions if event.id in (r.event, r.earlier_event)]
    mine_d = [d for d in disagreements if d.event == event.id]
    if not mine_r and not mine_d:
        return (), ()
    found_r: list[Revision] = []
    found_d: list[Disagreement] = []
    for q in extract_quantities(text):
        if topic_of(q) is None:
            continue
        revised = [r for r in mine_r if _states(q, (*r.old, *r.new))]
        found_r.extend(r for r in revised if r not in found_r)
        if not revised:
            disputed = [d for d in mine_d if _states(q, d.claims)]
            found_d.extend(d for d in disputed if d not in found_d)
    return tuple(found_r), tuple(found_d)


def split_cites(text: str, known: Collection[str]) -> tuple[str, tuple[str, ...]]:
    """A line without the ``[source-id]`` cites the llm engine appends, and those ids
    (only ids of ``known`` sources count as cites)."""
    cited: list[str] = []

    def take(m: re.Match[str]) -> str:
        if m.group(1) in known:
            cited.append(m.group(1))
            return ""
        return m.group(0)

    bare = _CITE.sub(take, text)
    return _flat(bare), tuple(dict.fromkeys(cited))


def event_for(
    text: str,
    events: Sequence[MergedEvent],
    related: Callable[[], Relatedness] | None = None,
) -> MergedEvent | None:
    """The entry a line states (see the module docstring); ``events`` in the brief's
    order, so a tie goes to the more important entry."""
    flat = _flat(text)
    if not flat:
        return None
    first = flat.split(" ", 1)[0]  # a text that flattens to ``flat`` starts with it
    for event in events:
        if event.text.lstrip().startswith(first) and _flat(event.text) == flat:
            return event
    low = flat.casefold()
    held = next((e for e in events if low in _flat(e.text).casefold()), None)
    if held is not None:  # the first that holds it
        return held
    supported = [
        e
        for e in events
        if claims_stage.claim_supported(flat, [[e.text, *(ev.quote for ev in e.evidence)]])
    ]
    if len(supported) <= 1 or related is None:
        return next(iter(supported), None)
    scores = related()
    return max(supported, key=lambda e: scores.score_text(flat, e))


def brief_line(
    text: str,
    events: Sequence[MergedEvent],
    revisions: Sequence[Revision],
    disagreements: Sequence[Disagreement],
    *,
    known_sources: Collection[str] = (),
    related: Callable[[], Relatedness] | None = None,
) -> BriefLine:
    """One headline or key development as a :class:`BriefLine`."""
    bare, cited = split_cites(text, known_sources)
    candidates = [e for e in events if set(e.sources) & set(cited)] if cited else events
    event = event_for(bare, candidates, related)
    found_r, found_d = figure_notes(bare, event, revisions, disagreements)
    sources = stating_sources(
        bare, cited or (event.sources if event is not None else ()), found_r, found_d
    )
    return BriefLine(
        text=bare,
        event=event.id if event is not None else None,
        sources=tuple(sources),
        revisions=found_r,
        disagreements=found_d,
    )


def stating_sources(
    text: str,
    sources: Sequence[str],
    revisions: Sequence[Revision],
    disagreements: Sequence[Disagreement],
) -> tuple[str, ...]:
    """``sources`` less those whose claims on a figure ``text`` states all give another
    value (an earlier or rival figure, or "deaths not mentioned"): they are cited in the
    line's notes, not on the line. All of them when none would be left."""
    elsewhere: set[str] = set()
    for claims in [*((*r.old, *r.new) for r in revisions), *(d.claims for d in disagreements)]:
        own = {c.value.casefold() for c in claims if states_value(text, c)}
        given: dict[str, set[str]] = {}
        for c in claims:
            given.setdefault(c.source, set()).add(c.value.casefold())
        if own:
            elsewhere.update(src for src, values in given.items() if values.isdisjoint(own))
    kept = tuple(src for src in sources if src not in elsewhere)
    return kept or tuple(sources)


def brief_lines(
    headline: str,
    developments: Sequence[str],
    events: Sequence[MergedEvent],
    revisions: Sequence[Revision],
    disagreements: Sequence[Disagreement],
    *,
    known_sources: Collection[str] = (),
) -> tuple[BriefLine | None, tuple[BriefLine, ...]]:
    """The headline and key developments as :class:`BriefLine`\\ s, their text as the
    engine wrote it; ``events`` are the brief's entries in its order."""

    @cache
    def related() -> Relatedness:  # built only when a line needs it
        return Relatedness(list(events))

    def line(text: str) -> BriefLine:
        return brief_line(
            text, events, revisions, disagreements, known_sources=known_sources, related=related
        )

    head = line(headline) if headline.strip() else None
    return head, tuple(line(d) for d in developments)

"""Word the figures of the headline and key developments from what the comparison found.

Whichever engine wrote them, and whichever fact heads the brief, the figures in these
lines are checked against the run's revisions and disagreements
(:mod:`summarizer.stages.disagree`) and worded in code:

* a figure a later report revised is replaced by the latest figure, saying what it
  replaced: "killing three people" -> "killing four people (earlier reported: three)";
* the latest figure itself says what it replaced: "has risen to four (earlier reported:
  three)";
* a disputed figure is shown as disputed: "injuring 35 (disputed: several, dozens)";
  deaths that other outlets do not mention are said to be not mentioned, never "none".

A line is tied to its timeline entry by its text (the extractive engine writes entry
texts), else to the entry it shares the most distinctive terms with
(:class:`~summarizer.stages.revisions.Relatedness`); figures are matched by topic and
value, so a line about another fact is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.models import Claim, Disagreement, MergedEvent, Quantity, Revision
from summarizer.stages.disagree import NOT_MENTIONED, topic_of
from summarizer.stages.quantities import (
    FUNCTION_WORDS,
    comparable,
    describe,
    extract_quantities,
)
from summarizer.stages.revisions import Relatedness

RELATED = 0.5  # term share needed to tie a line to an entry when its text is not an entry's
_SPACE = re.compile(r"\s+")
_NEXT_WORD = re.compile(r"\s+([a-z][a-z'’-]*)\b")


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _same_value(q: Quantity, claim: Claim) -> bool:
    return claim.normalized is not None and abs(round(q.value, 3) - claim.normalized) < 1e-6


def claim_figure(claim: Claim) -> Quantity | None:
    """The figure a claim states, found again in its quote (None for a silence claim)."""
    if claim.value == NOT_MENTIONED:
        return None
    found = extract_quantities(claim.quote)
    exact = [q for q in found if describe(q) == claim.value]
    return next(iter(exact), None) or next((q for q in found if _same_value(q, claim)), None)


def _about(q: Quantity, claims: Sequence[Claim]) -> bool:
    """Whether ``q`` counts what ``claims`` count (same kind, unit and counted thing)."""
    return any(
        (figure := claim_figure(c)) is not None and comparable(q, figure, strict=True)
        for c in claims
    )


def _values(claims: Sequence[Claim]) -> str:
    out: list[str] = []
    for c in claims:
        figure = claim_figure(c)
        raw = figure.raw if figure is not None else c.value
        if raw.casefold() not in (o.casefold() for o in out):
            out.append(raw)
    return ", ".join(out)


def _after_noun(text: str, end: int) -> int:
    """Where a parenthesis after the figure goes: after the counted word ("three people")."""
    m = _NEXT_WORD.match(text, end)
    if m and m.group(1) not in FUNCTION_WORDS:
        return m.end()
    return end


def _revision_edit(text: str, q: Quantity, revision: Revision) -> list[_Edit]:
    if not _about(q, (*revision.old, *revision.new)):
        return []
    is_new = any(_same_value(q, c) for c in revision.new)
    if not is_new and not any(_same_value(q, c) for c in revision.old):
        return []
    at = _after_noun(text, q.end)
    note = _Edit(at, at, f" (earlier reported: {_values(revision.old)})")
    if is_new:
        return [note]
    latest = claim_figure(revision.new[-1])
    return [_Edit(q.start, q.end, latest.raw if latest else revision.new[-1].value), note]


def _dispute_edit(text: str, q: Quantity, item: Disagreement) -> list[_Edit]:
    if not _about(q, item.claims) or not any(_same_value(q, c) for c in item.claims):
        return []
    silent = {c.source for c in item.claims if c.value == NOT_MENTIONED}
    others = [c for c in item.claims if c.value != NOT_MENTIONED and not _same_value(q, c)]
    parts = []
    if others:
        parts.append(f"disputed: {_values(others)}")
    if silent:
        n = len(silent)
        parts.append(f"{n} source{'s do' if n > 1 else ' does'} not mention deaths")
    if not parts:
        return []
    at = _after_noun(text, q.end)
    return [_Edit(at, at, f" ({'; '.join(parts)})")]


def word_line(
    text: str,
    event: MergedEvent | None,
    revisions: Sequence[Revision],
    disagreements: Sequence[Disagreement],
) -> str:
    """``text`` with its figures worded (see the module docstring); unchanged without ``event``."""
    if event is None:
        return text
    mine_r = [r for r in revisions if event.id in (r.event, r.earlier_event)]
    mine_d = [d for d in disagreements if d.event == event.id]
    if not mine_r and not mine_d:
        return text
    edits: list[_Edit] = []
    for q in extract_quantities(text):
        if topic_of(q) is None:
            continue
        found = next((e for r in mine_r if (e := _revision_edit(text, q, r))), None)
        if found is None:
            found = next((e for d in mine_d if (e := _dispute_edit(text, q, d))), [])
        edits.extend(found)
    return _apply(text, edits)


def _apply(text: str, edits: Sequence[_Edit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def event_for(text: str, events: Sequence[MergedEvent], related: Relatedness) -> MergedEvent | None:
    """The entry a headline or development states: same text, else the most related one."""
    flat = _flat(re.sub(r"\[[^\[\]\s]+\]", "", text))
    for event in events:
        if _flat(event.text) == flat:
            return event
    scored = [(related.score_text(flat, e), e) for e in events]
    best = max(scored, key=lambda se: se[0], default=None)
    return best[1] if best is not None and best[0] >= RELATED else None


def word_synthesis(
    headline: str,
    developments: Sequence[str],
    events: Sequence[MergedEvent],
    revisions: Sequence[Revision],
    disagreements: Sequence[Disagreement],
) -> tuple[str, tuple[str, ...]]:
    """The headline and key developments with their figures worded from the findings."""
    if not (revisions or disagreements) or not events:
        return headline, tuple(developments)
    related = Relatedness([e for e in events if e.quantities])  # the entries with figures
    involved = {d.event for d in disagreements}
    involved |= {r.event for r in revisions} | {
        r.earlier_event for r in revisions if r.earlier_event
    }
    candidates = [e for e in events if e.id in involved]

    def word(line: str) -> str:
        if any(_flat(e.text) == _flat(line) for e in events if e.id not in involved):
            return line  # another entry's own text: nothing to word
        return word_line(line, event_for(line, candidates, related), revisions, disagreements)

    return word(headline), tuple(word(d) for d in developments)

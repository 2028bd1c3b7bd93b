"""Notes on the figures of a headline or key development, as every format shows them.

A :class:`~summarizer.models.BriefLine` is a source's sentence (or a model's wording its
sources support), never edited; what later reports and other outlets say about its
figures is a separate, attributed note beside it (:func:`notes`):

* revised: "Revised: three killed [1] (2025-03-03) → four killed [2] (2025-03-04)", the
  earlier values, then the latest, each with the sources that gave it and the day it
  was first published;
* disputed: "Disputed: 35 injured [2] vs several injured [1], dozens injured [4]", the
  line's own value first;
* deaths other outlets leave out: "Deaths not mentioned by [3]" (not "none").

The markdown brief, the HTML report and the JSON document word them alike; only the
source markers differ (``[[1]](#source-1)``, chips, source ids).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from summarizer.models import BriefLine, Claim, Disagreement, Report, Revision
from summarizer.stages.disagree import NOT_MENTIONED
from summarizer.stages.wording import split_cites, states_value

Markers = Callable[[Sequence[str]], str]  # source ids -> their citation markers
Escape = Callable[[str], str]  # article text -> safe in the output format


@dataclass(frozen=True)
class Side:
    """One value of a note and who gave it."""

    value: str
    sources: tuple[str, ...]
    published: dt.date | None = None  # the earliest publication of that value


@dataclass(frozen=True)
class Note:
    kind: Literal["revised", "disputed", "not mentioned"]
    topic: str
    event: str  # the entry of the revision or disagreement (its key in the report)
    first: tuple[Side, ...]  # revised: earlier values; disputed: the line's own value
    then: tuple[Side, ...]  # revised: the latest value; disputed: the other values

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for side in (*self.first, *self.then) for s in side.sources))


def _sides(claims: Sequence[Claim]) -> tuple[Side, ...]:
    """Claims grouped by value, in order of first appearance."""
    order: dict[str, list[Claim]] = {}
    for claim in claims:
        order.setdefault(claim.value.casefold(), []).append(claim)
    sides = []
    for group in order.values():
        dates = [c.published for c in group if c.published is not None]
        sources = tuple(dict.fromkeys(c.source for c in group))
        sides.append(Side(group[0].value, sources, min(dates, default=None)))
    return tuple(sides)


def _revised(item: Revision) -> Note:
    return Note("revised", item.topic, item.event, _sides(item.old), _sides(item.new))


def _disputed(item: Disagreement, line: BriefLine) -> Note:
    """The line's own value first (the side whose figure the line states), then the rest."""
    own_values = {c.value.casefold() for c in item.claims if states_value(line.text, c)}
    sides = _sides(item.claims)
    own = tuple(s for s in sides if s.value.casefold() in own_values)
    others = tuple(s for s in sides if s not in own)
    silent = all(s.value == NOT_MENTIONED for s in others)
    return Note("not mentioned" if silent else "disputed", item.topic, item.event, own, others)


def notes(line: BriefLine | None) -> list[Note]:
    """The notes on ``line``'s figures: revisions first, then disagreements."""
    if line is None:
        return []
    return [_revised(r) for r in line.revisions] + [_disputed(d, line) for d in line.disagreements]


def _side_text(side: Side, markers: Markers, escape: Escape, *, dated: bool) -> str:
    cite = markers(side.sources)
    text = f"{escape(side.value)} {cite}" if cite else escape(side.value)
    return f"{text} ({side.published.isoformat()})" if dated and side.published else text


def note_text(note: Note, markers: Markers, escape: Escape = str) -> str:
    """The note as one line: "Revised: three killed [1] (2025-03-03) → four killed [2]
    (2025-03-04)"; ``markers`` writes the citation markers of source ids, ``escape``
    the values (article text) for the output format."""
    if note.kind == "revised":
        old = " / ".join(_side_text(s, markers, escape, dated=True) for s in note.first)
        new = " / ".join(_side_text(s, markers, escape, dated=True) for s in note.then)
        return f"Revised: {old} → {new}"
    if note.kind == "not mentioned":
        silent = [s for side in note.then for s in side.sources]
        return f"Deaths not mentioned by {markers(silent)}"
    own = " / ".join(_side_text(s, markers, escape, dated=False) for s in note.first)
    others = ", ".join(_side_text(s, markers, escape, dated=False) for s in note.then)
    return f"Disputed: {own} vs {others}" if own else f"Disputed: {others}"


def plain_markers(sources: Sequence[str]) -> str:
    """Source ids in brackets, for text outside a rendered document: "[a] [b]"."""
    return " ".join(f"[{s}]" for s in sources)


def brief_lines(report: Report) -> tuple[BriefLine | None, tuple[BriefLine, ...]]:
    """The report's headline and key developments as lines; a report made without them
    (by hand, an older caller) gets them from its strings: the entry with the same text,
    its sources (or the ``[source-id]`` cites written in the line), no notes."""
    if report.headline_line is not None or report.development_lines:
        return report.headline_line, report.development_lines
    known = {sr.source.id for sr in report.sources}
    by_text = {" ".join(e.text.split()): e for e in report.events}

    def line(text: str) -> BriefLine:
        bare, cited = split_cites(text, known)
        event = by_text.get(bare)
        sources = cited or (event.sources if event is not None else ())
        return BriefLine(text=bare, event=event.id if event else None, sources=sources)

    head = line(report.headline) if report.headline.strip() else None
    return head, tuple(line(d) for d in report.key_developments)

"""Render a :class:`~summarizer.models.Report` as one self-contained HTML evidence page.

The page needs no network: CSS, JavaScript and the SVG chart are inline. It shows
the brief (headline, key developments), the chart, the disagreements side by side,
figures that agree after unit conversion, the timeline grouped by date, and every
source's full text with the quoted evidence highlighted (``<mark>``) and the junk
the cleaner dropped greyed out. Clicking a timeline entry (or a claim, a chart
marker, a citation chip) highlights its quotes in the sources and scrolls to the
first one; clicking a highlighted quote scrolls back to its timeline entry. Without
JavaScript the same elements are plain links to the quote's anchor.

The source text is split into ordered segments in Python (:func:`segment_text`):
plain text, evidence (possibly quoted by several entries; overlapping quotes are
cut at every boundary), dropped junk and metadata lines. The template only lays
the segments out; jinja2 autoescaping keeps article text as text (``<script>`` in
an article is shown, never run).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from summarizer.models import (
    Agreement,
    AlignmentStatus,
    ArticleChange,
    BriefLine,
    Changes,
    Claim,
    Disagreement,
    MergedEvent,
    Precision,
    Report,
    Revision,
    SinceLast,
    SourceReport,
)
from summarizer.output import lines, names
from summarizer.output.chart import PALETTE, render_chart_svg, source_name
from summarizer.output.names import headline, record_name
from summarizer.output.render import (
    QUOTE_LIMIT,
    date_key,
    date_label,
    failure_text,
    one_line,
    published_text,
    revision_marks,
    run_time,
    split_failures,
    usage_counts,
)

COLLAPSE_DROPPED = 300  # dropped runs longer than this are folded away in <details>
CHART_WIDTH = 760
NOTE_CHARS = 140

EVIDENCE = "evidence"
DROPPED = "dropped"
META = "meta"
PLAIN = "plain"


# --------------------------------------------------------------------------- segmentation


@dataclass(frozen=True)
class Span:
    """A marked range of a source text: a quote of an event, dropped junk, or metadata."""

    start: int
    end: int
    kind: str  # EVIDENCE, DROPPED or META
    event: str | None = None  # MergedEvent id (evidence)
    anchor: str | None = None  # element id placed where the span starts (evidence)
    note: str = ""  # tooltip: the dropped reason, the entry it supports
    fuzzy: bool = False  # evidence aligned fuzzily, not verbatim


@dataclass(frozen=True)
class TextSegment:
    """A run of source text with one uniform marking."""

    text: str
    kind: str  # PLAIN, EVIDENCE, DROPPED or META
    start: int
    end: int
    events: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()
    note: str = ""
    fuzzy: bool = False
    in_dropped: bool = False  # evidence inside a dropped range (should not happen; shown)

    @property
    def events_attr(self) -> str:
        return " ".join(self.events)

    @property
    def collapsed(self) -> bool:
        return self.kind == DROPPED and len(self.text) > COLLAPSE_DROPPED


def _clamp(spans: Iterable[Span], length: int) -> list[Span]:
    out = []
    for span in spans:
        start, end = max(0, min(span.start, length)), max(0, min(span.end, length))
        if end > start:
            out.append(Span(start, end, span.kind, span.event, span.anchor, span.note, span.fuzzy))
    return out


def _piece(
    text: str, start: int, end: int, active: Sequence[Span], opening: Sequence[Span]
) -> TextSegment:
    evidence = [s for s in active if s.kind == EVIDENCE]
    dropped = [s for s in active if s.kind == DROPPED]
    anchors = tuple(s.anchor for s in opening if s.kind == EVIDENCE and s.anchor)
    if evidence:
        events = tuple(dict.fromkeys(s.event for s in evidence if s.event))
        notes = list(dict.fromkeys(s.note for s in evidence if s.note))
        return TextSegment(
            text[start:end],
            EVIDENCE,
            start,
            end,
            events=events,
            anchors=anchors,
            note="\n".join(notes),
            fuzzy=all(s.fuzzy for s in evidence),
            in_dropped=bool(dropped),
        )
    if dropped:
        return TextSegment(text[start:end], DROPPED, start, end, note=dropped[0].note)
    if any(s.kind == META for s in active):
        meta = next(s for s in active if s.kind == META)
        return TextSegment(text[start:end], META, start, end, note=meta.note)
    return TextSegment(text[start:end], PLAIN, start, end)


def _same_run(a: TextSegment, b: TextSegment) -> bool:
    return (
        not b.anchors
        and a.end == b.start
        and (a.kind, a.events, a.note, a.fuzzy, a.in_dropped)
        == (b.kind, b.events, b.note, b.fuzzy, b.in_dropped)
    )


def segment_text(text: str, spans: Iterable[Span]) -> list[TextSegment]:
    """Cut ``text`` into ordered segments at every span boundary.

    The segments cover the text exactly once, in order (their texts join to
    ``text``). Where spans overlap, evidence wins over dropped and dropped over
    metadata; a segment covered by several quotes lists every event. Spans out of
    bounds are clamped; empty ones are ignored.
    """
    clean = sorted(_clamp(spans, len(text)), key=lambda s: (s.start, s.end))
    cuts = sorted({0, len(text), *(s.start for s in clean), *(s.end for s in clean)})
    segments: list[TextSegment] = []
    active: list[Span] = []
    index = 0
    for start, end in itertools.pairwise(cuts):
        opening = []
        while index < len(clean) and clean[index].start == start:
            opening.append(clean[index])
            index += 1
        active = [s for s in active if s.end > start] + opening
        piece = _piece(text, start, end, active, opening)
        if segments and _same_run(segments[-1], piece):
            last = segments[-1]
            segments[-1] = TextSegment(
                last.text + piece.text,
                last.kind,
                last.start,
                piece.end,
                last.events,
                last.anchors,
                last.note,
                last.fuzzy,
                last.in_dropped,
            )
        else:
            segments.append(piece)
    return segments


# --------------------------------------------------------------------------- anchors


def _entry_note(event: MergedEvent) -> str:
    return f"Timeline {date_label(event.date)}: {one_line(event.text, NOTE_CHARS)}"


@dataclass
class Anchors:
    """Evidence spans per source and the element id of each quote."""

    numbers: dict[str, int]
    spans: dict[str, list[Span]] = field(default_factory=lambda: defaultdict(list))
    by_range: dict[tuple[str, str, int, int], str] = field(default_factory=dict)
    first: dict[tuple[str, str], str] = field(default_factory=dict)  # (event, source) -> id

    def add(self, event: MergedEvent, source: str, start: int, end: int, *, fuzzy: bool) -> str:
        key = (event.id, source, start, end)
        if key in self.by_range:
            return self.by_range[key]
        number = self.numbers.get(source, 0)
        anchor = f"q{number}-{event.id}-{len(self.by_range)}"
        self.by_range[key] = anchor
        self.first.setdefault((event.id, source), anchor)
        self.spans[source].append(
            Span(start, end, EVIDENCE, event.id, anchor, _entry_note(event), fuzzy)
        )
        return anchor


def collect_anchors(report: Report) -> Anchors:
    """Every quote of the report (evidence and disagreement/agreement claims) as spans."""
    anchors = Anchors({sr.source.id: i for i, sr in enumerate(report.sources, start=1)})
    by_id = {e.id: e for e in report.events}
    for event in report.events:
        for ev in sorted(event.evidence, key=lambda e: (e.source, e.start)):
            fuzzy = ev.alignment is not AlignmentStatus.EXACT
            anchors.add(event, ev.source, ev.start, ev.end, fuzzy=fuzzy)
    items: list[Disagreement | Agreement] = [*report.disagreements, *report.agreements]
    for item in items:
        cited = by_id.get(item.event)
        if cited is None:
            continue
        for claim in item.claims:
            anchors.add(cited, claim.source, claim.start, claim.end, fuzzy=False)
    for revision in report.revisions:
        for event_id, claims in _revision_sides(revision):
            cited = by_id.get(event_id)
            if cited is None:
                continue
            for claim in claims:
                anchors.add(cited, claim.source, claim.start, claim.end, fuzzy=False)
    return anchors


def _revision_sides(revision: Revision) -> tuple[tuple[str, tuple[Claim, ...]], ...]:
    """(entry id, claims) of a revision's old figures and of its latest figure."""
    return (
        (revision.earlier_event or revision.event, revision.old),
        (revision.event, revision.new),
    )


def _source_spans(sr: SourceReport, anchors: Anchors) -> list[Span]:
    spans = list(anchors.spans.get(sr.source.id, []))
    for dropped in sr.cleaned.dropped:
        note = f"Dropped by the cleaner: {dropped.reason}"
        spans.append(Span(dropped.start, dropped.end, DROPPED, note=note))
    if sr.source.header_end > 0:
        spans.append(Span(0, sr.source.header_end, META, note="Metadata line (not story text)"))
    return spans


# --------------------------------------------------------------------------- view data


@dataclass(frozen=True)
class Chip:
    """A citation marker ``[n]`` linking to one source's quote."""

    number: int
    source: str
    name: str
    anchor: str
    event: str
    colour: str


def _colour(number: int) -> str:
    return PALETTE[(number - 1) % len(PALETTE)] if number > 0 else "#666"


def _names(report: Report) -> dict[str, str]:
    return {sr.source.id: names.source_name(sr.source, limit=60) for sr in report.sources}


def _chips(event: MergedEvent, anchors: Anchors, names: dict[str, str]) -> list[Chip]:
    chips = []
    for source in sorted(set(event.sources), key=lambda s: (anchors.numbers.get(s, 10**9), s)):
        anchor = anchors.first.get((event.id, source), "")
        number = anchors.numbers.get(source, 0)
        chips.append(
            Chip(number, source, names.get(source, source), anchor, event.id, _colour(number))
        )
    return chips


def _entry_view(
    event: MergedEvent,
    anchors: Anchors,
    names: dict[str, str],
    disputed: set[str],
    revised: dict[str, list[str]],
) -> dict[str, Any]:
    chips = _chips(event, anchors, names)
    return {
        "id": event.id,
        "text": one_line(event.text),
        "chips": chips,
        "anchor": next((c.anchor for c in chips if c.anchor), ""),
        "disputed": event.id in disputed,
        "revised": revised.get(event.id, []),
        "from_publication": event.date.from_publication,
        "assumed": event.date.assumed,
        "next_morning": event.date.next_morning(),
        "fuzzy": any(ev.alignment is not AlignmentStatus.EXACT for ev in event.evidence),
        "expressions": sorted({ev.date_expression for ev in event.evidence if ev.date_expression}),
    }


def timeline_groups(report: Report, anchors: Anchors) -> list[dict[str, Any]]:
    """Entries grouped under precision-aware date headings, oldest first."""
    names = _names(report)
    disputed = {d.event for d in report.disagreements}
    revised = revision_marks(report)
    groups: dict[tuple[dt.date, int, dt.date], dict[str, Any]] = {}
    for event in sorted(report.events, key=lambda e: (date_key(e.date), -e.importance, e.id)):
        key = date_key(event.date)
        if key not in groups:
            groups[key] = {
                "label": date_label(event.date),
                "precision": event.date.precision.value,
                "coarse": event.date.precision is not Precision.DAY,
                "entries": [],
            }
        groups[key]["entries"].append(_entry_view(event, anchors, names, disputed, revised))
    return [groups[k] for k in sorted(groups)]


def _claim_view(
    claim: Claim, event_id: str, anchors: Anchors, names: dict[str, str]
) -> dict[str, Any]:
    number = anchors.numbers.get(claim.source, 0)
    return {
        "value": claim.value,
        "quote": one_line(claim.quote),
        "source": claim.source,
        "name": names.get(claim.source, claim.source),
        "number": number,
        "colour": _colour(number),
        "anchor": anchors.by_range.get((event_id, claim.source, claim.start, claim.end), ""),
        "event": event_id,
    }


def _findings(report: Report, anchors: Anchors, *, agreements: bool) -> list[dict[str, Any]]:
    names = _names(report)
    by_id = {e.id: e for e in report.events}
    items = report.agreements if agreements else report.disagreements
    views = []
    for item in items:
        event = by_id.get(item.event)
        views.append(
            {
                "topic": item.topic,
                "event": item.event,
                "event_text": one_line(event.text, 240) if event else "",
                "date": date_label(event.date) if event else "",
                "note": item.note or "",
                "claims": [_claim_view(c, item.event, anchors, names) for c in item.claims],
            }
        )
    return views


def _revisions(report: Report, anchors: Anchors) -> list[dict[str, Any]]:
    """The "Revised figures" cards: what was reported, what is reported now."""
    names = _names(report)
    by_id = {e.id: e for e in report.events}
    views = []
    for revision in report.revisions:
        (old_id, old), (new_id, new) = _revision_sides(revision)
        about = by_id.get(old_id) or by_id.get(new_id)
        views.append(
            {
                "topic": revision.topic,
                "event": about.id if about else "",
                "event_text": one_line(about.text, 240) if about else "",
                "date": date_label(about.date) if about else "",
                "note": revision.note,
                "sides": [
                    (label, [_dated(_claim_view(c, eid, anchors, names), c) for c in claims])
                    for label, eid, claims in (("was", old_id, old), ("now", new_id, new))
                ],
            }
        )
    return views


def _dated(view: dict[str, Any], claim: Claim) -> dict[str, Any]:
    view["published"] = claim.published.isoformat() if claim.published else ""
    return view


def _line_view(line: BriefLine, report: Report, anchors: Anchors) -> dict[str, Any]:
    """A headline or key development: its entry, the chips of the sources it cites, and
    the notes on its figures (:mod:`summarizer.output.lines`)."""
    event = next((e for e in report.events if e.id == line.event), None)
    chips = _chips(event, anchors, _names(report)) if event else []

    def numbers(ids: Sequence[str]) -> str:
        return "".join(f"[{anchors.numbers.get(s, s)}]" for s in ids)

    return {
        "text": one_line(line.text),
        "event": event.id if event else "",
        "chips": [c for c in chips if c.source in line.sources],
        "notes": [lines.note_text(n, numbers) for n in lines.notes(line)],
    }


def _source_view(sr: SourceReport, number: int, anchors: Anchors) -> dict[str, Any]:
    src = sr.source
    ext = sr.extraction
    reasons: dict[str, int] = defaultdict(int)
    for dropped in sr.cleaned.dropped:
        reasons[dropped.reason] += dropped.end - dropped.start
    published = published_text(src)
    return {
        "number": number,
        "id": src.id,
        "label": source_name(src, limit=26),
        "title": headline(src),
        "outlet": src.outlet or "",
        "url": src.url or "",
        "path": src.path,
        "published": published,
        "colour": _colour(number),
        "summary": one_line(" ".join(s.text for s in ext.summary)),
        "dropped": [{"reason": r, "chars": n} for r, n in sorted(reasons.items())],
        "proposed": ext.proposed_events,
        "model_dropped": ext.dropped_events,
        "notes": list(ext.notes),
        "instructions": [one_line(i.text, QUOTE_LIMIT) for i in ext.suspected_instructions],
        "segments": segment_text(src.text, _source_spans(sr, anchors)),
        "quotes": sum(1 for key in anchors.by_range if key[1] == src.id),
    }


def _facts(report: Report) -> dict[str, Any]:
    stats = report.stats
    dates = [sr.source.published for sr in report.sources if sr.source.published]
    day = report.generated_for_day or (max(dates) if dates else None)
    lines = [f"Engine: {stats.engine.value}" + (f", model {stats.model}" if stats.model else "")]
    if stats.calls:
        lines.append(
            f"Model usage: {usage_counts(stats.calls, stats.retries)}, "
            f"{stats.prompt_tokens} prompt and {stats.completion_tokens} completion tokens."
        )
    lines.extend(stats.notes)
    failed, calls = split_failures(report)
    return {
        "day": day.isoformat() if day else "undated",
        "sources": len(report.sources),
        "events": len(report.events),
        "disagreements": len(report.disagreements),
        "agreements": len(report.agreements),
        "proposed": stats.model_events_proposed,
        "model_dropped": stats.model_events_dropped,
        "lines": lines,
        "failures": [{"text": failure_text(f), "stage": f.stage} for f in failed],
        "model_failures": [{"text": failure_text(f), "stage": f.stage} for f in calls],
    }


def _change_view(
    event: MergedEvent, anchors: Anchors, names: dict[str, str], only: Iterable[str] | None = None
) -> dict[str, Any]:
    keep = set(only) if only is not None else None
    return {
        "event": event.id,
        "date": date_label(event.date),
        "next_morning": event.date.next_morning(),  # shown the day before its paper's
        "text": one_line(event.text),
        "chips": [c for c in _chips(event, anchors, names) if keep is None or c.source in keep],
    }


def _figure_view(claim: Claim, names: dict[str, str]) -> dict[str, str]:
    return {
        "value": claim.value,
        "name": names.get(claim.source, claim.source)
        + (f", {claim.published.isoformat()}" if claim.published else ""),
        "quote": one_line(claim.quote),
    }


def _article_text(change: ArticleChange, names: dict[str, str]) -> str:
    article = change.article
    if article.source_id in names:
        return names[article.source_id]
    name = record_name(
        title=article.title,
        outlet=article.outlet,
        source_id=article.source_id,
        path=article.path,
        limit=60,
    )
    return f"{name} ({article.path})"


def _since_last(
    since_last: SinceLast | None, report: Report, anchors: Anchors
) -> dict[str, Any] | None:
    """The "Since the previous run" section (None: not asked for)."""
    if since_last is None:
        return None
    if not isinstance(since_last, Changes):
        return {"command": since_last.command, "when": None}
    changes = since_last
    names = _names(report)
    articles = [
        (label, ", ".join(_article_text(a, names) for a in items))
        for label, items in (
            ("New articles", changes.new_articles),
            ("Updated articles", changes.updated_articles),
            ("No longer among the inputs", changes.removed_articles),
        )
        if items
    ]
    return {
        "command": changes.previous.command,
        "when": run_time(changes.previous.created_at),
        "empty": changes.is_empty(),
        "articles": articles,
        "new_events": [_change_view(e, anchors, names) for e in changes.new_events],
        "confirmations": [
            _change_view(c.event, anchors, names, only=c.sources) for c in changes.confirmations
        ],
        "revisions": [
            dict(
                _change_view(r.event, anchors, names),
                topic=r.topic,
                old=[_figure_view(c, names) for c in r.old],
                new=[_figure_view(c, names) for c in r.new],
            )
            for r in changes.revisions
        ],
        "gone": [_change_view(e, anchors, names) for e in changes.gone_events],
    }


def html_context(report: Report, since_last: SinceLast | None = None) -> dict[str, Any]:
    """Everything the template shows, as plain data (exposed for tests)."""
    anchors = collect_anchors(report)
    head, developments = lines.brief_lines(report)
    return {
        "since_last": _since_last(since_last, report, anchors),
        "facts": _facts(report),
        "headline": _line_view(head, report, anchors) if head else {"text": ""},
        "developments": [_line_view(line, report, anchors) for line in developments],
        # our own SVG, every text in it escaped by chart.py
        "chart": Markup(render_chart_svg(report, width=CHART_WIDTH, link_prefix="#entry-")),
        "disagreements": _findings(report, anchors, agreements=False),
        "revisions": _revisions(report, anchors),
        "agreements": _findings(report, anchors, agreements=True),
        "groups": timeline_groups(report, anchors),
        "sources": [_source_view(sr, i, anchors) for i, sr in enumerate(report.sources, start=1)],
    }


# --------------------------------------------------------------------------- render


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("summarizer.output", "templates"),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report, since_last: SinceLast | None = None) -> str:
    """The self-contained HTML evidence report (UTF-8 text, ends with a newline).

    With ``since_last`` it starts with what changed since the previous run.
    """
    context = html_context(report, since_last)
    page = _environment().get_template("report.html.j2").render(**context)
    return page.rstrip("\n") + "\n"

"""Timeline chart of a :class:`~summarizer.models.Report` as plain SVG text.

One row per source (outlet), one marker per date on which that source reports
events (a dot for a day, a band for a month, a year or a range; the number in
or beside it counts the events), a histogram of all merged events per day on
top, and a red ring where sources disagree on a figure. Built in Python as
text: no plotting library, no fonts or scripts to fetch, so the same string
works as a standalone ``.svg`` file (``summarizer chart -o FILE.svg``) and
inline in the HTML report.

The time axis is broken into segments: dates less than a week apart share a
segment; longer gaps (e.g. between May 2024 and June 2025) become a fixed-width
break marked with ``//``, so a story with one old background event does not
squash the days that matter. Inside a segment, order is kept but days with
events get more room than empty days (a focus+context scale), so events on
30 June and 1 July stay apart even inside a June-long band.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

from summarizer.models import MergedEvent, Precision, Report, ResolvedDate, Source
from summarizer.output import names

GAP_DAYS = 7  # periods closer than this share an axis segment
BREAK_PX = 26.0  # width of an axis break
LABEL_PX = 200.0  # left column with the source names
RIGHT_PX = 24.0
TOP_PX = 30.0
HIST_PX = 64.0
ROW_PX = 32.0
AXIS_PX = 74.0
LEGEND_PX = 30.0
MIN_SEGMENT_PX = 70.0  # an axis segment's minimum width before scaling
MARKER_PX = 24.0  # wanted room for a day with events
EMPTY_DAY_SHARE = 0.12  # room for a day without events, as a share of MARKER_PX
TICK_SPACING_PX = 15.0  # rotated tick labels need at least this much room
NAME_CHARS = 28
TITLE_CHARS = 160
DISAGREE_COLOUR = "#d62728"
# Okabe-Ito colour-blind-safe palette without its yellow and vermillion (the red is for conflicts).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#000000", "#8c6d31")

# Characters XML 1.0 forbids (C0 controls other than tab, newline, carriage return): an
# article may carry them (a terminal escape), and one makes the whole SVG unreadable.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    """Text for an XML element: escaped, characters XML forbids shown as U+FFFD."""
    return _xml_escape(_XML_ILLEGAL.sub("\ufffd", text))


def quoteattr(text: str) -> str:
    """A quoted XML attribute value, the same way."""
    return _xml_quoteattr(_XML_ILLEGAL.sub("\ufffd", text))


# --------------------------------------------------------------------------- dates


def event_period(date: ResolvedDate) -> tuple[dt.date, dt.date]:
    """The first and last day (inclusive) a resolved date covers."""
    start = date.start
    if date.precision is Precision.DAY:
        return start, start
    if date.precision is Precision.MONTH:
        last = calendar.monthrange(start.year, start.month)[1]
        return start.replace(day=1), start.replace(day=last)
    if date.precision is Precision.YEAR:
        return dt.date(start.year, 1, 1), dt.date(start.year, 12, 31)
    end = date.end if date.end is not None and date.end >= start else start
    return start, end


@dataclass(frozen=True)
class Segment:
    """A stretch of the time axis; ``edges[i]`` is the left edge of day ``i`` (``x0`` = 0).

    Days with events get ``MARKER_PX`` of room, empty days much less, so that a
    month with events on its first and last days stays readable.
    """

    start: dt.date
    end: dt.date  # inclusive
    x0: float
    edges: tuple[float, ...]  # len == days + 1, increasing, edges[0] == 0

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def width(self) -> float:
        return self.edges[-1]

    def day_px(self, day: dt.date) -> float:
        i = (day - self.start).days
        return self.edges[i + 1] - self.edges[i]

    def left(self, day: dt.date) -> float:
        return self.x0 + self.edges[(day - self.start).days]

    def right(self, day: dt.date) -> float:
        return self.x0 + self.edges[(day - self.start).days + 1]

    def x(self, day: dt.date) -> float:
        """The centre of ``day``."""
        return (self.left(day) + self.right(day)) / 2


@dataclass(frozen=True)
class Axis:
    """A broken time axis: segments with breaks between them."""

    segments: tuple[Segment, ...]

    def segment(self, day: dt.date) -> Segment:
        for seg in self.segments:
            if seg.start <= day <= seg.end:
                return seg
        raise ValueError(f"{day} is outside the chart's axis")

    def x(self, day: dt.date) -> float:
        return self.segment(day).x(day)

    def span(self, first: dt.date, last: dt.date) -> tuple[float, float]:
        """Left and right edge of the days ``first``..``last``."""
        return self.segment(first).left(first), self.segment(last).right(last)


def merge_periods(
    periods: Iterable[tuple[dt.date, dt.date]], gap_days: int = GAP_DAYS
) -> list[tuple[dt.date, dt.date]]:
    """Union of periods, joining those less than ``gap_days`` apart."""
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(periods):
        if merged and (start - merged[-1][1]).days <= gap_days:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _day_weights(span: tuple[dt.date, dt.date], event_days: set[dt.date]) -> list[float]:
    """Wanted pixels per day: ``MARKER_PX`` for event days, ``EMPTY_DAY_SHARE`` of it else;
    a segment with no event day (only bands) is uniform and ``MIN_SEGMENT_PX`` wide."""
    first, last = span
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    if not any(d in event_days for d in days):
        return [MIN_SEGMENT_PX / len(days)] * len(days)
    weights = [MARKER_PX if d in event_days else MARKER_PX * EMPTY_DAY_SHARE for d in days]
    total = sum(weights)
    if total < MIN_SEGMENT_PX:
        weights = [w * MIN_SEGMENT_PX / total for w in weights]
    return weights


def build_axis(
    periods: Iterable[tuple[dt.date, dt.date]],
    x0: float,
    width: float,
    day_starts: Sequence[dt.date] = (),
) -> Axis:
    """Lay merged periods out over ``width`` pixels, breaks between them.

    Each day first gets the room it wants (see :func:`_day_weights`); then every
    length is scaled by the same factor to fill ``width``. Order is kept: later
    days are always further right.
    """
    spans = merge_periods(periods)
    if not spans:
        return Axis(())
    event_days = set(day_starts)
    weights = [_day_weights(span, event_days) for span in spans]
    usable = width - BREAK_PX * (len(spans) - 1)
    scale = usable / sum(sum(w) for w in weights)
    segments = []
    x = x0
    for (start, end), day_weights in zip(spans, weights, strict=True):
        edges = (0.0, *itertools.accumulate(w * scale for w in day_weights))
        segments.append(Segment(start, end, x, edges))
        x += edges[-1] + BREAK_PX
    return Axis(tuple(segments))


# --------------------------------------------------------------------------- data


@dataclass
class Marker:
    """Events of one source (or of all sources) in one period."""

    first: dt.date
    last: dt.date
    day: bool  # a day dot rather than a band
    events: list[MergedEvent] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)  # readable notes


def source_name(source: Source, limit: int = NAME_CHARS) -> str:
    """A short row label: the outlet, else the headline (:func:`summarizer.output.names.headline`),
    cut to ``limit`` characters."""
    return names.cut(source.outlet or names.headline(source), limit)


def source_label(source: Source, number: int, limit: int = NAME_CHARS) -> str:
    """``[n] name`` as the chart's row labels show it."""
    return f"[{number}] {source_name(source, limit)}"


def _markers(events: Sequence[MergedEvent], source_id: str | None) -> list[Marker]:
    grouped: dict[tuple[dt.date, dt.date, bool], Marker] = {}
    for event in events:
        if source_id is not None and source_id not in event.sources:
            continue
        first, last = event_period(event.date)
        is_day = event.date.precision is Precision.DAY
        key = (first, last, is_day)
        if key not in grouped:
            grouped[key] = Marker(first, last, is_day)
        grouped[key].events.append(event)
    # bands first, so that day dots are drawn on top of the month they fall in
    return [grouped[k] for k in sorted(grouped, key=lambda k: (k[2], k[0], k[1]))]


def _disagreement_notes(report: Report) -> dict[tuple[str, str], list[str]]:
    """(event id, source id) -> readable notes of the disagreements it takes part in."""
    notes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in report.disagreements:
        sides = "; ".join(f"[{c.source}] {c.value}" for c in item.claims)
        for claim in item.claims:
            notes[(item.event, claim.source)].append(f"sources disagree on {item.topic}: {sides}")
    return notes


def _short(text: str, limit: int = TITLE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- drawing


def _text(x: float, y: float, body: str, **attrs: str) -> str:
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(body)}</text>'


def _title(marker: Marker, who: str) -> str:
    first = marker.first.isoformat()
    when = first if marker.first == marker.last else f"{first} – {marker.last.isoformat()}"
    lines = [f"{who}, {when}: {len(marker.events)} event(s)"]
    lines += [f"• {_short(e.text)}" for e in marker.events[:6]]
    if len(marker.events) > 6:
        lines.append(f"… and {len(marker.events) - 6} more")
    lines += [f"⚠ {n}" for n in marker.disagreements]
    return f"<title>{escape(chr(10).join(lines))}</title>"


def _wrap_link(body: str, marker: Marker, link_prefix: str | None) -> str:
    if link_prefix is None or not marker.events:
        return body
    target = max(marker.events, key=lambda e: e.importance).id
    return (
        f"<a href={quoteattr(link_prefix + target)} data-goto={quoteattr(target)} "
        f'class="chart-link">{body}</a>'
    )


def _draw_marker(marker: Marker, axis: Axis, cy: float, colour: str, who: str) -> str:
    count = len(marker.events)
    parts = [_title(marker, who)]
    if marker.day:
        cx = axis.x(marker.first)
        radius = min(4.5 + 1.6 * math.sqrt(count - 1), 10.0)
        if marker.disagreements:
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius + 3.5:.1f}" fill="none" '
                f'stroke="{DISAGREE_COLOUR}" stroke-width="2.2" class="disagree"/>'
            )
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="{colour}" '
            'fill-opacity="0.85" stroke="#fff" stroke-width="1"/>'
        )
        if count > 1:
            parts.append(
                _text(
                    cx,
                    cy + 3.5,
                    str(count),
                    fill="#fff",
                    font_size="9.5",
                    text_anchor="middle",
                    font_weight="bold",
                )
            )
    else:
        left, right = axis.span(marker.first, marker.last)
        stroke = (
            f'stroke="{DISAGREE_COLOUR}" stroke-width="2.2"'
            if marker.disagreements
            else f'stroke="{colour}" stroke-width="1"'
        )
        parts.append(
            f'<rect x="{left:.1f}" y="{cy - 7:.1f}" width="{max(right - left, 3):.1f}" '
            f'height="14" rx="4" fill="{colour}" fill-opacity="0.28" {stroke}/>'
        )
        parts.append(
            _text(
                (left + right) / 2,
                cy + 4,
                str(count),
                fill="#222",
                font_size="10",
                text_anchor="middle",
            )
        )
    return "<g>" + "".join(parts) + "</g>"


def _draw_histogram(events: Sequence[MergedEvent], axis: Axis, top: float) -> list[str]:
    markers = _markers(events, None)
    if not markers:
        return []
    peak = max(len(m.events) for m in markers)
    base = top + HIST_PX - 8
    usable = HIST_PX - 24
    out = [_text(8, top + 14, "All sources: events per day", font_size="11", fill="#444")]
    for marker in markers:
        count = len(marker.events)
        height = max(usable * count / peak, 2.0)
        if marker.day:
            seg = axis.segment(marker.first)
            bar = max(min(seg.day_px(marker.first) * 0.8, 14.0), 3.0)
            left, width = seg.x(marker.first) - bar / 2, bar
            fill = "#5b6b7f"
        else:
            left, right = axis.span(marker.first, marker.last)
            width, fill = max(right - left, 3.0), "#b8c2cf"
        body = (
            _title(marker, "All sources")
            + f'<rect x="{left:.1f}" y="{base - height:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" fill="{fill}"/>'
            + _text(
                left + width / 2,
                base - height - 3,
                str(count),
                font_size="9.5",
                fill="#333",
                text_anchor="middle",
            )
        )
        out.append(f"<g>{body}</g>")
    right = axis.segments[-1].x0 + axis.segments[-1].width
    out.append(
        f'<line x1="{LABEL_PX:.1f}" y1="{base:.1f}" x2="{right:.1f}" '
        f'y2="{base:.1f}" stroke="#999" stroke-width="1"/>'
    )
    return out


def _tick_days(seg: Segment, event_days: set[dt.date]) -> list[tuple[dt.date, str]]:
    """Candidate ticks: event days in short segments, month starts in long ones."""
    if seg.days <= 45:
        days = sorted({seg.start, *(d for d in event_days if seg.start <= d <= seg.end)})
        return [(d, f"{d.day} {d:%b %Y}") for d in days]
    months = []
    day = seg.start.replace(day=1)
    while day <= seg.end:
        months.append((max(day, seg.start), f"{day:%b %Y}"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _draw_axis(axis: Axis, top: float, event_days: set[dt.date], bottom: float) -> list[str]:
    out = []
    for i, seg in enumerate(axis.segments):
        right = seg.x0 + seg.width
        out.append(
            f'<line x1="{seg.x0:.1f}" y1="{top:.1f}" x2="{right:.1f}" y2="{top:.1f}" '
            'stroke="#555" stroke-width="1.2"/>'
        )
        last_x = -1e9
        for day, label in _tick_days(seg, event_days):
            x = seg.x(day)
            if x - last_x < TICK_SPACING_PX:
                continue
            last_x = x
            out.append(
                f'<line x1="{x:.1f}" y1="{TOP_PX + HIST_PX:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
                'stroke="#e3e6ea" stroke-width="1"/>'
                f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{top + 4:.1f}" stroke="#555"/>'
            )
            out.append(
                _text(
                    x,
                    top + 14,
                    label,
                    font_size="10",
                    fill="#333",
                    text_anchor="end",
                    transform=f"rotate(-40 {x:.1f} {top + 14:.1f})",
                )
            )
        if i + 1 < len(axis.segments):
            mid = right + BREAK_PX / 2
            out.append(
                f'<path d="M{mid - 6:.1f},{top + 5:.1f} L{mid - 1:.1f},{top - 5:.1f} '
                f'M{mid + 1:.1f},{top + 5:.1f} L{mid + 6:.1f},{top - 5:.1f}" stroke="#555" '
                'stroke-width="1.2" fill="none"><title>time axis break: dates in between '
                "have no events</title></path>"
            )
    return out


def _legend(y: float, has_disagreements: bool) -> str:
    parts = [
        f'<circle cx="14" cy="{y - 4:.1f}" r="5" fill="#5b6b7f"/>',
        _text(24, y, "events on a day (number = how many)", font_size="11", fill="#333"),
        f'<rect x="262" y="{y - 10:.1f}" width="26" height="12" rx="3" fill="#5b6b7f" '
        'fill-opacity="0.28" stroke="#5b6b7f"/>',
        _text(294, y, "month, year or range", font_size="11", fill="#333"),
        _text(440, y, "// = gap in time", font_size="11", fill="#333"),
    ]
    if has_disagreements:
        parts += [
            f'<circle cx="560" cy="{y - 4:.1f}" r="7" fill="none" stroke="{DISAGREE_COLOUR}" '
            'stroke-width="2.2"/>',
            _text(573, y, "sources disagree on a figure", font_size="11", fill="#333"),
        ]
    return "".join(parts)


def _draw_row(
    report: Report,
    source: Source,
    index: int,
    axis: Axis,
    notes: dict[tuple[str, str], list[str]],
    link_prefix: str | None,
) -> list[str]:
    cy = TOP_PX + HIST_PX + ROW_PX * index + ROW_PX / 2
    colour = PALETTE[index % len(PALETTE)]
    label = source_label(source, index + 1)
    out = [
        f"<g><title>{escape(source.path)}</title>"
        + _text(8, cy + 4, label, font_size="11.5", fill=colour, font_weight="bold")
        + "</g>"
    ]
    for marker in _markers(report.events, source.id):
        marker.disagreements = [n for e in marker.events for n in notes.get((e.id, source.id), [])]
        body = _draw_marker(marker, axis, cy, colour, label)
        out.append(_wrap_link(body, marker, link_prefix))
    return out


def render_chart_svg(report: Report, *, width: int = 960, link_prefix: str | None = None) -> str:
    """The chart as a standalone SVG document (no XML declaration, so it also inlines).

    ``link_prefix`` (e.g. ``"#entry-"``) makes every marker a link to
    ``link_prefix + event id``; the HTML report uses it to jump to timeline entries.
    """
    rows = list(report.sources)
    height = TOP_PX + HIST_PX + ROW_PX * max(len(rows), 1) + AXIS_PX + LEGEND_PX
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" role="img" class="timeline-chart" '
        'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">'
    )
    title = f"Timeline chart: {len(report.events)} events from {len(rows)} sources"
    out = [
        head,
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>',
    ]
    out.append(_text(8, 18, title, font_size="13", font_weight="bold", fill="#222"))
    if not report.events:
        out.append(_text(8, TOP_PX + 30, "No dated events to chart.", font_size="12"))
        return "".join(out) + "</svg>\n"

    day_starts = sorted({e.date.start for e in report.events if e.date.precision is Precision.DAY})
    axis = build_axis(
        (event_period(e.date) for e in report.events),
        LABEL_PX,
        width - LABEL_PX - RIGHT_PX,
        day_starts,
    )
    rows_top = TOP_PX + HIST_PX
    axis_y = rows_top + ROW_PX * len(rows) + 6
    for i in range(0, len(rows), 2):
        out.append(
            f'<rect x="0" y="{rows_top + ROW_PX * i:.1f}" width="{width}" '
            f'height="{ROW_PX:.1f}" fill="#f6f8fa"/>'
        )
    out += _draw_axis(axis, axis_y, set(day_starts), axis_y)
    out += _draw_histogram(report.events, axis, TOP_PX)
    notes = _disagreement_notes(report)
    for i, sr in enumerate(rows):
        out += _draw_row(report, sr.source, i, axis, notes, link_prefix)
    out.append(_legend(axis_y + AXIS_PX + 12, bool(report.disagreements)))
    out.append("</svg>\n")
    return "".join(out)

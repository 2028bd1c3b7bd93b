"""The SVG timeline chart: periods, the broken axis, rows, bands, disagreement rings."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from test_html import flood_report

from summarizer.models import Engine, Precision, Report, ResolvedDate, RunStats
from summarizer.output.chart import (
    BREAK_PX,
    DISAGREE_COLOUR,
    build_axis,
    event_period,
    merge_periods,
    render_chart_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
D = dt.date


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (
            ResolvedDate(start=D(2023, 2, 6), precision=Precision.DAY),
            (D(2023, 2, 6), D(2023, 2, 6)),
        ),
        (
            ResolvedDate(start=D(2024, 2, 1), precision=Precision.MONTH),
            (D(2024, 2, 1), D(2024, 2, 29)),
        ),
        (
            ResolvedDate(start=D(2019, 1, 1), precision=Precision.YEAR),
            (D(2019, 1, 1), D(2019, 12, 31)),
        ),
        (
            ResolvedDate(start=D(2024, 12, 30), end=D(2025, 1, 2), precision=Precision.RANGE),
            (D(2024, 12, 30), D(2025, 1, 2)),
        ),
        (
            ResolvedDate(start=D(2024, 5, 3), precision=Precision.RANGE),
            (D(2024, 5, 3), D(2024, 5, 3)),
        ),
    ],
    ids=["day", "leap-month", "year", "range-over-new-year", "range-without-end"],
)
def test_event_period(date: ResolvedDate, expected: tuple[dt.date, dt.date]) -> None:
    assert event_period(date) == expected


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        ([], []),
        (
            [(D(2024, 3, 11), D(2024, 3, 11)), (D(2024, 3, 12), D(2024, 3, 12))],
            [(D(2024, 3, 11), D(2024, 3, 12))],
        ),
        (
            [(D(2024, 3, 30), D(2024, 3, 30)), (D(2023, 5, 1), D(2023, 5, 31))],
            [(D(2023, 5, 1), D(2023, 5, 31)), (D(2024, 3, 30), D(2024, 3, 30))],
        ),
        (
            [(D(2024, 1, 1), D(2024, 1, 31)), (D(2024, 1, 10), D(2024, 1, 10))],
            [(D(2024, 1, 1), D(2024, 1, 31))],
        ),
        (
            [(D(2024, 1, 1), D(2024, 1, 1)), (D(2024, 1, 8), D(2024, 1, 8))],
            [(D(2024, 1, 1), D(2024, 1, 8))],
        ),
        (
            [(D(2024, 1, 1), D(2024, 1, 1)), (D(2024, 1, 9), D(2024, 1, 9))],
            [(D(2024, 1, 1), D(2024, 1, 1)), (D(2024, 1, 9), D(2024, 1, 9))],
        ),
    ],
    ids=[
        "empty",
        "neighbours",
        "sorted-gap",
        "day-inside-month",
        "seven-days-join",
        "eight-days-break",
    ],
)
def test_merge_periods(periods: list, expected: list) -> None:
    assert merge_periods(periods) == expected


def test_axis_is_monotonic_and_fills_the_width() -> None:
    days = [D(2024, 3, 11), D(2024, 3, 12), D(2024, 3, 18)]
    periods = [(d, d) for d in days] + [
        (D(2023, 5, 1), D(2023, 5, 31)),
        (D(2019, 1, 1), D(2019, 12, 31)),
    ]
    axis = build_axis(periods, 100.0, 600.0, days)
    assert len(axis.segments) == 3
    assert axis.segments[0].x0 == pytest.approx(100.0)
    last = axis.segments[-1]
    assert last.x0 + last.width == pytest.approx(700.0)
    xs = [axis.x(d) for d in sorted([D(2019, 6, 1), D(2023, 5, 15), *days])]
    assert xs == sorted(xs)
    assert axis.x(D(2024, 3, 12)) - axis.x(D(2024, 3, 11)) >= 20  # neighbouring days do not overlap
    for left, right in zip(axis.segments, axis.segments[1:], strict=False):
        assert right.x0 - (left.x0 + left.width) == pytest.approx(BREAK_PX)


def test_axis_outside_date_is_an_error() -> None:
    axis = build_axis([(D(2024, 1, 1), D(2024, 1, 1))], 0.0, 100.0)
    with pytest.raises(ValueError, match="outside"):
        axis.x(D(2025, 1, 1))


@pytest.fixture(scope="module")
def svg() -> ET.Element:
    return ET.fromstring(render_chart_svg(flood_report(), link_prefix="#entry-"))


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_chart_is_valid_svg_with_one_row_per_outlet(svg: ET.Element) -> None:
    assert svg.tag == f"{SVG}svg"
    texts = _texts(svg)
    for label in ("[1] Riverton Gazette", "[2] Valley News", "[3] Riverton flood"):
        assert label in texts


def test_disagreement_rings_only_for_the_disagreeing_sources(svg: ET.Element) -> None:
    rings = [c for c in svg.iter(f"{SVG}circle") if c.get("class") == "disagree"]
    assert len(rings) == 2  # gazette and valley on 2024-03-11; wire is not in the dispute
    assert all(c.get("stroke") == DISAGREE_COLOUR for c in rings)
    ys = {c.get("cy") for c in rings}
    assert len(ys) == 2  # two different rows


def test_month_and_year_events_are_bands_and_counts_shown(svg: ET.Element) -> None:
    bands = [r for r in svg.iter(f"{SVG}rect") if r.get("rx") == "4"]
    assert len(bands) == 2  # 2023-05 (valley) and 2019 (wire)
    # gazette reports two events on 2024-03-11: its dot carries the count
    assert "2" in _texts(svg)


def test_markers_link_to_timeline_entries(svg: ET.Element) -> None:
    links = {a.get("href") for a in svg.iter(f"{SVG}a")}
    assert {"#entry-e-burst", "#entry-e-bridge", "#entry-e-defences", "#entry-e-rescue"} <= links


def test_standalone_chart_has_no_links_and_escapes_text() -> None:
    text = render_chart_svg(flood_report())
    assert "<a " not in text
    assert "&lt;and failed&gt;" in text
    ET.fromstring(text)  # well-formed


def test_empty_report_says_so() -> None:
    empty = Report(
        sources=(), events=(), disagreements=(), stats=RunStats(engine=Engine.EXTRACTIVE)
    )
    text = render_chart_svg(empty)
    assert "No dated events to chart." in text
    ET.fromstring(text)

"""Renderers on hand-built reports (a flood story, not the seeds): JSON schema,
citation markers, date grouping and order, --day sections, verbatim quotes."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from summarizer.models import (
    Agreement,
    AlignmentStatus,
    CharInterval,
    Claim,
    CleanedSource,
    DateOrigin,
    Disagreement,
    DroppedRange,
    Engine,
    Evidence,
    InputFailure,
    MergedEvent,
    Precision,
    Report,
    ResolvedDate,
    RunStats,
    Source,
    SourceExtraction,
    SourceReport,
    SummarySentence,
)
from summarizer.output import render, report_json

HERALD = (
    "Floodwaters breached the Riverton levee on Tuesday, officials said. "
    "Four people died and 120 homes were flooded. "
    "The mayor said repairs would cost $2 million. "
    "Related: Ten best picnic spots"
)
RAIN = "Rainfall in March was the highest since 1998 & <rising>, said 'the' {{ forecaster }}."
WIRE = (
    "Six people were killed when the Riverton levee failed on April 2, police said. "
    f"{RAIN} "
    "Engineers had warned about the levee in 2023."
)
NEWS = "The levee had been inspected between April 1 and April 3. Nothing else."


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def _source(sid: str, text: str, outlet: str, published: dt.date | None) -> Source:
    return Source(
        id=sid,
        path=f"stories/{sid}.txt",
        text=text,
        title=f"{outlet} on the Riverton flood",
        outlet=outlet,
        published=published,
        published_from=DateOrigin.HEADER if published else DateOrigin.UNKNOWN,
    )


def _evidence(source: Source, quote: str) -> Evidence:
    start, end = _span(source.text, quote)
    return Evidence(source=source.id, quote=quote, start=start, end=end)


def _day(y: int, m: int, d: int, **kw: object) -> ResolvedDate:
    return ResolvedDate(start=dt.date(y, m, d), precision=Precision.DAY, **kw)  # type: ignore[arg-type]


def _claim(source: Source, quote: str, value: str, n: float) -> Claim:
    start, end = _span(source.text, quote)
    return Claim(source=source.id, value=value, quote=quote, start=start, end=end, normalized=n)


def _report_for(sources: list[Source], events: list[MergedEvent], **kw: object) -> Report:
    reports = []
    for src in sources:
        first = src.text.split(". ")[0] + "."
        s, e = _span(src.text, first)
        reports.append(
            SourceReport(
                source=src,
                cleaned=CleanedSource(
                    source=src,
                    kept=(CharInterval(start=0, end=len(src.text)),),
                    dropped=tuple(kw.pop(f"dropped_{src.id}", ())),  # type: ignore[arg-type]
                ),
                extraction=SourceExtraction(
                    source_id=src.id,
                    summary=(SummarySentence(text=first, start=s, end=e),),
                    events=(),
                    engine=Engine.EXTRACTIVE,
                ),
                unique_events=tuple(ev.id for ev in events if ev.sources == (src.id,)),
            )
        )
    defaults: dict[str, object] = {
        "stats": RunStats(engine=Engine.EXTRACTIVE),
        "disagreements": (),
    }
    defaults.update(kw)
    return Report(sources=tuple(reports), events=tuple(events), **defaults)  # type: ignore[arg-type]


@pytest.fixture()
def flood() -> Report:
    herald = _source("herald", HERALD, "Riverton Herald", dt.date(2024, 4, 3))
    wire = _source("wire", WIRE, "State Wire", dt.date(2024, 4, 3))
    news = _source("news", NEWS, "Valley News", None)
    breach = MergedEvent(
        id="e-breach",
        date=_day(2024, 4, 2, expression="on Tuesday"),
        text="Floodwaters breached the Riverton levee on Tuesday, officials said.",
        sources=("wire", "herald"),
        evidence=(
            _evidence(
                herald, "Floodwaters breached the Riverton levee on Tuesday, officials said."
            ),
            _evidence(
                wire,
                "Six people were killed when the Riverton levee failed on April 2, police said.",
            ),
        ),
        importance=3.0,
    )
    cost = MergedEvent(
        id="e-cost",
        date=_day(2024, 4, 3, from_publication=True),
        text="The mayor said repairs would cost $2 million.",
        sources=("herald",),
        evidence=(_evidence(herald, "The mayor said repairs would cost $2 million."),),
        importance=1.0,
    )
    rain = MergedEvent(
        id="e-rain",
        date=ResolvedDate(
            start=dt.date(2024, 3, 1), precision=Precision.MONTH, expression="in March"
        ),
        text=RAIN,
        sources=("wire",),
        evidence=(_evidence(wire, RAIN),),
        importance=1.0,
    )
    warned = MergedEvent(
        id="e-warned",
        date=ResolvedDate(
            start=dt.date(2023, 1, 1), precision=Precision.YEAR, expression="in 2023"
        ),
        text="Engineers had warned about the levee in 2023.",
        sources=("wire",),
        evidence=(_evidence(wire, "Engineers had warned about the levee in 2023."),),
        importance=1.0,
    )
    inspected = MergedEvent(
        id="e-inspect",
        date=ResolvedDate(
            start=dt.date(2024, 4, 1),
            end=dt.date(2024, 4, 3),
            precision=Precision.RANGE,
            expression="between April 1 and April 3",
        ),
        text="The levee had been inspected between April 1 and April 3.",
        sources=("news",),
        evidence=(_evidence(news, "The levee had been inspected between April 1 and April 3."),),
        importance=1.0,
    )
    deaths = Disagreement(
        event="e-breach",
        topic="killed",
        claims=(
            _claim(herald, "Four people died", "4 killed", 4),
            _claim(wire, "Six people were killed", "6 killed", 6),
        ),
    )
    agree = Agreement(
        event="e-breach",
        topic="distance",
        claims=(),
        note="5 miles = 8.0 km, agrees with about 8 km",
    )
    return _report_for(
        [herald, wire, news],
        [breach, cost, rain, warned, inspected],
        disagreements=(deaths,),
        agreements=(agree,),
        headline="The Riverton levee failed on April 2.",
        key_developments=(
            "The mayor said repairs would cost $2 million.",
            "Death toll disputed [wire][herald].",
        ),
        failures=(
            InputFailure(
                path="stories/broken.txt",
                reason="stories/broken.txt: empty file; remove it",
                stage="ingest",
            ),
        ),
        dropped_herald=(
            DroppedRange(start=HERALD.index("Related"), end=len(HERALD), reason="related-articles"),
        ),
    )


# --------------------------------------------------------------------------- JSON


def test_json_keeps_the_issue_schema(flood: Report) -> None:
    data = json.loads(report_json.render_json(flood))
    assert data["schema_version"] == "1"
    for src in data["sources"]:
        assert {
            "id",
            "path",
            "title",
            "published",
            "published_from",
            "summary",
            "dropped",
        } <= src.keys()
        assert isinstance(src["summary"], str)
        assert all(isinstance(r, list) and len(r) == 2 for r in src["dropped"])
    for event in data["events"]:
        assert {
            "id",
            "date",
            "date_end",
            "precision",
            "text",
            "sources",
            "evidence",
        } <= event.keys()
        for ev in event["evidence"]:
            assert {"source", "quote", "start", "end"} <= ev.keys()
            assert isinstance(ev["start"], int) and isinstance(ev["end"], int)
    for d in data["disagreements"]:
        assert {"event", "topic", "claims"} <= d.keys()
        for c in d["claims"]:
            assert {"source", "value", "quote", "start", "end"} <= c.keys()
    assert {"agreements", "failures", "stats", "headline", "key_developments"} <= data.keys()


@pytest.mark.parametrize(
    ("event_id", "date", "date_end", "precision"),
    [
        ("e-breach", "2024-04-02", None, "day"),
        ("e-rain", "2024-03", None, "month"),
        ("e-warned", "2023", None, "year"),
        ("e-inspect", "2024-04-01", "2024-04-03", "range"),
    ],
)
def test_json_dates_follow_precision(
    flood: Report, event_id: str, date: str, date_end: str | None, precision: str
) -> None:
    events = {e["id"]: e for e in json.loads(report_json.render_json(flood))["events"]}
    assert (events[event_id]["date"], events[event_id]["date_end"]) == (date, date_end)
    assert events[event_id]["precision"] == precision


def test_json_offsets_index_the_source_text(flood: Report) -> None:
    data = json.loads(report_json.render_json(flood))
    texts = {sr.source.id: sr.source.text for sr in flood.sources}
    for event in data["events"]:
        for ev in event["evidence"]:
            assert texts[ev["source"]][ev["start"] : ev["end"]] == ev["quote"]
    for claim in data["disagreements"][0]["claims"]:
        assert texts[claim["source"]][claim["start"] : claim["end"]] == claim["quote"]
    herald = next(s for s in data["sources"] if s["id"] == "herald")
    assert herald["dropped"] == [[HERALD.index("Related"), len(HERALD)]]
    assert herald["unique_events"] == ["e-cost"]


def test_json_is_deterministic_and_has_no_timings(flood: Report) -> None:
    slow = flood.model_copy(update={"stats": flood.stats.model_copy(update={"seconds": 9.5})})
    assert report_json.render_json(flood) == report_json.render_json(slow)
    assert "seconds" not in report_json.render_json(flood)


# --------------------------------------------------------------------------- markdown


def _anchors(text: str) -> set[str]:
    return set(re.findall(r'<a id="(source-\d+)"></a>', text))


@pytest.mark.parametrize("which", ["brief", "timeline"])
def test_citation_markers_link_to_the_sources_list(flood: Report, which: str) -> None:
    text = render.render_brief_md(flood) if which == "brief" else render.render_timeline_md(flood)
    links = set(re.findall(r"\[\[\d+\]\]\(#(source-\d+)\)", text))
    assert links, "no citation markers rendered"
    assert links <= _anchors(text)
    assert _anchors(text) == {"source-1", "source-2", "source-3"}
    # source numbering follows the report's source order
    sources_part = text.split("## Sources", 1)[1]
    assert sources_part.index("Riverton Herald") < sources_part.index("State Wire")


def test_timeline_groups_by_date_oldest_first_with_precision_headings(flood: Report) -> None:
    text = render.render_timeline_md(flood)
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings[:-1] == [
        "2023",
        "2024-03",
        "2024-04-01 – 2024-04-03",
        "2024-04-02",
        "2024-04-03",
    ]
    assert headings[-1] == "Sources"


def test_timeline_entry_cites_every_source_and_quotes_each(flood: Report) -> None:
    text = render.render_timeline_md(flood)
    block = text.split("## 2024-04-02", 1)[1].split("## ", 1)[0]
    assert "[[1]](#source-1)[[2]](#source-2)" in block  # herald=1, wire=2: sorted markers
    assert "“Floodwaters breached the Riverton levee on Tuesday, officials said.”" in block
    assert (
        "“Six people were killed when the Riverton levee failed on April 2, police said.”" in block
    )
    assert "sources disagree" in block


def test_quotes_come_out_verbatim_not_live(flood: Report) -> None:
    """Rendered, a quote reads as the source wrote it; in the raw markdown only what a
    renderer would act on is escaped (a tag's ``<``), never quotes or ampersands."""
    from markdown_it import MarkdownIt

    for text in (render.render_timeline_md(flood), render.render_brief_md(flood)):
        assert "& &lt;rising>, said 'the' {{ forecaster }}" in text
        assert "&amp;" not in text and "&#39;" not in text
        html = MarkdownIt("commonmark", {"html": True}).render(text)
        assert "&amp; &lt;rising&gt;, said 'the' {{ forecaster }}" in html
        assert "<rising>" not in html


def test_brief_sections_and_footer(flood: Report) -> None:
    text = render.render_brief_md(flood)
    order = [
        "# Daily brief: 2024-04-03",
        "## Headline",
        "## Key developments",
        "## Where sources disagree",
        "## Per-source summaries",
        "## Timeline",
        "## Sources",
    ]
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)
    dis = text.split("## Where sources disagree", 1)[1].split("## Per-source", 1)[0]
    assert "**4 killed**" in dis and "“Four people died”" in dis
    assert "**6 killed**" in dis and "“Six people were killed”" in dis
    assert "5 miles = 8.0 km" in dis
    assert "Engine: extractive" in text
    assert "stories/broken.txt: empty file" in text


def test_brief_key_developments_get_citations(flood: Report) -> None:
    text = render.render_brief_md(flood)
    dev = text.split("## Key developments", 1)[1].split("## ", 1)[0]
    # matched to the merged event by text -> its source's marker
    assert "- The mayor said repairs would cost $2 million. [[1]](#source-1)" in dev
    # bracketed source ids (llm style) become numbered markers after the line
    assert "- Death toll disputed. [[1]](#source-1)[[2]](#source-2)" in dev


def test_brief_lists_what_only_one_source_reports(flood: Report) -> None:
    text = render.render_brief_md(flood)
    herald = text.split("### [1] Riverton Herald", 1)[1].split("### [2]", 1)[0]
    assert "Only this source reports:" in herald
    assert "2024-04-03: The mayor said repairs would cost $2 million." in herald
    assert "Breach" not in herald


def test_brief_for_a_day_puts_that_day_first_then_context(flood: Report) -> None:
    text = render.render_brief_md(flood, day=dt.date(2024, 4, 2))
    assert text.startswith("# Daily brief: 2024-04-02")
    timeline = text.split("## Timeline", 1)[1].split("## Sources", 1)[0]
    on_day = timeline.index("### On 2024-04-02")
    earlier = timeline.index("### Earlier context")
    later = timeline.index("### Later or expected")
    assert on_day < earlier < later
    assert timeline.index("Floodwaters breached") < earlier
    # the range that covers the day counts as that day's
    assert timeline.index("inspected between April 1 and April 3") < earlier
    assert earlier < timeline.index("Engineers had warned") < later
    assert "**2024-04-02**" not in timeline  # the section heading names the day already
    assert "**2024-04-01 – 2024-04-03**" in timeline[on_day:earlier]
    assert timeline.index("repairs would cost") > later


def test_model_drop_count_in_footer(flood: Report) -> None:
    stats = RunStats(
        engine=Engine.LLM, model="local", model_events_proposed=17, model_events_dropped=4
    )
    text = render.render_brief_md(flood.model_copy(update={"stats": stats}))
    assert "Engine: llm, model local" in text
    assert "4 of 17 model events had no support in the source and were dropped." in text


def test_empty_report_renders() -> None:
    report = Report(
        sources=(), events=(), disagreements=(), stats=RunStats(engine=Engine.EXTRACTIVE)
    )
    brief = render.render_brief_md(report)
    assert "No conflicting figures found." in brief and "No dated events." in brief
    assert "No dated events." in render.render_timeline_md(report)
    assert json.loads(report_json.render_json(report))["events"] == []


@pytest.mark.parametrize(
    ("date", "label"),
    [
        (ResolvedDate(start=dt.date(2025, 6, 30), precision=Precision.DAY), "2025-06-30"),
        (ResolvedDate(start=dt.date(2024, 5, 1), precision=Precision.MONTH), "2024-05"),
        (ResolvedDate(start=dt.date(1998, 1, 1), precision=Precision.YEAR), "1998"),
        (
            ResolvedDate(
                start=dt.date(2024, 3, 1), end=dt.date(2024, 4, 30), precision=Precision.RANGE
            ),
            "2024-03-01 – 2024-04-30",
        ),
    ],
)
def test_date_label(date: ResolvedDate, label: str) -> None:
    assert render.date_label(date) == label


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("a\n  b\tc", None, "a b c"),
        ("word " * 10, 12, "word word w…"),
        ("short", 10, "short"),
    ],
)
def test_one_line(text: str, limit: int | None, expected: str) -> None:
    assert render.one_line(text, limit) == expected


def test_alignment_status_is_in_json(flood: Report) -> None:
    data = json.loads(report_json.render_json(flood))
    statuses = {ev["alignment"] for e in data["events"] for ev in e["evidence"]}
    assert statuses == {AlignmentStatus.EXACT.value}


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        ("Four people died", "“Four people died”"),
        ("“We will rebuild,” the mayor said.", "““We will rebuild,” the mayor said.”"),
        ("'Stay indoors'", "“'Stay indoors'”"),
    ],
)
def test_quotes_are_wrapped_once(quote: str, shown: str) -> None:
    assert render.quoted(quote) == shown

"""The HTML evidence report: text segmentation, escaping, self-containment, content.

``flood_report()`` builds a :class:`Report` by hand (a river flood covered by three
outlets, one of which carries a ``<script>`` tag and a related-articles block); the
chart and browser tests import it from here.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

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
from summarizer.output.html import (
    DROPPED,
    EVIDENCE,
    META,
    PLAIN,
    Span,
    collect_anchors,
    render_html,
    segment_text,
)

GAZETTE = (
    "date: 2024-03-12\n"
    "Floods hit Riverton\n"
    "The River Alder burst its banks on Monday, flooding 300 homes in Riverton, the mayor said. "
    "Two people died and 14 were injured. <script>alert('pwned')</script> "
    "Rescue teams evacuated 1,200 residents overnight.\n"
    "Related Articles\nCelebrity chef opens a new restaurant\nLocal team wins the cup\n"
)
VALLEY = (
    "Heavy rain sent the River Alder over its banks on Monday. "
    "Officials said three people were killed and a dozen hurt. "
    "The water rose 2 metres in an hour. "
    "In May last year, a smaller flood damaged the old bridge."
)
WIRE = (
    "Riverton flood: about 300 homes were flooded after the Alder burst its banks, "
    "the mayor said on Monday. The flood defences, built in 2019, failed."
)


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def _evidence(source: str, text: str, quote: str, **kw: object) -> Evidence:
    start, end = _span(text, quote)
    return Evidence(source=source, quote=quote, start=start, end=end, **kw)  # type: ignore[arg-type]


def _claim(source: str, text: str, quote: str, value: str) -> Claim:
    start, end = _span(text, quote)
    return Claim(source=source, value=value, quote=quote, start=start, end=end)


def _day(iso: str) -> ResolvedDate:
    return ResolvedDate(start=dt.date.fromisoformat(iso), precision=Precision.DAY)


def _source_report(
    source: Source, dropped: tuple[DroppedRange, ...] = (), proposed: int = 0, gate: int = 0
) -> SourceReport:
    kept = (CharInterval(start=source.header_end, end=len(source.text)),)
    first = source.text[source.header_end :].split(". ")[0]
    start = source.text.index(first)
    summary = (SummarySentence(text=first, start=start, end=start + len(first)),)
    extraction = SourceExtraction(
        source_id=source.id,
        summary=summary,
        events=(),
        engine=Engine.LLM,
        proposed_events=proposed,
        dropped_events=gate,
    )
    cleaned = CleanedSource(source=source, kept=kept, dropped=dropped)
    return SourceReport(source=source, cleaned=cleaned, extraction=extraction)


def flood_report(*, with_failure: bool = True) -> Report:
    """A three-outlet river flood story, built by hand."""
    gazette = Source(
        id="gazette",
        path="in/gazette.txt",
        text=GAZETTE,
        title="Floods hit Riverton",
        outlet="Riverton Gazette",
        published=dt.date(2024, 3, 12),
        published_from=DateOrigin.HEADER,
        header_end=len("date: 2024-03-12\n"),
    )
    valley = Source(id="valley", path="in/valley.txt", text=VALLEY, outlet="Valley News")
    wire = Source(id="wire", path="in/wire.txt", text=WIRE, title="Riverton flood")
    related = GAZETTE.index("Related Articles")
    dropped = (DroppedRange(start=related, end=len(GAZETTE), reason="related-articles"),)

    burst = MergedEvent(
        id="e-burst",
        date=_day("2024-03-11"),
        text="The River Alder burst its banks, flooding 300 homes in Riverton.",
        sources=("gazette", "valley", "wire"),
        evidence=(
            _evidence(
                "gazette",
                GAZETTE,
                "The River Alder burst its banks on Monday, flooding 300 homes in Riverton, "
                "the mayor said.",
                date_expression="on Monday",
            ),
            _evidence(
                "valley", VALLEY, "Heavy rain sent the River Alder over its banks on Monday."
            ),
            _evidence(
                "wire",
                WIRE,
                "about 300 homes were flooded after the Alder burst its banks",
                alignment=AlignmentStatus.FUZZY,
            ),
        ),
        importance=3.0,
    )
    toll = MergedEvent(
        id="e-toll",
        date=_day("2024-03-11"),
        text="Two people died and 14 were injured.",
        sources=("gazette", "valley"),
        evidence=(
            _evidence("gazette", GAZETTE, "Two people died and 14 were injured."),
            _evidence(
                "valley", VALLEY, "Officials said three people were killed and a dozen hurt."
            ),
        ),
        importance=2.5,
    )
    rescue = MergedEvent(
        id="e-rescue",
        date=_day("2024-03-12"),
        text="Rescue teams evacuated 1,200 residents overnight.",
        sources=("gazette",),
        evidence=(
            _evidence("gazette", GAZETTE, "Rescue teams evacuated 1,200 residents overnight."),
        ),
    )
    bridge = MergedEvent(
        id="e-bridge",
        date=ResolvedDate(start=dt.date(2023, 5, 1), precision=Precision.MONTH),
        text="A smaller flood damaged the old bridge.",
        sources=("valley",),
        evidence=(
            _evidence(
                "valley", VALLEY, "In May last year, a smaller flood damaged the old bridge."
            ),
        ),
    )
    defences = MergedEvent(
        id="e-defences",
        date=ResolvedDate(start=dt.date(2019, 1, 1), precision=Precision.YEAR),
        text="The flood defences were built in 2019 <and failed>.",
        sources=("wire",),
        evidence=(_evidence("wire", WIRE, "The flood defences, built in 2019, failed."),),
    )
    killed = Disagreement(
        event="e-toll",
        topic="killed",
        claims=(
            _claim("gazette", GAZETTE, "Two people died", "2 killed"),
            _claim("valley", VALLEY, "three people were killed", "3 killed"),
        ),
        note="2 vs 3",
    )
    homes = Agreement(
        event="e-burst",
        topic="homes",
        claims=(
            _claim("gazette", GAZETTE, "flooding 300 homes", "300 homes"),
            _claim("wire", WIRE, "about 300 homes", "about 300 homes"),
        ),
        note="300 homes agrees with about 300 homes",
    )
    failures = (
        (InputFailure(path="in/broken.pdf", reason="in/broken.pdf: not a text file; convert it"),)
        if with_failure
        else ()
    )
    return Report(
        sources=(
            _source_report(gazette, dropped, proposed=6, gate=2),
            _source_report(valley),
            _source_report(wire),
        ),
        events=(burst, toll, rescue, bridge, defences),
        disagreements=(killed,),
        agreements=(homes,),
        failures=failures,
        headline="River Alder floods 300 homes in Riverton; sources differ on the death toll",
        key_developments=("Two people died and 14 were injured.", "Schools stay closed."),
        stats=RunStats(
            engine=Engine.LLM,
            model="scripted-test-model",
            model_events_proposed=6,
            model_events_dropped=2,
        ),
    )


# --------------------------------------------------------------------------- segmentation


def _kinds(segments: list) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in segments]


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        pytest.param(
            "Quake of magnitude 6.1 hit Izmir.",
            [],
            [(PLAIN, "Quake of magnitude 6.1 hit Izmir.")],
            id="no-spans",
        ),
        pytest.param(
            "Polls closed at 8pm. Turnout was 61%.",
            [Span(21, 37, EVIDENCE, "e1", "a1")],
            [(PLAIN, "Polls closed at 8pm. "), (EVIDENCE, "Turnout was 61%.")],
            id="one-quote-at-end",
        ),
        pytest.param(
            "Revenue rose 12%. Profit fell 3%.",
            [Span(0, 17, EVIDENCE, "e1", "a1"), Span(9, 33, EVIDENCE, "e2", "a2")],
            [
                (EVIDENCE, "Revenue r"),
                (EVIDENCE, "ose 12%."),
                (EVIDENCE, " Profit fell 3%."),
            ],
            id="overlapping-quotes-cut-at-each-boundary",
        ),
        pytest.param(
            "Storm warning. Share this story! Subscribe now.",
            [Span(15, 47, DROPPED, note="share-prompt"), Span(0, 14, EVIDENCE, "e1", "a1")],
            [
                (EVIDENCE, "Storm warning."),
                (PLAIN, " "),
                (DROPPED, "Share this story! Subscribe now."),
            ],
            id="evidence-then-dropped",
        ),
        pytest.param(
            "date: 2023-02-06\nThe quake struck at dawn.",
            [Span(0, 17, META), Span(17, 42, EVIDENCE, "e1", "a1")],
            [(META, "date: 2023-02-06\n"), (EVIDENCE, "The quake struck at dawn.")],
            id="metadata-line",
        ),
        pytest.param(
            "Dam breached.",
            [Span(-5, 3, EVIDENCE, "e1", "a1"), Span(8, 99, DROPPED), Span(4, 4, EVIDENCE, "e2")],
            [(EVIDENCE, "Dam"), (PLAIN, " brea"), (DROPPED, "ched.")],
            id="clamped-and-empty-spans",
        ),
    ],
)
def test_segment_text_cuts_in_order(text: str, spans: list[Span], expected: list) -> None:
    segments = segment_text(text, spans)
    assert _kinds(segments) == expected
    assert "".join(s.text for s in segments) == text
    assert all(text[s.start : s.end] == s.text for s in segments)


def test_overlap_lists_both_events_and_anchors_where_quotes_start() -> None:
    segments = segment_text(
        "Revenue rose 12%. Profit fell 3%.",
        [Span(0, 17, EVIDENCE, "e1", "a1"), Span(9, 33, EVIDENCE, "e2", "a2")],
    )
    assert [s.events for s in segments] == [("e1",), ("e1", "e2"), ("e2",)]
    assert [s.anchors for s in segments] == [("a1",), ("a2",), ()]


def test_evidence_inside_dropped_text_is_still_marked_and_flagged() -> None:
    segments = segment_text(
        "Story. Related: teaser quote here.",
        [Span(7, 34, DROPPED, note="related"), Span(16, 28, EVIDENCE, "e9", "a9")],
    )
    marked = [s for s in segments if s.kind == EVIDENCE]
    assert len(marked) == 1 and marked[0].in_dropped and marked[0].text == "teaser quote"


def test_adjacent_spans_of_the_same_quote_stay_one_segment() -> None:
    spans = [Span(0, 5, EVIDENCE, "e1", "a1", note="n"), Span(5, 9, DROPPED), Span(5, 9, DROPPED)]
    segments = segment_text("Flood zone", spans)
    assert _kinds(segments) == [(EVIDENCE, "Flood"), (DROPPED, " zon"), (PLAIN, "e")]


# --------------------------------------------------------------------------- rendering


class _Collector(HTMLParser):
    """Counts tags and collects attributes of a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.data.append(data)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(flood_report())


@pytest.fixture(scope="module")
def parsed(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


def test_article_script_stays_text(page: str, parsed: _Collector) -> None:
    assert sum(1 for tag, _ in parsed.tags if tag == "script") == 1  # our own script only
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "The flood defences were built in 2019 &lt;and failed&gt;." in page


def test_page_is_self_contained(page: str, parsed: _Collector) -> None:
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "action", "data"):
            value = attrs.get(name) or ""
            assert not re.match(r"(https?:)?//", value), f"<{tag} {name}={value}> fetches"
        assert tag not in {"link", "img", "iframe", "object", "embed"}
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # the CSP forbids any fetch


def test_every_quote_is_marked_and_linked_from_its_entry(page: str, parsed: _Collector) -> None:
    report = flood_report()
    marks = [a for tag, a in parsed.tags if tag == "mark"]
    marked_events = {e for a in marks for e in (a.get("data-events") or "").split()}
    assert marked_events == {e.id for e in report.events}
    ids = {a["id"] for _, a in parsed.tags if a.get("id")}
    anchors = collect_anchors(report)
    for event in report.events:
        assert f"entry-{event.id}" in ids
        for source in event.sources:
            anchor = anchors.first[(event.id, source)]
            assert anchor in ids
            assert f'href="#{anchor}" data-goto="{event.id}" data-source="{source}"' in page


def test_sources_text_is_complete_in_the_page(parsed: _Collector) -> None:
    text = "".join(parsed.data)
    for body in (VALLEY, WIRE):
        assert body in text
    assert "Two people died and 14 were injured." in text


def test_dropped_junk_is_greyed_with_reason(parsed: _Collector) -> None:
    dropped = [
        a
        for _, a in parsed.tags
        if "dropped" in (a.get("class") or "").split() and "data-start" in a
    ]
    assert len(dropped) == 1
    assert "related-articles" in (dropped[0].get("title") or "")
    assert int(dropped[0]["data-start"] or -1) == GAZETTE.index("Related Articles")


def test_fuzzy_quotes_and_metadata_are_told_apart(parsed: _Collector) -> None:
    classes = [(a.get("class") or "") for tag, a in parsed.tags if tag == "mark"]
    assert sum("fuzzy" in c for c in classes) == 1
    assert any("metaline" in (a.get("class") or "") for _, a in parsed.tags)


def test_disagreement_side_by_side_with_quotes(page: str) -> None:
    block = page[page.index('class="card disagreement"') :]
    block = block[: block.index('class="card agreement"')]
    assert block.count('class="claim"') == 2
    assert "2 killed" in block and "3 killed" in block
    assert "“Two people died”" in block and "“three people were killed”" in block
    assert "Riverton Gazette" in block and "Valley News" in block


def test_agreement_failures_and_model_drops_listed(page: str) -> None:
    assert "300 homes agrees with about 300 homes" in page
    assert "in/broken.pdf: not a text file; convert it" in page
    assert "dropped because no source supports them: <b>2</b>" in page
    assert "Model claims without support in this text, dropped: 2 of 6." in page


def test_timeline_grouped_by_date_oldest_first(parsed: _Collector, page: str) -> None:
    labels = re.findall(r'<div class="date"><span>([^<]+)</span>', page)
    assert labels == ["2019", "2023-05", "2024-03-11", "2024-03-12"]
    assert "sources disagree" in page[page.index('id="entry-e-toll"') :][:2000]


def test_chart_is_inline_and_links_to_entries(page: str) -> None:
    assert page.count("<svg") == 1
    assert 'href="#entry-e-burst"' in page


def test_no_failures_says_so() -> None:
    assert "No input failed." in render_html(flood_report(with_failure=False))


def test_key_development_matching_an_event_is_linked(page: str) -> None:
    dev = page[page.index("<h2>Key developments</h2>") : page.index('id="disagreements"')]
    assert 'data-goto="e-toll"' in dev
    assert "Schools stay closed." in dev


def test_long_dropped_junk_is_folded_but_kept() -> None:
    teaser = "Related Articles\n" + "Markets rally as tech stocks climb again. " * 12
    text = "Wildfire forces 2,000 to flee in Evia.\n" + teaser
    source = Source(id="wire", path="wire.txt", text=text)
    dropped = (DroppedRange(start=text.index("Related"), end=len(text), reason="related-articles"),)
    report = Report(
        sources=(_source_report(source, dropped),),
        events=(),
        disagreements=(),
        stats=RunStats(engine=Engine.EXTRACTIVE),
    )
    page = render_html(report)
    block = page[page.index('<details class="dropped-block"') :]
    assert block.index("Markets rally") < block.index("</details>")
    assert f"{len(teaser)} characters" in block
    assert "No dated events were found." in page
    assert "No disagreement found" in page

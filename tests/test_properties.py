"""Property-based tests (issue 5) that add to the ones beside each stage.

Already in the suite, and listed with these in docs/reliability.md:
test_ground.py::test_property_accepted_quotes_are_source_spans,
test_ground.py::test_property_substrings_align_exactly,
test_dates.py::test_never_raises_and_respects_precision,
test_dates.py::test_arbitrary_text_and_extreme_dates,
test_clean.py::test_offsets_stay_inside_and_cover_the_text,
test_clean.py::test_any_text_cleans_without_error,
test_segment.py::test_offsets_always_exact.

Here: the aligner over any Unicode text and any hint (exact means
``text[start:end] == quote``, and the occurrence chosen is the nearest one, as a
brute-force scan finds it); the grounding gate keeps ``source.text[start:end] ==
quote`` for every event it lets through; model-written temporal expressions
never make the dates stage raise; cleaning and segmenting any Unicode text
never give offsets outside it.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.models import (
    AlignmentStatus,
    Engine,
    Event,
    Precision,
    Source,
    SourceExtraction,
)
from summarizer.stages import clean, dates, ground, segment

WORDS = st.sampled_from(
    [
        "flood",
        "levee",
        "Tuesday",
        "late",
        "Monday",
        "last",
        "week",
        "May",
        "2024",
        "on",
        "the",
        "said",
        "12",
        "3,000",
        "ago",
        "days",
        "early",
        "next",
        "month",
        "in",
        "year",
        "’",
        "“",
        "—",
        ".",
        ",",
        "\n",
        "١٢",
        "Ⅻ",
        "ß",
        "İ",
        "é",
        "\u00a0",
        "🙂",
    ]
)
TEXTS = st.one_of(st.text(max_size=150), st.lists(WORDS, max_size=40).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, data=st.data())
def test_exact_alignment_is_the_quote_at_the_nearest_occurrence(
    text: str, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, len(text)))
    quote = text[i:j]
    hint = data.draw(st.one_of(st.none(), st.integers(-5, len(text) + 5)))
    g = ground.align(quote, text, hint_start=hint)
    if not quote.strip():
        assert g.status is AlignmentStatus.NONE
        return
    assert g.status is AlignmentStatus.EXACT and g.interval is not None
    start, end = g.interval.start, g.interval.end
    assert text[start:end] in (quote, quote.strip())
    if text[start:end] == quote:
        found = [p for p in range(len(text) - len(quote) + 1) if text.startswith(quote, p)]
        if hint is None:
            assert start == found[0]
        else:
            clamped = max(0, min(hint, len(text)))
            assert abs(start - clamped) == min(abs(p - clamped) for p in found)


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, quote=TEXTS)
def test_any_accepted_quote_is_a_span_inside_the_text(text: str, quote: str) -> None:
    g = ground.align(quote, text)
    if g.status is AlignmentStatus.NONE:
        assert g.interval is None
        return
    assert g.interval is not None
    assert 0 <= g.interval.start < g.interval.end <= len(text)
    if g.status is AlignmentStatus.EXACT:
        assert text[g.interval.start : g.interval.end] in (quote, quote.strip())


@settings(max_examples=150, deadline=None)
@given(text=TEXTS, quotes=st.lists(TEXTS, max_size=5))
def test_the_gate_lets_through_only_source_spans(text: str, quotes: list[str]) -> None:
    source = Source(id="wire", path="wire.txt", text=text)
    events = tuple(
        Event(
            source_id="wire",
            text=q or "x",
            quote=q or "x",
            start=0,
            end=0,
            alignment=AlignmentStatus.NONE,
            engine=Engine.LLM,
        )
        for q in quotes
    )
    ext = SourceExtraction(source_id="wire", summary=(), events=events, engine=Engine.LLM)
    grounded = ground.ground_extraction(ext, source)
    assert len(grounded.events) + grounded.dropped_events <= len(events)
    for event in grounded.events:
        assert text[event.start : event.end] == event.quote
        assert event.alignment is not AlignmentStatus.NONE


EXPRESSIONS = st.one_of(st.text(max_size=40), st.lists(WORDS, min_size=1, max_size=6).map(" ".join))


@settings(max_examples=200, deadline=None)
@given(
    expression=EXPRESSIONS,
    model_date=st.one_of(st.none(), st.text(max_size=10), st.just("2024-02-30")),
    published=st.one_of(st.none(), st.dates()),
)
def test_model_temporal_expressions_never_break_dating(
    expression: str, model_date: str | None, published: dt.date | None
) -> None:
    text = f"The levee failed {expression}, officials said."
    source = Source(id="wire", path="wire.txt", text=text, published=published)
    event = Event(
        source_id="wire",
        text="The levee failed.",
        quote=text,
        start=0,
        end=len(text),
        alignment=AlignmentStatus.EXACT,
        temporal_expression=expression or None,
        model_date=model_date,
        engine=Engine.LLM,
    )
    ext = SourceExtraction(source_id="wire", summary=(), events=(event,), engine=Engine.LLM)
    (dated,) = dates.date_events(ext, source).events
    if dated.date is None:
        return
    if dated.date.precision is Precision.RANGE:
        assert dated.date.end is not None and dated.date.end >= dated.date.start
    else:
        assert dated.date.end is None


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, header=st.integers(0, 200))
def test_clean_and_segment_offsets_stay_inside_any_text(text: str, header: int) -> None:
    source = Source(id="s", path="s.txt", text=text, header_end=min(header, len(text)))
    cleaned = clean.clean(source)
    for kept in cleaned.kept:
        assert 0 <= kept.start <= kept.end <= len(text)
    for dropped in cleaned.dropped:
        assert 0 <= dropped.start <= dropped.end <= len(text)
    for sentence in segment.segment(cleaned):
        assert 0 <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end] == sentence.text

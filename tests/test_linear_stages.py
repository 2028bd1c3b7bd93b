"""Every stage linear in its input (issue 10, item 2): regressions counted, not timed.

Each test feeds a stage a long input and counts the work it does: elements read from a
list, characters copied out of the text (a ``str`` subclass that counts its slices),
Python calls (a profile hook), or peak memory (tracemalloc). A quadratic version
exceeds the bound by two orders of magnitude; a linear one stays a small multiple of
the input. Speed itself is measured by ``bench/bench_growth.py``, not here.
"""

from __future__ import annotations

import datetime as dt
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any, SupportsIndex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer import pipeline
from summarizer.config import Config, EngineChoice
from summarizer.models import (
    CharInterval,
    CleanedSource,
    Evidence,
    MergedEvent,
    Precision,
    Quantity,
    ResolvedDate,
    Source,
)
from summarizer.stages import clean, disagree, revisions, segment
from summarizer.stages.dates import resolve_sentence_date
from summarizer.stages.quantities import comparable, comparable_components


class CountingList(list[Any]):
    """A list that counts the elements handed out by indexing, slicing and iteration."""

    read = 0

    def __getitem__(self, index: SupportsIndex | slice) -> Any:
        item = super().__getitem__(index)
        CountingList.read += len(item) if isinstance(index, slice) else 1
        return item

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            CountingList.read += 1
            yield item


class CountingStr(str):
    """A text that counts the characters copied out of it by slicing."""

    copied = 0

    def __getitem__(self, index: SupportsIndex | slice) -> str:
        piece = super().__getitem__(index)
        CountingStr.copied += len(piece)
        return piece


def _python_calls(func: Any, *args: Any) -> int:
    """How many Python-level calls (generator steps included) ``func(*args)`` makes."""
    calls = 0

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(hook)
    try:
        func(*args)
    finally:
        sys.setprofile(None)
    return calls


def test_find_tail_reads_each_line_a_bounded_number_of_times() -> None:
    """Was: ``any(r is None for r in reasons[:i])`` for every line i, n^2/2 elements
    copied (1M lines: not done after 900 s)."""
    n = 20_000
    lines = [clean.Line(i * 10, i * 10 + 9, f"Line {i:04d}.") for i in range(n)]
    reasons = CountingList([None] * n)
    CountingList.read = 0
    assert clean.find_tail(lines, reasons) is None
    assert CountingList.read <= 4 * n  # the quadratic version read about n^2/2 = 2e8


def test_a_sentence_with_many_dates_is_read_in_linear_time() -> None:
    """Was: ``_is_background`` copied and rescanned the sentence up to each date word, and
    ``_is_attributive`` copied the rest after it (200 KB: 4.2 s; 5 MB: not done in 900 s)."""
    clause = "the council met on Monday, after the river rose in March 2024 "
    text = CountingStr("; ".join([clause] * 800) + ".")  # 50 KB, 1,600 dates, one sentence
    CountingStr.copied = 0
    resolved = resolve_sentence_date(text, dt.date(2025, 7, 1))
    assert resolved is not None and not resolved.from_publication
    assert CountingStr.copied <= 10 * len(text)  # quadratic: about 400 x len(text)


def test_segmenting_a_long_paragraph_copies_linear_text() -> None:
    """Was: ``_split_unit`` copied the rest of the paragraph at every sentence end."""
    text = CountingStr(" ".join(f"The river rose {i} metres." for i in range(3_000)))
    source = Source.model_construct(id="s", path="s.txt", text=text, header_end=0)
    cleaned = CleanedSource.model_construct(
        source=source, kept=(CharInterval(start=0, end=len(text)),), dropped=()
    )
    CountingStr.copied = 0
    sentences = segment.segment(cleaned)
    assert len(sentences) == 3_000
    assert CountingStr.copied <= 5 * len(text)  # quadratic: about 1,500 x len(text)


def test_segmenting_many_quotations_checks_each_boundary_once() -> None:
    """Was: every sentence end was checked against every quotation of its paragraph."""
    text = " ".join(f"\u201cWe counted {i} homes,\u201d the mayor said." for i in range(2_000))
    source = Source(id="q", path="q.txt", text=text)
    cleaned = CleanedSource(source=source, kept=(CharInterval(start=0, end=len(text)),))
    calls = _python_calls(segment.segment, cleaned)
    assert calls <= 100 * 2_000  # quadratic: about 2,000^2 / 2 = 2e6 generator steps


def test_duplicate_check_of_a_huge_text_needs_no_word_list() -> None:
    """Was: ``" ".join(text.split())``: a list of every word (a 100 MB file: over 1 GB)."""
    text = "drone hit plant near city\n" * 200_000  # 5 MB, 1M words
    sources = [Source(id="a", path="a.txt", text=text), Source(id="b", path="b.txt", text=text)]
    tracemalloc.start()
    try:
        kept, notes = pipeline.drop_duplicates(sources)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [s.id for s in kept] == ["a"] and notes
    assert peak <= len(text) // 2  # the word list alone took about 12 x len(text)


def test_a_huge_text_is_cut_with_a_note_naming_what_was_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More than ``MAX_SOURCE_UNITS`` lines and sentence ends: the rest is dropped as
    over-size, and the note says how much was read (a 100 MB file must finish in 60 s
    and 1 GB; shrunk here to 1,000 units)."""
    monkeypatch.setattr(clean, "MAX_SOURCE_UNITS", 1_000)
    lines = [f"Line {i} of a log that is not an article." for i in range(2_500)]
    source = Source(id="big", path="big.txt", text="\n".join(lines))
    cleaned = clean.clean(source)
    cut = [d for d in cleaned.dropped if d.reason == clean.OVERSIZE]
    assert len(cut) == 1 and cut[0].end == len(source.text)
    assert max(k.end for k in cleaned.kept) <= cut[0].start
    assert source.text[cut[0].start :].startswith("Line 500 ")  # a line and a full stop each
    note = clean.oversize_note(cleaned)
    assert note is not None and note.startswith("big.txt: only its first")
    assert "(up to line 500)" in note and "1,000 lines and sentences" in note


def test_a_huge_line_is_cut_at_a_space_within_the_character_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clean, "MAX_SOURCE_CHARS", 10_000)
    source = Source(id="line", path="line.txt", text="word " * 5_000)
    cleaned = clean.clean(source)
    (cut,) = [d for d in cleaned.dropped if d.reason == clean.OVERSIZE]
    assert cut.start <= 10_000 and source.text[cut.start - 1] == " "
    assert cleaned.kept[-1].end <= cut.start and cut.end == len(source.text.rstrip())


def test_an_article_under_the_limits_is_not_cut() -> None:
    source = Source(id="a", path="a.txt", text="The river rose. " * 1000)
    cleaned = clean.clean(source)
    assert all(d.reason != clean.OVERSIZE for d in cleaned.dropped)
    assert clean.oversize_note(cleaned) is None


_KINDS = st.sampled_from(["count", "distance", "percent", "killed", "money"])
_SUBJECTS = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(["peopl", "passeng", "resid"]),  # people in general, and named
    st.lists(
        st.sampled_from(["ukrain", "ukraine", "ukrainian", "kyiv", "ky", "moscow"]), max_size=2
    ).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            _KINDS,
            st.sampled_from([None, "km", "EUR"]),
            _SUBJECTS,
            st.sampled_from([None, "strand", "evacu"]),
        ),
        max_size=12,
    ),
    st.booleans(),
)
def test_comparable_components_are_the_pairwise_components(
    specs: list[tuple[str, str | None, str | None, str | None]], strict: bool
) -> None:
    """The keyed grouping (linear; was every figure against every group, with a list
    ``index`` per figure) gives the same groups as comparing every pair."""
    qs = [
        Quantity(kind=k, value=1.0, unit=u, raw="1", start=i, end=i + 1, subject=s, predicate=p)
        for i, (k, u, s, p) in enumerate(specs)
    ]
    named: dict[tuple[str, str | None, str | None], set[str]] = {}  # named tolls and counts
    for q in qs:
        if q.kind == "killed" and q.subject is not None:
            named.setdefault((q.kind, q.unit, None), set()).add(q.subject)
        if q.kind == "count" and q.subject not in (None, "peopl") and q.predicate:
            named.setdefault((q.kind, q.unit, q.predicate), set()).add(q.subject)

    def linked_pair(a: Quantity, b: Quantity) -> bool:
        """comparable(), except that a toll of people in general (strict) links only to
        the one named toll of its kind, never bridging two named tolls; a count of
        people in general in a state ("people stranded") likewise joins only the one
        other count in that state."""
        general = strict and a.kind == "killed" and (a.subject is None) != (b.subject is None)
        if general and len(named.get((a.kind, a.unit, None), set())) != 1:
            return False
        people = strict and a.kind == "count" and (a.subject == "peopl") != (b.subject == "peopl")
        if people and len(named.get((a.kind, a.unit, a.predicate), set())) != 1:
            return False
        return comparable(a, b, strict=strict)

    groups: list[list[int]] = []  # the previous algorithm, kept as the reference
    for i, q in enumerate(qs):
        linked = [g for g in groups if any(linked_pair(q, qs[j]) for j in g)]
        merged = [i]
        for g in linked:
            merged = g + merged
            groups.remove(g)
        groups.append(sorted(merged))
    assert comparable_components(qs, strict=strict) == sorted(groups, key=lambda g: g[0])


def test_grouping_the_figures_of_one_event_is_linear() -> None:
    """Was: each figure compared with every group so far, and ``list.index`` (pydantic
    equality) to sort them: 1,450 figures of one long sentence took 105 s."""
    figures = [
        (
            f"s{i % 50}",
            Quantity(
                kind="count",
                value=i,
                raw=str(i),
                start=i,
                end=i + 1,
                subject=("home", "car", "school")[i % 3],  # "person" alone is no subject
            ),
        )
        for i in range(3_000)
    ]
    calls = _python_calls(disagree._same_things, figures)
    groups = disagree._same_things(figures)
    assert [len(g) for g in groups] == [1_000, 1_000, 1_000]
    assert calls <= 20 * len(figures)  # quadratic: about 3,000^2 / 2 = 4.5e6


def test_a_revising_figure_looks_only_at_figures_it_could_revise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was: every revising figure was compared with every figure of the run (1,000
    real-length articles: 11 million comparisons, 6 s)."""
    day = dt.date(2025, 3, 4)

    def entry(event_id: str) -> MergedEvent:
        return MergedEvent(
            id=event_id,
            date=ResolvedDate(start=day, precision=Precision.DAY),
            text="t",
            sources=("a",),
            evidence=(Evidence(source="a", quote="t", start=0, end=1),),
        )

    earlier, later = entry("e1"), entry("e2")

    def fig(event: MergedEvent, i: int, kind: str, revising: bool) -> revisions.Figure:
        q = Quantity(kind=kind, value=i, raw=str(i), start=0, end=1, unit="USD")
        return revisions.Figure(event, "a", q, day, revising=revising)

    figures = [fig(later, i, "money", True) for i in range(100)]
    figures += [fig(earlier, i, "money", False) for i in range(100)]
    figures += [fig(earlier, i, "percent", False) for i in range(3_000)]
    calls = 0
    real = revisions.comparable

    def counting(*args: Any, **kwargs: Any) -> bool:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(revisions, "comparable", counting)
    assert revisions.link_across(figures, revisions.Relatedness([earlier, later])) == []
    assert calls <= 100 * 100  # each revising figure against the 100 earlier money figures


def test_one_sentence_of_many_values_is_checked_in_linear_time() -> None:
    """A sentence stating thousands of values of one thing is two things (not a dispute):
    found by placing each figure in its sentence once and sweeping the values, not by
    comparing every pair."""
    parts = [f"{i} homes" for i in range(1, 3_001)]
    quote = ", ".join(parts) + "."
    figures, pos = [], 0
    for i, part in enumerate(parts, start=1):
        raw = str(i)
        figures.append(
            (
                "s",
                Quantity(
                    kind="count", value=i, raw=raw, start=pos, end=pos + len(raw), subject="home"
                ),
            )
        )
        pos += len(part) + 2
    event = MergedEvent(
        id="e",
        date=ResolvedDate(start=dt.date(2025, 1, 1), precision=Precision.DAY),
        text=quote,
        sources=("s",),
        evidence=(Evidence(source="s", quote=quote, start=0, end=len(quote)),),
    )
    calls = _python_calls(disagree._two_things, event, figures, {})
    assert disagree._two_things(event, figures, {})
    assert calls <= 40 * len(figures)  # every pair: 4.5e6 comparisons


def test_sides_of_many_values_are_found_in_linear_time() -> None:
    """Thousands of sources each giving its own value: which values conflict (a source of
    their own, published within the window of another's) without comparing every pair."""
    day = dt.date(2025, 1, 1)
    groups = [
        [(f"s{k}", Quantity(kind="count", value=k, raw=str(k), start=0, end=1, subject="home"))]
        for k in range(3_000)
    ]
    published = {f"s{k}": day + dt.timedelta(days=30 * k) for k in range(3_000)}
    published["s1"] = day  # only s0 and s1 are one news cycle
    calls = _python_calls(disagree._conflicting, groups, published)
    assert [g[0][0] for g in disagree._conflicting(groups, published)] == ["s0", "s1"]
    assert calls <= 40 * len(groups)


def test_the_json_document_is_written_one_item_at_a_time(tmp_path: Path) -> None:
    """Was: the whole report as typed models, then as plain data, then as text (a run of
    20,000 articles: about 1.4 GB for a 170 MB document). Same text, a fraction of it."""
    from summarizer.output.report_json import document_text, render_json, report_v1

    for i in range(40):  # one story: every outlet reports the same figures
        (tmp_path / f"a{i:02d}.txt").write_text(
            f"date: 2025-03-0{1 + i % 2}\n\nFloods in Lake Orvena killed {12 + i % 3} people "
            f"on Monday and forced {340 + i % 2} families from their homes, the mayor said. "
            f"Rescue teams pulled {25 + i % 4} people from flooded houses, officials said.\n",
            encoding="utf-8",
        )
    report = pipeline.run([tmp_path], Config(engine=EngineChoice.EXTRACTIVE, quiet=True))
    assert report.events and report.disagreements
    peaks = []
    for write in (lambda: render_json(report), lambda: document_text(report_v1(report))):
        tracemalloc.start()
        try:
            text = write()
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert render_json(report) == document_text(report_v1(report)) == text
    assert peaks[0] <= 0.6 * peaks[1]  # was the same code: equal peaks


def test_comparing_a_heavily_covered_entry_reads_its_quotes_linearly() -> None:
    """Was: each figure's quote was looked up by scanning all the entry's quotes
    (``claim_for``, ``revisions.figure``, ``_two_things``), so one entry cited by 20,000
    articles took 15.8 s to compare; the quotes are now grouped by source once an entry."""

    def read_for(n: int) -> int:
        day = dt.date(2025, 5, 6)
        sources = [f"s{i}" for i in range(n)]
        said = {s: ("40", "forty")[i % 2] for i, s in enumerate(sources)}  # one value
        quotes = {s: f"Officials said {said[s]} homes were flooded." for s in sources}
        figures = {
            s: Quantity(
                kind="count", value=40, raw=said[s], start=15, end=15 + len(said[s]), subject="home"
            )
            for s in sources
        }
        event = MergedEvent.model_construct(
            id="e",
            date=ResolvedDate(start=day, precision=Precision.DAY),
            text=quotes["s0"],
            sources=tuple(sources),
            evidence=CountingList(
                Evidence(source=s, quote=quotes[s], start=0, end=len(quotes[s])) for s in sources
            ),
            quantities={s: (figures[s],) for s in sources},
            importance=0.0,
        )
        CountingList.read = 0
        found = disagree.compare([event], dict.fromkeys(sources, day))
        assert len(found.agreements[0].claims) == n  # every source's quote is cited
        return CountingList.read

    small, large = read_for(200), read_for(2_000)
    assert large <= 20 * small  # ten times the quotes; quadratic reads 100 times as many

"""A bounded fuzz run (issue 5): random bytes through ingest, clean, segment and the
extractive engine with the grounding gate.

Hypothesis drives it, bounded by ``max_examples`` and a per-example deadline, so
it stays a few seconds in CI. Besides raw random bytes it mutates real article
bytes (flipped bytes, truncation, inserted NULs, BOMs and HTML), which reaches
much deeper into the stages than noise does. Nothing may raise except the
documented way to fail: an :class:`~summarizer.models.InputFailure` from ingest
with a one-line reason. Every offset must stay inside the decoded text.
(test_ingest.py::test_random_bytes_never_crash_ingest fuzzes ingest and clean alone.)
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import FLOOD, QUAKE, VOTE

from summarizer.engines import extractive
from summarizer.stages import clean, ground, segment
from summarizer.stages.ingest import ingest

SEEDS = [a.encode("utf-8") for a in (FLOOD, VOTE, QUAKE)] + [
    b"<html><body><p>date: 2024-01-02</p><p>The dam failed on Monday, officials said.</p>"
    b"<script>x()</script></body></html>",
    b'{"id": "w1", "text": "Markets fell 3% on Friday, traders said.", "date": "2024-03-01"}\n',
]
INSERTS = st.sampled_from(
    [
        b"\x00",
        b"\xff\xfe",
        b"\xef\xbb\xbf",
        b"<script>",
        b"</p>",
        b"\r\n",
        b"\xe2\x80",
        b"{{",
        b"\n\n",
    ]
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "insert", "cut"]))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(INSERTS)
        else:
            del data[pos:]
    return bytes(data)


FUZZ = settings(
    max_examples=150,
    deadline=None,  # no clock in tests: speed is measured in bench/
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check(path: Path) -> None:
    result = ingest([path])
    assert result.sources or result.failures
    for failure in result.failures:
        assert failure.reason and "\n" not in failure.reason
    for source in result.sources:
        text = source.text
        cleaned = clean.clean(source)
        assert all(0 <= k.start <= k.end <= len(text) for k in cleaned.kept)
        sentences = segment.segment(cleaned)
        for sentence in sentences:
            assert text[sentence.start : sentence.end] == sentence.text
        ext = ground.ground_extraction(extractive.extract(cleaned, sentences), source)
        for event in ext.events:
            assert text[event.start : event.end] == event.quote


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_random_bytes(data: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    _check(path)


@FUZZ
@given(data=mutated(), suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_mutated_articles(data: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    _check(path)

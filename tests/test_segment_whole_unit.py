"""Segment's shortcuts keep its answers: the sentence-end pattern with its first
punctuation mark on its own (so sre skips to the next one) finds the same ends, a
unit with no cut is one span without the cut loop, since every unit is stripped, and
the word before a sentence end is read backwards as the former pattern found it."""

from __future__ import annotations

import re
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.stages import segment

_FORMER_BOUNDARY = re.compile(r"([.!?…]+)(['\"”’)\]]*)(\s+)(?=\S)")

_CHARS = ".!?…'\"”’)]([“ \n\t\r\xa0\u2003aZ1_-"
_TEXT = st.text(alphabet=_CHARS, max_size=60)


@settings(max_examples=1500, deadline=None)
@given(_TEXT, st.integers(0, 60), st.integers(0, 60))
def test_the_boundary_pattern_finds_what_it_did(text: str, a: int, b: int) -> None:
    start, end = min(a, b, len(text)), min(max(a, b), len(text))

    def found(pattern: re.Pattern[str]) -> list[tuple[tuple[int, int], tuple[str, ...]]]:
        return [(m.span(), m.groups()) for m in pattern.finditer(text, start, end)]

    assert found(segment._BOUNDARY) == found(_FORMER_BOUNDARY)


_LINE_CHARS = " \t\r\xa0\u2003\u2028abc.X"
_LINES = st.lists(st.text(alphabet=_LINE_CHARS, max_size=12), max_size=8).map("\n".join)


@settings(max_examples=1500, deadline=None)
@given(_LINES, st.integers(0, 20), st.integers(0, 20))
def test_every_unit_is_stripped_so_a_whole_unit_is_its_span(text: str, a: int, b: int) -> None:
    start, end = min(a, b, len(text)), min(max(a, b), len(text))
    for unit in segment._units(text, start, end):
        assert unit.start < unit.end
        assert segment._strip_span(text, unit.start, unit.end) == (unit.start, unit.end)
        former = []  # the cut loop over the unit's two ends
        for s, e in pairwise([unit.start, unit.end]):
            s, e = segment._strip_span(text, s, e)
            if segment._ALNUM.search(text, s, e):
                former.append((s, e))
        assert segment._whole(text, unit) == former


_FORMER_PREV_WORD = re.compile(r"([\w.’'-]*)$")
_WORD_CHARS = "aZ1²_.’'-\n \t\xa0é,”)"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=_WORD_CHARS, max_size=70), st.integers(0, 70))
def test_the_word_before_is_what_the_former_pattern_found(text: str, at: int) -> None:
    pos = min(at, len(text))
    match = _FORMER_PREV_WORD.search(text, max(0, pos - 40), pos)
    assert segment._prev_word(text, pos) == (match.group(1) if match else "")

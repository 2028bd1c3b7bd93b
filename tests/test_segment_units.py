"""A kept range of one line (clean keeps lines) is its own paragraph unit, stripped, or
none when blank: the same unit the several-lines path makes of it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from summarizer.stages import segment

_LINES = st.lists(
    st.sampled_from(["a", "B.", " ", "\t", "\r", "\x0b", "\x85", "\u2028", "\u3000"])
).map("".join)


@given(_LINES, st.integers(0, 3), st.integers(0, 3))
def test_one_line_is_the_unit_the_paragraph_path_makes(line: str, lead: int, trail: int) -> None:
    text = "x\n" * lead + line + "\ny" * trail
    start, end = 2 * lead, 2 * lead + len(line)
    assert list(segment._units(text, start, end)) == list(segment._paragraphs(text, start, end))


def test_a_blank_line_has_no_unit() -> None:
    assert list(segment._units("a\n \t \nb", 2, 5)) == []
    assert list(segment._units("  One line.  ", 0, 13)) == [segment._Unit(2, 11, 1)]

"""Byline's shared pre-test (an ASCII line holding none of the words that the
contributed, staff and writes-for patterns need is no such byline) keeps its answers:
the same lines are bylines as when each pattern is tried behind its own needs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.stages import clean

_PIECES = [
    "Jane Roe",
    "JOHN DOE",
    "Ann",
    "is",
    "a",
    "staff",
    "writer",
    "Writer",
    "reporter",
    "Correspondent",
    "columnist",
    "editor",
    "journalist",
    "contributor",
    "contributed",
    "CONTRIBUTED",
    "reporting",
    "to this report",
    "to the story",
    "to this article",
    "writes",
    "Reports",
    "reported",
    "for",
    "from",
    "The Washington Post",
    "the Associated Press",
    "Kabul",
    "and",
    ",",
    ".",
    " ",
    "  ",
    "\u017f",  # LONG S: folds to "s" when a pattern ignores case
    "\u212a",  # KELVIN SIGN
    "é",
]


def _former(line: clean.Line, low: str | None) -> bool:
    """_is_byline before the shared pre-test: each pattern behind its own needs."""
    t = line.text
    if line.words > 40:
        return False
    by = clean._BYLINE.match(t)
    if by and line.words <= 15 and not clean._NOT_NAMES.match(by.group("names")):
        rest = by.group("rest")
        if not rest.rstrip().endswith(("!", "?")) and not clean.re.search(r"\.\s*$", rest):
            return True
    if clean._REPORTING_BY.match(t) or (
        clean._may_match(clean._CONTRIBUTED_NEEDS, t, low) and clean._CONTRIBUTED.match(t)
    ):
        return True
    if clean._may_match(clean._STAFF_NEEDS, t, low) and clean._STAFF.match(t) and line.words <= 25:
        return True
    may_write = clean._may_match(clean._WRITES_FOR_NEEDS, t, low)
    writes = clean._WRITES_FOR.match(t) if may_write else None
    return bool(writes and line.words <= 16 and clean._outlet_like(writes.group("outlet")))


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map(" ".join))
def test_bylines_are_those_found_behind_each_patterns_needs(text: str) -> None:
    line = clean.Line(0, len(text), text)
    low = text.lower() if text.isascii() else None
    assert clean._is_byline(line, low) == _former(line, low)
    assert clean._is_byline(line) == _former(line, None)


def test_each_needed_word_holds_a_shared_word() -> None:
    for needs in (clean._CONTRIBUTED_NEEDS, clean._STAFF_NEEDS, clean._WRITES_FOR_NEEDS):
        _, starts, inside = needs
        assert not starts  # the shared test looks inside the line only
        for word in inside:
            assert word == word.lower()
            assert any(shared in word for shared in clean._BY_WORDS)


def test_a_staff_byline_is_still_found() -> None:
    text = "Jane Roe is a staff writer for the paper."
    assert clean._is_byline(clean.Line(0, len(text), text), text.lower())

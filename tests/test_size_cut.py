"""``clean.size_cut`` counts the unit ends (line breaks, . ! ? …) in C and finds them one
by one only past the limit: the same cut as finding every one (the former code, below)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer.stages import clean

_UNIT_END = re.compile(r"[\n.!?…]")


def _former(text: str, start: int) -> int:
    hard = start + clean.MAX_SOURCE_CHARS
    for units, m in enumerate(_UNIT_END.finditer(text, start, min(hard, len(text))), 1):
        if units >= clean.MAX_SOURCE_UNITS:
            return m.end()
    if len(text) <= hard:
        return len(text)
    floor = max(start, hard - clean._CUT_WINDOW)
    for sep in ("\n", " "):
        at = text.rfind(sep, floor, hard)
        if at > start:
            return at
    return hard


_TEXTS = st.lists(st.sampled_from([*"ab \n.!?…\r\t", "...", "\u2026\u2026"])).map("".join)


@given(_TEXTS, st.integers(0, 12), st.integers(1, 8), st.integers(1, 40))
def test_size_cut_is_the_former_cut(text: str, start: int, units: int, chars: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clean, "MAX_SOURCE_UNITS", units)
        patch.setattr(clean, "MAX_SOURCE_CHARS", chars)
        patch.setattr(clean, "_CUT_WINDOW", 5)
        start = min(start, len(text))
        assert clean.size_cut(text, start) == _former(text, start)


def test_the_limit_exactly_reached_cuts_after_its_last_unit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clean, "MAX_SOURCE_UNITS", 3)
    assert clean.size_cut("a. b. c. d", 0) == len("a. b. c.")
    assert clean.size_cut("a. b. c", 0) == len("a. b. c")

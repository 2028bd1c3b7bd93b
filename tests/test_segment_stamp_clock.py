"""The stamp's clock pre-test, opening with its ".:" and looking its digit behind, finds
a clock time where "\\d[.:]\\d\\d" does, inside any window of any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.stages import segment

_PLAIN = re.compile(r"\d[.:]\d\d")


@settings(max_examples=1500, deadline=None)
@given(
    st.text(alphabet="0123456789٣.:, aT\n", max_size=40),
    st.integers(min_value=0, max_value=45),
    st.integers(min_value=0, max_value=45),
)
def test_the_clock_is_found_as_by_the_plain_pattern(text: str, start: int, end: int) -> None:
    found = segment._STAMP_CLOCK.search(text, start + 1, end) is not None
    assert found == (_PLAIN.search(text, start, end) is not None)
    assert (segment._STAMP_CLOCK.search(text) is not None) == (_PLAIN.search(text) is not None)

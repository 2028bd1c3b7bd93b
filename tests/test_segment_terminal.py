"""``segment._has_terminal`` reads a line's end with two strips: the same answer as the
pattern it replaced (kept here), searched in the line."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from summarizer.stages import segment

_FORMER = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$")
_PIECES = [
    *".!?…:;\"'”’)]",
    " ",
    "\t",
    "\n",
    "\r",
    "\x85",
    "\u2028",
    "\u3000",
    "a",
    "B",
    ",",
    "(",
    "“",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=10).map("".join))
def test_has_terminal_is_the_former_pattern(line: str) -> None:
    assert segment._has_terminal(line) == bool(_FORMER.search(line))


def test_terminal_punctuation_behind_closers_and_space() -> None:
    assert segment._has_terminal('He said "yes."  ')
    assert segment._has_terminal("(See below:)")
    assert not segment._has_terminal('Storm hits the coast "')
    assert not segment._has_terminal(". )")  # space between the mark and the closer

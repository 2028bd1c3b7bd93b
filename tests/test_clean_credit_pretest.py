"""The bracketed-credit search of a caption line is skipped when the line has no ")" (the
pattern needs one): the same lines are captions as when it is searched in every line."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.stages import clean

_PIECES = ["(", ")", "Photo", "Jane Roe", "/", "AP", "Reuters", " ", ".", "via", ":", "Getty"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_the_credit_is_found_as_by_searching_every_line(pieces: list[str]) -> None:
    text = "".join(pieces)
    plain = re.search(r"\(([^()]{1,120})\)\s*\.?$", text)
    skipped = clean._CREDIT_END.search(text) if ")" in text else None
    assert (plain and plain.span(), plain and plain.group(1)) == (
        skipped and skipped.span(),
        skipped and skipped.group(1),
    )

"""Pre-tests of classify_line keep its answers: the bracketed-credit search is skipped when
a line has no ")" (the pattern needs one), and the unguarded line rules are tried only when
their combined pattern matches (else only the guarded ones, in order).

The bracketed-credit search: skipped when the line has no ")" (the
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


_LINE_PIECES = [
    "#tag",
    "#Haiti-aid",
    ",",
    " ",
    "comments",
    "3",
    "hours",
    "ago",
    "Share",
    "Facebook",
    "|",
    "Twitter",
    "Read more",
    ":",
    "Advertisement",
    "Subscribe",
    "to our newsletter",
    "©",
    "2010",
    "Reuters",
    "the camps",
    "\n",
    "COMMENTS",
    "Copyright",
    "(c)",
    "All rights reserved",
    "This",
    "Sign up",
    "Get our",
    "Already a subscriber?",
    "Become a member",
    "Support us",
    "NEWSLETTER",
    "\u017f",  # LONG S: a non-ASCII line tries every guarded rule
]


def _reference_rule(text: str) -> str | None:
    """Every line rule tried in order, as classify_line did before its combined pre-match."""
    low = text.lower() if text.isascii() else None
    for reason, pattern, needs in clean._LINE_RULES:
        if (needs is None or clean._may_match(needs, text, low)) and pattern.match(text):
            return reason
    return None


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), min_size=1, max_size=10))
def test_the_combined_pre_match_keeps_each_rules_answer(pieces: list[str]) -> None:
    text = "".join(pieces)
    line = clean.Line(0, len(text), text, words=4)  # short: every rule is tried
    expected = _reference_rule(text)
    if expected is None and clean._is_caption(line):  # the later tests, unchanged
        expected = "photo-caption"
    elif expected is None and clean._is_byline(line, text.lower() if text.isascii() else None):
        expected = "byline"
    assert clean.classify_line(line) == expected
    assert (clean._UNGUARDED.match(text) is None) == all(
        pattern.match(text) is None for _, pattern, needs in clean._LINE_RULES if needs is None
    )

"""Clean's line patterns are searched only in lines holding what one of their branches
needs (``clean._may_match``): a pattern that matches a line is always
searched in it, whatever its letters' case or script."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.stages import clean
from summarizer.stages.clean import Line, classify_line

_PIECES = [
    "Subscribe",
    "sign up",
    "Sign Up",
    "get our",
    "Get the",
    "newsletter",
    "NEWSLETTER",
    "Newſletter",
    "Already a subscriber",
    "become a member",
    "Support independent journalism",
    "Copyright",
    "(C)",
    "©",
    "2024",
    "All rights reserved",
    "ALL RIGHTS RESERVED.",
    "This material may not be published",
    "Jane Roe",
    "J. Roe",
    "contributed reporting",
    "CONTRIBUTED",
    "contributed to this report",
    "from Kyiv",
    "is a staff writer",
    "are reporters",
    "is an editor for The Post",
    "writes for",
    "reported from",
    "The Times",
    "free",
    "inbox",
    "delivered",
    "the",
    "and",
    "ſ",
    "K",
    "é",
    "İ",
    ".",
    ",",
    ":",
    "|",
]


_CHECKED = [
    (clean._SUBSCRIBE, clean._SUBSCRIBE_NEEDS),
    (clean._COPYRIGHT, clean._COPYRIGHT_NEEDS),
    (clean._CONTRIBUTED, clean._CONTRIBUTED_NEEDS),
    (clean._STAFF, clean._STAFF_NEEDS),
    (clean._WRITES_FOR, clean._WRITES_FOR_NEEDS),
]


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=9),
    st.sampled_from([" ", "  ", "\t", "", "\xa0"]),
)
def test_no_pattern_is_skipped_where_it_matches(pieces: list[str], sep: str) -> None:
    text = sep.join(pieces).strip()
    low = text.lower() if text.isascii() else None
    for pattern, needs in _CHECKED:
        if pattern.match(text):
            assert clean._may_match(needs, text, low), (pattern.pattern[:40], text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Sign up for our free newsletter", "subscribe-prompt"),
        ("Get the best of the week in our newsletter, delivered free", "subscribe-prompt"),
        ("Our newſletter, delivered to your inbox", "subscribe-prompt"),  # ſ folds to s
        ("Copyright 2024 The Valley Courier. All rights reserved.", "copyright"),
        ("The Valley Courier. ALL RIGHTS RESERVED", "copyright"),
        ("Jane Roe and Ann Poe contributed reporting from Marlow.", "byline"),
        ("Jane Roe is a staff writer for the Valley Courier.", "byline"),
        ("Jane Roe writes for The Valley Courier.", "byline"),
        ("The council said on Monday that the old bridge would close for repairs.", None),
    ],
)
def test_lines_still_dropped_with_the_prefilter(
    text: str, reason: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = Line(0, len(text), text)
    assert classify_line(line) == reason
    # every pattern searched, as before the prefilter: the same reason
    monkeypatch.setattr(clean, "_may_match", lambda needs, text, low: True)
    assert classify_line(line) == reason

"""Shortcuts in the per-sentence and per-event work give what the full work gives: a
statement's start is found without trying a live page's day heading on a sentence that
holds no weekday where one could be, an aggregator's teaser age is searched from its
dash, and a whole sentence is its own clause span without finding its clause marks."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from summarizer.engines import extractive
from summarizer.stages import claims, standalone
from summarizer.stages.claims import EDGE
from summarizer.stages.standalone import statement_start


def _former_statement_start(text: str) -> int:
    """:func:`statement_start` as it stood before (a literal copy): every pattern tried."""
    pos = 0
    for pattern in (standalone._CREDIT, standalone._STAMP, standalone._DAY_HEADING):
        m = pattern.match(text, pos)
        if m is not None:
            pos = m.end()
    rest = text[pos:]
    stripped = standalone.strip_dateline(rest)
    pos += len(rest) - len(rest.lstrip()) + (len(rest.strip()) - len(stripped))
    tail = text[pos:]
    if pos and (not standalone._enough(tail) or not standalone._OPENS_SENTENCE.match(tail)):
        return 0
    return pos


_PIECES = [
    "Valley floods: Your photos ",
    "Quake: Your stories ",
    "Tuesday 4 March ",
    "Wednesday, 12 January 2010 ",
    "Saturday Jan. 3 ",
    "Wednes",
    "day",
    "Sunday",
    "today ",
    "on ",
    "since ",
    "(Jane Roe - Valley Wire) ",
    "(By Jane Roe -- The Courier) ",
    "Tuesday, March 5, 2024; 4:30 PM ",
    "Thursday, October 23, 2008; Page A01 ",
    "BRENNOCK, Jan. 16 — ",
    "Kyiv (AP) — ",
    "Up to 300 homes were flooded in Marlow.",
    "The board met again on Monday.",
    "aaaaaaaaaa",
    "a ",
    ". ",
    "\n",
    "“",
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=14).map("".join)


@settings(max_examples=2000, deadline=None)
@given(_TEXTS)
@example("a" * 79 + " Wednesday 4 March Up to 300 homes were flooded in Marlow.")
@example("a" * 80 + " Wednesday 4 March Up to 300 homes were flooded in Marlow.")
@example("(Jane Roe - Valley Wire) " + "a" * 79 + " Sunday 4 March The board met again.")
def test_a_statement_starts_where_it_did_with_every_pattern_tried(text: str) -> None:
    assert statement_start(text) == _former_statement_start(text)


def test_a_day_heading_is_found_at_the_end_of_its_reach() -> None:
    """The heading's 80 characters, then the longest weekday: still a heading (the
    shortcut's reach is not shorter than the pattern's)."""
    text = "a" * 79 + " Wednesday 4 March Up to 300 homes were flooded in Marlow."
    assert text[statement_start(text) :] == "Up to 300 homes were flooded in Marlow."


# extractive._TEASER_AGE as it stood before (a literal copy): it opened with the whitespace.
_FORMER_TEASER_AGE = re.compile(
    r"\s[-–—]\s+\d+\s+(?:secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?)\s+ago\b",
    re.IGNORECASE,
)
_TEASER_PIECES = [" ", "\n", "\t", "-", "–", "—", "--", "1", "20", "x", "hrs", "HOURS", "min"]
_TEASER_PIECES += ["days", "Weeks", "secs", "ago", "AGO", "agog", "Rescue", "\u00a0", ".", "k"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_TEASER_PIECES), max_size=12).map("".join))
@example("Floods killed nine - 12 hrs ago Marlow Times")
@example("-\n— 3 mins ago")
def test_a_teaser_age_is_found_from_its_dash_as_from_the_space_before(text: str) -> None:
    assert bool(extractive._TEASER_AGE.search(text)) == bool(_FORMER_TEASER_AGE.search(text))


def _former_clause_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """claims.clause_span as it stood before (a literal copy): the marks found first."""
    starts, ends = claims.clause_starts_and_ends(sentence)
    inner_start = start + (len(sentence[start:end]) - len(sentence[start:end].lstrip(EDGE)))
    inner_end = start + len(sentence[start:end].rstrip(EDGE))
    if inner_start in starts and inner_end in ends:
        return start, end
    new_start = max((s for s in starts if s <= inner_start), default=0)
    new_end = min((e for e in ends if e >= inner_end), default=len(sentence))
    return new_start, max(new_end, new_start)


_CLAUSE_PIECES = ["Fighting continued", " near Velka", ", ", " and ", "; ", " - ", " — ", "(", ")"]
_CLAUSE_PIECES += ["“", "”", ".", " ", "\n", "the toll rose", "but ", "'", "…", "x"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_CLAUSE_PIECES), max_size=10).map("".join), st.data())
@example("Fighting continued near Velka, killing 14, officials said.", None)
def test_a_clause_span_is_what_it_was_with_the_marks_found_first(
    sentence: str, data: st.DataObject | None
) -> None:
    spans = [(0, len(sentence))]
    if data is not None:
        start = data.draw(st.integers(0, len(sentence)))
        spans.append((start, data.draw(st.integers(start, len(sentence)))))
    for start, end in spans:
        assert claims.clause_span(sentence, start, end) == _former_clause_span(sentence, start, end)

"""Run-in cuts read from the zone's words (str.split, a capital's position looked up only
for a cut) agree with reading every token's match (the former way) on any text."""

from __future__ import annotations

import re
from itertools import islice

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.stages import runin
from summarizer.stages.segment import SENTENCE_STARTERS

_TOKEN = re.compile(r"\S+")


def _former_glue_cuts(
    text: str,
    span: tuple[int, int],
    starters: frozenset[str],
    casing_of: runin.CasingOf,
    opening: bool,
) -> list[int]:
    """glue_cuts as it read its tokens before: every token's match, then each token."""
    start, end = span
    found = list(islice(_TOKEN.finditer(text, start, end), runin.ZONE_MAX_TOKENS))
    tokens = [m.group() for m in found]
    formed = runin._form_cuts(text, span, tokens, casing_of)  # told by form (not by reading)
    cuts = [found[i].start() for i in formed]
    piece_start = formed[-1] if formed else 0
    for i in range(piece_start + 1, len(tokens)):
        if len(tokens) - i < runin.RIGHT_MIN_WORDS or i - piece_start > runin.PIECE_MAX_WORDS:
            break
        if not tokens[i][:1].isupper():
            continue
        prev = tokens[i - 1]
        if not runin._piece_ok(i - piece_start, tokens[piece_start]):
            continue
        if not (runin._has_alnum(prev) and runin.ends_heading(prev)):
            continue
        left = text[start : found[i].start()]
        if not runin._balanced(left) or runin._DAY_STAMP_END.search(left):
            continue
        following = tokens[i + 1].lstrip(runin._PUNCT) if i + 1 < len(tokens) else ""
        piece, right = tokens[piece_start:i], tokens[i + 1 : i + 5]
        candidate = runin._Candidate(prev, tokens[i], following, piece, right, opening, left)
        if runin._is_opener(candidate, starters, casing_of):
            cuts.append(found[i].start())
            piece_start = i
    return cuts


_WORDS = [
    "The",
    "the",
    "Makeshift",
    "camps",
    "fill",
    "square",
    "Aid",
    "slowed",
    "by",
    "0832",
    "Thursday",
    "14",
    "January",
    "Thursday,",
    "(Reuters)",
    "Red",
    "Cross",
    "said",
    "A",
    "“Help",
    "now”",
    "I",
    "I'm",
    "Hope",
    "For",
    "Haiti",
    "No",
    "10",
    "USA",
    "Today",
    "film",
    "Crash",
    "BBC's",
    "World",
    "in",
    "Crisis",
    "—",
    "[1]",
    '"quoted"',
    "x",
    "However,",  # a closed-class opener with punctuation after it
    "THE",
]
_SPACES = [" ", " ", " ", "  ", "\n", "\t", "\xa0", " \n "]


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from(_WORDS), min_size=0, max_size=110),
    st.lists(st.sampled_from(_SPACES), min_size=1, max_size=110),
    st.booleans(),
    st.integers(min_value=0, max_value=3),
)
def test_cuts_as_reading_every_token(
    words: list[str], spaces: list[str], opening: bool, lead: int
) -> None:
    body = "".join(w + spaces[i % len(spaces)] for i, w in enumerate(words))
    later = "\n\nThe camps fill slowly and aid is slowed in the square by crowds."
    text = " " * lead + body + later
    span = (lead, lead + len(body))
    casing_of = runin.CasingOf(text)
    expected = _former_glue_cuts(text, span, SENTENCE_STARTERS, casing_of, opening)
    assert runin.glue_cuts(text, span, SENTENCE_STARTERS, casing_of, opening) == expected


def test_a_cut_is_found_after_odd_whitespace_and_past_the_token_limit() -> None:
    """The cut's offset is the word's own, whatever whitespace comes before it."""
    text = "Ferry\tstrike \xa0strands  islanders\nThe ferry company cancelled every sailing."
    casing_of = runin.CasingOf(text)
    cuts = runin.glue_cuts(text, (0, len(text)), SENTENCE_STARTERS, casing_of, True)
    assert cuts == [text.index("The")]
    assert cuts == _former_glue_cuts(text, (0, len(text)), SENTENCE_STARTERS, casing_of, True)

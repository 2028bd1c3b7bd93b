"""Run-in's pre-test (a paragraph past the opening with no title-cased closed-class
opener after whitespace, no bracket or digit opening it and no dash has no cut) agrees
with the full reading of its tokens on any text, odd capitals and spaces included."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.stages import runin
from summarizer.stages.segment import SENTENCE_STARTERS

_WORDS = [
    "The",
    "the",
    "THE",
    "ThE",
    "The,",
    "The;:",
    "The.",
    "\u212ahe",  # KELVIN SIGN: lowers to "k"
    "\u0130n",  # I WITH DOT ABOVE: lowers to two characters
    "In",
    "in",
    "I",
    "I'm",
    "It's",
    "It’s",
    "However,",
    "A",
    "a",
    "An",
    "camps",
    "Makeshift",
    "fill",
    "square",
    "Aid",
    "said",
    "0832",
    "1645",
    "(Reuters)",
    "(Jane",
    "Roe",
    "-",
    "Agency)",
    "—",
    "--",
    "–",
    "word—word",
    "PARIS,",
    "March",
    "17",
    "Thursday,",
    "14",
    "January",
    "Red",
    "Cross",
    "USA",
    "Today",
    "No",
    "10",
    '"quoted',
    'now"',
    "Theatre",
    "Then",
    "x",
]
_SPACES = [" ", " ", "  ", "\n", "\t", "\xa0", "\u2003", " \n "]


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.sampled_from(_WORDS), min_size=0, max_size=60),
    st.lists(st.sampled_from(_SPACES), min_size=1, max_size=60),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(["", "Day", "0832 Rescuers say", "\n"]),
)
def test_the_pre_test_agrees_with_the_full_reading(
    words: list[str], spaces: list[str], lead: int, before: str
) -> None:
    body = "".join(w + spaces[i % len(spaces)] for i, w in enumerate(words))
    later = "\n1645 Crews arrive\n2210 Roads close\n0900 Aid lands\nThe camps fill slowly."
    text = before + " " * lead + body + later
    span = (len(before), len(before) + lead + len(body))
    casing_of = runin.CasingOf(text)
    full = runin._glue_cuts(text, span, SENTENCE_STARTERS, casing_of, False)
    assert runin.glue_cuts(text, span, SENTENCE_STARTERS, casing_of, False) == full
    if not runin._may_cut_later(text, span[0], span[1], SENTENCE_STARTERS):
        assert full == []


def test_only_a_starters_own_letters_lower_to_them() -> None:
    """What the opener pattern assumes of str.lower, over every code point: a character
    that lowers to (a string holding) a starter's character is that character or, for
    a letter, its ASCII capital; one that lowers to more than one character gives a
    non-ASCII one; so a word that lowers to a starter is its capital and lower-case tail,
    or has an upper-case character past its first (which is not title case)."""
    alphabet = {ch for word in SENTENCE_STARTERS for ch in word}
    assert all(ch.isascii() for ch in alphabet)
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        low = ch.lower()
        if low == ch or not (set(low) & alphabet):
            continue
        if len(low) > 1:
            assert not low.isascii()
        else:
            assert ch == low.upper() and ch.isupper() and not ch.islower()


def test_a_dash_or_a_form_opening_is_tried_in_full() -> None:
    for dash in runin._DASHES:
        text = f"it was quiet {dash} then the camps filled"
        assert runin._may_cut_later(text, 0, len(text), SENTENCE_STARTERS)
    for text in ("(Jane Roe - Agency) Firefighters said", "1645 Rescuers say the camps fill"):
        assert runin._may_cut_later(text, 0, len(text), SENTENCE_STARTERS)
    text = "the storm passed and the camps filled"
    assert not runin._may_cut_later(text, 0, len(text), SENTENCE_STARTERS)

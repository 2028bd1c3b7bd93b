"""Run-in's casing question about one word (does the document write it in lower case,
and capitalise it inside a sentence at most once), read around the word's occurrences,
answers as the document's whole casing does: any text, punctuation around the words,
every line end str.splitlines knows, whitespace that ends no line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.stages import runin

_WORDS = [
    "camps",
    "Camps",
    "CAMPS",
    "camps,",
    "(camps)",
    '"Camps',
    "Camps.",
    "Camps:",
    "campsite",
    "encamps",
    "the",
    "The",
    "Red",
    "Cross",
    "aid",
    "Aid",
    "said",
    "U",
    "u",
    "...",
    "'s",
    "“Aid”",
    "Aid's",
    "2010",
    "0832",
    "É",
    "é",
    "-",
    "?",
]
_SPACES = [" ", "  ", "\t", "\xa0", "\x1f", "\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85"]
_SPACES += ["\u2028", "\u2029", "\u2003"]
_TEXT = st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SPACES)), max_size=40).map(
    lambda parts: "".join(w + s for w, s in parts)
)
_QUERY = st.sampled_from(["Camps", "Aid", "Cross", "Red", "U", "É", "The", "Camps.", "“Aid”"])


@settings(max_examples=1500, deadline=None)
@given(_TEXT, _QUERY)
def test_the_word_query_equals_the_whole_casing(text: str, word: str) -> None:
    case = runin.casing(text)
    low = word.lower()
    assert runin.written_lower(text, low) == (low in case.lower)
    assert runin.inner_caps(text, word, 10**6) == case.inner_caps[word]
    assert runin.inner_caps(text, word, 2) == min(case.inner_caps[word], 2)
    expected = low in case.lower and case.inner_caps[word] <= 1
    assert runin.CasingOf(text).lower_and_once_inner(word) == expected
    made = runin.CasingOf(text)
    made()  # the casing made first: read from it
    assert made.lower_and_once_inner(word) == expected


def test_a_common_word_is_read_from_the_whole_casing() -> None:
    text = "aid Aid " * runin.AROUND_MAX
    reader = runin.CasingOf(text)
    assert not reader.lower_and_once_inner("Aid")
    assert reader() is reader()  # made once, then kept

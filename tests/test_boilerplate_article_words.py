"""Boilerplate's per-article pass (an article's sentences tokenised in one pass over
their joined texts, ASCII text with ASCII classes) gives every sentence the same keys,
and the corpus the same case tally, as tokenising each sentence on its own did: the
same counts, and the lower-case words in the same order, once the words added are
sorted into the tally (each distinct word once) or the tally is sent (pickled)."""

from __future__ import annotations

import pickle
import zlib
from itertools import chain, islice

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.models import Sentence
from summarizer.stages import boilerplate as bp
from summarizer.stages import shingles as sk

_PIECES = [
    "the",
    "The",
    "THE",
    "Valdodra",
    "monday",
    "Monday",
    "March",
    "at",
    "pm",
    "GMT",
    "said",
    "12",
    "5",
    "2010",
    "14:30",
    "9.45",
    "3.",
    "1:2:3",
    "abc123",
    "x_y",
    "café",
    "Straße",
    "\u0130stanbul",  # I WITH DOT ABOVE: lowers to two characters
    "\u212aelvin",  # KELVIN SIGN: lowers to "k"
    "\u01c5x",  # a title-case digraph
    "\u0663\u0664",  # Arabic-Indic digits: \d, not ASCII
    "²",  # a digit for isdigit, not for \d
    "\x00",  # the separator itself inside a text
    "_",
    ".",
    ",",
    ":",
    "’",
    "“",
    "—",
    "",
]
_GAPS = ["", " ", "  ", "\n", "\t", "\xa0", "-", "'"]
_TEXT = st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_GAPS)), max_size=30).map(
    lambda parts: "".join(p + g for p, g in parts)
)


def _sentences(texts: list[str]) -> list[Sentence]:
    return [
        Sentence.trusted(
            source_id="a",
            index=i,
            start=0,
            end=len(t),
            text=t,
            is_headline=False,
            paragraph=0,
        )
        for i, t in enumerate(texts)
    ]


def _former(sentences: list[Sentence], ids: dict[str, int], case: bp._Case) -> list[sk.Unit]:
    """sentence_units as it was: each sentence tokenised on its own."""
    found = [sk.TOKEN.findall(s.text) for s in sentences]
    case.lower.update(filter(str.islower, chain.from_iterable(found)))
    inner = chain.from_iterable(islice(words, 1, None) for words in found)
    case.inner_upper.update(map(str.lower, filter(str.istitle, inner)))
    out = []
    for s, words in zip(sentences, found, strict=True):
        if not words:
            out.append(sk.EMPTY)
            continue
        toks = sk.token_ids(words, ids)
        if sk.DIGIT.search(s.text) or not sk.CALENDAR_IDS.isdisjoint(toks):
            toks = sk.token_ids(sk.normalise(list(map(str.lower, words))), ids)
        out.append((sk.sampled_shingles(toks), sk.stamp_keys(toks)))
    return out


@settings(max_examples=600, deadline=None)
@given(st.lists(st.lists(_TEXT, max_size=8), min_size=1, max_size=4))
def test_article_pass_equals_a_pass_per_sentence(articles: list[list[str]]) -> None:
    ids_old: dict[str, int] = {}
    ids_new: dict[str, int] = {}
    case_old, case_new = bp.new_case(), bp.new_case()
    for texts in articles:
        sentences = _sentences(texts)
        assert bp.sentence_units(sentences, ids_new, case_new) == _former(
            sentences, ids_old, case_old
        )
    sent = pickle.loads(pickle.dumps(case_new))  # a worker sends its tally settled
    case_new.settle()
    for case in (case_new, sent):
        assert list(case.lower.items()) == list(case_old.lower.items())
        assert dict(case.inner_upper) == dict(case_old.inner_upper)  # (key order aside)
        assert not case._words and not case._firsts
    for token, checksum in ids_new.items():  # one cache for both: the same checksums
        assert checksum == zlib.crc32(token.lower().encode("utf-8"))


def test_ascii_words_are_the_token_pattern_on_ascii_text() -> None:
    text = "".join(map(chr, range(128))) * 2 + " 12:30 4.5. a1b2 x_y 7: 8.9.10 Day 3"
    assert sk.ASCII_WORDS.findall(text.replace("\x00", "")) == sk.TOKEN.findall(text)
    for ch in map(chr, range(128)):  # a word's first character is below "A" iff a figure's
        if sk.TOKEN.fullmatch(ch):
            assert (ch < "A") == ch.isdigit()


def test_a_text_holding_the_separator_is_read_on_its_own() -> None:
    texts = ["Police said\x00 12 were hurt on Monday", "", "The End"]
    words, ascii = sk.article_words(texts)
    assert not ascii
    first = ["Police", "said", "12", "were", "hurt", "on", "Monday", "\x00"]
    assert words == [*first, "\x00", "The", "End", "\x00"]

"""A sentence as keys: what :mod:`~summarizer.stages.boilerplate` counts across the corpus.

Its words are reduced to lower-case tokens, with stamps normalised (:func:`normalise`:
a footer's date and time change from page to page), each token to a deterministic
checksum (:func:`token_ids`), and runs of :data:`SHINGLE` of those to keys
(:func:`run_key`): a sample of the shingles (:func:`sampled_shingles`) and the words
around each clock time (:func:`stamp_keys`) for every sentence (:func:`Unit`), every
shingle (:func:`all_shingles`) for those the sample flags. Hand-written: the keys must
be the same in every process and run (Python's string hash is not), and cheap enough
for every sentence of 20,000 articles.
"""

from __future__ import annotations

import operator
import re
import zlib
from array import array
from collections.abc import Sequence
from itertools import compress, filterfalse

from summarizer.stages.dategrammar import MONTHS, WEEKDAYS

SHINGLE = 8  # tokens per shingle
SAMPLE = 4  # about one shingle in SAMPLE is counted


STAMP_BEFORE, STAMP_AFTER = 3, 3  # the words around a clock time that make a stamp's key


TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[:.]\d+)?")  # (words first: most tokens are)
# An article's sentences in one pass, each then END (\W: in no token); in ASCII text TOKEN's
# classes are these ASCII ones (which sre tests faster).
END = "\x00"
WORDS = re.compile(TOKEN.pattern + "|\x00")
ASCII_TOKEN = re.compile(r"[A-Za-z]+|[0-9]+(?:[:.][0-9]+)?")
ASCII_WORDS = re.compile(ASCII_TOKEN.pattern + "|\x00")
DIGIT = re.compile(r"\d")  # what every figure token (and so every stamp) holds
CALENDAR = frozenset(WEEKDAYS) | frozenset(MONTHS)  # the date stage's vocabulary
_CLOCK = re.compile(r"\d{1,2}:\d{2}|\d{1,2}\.\d{2}")
_CLOCK_AFTER = frozenset({"am", "pm", "gmt", "bst", "utc", "cet", "cest", "et", "est", "edt"})
_YEAR = re.compile(r"(?:1[89]|2[01])\d\d")
_DAY = re.compile(r"\d{1,2}")
_DATE_PARTS = frozenset({"<cal>", "<day>"})


def normalise(found: list[str]) -> list[str]:
    """Stamps read alike: calendar words, the day and year beside them and clock times
    become placeholders; every other figure stays as written, so "the toll rose to 50"
    and "... to 70" on the next day are different sentences, and "since 2009" is not
    "since 2015"."""
    out = ["<cal>" if t in CALENDAR else t for t in found]
    figures = [i for i, t in enumerate(out) if t[0].isdigit()]
    for i in figures:
        token = out[i]
        after = out[i + 1] if i + 1 < len(out) else ""
        beside = {out[i - 1] if i else "", after}
        if _CLOCK.fullmatch(token) and (":" in token or after in _CLOCK_AFTER):
            out[i] = "<time>"
        elif _YEAR.fullmatch(token) and beside & _DATE_PARTS:
            out[i] = "<year>"
        elif _DAY.fullmatch(token) and "<cal>" in beside:
            out[i] = "<day>"
    return out


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, with stamps normalised (:func:`normalise`: it changes
    only calendar words and what a digit is in)."""
    low = text.lower()
    found = (ASCII_TOKEN if low.isascii() else TOKEN).findall(low)
    if CALENDAR.isdisjoint(found) and not DIGIT.search(low):
        return found
    return normalise(found)


def token_ids(found: Sequence[str], ids: dict[str, int]) -> list[int]:
    """Each token as the deterministic 32-bit checksum of its lower case (cached in ``ids``,
    for words as written and lower-cased ones alike: ``str.lower`` is idempotent)."""
    try:
        return list(map(ids.__getitem__, found))  # (most sentences: every token seen)
    except KeyError:
        for token in filterfalse(ids.__contains__, found):  # (checked as the loop goes)
            ids[token] = zlib.crc32(token.lower().encode("utf-8"))
        return list(map(ids.__getitem__, found))


def run_key(ids: Sequence[int]) -> int:
    """A key for a run of tokens: the hash of a tuple of ints, which, unlike the hash
    of a string, is the same in every process (so the sample is deterministic)."""
    return hash(tuple(ids))


# One sentence's keys: those of its sampled shingles (or one whole-sentence key), and a
# key for the words around each clock time in it (its stamps: how a template's
# time-stamped wrapper is recognised). A plain pair of tuples of ints, not a class: the
# worker processes send one per sentence of the corpus, and plain tuples are read back
# several times faster than instances.
Unit = tuple[tuple[int, ...], tuple[int, ...]]

EMPTY: Unit = ((), ())


def salted(unit: Unit, salt: int) -> Unit:
    """``unit`` with its keys those of its outlet (``salt`` 0, the unknown outlets: as is)."""
    if not salt:
        return unit
    keys, stamps = unit
    return (
        tuple(run_key((salt, k)) for k in keys),
        tuple(run_key((salt, k)) for k in stamps),
    )


def line_unit(text: str, ids: dict[str, int], salt: int) -> Unit:
    """One whole-sentence key, in its outlet."""
    toks = token_ids(tokens(text), ids)
    return salted(((run_key(toks),), ()), salt) if toks else EMPTY


_TIME_ID = zlib.crc32(b"<time>")
_STAMP_SALT = -1  # stamp keys never equal shingle keys


def stamp_keys(toks: Sequence[int]) -> tuple[int, ...]:
    if _TIME_ID not in toks:
        return ()
    return tuple(
        run_key((_STAMP_SALT, *toks[max(i - STAMP_BEFORE, 0) : i + STAMP_AFTER + 1]))
        for i, t in enumerate(toks)
        if t == _TIME_ID
    )


def sampled_shingles(toks: list[int]) -> tuple[int, ...]:
    """The keys of the shingles opening at a sampled token (the positions whose token
    ``% SAMPLE`` is 0, picked by ``compress`` rather than a loop over every token)."""
    if len(toks) >= SHINGLE:
        sampled = map(operator.not_, map(SAMPLE.__rmod__, toks))
        opening = compress(range(len(toks) - SHINGLE + 1), sampled)
        whole = tuple(toks)  # (its slices are tuples: each key is a run_key)
        keys = tuple(hash(whole[i : i + SHINGLE]) for i in opening)
        if keys:
            return keys
    return (run_key(toks),)  # a short sentence, or no sampled shingle: one key


CALENDAR_IDS = frozenset(zlib.crc32(word.encode("utf-8")) for word in CALENDAR)


# Every shingle of a flagged sentence (not a sample): its keys (64-bit hashes) and its
# token count (shingle m covers tokens [m, m + SHINGLE), a shorter sentence is one key);
# then where its tokens are stamp placeholders. (key, first, last) tuples for each were
# most of a redundant corpus' peak memory (0.5 GB at 20,000 articles; an array: 1/8).
Full = tuple[tuple["array[int]", int], tuple[int, ...]]
Seen = tuple[str, int]  # a sentence's text and its outlet's salt


def all_shingles(
    text: str, ids: dict[str, int], salt: int, made: dict[Seen, int], fulls: list[Full]
) -> int:
    """Every shingle of a flagged sentence, in its outlet (``salt``), as its position in
    ``fulls``: made once per distinct (text, salt) (``made``); its :func:`tokens` once."""
    if (found := made.get((text, salt))) is not None:
        return found
    normal = tokens(text)
    toks = token_ids(normal, ids)
    if len(toks) < SHINGLE:
        keys = [run_key(toks)] if toks else []
    else:
        whole = tuple(toks)  # (its slices are tuples: each key is a run_key)
        keys = [hash(whole[i : i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1)]
    if salt:
        keys = [run_key((salt, k)) for k in keys]
    stamps = tuple(i for i, t in enumerate(normal) if t[0] == "<")
    made[text, salt] = len(fulls)
    fulls.append(((array("q", keys), len(toks)), stamps))
    return made[text, salt]


def article_words(texts: Sequence[str]) -> tuple[list[str], bool]:
    """An article's words as written, each sentence's (``texts``) then :data:`END`, in one
    pass (one per text if one holds END); and whether all is ASCII (a figure opens below "A")."""
    joined = END.join(texts) + END
    if joined.count(END) == len(texts):
        ascii = joined.isascii()
        return (ASCII_WORDS if ascii else WORDS).findall(joined), ascii
    return [w for t in texts for w in (*TOKEN.findall(t), END)], False

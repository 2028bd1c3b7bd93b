"""The number scan of :mod:`summarizer.stages.quantities` tries its pattern only where a
figure can open (:mod:`summarizer.stages.numberscan`): the same matches, spans and groups
as ``finditer`` over the whole text, checked against a copy of the former pattern."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from hypothesis import example, given, settings
from hypothesis import strategies as st

from summarizer.stages import numberscan
from summarizer.stages.numberscan import _FOLDS_TO_ASCII
from summarizer.stages.quantities import _NUMBER_RE, _OPENING

# The pattern as it stood when the scan was added (a literal copy, not rebuilt from the
# module's tables), so the scan is checked against what it replaced.
_FORMER = re.compile(
    r"(?<![\w.,/:$€£])(?<![^\W\d_]-)(?<!\s-)(?<!^-)(?:(?P<mod>approximately|an\s+est"
    r"imated|upwards\s+of|just\s+under|fewer\s+than|as\s+many\s+as|more\s+than|well"
    r"\s+over|just\s+over|less\s+than|at\s+least|close\s+to|roughly|around|nearly|al"
    r"most|about|up\s+to|under|some|over|\~)\s+)?(?:(?P<cur>US\$|\$|€|£)\s?)?(?P<num"
    r">\d+\s+\d+/\d+|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?P<vague>hundreds\s"
    r"+of\s+thousands|tens\s+of\s+thousands|half\s+a\s+dozen|a\s+half\-dozen|a\s+han"
    r"dful|thousands|hundreds|several|a\s+dozen|dozens|scores|a\s+few)|(?P<word>(?:("
    r"?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|thr"
    r"ee|four|five|six|seven|eight|nine))?|seventeen|thirteen|fourteen|eighteen|nine"
    r"teen|fifteen|sixteen|eleven|twelve|three|seven|eight|zero|four|five|nine|one|t"
    r"wo|six|ten)))(?:\s*(?P<scale>hundred|thousand|million|billion|trillion|bn|mn|t"
    r"n)\b|(?<=\d)(?P<sscale>m|bn|k)\b)?(?![\w:/]|\.\d|,\d{3})",
    re.IGNORECASE,
)

_PIECES = [
    "5", "12", "1,600", "3.5", "1 1/2", "2025", "0910", "45-50,000", "٣", "５", "0",
    "one", "One", "ONE", "twenty", "Twenty-one", "forty five", "nineteen", "zero", "ten",
    "ſeven", "ſix", "fıve", "fİve", "\u212aм", "ſeveral", "\u212am", "sİx", "twelve",
    "a few", "A Handful", "dozens", "a dozen", "half a dozen", "a half-dozen", "scores",
    "tens of thousands", "Hundreds of thousands", "thousands", "several", "a",
    "about", "more than", "At least", "~", "up to", "nearly", "an estimated", "Some",
    "upwards of", "as many as", "fewer than", "ABOUT", "approximately", "just under",
    "$", "US$", "us$", "€", "£", "#", "million", "bn", "m", "k", "mn", "Hundred", "tn",
    "km", "miles", "percent", "%", "people", "killed", "years", "a.m.", "Jan", "of the",
    ".", ",", "/", ":", "-", "'", "’", "“", "(", "_", "x", "the", "someone", "often",
    "at", "as", "an", "é", "Ünited", "İ", "ı", "ſ", "\u212a",
]  # fmt: skip


def _numbers(text: str) -> Iterator[re.Match[str]]:
    return numberscan.finditer(_NUMBER_RE, _OPENING, text)


_GLUE = ["", " ", "  ", "-", "\n", "\t", "\u00a0"]


def _found(
    matches: Iterable[re.Match[str]],
) -> list[tuple[tuple[int, int], dict[str, tuple[int, int]]]]:
    """Each match's span and the span of every named group."""
    return [(m.span(), {name: m.span(name) for name in m.re.groupindex}) for m in matches]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_GLUE)), max_size=12))
@example([("someone", " "), ("5", "")])
@example([("5", "")])
@example([("-", ""), ("5", " ")])
@example([("x", "-"), ("5", " ")])
@example([("$", ""), ("5", " "), ("million", "")])
@example([("ſeven", " "), ("people", "")])
@example([("\u212am", " "), ("at", " "), ("about", " "), ("12", "")])
@example([("the", " "), ("About", " "), ("A Handful", "")])
def test_the_scan_finds_what_finditer_finds(pieces: list[tuple[str, str]]) -> None:
    text = "".join(piece + glue for piece, glue in pieces)
    found = _found(_numbers(text))
    assert found == _found(_FORMER.finditer(text))
    assert found == _found(_NUMBER_RE.finditer(text))
    assert [m.group(0) for m in _numbers(text)] == [m.group(0) for m in _FORMER.finditer(text)]


def test_the_pattern_reads_as_before() -> None:
    """The pattern built from the module's tables is the former one, flags included."""
    assert (_NUMBER_RE.pattern, _NUMBER_RE.flags) == (_FORMER.pattern, _FORMER.flags)


def test_lowering_keeps_what_the_opening_reads() -> None:
    """Every character but İ lowers to one character, in the lookbehind's class, a digit or
    a space alike, and alike with or without IGNORECASE; one that IGNORECASE matches with
    a letter, digit or sign of the openings and does not lower to one of them is one of
    _FOLDS_TO_ASCII (such texts are scanned whole)."""
    chars = [chr(c) for c in range(0x110000)]
    assert [c for c in chars if len(c.lower()) != 1] == ["\u0130"]
    for atom in (r"[\w.,/:$€£]", r"\d", r"\s"):
        folded, plain = re.compile(atom, re.I).fullmatch, re.compile(atom).fullmatch
        assert [c for c in chars if bool(folded(c)) != bool(plain(c))] == []
        assert [c for c in chars if bool(plain(c)) != bool(plain(c.lower()[:1]))] == []
    letters = sorted(set(re.sub(r"\\(.)", r"\1", _OPENING.pattern)) - set("()?|=[]^"))
    opening = "[" + "".join(map(re.escape, letters)) + "]"
    folded, plain = re.compile(opening, re.I).fullmatch, re.compile(opening).fullmatch
    odd = {c for c in chars if folded(c) and not plain(c.lower()[:1])}
    assert odd and odd <= {c for c in chars if _FOLDS_TO_ASCII.fullmatch(c)}


def test_the_scan_examples() -> None:
    text = "About 40,000 people fled; someone said $5 million, ſeven and twenty-one more."
    assert [m.group(0) for m in _numbers(text)] == [
        "About 40,000", "$5 million", "ſeven", "twenty-one",
    ]  # fmt: skip
    assert [m.group(0) for m in _numbers("At least 12 and a Handful")] == [
        "At least 12", "a Handful",
    ]  # fmt: skip

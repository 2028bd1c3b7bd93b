"""The words of a statement as merge compares them: its content terms, read once per
distinct text (:class:`Tokenised`), for :mod:`summarizer.stages.similarity`.

* **Terms.** Snowball stems (:mod:`summarizer.stages.stems`) of the words outside
  temporal expressions (``dates.find_temporal_expressions``: the day is compared as a
  date, by merge, not as a word) and outside the Snowball project's English stop list
  (package ``stopwords``: function words only); numbers keep their digits ("#5438").
* **Who reports a fact** ("according to the Associated Press", "..., police said.",
  "told reporters"): its words are marked (``attribution``), so similarity can weigh
  them less than what is said.
* Each token keeps where it is (offset, position among the words), whether the text
  writes it capitalised inside a sentence (what names are found from), and the words
  around it as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

import stopwords

from summarizer.stages.dates import find_temporal_expressions
from summarizer.stages.stems import stemmed

STOPWORDS = frozenset(stopwords.get_stopwords("english"))
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’.][^\W\d_]+)*|\d[\d,.]*\d|\d")
_SAYS = (
    r"(?:said|says|say|added|adds|told\s+\w+|reported|reports|announced|confirmed|claimed|wrote)"
)
_ATTRIBUTION_RE = re.compile(  # who reports a fact: "according to ...", "..., police said."
    r"\baccording\s+to\b[^,.;:()\u2013\u2014]*"
    r"|\b(?:told|quoted\s+by|cited\s+by|reported\s+by)\b[^,.;:()\u2013\u2014]*?"
    r"(?=\s+(?:that|on|in|about)\b|[,.;:()\u2013\u2014]|$)"
    rf"|,[\"”’']?(?:\s+[^\s,]+){{1,8}}\s+{_SAYS}(?:\W*$|(?=,))"
    rf"|^\W*(?:[^\s,]+\s+){{1,6}}{_SAYS}\b(?:\s+that\b)?",
    re.IGNORECASE,
)


Spans = tuple[tuple[int, int], ...]  # (start, end) in a text


class Token(NamedTuple):
    stem: str
    start: int  # offset in the text
    case: int  # 1: capitalised inside the text, 0: lower case, -1: first word (no evidence)
    attribution: bool  # inside "according to ...", "told ...": who says, not what
    position: int = 0  # position among the text's words
    context: tuple[str, str] = ("", "")  # the words before and after, as written


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span replaced by spaces, in one pass (not a copy per span)."""
    parts, at = [], 0
    for start, end in sorted(spans):
        parts += [text[at:start], " " * (end - start)]
        at = end
    parts.append(text[at:])
    return "".join(parts)


def tokenise(text: str, temporal: Iterable[tuple[int, int]] | None = None) -> list[Token]:
    """Content tokens of ``text`` outside its temporal expressions (``temporal``: their
    spans, when already found)."""
    if temporal is None:
        temporal = ((m.start, m.end) for m in find_temporal_expressions(text))
    text = _blank(text, temporal)
    attribution = [m.span() for m in _ATTRIBUTION_RE.finditer(text)]
    out: list[Token] = []
    words = [(m.group(0), m.start()) for m in _TOKEN_RE.finditer(text.replace("’", "'"))]
    raw = ["", *(w.lower() for w, _ in words), ""]
    for i, (token, at) in enumerate(words):
        quoted = bool(attribution) and any(a <= at < b for a, b in attribution)
        if token[0].isdigit():
            number = "#" + token.replace(",", "").rstrip(".")
            out.append(Token(number, at, 0, quoted, i, (raw[i], raw[i + 2])))
            continue
        word = raw[i + 1].removesuffix("'s").replace(".", "").strip("'")
        if len(word) > 1 and word not in STOPWORDS:
            case = -1 if i == 0 else int(token[0].isupper())
            out.append(Token(stemmed(word), at, case, quoted, i, (raw[i], raw[i + 2])))
    return out


class Tokenised(dict[str, list[Token]]):
    """Texts already read into tokens (:func:`vectorise` takes them from here): a run
    on worker processes fills it with each source's statements and the date spans its
    worker found, so they are not looked for again."""

    def add(self, texts: Iterable[str], temporal: Iterable[Spans] | None = None) -> None:
        """``temporal``: each text's temporal expressions' spans, when already found."""
        given: Iterable[tuple[str, Spans | None]] = (
            zip(texts, temporal, strict=True)
            if temporal is not None
            else ((t, None) for t in texts)
        )
        for text, found in given:
            if text not in self:
                self[text] = tokenise(text, found)


def says_what(t: Token) -> bool:
    """A word of what is said: not a number, not part of who says it."""
    return not t.attribution and not t.stem.startswith("#")

"""Recurring stretches inside a kept sentence, cut out of it.

A site's footer ("If you need help using the site: ... Call the switchboard:") is
often glued by the page's text extraction to whatever follows it: a promo teaser, the
print edition's page line, the page's time stamp. The glued sentence differs from page
to page, so :mod:`summarizer.stages.boilerplate` keeps it whole; but the footer's own
words recur across the outlet's articles and days. A recurring run of at least
:data:`PART_RUN` tokens inside such a sentence (shorter than the stage's whole-sentence
run) is cut out of it as a dropped range, and the rest of the sentence stays, its
offsets exact (a cut only moves span boundaries). What is left beside a run decides:

* a piece of at least :data:`REST_WORDS` plain words (not figures, not stamp
  placeholders) stays: another sentence's words;
* a piece of fewer, holding a stamp ("11.36 BST on Sunday 12 June 2005") or figures
  alone (a page number between two runs), goes with the run: the sentence is dropped
  when nothing else is left;
* a piece of fewer plain words without a stamp ("... aftershocks of 5.9 and 5.5
  magnitude") keeps the sentence whole: a news line a paper repeats as background,
  differing in its figures, is no footer.

Hand-written: the runs come from the stage's own shingle counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from summarizer.models import CharInterval, Sentence

PART_RUN = 16  # tokens: a recurring run this long inside a kept sentence is cut out of it
REST_WORDS = 3  # a piece left with fewer plain words is no sentence of its own
JOINERS = ":;,-–—|/ \t\n\xa0"  # what glues a run to the words after it

_ALNUM = re.compile(r"[^\W_]")

Hole = tuple[int, int]  # a character range of a sentence's text


def merged(spans: Iterable[Hole]) -> list[Hole]:
    """``spans`` sorted, the overlapping or touching ones joined."""
    out: list[Hole] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def subtract(kept: Sequence[CharInterval], holes: Sequence[Hole]) -> list[CharInterval]:
    """``kept`` minus the ``holes`` (both sorted, non-overlapping), in one pass over
    both; untouched intervals are the same objects."""
    out: list[CharInterval] = []
    h = 0
    for interval in kept:
        while h < len(holes) and holes[h][1] <= interval.start:
            h += 1
        start, touched, j = interval.start, False, h
        while j < len(holes) and holes[j][0] < interval.end:
            hs, he = holes[j]
            if hs > start:
                out.append(CharInterval(start=start, end=hs))
            start, touched, j = max(start, he), True, j + 1
        if not touched:
            out.append(interval)
        elif start < interval.end:
            out.append(CharInterval(start=start, end=interval.end))
    return out


def _pieces(text: str, holes: Sequence[Hole]) -> list[Hole]:
    """The ranges of ``text`` outside ``holes`` (merged, in order)."""
    edges = [0, *(x for hole in holes for x in hole), len(text)]
    return list(zip(edges[::2], edges[1::2], strict=True))


def holes(
    text: str,
    token_runs: Sequence[Hole],
    pattern: re.Pattern[str],
    tokens: Callable[[str], list[str]],
) -> tuple[Hole, ...]:
    """The character ranges of ``text`` (a sentence) its recurring ``token_runs`` cover,
    each widened over the punctuation joining it to what follows, with the pieces left
    that go with them (see the module); ``()``: nothing is cut. ``pattern``: the stage's
    token pattern (on the lower-cased text: when lower case changes the text's length,
    the tokens cannot be placed, and nothing is cut); ``tokens``: the stage's normalised
    tokens of a piece (stamps as placeholders opening with "<")."""
    low = text.lower()
    if len(low) != len(text):
        return ()
    spans = [m.span() for m in pattern.finditer(low)]
    cut: list[Hole] = []
    for a, b in token_runs:
        start, end = spans[a][0], spans[b - 1][1]
        while end < len(text) and text[end] in JOINERS:
            end += 1
        cut.append((start, end))
    cut = merged(cut)
    for a, b in _pieces(text, cut):
        found = tokens(text[a:b])
        plain = sum(1 for t in found if t[0] != "<" and not t[0].isdigit())
        if not found or plain >= REST_WORDS:
            continue
        if plain and not any(t[0] == "<" for t in found):
            return ()  # a fact's own words are left: the run is no furniture glued to it
        cut.append((a, b))  # a stamp, or figures alone, go with the run
    return tuple(merged(cut))


def remains(text: str, cut: Sequence[Hole]) -> bool:
    """Whether a letter or digit of ``text`` is outside the ``cut``."""
    return any(_ALNUM.search(text, a, b) for a, b in _pieces(text, cut))


def left(text: str, sentence: Sentence, cut: Sequence[Hole]) -> list[Sentence]:
    """What is left of ``sentence`` outside its ``cut`` (offsets in its text; ``text``:
    its source's): the pieces with a letter or digit, without surrounding whitespace,
    each a sentence with the same index."""
    out = []
    for a, b in _pieces(sentence.text, cut):
        start, end = sentence.start + a, sentence.start + b
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if _ALNUM.search(text, start, end):
            update = {"start": start, "end": end, "text": text[start:end]}
            out.append(sentence.model_copy(update=update))
    return out

"""Where a figure can open: :func:`finditer` gives the matches of a number pattern's own
``finditer`` and tries the pattern only at the text's start and at the places
:func:`openings` finds.

Why by hand: the figures' pattern of :mod:`summarizer.stages.quantities` (lookbehinds,
then an IGNORECASE alternation of words, signs and digits) gives sre no literal or
charset prefix, so its ``finditer`` tries it at every character (~0.65 CPU s per MB).
Its matches open with the first word of one of its phrases (modifiers, currency signs,
vague phrases, number words; a space follows when more words do) or a digit, and by
its first lookbehind start the text or follow a character outside a class. The openings'
pattern finds such places in the lowered text, with that class first: sre skips to the
characters outside it. IGNORECASE also matches İ ı ſ K (Kelvin sign) with ASCII letters,
which str.lower does not map to them (and İ lowers to two characters): a text holding
one of them is scanned whole. tests/test_quantities_scan.py checks this on every
character and the matches against the former ``finditer``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def openings(not_before: str, phrases: Iterable[str]) -> re.Pattern[str]:
    """The places a match can open at: after a character outside ``not_before`` (a
    character class), before a digit or the first word of one of ``phrases`` (lower
    case; the alternation grouped by first letter)."""
    assert not_before.startswith("[") and not not_before.startswith("[^"), not_before
    by_letter: dict[str, set[str]] = {}
    for phrase in phrases:
        first, *more = phrase.lower().split()
        by_letter.setdefault(first[0], set()).add(re.escape(first[1:]) + (r"\s" if more else ""))
    words = "|".join(
        re.escape(letter) + "(?:" + "|".join(sorted(rests)) + ")"
        for letter, rests in sorted(by_letter.items())
    )
    return re.compile(r"[^" + not_before[1:] + r"(?=\d|" + words + ")")


def finditer(
    pattern: re.Pattern[str], opening: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text)``, trying ``pattern`` only at the start
    and where ``opening`` (from :func:`openings`) finds a match can open."""
    if _FOLDS_TO_ASCII.search(text):
        yield from pattern.finditer(text)
        return
    low = text.lower()  # same length and classes: no İ here
    pos = 0
    m = pattern.match(text)
    if m:
        yield m
        pos = m.end()
    while (found := opening.search(low, max(pos - 1, 0))) is not None:
        start = found.start() + 1  # after the character the lookbehind looks at
        m = pattern.match(text, start)  # its lookbehinds see the text before start
        if m:
            yield m
        pos = m.end() if m else start + 1

"""A fact's sentence as a line of its own: the headline's and key developments' display text.

A news sentence is written to follow the ones before it, under its article's dateline.
As a headline or a key development it stands alone, so its display text drops

* a leading **dateline**: the place in capitals, perhaps a region, a date and the
  agency or station in parentheses, then a dash ("BRENNOCK, Jan. 16 — ", "PINE HOLLOW
  (KRLX) — ", "KYIV, Ukraine, March 3 (Reuters) - "); a place in ordinary case counts
  only with an agency in parentheses ("Kyiv (AP) — ");
* a leading **connective** that ties it to the sentence before ("Meanwhile,", "In a
  separate development,", "However,"),

and starts with a capital letter. Only what is shown is cleaned: the timeline entry
and its evidence keep the quote as written. The patterns are English news
conventions (the project's language), written out because no maintained library
strips datelines.
"""

from __future__ import annotations

import re

MIN_WORDS = 4  # what is left must still be a sentence, else the text is kept whole

# Discourse connectives that tie a sentence to the one before it (English, general).
_CONNECTIVE = re.compile(
    r"^(?:(?:meanwhile|at\s+the\s+same\s+time|in\s+addition|additionally|also|however|"
    r"but|and|separately|elsewhere|moreover|furthermore|nevertheless|nonetheless|still|"
    r"in\s+(?:a\s+)?separate\s+(?:development|incident|statement)s?|in\s+other\s+news|"
    r"on\s+the\s+other\s+hand|besides|likewise|similarly|instead|then|so|thus|therefore|"
    r"as\s+well|too|earlier|later|later\s+on|at\s+the\s+time)(?:\s*,\s*|\s+))+",
    re.IGNORECASE,
)
_DEPENDENT_OPENER = re.compile(
    r"^(?:he|she|they|it|this|that|these|those|his|her|their|its|we|i|you|there)\b|^[\"“‘'(]",
    re.IGNORECASE,
)

_CAPS_WORD = r"[A-Z][A-Z.'’&-]*[A-Z.]"  # BRENNOCK, ST., U.S.
_WORD = r"[A-Z0-9][\w.'’&-]*"  # Ukraine, Jan., 16, Aug
_PART = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"  # a region or a date after a comma
_AGENCY = r"\([A-Z][^()\n]{0,40}\)"  # (AP), (KRLX), (Continental Wire)
_DASH = r"\s*(?:—|–|--)\s*|\s+-\s+"
_DATELINE = re.compile(
    rf"^(?:{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,4}}(?:\s*,\s*{_PART}){{0,3}}(?:\s*{_AGENCY})?"
    rf"|{_WORD}(?:\s+{_WORD}){{0,3}}(?:\s*,\s*{_PART}){{0,3}}\s*{_AGENCY})(?:{_DASH})"
)
_OPENS_SENTENCE = re.compile(r"[A-Z0-9\"“‘'(]")


def _enough(text: str) -> bool:
    return len(text.split()) >= MIN_WORDS


def strip_dateline(text: str) -> str:
    """``text`` without a leading dateline ("BRENNOCK, Jan. 16 — The toll rose ..." ->
    "The toll rose ..."); unchanged when what follows would not read as a sentence."""
    stripped = text.strip()
    m = _DATELINE.match(stripped)
    if m is None:
        return stripped
    rest = stripped[m.end() :]
    if not _enough(rest) or not _OPENS_SENTENCE.match(rest):
        return stripped
    return rest


# A photo or graphic credit in parentheses before the sentence: "(By Jane Roe -- The Daily
# Planet) ", "(AP Photo/Jane Roe) ", "(Jane Roe - AP) ": a byline inside the brackets or a
# slash or dash between a name and an outlet.
_CREDIT = re.compile(r"\((?:By\s[^()\n]{1,80}|[^()\n]{1,80}?(?:--|—|/|\s[-–]\s)[^()\n]{1,80})\)\s+")
# A page's time stamp before the sentence: "Tuesday, September 16, 2008; 4:30 PM ", or its
# print edition's day and page: "Thursday, October 23, 2008; Page A01 ".
_STAMP = re.compile(
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
    r"(?:\d{1,2}\s+[A-Z][a-z]+\.?|[A-Z][a-z]+\.?\s+\d{1,2},?)\s+\d{4}[,;]?\s+"
    r"(?:\d{1,2}[.:]\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:GMT|BST|UTC|EST|EDT|ET)?|Page\s+[A-Z]?\d+)\s+"
)


# A live page's heading ending in its section's day ("Quake: Your stories Thursday 14
# January The aid ..."; not a date in prose, after "on", "by", "since" ...): the day dates
# the section (the quote keeps it), the statement starts after it.
_DAY_HEADING = re.compile(
    r"[^.!?\n]{0,80}?(?<!\bon\s)(?<!\bby\s)(?<!\bof\s)(?<!\bfrom\s)(?<!\buntil\s)"
    r"(?<!\bsince\s)(?<!\blast\s)(?<!\bnext\s)(?<!\bthis\s)(?<!\bfor\s)(?<!\bto\s)"
    r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+"
    r"(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\.?\s+\d{1,2})(?:,?\s+\d{4})?\s+(?=[A-Z\"“‘'])"
)
# Where a heading's weekday ends at the latest, from where the heading starts: its 80
# characters, then "Wednesday". The heading is tried at each of those 80 positions (every
# lookbehind at each), so a sentence without "day" there (most) is not tried at all.
_DAY_HEADING_REACH = 80 + len("Wednesday")


def statement_start(text: str) -> int:
    """Where the statement of a sentence starts, past what a page puts before it: a photo
    credit, a time stamp, a live page's heading with its day ("Quake: Your stories
    Thursday 14 January "), a dateline ("(By Jane Roe -- The Daily Planet) BRENNOCK, Jan.
    16 -- The toll rose ..." -> the offset of "The toll"); 0 when what follows would not
    read as a sentence. The entry's text is the statement; its
    quote keeps the whole sentence, whose dateline (or day heading) may date it."""
    pos = 0
    for pattern in (_CREDIT, _STAMP):
        m = pattern.match(text, pos)
        if m is not None:
            pos = m.end()
    if text.find("day", pos, pos + _DAY_HEADING_REACH) >= 0:
        m = _DAY_HEADING.match(text, pos)
        if m is not None:
            pos = m.end()
    rest = text[pos:]
    stripped = strip_dateline(rest)
    pos += len(rest) - len(rest.lstrip()) + (len(rest.strip()) - len(stripped))
    tail = text[pos:]
    if pos and (not _enough(tail) or not _OPENS_SENTENCE.match(tail)):
        return 0
    return pos


def trim_connective(text: str) -> str:
    """``text`` without a leading connective ("Meanwhile, a drone hit ..." -> "A drone
    hit ..."), so it reads on its own; the evidence keeps the quote as written."""
    stripped = text.strip()
    trimmed = _CONNECTIVE.sub("", stripped, count=1)
    if not trimmed or not _enough(trimmed):
        return stripped
    return trimmed[0].upper() + trimmed[1:]


def display_text(text: str) -> str:
    """The sentence as a line of its own: no dateline, no leading connective, a capital
    first letter (see the module docstring)."""
    shown = trim_connective(strip_dateline(text))
    return shown[:1].upper() + shown[1:]


def stands_alone(text: str) -> bool:
    """Does the sentence (once its dateline and connective are trimmed) read without
    the one before it: no leading pronoun or quotation to resolve?"""
    return not _DEPENDENT_OPENER.match(display_text(text))

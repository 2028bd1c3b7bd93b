"""Segment a cleaned source into sentences with offsets into ``Source.text``.

Rules (no external splitter, so every offset is exact):

* Kept ranges are split into lines. A blank line always ends a paragraph.
* A single line break ends a paragraph (and so a sentence) unless the line is a
  soft wrap: the line has no terminal punctuation and the next line starts in
  lower case, or the block is hard-wrapped (several lines of similar width, most
  ending mid-sentence) and the line is not a short heading before a capital.
* Inside a paragraph a sentence ends at ``.``, ``!``, ``?`` or an ellipsis,
  followed by any closing quotes or brackets, whitespace, and a token that can
  start a sentence. Titles ("Lt. Gen.", "Mr.", "Dr."), initials ("J. R. R."),
  "No. 5", "Jan. 5" never end a sentence; dotted and ambiguous abbreviations
  ("U.S.", "Inc.", "St.", "p.m.") end one only before a typical sentence
  starter ("The", "He", ...). Decimals ("1.5") have no whitespace after the
  point and never split.
* A short standalone line without terminal punctuation (the title, a
  sub-heading) is marked ``is_headline``.
* On a live page (:func:`summarizer.stages.runin.casing`), an item the page's text ran
  into the one before it ("... may have been killed 2050 The president says ...") starts
  its own paragraph at its clock time, which is then cut off it as the items opening a
  line are (:mod:`summarizer.stages.runin`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import NamedTuple

from summarizer.models import CleanedSource, Sentence
from summarizer.stages import runin


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that are always followed by a name or number, never end a sentence.
TITLES = _words(
    """mr mrs ms messrs mme dr prof gen lt col maj capt cpt sgt cpl pvt adm cmdr
    gov sen rep rev hon pres supt insp det fr brig lieut atty amb sec mt ft sens reps
    govs gens drs profs"""
)
# Abbreviations that end a sentence only when a typical sentence starter follows.
AMBIGUOUS = _words(
    """inc ltd co corp plc llc jr sr st ave blvd rd bros etc approx dept univ est
    no nos vol am pm jan feb mar apr jun jul aug sep sept oct nov dec"""
)
# Never end a sentence, whatever follows.
NEVER = frozenset({"e.g", "i.e", "vs", "cf", "viz"})
# Before a digit these are "No. 5", "Jan. 5", "p. 12".
BEFORE_NUMBER = _words(
    """no nos vol p pp art fig ch sec tel jan feb mar apr jun jul aug sep sept oct
    nov dec approx ca"""
)
SENTENCE_STARTERS = _words(
    """the a an he she it they we i you his her its their our my your this that
    these those there here but and or so yet in on at after before when while if
    as meanwhile however also some many most no not one two three four five
    several dozens hundreds thousands millions tens officials police authorities
    according earlier later separately
    still since last what who why how where for with from by to during despite
    amid although though because until then now today yesterday both all each
    every such other another more few only even again once instead whether
    it's i'm we're they're he's she's"""
)

# (the punctuation's first character on its own: sre then skips to the next one in C)
_BOUNDARY = re.compile(r"([.!?…][.!?…]*)(['\"”’)\]]*)(\s+)(?=\S)")
_WORD_MARKS = frozenset("_.’'-")  # what a word before a boundary holds beside letters, digits
_NEXT_WORD = re.compile(r"([\"'“‘(\[]*)([\w’'-]*)")
# A line ending in terminal punctuation, then closers, then whitespace (_has_terminal).
_TERMINALS = tuple(".!?…:;")
_CLOSERS = "\"'”’)]"
_ALNUM = re.compile(r"[^\W_]")  # a character for which str.isalnum() holds: \w but "_"
_LIST_ITEM = re.compile(r"\s*(?:[-*•–]\s|\d+[.)]\s)")
# Each branch opens with its quotation mark (a straight one's "no word character before"
# is checked just after it, not before): sre then skips to the next quotation mark instead
# of trying every branch at every character (9x faster over a corpus, same matches).
_QUOTATION = re.compile(
    r"“[^“”\n]{1,1500}?”"
    r"|\"(?<!\w\")[^\"\n]{1,1500}?\""
    r"|‘[^\n]{1,1500}?’(?!\w)"
    r"|'(?<!\w')(?=[A-Z])[^\n]{1,1500}?[,.?!]'(?!\w)"
)
# A short capitalised run without punctuation, then a word that only starts sentences.
_INLINE_HEADING = re.compile(
    r"(?P<head>[A-Z][^.!?;:,\"“”\n]{2,60}?\b(?P<last>[a-z]+))"
    r" (?=(?:On|In|At|After|According|Meanwhile|Earlier|Later|During|However)\b)"
)
# What every inline heading holds: its opener after a space, before the first character the
# heading cannot hold (the heading, its last word, the space and the opener have none): two
# scans in C before the heading's own pattern, which tries every length at every unit.
_HEAD_STOP = re.compile(r'[.!?;:,"“”\n]')
_HEAD_OPENER = re.compile(r" (?:On|In|At|After|According|Meanwhile|Earlier|Later|During|However)\b")
_JOINING_WORDS = _words(
    """in on at to of from for by with and or the a an as than that said says told
    into onto over under between"""
)
# A page's time stamp run into the text ("... slaughter Tuesday 4 January 2005 08.43 GMT
# There has never been ..."): it ends the title block, so the lede starts after it.
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_DAY = rf"(?:\d{{1,2}}\s+{_MONTHS}|{_MONTHS}\s+\d{{1,2}},?)\s+\d{{4}}"
_CLOCK = r"\d{1,2}[.:]\d{2}\s*(?:[AaPp]\.?[Mm]\.?\s*)?"
_ZONE = r"(?:GMT|BST|UTC|CET|CEST|EST|EDT|ET|UK\s+time)"
# The date then the clock ("Tuesday 4 January 2005 08.43 GMT", "September 16, 2008; 4:30
# PM ET"), or the clock then the date, not before a lower-case word ("updated at 14:19 GMT,
# Monday, 25 January 2010 The UN ...", not "10:30, Monday, 4 March 2024 having left"), or
# with "on" between them after the clock's zone ("... on 10.58 BST on Monday 11 July 2005").
_PAGE_STAMP = re.compile(
    rf"(?:{_WEEKDAY}{_DAY}[,;]?\s+{_CLOCK}{_ZONE}?"
    rf"|(?<![\d.:]){_CLOCK}(?:{_ZONE}?,?|{_ZONE}\s+on)\s+{_WEEKDAY}{_DAY}(?!\s+[a-z]))(?!\w)"
)


# A photo credit opening a paragraph, its label and a name with the agency after a slash
# ("Photograph: Jane Roe/Agency The minister said ..."): it ends where the slashed word
# does, and the lede starts after it.
_LABELLED_CREDIT = re.compile(
    r"(?:Photograph|Photo|Picture|Illustration|Image)s?:\s+(?:[^\s/]+\s+){0,4}?"
    r"[^\s/]*\w/[^\s]*\w(?=\s)"
)


def holds_page_stamp(text: str) -> bool:
    """Does ``text`` hold a page's time stamp (a date and a clock time run together)?"""
    return bool(_STAMP_CLOCK.search(text)) and bool(_PAGE_STAMP.search(text))


# What every stamp holds (its clock time, "\d[.:]\d\d"): a cheap test before the stamp's
# own pattern, which is tried at every position of the window. It opens with its ".:"
# (sre skips to the next one in C; a digit before it is looked behind), so a search
# from ``pos`` finds a clock whose first digit is at ``pos - 1`` or later: search from
# one past where the clock may start.
_STAMP_CLOCK = re.compile(r"[.:](?<=\d[.:])\d\d")
STAMP_WITHIN = 400  # characters: a stamp this near a unit's start ends its title block
HEADLINE_MAX_WORDS = 25
OPENING_UNITS = 3  # an article's first paragraphs: where its title block is
# a live page's item run into the one before: a clock time after a word (not a figure)
# and before a capitalised word ("killed 2050 The president says")
_LINE_CLOCK = re.compile(r"^[0-2]\d[0-5]\d ?[A-Z]", re.MULTILINE)
_RUN_IN_CLOCK = re.compile(r"(?<=[^\d\s] )[0-2]\d[0-5]\d(?= [A-Z][a-z])")
WRAP_MAX_WIDTH = 100
WRAP_MIN_WIDTH = 40


class _Unit(NamedTuple):
    """A run of lines segmented together (one paragraph). A named tuple, like
    :class:`_Heads`: one of each per paragraph, and a frozen dataclass took three
    times as long to make."""

    start: int
    end: int
    lines: int


# --------------------------------------------------------------------------- lines


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Line spans (without the newline) inside ``text[start:end]``."""
    spans = []
    pos = start
    while pos <= end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        spans.append((pos, stop))
        if nl < 0:
            break
        pos = nl + 1
    return spans


def _blocks(text: str, spans: list[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
    """Group line spans into blocks separated by blank lines."""
    block: list[tuple[int, int]] = []
    for s, e in spans:
        if text[s:e].strip():
            block.append(_strip_span(text, s, e))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _has_terminal(line: str) -> bool:
    """Whether ``line`` ends in terminal punctuation, closers and whitespace aside: read
    from the end with two strips (``[.!?…:;]["'”’)\\]]*\\s*$`` searched for was tried at
    every punctuation mark of the line; str.isspace is ``\\s`` for every code point)."""
    return line.rstrip().rstrip(_CLOSERS).endswith(_TERMINALS)


def _starts_lower(line: str) -> bool:
    stripped = line.lstrip("\"'“‘([ \t")
    return bool(stripped) and stripped[0].islower()


def _is_wrapped(text: str, block: list[tuple[int, int]]) -> bool:
    """Hard-wrapped prose: 3+ lines of one width, most ending mid-sentence."""
    if len(block) < 3:
        return False
    inner = [text[s:e] for s, e in block[:-1]]
    width = max(len(x) for x in inner)
    if width > WRAP_MAX_WIDTH or width < WRAP_MIN_WIDTH:
        return False
    full = sum(1 for x in inner if len(x) >= 0.7 * width)
    open_lines = sum(1 for x in inner if not _has_terminal(x))
    return full * 4 >= len(inner) * 3 and open_lines * 2 >= len(inner)


def _soft_break(line: str, nxt: str, wrapped: bool, width: int) -> bool:
    """Whether the line break between ``line`` and ``nxt`` is only a wrap."""
    if _LIST_ITEM.match(nxt):
        return False
    if not _has_terminal(line) and _starts_lower(nxt):
        return True
    if not wrapped:
        return False
    paragraph_end = len(line) < 0.6 * width and not _starts_lower(nxt)
    return not paragraph_end


def _units(text: str, start: int, end: int) -> Iterable[_Unit]:
    """Paragraph units of one kept range."""
    if text.find("\n", start, end) < 0:  # one line (clean keeps lines): a unit unless blank
        s, e = _strip_span(text, start, end)
        return (_Unit(s, e, 1),) if s < e else ()
    return _paragraphs(text, start, end)


def _paragraphs(text: str, start: int, end: int) -> Iterator[_Unit]:
    """Paragraph units of a kept range of several lines."""
    for block in _blocks(text, _lines(text, start, end)):
        wrapped = _is_wrapped(text, block)
        width = max(e - s for s, e in block)
        u_start, u_end = block[0]
        count = 1
        for (s, e), (ns, ne) in pairwise(block):
            if _soft_break(text[s:e], text[ns:ne], wrapped, width):
                u_end = ne
                count += 1
                continue
            yield _Unit(u_start, u_end, count)
            u_start, u_end, count = ns, ne, 1
        yield _Unit(u_start, u_end, count)


# --------------------------------------------------------------------------- sentences


def _prev_word(text: str, pos: int) -> str:
    """What ``([\\w.’'-]*)$`` finds in the 40 characters before ``pos`` (``$`` also
    before a line break ending them), read backwards from the end: the search tried
    every start in the window. ``\\w`` is ``str.isalnum`` and "_"."""
    floor = max(0, pos - 40)
    end = pos - 1 if pos > floor and text[pos - 1] == "\n" else pos
    start = end
    while start > floor and (text[start - 1].isalnum() or text[start - 1] in _WORD_MARKS):
        start -= 1
    return text[start:end]


def _next_word(text: str, pos: int) -> tuple[str, str]:
    """(opening quotes/brackets, the word after them) at ``pos``."""
    match = _NEXT_WORD.match(text, pos)
    if not match:
        return "", ""
    return match.group(1), match.group(2)


def _starts_sentence(opener: str, word: str, rest: str) -> bool:
    if word[:1].isupper() or word[:1].isdigit():
        return True
    if opener and word[:1].isalpha():
        return word[:1].isupper()
    return not word and bool(rest) and not rest[0].isalnum() and not rest[0].islower()


def _is_boundary(punct: str, closers: str, prev: str, opener: str, word: str, rest: str) -> bool:
    """Decide whether ``prev`` + ``punct`` + ``closers`` ends a sentence before ``word``."""
    if not _starts_sentence(opener, word, rest):
        return False
    if punct != "." or closers:
        return True
    low = prev.lower().strip("'’")
    if low in NEVER:
        return False
    if word[:1].isdigit():
        return low not in BEFORE_NUMBER
    if low in TITLES:
        return False
    starter = any(q in opener for q in "\"'“‘") or word.lower() in SENTENCE_STARTERS
    if len(prev) == 1 and prev.isupper():  # an initial: "J. R. R. Tolkien"
        return starter and word.lower() not in {"a"}
    dotted = "." in prev and not any(ch.isdigit() for ch in prev)
    if dotted or low in AMBIGUOUS:
        return starter
    return True


def _attributed_quotes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quotations closed by a comma ("...families,” said X"): never split inside them."""
    spans = []
    for m in _QUOTATION.finditer(text, start, end):
        close = m.end() - 1
        if text[close - 1] == ",":
            spans.append((m.start(), close))
    return spans


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    """Whether ``pos`` is strictly inside one of ``spans`` (disjoint, in order; ``starts``
    their starts): a bisection, so a paragraph with many quotations stays linear."""
    i = bisect.bisect_left(starts, pos) - 1  # the last span starting before pos
    return i >= 0 and pos < spans[i][1]


def _inline_heading_cut(text: str, unit: _Unit) -> int | None:
    """A sub-heading run into its paragraph: "Pressure from the north On Sunday, ...", a
    title block ended by the page's time stamp ("... Tuesday 4 January 2005 08.43 GMT"),
    or a labelled photo credit ("Photograph: Jane Roe/Agency")."""
    credit = _LABELLED_CREDIT.match(text, unit.start, unit.end)
    if credit is not None:
        return credit.end()
    window = min(unit.end, unit.start + STAMP_WITHIN)
    clock = _STAMP_CLOCK.search(text, unit.start + 1, window)  # (see _STAMP_CLOCK)
    stamp = _PAGE_STAMP.search(text, unit.start, window) if clock else None
    if stamp is not None and stamp.end() < unit.end:
        return stamp.end()
    m = _inline_heading(text, unit.start, unit.end)
    if not m or m.group("last").lower() in _JOINING_WORDS:
        return None
    return m.end("head")


def _inline_heading(text: str, start: int, end: int) -> re.Match[str] | None:
    """``_INLINE_HEADING.match(text, start, end)``, tried only where its opener is found."""
    stop = _HEAD_STOP.search(text, start + 1, end)
    if not _HEAD_OPENER.search(text, start, stop.start() if stop else end):
        return None
    return _INLINE_HEADING.match(text, start, end)


def _split_unit(
    text: str, unit: _Unit, casing_of: runin.CasingOf, opening: bool
) -> tuple[list[tuple[int, int]], _Heads]:
    """Sentence spans inside one paragraph unit (stripped, non-empty), and where the
    unit's run-in heading pieces end (an inline heading, a time stamp, a title or
    caption glued to the lede: :mod:`summarizer.stages.runin`) when it starts with one."""
    heading_end = _inline_heading_cut(text, unit)
    protected: list[tuple[int, int]] | None = None  # found at the first candidate (most have none)
    starts: list[int] = []
    boundaries = []
    for m in _BOUNDARY.finditer(text, unit.start, unit.end):
        cut = m.end(2)
        if protected is None:
            protected = _attributed_quotes(text, unit.start, unit.end)
            starts = [a for a, _ in protected]
        if _inside(protected, starts, cut):
            continue
        prev = _prev_word(text, m.start())
        opener, word = _next_word(text, m.end())
        # only the first character after the boundary matters: no copy of the rest
        after = text[m.end() : min(m.end() + 1, unit.end)]
        if _is_boundary(m.group(1), m.group(2), prev, opener, word, after):
            boundaries.append(cut)
    zone_end = boundaries[0] if boundaries else unit.end
    title_end = heading_end or unit.start  # a title block ended by a stamp stays whole
    glued = runin.glue_cuts(text, (title_end, zone_end), SENTENCE_STARTERS, casing_of, opening)
    if not glued and not boundaries and heading_end is None:  # most units: one sentence
        return _whole(text, unit), _NONE
    # in the order found (a stamp may end past a boundary: its title block stays one span)
    cuts = [unit.start, *([heading_end] if heading_end else []), *glued, *boundaries, unit.end]
    spans = []
    for s, e in pairwise(cuts):
        s, e = _strip_span(text, s, e)
        if _ALNUM.search(text, s, e):  # any(ch.isalnum() ...), without copying the span
            spans.append((s, e))
    return spans, _Heads(heading_end, glued[-1] if glued else None)


def _whole(text: str, unit: _Unit) -> list[tuple[int, int]]:
    """A unit with no cut in it as one span (a unit is stripped: :func:`_units`)."""
    return [(unit.start, unit.end)] if _ALNUM.search(text, unit.start, unit.end) else []


class _Heads(NamedTuple):
    """Where a unit's heading pieces end: an inline heading or a title block ended by a
    time stamp (``run_in``), then titles and captions glued to the lede (``glued``)."""

    run_in: int | None
    glued: int | None


_NONE = _Heads(None, None)


def _is_headline(line: str, unit: _Unit, span: tuple[int, int], heads: _Heads) -> bool:
    """A whole one-line unit, or a run-in heading piece, without terminal punctuation
    (``line``: the text of ``span``)."""
    whole = unit.lines == 1 and span == (unit.start, unit.end)
    heading_end = heads.run_in
    run_in = heading_end is not None and span[0] == unit.start and span[1] <= heading_end
    glued = heads.glued is not None and span[1] <= heads.glued
    if not (whole or run_in or glued):
        return False
    if run_in and span[1] == heading_end and _PAGE_STAMP.search(line):
        return True  # a title block and its time stamp, however long the standfirst
    return not _has_terminal(line) and len(line.split()) <= HEADLINE_MAX_WORDS


def _live_items(text: str, units: Iterable[_Unit], casing_of: runin.CasingOf) -> Iterator[_Unit]:
    """``units``, each split before the clock times of the live page's items run into it
    (a part of a line is no whole line: ``lines`` 0, never a headline on its own)."""
    for unit in units:
        clocks = list(_RUN_IN_CLOCK.finditer(text, unit.start, unit.end))
        if not clocks or not casing_of().live:
            yield unit
            continue
        cuts = [
            m.start()
            for m in clocks
            if runin.ends_heading(text[max(unit.start, m.start() - 40) : m.start()].split()[-1])
        ]  # not after a word that needs one after it ("in 2005 The"): no item's end
        for s, e in pairwise([unit.start, *cuts, unit.end]):
            s, e = _strip_span(text, s, e)
            if s < e:
                yield _Unit(s, e, unit.lines if (s, e) == (unit.start, unit.end) else 0)


def segment(cleaned: CleanedSource) -> tuple[Sentence, ...]:
    """Split every kept range of ``cleaned`` into sentences with exact offsets."""
    source = cleaned.source
    text = source.text
    out: list[Sentence] = []
    paragraph = -1
    floor = max(0, min(source.header_end, len(text)))
    casing_of = runin.CasingOf(text)  # made only when a cut needs it
    # a live page has lines opening with a clock time (counted in C; casing tells)
    maybe_live = len(_LINE_CLOCK.findall(text)) >= runin.LIVE_CLOCKS
    for kept in sorted(cleaned.kept, key=lambda k: k.start):
        start, end = max(kept.start, floor), min(kept.end, len(text))
        units = _units(text, start, end) if start < end else ()
        for unit in _live_items(text, units, casing_of) if maybe_live else units:
            paragraph += 1
            opening = paragraph < OPENING_UNITS
            spans, heads = _split_unit(text, unit, casing_of, opening)
            for s, e in spans:
                line = text[s:e]
                out.append(
                    Sentence.trusted(  # offsets and text from the source: valid
                        source_id=source.id,
                        index=len(out),
                        start=s,
                        end=e,
                        text=line,
                        is_headline=_is_headline(line, unit, (s, e), heads),
                        paragraph=paragraph,
                    )
                )
    return tuple(out)

"""Run-in pieces: a page's title, a photo caption, a byline or a time stamp that the
page's text extraction glued to the sentence after it without sentence punctuation.

Scraped pages often lose the line breaks between their furniture and the story, so the
first "sentence" of a paragraph reads "Quake aid slowed by blockages Makeshift camps
fill the square Bottlenecks have held up aid ...": a title, a caption, then the lede.
Such a paragraph opening is cut, before the first real sentence boundary, where

* a word that can start a sentence follows a word that can end a heading, with no
  punctuation between (a colon, comma or dash joins: "Quake: Your stories");
* the text before the cut has its quotation marks and brackets closed, at most
  :data:`PIECE_MAX_WORDS` words since the previous cut and at least two (or a bare
  clock time: a live page's "0832");
* the word before the cut is not one that needs a word after it (a preposition, an
  article, "said", a verb of saying, a noun that introduces a title: "the film Crash");
* the word after the cut starts a sentence: a closed-class sentence opener ("The",
  "There", "Many", "In"; see ``SENTENCE_STARTERS``), which, unless it is an article,
  is followed by a word in lower case (not "Hope For Haiti"); or an open-class word
  after a word in lower case, followed by one in lower case, that the document itself
  writes in lower case elsewhere and never capitalised after another word: the
  document-centred approach to capitalised words (Mikheev 2002, "Periods, capitalized
  words, etc."), which tells "blockages Makeshift camps" from "the Red Cross";

Three pieces are told by their form instead, wherever the paragraph is:

* a photo credit in brackets opening the paragraph, every content word capitalised (or
  a last one naming the medium: "(Agency video)") and no figure ("(Jane Roe - Agency)
  Firefighters ..."), before a capitalised word;
* a title before a dateline ("Council Backs Bridge Plan VALE, March 4 -- The
  council ..."): a word in capitals, a comma, an optional region, a month and day and a
  dash; the dateline stays on its sentence (it dates it);
* a live page's clock time opening the paragraph ("1645 Rescuers say ..."), on a page
  where at least :data:`LIVE_CLOCKS` lines open with a clock time and a capitalised word,
  one of them earlier than any year's reading (:data:`YEAR_FLOOR`: a list of years
  "1914 ...", "1939 ..." is no live page).

A page's day stamp ("Your stories Thursday 14 January Up to ...", "... 17 January The
delivery of aid ...") is left on the sentence after it: on a live page it is the
section's day, and the date stage dates the sentence by it (cut off, the sentence would
take a later day it only mentions, or its page's).

A capitalised word after another capitalised one ("US Senate", "Iraq War") is taken as
part of a name, and an article's title before a name ("attacked The Times",
"Haiti Aid ...") is not cut when the text before it has a comma (a sentence, not a
heading): these rules keep the sentences they cannot tell apart. Hand-written because
no maintained splitter segments text without sentence punctuation while keeping
offsets; the cuts only move span boundaries, never characters.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise

PIECE_MAX_WORDS = 25  # a heading, caption or byline piece is at most this long
ZONE_MAX_TOKENS = 80  # how far into a paragraph's first sentence cuts are looked for
RIGHT_MIN_WORDS = 3  # words that must follow the last cut in the sentence
LIVE_CLOCKS = 3  # lines opening with a clock time that make a page a live page
YEAR_FLOOR = 1800  # a clock time below this (or of three digits) is no year

_TOKEN = re.compile(r"\S+")
_CLOSERS = "\"”’')]"
_PUNCT = "\"'“”‘’()[],.;:!?"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CLOCK = re.compile(r"\d{3,4}")  # a live page's bare clock time: "0832", "1646"
_ARTICLES = frozenset({"the", "a", "an"})
# Words after which a capitalised word continues the sentence (function words, verbs
# of saying and nouns that introduce a title): general English, not a corpus' list.
_NEEDS_MORE = _words(
    """a an the and or nor but of in on at to from for by with into onto over under
    between as than that said says say told tell tells is was are were be been being
    has have had do does did about against like via per his her their its our my your
    this these those whose which who whom what when where whether including across
    through within without among amid toward towards upon near beyond behind below
    above after before since until during except despite reported reports wrote writes
    write quoted cited titled entitled dubbed called named became become becomes
    remain remains joined joins mr mrs ms dr sir st new old also even often only just
    especially notably namely film films book books novel novels song album magazine
    newspaper paper play show programme program series documentary column columnist
    website site blog poem opera musical journal movie movies track single drama
    sitcom game newspapers magazines shows while whilst although though because if
    unless whereas so nor"""
)
# Openers that after a capitalised word end a name instead ("Clause Four", "USA Today").
_NAME_TAILS = frozenset({"one", "two", "three", "four", "five", "today", "now"})


_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)"
)
# A page's day stamp at the end of a piece ("Your stories Thursday 14 January").
_DAY_STAMP_END = re.compile(
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+"
    rf"(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}})(?:,?\s+\d{{4}})?\s*$"
)


_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_CAPS_WORD = r"[A-Z][A-Z.'’-]*[A-Z]"
# A dateline: "PARIS, March 17 --", "TOULON, France, Sept. 25 --", "RIO DE JANEIRO, Dec. 9 --"
_DATELINE = re.compile(
    rf"{_CAPS_WORD}(?:\s+{_CAPS_WORD})*,(?:\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*,)?"
    rf"\s+{_MONTH_ABBR}\s+\d{{1,2}}(?:,\s+\d{{4}})?\s+(?:--|—|–)(?!\S)"
)
_DASHES = frozenset({"--", "—", "–"})  # a dateline's dash, a token of its own


def _clock(token: str) -> bool:
    """A bare clock time: three or four digits read as hours and minutes ("0832", "1645")."""
    return bool(_CLOCK.fullmatch(token)) and int(token[:-2]) < 24 and int(token[-2:]) < 60


def _live_page(clocks: list[int]) -> bool:
    """Whether the lines opening with a clock time (``clocks``, their values) make a live
    page: enough of them, and one that cannot be read as a year."""
    return len(clocks) >= LIVE_CLOCKS and min(clocks) < YEAR_FLOOR


@dataclass(frozen=True)
class Casing:
    """How a document writes its words: those it writes in lower case, and how often it
    capitalises each word after another word with no punctuation between (inside a
    sentence: a name's word)."""

    lower: frozenset[str]
    inner_caps: Counter[str]
    after_article: frozenset[str]  # capitalised words it writes after "the", "a", "an"
    live: bool = False  # a live page: its items open with a clock time (:func:`_live_page`)


def casing(text: str) -> Casing:
    """The document's :class:`Casing`, line by line (a line break may end a sentence)."""
    lower: set[str] = set()
    inner: Counter[str] = Counter()
    after_article: set[str] = set()
    clocks: list[int] = []
    for line in text.splitlines():
        tokens = _TOKEN.findall(line)
        if (
            len(tokens) > 1
            and tokens[0][0].isdigit()
            and _clock(tokens[0])
            and tokens[1][0].isupper()
        ):
            clocks.append(int(tokens[0]))
        for prev, tok in pairwise(tokens):
            word = tok.strip(_PUNCT)
            if not word:
                continue
            if word[0].islower():
                lower.add(word)
            elif word[0].isupper() and prev[-1] not in '.!?:"”' and _has_alnum(prev):
                inner[word] += 1
                if prev in _ARTICLES:
                    after_article.add(_bare(word))
    return Casing(frozenset(lower), inner, frozenset(after_article), _live_page(clocks))


# str.splitlines' line ends (each one whitespace: a token never runs over one)
_LINE_ENDS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
AROUND_MAX = 64  # a word's occurrences: past this many the whole casing is read instead


class CasingOf:
    """A document's :class:`Casing`, made at the first call (most documents need none);
    and :func:`_is_opener`'s question about one word, answered from that word's
    occurrences alone while the casing is not made (reading every token of the document
    was most of what a document with a cut to weigh cost)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._made: Casing | None = None

    def __call__(self) -> Casing:
        if self._made is None:
            self._made = casing(self.text)
        return self._made

    def lower_and_once_inner(self, word: str) -> bool:
        """``word.lower() in casing.lower and casing.inner_caps[word] <= 1``."""
        low, text = word.lower(), self.text
        if self._made is not None or text.count(low) + text.count(word) > AROUND_MAX:
            case = self()
            return low in case.lower and case.inner_caps[word] <= 1
        return written_lower(text, low) and inner_caps(text, word, 2) <= 1


def written_lower(text: str, low: str) -> bool:
    """``low in casing(text).lower``, read around ``low``'s occurrences."""
    if not low[:1].islower():
        return False
    return any(_before(text, start) is not None for start in _token_starts(text, low))


def inner_caps(text: str, word: str, most: int) -> int:
    """``casing(text).inner_caps[word]`` (counted up to ``most``), read around its
    occurrences."""
    count = 0
    if not word[:1].isupper():
        return count
    for start in _token_starts(text, word):
        prev = _before(text, start)
        if prev is not None and prev[-1] not in '.!?:"”' and _has_alnum(prev):
            count += 1
            if count >= most:
                break
    return count


def _token_starts(text: str, core: str) -> Iterator[int]:
    """Where the tokens (runs of non-whitespace) that are ``core`` once stripped of
    punctuation start (a token holds ``core`` at one place at most: the next one is
    looked for after it)."""
    if not core or core.strip(_PUNCT) != core:
        return  # no stripped token has punctuation at either end
    at = text.find(core)
    while at >= 0:
        start, end = at, at + len(core)
        while start and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        if text[start:end].strip(_PUNCT) == core:
            yield start
        at = text.find(core, end)


def _before(text: str, start: int) -> str | None:
    """The token before the one at ``start`` on its line, or None (its line's first)."""
    end = start
    while end and text[end - 1].isspace():
        if text[end - 1] in _LINE_ENDS:
            return None
        end -= 1
    begin = end
    while begin and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:end] if end else None


def _bare(token: str) -> str:
    """A word without punctuation or a possessive ending ("BBC's" -> "BBC")."""
    word = token.strip(_PUNCT)
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _has_alnum(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def ends_heading(prev: str) -> bool:
    """Whether the token ``prev`` can end a heading piece."""
    core = prev.rstrip(_CLOSERS)
    if not core or not core[-1].isalnum() or core.endswith(("'s", "’s")):
        return False  # a possessive needs its noun: "Anderson's The Fall of Baghdad"
    return prev.strip(_PUNCT).lower() not in _NEEDS_MORE


def _balanced(text: str) -> bool:
    return (
        text.count('"') % 2 == 0
        and text.count("“") == text.count("”")
        and text.count("(") == text.count(")")
        and text.count("[") == text.count("]")
    )


def _title_cased(word: str) -> bool:
    """A capital, then lower case only: "Makeshift", "The", "A"."""
    letters = word.replace("'", "").replace("’", "").replace("-", "")
    return word[:1].isupper() and (len(letters) == 1 or letters[1:].islower())


def _content(tokens: Iterable[str]) -> Iterator[str]:
    """The words of ``tokens`` that are not function words (their capitals tell title
    case from sentence case), in order."""
    words = (t.strip(_PUNCT) for t in tokens)
    return (w for w in words if w[:1].isalpha() and w.lower() not in _NEEDS_MORE)


def _title_run(left: list[str], right: list[str]) -> bool:
    """Whether a title-case heading goes on past the cut ("A World in Crisis Means A
    Chance for Greatness"): every content word before it capitalised, and none of the
    next few after it in lower case. Read word by word up to the first in lower case
    (a sentence's piece has one within a few words)."""
    before = False
    for word in _content(left):
        if not word[0].isupper():
            return False
        before = True
    return before and all(w[0].isupper() for w in _content(right))


@dataclass(frozen=True)
class _Candidate:
    prev: str
    word: str
    following: str
    piece: list[str]  # the tokens of the piece before the cut
    right: list[str]  # the next few tokens after the word
    opening: bool  # in the article's first paragraphs, where its title block is
    left: str  # the words from the paragraph's start to the cut, a space between each


def _closed_opener(c: _Candidate, low: str, casing_of: CasingOf) -> bool:
    """A closed-class sentence opener ("The", "There", "Many") glued to a piece. An
    article before a capitalised word ("The UN") only in the opening, and after a piece
    with a comma (more likely a sentence: "On Monday, the campaign attacked The Times")
    only after a bracket or where the document writes the word after a lower-case
    article too ("the UN"; a title's "The" is not)."""
    if low in _NAME_TAILS and c.prev[:1].isupper():
        return False
    if low == "no" and c.following[:1].isdigit():
        return False  # "No 10" is a number
    if low in _ARTICLES and c.following.lower() in _NEEDS_MORE | {"now", "then"}:
        return False  # "topic A now": a letter, not an article
    if not c.following[:1].isupper():
        lower_next = c.following[:1].islower() or c.following[:1].isdigit()
        return lower_next and (c.opening or _plain_end(c.prev))
    if not (c.opening and low in _ARTICLES):
        return False
    return (
        "," not in c.left or c.prev.endswith(")") or _bare(c.following) in casing_of().after_article
    )


def _plain_end(prev: str) -> bool:
    """Past the opening, a piece ends in a word in lower case, a bare clock time or a
    bracket: a word in capitals before the opener may be a name's ("USA Today")."""
    return prev.lstrip(_PUNCT)[:1].islower() or bool(_CLOCK.fullmatch(prev)) or prev.endswith(")")


def _is_opener(c: _Candidate, starters: frozenset[str], casing_of: CasingOf) -> bool:
    """Whether ``c.word`` starts a sentence glued to the piece before it."""
    word = c.word.rstrip(",;:")
    low = word.lower()
    if not _title_cased(word) or low == "i" or low.startswith(("i'", "i’")):
        return False
    if _title_run(c.piece, c.right):
        return False
    if low in starters:
        return _closed_opener(c, low, casing_of)
    if not c.opening or word != c.word:
        return False
    if not c.prev.lstrip(_PUNCT)[:1].islower() or not c.following[:1].islower():
        return False
    return casing_of.lower_and_once_inner(word)  # capitalised: this occurrence only


def _piece_ok(words: int, first: str) -> bool:
    return 2 <= words <= PIECE_MAX_WORDS or (words == 1 and bool(_CLOCK.fullmatch(first)))


def _credit_end(tokens: list[str]) -> int:
    """How many tokens the bracketed photo credits opening ``tokens`` hold ("(Jane Roe -
    Agency)", "(Agency Photo/Jane Roe) (Jane Roe - Agency)", "(Agency video)"), or 0: each
    one bracket of at most :data:`PIECE_MAX_WORDS` tokens, no figure, every content word
    capitalised (but a last one naming the medium, :func:`_credit_words`); then a
    capitalised word."""
    end = 0
    while end < len(tokens) and tokens[end].startswith("("):
        k = _bracket_end(tokens, end)
        if not k:
            break
        end = k
    return end if end < len(tokens) and tokens[end][:1].isupper() else 0


def _bracket_end(tokens: list[str], first: int) -> int:
    """The index after a credit's bracket opening at ``tokens[first]`` (see
    :func:`_credit_end`), or 0."""
    for k, token in enumerate(tokens[first : first + PIECE_MAX_WORDS], start=first + 1):
        if ")" in token:
            piece = tokens[first:k]
            credit = " ".join(piece)
            if (
                token.endswith(")")
                and credit.count("(") == 1
                and credit.count(")") == 1
                and not any(ch.isdigit() for ch in credit)
                and _credit_words(piece)
            ):
                return k
            return 0
    return 0


# what a credit in brackets may name after its agency in lower case ("(Agency video)")
_MEDIA = frozenset({"video", "photo", "photos", "audio", "graphic", "graphics"})


def _credit_words(piece: list[str]) -> bool:
    """Every content word of a credit capitalised, but for a last one naming the medium
    ("(Agency video)": a clip's credit; "(Read more here)" is prose, not a credit)."""
    words = list(_content(piece))
    if len(words) > 1 and words[-1] in _MEDIA:
        words.pop()
    return all(w[0].isupper() for w in words)


def _dateline_at(text: str, start: int, end: int, tokens: list[str], first: int) -> int:
    """The index of the token opening a dateline ("PARIS, March 17 --") that follows a
    title of at least two words from ``tokens[first]`` on, or 0."""
    if _DASHES.isdisjoint(tokens):
        return 0  # no dateline's dash (in C, before any token is read in Python)
    stop = min(len(tokens), first + PIECE_MAX_WORDS + 1)
    for k in range(first + 2, stop):
        if not tokens[k][:2].isupper() or not ends_heading(tokens[k - 1]):
            continue
        left = " ".join(tokens[:k])
        if not _balanced(left) or _DAY_STAMP_END.search(left):
            continue
        if _DATELINE.match(text, _start_of(text, start, tokens, k), end):
            return k
    return 0


def _form_cuts(
    text: str, span: tuple[int, int], tokens: list[str], casing_of: CasingOf
) -> list[int]:
    """Indexes of the tokens where a piece told by its form ends: a bracketed photo
    credit, a live page's clock time, a title before its dateline (in that order)."""
    cuts: list[int] = []
    last = len(tokens) - RIGHT_MIN_WORDS
    if last < 1:
        return cuts
    credit = _credit_end(tokens)
    if credit and credit <= last:
        cuts.append(credit)
    elif _clock(tokens[0]) and tokens[1][:1].isupper() and casing_of().live:
        cuts.append(1)
    first = cuts[-1] if cuts else 0
    dateline = _dateline_at(text, span[0], span[1], tokens[: last + 1], first)
    if dateline:
        cuts.append(dateline)
    return cuts


def glue_cuts(
    text: str,
    span: tuple[int, int],
    starters: frozenset[str],
    casing_of: CasingOf,
    opening: bool,
) -> list[int]:
    """Where run-in pieces end in ``text[span]`` (a paragraph's first sentence): offsets
    of the words that start the next piece, in order. ``opening``: the paragraph is one
    of its article's first, where a title block is; past them only a closed-class
    opener after a word in lower case, a clock time or a bracket is cut."""
    start, end = span
    if not opening and not _may_cut_later(text, start, end, starters):
        return []  # (most paragraphs: proved in C, no token read in Python)
    return _glue_cuts(text, span, starters, casing_of, opening)


def _may_cut_later(text: str, start: int, end: int, starters: frozenset[str]) -> bool:
    """Whether a paragraph past the opening may have a cut in ``text[start:end]``: a
    piece told by its form (a bracket or a digit opening the zone, or a dash in it), or
    a title-cased closed-class opener after whitespace (:func:`_opener_pattern`), past
    the zone's first character (the first token cannot be cut before). False proves
    :func:`_glue_cuts` finds none."""
    head = _FIRST.search(text, start, end)
    if head is None:
        return False
    first = head.group()
    if first == "(" or first.isdigit():
        return True
    # a dash anywhere, even inside a token (a superset of _DASHES' tokens)
    if text.find("--", start, end) >= 0 or text.find("—", start, end) >= 0:
        return True
    if text.find("–", start, end) >= 0:
        return True
    return _opener_pattern(starters).search(text, start + 1, end) is not None


_FIRST = re.compile(r"\S")


@functools.cache
def _opener_pattern(starters: frozenset[str]) -> re.Pattern[str]:
    """A word of ``starters`` that :func:`_is_opener` may take, after whitespace: its
    first letter in upper case, the rest as written in ``starters`` (a title-cased word
    is in lower case after its capital), then only the ",;:" that a token's word drops.
    Every token that :func:`_is_opener` may take matches (a test checks, over all code
    points, that no other character lowers to a starter's letter as these do). Each
    branch opens with its capital, the whitespace looked behind, so that sre skips to
    the next possible capital instead of trying every branch after every space."""
    if any(not w.isascii() for w in starters):
        return re.compile(r"\S")  # not proved for these: any token may be one
    words: dict[str, list[str]] = {}
    for word in sorted(starters, key=len, reverse=True):
        if word and word != "i" and not word.startswith("i'"):  # never an opener
            words.setdefault(word[0], []).append(re.escape(word[1:]))
    capital = {first: re.escape(first.upper()) for first in words}
    branches = "|".join(
        f"{capital[first]}(?<=\\s{capital[first]})(?:{'|'.join(tails)})"
        for first, tails in sorted(words.items())
    )
    return re.compile(rf"(?:{branches})[,;:]*(?!\S)")


def _glue_cuts(
    text: str,
    span: tuple[int, int],
    starters: frozenset[str],
    casing_of: CasingOf,
    opening: bool,
) -> list[int]:
    """:func:`glue_cuts` without its pre-test: every zone's tokens read."""
    start, end = span
    # the zone's first ZONE_MAX_TOKENS tokens (str.split and _TOKEN agree on whitespace)
    tokens = text[start:end].split(maxsplit=ZONE_MAX_TOKENS)[:ZONE_MAX_TOKENS]
    # a piece told by its form opens with a bracket or a digit, or is followed by a dash
    # (tested here, in C, for the ~99 % of paragraphs with none: no call)
    head = tokens[0][0] if tokens else ""
    may_form = head == "(" or head.isdigit() or not _DASHES.isdisjoint(tokens)
    formed = _form_cuts(text, span, tokens, casing_of) if may_form else []
    cuts = [_start_of(text, start, tokens, i) for i in formed]
    piece_start = formed[-1] if formed else 0  # index of the current piece's first token
    # tokens starting with a capital (_is_opener wants one), up to the last one a piece
    # may end before (RIGHT_MIN_WORDS must follow); past the opening only a closed-class
    # opener can be cut before (skipping the others cannot skip a cut, and the first
    # token too far from the piece's start stops the loop at the next one all the same)
    last = len(tokens) - RIGHT_MIN_WORDS
    capitals = [i for i in range(piece_start + 1, last + 1) if tokens[i][0].isupper()]
    if not opening:
        capitals = [i for i in capitals if tokens[i].rstrip(",;:").lower() in starters]
    for i in capitals:
        if i - piece_start > PIECE_MAX_WORDS:
            break
        prev = tokens[i - 1]
        if not _piece_ok(i - piece_start, tokens[piece_start]):
            continue
        if not ends_heading(prev):  # (which needs a letter or digit: _has_alnum)
            continue
        # what is read of the text before the cut does not depend on its whitespace
        left = " ".join(tokens[:i])
        if not _balanced(left) or _DAY_STAMP_END.search(left):
            continue
        following = tokens[i + 1].lstrip(_PUNCT) if i + 1 < len(tokens) else ""
        piece, right = tokens[piece_start:i], tokens[i + 1 : i + 5]
        candidate = _Candidate(prev, tokens[i], following, piece, right, opening, left)
        if _is_opener(candidate, starters, casing_of):
            cuts.append(_start_of(text, start, tokens, i))
            piece_start = i
    return cuts


def _start_of(text: str, start: int, tokens: list[str], i: int) -> int:
    """Where ``tokens[i]`` starts in ``text`` (``tokens``: those of ``text[start:]``, in
    order): only whitespace lies between two tokens, so a token's first occurrence after
    the one before it is itself."""
    at = start
    for token in tokens[: i + 1]:
        at = text.find(token, at) + len(token)
    return at - len(tokens[i])

"""The date grammar: month and weekday names, the patterns of explicit dates, calendar
helpers, the dates files state about themselves (:data:`WRITTEN_DATE`), and a page's own
time stamps in its text (:func:`is_stamp`), which are no dates it talks about.

Shared by the prose rules (:mod:`summarizer.stages.daterules`) and by ingest (header
lines, front matter, HTML, JSONL and feed dates). See :mod:`summarizer.stages.dates`
for how dates are resolved.
"""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import re
from collections.abc import Callable
from dataclasses import dataclass

from summarizer.models import (
    Precision,
)
from summarizer.stages.numberwords import SMALL

# --------------------------------------------------------------------------- vocabulary

WEEKDAYS = {
    name: i
    for i, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    **{word: value for word, value in SMALL.items() if 1 <= value <= 12},
    "a couple of": 2,
    "a couple": 2,
}
VAGUE_COUNTS = {"a few": (2, 4), "few": (2, 4), "several": (3, 9)}
UNIT_DAYS = {"day": 1, "week": 7}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Leading words that mark an expression as the bound of a period ("since June 2022",
# "until Friday"), not the event's date. "by Saturday evening" is not one: it dates the
# state reached then ("had burned 12,000 acres by Saturday evening").
REFERENCE_WORDS = frozenset({"since", "until", "till"})
# Future time in the date's clause: modal and going-to futures, scheduling ("due on",
# "scheduled for", "set for"), and the verbs of intent and expectation whose infinitive
# or "for"/"on" complement names a time still to come ("hoped to run ... on Thursday",
# "is expected to", "plans to"); "due to" before a determiner is causal, not future.
FUTURE_CUE = re.compile(
    r"\b(?:will|shall|won't|would|wouldn't|going\s+to|upcoming|ahead\s+of|to\s+be\s+held|"
    r"(?:is|are|was|were)\s+to|due(?!\s+to\b)|"
    r"due\s+to\s+(?!(?:the|a|an|its|their|his|her|this|that|these|those)\b)|"
    r"(?:scheduled|slated|set|planned|timetabled)\s+(?:for|to)|scheduled|"
    r"(?:hope|plan|intend|aim|expect|want|wish|seek|prepare|promise|pledge|vow|threaten|"
    r"propose)(?:s|d|ed|ing)?\s+to|"
    r"(?:hoping|planning|planned|aiming|sought|preparing|promising|proposing)\s+to|"
    r"(?:expected|likely|poised)\s+to|(?<!than\s)expected(?=\s*$|\s+(?:on|in|by)\b))\b"
    r"|['’]ll\b",
    re.IGNORECASE,
)
# said|says|say|told|tells|announced|added|wrote|writes|stated|reported|claimed|confirmed|
# posted|tweeted|declared|insisted|warned, grouped by first letter (as _PREFIX_WORD, below):
# searched in a window before every date expression.
SPEECH_CUE = re.compile(
    r"\b(?:s(?:aid|ays|ay|tated)|t(?:old|ells|weeted)|a(?:nnounced|dded)|w(?:rote|rites|arned)|"
    r"r(?:eported)|c(?:laimed|onfirmed)|p(?:osted)|d(?:eclared)|i(?:nsisted))\b",
    re.IGNORECASE,
)
FUNCTION_WORDS = _words(
    "the a an and or that when which who to of in on at for with as by from is was"
)

# --------------------------------------------------------------------------- regex parts

MONTH_PATTERN = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|"
    r"Nov\.?|Dec\.?)(?![A-Za-z])"
)
WEEKDAY_PATTERN = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
_DAY = r"(?<!\d)(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d])(?!,\d)"
YEAR_PATTERN = r"(?<![\d,.$£€])(?:1[89]\d\d|20\d\d|21\d\d)(?!\d)(?!,\d{3})(?!\s*%)"
# The words a date's prefix is made of ("in", "since", "early", "the end of" ...), grouped by
# first letter, each group in the order the words had in one alternation (in|on|at|since|
# until|till|by|from|during|through|throughout|before|after|of|early|late|mid|earlier|later|
# the|end|start|beginning|middle|as): words of two groups never match at one place, so
# the matches are the same. Why: every date rule tries the prefix at each word start, and
# sre enters every alternative of a case-insensitive alternation; grouped, a word opening
# none of them is turned away after 12 letters instead of 25 words (Finan's rule scans
# 0.098 -> 0.076 CPU s).
_PREFIX_WORD = (
    r"(?:i(?:n)|o(?:n|f)|a(?:t|fter|s)|s(?:ince|tart)|u(?:ntil)|t(?:ill|hrough|hroughout|he)|"
    r"b(?:y|efore|eginning)|f(?:rom)|d(?:uring)|e(?:arly|arlier|nd)|l(?:ate|ater)|"
    r"m(?:id|iddle))"
)
PREFIX_PATTERN = rf"(?P<prefix>(?:(?i:{_PREFIX_WORD})[\s-]+){{0,4}})"
PREFIX_REQUIRED_PATTERN = rf"(?P<prefix>(?:(?i:{_PREFIX_WORD})[\s-]+){{1,4}})"
_MDY = rf"{MONTH_PATTERN}\s+{_DAY},?\s+{YEAR_PATTERN}"
_DMY = rf"{_DAY}\s+(?i:of\s+)?{MONTH_PATTERN},?\s+{YEAR_PATTERN}"
_ISO = r"(?<![\d-])\d{4}[-/]\d{1,2}[-/]\d{1,2}(?![\d-])"
_NUMERIC = r"(?<![\d/.])\d{1,2}[/.]\d{1,2}[/.]\d{4}(?![\d/])"
_MD = rf"{MONTH_PATTERN}\s+{_DAY}"
_DM = rf"{_DAY}\s+(?i:of\s+)?{MONTH_PATTERN}"
EXPLICIT_PATTERN = rf"(?:{_MDY}|{_DMY}|{_ISO}|{_NUMERIC}|{_MD}|{_DM})"
# A month-day written with its year ("September 11, 2001", "11 September 2001").
FULL_DATE_PATTERN = rf"(?:{_MDY}|{_DMY})"
POINT_PATTERN = (
    rf"(?:{MONTH_PATTERN}(?:\s+{_DAY})?(?:,?\s+{YEAR_PATTERN})?"
    rf"|{_DAY}\s+{MONTH_PATTERN}(?:,?\s+{YEAR_PATTERN})?|{YEAR_PATTERN})"
)
NUMBER_PATTERN = (
    r"(?:\d{1,3}|a\s+couple\s+of|a\s+couple|a\s+few|few|several|a|an|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve)"
)
HEDGE_PATTERN = (
    r"(?:about|nearly|almost|around|some|roughly|more\s+than|over|less\s+than|just|only|"
    r"barely|approximately|at\s+least)"
)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class TemporalMatch:
    """A temporal expression found in text; offsets include the ``offset`` given."""

    text: str
    start: int
    end: int
    kind: str  # the rule that matched, e.g. "weekday", "month_year", "ago"
    prefix: str = ""  # leading words as written, lower-cased ("late on", "since")

    @property
    def is_reference(self) -> bool:
        """A reference point ("since June 2022", "until Friday"), not an event date."""
        return bool(set(self.prefix.split()) & REFERENCE_WORDS)


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date | None
    precision: Precision


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], dt.date | None, bool], Span | None]
    trigger: frozenset[str]  # features of which the text must have one (daterules.text_features)
    needs: re.Pattern[str] | None = None  # text without a match of it holds no match of the rule


# --------------------------------------------------------------------------- calendar helpers


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def month_end(year: int, month: int) -> dt.date | None:
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return None
    return safe_date(year, month, calendar.monthrange(year, month)[1])


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def add_days(day: dt.date, delta: int) -> dt.date | None:
    try:
        return day + dt.timedelta(days=delta)
    except OverflowError:
        return None


def day_span(d: dt.date | None) -> Span | None:
    return Span(d, None, Precision.DAY) if d else None


def month_span(year: int, month: int) -> Span | None:
    return Span(d, None, Precision.MONTH) if (d := safe_date(year, month, 1)) else None


def year_span(year: int) -> Span | None:
    return Span(d, None, Precision.YEAR) if (d := safe_date(year, 1, 1)) else None


def range_span(start: dt.date | None, end: dt.date | None) -> Span | None:
    if start is None or end is None or end < start:
        return None
    if start == end:
        return day_span(start)
    return Span(start, end, Precision.RANGE)


def year_of_month(month: int, published: dt.date, future: bool) -> int:
    """Year of a month named without one: the latest not after ``P`` (or next, if future)."""
    if future:
        return published.year if month >= published.month else published.year + 1
    return published.year if month <= published.month else published.year - 1


def _month_day_year(month: int, day: int, published: dt.date, future: bool) -> int:
    here = (month, day)
    now = (published.month, published.day)
    if future:
        return published.year if here >= now else published.year + 1
    return published.year if here <= now else published.year - 1


def date_of_weekday(weekday: int, published: dt.date, mode: str) -> dt.date | None:
    """``mode``: past (on or before P), future (on or after), last (<P), next (>P),
    last_week ("last Tuesday": the last week's, see :func:`last_weeks_day`)."""
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    if mode == "past":
        return add_days(published, -back)
    if mode == "last":
        return add_days(published, -(back or 7))
    if mode == "last_week":
        return add_days(published, -last_weeks_day(back, published))
    if mode == "next":
        return add_days(published, ahead or 7)
    return add_days(published, ahead)


def last_weeks_day(back: int, published: dt.date) -> int:
    """Days back to "last Tuesday" from ``published``, ``back`` days after the latest
    Tuesday. A weekday earlier in the publication's own week (Monday to Saturday) is
    "on Tuesday" or "yesterday" for that week's: "last Tuesday" is the week before
    ("the quake struck last Tuesday" in a Thursday report of the next week). On a
    Sunday the whole week is the one ending, so its days stay the latest."""
    if back == 0:
        return 7
    if published.weekday() != 6 and back <= published.weekday():
        return back + 7
    return back


def month_number(text: str) -> int | None:
    return MONTHS.get(text.lower().rstrip("."))


_NON_DIGIT = re.compile(r"\D")


def digits_value(text: str) -> int:
    return int(_NON_DIGIT.sub("", text) or 0)


# --------------------------------------------------------------------------- point parsing


@dataclass(frozen=True)
class Point:
    """A partly specified calendar point: any of year, month, day may be missing."""

    year: int | None = None
    month: int | None = None
    day: int | None = None


_POINT_PARTS = re.compile(
    rf"(?P<m1>{MONTH_PATTERN})(?:\s+(?P<d1>{_DAY}))?(?:,?\s+(?P<y1>{YEAR_PATTERN}))?"
    rf"|(?P<d2>{_DAY})\s+(?i:of\s+)?(?P<m2>{MONTH_PATTERN})(?:,?\s+(?P<y2>{YEAR_PATTERN}))?"
    rf"|(?P<y3>{YEAR_PATTERN})"
)
_POINT_PARTS_ANY_CASE = re.compile(_POINT_PARTS.pattern, re.IGNORECASE)  # dates as written


def parse_point(text: str, parts: re.Pattern[str] = _POINT_PARTS) -> Point | None:
    match = parts.fullmatch(text.strip())
    if not match:
        return None
    g = match.groupdict()
    month_text = g["m1"] or g["m2"]
    day_text = g["d1"] or g["d2"]
    year_text = g["y1"] or g["y2"] or g["y3"]
    return Point(
        year=digits_value(year_text) if year_text else None,
        month=month_number(month_text) if month_text else None,
        day=digits_value(day_text) if day_text else None,
    )


_NUMERIC_PARTS = re.compile(r"[/.-]")
_ISO_OR_NUMERIC = re.compile(rf"{_ISO}|{_NUMERIC}")


def _parse_numeric(text: str) -> Point | None:
    parts = _NUMERIC_PARTS.split(text)
    if len(parts) != 3:
        return None
    if len(parts[0]) == 4:  # ISO
        return Point(int(parts[0]), int(parts[1]), int(parts[2]))
    first, second, year = (int(p) for p in parts)
    if "." in text or first > 12:  # day.month.year, or an unambiguous day/month
        return Point(year, second, first)
    return Point(year, first, second)


def parse_explicit(text: str, *, any_case: bool = False) -> Point | None:
    text = text.strip()
    if _ISO_OR_NUMERIC.fullmatch(text):
        return _parse_numeric(text)
    return parse_point(text, _POINT_PARTS_ANY_CASE if any_case else _POINT_PARTS)


def complete_day(point: Point, published: dt.date | None, future: bool) -> Span | None:
    """A point with month and day (and maybe year) -> a day."""
    if point.month is None or point.day is None:
        return None
    year = point.year
    if year is None:
        if published is None:
            return None
        year = _month_day_year(point.month, point.day, published, future)
    return day_span(safe_date(year, point.month, point.day))


# --------------------------------------------------------------------------- dates as written

# A weekday before a stated date, as headers and feeds abbreviate it ("Tue, 1 Jul 2025").
_WRITTEN_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?[ \t]+"
_ISO_TIME = r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
# One explicit full date as a file states it (any letter case): groups ``written_iso``
# or ``written`` hold the date itself, without weekday or clock time.
WRITTEN_DATE = (
    rf"(?i:(?:{_WRITTEN_WEEKDAY})?(?:(?P<written_iso>{_ISO}){_ISO_TIME}"
    rf"|(?P<written>{_MDY}|{_DMY}|{_NUMERIC})))"
)
_WRITTEN = re.compile(WRITTEN_DATE)


def written_date(match: re.Match[str]) -> dt.date | None:
    """The day a :data:`WRITTEN_DATE` match names, or ``None`` if there is no such day
    ("February 30, 2024")."""
    point = parse_explicit(match.group("written_iso") or match.group("written"), any_case=True)
    if point is None or point.year is None or point.month is None or point.day is None:
        return None
    return safe_date(point.year, point.month, point.day)


def parse_written_date(value: object) -> dt.date | None:
    """A date a file states about itself (front matter, HTML, JSONL or feed metadata):
    a date object, else the first written date in a string, else an RFC 2822 date
    ("Thu, 24 Oct 2024 08:00:00 +0000"); ``None`` when there is none."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = _WRITTEN.search(text)
    found = written_date(match) if match else None
    if found is not None:
        return found
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


# --------------------------------------------------------------------------- stamps

_CLOCK_AFTER = re.compile(
    r"^\W{0,3}(?:at\s+)?\d{1,2}[:.]\d{2}\b|^\W{0,3}\d{1,2}\s*[ap]\.?m\b", re.I
)
_PUBLISHED_CUE = re.compile(r"\b(?:published|updated|posted|dated|first\s+published)\W*$", re.I)
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
# A clock time (maybe with its zone) before a date, a weekday between them or not: "15:47
# GMT, Friday, ", "4:16 pm on ", "16.53 BST on Monday ".
_CLOCK_BEFORE = re.compile(
    r"(?<![\d.:])\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:(?:GMT|BST|UTC|CET|CEST|EST|EDT|ET|"
    rf"UK\s+time|local\s+time)\b)?,?\s+(?:on\s+)?(?:{WEEKDAY_PATTERN},?\s+)?$",
    re.I,
)


def is_stamp(text: str, match: TemporalMatch, offset: int = 0) -> bool:
    """A page's own time stamp ("Tuesday 4 January 2005 08.43 GMT", "Updated: July 1,
    2025"): a date followed by a clock time or after "published"/"updated"; or a full
    date, with its year, after a clock time ("Page last updated at 15:47 GMT, Friday, 22
    January 2010", "At 4:16 pm on 18 Jan 2010, Jane wrote:", "... of the Guardian on 16.53
    BST on Monday 20 June 2005"): a page's or a reader comment's stamp, which prose does
    not write for a fact's day (it gives the clock with a weekday: "struck at 16:53 on
    Tuesday")."""
    start, end = match.start - offset, match.end - offset
    if stamp_cue(text, start, end):
        return True
    return bool(_YEAR.search(match.text)) and bool(
        _CLOCK_BEFORE.search(text[max(0, start - 48) : start])
    )


def stamp_cue(text: str, start: int, end: int) -> bool:
    """The date at ``text[start:end]`` is followed by a clock time or comes after
    "published"/"updated" (a page's stamp, or its dateline)."""
    return bool(
        _CLOCK_AFTER.search(text[end : end + 16])
        or _PUBLISHED_CUE.search(text[max(0, start - 30) : start])
    )

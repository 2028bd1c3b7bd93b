"""Dates, in code: find temporal expressions and resolve them against a publication date.

All date logic lives here. A table of rules (:data:`RULES`) pairs a regular
expression with a resolver; :func:`find_temporal_expressions` runs the table
and keeps the longest non-overlapping matches, and the resolvers turn a match
into a :class:`~summarizer.models.ResolvedDate` with a precision.

Resolution rules against the publication date ``P`` (documented and tested):

* Weekdays ("late Monday", "on Tuesday", "Sunday afternoon") refer to the past:
  the most recent such day on or before ``P`` (the weekday of ``P`` itself is
  ``P``). In a future-tense context ("will meet on Monday") or after "next" /
  "coming" they refer to the next such day (on or after ``P``; strictly after
  for "next"). "last Monday" is strictly before ``P``.
* "overnight", "during the night", "tonight", "today", "this morning" -> ``P``:
  a news report's "overnight" is the night that ended on the publication
  morning, so it is dated the publication day. "last night" and "yesterday"
  -> ``P - 1``.
* "this/last/next week|weekend" -> a range; "this/last/next month" -> month
  precision; "this/last/next year" -> year precision.
* A month without a year ("in May", "in early June") is the most recent such
  month not after ``P``; in future tense the next one not before ``P``.
  "May last year" -> ``P.year - 1``. Month-day dates without a year likewise.
* "between March and April" -> a range from the first to the last day.
* "N days/weeks ago" -> day precision; "N months ago" -> month; "N years ago"
  -> year; vague counts ("a few", "several") -> a range. Hedges ("nearly",
  "about") are accepted and ignored.
* Explicit dates ("July 1, 2025", "1 July 2025", "2025-07-01", "2025/7/1",
  "07/01/2025") are used as written: slashed numeric dates are month/day/year unless the
  first number is above 12; dotted ones are day.month.year. A weekday with an
  explicit date ("on Sunday (June 1, 2025)") takes the explicit date.
* Years ("in 2022") -> year precision; months with years ("February 2022") ->
  month precision.

Choosing a sentence's date (:func:`resolve_sentence_date`): reference points
("since June 2022", "until Friday"), dates used as modifiers ("Russia's
February 2022 invasion") and background clauses (", after ... last month";
"While talks were held a month ago, ...") are skipped; of the rest, a date
that is not a statement's own ("said on Tuesday") wins, then the earliest. No
usable expression: the publication date, marked ``from_publication``.

Dates a file states about itself (a header line, front matter, HTML, JSONL or feed
metadata: :data:`WRITTEN_DATE`, :func:`written_date`, :func:`parse_written_date`) use the
same grammar of explicit dates, in any letter case, maybe after a weekday ("Tue, 1 Jul
2025") and, for ISO dates, with a clock time ("2025-07-01T10:42:00Z"). Ingest reads
them with it; the publication date a file does not state is inferred here too
(:func:`infer_publication_date`, :func:`infer_from_related`).

Nothing here raises on any text: unparseable input gives no match or ``None``.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import email.utils
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from summarizer.models import (
    AlignmentStatus,
    Event,
    Precision,
    ResolvedDate,
    Source,
    SourceExtraction,
)

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
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "a couple": 2,
}
VAGUE_COUNTS = {"a few": (2, 4), "few": (2, 4), "several": (3, 9)}
UNIT_DAYS = {"day": 1, "week": 7}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Leading words that mark an expression as a reference point, not the event's date.
REFERENCE_WORDS = frozenset({"since", "until", "till", "by"})
FUTURE_CUE = re.compile(
    r"\b(?:will|would|shall|won't|wouldn't|due\s+to|expected\s+to|scheduled|set\s+to|"
    r"plans?\s+to|planning\s+to|to\s+be\s+held|is\s+to|are\s+to|going\s+to|aims?\s+to|"
    r"upcoming|intends?\s+to|ahead\s+of)\b|['’]ll\b",
    re.IGNORECASE,
)
SPEECH_CUE = re.compile(
    r"\b(?:said|says|say|told|tells|announced|added|wrote|writes|stated|reported|"
    r"claimed|confirmed|posted|tweeted|declared|insisted|warned)\b",
    re.IGNORECASE,
)
FUNCTION_WORDS = _words(
    "the a an and or that when which who to of in on at for with as by from is was"
)

# --------------------------------------------------------------------------- regex parts

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|"
    r"Nov\.?|Dec\.?)(?![A-Za-z])"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
_DAY = r"(?<!\d)(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d])(?!,\d)"
_YEAR = r"(?<![\d,.$£€])(?:1[89]\d\d|20\d\d|21\d\d)(?!\d)(?!,\d{3})(?!\s*%)"
_PREFIX_WORD = (
    r"(?:in|on|at|since|until|till|by|from|during|through|throughout|before|after|of|"
    r"early|late|mid|earlier|later|the|end|start|beginning|middle|as)"
)
_PREFIX = rf"(?P<prefix>(?:(?i:{_PREFIX_WORD})[\s-]+){{0,4}})"
_PREFIX_REQUIRED = rf"(?P<prefix>(?:(?i:{_PREFIX_WORD})[\s-]+){{1,4}})"
_MDY = rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}"
_DMY = rf"{_DAY}\s+(?i:of\s+)?{_MONTH},?\s+{_YEAR}"
_ISO = r"(?<![\d-])\d{4}[-/]\d{1,2}[-/]\d{1,2}(?![\d-])"
_NUMERIC = r"(?<![\d/.])\d{1,2}[/.]\d{1,2}[/.]\d{4}(?![\d/])"
_MD = rf"{_MONTH}\s+{_DAY}"
_DM = rf"{_DAY}\s+(?i:of\s+)?{_MONTH}"
_EXPLICIT = rf"(?:{_MDY}|{_DMY}|{_ISO}|{_NUMERIC}|{_MD}|{_DM})"
_POINT = rf"(?:{_MONTH}(?:\s+{_DAY})?(?:,?\s+{_YEAR})?|{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?|{_YEAR})"
_NUM = (
    r"(?:\d{1,3}|a\s+couple\s+of|a\s+couple|a\s+few|few|several|a|an|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve)"
)
_HEDGE = (
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
class _Span:
    start: dt.date
    end: dt.date | None
    precision: Precision


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], dt.date | None, bool], _Span | None]
    trigger: frozenset[str]  # features of which the text must have one (see _features)


# --------------------------------------------------------------------------- calendar helpers


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _month_end(year: int, month: int) -> dt.date | None:
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return None
    return _safe_date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _add_days(day: dt.date, delta: int) -> dt.date | None:
    try:
        return day + dt.timedelta(days=delta)
    except OverflowError:
        return None


def _day(d: dt.date | None) -> _Span | None:
    return _Span(d, None, Precision.DAY) if d else None


def _month(year: int, month: int) -> _Span | None:
    return _Span(d, None, Precision.MONTH) if (d := _safe_date(year, month, 1)) else None


def _year(year: int) -> _Span | None:
    return _Span(d, None, Precision.YEAR) if (d := _safe_date(year, 1, 1)) else None


def _range(start: dt.date | None, end: dt.date | None) -> _Span | None:
    if start is None or end is None or end < start:
        return None
    if start == end:
        return _day(start)
    return _Span(start, end, Precision.RANGE)


def _month_year(month: int, published: dt.date, future: bool) -> int:
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


def _weekday_date(weekday: int, published: dt.date, mode: str) -> dt.date | None:
    """``mode``: past (on or before P), future (on or after), last (<P), next (>P)."""
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    if mode == "past":
        return _add_days(published, -back)
    if mode == "last":
        return _add_days(published, -(back or 7))
    if mode == "next":
        return _add_days(published, ahead or 7)
    return _add_days(published, ahead)


def _month_number(text: str) -> int | None:
    return MONTHS.get(text.lower().rstrip("."))


def _int(text: str) -> int:
    return int(re.sub(r"\D", "", text) or 0)


# --------------------------------------------------------------------------- point parsing


@dataclass(frozen=True)
class _Point:
    """A partly specified calendar point: any of year, month, day may be missing."""

    year: int | None = None
    month: int | None = None
    day: int | None = None


_POINT_PARTS = re.compile(
    rf"(?P<m1>{_MONTH})(?:\s+(?P<d1>{_DAY}))?(?:,?\s+(?P<y1>{_YEAR}))?"
    rf"|(?P<d2>{_DAY})\s+(?i:of\s+)?(?P<m2>{_MONTH})(?:,?\s+(?P<y2>{_YEAR}))?"
    rf"|(?P<y3>{_YEAR})"
)
_POINT_PARTS_ANY_CASE = re.compile(_POINT_PARTS.pattern, re.IGNORECASE)  # dates as written


def _parse_point(text: str, parts: re.Pattern[str] = _POINT_PARTS) -> _Point | None:
    match = parts.fullmatch(text.strip())
    if not match:
        return None
    g = match.groupdict()
    month_text = g["m1"] or g["m2"]
    day_text = g["d1"] or g["d2"]
    year_text = g["y1"] or g["y2"] or g["y3"]
    return _Point(
        year=_int(year_text) if year_text else None,
        month=_month_number(month_text) if month_text else None,
        day=_int(day_text) if day_text else None,
    )


def _parse_numeric(text: str) -> _Point | None:
    parts = re.split(r"[/.-]", text)
    if len(parts) != 3:
        return None
    if len(parts[0]) == 4:  # ISO
        return _Point(int(parts[0]), int(parts[1]), int(parts[2]))
    first, second, year = (int(p) for p in parts)
    if "." in text or first > 12:  # day.month.year, or an unambiguous day/month
        return _Point(year, second, first)
    return _Point(year, first, second)


def _parse_explicit(text: str, *, any_case: bool = False) -> _Point | None:
    text = text.strip()
    if re.fullmatch(rf"{_ISO}|{_NUMERIC}", text):
        return _parse_numeric(text)
    return _parse_point(text, _POINT_PARTS_ANY_CASE if any_case else _POINT_PARTS)


def _complete_day(point: _Point, published: dt.date | None, future: bool) -> _Span | None:
    """A point with month and day (and maybe year) -> a day."""
    if point.month is None or point.day is None:
        return None
    year = point.year
    if year is None:
        if published is None:
            return None
        year = _month_day_year(point.month, point.day, published, future)
    return _day(_safe_date(year, point.month, point.day))


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
    point = _parse_explicit(match.group("written_iso") or match.group("written"), any_case=True)
    if point is None or point.year is None or point.month is None or point.day is None:
        return None
    return _safe_date(point.year, point.month, point.day)


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


# --------------------------------------------------------------------------- resolvers


def _prefix_words(match: re.Match[str]) -> set[str]:
    prefix = match.groupdict().get("prefix") or ""
    return set(re.split(r"[\s-]+", prefix.lower())) - {""}


def _r_explicit(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    point = _parse_explicit(match.group("core"))
    return _complete_day(point, published, future) if point else None


def _r_weekday_date(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    point = _parse_explicit(match.group("date"))
    return _complete_day(point, published, future) if point else None


def _r_weekday(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    if published is None:
        return None
    words = _prefix_words(match) | set(match.group("rel").lower().split())
    weekday = WEEKDAYS[match.group("wd").lower()]
    if "next" in words:
        mode = "next"
    elif "coming" in words or future:
        mode = "future"
    elif "last" in words or "past" in words:
        mode = "last"
    else:
        mode = "past"
    return _day(_weekday_date(weekday, published, mode))


def _r_month_year(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    month = _month_number(match.group("month"))
    return _month(_int(match.group("year")), month) if month else None


def _r_month_rel_year(
    match: re.Match[str], published: dt.date | None, future: bool
) -> _Span | None:
    month = _month_number(match.group("month"))
    if published is None or month is None:
        return None
    delta = {"last": -1, "this": 0, "next": 1}[match.group("rel").lower()]
    return _month(published.year + delta, month)


def _r_rel_month(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    """ "last May" (latest May before this month), "next May", "this May"."""
    month = _month_number(match.group("month"))
    if published is None or month is None:
        return None
    rel = match.group("rel").lower()
    if rel == "last" or rel.endswith("past"):
        year = published.year if month < published.month else published.year - 1
    elif rel == "next":
        year = published.year if month > published.month else published.year + 1
    else:
        year = _month_year(month, published, future)
    return _month(year, month)


def _r_month(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    month = _month_number(match.group("month"))
    if published is None or month is None or _prefix_words(match) <= {"the"}:
        return None
    return _month(_month_year(month, published, future), month)


def _r_year(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    return _year(_int(match.group("year")))


def _r_range(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    left, right = _parse_point(match.group("a")), _parse_point(match.group("b"))
    if left is None or right is None:
        return None
    if left.month is None and right.month is None and left.year and right.year:
        return _range(_safe_date(left.year, 1, 1), _safe_date(right.year, 12, 31))
    if left.month is None or right.month is None:
        return None
    ly, ry = _range_years(left, right, published, future)
    if ly is None or ry is None:
        return None
    start = _safe_date(ly, left.month, left.day or 1)
    end = _safe_date(ry, right.month, right.day) if right.day else _month_end(ry, right.month)
    return _range(start, end)


def _range_years(
    left: _Point, right: _Point, published: dt.date | None, future: bool
) -> tuple[int | None, int | None]:
    assert left.month is not None and right.month is not None
    wraps = (left.month, left.day or 0) > (right.month, right.day or 99)
    if left.year and right.year:
        return left.year, right.year
    if right.year:
        return right.year - (1 if wraps else 0), right.year
    if left.year:
        return left.year, left.year + (1 if wraps else 0)
    if published is None:
        return None, None
    start_year = _month_year(left.month, published, future)
    return start_year, start_year + (1 if wraps else 0)


def _r_day_word(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    if published is None:
        return None
    word = re.sub(r"\s+", " ", match.group("word").lower())
    offsets = {
        "yesterday": -1,
        "the day before yesterday": -2,
        "last night": -1,
        "tomorrow": 1,
        "the day after tomorrow": 2,
    }
    return _day(_add_days(published, offsets.get(word, 0)))


def _r_relative(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    if published is None:
        return None
    rel = re.sub(r"\s+", " ", match.group("rel").lower())
    unit = match.group("unit").lower()
    words = _prefix_words(match) | set((match.group("mod") or "").lower().split())
    if rel in {"past", "last"} and "the" in words:
        rel = "the past"
    delta = _REL_DELTA.get(rel, 0)
    if unit == "month":
        return _month(*_shift_month(published.year, published.month, delta))
    if unit == "year":
        return _year(published.year + delta)
    if rel in {"the past", "the last"}:
        return _range(_add_days(published, -7 if unit == "week" else -2), published)
    if unit == "weekend":
        return _weekend(published, delta, future)
    return _week(published, delta, future or "later" in words)


_REL_DELTA = {
    "last": -1,
    "past": -1,
    "previous": -1,
    "the previous": -1,
    "this": 0,
    "next": 1,
    "the coming": 1,
    "the next": 1,
    "coming": 1,
}


def _week(published: dt.date, delta: int, future: bool) -> _Span | None:
    monday = _add_days(published, -published.weekday() + 7 * delta)
    if monday is None:
        return None
    sunday = _add_days(monday, 6)
    if delta == 0:
        return _range(published, sunday) if future else _range(monday, published)
    return _range(monday, sunday)


def _weekend(published: dt.date, delta: int, future: bool) -> _Span | None:
    if delta > 0 or (delta == 0 and future):
        saturday = _add_days(published, (5 - published.weekday()) % 7 or 7)
    elif delta < 0:
        sunday = _add_days(published, -((published.weekday() - 6) % 7 or 7))
        saturday = _add_days(sunday, -1) if sunday else None
    else:
        saturday = _add_days(published, -((published.weekday() - 5) % 7))
    return _range(saturday, _add_days(saturday, 1) if saturday else None)


def _r_ago(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    if published is None:
        return None
    num = re.sub(r"\s+", " ", match.group("num").lower())
    unit = match.group("unit").lower()
    if num in VAGUE_COUNTS:
        low, high = VAGUE_COUNTS[num]
        return _ago_range(published, unit, low, high)
    count = NUMBER_WORDS.get(num) or _int(num)
    return _ago_point(published, unit, count)


def _ago_point(published: dt.date, unit: str, count: int) -> _Span | None:
    if unit in {"minute", "hour"}:  # "an hour ago" is the publication day
        return _day(_add_days(published, -(count // 24) if unit == "hour" else 0))
    if unit in UNIT_DAYS:
        return _day(_add_days(published, -count * UNIT_DAYS[unit]))
    if unit == "month":
        return _month(*_shift_month(published.year, published.month, -count))
    years = count * (10 if unit == "decade" else 1)
    return _year(published.year - years)


def _ago_range(published: dt.date, unit: str, low: int, high: int) -> _Span | None:
    if unit in {"minute", "hour"}:
        return _day(published)
    if unit in UNIT_DAYS:
        size = UNIT_DAYS[unit]
        return _range(_add_days(published, -high * size), _add_days(published, -low * size))
    if unit == "month":
        start = _shift_month(published.year, published.month, -high)
        end = _shift_month(published.year, published.month, -low)
        return _range(_safe_date(*start, 1), _month_end(*end))
    scale = 10 if unit == "decade" else 1
    return _range(
        _safe_date(published.year - high * scale, 1, 1),
        _safe_date(published.year - low * scale, 12, 31),
    )


def _r_rel_part_year(match: re.Match[str], published: dt.date | None, future: bool) -> _Span | None:
    """ "late last year", "earlier this year": year precision."""
    if published is None:
        return None
    return _year(published.year + _REL_DELTA.get(match.group("rel").lower(), 0))


# --------------------------------------------------------------------------- the table

_RULE_SPECS: list[
    tuple[str, str, Callable[[re.Match[str], dt.date | None, bool], _Span | None]]
] = [
    (
        "weekday_date",
        rf"{_PREFIX}(?P<wd>{_WEEKDAY})\s*(?:,\s*|\(\s*)(?P<date>{_EXPLICIT})\s*\)?",
        _r_weekday_date,
    ),
    (
        "range",
        rf"(?P<prefix>(?i:between|from|in)\s+)(?P<a>{_POINT})\s+(?i:and|to|until|till|through|thru)"
        rf"\s+(?P<b>{_POINT})",
        _r_range,
    ),
    ("range", rf"{_PREFIX}(?P<a>{_POINT})\s*[–—-]\s*(?P<b>{_POINT})", _r_range),
    ("date", rf"{_PREFIX}(?P<core>{_EXPLICIT})", _r_explicit),
    (
        "month_rel_year",
        rf"{_PREFIX}(?P<month>{_MONTH})\s+(?P<rel>(?i:last|this|next))\s+(?i:year)\b",
        _r_month_rel_year,
    ),
    ("month_year", rf"{_PREFIX}(?P<month>{_MONTH}),?\s+(?P<year>{_YEAR})", _r_month_year),
    (
        "rel_month",
        rf"{_PREFIX}(?P<rel>(?i:last|next|this|this\s+past|this\s+coming))\s+(?P<month>{_MONTH})",
        _r_rel_month,
    ),
    ("month", rf"{_PREFIX_REQUIRED}(?P<month>{_MONTH})", _r_month),
    (
        "weekday",
        rf"{_PREFIX}(?P<rel>(?:(?i:last|next|this|this\s+past|this\s+coming|coming)\s+)?)"
        rf"(?P<wd>{_WEEKDAY})(?:\s+(?i:morning|afternoon|evening|night))?",
        _r_weekday,
    ),
    ("year", rf"{_PREFIX_REQUIRED}(?P<year>{_YEAR})", _r_year),
    (
        "ago",
        rf"(?P<prefix>(?i:{_HEDGE})\s+)?(?P<num>(?i:{_NUM}))\s+"
        rf"(?P<unit>(?i:minute|hour|day|week|month|year|decade))s?\s+(?i:ago)\b",
        _r_ago,
    ),
    (
        "rel_part_year",
        rf"{_PREFIX}(?i:early|earlier|late|later|mid)[\s-]+(?P<rel>(?i:last|this|next))\s+(?i:year)\b",
        _r_rel_part_year,
    ),
    (
        "relative",
        rf"{_PREFIX}(?P<mod>(?i:earlier|later|early|late)\s+)?"
        rf"(?P<rel>(?i:last|this|next|past|previous|coming|the\s+past|the\s+previous|"
        rf"the\s+coming|the\s+next|the\s+last))\s+(?P<unit>(?i:week|weekend|month|year))\b",
        _r_relative,
    ),
    (
        "day_word",
        rf"{_PREFIX}(?P<word>(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|"
        r"yesterday|today|tonight|tomorrow|overnight|during\s+the\s+night|last\s+night|"
        r"this\s+morning|this\s+afternoon|this\s+evening))\b",
        _r_day_word,
    ),
]

_TRIGGERS: dict[str, frozenset[str]] = {
    "weekday_date": frozenset({"weekday"}),
    "weekday": frozenset({"weekday"}),
    "range": frozenset({"month", "year4"}),
    "date": frozenset({"month", "numeric"}),
    "month_rel_year": frozenset({"month"}),
    "month_year": frozenset({"month"}),
    "rel_month": frozenset({"month"}),
    "month": frozenset({"month"}),
    "year": frozenset({"year4"}),
    "ago": frozenset({"ago"}),
    "rel_part_year": frozenset({"period"}),
    "relative": frozenset({"period"}),
    "day_word": frozenset({"day_word"}),
}
_WORD = re.compile(r"[A-Za-z]+")
_WEEKDAY_TOKENS = frozenset(name.capitalize() for name in WEEKDAYS)
_MONTH_TOKENS = frozenset(name.capitalize() for name in MONTHS)
_PERIOD_TOKENS = frozenset({"week", "weekend", "month", "year"})
_DAY_TOKENS = frozenset(
    {"yesterday", "today", "tonight", "tomorrow", "overnight", "night", "morning", "afternoon"}
    | {"evening"}
)


def _features(text: str) -> set[str]:
    """Which kinds of temporal vocabulary ``text`` contains (to skip rules cheaply)."""
    words = set(_WORD.findall(text))
    lower = {w.lower() for w in words}
    found = set()
    if words & _WEEKDAY_TOKENS:
        found.add("weekday")
    if words & _MONTH_TOKENS:
        found.add("month")
    if lower & _PERIOD_TOKENS:
        found.add("period")
    if lower & _DAY_TOKENS:
        found.add("day_word")
    if "ago" in lower:
        found.add("ago")
    if re.search(r"\d{4}", text):
        found.update({"year4", "numeric"})
    return found


RULES: tuple[_Rule, ...] = tuple(
    _Rule(kind, re.compile(rf"(?<![\w-]){pattern}"), fn, _TRIGGERS[kind])
    for kind, pattern, fn in _RULE_SPECS
)
_RULE_BY_KIND: dict[str, list[_Rule]] = {}
for _rule in RULES:
    _RULE_BY_KIND.setdefault(_rule.kind, []).append(_rule)


# --------------------------------------------------------------------------- finding


def _candidates(
    text: str, kinds: frozenset[str] | None = None
) -> list[tuple[int, int, int, re.Match[str]]]:
    found = []
    features = _features(text)
    for priority, rule in enumerate(RULES):
        if not rule.trigger & features or (kinds is not None and rule.kind not in kinds):
            continue
        for match in rule.pattern.finditer(text):
            if match.end() > match.start():
                found.append((match.start(), match.end(), priority, match))
    return found


def _trim_prefix(text: str, match: re.Match[str]) -> str:
    return re.sub(r"[\s-]+", " ", (match.groupdict().get("prefix") or "").strip().lower())


def _longest_non_overlapping(
    candidates: list[tuple[int, int, int, re.Match[str]]],
) -> list[tuple[int, int, int, re.Match[str]]]:
    """Greedy: longest first (then rule priority), skipping overlaps; in text order.

    Taken characters are marked in a byte map, so each candidate costs its own length
    (not the number already chosen): linear however many dates a long text holds.
    """
    taken = bytearray(max((c[1] for c in candidates), default=0))
    chosen: list[tuple[int, int, int, re.Match[str]]] = []
    for cand in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[2], c[0])):
        start, end = cand[0], cand[1]
        if taken.find(1, start, end) >= 0:
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append(cand)
    chosen.sort(key=lambda c: c[0])
    return chosen


def find_temporal_expressions(text: str, offset: int = 0) -> list[TemporalMatch]:
    """All temporal expressions in ``text``, longest first where they overlap, in order."""
    return _find(text, offset)


def _find(text: str, offset: int = 0, kinds: frozenset[str] | None = None) -> list[TemporalMatch]:
    """:func:`find_temporal_expressions`, optionally running only the rules of ``kinds``."""
    if not isinstance(text, str) or not text:
        return []
    chosen = _longest_non_overlapping(_candidates(text, kinds))
    return [
        TemporalMatch(
            text=text[s:e],
            start=s + offset,
            end=e + offset,
            kind=RULES[p].kind,
            prefix=_trim_prefix(text, m),
        )
        for s, e, p, m in chosen
    ]


# --------------------------------------------------------------------------- resolving


def _span_for(match: TemporalMatch, published: dt.date | None, future: bool) -> _Span | None:
    for rule in _RULE_BY_KIND.get(match.kind, []):
        found = rule.pattern.fullmatch(match.text)
        if found:
            try:
                return rule.resolve(found, published, future)
            except (ValueError, OverflowError, KeyError):
                return None
    return None


def _to_resolved(span: _Span, match: TemporalMatch | None, expression: str) -> ResolvedDate:
    return ResolvedDate(
        start=span.start,
        end=span.end if span.precision is Precision.RANGE else None,
        precision=span.precision,
        expression=expression,
        expression_start=match.start if match else None,
        expression_end=match.end if match else None,
    )


def _is_future(text: str, start: int, match: TemporalMatch) -> bool:
    """Future tense before the expression in its clause ("will meet on Monday")."""
    window = text[max(0, start - 70) : start]
    window = re.split(r"[.;!?\"“”]|[,.]['’]", window)[-1]
    speech = list(SPEECH_CUE.finditer(window))
    if speech:  # "... will ...,' he said on Monday": the date of the statement
        window = window[speech[-1].end() :]
    return bool(FUTURE_CUE.search(window)) or match.prefix.startswith(("next", "coming"))


def resolve_expression(expr: str, published: dt.date) -> ResolvedDate | None:
    """Resolve one temporal expression as written (e.g. from the llm engine)."""
    if not isinstance(expr, str) or not expr.strip():
        return None
    matches = find_temporal_expressions(expr)
    if matches:
        best = max(matches, key=lambda m: (m.end - m.start, -m.start))
        span = _span_for(best, published, _is_future(expr, best.start, best))
        if span:
            return _to_resolved(span, None, expr.strip())
    span = _dateparser_fallback(expr, published)
    return _to_resolved(span, None, expr.strip()) if span else None


def _dateparser_fallback(expr: str, published: dt.date | None) -> _Span | None:
    """Explicit full dates in forms the table lacks ("July the 1st, 2025")."""
    if len(expr) > 60 or not re.search(r"\d{4}", expr):
        return None
    try:
        # Imported here for start-up time only: dateparser for dates the rules do not read.
        import dateparser

        settings: dict[str, object] = {"STRICT_PARSING": True, "PREFER_DATES_FROM": "past"}
        if published is not None:
            settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time())
        parsed = dateparser.parse(expr, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if parsed is None or not 1800 <= parsed.year <= 2199:
        return None
    return _day(parsed.date())


_FOLLOWING_WORD = re.compile(r"\s+([A-Za-z]+)")


def _is_attributive(text: str, match: TemporalMatch, local_end: int) -> bool:
    """ "Russia's February 2022 invasion": a date used as a modifier, not the event's date."""
    if set(match.prefix.split()) - {"the"} or match.kind not in {"month_year", "year", "date"}:
        return False
    following = _FOLLOWING_WORD.match(text, local_end)
    if following is None or following.group(1) in FUNCTION_WORDS:
        return False
    return match.kind != "date" or following.group(1).islower()


def _is_speech_date(text: str, local_start: int) -> bool:
    """ "he said late on Monday": the date of the statement rather than of the event."""
    window = text[max(0, local_start - 45) : local_start]
    window = re.split(r"[,;:.]|\bthat\b", window)[-1]
    return bool(SPEECH_CUE.search(window))


_BACKGROUND_MID = re.compile(
    r"\s*(?:(?:just|only|shortly|soon|days|weeks|months|years|hours)\s+)?"
    r"(?:after|following|before|amid|since|ahead\s+of|prior\s+to|although|though|despite)\b",
    re.IGNORECASE,
)
_BACKGROUND_INITIAL = re.compile(
    r"\s*[\"'“‘]?(?:while|although|though|even\s+though|despite|amid|since|whereas)\b",
    re.IGNORECASE,
)


_BREAK = re.compile(r"[,;:—–(]")


def _breaks(text: str) -> list[int]:
    """Where each clause break of ``text`` ends, in order (for :func:`_is_background`)."""
    return [m.end() for m in _BREAK.finditer(text)]


def _is_background(text: str, local_start: int, breaks: list[int] | None = None) -> bool:
    """An expression inside a background clause ("..., after X happened last month").

    Looks at the clause after the last break before ``local_start``; ``breaks`` (from
    :func:`_breaks`, computed once per sentence) keeps this constant-time per
    expression, so a sentence with many dates costs linear time, not quadratic.
    """
    ends = _breaks(text) if breaks is None else breaks
    last = bisect.bisect_right(ends, local_start) - 1  # breaks ending at or before the date
    if last < 0:
        return bool(_BACKGROUND_INITIAL.match(text, 0, local_start))
    return bool(_BACKGROUND_MID.match(text, ends[last], local_start))


def _sentence_candidates(
    text: str, published: dt.date | None, offset: int
) -> list[tuple[tuple[int, int], TemporalMatch, _Span]]:
    out = []
    breaks = _breaks(text)
    for match in find_temporal_expressions(text, offset):
        local_start, local_end = match.start - offset, match.end - offset
        if match.is_reference or _is_attributive(text, match, local_end):
            continue
        if _is_background(text, local_start, breaks):
            continue
        span = _span_for(match, published, _is_future(text, local_start, match))
        if span is None:
            continue
        rank = (1 if _is_speech_date(text, local_start) else 0, local_start)
        out.append((rank, match, span))
    return out


def resolve_sentence_date(
    text: str, published: dt.date | None, offset: int = 0
) -> ResolvedDate | None:
    """The best date for a news sentence, or the publication date when it names none.

    Of several expressions, the one tied to the reported event wins: reference
    points ("since June 2022"), modifiers ("the February 2022 invasion") and
    background clauses (", after prices soared last month"; "While talks were held
    a month ago, ...") are skipped, and a statement's date ("said on Tuesday that
    ...") gives way to the event's own ("... overnight"). ``None`` only without a publication date.
    """
    if not isinstance(text, str):
        text = ""
    candidates = _sentence_candidates(text, published, offset)
    if candidates:
        _, match, span = min(candidates, key=lambda c: c[0])
        return _to_resolved(span, match, match.text)
    if published is None:
        return None
    return ResolvedDate(start=published, precision=Precision.DAY, from_publication=True)


def is_stamp(text: str, match: TemporalMatch, offset: int = 0) -> bool:
    """A page's own time stamp ("Tuesday 4 January 2005 08.43 GMT", "Updated: July 1,
    2025"): a date followed by a clock time or after "published"/"updated"."""
    start, end = match.start - offset, match.end - offset
    return bool(_CLOCK.search(text[end : end + 16])) or bool(
        _PUBLISHED_CUE.search(text[max(0, start - 30) : start])
    )


def date_mentions(
    text: str, published: dt.date | None, offset: int = 0
) -> list[tuple[TemporalMatch, ResolvedDate]]:
    """Every date ``text`` refers to, resolved against ``published``: what the article
    talks about, for ranking days by how often articles refer to them.

    Unlike :func:`resolve_sentence_date` (which picks the one date of an event), every
    expression counts: a reference point ("since the January 12 earthquake"), a modifier
    ("the January 30 election") or a background clause still refers to that day. The
    page's own time stamp (:func:`is_stamp`) does not.
    """
    out = []
    stamp_start: int | None = None  # where the stamp after the current match begins
    for match in reversed(find_temporal_expressions(text, offset)):
        # "Tuesday 4 January 2005 08.43 GMT": the weekday belongs to the stamp after it
        joined = stamp_start is not None and not text[match.end - offset : stamp_start].strip(" ,")
        if joined or is_stamp(text, match, offset):
            stamp_start = match.start - offset
            continue
        stamp_start = None
        local = match.start - offset
        span = _span_for(match, published, _is_future(text, local, match))
        if span is not None:
            out.append((match, _to_resolved(span, match, match.text)))
    return out[::-1]


# --------------------------------------------------------------------------- publication date

_CLOCK = re.compile(r"^\W{0,3}(?:at\s+)?\d{1,2}[:.]\d{2}\b|^\W{0,3}\d{1,2}\s*[ap]\.?m\b", re.I)
_PUBLISHED_CUE = re.compile(r"\b(?:published|updated|posted|dated|first\s+published)\W*$", re.I)
DATELINE_CHARS = 400
_EXPLICIT_KINDS = frozenset({"weekday_date", "date"})
_WEEKDAY_KINDS = frozenset({"weekday_date", "weekday"})


def infer_publication_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """A publication date from the text itself, or ``None`` when unsure.

    Accepted evidence, strongest first: an explicit full date with a weekday that
    agrees ("on Sunday (June 1, 2025)"); an explicit full date in the dateline
    (the first 400 characters), after "Published"/"Updated", or followed by a
    clock time ("07/01/2025 04:30 PM"); a weekday with a month-day that agrees
    ("Sunday, June 1") in the most recent year, not after ``today``, where it does.
    A date in a future-tense context is never taken. Among several, the latest.
    """
    if not isinstance(text, str) or not text:
        return None
    try:
        return _infer(text, today or dt.date.today())
    except (ValueError, OverflowError):
        return None


def _infer(text: str, today: dt.date) -> dt.date | None:
    weekday_dates: list[dt.date] = []
    placed_dates: list[dt.date] = []
    for match in _find(text, 0, _EXPLICIT_KINDS):
        if match.is_reference or _is_future(text, match.start, match):
            continue
        if match.kind == "weekday_date":
            day = _agreeing_weekday_date(match, today)
            if day:
                weekday_dates.append(day)
        elif match.kind == "date" and _is_dateline(text, match):
            span = _span_for(match, None, False)
            if span:
                placed_dates.append(span.start)
    for group in (weekday_dates, placed_dates):
        plausible = [d for d in group if d <= today]
        if plausible:
            return max(plausible)
    return None


def _is_dateline(text: str, match: TemporalMatch) -> bool:
    return (
        match.start < DATELINE_CHARS
        or bool(_CLOCK.search(text[match.end : match.end + 16]))
        or bool(_PUBLISHED_CUE.search(text[max(0, match.start - 30) : match.start]))
    )


def _agreeing_weekday_date(match: TemporalMatch, today: dt.date) -> dt.date | None:
    found = _RULE_BY_KIND["weekday_date"][0].pattern.fullmatch(match.text)
    if not found:
        return None
    weekday = WEEKDAYS[found.group("wd").lower()]
    point = _parse_explicit(found.group("date"))
    if point is None or point.month is None or point.day is None:
        return None
    years = [point.year] if point.year else list(range(today.year, today.year - 7, -1))
    for year in years:
        day = _safe_date(year, point.month, point.day)
        if day and day.weekday() == weekday and day <= today:
            return day
    return None


def infer_from_related(text: str, candidates: Iterable[dt.date]) -> dt.date | None:
    """Pick, among other sources' publication dates, the one this text's weekdays agree with.

    For an article with no date of its own, in a run whose other articles cover
    the same story: a candidate ``P`` agrees with each past-tense weekday the
    text names that is ``P``'s weekday or the day before ("said Tuesday",
    "late Monday" agree with Tuesday 2025-07-01). The candidate with the most
    agreeing mentions wins; none, or a tie between dates, gives ``None``.
    """
    try:
        weekdays = _past_weekdays(text if isinstance(text, str) else "")
        scores: dict[dt.date, int] = {}
        for day in set(candidates):
            agree = {day.weekday(), (day.weekday() - 1) % 7}
            scores[day] = sum(1 for w in weekdays if w in agree)
    except (ValueError, OverflowError, TypeError):
        return None
    best = max(scores.values(), default=0)
    winners = [day for day, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def _past_weekdays(text: str) -> list[int]:
    """Weekdays named in past-tense, unqualified references ("on Monday", "late Monday")."""
    out = []
    for match in _find(text, 0, _WEEKDAY_KINDS):
        if match.kind != "weekday" or match.is_reference:
            continue
        if _is_future(text, match.start, match) or re.search(
            r"(?i)\b(?:last|next|this)\b", match.text
        ):
            continue
        found = re.search(_WEEKDAY, match.text)
        if found:
            out.append(WEEKDAYS[found.group().lower()])
    return out


# --------------------------------------------------------------------------- events


def _quote_span(event: Event, source: Source) -> tuple[str, int] | None:
    """The event's quote as it stands in the source, with its offset, when aligned."""
    if event.alignment is AlignmentStatus.NONE:
        return None
    if 0 <= event.start < event.end <= len(source.text):
        return source.text[event.start : event.end], event.start
    return None


def _locate(expr: str, quote: str, offset: int) -> TemporalMatch | None:
    """The model's expression inside the quote, as a match with source offsets."""
    pos = quote.lower().find(expr.strip().lower())
    if pos < 0 or not expr.strip():
        return None
    matches = find_temporal_expressions(quote, offset)
    inside = [m for m in matches if m.start - offset <= pos + len(expr.strip())]
    inside = [m for m in inside if m.end - offset >= pos]
    if inside:
        return max(inside, key=lambda m: m.end - m.start)
    return TemporalMatch(expr.strip(), pos + offset, pos + offset + len(expr.strip()), "model")


def _resolve_model_expression(event: Event, source: Source) -> ResolvedDate | None:
    expr = event.temporal_expression or ""
    quoted = _quote_span(event, source)
    located = _locate(expr, quoted[0], quoted[1]) if quoted else None
    if quoted and located and located.kind != "model":
        local = located.start - quoted[1]
        span = _span_for(located, source.published, _is_future(quoted[0], local, located))
        if span:
            return _to_resolved(span, located, expr.strip())
    if source.published is None:
        return None
    resolved = resolve_expression(expr, source.published)
    if resolved and located:
        return resolved.model_copy(
            update={"expression_start": located.start, "expression_end": located.end}
        )
    return resolved


def _same_as_model(model_date: str, resolved: ResolvedDate) -> bool:
    given = model_date.strip()
    return given in {resolved.iso(), resolved.start.isoformat()} or (
        resolved.end is not None and given == f"{resolved.iso()}/{resolved.iso_end()}"
    )


def _date_event(event: Event, source: Source) -> Event:
    resolved: ResolvedDate | None = None
    note: str | None = event.date_note
    if event.temporal_expression:
        resolved = _resolve_model_expression(event, source)
    if resolved is None:
        quoted = _quote_span(event, source)
        text, offset = quoted if quoted else (event.quote, 0)
        resolved = resolve_sentence_date(text, source.published, offset if quoted else 0)
        if not quoted and resolved is not None:
            resolved = resolved.model_copy(
                update={"expression_start": None, "expression_end": None}
            )
    if resolved and event.model_date and not _same_as_model(event.model_date, resolved):
        note = f"model said {event.model_date}; resolved in code to {resolved.iso()}"
    return event.model_copy(update={"date": resolved, "date_note": note})


def date_events(ext: SourceExtraction, source: Source) -> SourceExtraction:
    """Set ``Event.date`` on every event of ``ext``, resolved in code against ``source``."""
    events = tuple(_date_event(event, source) for event in ext.events)
    return ext.model_copy(update={"events": events})

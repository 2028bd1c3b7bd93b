"""The table of temporal-expression rules: a pattern and a resolver for each kind
(weekday, month, "N days ago", ranges...), each turning a match into a span against
the publication date. The rules themselves are documented in :mod:`summarizer.stages.dates`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from summarizer.stages.dategrammar import (
    _EXPLICIT,
    _HEDGE,
    _MONTH,
    _NUM,
    _POINT,
    _PREFIX,
    _PREFIX_REQUIRED,
    _WEEKDAY,
    _YEAR,
    MONTHS,
    NUMBER_WORDS,
    UNIT_DAYS,
    VAGUE_COUNTS,
    WEEKDAYS,
    _add_days,
    _complete_day,
    _day,
    _int,
    _month,
    _month_end,
    _month_number,
    _month_year,
    _parse_explicit,
    _parse_point,
    _Point,
    _range,
    _Rule,
    _safe_date,
    _shift_month,
    _Span,
    _weekday_date,
    _year,
)

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

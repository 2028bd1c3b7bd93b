"""The table of temporal-expression rules: a pattern and a resolver for each kind
(weekday, month, "N days ago", ranges...), each turning a match into a span against
the publication date. The rules themselves are documented in :mod:`summarizer.stages.dates`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from collections.abc import Callable

from summarizer.stages.dategrammar import (
    EXPLICIT_PATTERN,
    HEDGE_PATTERN,
    MONTH_PATTERN,
    MONTHS,
    NUMBER_PATTERN,
    NUMBER_WORDS,
    POINT_PATTERN,
    PREFIX_PATTERN,
    PREFIX_REQUIRED_PATTERN,
    UNIT_DAYS,
    VAGUE_COUNTS,
    WEEKDAY_PATTERN,
    WEEKDAYS,
    YEAR_PATTERN,
    Point,
    Rule,
    Span,
    add_days,
    complete_day,
    date_of_weekday,
    day_span,
    digits_value,
    month_end,
    month_number,
    month_span,
    parse_explicit,
    parse_point,
    range_span,
    safe_date,
    shift_month,
    year_of_month,
    year_span,
)

# --------------------------------------------------------------------------- resolvers


# The module's patterns used in resolvers, compiled once (not looked up in re's cache
# for each match).
PREFIX_SEPARATORS = re.compile(r"[\s-]+")  # between a prefix's words
_SPACES = re.compile(r"\s+")


def _prefix_words(match: re.Match[str]) -> set[str]:
    prefix = match.groupdict().get("prefix") or ""
    return set(PREFIX_SEPARATORS.split(prefix.lower())) - {""}


def _r_explicit(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    point = parse_explicit(match.group("core"))
    return complete_day(point, published, future) if point else None


_CAPITALISED_AFTER = re.compile(rf"\s+(?!{MONTH_PATTERN})[A-Z][a-z]")


def is_title(match: re.Match[str]) -> bool:
    """ "the Sunday Times", "by the Sunday Express": a weekday match (of the "weekday"
    rule, in the text it was found in) between "the" and a capitalised word is part of a
    name (a newspaper, a programme), not a day."""
    prefix = _trailing_prefix_word(match)
    return (
        prefix == "the"
        and not match.group("rel")
        and _CAPITALISED_AFTER.match(match.string, match.end()) is not None
    )


def _trailing_prefix_word(match: re.Match[str]) -> str:
    words = (match.groupdict().get("prefix") or "").split()
    return words[-1].lower() if words else ""


def _r_weekday_date(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    point = parse_explicit(match.group("date"))
    return complete_day(point, published, future) if point else None


def _r_weekday(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    if published is None:
        return None
    words = _prefix_words(match) | set(match.group("rel").lower().split())
    weekday = WEEKDAYS[match.group("wd").lower()]
    if "next" in words:
        mode = "next"
    elif "coming" in words or future:
        mode = "future"
    elif "last" in words and not words & {"past", "this"}:
        mode = "last_week"
    elif "last" in words or "past" in words:
        mode = "last"
    else:
        mode = "past"
    return day_span(date_of_weekday(weekday, published, mode))


def _r_month_year(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    month = month_number(match.group("month"))
    return month_span(digits_value(match.group("year")), month) if month else None


def _r_month_rel_year(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    month = month_number(match.group("month"))
    if published is None or month is None:
        return None
    delta = {"last": -1, "this": 0, "next": 1}[match.group("rel").lower()]
    return month_span(published.year + delta, month)


def _r_rel_month(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    """ "last May" (latest May before this month), "next May", "this May"."""
    month = month_number(match.group("month"))
    if published is None or month is None:
        return None
    rel = match.group("rel").lower()
    if rel == "last" or rel.endswith("past"):
        year = published.year if month < published.month else published.year - 1
    elif rel == "next":
        year = published.year if month > published.month else published.year + 1
    else:
        year = year_of_month(month, published, future)
    return month_span(year, month)


def _r_month(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    month = month_number(match.group("month"))
    if published is None or month is None or _prefix_words(match) <= {"the"}:
        return None
    return month_span(year_of_month(month, published, future), month)


def _r_year(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    """ "in 2022": the year; "in the 1990s": the decade, as a range (not its first year)."""
    year = digits_value(match.group("year"))
    if not match.group("decade"):
        return year_span(year)
    if year % 10:
        return None  # "the 1995s" is no decade
    return range_span(safe_date(year, 1, 1), safe_date(year + 9, 12, 31))


def _r_range(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    left, right = parse_point(match.group("a")), parse_point(match.group("b"))
    if left is None or right is None:
        return None
    if left.month is None and right.month is None and left.year and right.year:
        return range_span(safe_date(left.year, 1, 1), safe_date(right.year, 12, 31))
    if left.month is None or right.month is None:
        return None
    ly, ry = _range_years(left, right, published, future)
    if ly is None or ry is None:
        return None
    start = safe_date(ly, left.month, left.day or 1)
    end = safe_date(ry, right.month, right.day) if right.day else month_end(ry, right.month)
    return range_span(start, end)


def _range_years(
    left: Point, right: Point, published: dt.date | None, future: bool
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
    start_year = year_of_month(left.month, published, future)
    return start_year, start_year + (1 if wraps else 0)


def _r_day_word(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    if published is None:
        return None
    word = _SPACES.sub(" ", match.group("word").lower())
    offsets = {
        "yesterday": -1,
        "the day before yesterday": -2,
        "last night": -1,
        "tomorrow": 1,
        "the day after tomorrow": 2,
    }
    return day_span(add_days(published, offsets.get(word, 0)))


def _r_relative(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    if published is None:
        return None
    rel = _SPACES.sub(" ", match.group("rel").lower())
    unit = match.group("unit").lower()
    words = _prefix_words(match) | set((match.group("mod") or "").lower().split())
    if rel in {"past", "last"} and "the" in words:
        rel = "the past"
    delta = _REL_DELTA.get(rel, 0)
    if unit == "month":
        return month_span(*shift_month(published.year, published.month, delta))
    if unit == "year":
        return year_span(published.year + delta)
    if rel in {"the past", "the last"}:
        return range_span(add_days(published, -7 if unit == "week" else -2), published)
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


def _week(published: dt.date, delta: int, future: bool) -> Span | None:
    monday = add_days(published, -published.weekday() + 7 * delta)
    if monday is None:
        return None
    sunday = add_days(monday, 6)
    if delta == 0:
        return range_span(published, sunday) if future else range_span(monday, published)
    return range_span(monday, sunday)


def _weekend(published: dt.date, delta: int, future: bool) -> Span | None:
    if delta > 0 or (delta == 0 and future):
        saturday = add_days(published, (5 - published.weekday()) % 7 or 7)
    elif delta < 0:
        sunday = add_days(published, -((published.weekday() - 6) % 7 or 7))
        saturday = add_days(sunday, -1) if sunday else None
    else:
        saturday = add_days(published, -((published.weekday() - 5) % 7))
    return range_span(saturday, add_days(saturday, 1) if saturday else None)


def _r_ago(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    if published is None:
        return None
    num = _SPACES.sub(" ", match.group("num").lower())
    unit = match.group("unit").lower()
    if num in VAGUE_COUNTS:
        low, high = VAGUE_COUNTS[num]
        return _ago_range(published, unit, low, high)
    count = NUMBER_WORDS.get(num) or digits_value(num)
    return _ago_point(published, unit, count)


def _ago_point(published: dt.date, unit: str, count: int) -> Span | None:
    if unit in {"minute", "hour"}:  # "an hour ago" is the publication day
        return day_span(add_days(published, -(count // 24) if unit == "hour" else 0))
    if unit in UNIT_DAYS:
        return day_span(add_days(published, -count * UNIT_DAYS[unit]))
    if unit == "month":
        return month_span(*shift_month(published.year, published.month, -count))
    years = count * (10 if unit == "decade" else 1)
    return year_span(published.year - years)


def _ago_range(published: dt.date, unit: str, low: int, high: int) -> Span | None:
    if unit in {"minute", "hour"}:
        return day_span(published)
    if unit in UNIT_DAYS:
        size = UNIT_DAYS[unit]
        return range_span(add_days(published, -high * size), add_days(published, -low * size))
    if unit == "month":
        start = shift_month(published.year, published.month, -high)
        end = shift_month(published.year, published.month, -low)
        return range_span(safe_date(*start, 1), month_end(*end))
    scale = 10 if unit == "decade" else 1
    return range_span(
        safe_date(published.year - high * scale, 1, 1),
        safe_date(published.year - low * scale, 12, 31),
    )


def _r_rel_part_year(match: re.Match[str], published: dt.date | None, future: bool) -> Span | None:
    """ "late last year", "earlier this year": year precision."""
    if published is None:
        return None
    return year_span(published.year + _REL_DELTA.get(match.group("rel").lower(), 0))


# --------------------------------------------------------------------------- the table

_RANGE_DASH = r"\s*[–—-]\s*"  # a range's dash ("March-April"): every match holds it

_RULE_SPECS: list[tuple[str, str, Callable[[re.Match[str], dt.date | None, bool], Span | None]]] = [
    (
        "weekday_date",
        rf"{PREFIX_PATTERN}(?P<wd>{WEEKDAY_PATTERN})\s*(?:,\s*|\(\s*)(?P<date>{EXPLICIT_PATTERN})\s*\)?",
        _r_weekday_date,
    ),
    (
        "range",
        rf"(?P<prefix>(?i:between|from|in)\s+)(?P<a>{POINT_PATTERN})\s+(?i:and|to|until|till|through|thru)"
        rf"\s+(?P<b>{POINT_PATTERN})",
        _r_range,
    ),
    (
        "range",
        rf"{PREFIX_PATTERN}(?P<a>{POINT_PATTERN}){_RANGE_DASH}(?P<b>{POINT_PATTERN})",
        _r_range,
    ),
    ("date", rf"{PREFIX_PATTERN}(?P<core>{EXPLICIT_PATTERN})", _r_explicit),
    (
        "month_rel_year",
        rf"{PREFIX_PATTERN}(?P<month>{MONTH_PATTERN})\s+(?P<rel>(?i:last|this|next))\s+(?i:year)\b",
        _r_month_rel_year,
    ),
    (
        "month_year",
        rf"{PREFIX_PATTERN}(?P<month>{MONTH_PATTERN}),?\s+(?P<year>{YEAR_PATTERN})",
        _r_month_year,
    ),
    (
        "rel_month",
        rf"{PREFIX_PATTERN}(?P<rel>(?i:last|next|this|this\s+past|this\s+coming))\s+(?P<month>{MONTH_PATTERN})",
        _r_rel_month,
    ),
    ("month", rf"{PREFIX_REQUIRED_PATTERN}(?P<month>{MONTH_PATTERN})", _r_month),
    (
        "weekday",
        rf"{PREFIX_PATTERN}(?P<rel>(?:(?i:last|next|this|this\s+past|this\s+coming|coming)\s+)?)"
        rf"(?P<wd>{WEEKDAY_PATTERN})(?:\s+(?i:morning|afternoon|evening|night))?",
        _r_weekday,
    ),
    ("year", rf"{PREFIX_REQUIRED_PATTERN}(?P<year>{YEAR_PATTERN})(?P<decade>s\b)?", _r_year),
    (
        "ago",
        rf"(?P<prefix>(?i:{HEDGE_PATTERN})\s+)?(?P<num>(?i:{NUMBER_PATTERN}))\s+"
        rf"(?P<unit>(?i:minute|hour|day|week|month|year|decade))s?\s+(?i:ago)\b",
        _r_ago,
    ),
    (
        "rel_part_year",
        rf"{PREFIX_PATTERN}(?i:early|earlier|late|later|mid)[\s-]+(?P<rel>(?i:last|this|next))\s+(?i:year)\b",
        _r_rel_part_year,
    ),
    (
        "relative",
        rf"{PREFIX_PATTERN}(?P<mod>(?i:earlier|later|early|late)\s+)?"
        rf"(?P<rel>(?i:last|this|next|past|previous|coming|the\s+past|the\s+previous|"
        rf"the\s+coming|the\s+next|the\s+last))\s+(?P<unit>(?i:week|weekend|month|year))\b",
        _r_relative,
    ),
    (
        "day_word",
        rf"{PREFIX_PATTERN}(?P<word>(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|"
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


def text_features(text: str) -> set[str]:
    """Which kinds of temporal vocabulary ``text`` contains (to skip rules cheaply).

    A kind is there when a whole word (a run of ASCII letters) is one of its tokens
    (weekdays and months as capitalised, the rest in any case), or, for years, four
    digits in a row, and for numeric dates those and a digit, a "-", "/" or "." and a
    digit (what every ISO or numeric date holds: "2025-07-01", "07/01/2025"). Every
    sentence of a run is asked, so ASCII text is searched for each kind's tokens
    directly (C-speed substring and literal-prefix searches, the parts written out:
    ``any`` over :data:`_PERIOD_PARTS` and :data:`_DAY_PARTS` cost twice as much)
    instead of listing its words; other text lists them."""
    if not text.isascii():  # lower() may change a non-ASCII text's length and letters
        return _features_of_words(text)
    found = set()
    if "day" in text and _whole_word(_WEEKDAY_RUN, text):
        found.add("weekday")
    if _whole_word(_MONTH_RUN, text):
        found.add("month")
    lower = text.lower()  # same positions and letters as text: it is ASCII
    if ("week" in lower or "month" in lower or "year" in lower) and _whole_word(_PERIOD_RUN, lower):
        found.add("period")
    if (
        "day" in lower
        or "night" in lower
        or "morrow" in lower
        or "morning" in lower
        or "noon" in lower
        or "evening" in lower
    ) and _whole_word(_DAY_RUN, lower):
        found.add("day_word")
    if "ago" in lower and _whole_word(_AGO_RUN, lower):
        found.add("ago")
    if _ASCII_DIGITS4.search(text):
        found.add("year4")
        if _ASCII_NUMERIC_MARK.search(text):
            found.add("numeric")
    return found


def _features_of_words(text: str) -> set[str]:
    """:func:`text_features` by listing the words of ``text`` (any text)."""
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
    if _DIGITS4.search(text):
        found.add("year4")
        if _NUMERIC_MARK.search(text):
            found.add("numeric")
    return found


def _token_run(tokens: frozenset[str]) -> re.Pattern[str]:
    """One of ``tokens`` not followed by a letter (the letter before is checked by
    :func:`_whole_word`: a leading lookbehind would cost sre its literal-prefix scan)."""
    words = sorted(tokens, key=lambda t: (-len(t), t))
    return re.compile(rf"(?:{'|'.join(re.escape(w) for w in words)})(?![A-Za-z])")


def _whole_word(pattern: re.Pattern[str], text: str) -> bool:
    """Whether a match of ``pattern`` (:func:`_token_run`) in ``text`` starts a word
    (searched match after match: most texts have none, and no iterator is made)."""
    match = pattern.search(text)
    while match is not None:
        start = match.start()
        if start == 0 or text[start - 1] not in _ASCII_LETTERS:
            return True
        match = pattern.search(text, match.end())
    return False


_ASCII_LETTERS = frozenset(string.ascii_letters)
_WEEKDAY_RUN = _token_run(_WEEKDAY_TOKENS)  # every one ends in "day"
_MONTH_RUN = _token_run(_MONTH_TOKENS)
_PERIOD_RUN = _token_run(_PERIOD_TOKENS)
_PERIOD_PARTS = ("week", "month", "year")  # one is in each period token
_DAY_RUN = _token_run(_DAY_TOKENS)
_DAY_PARTS = ("day", "night", "morrow", "morning", "noon", "evening")  # one is in each
_AGO_RUN = _token_run(frozenset({"ago"}))
_DIGITS4 = re.compile(r"\d{4}")
_ASCII_DIGITS4 = re.compile("[0-9][0-9][0-9][0-9]")  # \d{4} on ASCII text, scanned faster
_NUMERIC_MARK = re.compile(r"\d[-/.]\d")
_ASCII_NUMERIC_MARK = re.compile("[0-9][-/.][0-9]")


# Every month name (dategrammar.MONTH_PATTERN, capitalised) opens with one of these.
MONTH_HEAD = re.compile(r"[ADFJMNOS](?:an|eb|ar|pr|ay|un|ul|ug|ep|ct|ov|ec)")

# What a rule's every match holds beyond its trigger, searched before the rule's own scan
# (the rules open with a lookbehind, so sre tries them at every position): a digit (an
# explicit date's day or year), a month and its year, a weekday and the "," or "(" after
# it, the word "year" after a month (month_year: Finan's 607 texts with a month and a
# digit scanned -> 130).
# The relative rules' needs are their rel word's last letter (last, next, past: t; this,
# previous: s; coming: g), the whitespace after it and the month or unit; for
# rel_part_year, the [\s-] before the rel word too ("late last year"). Each opens with a
# letter or class, cheap to try: the rel_month, rel_part_year and relative scans of
# Finan's 837-1,049 triggered texts fall from 0.012-0.020 CPU s to 0.003-0.013 s.
_DIGIT = re.compile(r"\d")
_NEEDS: dict[str, re.Pattern[str]] = {
    "weekday_date": re.compile(rf"{WEEKDAY_PATTERN}\s*[,(]"),  # then an explicit date
    "date": _DIGIT,
    "month_year": re.compile(rf"{MONTH_PATTERN},?\s+{YEAR_PATTERN}"),  # its month and year
    "month_rel_year": re.compile("year", re.IGNORECASE),
    "rel_month": re.compile(rf"(?i:[gst])\s+{MONTH_PATTERN}"),
    "rel_part_year": re.compile(r"[\s-](?i:last|this|next)\s+(?i:year)"),
    "relative": re.compile(r"(?i:[gst])\s+(?i:week|month|year)"),
    # "between May 3 and June 9": whitespace, the connector, whitespace and the second
    # point's start (a month, or an ASCII digit: a day or a year); for the dash ranges,
    # the dash, spaces and that start (Finan: 551 texts with a dash scanned -> 71).
    "range": re.compile(rf"\s(?i:and|to|until|till|through|thru)\s+(?:\d|{MONTH_PATTERN})"),
}
_DASH = re.compile(rf"[–—-]\s*(?:\d|{MONTH_PATTERN})")

RULES: tuple[Rule, ...] = tuple(
    Rule(
        kind,
        re.compile(rf"(?<![\w-]){pattern}"),
        fn,
        _TRIGGERS[kind],
        _DASH if _RANGE_DASH in pattern else _NEEDS.get(kind),
    )
    for kind, pattern, fn in _RULE_SPECS
)
RULE_BY_KIND: dict[str, list[Rule]] = {}
for _rule in RULES:
    RULE_BY_KIND.setdefault(_rule.kind, []).append(_rule)


@functools.lru_cache(maxsize=1024)
def rules_for(
    features: frozenset[str], kinds: frozenset[str] | None
) -> tuple[tuple[int, Rule], ...]:
    """The rules a text of ``features`` (:func:`text_features`) runs, of ``kinds`` when
    given, each with its priority (its index in :data:`RULES`), in order: asked for every
    text, answered once per combination (a few dozen in a run) instead of testing each
    rule's trigger for each text."""
    return tuple(
        (priority, rule)
        for priority, rule in enumerate(RULES)
        if rule.trigger & features and (kinds is None or rule.kind in kinds)
    )

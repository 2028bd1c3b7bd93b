"""Figures stated in news text: casualties, distances, money, percentages, counts of anything.

:func:`extract_quantities` finds numbers (digits, number words and vague words such
as "several" or "dozens"), decides what they count from the surrounding words and
normalises them: distances to kilometres, money to a number in the stated currency
("72 billion euros" -> 72e9 EUR). Durations ("1 1/2 years"), years, clock times and
calendar days are not figures to compare and are skipped.

:func:`same_figure` says whether two figures agree after unit reconciliation. Each
figure becomes an interval and two figures agree when their intervals overlap:

* exact counts (killed, injured, counts of anything): the value
  itself, so 12 and 15 killed disagree;
* exact distances: +/-2 % (conversion and rounding: 800 miles = 1,287 km agrees with
  1,300 km); exact money: +/-1 % (so EUR 2 million and EUR 2.1 million disagree);
* approximate figures ("about", "roughly", "some", "around"): +/-5 % (at least +/-1
  for counts), so 800 miles agrees with "roughly 1,300 kilometers";
* lower bounds ("over", "more than", "at least"): [X, 1.5 X]; upper bounds ("nearly",
  "almost", "close to"): [0.9 X, X]; ("up to", "under", "less than", "fewer than"):
  [0.5 X, X];
* vague words carry ranges: "a few" 2-5, "a handful" 2-6, "several" 3-9, "a dozen"
  10-14, "dozens" 24-99, "scores" 40-199, "hundreds" 200-999, "thousands"
  2,000-9,999, "tens of thousands" 20,000-99,999. "several" vs 35 disagrees; "dozens"
  vs 35 agrees; a written range is one figure ("between 30,000 and 50,000", "45-50,000").

What a figure is of comes from :mod:`summarizer.stages.subjects`: counts are counts of
a noun phrase's head, whatever it is (people stranded, homes flooded, votes, drones),
in the state the phrase is in ("stranded", "without power", "fired 52 drones", or a
change: "fell 700 points"); tolls name whom they count when the sentence says so;
distances keep what they are measured from ("800 miles from Ukraine"); percentages and
sums what they are of ("71 percent of GDP", "Ford sales fell 31 percent", "a flash
appeal for $550m"). No word list of any story's nouns or names is involved.

Figures of different kinds, currencies or subjects are never compared, and figures
whose subject cannot be told are not compared at all (:func:`has_subject`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.models import Event, Quantity, SourceExtraction
from summarizer.stages import numberscan, units
from summarizer.stages.figure_match import comparable as comparable
from summarizer.stages.figure_match import comparable_components as comparable_components
from summarizer.stages.figure_match import has_subject as has_subject
from summarizer.stages.figure_match import same_reference as same_reference
from summarizer.stages.numberwords import SMALL, TENS
from summarizer.stages.subjects import (
    FUNCTION_WORDS as FUNCTION_WORDS,  # re-exported: the words figures are read with
)
from summarizer.stages.subjects import (
    casualty_noun,
    counted_before,
    direction_before,
    distance_reference,
    frame_before,
    left_without,
    measure_subject,
    measured_subject,
    noun_phrase,
    plural,
    stem,
    verb_before,
)

KM_PER_MILE = 1.609344

_SMALL = SMALL
_TENS = TENS
_SCALES = {
    "hundred": 1e2,
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
# Vague number words: (low, high).
_VAGUE: dict[str, tuple[float, float]] = {
    "a few": (2, 5),
    "a handful": (2, 6),
    "several": (3, 9),
    "a dozen": (10, 14),
    "half a dozen": (5, 7),
    "a half-dozen": (5, 7),
    "dozens": (24, 99),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
}
_MOD_APPROX = ("about", "around", "roughly", "some", "approximately", "an estimated", "~")
_MOD_OVER = ("over", "more than", "at least", "upwards of", "well over", "just over")
_MOD_NEAR = ("nearly", "almost", "close to", "just under")
_MOD_UNDER = ("up to", "under", "less than", "fewer than", "as many as")
_MODS = _MOD_APPROX + _MOD_OVER + _MOD_NEAR + _MOD_UNDER

_WORDNUM = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[-\s](?:" + "|".join(list(_SMALL)[1:10]) + r"))?"
    r"|" + "|".join(sorted(_SMALL, key=len, reverse=True)) + r")"
)
_VAGUE_RE = "|".join(
    re.escape(v).replace(r"\ ", r"\s+") for v in sorted(_VAGUE, key=len, reverse=True)
)
_MOD_RE = "|".join(
    re.escape(m).replace(r"\ ", r"\s+") for m in sorted(_MODS, key=len, reverse=True)
)

_SIGNS = ("US$", "$", "€", "£")  # currency signs written before a sum
_NOT_BEFORE = r"[\w.,/:$€£]"  # before a figure: "3.5", "1,600", "9/11", "10:30", "$5", "A4"

_NUMBER_RE = re.compile(
    r"(?<!" + _NOT_BEFORE + r")(?<![^\W\d_]-)(?<!\s-)(?<!^-)"
    r"(?:(?P<mod>" + _MOD_RE + r")\s+)?"
    r"(?:(?P<cur>" + "|".join(map(re.escape, _SIGNS)) + r")\s?)?"  # "$ 5", not "Reds' 41,773"
    r"(?P<num>"
    r"\d+\s+\d+/\d+"  # 1 1/2
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?"
    r"|(?P<vague>" + _VAGUE_RE + r")"
    r"|(?P<word>" + _WORDNUM + r")"
    r")"
    r"(?:\s*(?P<scale>hundred|thousand|million|billion|trillion|bn|mn|tn)\b"
    r"|(?<=\d)(?P<sscale>m|bn|k)\b)?"
    r"(?![\w:/]|\.\d|,\d{3})",
    re.IGNORECASE,
)

_OPENING = numberscan.openings(_NOT_BEFORE, (*_MODS, *_SIGNS, *_VAGUE, *_SMALL, *_TENS))

_DIST_UNIT_RE = re.compile(
    r"^(?P<sep>\s*-?\s*|-)(?P<unit>kilomet(?:re|er)s?|km|miles?|mi|metres?|meters?|m)\b",
    re.IGNORECASE,
)
_CUR_WORD_RE = re.compile(
    r"^\s*(?P<cur>euros?|eur|dollars?|usd|pounds?(?:\s+sterling)?|gbp|yen|yuan|roubles?|"
    r"rubles?|hryvnias?)\b",
    re.IGNORECASE,
)
_PERCENT_RE = re.compile(r"^\s*(?:%|per\s*cent\b|percent\b)", re.IGNORECASE)
_DURATION_RE = re.compile(
    r"^[\s-]*(?:(?:more|additional|further|straight|consecutive)\s+)?"
    r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|"
    r"nights?|year-old|a\.m\.|p\.m\.|am\b|pm\b|o'clock|hrs?\b|mins?\b|secs?\b)",
    re.IGNORECASE,
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_MONTH_BEFORE_RE = re.compile(r"\b(?:" + _MONTHS + r")\.?\s+$", re.IGNORECASE)
_MONTH_AFTER_RE = re.compile(r"^(?:st|nd|rd|th)?\s+(?:" + _MONTHS + r")\b", re.IGNORECASE)


def _ends_with(pattern: re.Pattern[str], before: str, reach: int) -> bool:
    """``bool(pattern.search(before))`` for a pattern of a word (``reach`` characters at
    most, a "." included) and then only spaces and at most one "-" to the end: such a
    match ends at ``before`` without those, so it is tried only in its last ``reach``
    characters, not at each of the window's 120 positions."""
    core = before.rstrip()
    core = core[:-1].rstrip() if core.endswith("-") else core
    return bool(pattern.search(before, max(0, len(core) - reach)))


_KILL_VERB = re.compile(
    r"\b(?:killing|killed|kills|kill|claimed\s+the\s+lives\s+of"
    # "the death toll (from Monday's blast) has risen to", "the number of dead now stands at"
    r"|(?:death|casualty|fatality)\s+tolls?\b[^.;:!?\d]{0,80}?\b"
    r"(?:to|at|of|from|reached|hit|is|was)"
    r"|number\s+of\s+(?:dead|deaths|fatalities|people\s+killed|those\s+killed)\b"
    r"[^.;:!?\d]{0,60}?\b(?:to|at|reached|hit|is|was))\s+$",
    re.IGNORECASE,
)
_INJURE_VERB = re.compile(
    r"\b(?:injuring|injured|injures|injure|wounding|wounded|wounds|wound|hurting|hurt|"
    r"hospitali[sz](?:ing|ed|es|e))\s+$",
    re.IGNORECASE,
)
# Words allowed between a number and the casualty word after it ("35 people were").
_NP_WORD = r"(?!(?:and|or|but|while|in|on|at|of|to|from)\b)[A-Za-z'’-]+"
_EITHER = re.compile(r"\s+(?:or|and/or)\s+(?P<other>(?:left\s+|made\s+)?[a-z]+)", re.IGNORECASE)
_CASUALTY_AFTER = re.compile(
    r"^(?:\s+of)?(?:\s+" + _NP_WORD + r"){0,3}?"
    r"(?:\s+(?:were|was|have\s+been|had\s+been|has\s+been|are|is|been|got|being|later|"
    r"have|has|had)(?:\s+(?:now|since|later|so\s+far))?)?"
    r"\s+(?P<word>killed|dead|died|deaths?|fatalities|lives|perished|injured|wounded|"
    r"hospitali[sz]ed|hurt|injuries|casualties)\b",
    re.IGNORECASE,
)


# The hottest helpers' patterns, compiled once (not looked up in re's cache per figure)
_WORD_NUMBER_PARTS = re.compile(r"[-\s]+")
_SPACED_SCALE = re.compile(r"^\s(m|mn|bn)\b(?![\w'’.])", re.IGNORECASE)
_FOUR_DIGITS = re.compile(r"\d{4}")
_OF_THE = re.compile(r"^\s+of\s+(?:the|its|his|her|their|our|them|those|these)\b", re.I)
_HYPHENED_WORD_AFTER = re.compile(r"^-[a-z]+\b(?!-)")
_DIGITS_ONLY = re.compile(r"[\d,.]+")


def _parse_word_number(word: str) -> float:
    parts = _WORD_NUMBER_PARTS.split(word.lower())
    return float(sum(_TENS.get(p, _SMALL.get(p, 0)) for p in parts))


def _parse_number(m: re.Match[str]) -> tuple[float, float | None, float | None] | None:
    """Value, low, high of the matched number (before unit conversion)."""
    num = m.group("num")
    if m.group("vague"):
        key = re.sub(r"\s+", " ", num.lower())
        low, high = _VAGUE[key]
        return (low + high) / 2, low, high
    if m.group("word"):
        value = _parse_word_number(num)
    elif "/" in num:
        whole, frac = num.split()
        a, b = frac.split("/")
        value = float(whole) + (float(a) / float(b) if float(b) else 0.0)
    else:
        value = float(num.replace(",", ""))
    scale = (m.group("scale") or m.group("sscale") or "").lower()
    if scale == "m" and not m.group("cur"):
        return value, None, None  # "5m" without a currency: metres, handled as a unit
    return value * _SCALES.get(scale, 1.0), None, None


def _bounds(
    mod: str | None, value: float, low: float | None, high: float | None
) -> tuple[float | None, float | None]:
    """Bounds implied by a modifier ("over 40" -> 40..)."""
    if mod is None:
        return low, high
    key = re.sub(r"\s+", " ", mod.lower())
    base_low = low if low is not None else value
    base_high = high if high is not None else value
    if key in _MOD_OVER:
        return base_low, None
    if key in _MOD_NEAR:
        return None, base_high
    if key in _MOD_UNDER:
        return None, base_high
    return low, high


@dataclass(frozen=True)
class _Kind:
    kind: str
    unit: str | None = None
    factor: float = 1.0
    end: int = 0  # end of the unit word, absolute in the local text
    subject: str | None = None
    predicate: str | None = None
    noun: str | None = None
    measure: units.Unit | None = None  # the unit of an area, speed, mass, volume, temperature


def _classify(m: re.Match[str], text: str) -> _Kind | None:
    """What the matched number counts, from the words around it; None to skip it."""
    before = text[max(0, m.start() - 120) : m.start()]
    after = text[m.end() : m.end() + 80]
    num = m.group("num")
    if _DURATION_RE.match(after) or "/" in num:
        return None
    if _ends_with(_MONTH_BEFORE_RE, before, 10) or _MONTH_AFTER_RE.match(after):
        return None
    cur = (m.group("cur") or "").upper()
    if cur:
        unit = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}[cur]
        end = m.end() + len(_spaced_scale(m, after)[1])
        return _measured("money", unit, end, before, text[end : end + 80])
    cm = _CUR_WORD_RE.match(after)
    if cm:
        word = cm.group("cur").lower()
        unit = (
            "EUR"
            if word.startswith("eur")
            else "USD"
            if word.startswith(("dollar", "usd"))
            else "GBP"
            if word.startswith(("pound", "gbp"))
            else word.rstrip("s").upper()
        )
        end = m.end() + cm.end()
        return _measured("money", unit, end, before, text[end : end + 80])
    pm = _PERCENT_RE.match(after)
    if pm:
        end = m.end() + pm.end()
        return _measured("percent", "%", end, before, text[end : end + 80])
    measure = units.unit_after(after)
    if measure is not None and not m.group("vague"):
        return _measure(measure, m, before, after)
    dm = _DIST_UNIT_RE.match(after)
    if dm and not m.group("vague") and not (m.group("scale") or m.group("sscale")):
        unit = dm.group("unit").lower()
        if unit == "m" and re.search(r"[#$€£]\s?$", before):
            return None  # "(# 37.6 m)": millions of a currency whose sign was mangled
        factor = KM_PER_MILE if unit.startswith("mi") else 1.0
        if unit in {"m", "metre", "metres", "meter", "meters"}:
            factor = 0.001
        tail = after[dm.end() :]
        reference = distance_reference(tail)
        if reference is None and dm.group("sep").strip() == "-":  # "a 620-mile front line"
            phrase = noun_phrase(tail)
            front = "front" in tail[:20].lower()
            written = "front line" if front else phrase.head if phrase else None
            reference = (stem(written) if not front else written, written) if written else None
        subject, noun = reference if reference else (None, None)
        return _Kind("distance", "km", factor, m.end() + dm.end(), subject, noun=noun)
    if _is_year(m, before, after):
        return None
    if _KILL_VERB.search(before):
        return _casualty("killed", m.end(), after)
    if _ends_with(_INJURE_VERB, before, 13):
        return _casualty("injured", m.end(), after)
    cm2 = _CASUALTY_AFTER.match(after)
    if cm2:
        word = cm2.group("word").lower()
        either = _EITHER.match(after, cm2.end())
        if either and not _CASUALTY_AFTER.match(" " + either.group("other")):
            return None  # "injured or left homeless": a count of two things at once
        if word in {"casualties"} or either:
            return _casualty("casualties", m.end(), after)
        kind = (
            "killed"
            if word
            in {"killed", "dead", "died", "death", "deaths", "fatalities", "lives", "perished"}
            else "injured"
        )
        return _casualty(kind, m.end(), after)
    return _count_kind(m, before, after)


def _measure(found: units.Found, m: re.Match[str], before: str, after: str) -> _Kind:
    """An area, a speed, a mass, a volume or a temperature, in its kind's normal unit;
    what it is of when the phrase names it, and the direction of a change."""
    subject = measure_subject(after[found.end :], found.hyphenated)
    unit = found.unit
    return _Kind(unit.kind, unit.normal, unit.factor, m.end() + found.end,
                 subject.key if subject else None, direction_before(before),
                 subject.written if subject else None, unit)  # fmt: skip


def _spaced_scale(m: re.Match[str], after: str) -> tuple[float, str]:
    """ "$1.5 m": a scale written apart from a sum's digits (factor, the text it takes)."""
    if not m.group("cur") or m.group("scale") or m.group("sscale") or m.group("vague"):
        return 1.0, ""
    sm = _SPACED_SCALE.match(after)
    return (_SCALES[sm.group(1).lower()], sm.group(0)) if sm else (1.0, "")


def _measured(kind: str, unit: str, end: int, before: str, after: str) -> _Kind:
    """A sum or a percentage with what it is of (:func:`subjects.measured_subject`)."""
    subject = measured_subject(before, after, money=kind == "money")
    if subject is None:
        return _Kind(kind, unit, end=end)
    return _Kind(kind, unit, end=end, subject=subject.key, predicate=subject.change,
                 noun=subject.written)  # fmt: skip


def _casualty(kind: str, end: int, after: str) -> _Kind:
    """A toll, with whom it counts when the sentence names them ("peacekeepers")."""
    noun = casualty_noun(after)
    return _Kind(kind, end=end, subject=stem(noun) if noun else None, noun=noun)


_CLOCK = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d")
_YEAR_CONTEXT = re.compile(
    r"\b(?:in|since|by|of|until|till|from|to|before|after|during|early|late|mid|"
    r"summer|spring|autumn|fall|winter)\s*-?\s*$",
    re.IGNORECASE,
)


def _is_year(m: re.Match[str], before: str, after: str) -> bool:
    """A four-digit number from 1800 to 2100 is a year, unless a plural noun follows
    directly and no date preposition precedes it ("2025 drones", not "in 2025")."""
    num = m.group("num")
    if not _FOUR_DIGITS.fullmatch(num) or not 1800 <= int(num) <= 2100:
        return False
    phrase = noun_phrase(after)
    counted = phrase is not None and plural(phrase.head) and phrase.end < 24
    return not counted or _ends_with(_YEAR_CONTEXT, before, 6)


def _live_blog_time(m: re.Match[str], before: str, after: str) -> bool:
    """A four-digit 24-hour time: opening a line or sentence before a name ("1428 Mara
    tweets"), or with its zone ("at 0910 local time", "0930 GMT")."""
    if not _CLOCK.fullmatch(m.group("num")):
        return False
    if re.match(r"^\s+(?:local\s+time|hours|hrs|GMT|UTC|BST|CET|[A-Z]{2}T)\b", after):
        return True
    if not re.match(r"^\s+[A-Z]", after):
        return False
    return not before.strip() or bool(re.search(r"[.!?\"”]\s*$|\n\s*$", before))


def _count_kind(m: re.Match[str], before: str, after: str) -> _Kind | None:
    """A count of a noun phrase's head ("1,600 households without power"), with the
    head and its state as stems (snowballstemmer) for comparison; None if the number
    counts nothing nameable (a clock time, a name, "one of its deepest strikes")."""
    if _OF_THE.match(after):
        return None  # "one of its deepest strikes"
    scaled = m.group("scale") or m.group("sscale")
    if "." in m.group("num") and not scaled:
        return None  # 11.36, 00.50: clock times and ratios, not counts of things
    if _HYPHENED_WORD_AFTER.match(after) and not plural(after[1:].split()[0]):
        return None  # "a 500-stock index", "a 7.0-magnitude quake": an adjective, not a count
    if _live_blog_time(m, before, after):
        return None  # "1428 Troy Livesay tweets": a live blog's time stamp
    phrase = counted_before(before) or noun_phrase(after)  # "number of X rose to 65,000"
    if phrase is None:
        return None
    if m.group("word") and _parse_word_number(m.group("num")) < 2 and not scaled:
        return None  # "one man said", "one people": a single thing is not a figure
    # "fell 700 points": a change; "won by 187 votes", "a margin of 412 votes": not a total
    frame = None if phrase.predicate else direction_before(before) or frame_before(before)
    if frame:
        return _Kind("count", end=m.end(), subject=stem(phrase.head), predicate=frame,
                     noun=f"{phrase.head} ({frame})")  # fmt: skip
    state = phrase.predicate or left_without(before) or verb_before(before)
    noun = phrase.head + (f" {state}" if state else "")
    return _Kind(
        "count",
        end=m.end(),
        subject=stem(phrase.head),
        predicate=" ".join(stem(w) for w in state.split()) if state else None,
        noun=noun,
    )


_RANGE_BEFORE = re.compile(
    r"(?:\bbetween\s+(?P<a>\d[\d,]*(?:\.\d+)?)\s+and"
    r"|(?<![\d,.])(?<!from\s)(?P<b>\d[\d,]*(?:\.\d+)?)\s*(?:-|–|to))\s+$"
    r"|(?<![\d,.])(?<!from\s)(?P<c>\d[\d,]*(?:\.\d+)?)(?:-|–)$",
    re.IGNORECASE,
)


def _range_start(m: re.Match[str], text: str, value: float) -> tuple[int, float] | None:
    """Where a range ending in this number starts and its low end: "between 30,000 and
    50,000", "20 to 24 percent", "45-50,000" (the low end takes the high end's scale:
    "$5 to $7 billion" is not "$5")."""
    num = m.group("num")
    if not _DIGITS_ONLY.fullmatch(num) or m.group("cur"):
        return None
    rm = _RANGE_BEFORE.search(text, max(0, m.start() - 40), m.start())
    if rm is None:
        return None
    written = rm.group("a") or rm.group("b") or rm.group("c")
    low = float(written.replace(",", "")) * value / float(num.replace(",", ""))
    if "," in num and "," not in written and low * 1000 <= value:
        low *= 1000  # "45-50,000": forty-five thousand
    return (rm.start(), low) if 0 < low < value else None


def _times(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def extract_quantities(text: str, offset: int = 0) -> tuple[Quantity, ...]:
    """Every comparable figure in ``text``; offsets are ``offset`` + local offsets."""
    found: list[Quantity] = []
    for m in numberscan.finditer(_NUMBER_RE, _OPENING, text):  # same as _NUMBER_RE.finditer
        parsed = _parse_number(m)
        kind = _classify(m, text)
        if parsed is None or kind is None:
            continue
        value, low, high = parsed
        scale = _spaced_scale(m, text[m.end() : m.end() + 80])[0]  # a window: no copy of the rest
        value, low, high = value * scale, _times(low, scale), _times(high, scale)
        mod = m.group("mod")
        low, high = _bounds(mod, value, low, high)
        factor = kind.factor
        if kind.measure is not None:  # offsets (°F) and ambiguous units (tons): in code
            value, low, high = units.in_normal(value, low, high, kind.measure)
            factor = 1.0
        approximate = bool(mod) or bool(m.group("vague")) or "dozen" in m.group("num").lower()
        start = m.start()
        end = max(kind.end, m.end())
        spanned = None if mod or low is not None else _range_start(m, text, value)
        if spanned is not None:  # "between 30,000 and 50,000 people": one figure, a range
            start, low, high, approximate = spanned[0], spanned[1], value, True
            found = [q for q in found if q.end <= offset + start]
        found.append(
            Quantity(
                kind=kind.kind,
                value=value * factor,
                unit=kind.unit,
                low=low * factor if low is not None else None,
                high=high * factor if high is not None else None,
                approximate=approximate,
                raw=text[start:end],
                start=offset + start,
                end=offset + end,
                subject=kind.subject,
                predicate=kind.predicate,
                noun=kind.noun,
            )
        )
    return tuple(found)


_COUNT_KINDS = frozenset({"killed", "injured", "casualties", "count"})


def interval(q: Quantity) -> tuple[float, float]:
    """The range of values a figure is consistent with (see the module docstring)."""
    v = q.value
    is_count = q.kind in _COUNT_KINDS
    if q.low is not None or q.high is not None:
        if q.low is not None and q.high is not None:
            return q.low, q.high
        if q.low is not None:
            return q.low * (0.98 if not is_count else 1.0), q.low * 1.5
        assert q.high is not None
        mod = q.raw.lower()
        near = any(mod.startswith(w) for w in _MOD_NEAR)
        return q.high * (0.9 if near else 0.5), q.high
    if q.approximate:
        tol = max(abs(v) * 0.05, 1.0 if is_count else 0.0)
        return v - tol, v + tol
    if is_count:
        return v, v
    tol = abs(v) * (0.02 if q.kind == "distance" or q.kind in units.KINDS else 0.01)
    if q.kind == "temperature":
        tol = max(tol, 0.6)  # 90 °F is 32.2 °C: rounding to whole degrees
    return v - tol, v + tol


def same_figure(a: Quantity, b: Quantity) -> bool:
    """True when ``a`` and ``b`` state the same figure after unit reconciliation."""
    if a.kind != b.kind or (a.unit or None) != (b.unit or None):
        return False
    lo_a, hi_a = interval(a)
    lo_b, hi_b = interval(b)
    return lo_a <= hi_b + 1e-9 and lo_b <= hi_a + 1e-9


# Words that start a figure as written: a capital there only opened its sentence.
_FIGURE_WORDS = frozenset(
    w for phrase in (*_SMALL, *_TENS, *_VAGUE, *_MODS) for w in phrase.split()
) | {"hundred", "thousand", "million", "billion"}


def mid_sentence(raw: str) -> str:
    """ "Three" -> "three", "About 40,000" -> "about 40,000": a figure shown inside a
    line, not at the start of its sentence (names and acronyms kept)."""
    first = raw.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower() and first.lower().split("-")[0] in _FIGURE_WORDS:
        return raw[0].lower() + raw[1:]
    return raw


def describe(q: Quantity) -> str:
    """A display string: "35 injured", "several injured", "800 miles (1,287 km)", "500
    metres", "2 miles (3.2 km)"; a figure that opened its sentence is shown in lower
    case ("Three people died" -> "three killed")."""
    q = q.model_copy(update={"raw": mid_sentence(q.raw)}) if q.raw[:1].isupper() else q
    if q.kind == "distance":
        if re.search(r"\bk(?:m|ilomet)", q.raw, re.I):
            return q.raw
        if re.search(r"(?i)\d\s*-?\s*(?:m|metres?|meters?)$", q.raw):
            return q.raw if q.value < 1 else f"{q.raw} ({kilometres(q.value)})"
        return f"{q.raw} ({kilometres(q.value)})"
    if q.kind in units.KINDS:
        return units.measure_shown(q)
    if q.kind in {"killed", "injured", "casualties"}:
        return f"{q.raw} {q.kind}"
    if q.kind in {"percent", "money"}:
        return q.raw
    noun = q.noun or q.subject or q.kind
    return f"{q.raw} {noun}" if noun not in q.raw.lower() else q.raw


def kilometres(km: float) -> str:
    """A distance in km at a sensible precision: "1,287 km", "2.4 km", "800 m"."""
    if km < 1:
        return f"{km * 1000:,.0f} m"
    if km < 10:
        return f"{km:,.1f} km"
    return f"{km:,.0f} km"


def _annotate_event(event: Event) -> Event:
    return event.model_copy(update={"quantities": extract_quantities(event.quote, event.start)})


def annotate(ext: SourceExtraction) -> SourceExtraction:
    """Set ``Event.quantities`` from each event's quote (offsets into the source text)."""
    return ext.model_copy(update={"events": tuple(_annotate_event(e) for e in ext.events)})

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
  vs 35 agrees.

Counts are counts of a noun phrase's head, whatever it is (people stranded, homes
flooded, votes, drones): the head noun after the number ("1,600 households without
power"), stemmed with snowballstemmer, and the state the phrase is in ("stranded",
"without power", or a verb right before the number: "fired 52 drones"). Distances keep
what they are measured from ("800 miles from Ukraine"), as stems. No word list of any
story's nouns or names is involved.

Figures of different kinds, currencies or subjects are never compared.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from summarizer.models import Event, Quantity, SourceExtraction

KM_PER_MILE = 1.609344

_SMALL = {
    "zero": 0,
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
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
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

_NUMBER_RE = re.compile(
    r"(?<![\w.,/:$€£-])"
    r"(?:(?P<mod>" + _MOD_RE + r")\s+)?"
    r"(?P<cur>US\$|\$|€|£)?\s?"
    r"(?P<num>"
    r"\d+\s+\d+/\d+"  # 1 1/2
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?"
    r"|(?P<vague>" + _VAGUE_RE + r")"
    r"|(?P<word>" + _WORDNUM + r")"
    r")"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|mn|tn)\b"
    r"|(?<=\d)(?P<sscale>m|bn|k)\b)?"
    r"(?![\w:/]|\.\d|,\d{3})",
    re.IGNORECASE,
)

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
_CASUALTY_AFTER = re.compile(
    r"^(?:\s+of)?(?:\s+" + _NP_WORD + r"){0,3}?"
    r"(?:\s+(?:were|was|have\s+been|had\s+been|has\s+been|are|is|been|got|being|later|"
    r"have|has|had)(?:\s+(?:now|since|later|so\s+far))?)?"
    r"\s+(?P<word>killed|dead|died|deaths?|fatalities|lives|perished|injured|wounded|"
    r"hospitali[sz]ed|hurt|injuries|casualties)\b",
    re.IGNORECASE,
)
# Closed-class English words (articles, prepositions, conjunctions, auxiliaries,
# pronouns, quantifiers) that end a counted noun phrase. Written here because the
# stop-word lists of libraries mix in content nouns (men, members, cases, home) that
# are exactly what news counts; this is grammar, not the vocabulary of any story.
FUNCTION_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
        a an the and or but of in on at to from by for with without over under into onto
        about after before since during across near than then that which who whom whose were
        was is are be been being have has had will would could should may might can more
        most less other others further additional new said says say also not no its their
        his her this these those per each every all some any including within deep away ago
        as when where if so there here out up down off
        """,
    )
)
_AUXILIARY = re.compile(
    r"^\s+(?:(?:were|was|are|is|been|being|have|has|had|got|remain|remained|remains|still|now|"
    r"being|later)\s+)+",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_PARTICIPLE = re.compile(r"[a-z][a-z'’-]*(?:ed|en)$")


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """The snowball stem of a word, lower-cased ("households" -> "household")."""
    return str(_stemmer().stemWord(word.lower().replace("’", "'")))


def _parse_word_number(word: str) -> float:
    parts = re.split(r"[-\s]+", word.lower())
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


def _distance_reference(after: str) -> tuple[str, str] | None:
    """What a distance is measured from, as stems and as written: "from the Ukrainian
    border" -> ("ukrainian border", "ukrainian border"); stems are compared by prefix
    ("ukrain" of "Ukraine" matches "ukrainian")."""
    rest = re.sub(r"^\s*\)?\s*(?:\([^)]*\))?\s*\)?", "", after)
    rest = re.split(r"[,.;:()\u2013\u2014]|\s-\s", rest, maxsplit=1)[0]
    m = re.search(r"\b(?:from|of|to|away\s+from|inside|into)\s+(?:the\s+)?(.{2,40})$", rest, re.I)
    if m:
        phrase = m.group(1)
    else:
        phrase = rest.strip()
        if not re.match(r"(?i)(?:[a-z]+\s+)?front[\s-]?line", phrase):
            return None
    if re.search(r"(?i)front[\s-]?lines?", phrase):
        return "front line", "front line"
    words = _reference_words(phrase)
    return (" ".join(stem(w) for w in words), " ".join(words)) if words else None


def _reference_words(phrase: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(phrase) if w.lower() not in FUNCTION_WORDS][:3]


@dataclass(frozen=True)
class NounPhrase:
    """What a count counts: the noun phrase after the number and what happened to it."""

    head: str  # the head noun as written, lower-cased ("households")
    predicate: str | None = None  # "stranded", "without power", "fired" (as written)
    end: int = 0  # end of the head noun in the text after the number


def _noun_phrase(after: str) -> NounPhrase | None:
    """The head noun of the phrase after a number, and the state it is in.

    The phrase runs over adjectives, names and nouns ("four Russian Shahed drones",
    "52 Shahed and decoy drones") up to a function word, a plural noun (its head), a
    participle or punctuation; its head is its last lowercase word. Names alone
    ("1328 Ban Ki-moon", "00.50 BST") are not counted things.
    """
    m = re.match(r"^(?:\s+of)?((?:[\s-]+[A-Za-z'’]+){1,6})", after)
    if not m:
        return None
    head: re.Match[str] | None = None
    for word in _WORDS.finditer(after, 0, m.end()):
        low = word.group(0).lower()
        if low in {"and", "or"} and head is None:
            continue  # coordinated modifiers: "Shahed and decoy drones"
        if low in FUNCTION_WORDS or low.endswith("ly"):
            break
        if word.group(0)[0].isupper():
            if head is not None:
                break
            continue  # a name or demonym modifying the head: "Russian", "Shahed"
        if head is not None and _PARTICIPLE.fullmatch(low):
            break  # "people stranded": the state, not the head
        head = word
        if _plural(low):
            break
    if head is None:
        return None
    return NounPhrase(head.group(0).lower(), _state_after(after[head.end() :]), head.end())


def _plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _state_after(rest: str) -> str | None:
    """The state a counted phrase is in: "(were) stranded", "without power"."""
    aux = _AUXILIARY.match(rest)
    tail = rest[aux.end() :] if aux else rest
    m = re.match(r"^\s*(without|lacking)\s+([A-Za-z][A-Za-z'’-]*)", tail, re.IGNORECASE)
    if m:
        return f"{m.group(1).lower()} {m.group(2).lower()}"
    m = re.match(r"^\s*([a-z][a-z'’-]*)", tail)
    if not m or m.group(1) in FUNCTION_WORDS:
        return None
    word = m.group(1)
    return word if aux or _PARTICIPLE.fullmatch(word) else None


_NUMBER_OF = re.compile(
    r"\bnumber\s+of\s+(?P<np>[^.;:!?\d]{2,60}?)\s+(?:has|have|had|is|was|now)?\s*"
    r"(?:\w+\s+){0,2}?(?:to|at|reached|hit|is|was|stands\s+at|stood\s+at)\s+$",
    re.IGNORECASE,
)


def _number_of(before: str) -> NounPhrase | None:
    """The counted phrase of "the number of people stranded has risen to 2,500"."""
    m = _NUMBER_OF.search(before)
    if not m:
        return None
    phrase = _noun_phrase(" " + m.group("np"))
    return NounPhrase(phrase.head, phrase.predicate, 0) if phrase else None


def _verb_before(before: str) -> str | None:
    """A verb right before the number that says what happened to the counted things:
    "fired 52 drones", "stranding 2,000 people", "leaving 1,600 households"."""
    m = re.search(r"\b([a-z][a-z'’-]*(?:ed|ing))\s+$", before)
    return m.group(1) if m and m.group(1) not in FUNCTION_WORDS else None


def _classify(m: re.Match[str], text: str) -> _Kind | None:
    """What the matched number counts, from the words around it; None to skip it."""
    before = text[max(0, m.start() - 120) : m.start()]
    after = text[m.end() : m.end() + 80]
    num = m.group("num")
    if _DURATION_RE.match(after) or "/" in num:
        return None
    if _MONTH_BEFORE_RE.search(before) or _MONTH_AFTER_RE.match(after):
        return None
    cur = (m.group("cur") or "").upper()
    if cur:
        unit = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}[cur]
        return _Kind("money", unit, end=m.end())
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
        return _Kind("money", unit, end=m.end() + cm.end())
    if _PERCENT_RE.match(after):
        pm = _PERCENT_RE.match(after)
        assert pm is not None
        return _Kind("percent", "%", end=m.end() + pm.end())
    dm = _DIST_UNIT_RE.match(after)
    if dm and not m.group("vague") and not (m.group("scale") or m.group("sscale")):
        unit = dm.group("unit").lower()
        factor = KM_PER_MILE if unit.startswith("mi") else 1.0
        if unit in {"m", "metre", "metres", "meter", "meters"}:
            factor = 0.001
        tail = after[dm.end() :]
        reference = _distance_reference(tail)
        if reference is None and dm.group("sep").strip() == "-":  # "a 620-mile front line"
            phrase = _noun_phrase(tail)
            front = "front" in tail[:20].lower()
            written = "front line" if front else phrase.head if phrase else None
            reference = (stem(written) if not front else written, written) if written else None
        subject, noun = reference if reference else (None, None)
        return _Kind("distance", "km", factor, m.end() + dm.end(), subject, noun=noun)
    if _is_year(m, before, after):
        return None
    if _KILL_VERB.search(before):
        return _Kind("killed", end=m.end())
    if _INJURE_VERB.search(before):
        return _Kind("injured", end=m.end())
    cm2 = _CASUALTY_AFTER.match(after)
    if cm2:
        word = cm2.group("word").lower()
        if word in {"casualties"}:
            return _Kind("casualties", end=m.end())
        kind = (
            "killed"
            if word
            in {"killed", "dead", "died", "death", "deaths", "fatalities", "lives", "perished"}
            else "injured"
        )
        return _Kind(kind, end=m.end())
    return _count_kind(m, before, after)


_YEAR_CONTEXT = re.compile(
    r"\b(?:in|since|by|of|until|till|from|to|before|after|during|early|late|mid|"
    r"summer|spring|autumn|fall|winter)\s*-?\s*$",
    re.IGNORECASE,
)


def _is_year(m: re.Match[str], before: str, after: str) -> bool:
    """A four-digit number from 1800 to 2100 is a year, unless a plural noun follows
    directly and no date preposition precedes it ("2025 drones", not "in 2025")."""
    num = m.group("num")
    if not re.fullmatch(r"\d{4}", num) or not 1800 <= int(num) <= 2100:
        return False
    phrase = _noun_phrase(after)
    counted = phrase is not None and _plural(phrase.head) and phrase.end < 24
    return not counted or bool(_YEAR_CONTEXT.search(before))


def _count_kind(m: re.Match[str], before: str, after: str) -> _Kind | None:
    """A count of a noun phrase's head ("1,600 households without power"), with the
    head and its state as stems (snowballstemmer) for comparison; None if the number
    counts nothing nameable (a clock time, a name, "one of its deepest strikes")."""
    if re.match(r"^\s+of\s+(?:the|its|his|her|their|our|them|those|these)\b", after, re.I):
        return None  # "one of its deepest strikes"
    scaled = m.group("scale") or m.group("sscale")
    if "." in m.group("num") and not scaled:
        return None  # 11.36, 00.50: clock times and ratios, not counts of things
    phrase = _noun_phrase(after) or _number_of(before)
    if phrase is None:
        return None
    if m.group("word") and _parse_word_number(m.group("num")) < 2 and not scaled:
        return None  # "one man said", "one people": a single thing is not a figure
    state = phrase.predicate or _verb_before(before)
    noun = phrase.head + (f" {state}" if state else "")
    return _Kind(
        "count",
        end=m.end(),
        subject=stem(phrase.head),
        predicate=" ".join(stem(w) for w in state.split()) if state else None,
        noun=noun,
    )


def extract_quantities(text: str, offset: int = 0) -> tuple[Quantity, ...]:
    """Every comparable figure in ``text``; offsets are ``offset`` + local offsets."""
    found: list[Quantity] = []
    for m in _NUMBER_RE.finditer(text):
        parsed = _parse_number(m)
        kind = _classify(m, text)
        if parsed is None or kind is None:
            continue
        value, low, high = parsed
        mod = m.group("mod")
        low, high = _bounds(mod, value, low, high)
        factor = kind.factor
        approximate = bool(mod) or bool(m.group("vague")) or "dozen" in m.group("num").lower()
        start = m.start()
        end = max(kind.end, m.end())
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
    tol = abs(v) * (0.02 if q.kind == "distance" else 0.01)
    return v - tol, v + tol


def comparable(a: Quantity, b: Quantity, *, strict: bool = False) -> bool:
    """Same kind and unit, and about the same thing: worth comparing.

    Counts: the same head noun (stems: "households" and "household"); with ``strict``
    also the same state ("stranded" vs "evacuated" people are two counts). Distances:
    the same reference, word stems matching by prefix ("ukrain" of "Ukraine" and
    "ukrainian border"), or neither naming one.
    """
    if a.kind != b.kind or (a.unit or None) != (b.unit or None):
        return False
    if a.kind == "count":
        return a.subject == b.subject and (not strict or a.predicate == b.predicate)
    if a.kind == "distance":
        return same_reference(a.subject, b.subject)
    if a.kind == "percent":
        return a.subject == b.subject
    return True


def same_reference(a: str | None, b: str | None) -> bool:
    """Two distance references name the same place: a shared word, stems matched by
    prefix (at least 4 letters), or neither given."""
    if a is None or b is None:
        return a is None and b is None
    return any(
        (min(len(x), len(y)) >= 4 and (x.startswith(y) or y.startswith(x))) or x == y
        for x in a.split()
        for y in b.split()
    )


def comparable_components(
    quantities: Sequence[Quantity], *, strict: bool = False
) -> list[list[int]]:
    """Connected components of :func:`comparable` over ``quantities``: lists of indices,
    each in order, ordered by their first index.

    Without comparing every pair (an event cited by thousands of sources, or one huge
    sentence, holds thousands of figures): figures are linked through keys that
    :func:`comparable` implies (kind, unit, and the counted thing; for distances each
    reference word, and its prefixes of 4+ letters that another figure's word equals).
    """
    parent = list(range(len(quantities)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def link(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    first: dict[tuple[object, ...], int] = {}
    words: list[tuple[int, tuple[str, str | None], str]] = []
    for i, q in enumerate(quantities):
        base = (q.kind, q.unit or None)
        if q.kind == "distance":
            if q.subject is None:
                link(i, first.setdefault((*base, "no reference"), i))
            for word in set(q.subject.split()) if q.subject else ():
                link(i, first.setdefault((*base, "word", word), i))
                words.append((i, base, word))
        elif q.kind == "count":
            key = (*base, q.subject, q.predicate if strict else None)
            link(i, first.setdefault(key, i))
        else:
            link(i, first.setdefault((*base, q.subject if q.kind == "percent" else None), i))
    for i, base, word in words:  # "ukrain" links "ukraine" (a prefix of 4+ letters)
        for n in range(4, len(word)):
            j = first.get((*base, "word", word[:n]))
            if j is not None:
                link(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(len(quantities)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def same_figure(a: Quantity, b: Quantity) -> bool:
    """True when ``a`` and ``b`` state the same figure after unit reconciliation."""
    if a.kind != b.kind or (a.unit or None) != (b.unit or None):
        return False
    lo_a, hi_a = interval(a)
    lo_b, hi_b = interval(b)
    return lo_a <= hi_b + 1e-9 and lo_b <= hi_a + 1e-9


def describe(q: Quantity) -> str:
    """A display string: "35 injured", "several injured", "800 miles (1,287 km)"."""
    if q.kind == "distance":
        km = f"{q.value:,.0f} km"
        return q.raw if re.search(r"\bk(?:m|ilomet)", q.raw, re.I) else f"{q.raw} ({km})"
    if q.kind in {"killed", "injured", "casualties"}:
        return f"{q.raw} {q.kind}"
    if q.kind == "money":
        return q.raw
    noun = q.noun or q.subject or q.kind
    return f"{q.raw} {noun}" if noun not in q.raw.lower() else q.raw


def _annotate_event(event: Event) -> Event:
    return event.model_copy(update={"quantities": extract_quantities(event.quote, event.start)})


def annotate(ext: SourceExtraction) -> SourceExtraction:
    """Set ``Event.quantities`` from each event's quote (offsets into the source text)."""
    return ext.model_copy(update={"events": tuple(_annotate_event(e) for e in ext.events)})

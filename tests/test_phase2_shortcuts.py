"""Shortcuts in the stages after extraction give what the full work gives: the dates an
article mentions skip text without temporal vocabulary, a date rule is not run on text
lacking what its every match holds, the years of full dates are found by a pattern sre
can skip to, and an exact quote at its hint is grounded there."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from summarizer.stages import dategrammar, dates, ground, quantities
from summarizer.stages.dategrammar import _PREFIX_WORD, MONTHS
from summarizer.stages.daterules import MONTH_HEAD, RULES, rules_for, text_features

# _YEAR_HIT as it stood before (a literal copy), and stated_years without the month gate.
_FORMER_YEAR_HIT = re.compile(r"(?<!\d)(?:1[89]|2[01])\d\d(?!\d)")


def _former_stated_years(text: str) -> dict[tuple[int, int], int]:
    years: dict[tuple[int, int], set[int]] = {}
    for year in _FORMER_YEAR_HIT.finditer(text):
        window = text[max(0, year.start() - dates._FULL_DATE_REACH) : year.end()]
        found = dates._FULL_DATE_BEFORE.search(window)
        point = dates.parse_explicit(found.group()) if found else None
        if point and point.year and point.month and point.day:
            years.setdefault((point.month, point.day), set()).add(point.year)
    return {key: next(iter(ys)) for key, ys in years.items() if len(ys) == 1}


_PIECES = [
    "2008",
    "1999",
    "2101",
    "12008",
    "20089",
    "٣2008",
    "2008٣",
    "18",
    "19",
    "21",
    "0",
    "September 11, 2001",
    "11 September 2001",
    "Sept. 11, 2001",
    "11th of September, 2001",
    "Sep 3 2010",
    "May 5, 2009",
    "may 5, 2009",
    "Dan 5, 2009",
    "Monday",
    "today",
    "ago",
    "last week",
    "this year",
    "in May",
    "on Friday",
    "three days ago",
    "tonight",
    "night",
    "Tuesday 4 January 2005 08.43 GMT",
    "2005-07-01",
    "07/01/2005",
    "1.2.2005",
    "2005/7/1",
    "05-2005",
    "2005",
    "3/",
    ".",
    "Jan.",
    "Oct",
    "\n",
    " ",
    ", ",
    "-",
    "the",
    "said",
    "shares fell",
    "ſince",
    "\u212a",
    "İn",
    "yesterday's",
    "late last year",
    "earlier this-year",
    "mid-next\tyear",
    "thiſ",
    "laſt",
    "coming",
    "previous",
    "the past",
    "last",
    "week",
    "weekend",
    "Month",
    "YEAR",
    "this past",
    "March",
    "between ",
    "from",
    " and ",
    "to",
    "thru",
    "through",
    "\u2013",
    "\u2014",
    "9",
    "3rd",
    "(",
    "Friday,",
    "June,",
    "1.2008",
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_TEXTS)
@example("in 2008 and on September 11, 2001, then since September 11")
@example("2008\n2008")
def test_the_years_of_full_dates_are_found_as_before(text: str) -> None:
    spans = [m.span() for m in dates._YEAR_HIT.finditer(text)]
    assert spans == [m.span() for m in _FORMER_YEAR_HIT.finditer(text)]
    assert dates.stated_years(text) == _former_stated_years(text)


def test_every_month_name_opens_with_a_month_head() -> None:
    for name in MONTHS:
        assert MONTH_HEAD.match(name.capitalize()), name


@settings(max_examples=1500, deadline=None)
@given(_TEXTS)
@example("shares fell sharply and the bank said so")
def test_text_without_temporal_vocabulary_has_no_date(text: str) -> None:
    """date_mentions answers [] at once when text_features finds nothing: no rule could
    have matched (each rule runs only on its kinds of vocabulary)."""
    if not text_features(text):
        assert dates.find_temporal_expressions(text) == []
    published = dt.date(2010, 1, 14)
    mentioned = dates.date_mentions(text, published)
    assert bool(mentioned) <= bool(text_features(text))


def test_mentions_in_text_with_and_without_dates() -> None:
    published = dt.date(2010, 1, 14)
    assert dates.date_mentions("The bank said shares fell sharply.", published) == []
    (found,) = dates.date_mentions("The bank said on Tuesday shares fell.", published, 7)
    assert found[0].text == "on Tuesday" and found[0].start == 7 + 14
    assert found[1].start == dt.date(2010, 1, 12)


@settings(max_examples=1500, deadline=None)
@given(
    st.text(alphabet="ab", max_size=14),
    st.text(alphabet="ab", min_size=1, max_size=3),
    st.integers(min_value=-2, max_value=16),
)
@example("abab", "ab", 2)
@example("aaaa", "aa", 1)
def test_an_exact_quote_is_grounded_at_the_nearest_occurrence(
    text: str, quote: str, hint: int
) -> None:
    """The nearest occurrence to the hint, the earlier on a tie (a brute-force scan)."""
    clamped = max(0, min(hint, len(text)))
    found = [p for p in range(len(text)) if text.startswith(quote, p)]
    expected = min(found, key=lambda p: (abs(p - clamped), p)) if found else None
    assert ground._nearest_exact(quote, text, hint) == expected


@settings(max_examples=1500, deadline=None)
@given(_TEXTS)
@example("from March-April 2009")
@example("March last year, on Friday (May 5, 2009)")
@example("between May 3 and June 9, March\u2013April 2009, 3rd - 9th May")
@example("from 2001 to 2003")
@example("Friday (May 5, 2009), Sunday, 3 May, in June, 2008")
@example("earlier this past March, late last year, the coming weekend, previous  month")
def test_a_rule_skipped_for_what_its_text_lacks_has_no_match(text: str) -> None:
    features = text_features(text)
    for rule in RULES:
        if rule.needs is not None and not rule.needs.search(text):
            assert not any(rule.pattern.finditer(text)), rule.kind
        if not rule.trigger & features:  # its trigger: e.g. no month and no numeric date
            assert not any(rule.pattern.finditer(text)), rule.kind


_TAIL_PIECES = [
    "September", "sept", "Jan", "jan.", "May", "december", "ſeptember", "injured", "injuring",
    "hospitalising", "Hospitalized", "wounds", "hurt", "in", "since", "during", "summer",
    "Winter", "late", "mid", "from", "the", "xin", "killed", ".", "-", "–", " ", "  ", "\t",
    "\n", "\u00a0", "\u2003", ",", "a", "5", "K", "\u212a", "İ",
]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_TAIL_PIECES), max_size=10).map("".join))
@example("Sept.  \n")
@example("in   -  ")
@example("hospitalising\n")
@example("since - - ")
def test_a_word_at_the_end_is_found_from_its_last_characters(before: str) -> None:
    """quantities' end-anchored checks, tried only in the window's last characters,
    answer as the search over the whole window does."""
    for pattern, reach in (
        (quantities._MONTH_BEFORE_RE, 10),
        (quantities._INJURE_VERB, 13),
        (quantities._YEAR_CONTEXT, 6),
    ):
        assert quantities._ends_with(pattern, before, reach) == bool(pattern.search(before))


def test_the_reach_is_the_longest_word() -> None:
    longest_month = max(len(w) for w in quantities._MONTHS.split("|"))
    assert longest_month + len(".") == 10
    assert len("hospitalising") == 13
    assert len("during") == 6


def test_a_text_runs_the_rules_its_features_trigger_in_priority_order() -> None:
    """rules_for (kept per combination) lists, for every set of features and a few kinds,
    the rules a trigger check of each rule would run, with their index in RULES."""
    every = sorted(set().union(*(rule.trigger for rule in RULES)))
    for kinds in (None, frozenset({"date"}), frozenset({"year", "month", "relative"})):
        for mask in range(1 << len(every)):
            features = frozenset(f for i, f in enumerate(every) if mask >> i & 1)
            expected = [
                (priority, rule)
                for priority, rule in enumerate(RULES)
                if rule.trigger & features and (kinds is None or rule.kind in kinds)
            ]
            assert list(rules_for(features, kinds)) == expected


# dategrammar._PREFIX_WORD as it stood before (a literal copy): one alternation of the words.
_FORMER_PREFIX_WORD = (
    r"(?:in|on|at|since|until|till|by|from|during|through|throughout|before|after|of|"
    r"early|late|mid|earlier|later|the|end|start|beginning|middle|as)"
)
_PREFIX_PIECES = ["in ", "on ", "at ", "since ", "until ", "till ", "by ", "from ", "during "]
_PREFIX_PIECES += ["through ", "throughout ", "before ", "after ", "of ", "early ", "late "]
_PREFIX_PIECES += ["mid-", "earlier ", "later ", "the ", "end ", "start ", "beginning ", "as "]
_PREFIX_PIECES += ["middle ", "THE ", "Late ", "ſtart ", "İn ", "throughouts ", "lat", "en"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + _PREFIX_PIECES), max_size=12).map("".join))
@example("throughout the end of early March 2009, since late last year, the middle of 2008")
@example("in the beginning of June, earlier this week, after Monday, as of 5 May 2009")
def test_the_rules_match_as_with_the_prefix_words_in_one_alternation(text: str) -> None:
    assert sum(_PREFIX_WORD in rule.pattern.pattern for rule in RULES) >= 10
    for rule in RULES:
        former = re.compile(rule.pattern.pattern.replace(_PREFIX_WORD, _FORMER_PREFIX_WORD))
        found = [(m.span(), m.groupdict()) for m in rule.pattern.finditer(text)]
        assert found == [(m.span(), m.groupdict()) for m in former.finditer(text)], rule.kind


# dategrammar.SPEECH_CUE as it stood before (a literal copy): one alternation of the verbs.
_FORMER_SPEECH_CUE = re.compile(
    r"\b(?:said|says|say|told|tells|announced|added|wrote|writes|stated|reported|"
    r"claimed|confirmed|posted|tweeted|declared|insisted|warned)\b",
    re.IGNORECASE,
)
_VERB_PIECES = ["said", "says", "say", "Sayings", "told", "TELLS", "announced", "added", "wrote"]
_VERB_PIECES += ["writes", "stated", "reported", "claimed", "confirmed", "posted", "tweeted"]
_VERB_PIECES += ["declared", "insisted", "warned", "ſaid", "tweet", "sai", " ", ", ", "-", "x"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_VERB_PIECES), max_size=10).map("".join))
@example("he said, she says they say it was told and tells")
def test_the_speech_cues_are_found_as_with_the_verbs_in_one_alternation(text: str) -> None:
    found = [m.span() for m in dategrammar.SPEECH_CUE.finditer(text)]
    assert found == [m.span() for m in _FORMER_SPEECH_CUE.finditer(text)]

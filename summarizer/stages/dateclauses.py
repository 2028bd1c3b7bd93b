"""The role of a temporal expression in its sentence: what the clause around a date says
about it, for :func:`~summarizer.stages.dates.resolve_sentence_date`.

A sentence often names several days; one is the day of its fact. The others are the
bound of a period ("since the first case was confirmed on May 29"), a modifier ("the
February 2022 invasion"), a background clause (", after prices soared last month"), the
other term of a comparison (", up from 48 on Tuesday"; "nearly three times its size on
Friday"; ", well above the figure its chief executive gave on Monday"), the day a
statement was made ("said on Tuesday"), which gives way to the event's own, or the day
of another event in the possessive ("the death toll from Monday's explosion"), which
gives way to both. Whether a
weekday or month points forward depends on the clause too ("will meet on Monday",
"hoped to run a reduced service on Thursday", "is due on", "scheduled for").

These are rules of English temporal grammar written as regular expressions over the
sentence (no story's words): a parser would need a model this offline tool does not
ship, and dateparser resolves expressions but does not say which one a sentence's fact
belongs to. Each test looks at the clause before the date only (its last clause break
found by bisection), so a sentence with many dates costs linear time.
"""

from __future__ import annotations

import bisect
import functools
import re

from summarizer.stages.dategrammar import FUNCTION_WORDS, FUTURE_CUE, SPEECH_CUE, TemporalMatch

# What a sentence reports someone saying: a statement verb, or a verb of saying something
# about someone ("criticised Moscow for ...", "urged a ceasefire"), English grammar.
_REPORTS = re.compile(
    rf"{SPEECH_CUE.pattern}|\b(?:critici[sz]ed|condemned|urged|vowed|thanked|accused|"
    r"rebuked|praised|welcomed|denied|promised|pledged|demanded|appealed|rejected|"
    r"dismissed|argued|acknowledged|admitted|called\s+(?:for|on))\b",
    re.IGNORECASE,
)
# The quote that opens the next sentence and who said it: “...,” he said late on Monday.
_NEXT_QUOTE = re.compile(r"\s{0,4}[“\"‘']")
_QUOTE_END = re.compile(r"[,.!?]\s*[”\"’']\s+")
_ATTRIBUTION = re.compile(r"[^.!?“”\"]{0,120}?[.!?](?=\s|$)")
_PRONOUN = frozenset({"he", "she", "they"})

# A statement still to come: "will be announced on", "is expected to confirm on".
_FUTURE_STATEMENT = re.compile(
    rf"(?:{FUTURE_CUE.pattern})(?:\s+(?:be|not|also|only|formally|officially))*\s*$", re.IGNORECASE
)
_PAST_REFERENCE = re.compile(r"\b(?:after|following|since|in\s+response\s+to)\b", re.I)


_CLAUSE_CUT = re.compile(r"[.;!?\"“”,—–(]|[,.]['’]")


def is_future(text: str, start: int, match: TemporalMatch) -> bool:
    """Future time before the expression in its clause ("will meet on Monday", "hoped to
    run a reduced service on Thursday", "will be announced on Friday"), unless a past
    statement verb ("..., he said on Monday") or a past event's reference ("vowed to
    respond after the attack on Monday") comes between the cue and the date."""
    if match.prefix.startswith(("next", "coming")):
        return True
    return _future_before(text[max(0, start - 80) : start])


@functools.lru_cache(maxsize=4096)
def _future_before(window: str) -> bool:
    """:func:`is_future` of what the 80 characters before the expression hold; kept: a run
    asks about the same characters again (an event's quote, then the kept text around it:
    3,161 distinct of 5,705 in a corpus of 300 articles)."""
    window = _CLAUSE_CUT.split(window)[-1]
    speech = list(SPEECH_CUE.finditer(window))
    if speech and not _FUTURE_STATEMENT.search(window, 0, speech[-1].start()):
        window = window[speech[-1].end() :]  # "... will ...,' he said on Monday": said then
    cues = list(FUTURE_CUE.finditer(window))
    return bool(cues) and not _PAST_REFERENCE.search(window, cues[-1].end())


def is_possessive(text: str, local_end: int) -> bool:
    """ "The death toll from Monday's explosion has risen to four": a day in the possessive
    names when another event happened (the explosion), so it dates the sentence's fact
    only when the sentence gives no other day."""
    return text[local_end : local_end + 2] in ("'s", "’s")


# A finite verb right after a date: the date ended the sentence's subject ("The two
# schools closed by the mayor on Monday will reopen next Monday").
_PREDICATE_AFTER = re.compile(
    r"\s+(?:will|would|shall|can|could|may|might|must|should|has|have|had|is|are|was|"
    r"were|remains?|remained)\b",
    re.IGNORECASE,
)


def ends_subject(text: str, local_end: int) -> bool:
    """ "The two schools closed by the mayor on Monday will reopen next Monday": a date
    followed by the sentence's verb belongs to its subject (when that happened to the
    schools, not when the fact happens), so it dates the fact only when the sentence
    gives no other day (as a day in the possessive)."""
    return bool(_PREDICATE_AFTER.match(text, local_end))


def is_aside(text: str, local_end: int) -> bool:
    """A day in the possessive or ending the subject: another event's day, which dates the
    fact only when the sentence gives no other (:func:`is_possessive`, :func:`ends_subject`)."""
    return is_possessive(text, local_end) or ends_subject(text, local_end)


_FOLLOWING_WORD = re.compile(r"\s+([A-Za-z]+)")


def is_attributive(text: str, match: TemporalMatch, local_end: int) -> bool:
    """ "Russia's February 2022 invasion": a date used as a modifier, not the event's date."""
    if set(match.prefix.split()) - {"the"} or match.kind not in {"month_year", "year", "date"}:
        return False
    following = _FOLLOWING_WORD.match(text, local_end)
    if following is None or following.group(1) in FUNCTION_WORDS:
        return False
    return match.kind != "date" or following.group(1).islower()


_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|its|their|his|her|our|of|with|all|more|new)\s+$", re.I
)


_SPEECH_CLAUSE_CUT = re.compile(r"[,;:.]|\bthat\b")
_DIGIT = re.compile(r"\d")


def is_speech_date(text: str, local_start: int) -> bool:
    """ "he said late on Monday", "told reporters in Kyiv on Tuesday": the date of the
    statement rather than of the event.

    The statement verb must govern the date: at most five words, and no figure, between
    them ("said cases rose to 73 on Wednesday" dates the rise), and the verb must not be
    a participle used as an adjective ("Confirmed cases rose ...", "the reported deaths").
    """
    window_start = max(0, local_start - 60)
    window = text[window_start:local_start]
    cut = list(_SPEECH_CLAUSE_CUT.finditer(window))
    clause_start = cut[-1].end() if cut else 0
    cues = list(SPEECH_CUE.finditer(window, clause_start))
    if not cues:
        return False
    cue = cues[-1]
    gap = window[cue.end() :]
    if _DIGIT.search(gap) or len(gap.split()) > 5 or cue.group()[0].isupper():
        return False
    before = text[max(0, window_start + cue.start() - 12) : window_start + cue.start()]
    return not _DETERMINER_BEFORE.search(before)


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


def clause_breaks(text: str) -> list[int]:
    """Where each clause break of ``text`` ends, in order (for :func:`is_background`)."""
    return [m.end() for m in _BREAK.finditer(text)]


def is_background(text: str, local_start: int, breaks: list[int] | None = None) -> bool:
    """An expression inside a background clause ("..., after X happened last month").

    Looks at the clause after the last break before ``local_start``; ``breaks`` (from
    :func:`clause_breaks`, computed once per sentence) keeps this constant-time per
    expression, so a sentence with many dates costs linear time, not quadratic.
    """
    ends = clause_breaks(text) if breaks is None else breaks
    last = bisect.bisect_right(ends, local_start) - 1  # breaks ending at or before the date
    if last < 0:
        return bool(_BACKGROUND_INITIAL.match(text, 0, local_start))
    return bool(_BACKGROUND_MID.match(text, ends[last], local_start))


# A figure: what follows "from" in a baseline ("up from 48") and "than" in a hedge
# ("more than 20 people", which is no comparison with a date).
_FIGURE = (
    r"(?:(?:about|around|nearly|almost|some|roughly|approximately|just|only|at\s+least|"
    r"more\s+than|less\s+than|fewer\s+than)\s+)?(?:[$£€¥]?\d|(?:one|two|three|four|five|"
    r"six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundreds|thousands|millions|dozens|half|a\s+(?:dozen|hundred|thousand|"
    r"million|third|quarter|half))\b)"
)
# Markers of a comparison's other term: the figure or state a fact is measured against
# ("rose to 73 on Wednesday, up from 48 on Tuesday"; "nearly three times its size on
# Friday"; "larger than the one on Monday"). A date after one of these in its clause is
# the baseline's date, not the fact's.
_COMPARISON = re.compile(
    rf"\b(?:up|down|higher|lower|more|less|fewer|greater|unchanged)\s+from\b"
    rf"|\bfrom\s+{_FIGURE}"
    rf"|\b(?:compared|comparison)\s+(?:with|to)\b|\bversus\b|\bvs\b"
    rf"|\bthan\s+(?!{_FIGURE}|(?:expected|anticipated|forecast|planned|usual|normal|ever|"
    rf"before|previously)\b)"
    rf"|\btimes\s+(?:the|its|their|his|her|that|those|what)\b"
    rf"|\b(?:double|twice|triple|half)\s+(?:the|its|their|his|her|that|what)\b",
    re.IGNORECASE,
)
# A comparison clause after a break: ", well above the figure its chief executive gave on
# Monday".
_COMPARISON_INITIAL = re.compile(
    rf"\s*(?:(?:well|far|much|slightly|just|still|nearly|almost|roughly|comfortably)\s+)?"
    rf"(?:above|below|beyond|short\s+of|exceeding)\s+(?!{_FIGURE})",
    re.IGNORECASE,
)
# A new figure after the marker is the fact's own ("from 48 on Tuesday to 73 on Wednesday").
_COMPARISON_RESET = re.compile(rf"\b(?:to|at|reaching|hitting)\s+{_FIGURE}", re.IGNORECASE)
# "since"/"until" opening a clause bound a period: "Two people have died since the first
# case was confirmed on May 29" is not dated May 29.
_PERIOD_CLAUSE = re.compile(r"\b(?:since|until|till)\b", re.IGNORECASE)


def clause_start(breaks: list[int], local_start: int) -> int:
    last = bisect.bisect_right(breaks, local_start) - 1
    return breaks[last] if last >= 0 else 0


def is_comparison(text: str, clause: int, local_start: int) -> bool:
    """The date of a comparison's other term (see :data:`_COMPARISON`)."""
    if clause > 0 and _COMPARISON_INITIAL.match(text, clause, local_start):
        return True
    markers = list(_COMPARISON.finditer(text, clause, local_start))
    if not markers:
        return False
    return not _COMPARISON_RESET.search(text, markers[-1].end(), local_start)


def is_period_bound(text: str, clause: int, local_start: int) -> bool:
    """A date inside a "since ..." or "until ..." clause: the start or end of a period."""
    return bool(_PERIOD_CLAUSE.search(text, clause, local_start))


def continued_statement(
    text: str, sentence: tuple[int, int], window: int = 600
) -> tuple[int, int] | None:
    """The attribution of the quote that follows the sentence ``text[start:end]`` when it
    continues that sentence's statement: "Zelensky said production will increase.
    “The priority is drones,” he said late on Monday." The sentence reports someone
    saying something (:data:`_REPORTS`) and the quote's speaker is a pronoun or a name
    the sentence gives; the span of "he said late on Monday." in ``text``, else
    ``None`` (the caller dates the statement by it, as "said on Monday" in the sentence
    itself would)."""
    start, end = sentence
    # the quote first: it is tried at one place, the reporting verbs at every position
    if not _NEXT_QUOTE.match(text, end) or not _REPORTS.search(text, start, end):
        return None
    close = _QUOTE_END.search(text, end, end + window)
    if close is None or "\n\n" in text[end + 4 : close.start()]:
        return None
    found = _ATTRIBUTION.match(text, close.end())
    if found is None:
        return None
    cue = SPEECH_CUE.search(found.group())
    who = found.group()[: cue.start()].split() if cue else []
    if not who or len(who) > 4:
        return None
    if who[0].lower() in _PRONOUN or all(w[:1].isupper() and w in text[start:end] for w in who):
        return found.span()
    return None


def continues(text: str, one: tuple[int, int], other: tuple[int, int]) -> bool:
    """One of two sentences of ``text`` (spans) is the quote continuing the other's
    statement (:func:`continued_statement`)."""
    first, second = sorted((one, other))
    said = continued_statement(text, first) if first[1] <= second[0] else None
    return said is not None and second[0] <= said[0] < second[1]

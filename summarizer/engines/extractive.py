"""The extractive engine: deterministic, offline, no model.

:func:`extract` scores each sentence for whether it reports an event or a statement
(who did, said or claimed what): reporting verbs ("said", "claimed", "announced"),
action verbs ("struck", "killed", "launched", "allocated", "halted"), figures, named
entities and attributions ("according to"). Headlines, questions, fragments and
background or analysis sentences (generic present tense, "analysts say", modal
speculation) score low and are skipped, and so is page furniture at sentence level
(:func:`is_furniture`: a fragment, an aside in parentheses, bar-separated fields, an
aggregator's teaser list, a line with almost no word in lower case). An article's
lede that dates its fact to a recent day ("Mayor Ann Holt yesterday intervened ...") is
an event from a lower score (:func:`states_recent_day`): a news report opens with what
happened and when, whatever its verb. Every kept sentence becomes an
:class:`~summarizer.models.Event` whose quote is the sentence itself, so alignment is
exact by construction; its text is the statement, without the photo credit, time
stamp or dateline a page puts before it (:func:`~summarizer.stages.standalone.statement_start`).

The per-source summary takes a few sentences, lead-biased: the score is the event
score plus a bonus that decays with the sentence's position; the chosen sentences
are returned in reading order.

:func:`synthesize` writes the headline (the first of the entries it is given, which the
pipeline orders by :func:`~summarizer.stages.select.brief_order`) and the key
developments (the next entries).

:class:`ExtractiveEngine` offers both through the
:class:`~summarizer.engines.base.EngineRunner` protocol; it makes no model calls,
so it plans no requests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from summarizer.engines.base import Extracted, PlannedRequest, Prepared, SourceDone, failure_of
from summarizer.errors import SummarizerError
from summarizer.models import (
    CleanedSource,
    Engine,
    Event,
    MergedEvent,
    Precision,
    Sentence,
    Source,
    SourceExtraction,
    SummarySentence,
)
from summarizer.stages.dates import resolve_sentence_date
from summarizer.stages.segment import holds_page_stamp
from summarizer.stages.select import trim_connective
from summarizer.stages.standalone import statement_start

EVENT_THRESHOLD = 2.0  # minimum score for a sentence to be an event
# An article's lede that dates its fact to a recent day is an event from this score (a
# name or a figure beside its date): chosen on two Timeline17 corpora, checked on the third
LEDE_THRESHOLD = 1.5
LEDE_RECENT_DAYS = 7  # "recent": within a week before publication
MAX_EVENTS = 400  # per source: bounds merge time on a huge file (news articles have ~50)
KEY_DEVELOPMENTS = 5

_REPORTING = re.compile(
    r"\b(?:said|says|say|claimed|claims|announced|announces|told|tells|reported|reports|"
    r"stated|states|confirmed|confirms|added|wrote|writes|declared|declares|denied|"
    r"denies|warned|warns|urged|urges|accused|accuses|criticised|criticized|condemned|"
    r"rebuked|thanked|vowed|pledged|insisted|maintained|acknowledged|admitted|"
    r"according\s+to)\b",
    re.IGNORECASE,
)
_ACTION = re.compile(
    r"\b(?:struck|strikes?|hit|hits|killed|killing|kills|injured|injuring|wounded|"
    r"launched|launches|fired|fires|downed|shot\s+down|intercepted|destroyed|damaged|"
    r"attacked|bombarded|bombed|shelled|captured|seized|took|taken|retook|advanced|"
    r"allocated|approved|signed|halted|halting|suspended|banned|imposed|raised|cut|"
    r"rose|fell|dropped|jumped|surged|plunged|reached|surpassed|recorded|evacuated|"
    r"arrested|charged|convicted|sentenced|elected|won|lost|resigned|appointed|"
    r"dismissed|fired|released|freed|met|agreed|rejected|voted|passed|collapsed|"
    r"erupted|flooded|burned|exploded|crashed|died|left|leaving|sent|delivered|"
    r"deployed|withdrew|closed|opened|targeted|targeting|carried\s+out|broke\s+out)\b",
    re.IGNORECASE,
)
_BACKGROUND = re.compile(
    r"\b(?:analysts?\s+say|experts?\s+say|is\s+developing|has\s+become|have\s+become|"
    r"remains?|appears?\s+to|seems?|could|might|may|would|likely|believed\s+to|"
    r"for\s+months|for\s+years|has\s+only\s+just|have\s+raced|is\s+under|are\s+under|"
    r"shows?\s+little|the\s+latest\s+developments)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|dozens?|several|"
    r"hundreds|thousands|million|billion)\b",
    re.IGNORECASE,
)
_TEMPORAL = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|overnight|yesterday|"
    r"today|last\s+(?:week|month|year)|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|\d{4})\b",
    re.IGNORECASE,
)


# The vocabularies above as word sets, to score a sentence from its words once instead
# of scanning it with five case-insensitive alternations (the engine's main cost on long
# articles). Each check gives exactly the regex's answer: a single-word alternative is
# a whole word of the text; every other alternative needs its cue word; only when a cue
# is present does the regex itself decide. Counting likewise: with no cue, each match is
# one of the text's words that is in the set, so the words are counted, not the text
# scanned (a sentence's words are listed in order, with repeats, for that).
_WORD_RUN = re.compile(r"\w+")
# The only non-ASCII characters that IGNORECASE matches to ASCII letters (İ ı ſ K): with
# one of them in the text, lower-cased words would not be what the regex sees.
_FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")
# A text's words (``\w+`` runs), lower-cased, in order (:func:`_words`), as UTF-8 bytes: an
# ASCII text's are found by one C pass of bytes.translate (each ASCII letter to lower case,
# digit and "_" kept, anything else a space) and a split, a quarter of what findall costs.
Words = list[bytes]
Present = frozenset[bytes]  # those of a text's words that are in a vocabulary (:func:`_present`)
_WORD_BYTES = bytes(
    ord(chr(c).lower()) if chr(c).isascii() and (chr(c).isalnum() or chr(c) == "_") else 32
    for c in range(256)
)


@dataclass(frozen=True)
class _Vocabulary:
    """A case-insensitive alternation (``pattern``) and the words that decide it."""

    pattern: re.Pattern[str]
    words: frozenset[bytes] = frozenset()  # single-word alternatives: present means found
    cues: frozenset[bytes] = frozenset()  # a word each other alternative needs
    year: bool = False  # a 4-digit word is an alternative (``\d{4}``)
    # ``\b\d[\d,.]*\b`` is an alternative (its matches start at a word starting with a
    # digit): ``figures`` is its own pattern, counted apart from the words (its matches
    # hold no letter, the words' no digit, ``,`` or ``.``: neither starts inside the other)
    figures: re.Pattern[str] | None = None
    # The alternatives of more than one word, lower case and case-sensitive: on a
    # lower-cased ASCII text they match where the pattern does, without the cost of
    # IGNORECASE at every position. With a cue present, the count is the single words,
    # these phrases and the figures: no phrase holds a single word, and no phrase's later
    # word opens an alternative, so no match starts inside another.
    phrases: re.Pattern[str] | None = None

    def found(
        self,
        text: str,
        words: Words | None,
        figures: _Figures | None = None,
        present: Present | None = None,
    ) -> bool:
        """``bool(pattern.search(text))`` (``figures``: :func:`_figures` of ``text``;
        ``present``: :func:`_present` of ``words``; each when already found)."""
        if words is None:
            return bool(self.pattern.search(text))
        seen = words if present is None else present
        if not self.words.isdisjoint(seen):
            return True
        if figures is None:
            figures = _figures_of_words(words)
        if self.year and figures[1]:
            return True
        if not self._cued(seen, figures):
            return False
        return bool(self.pattern.search(text))

    def count(
        self,
        text: str,
        words: Words | None,
        figures: _Figures | None = None,
        present: Present | None = None,
    ) -> int:
        """``len(pattern.findall(text))`` (``figures`` and ``present`` as :meth:`found`
        takes them)."""
        if words is None:
            return len(self.pattern.findall(text))
        seen = words if present is None else present
        figures = _figures_of_words(words) if figures is None else figures
        if not self.cues.isdisjoint(seen) or (self.year and figures[1]):
            if self.phrases is None or self.year or not text.isascii():
                return len(self.pattern.findall(text))
            counted = len(self.phrases.findall(text.lower()))  # then the words and figures
        else:
            counted = 0
        if not self.words.isdisjoint(seen):
            counted += sum(map(self.words.__contains__, words))
        if self.figures is not None and figures[0]:
            counted += len(self.figures.findall(text))
        return counted

    def _cued(self, words: Words | Present, figures: _Figures) -> bool:
        """Whether an alternative other than a single word may match."""
        return (
            not self.cues.isdisjoint(words)
            or (self.figures is not None and figures[0])
            or (self.year and figures[1])
        )


# Whether a text has a word (``\w+`` run) starting with a digit, and one of four digits:
# found once per sentence for all the vocabularies (each digit's "no word character
# before" is checked just after it, so sre skips to the digits).
_Figures = tuple[bool, bool]
_LEAD_DIGIT = re.compile(r"\d(?<!\w\d)")
_YEAR_WORD = re.compile(r"\d(?<!\w\d)\d{3}(?!\w)")


def _figures(text: str) -> _Figures:
    """:func:`_figures_of_words` of the text's words, read from the text itself."""
    if not _LEAD_DIGIT.search(text):
        return False, False
    return True, bool(_YEAR_WORD.search(text))


def _figures_of_words(words: Words) -> _Figures:
    listed = [w.decode() for w in words]
    return (
        any(w[0].isdecimal() for w in listed),
        any(len(w) == 4 and w.isdecimal() for w in listed),
    )


def _split(words: str) -> frozenset[bytes]:
    return frozenset(word.encode() for word in words.split())


_REPORTING_WORDS = _Vocabulary(
    _REPORTING,
    _split(
        """said says say claimed claims announced announces told tells reported reports stated
        states confirmed confirms added wrote writes declared declares denied denies warned warns
        urged urges accused accuses criticised criticized condemned rebuked thanked vowed pledged
        insisted maintained acknowledged admitted"""
    ),
    _split("according"),
)
_ACTION_WORDS = _Vocabulary(
    _ACTION,
    _split(
        """struck strike strikes hit hits killed killing kills injured injuring wounded launched
        launches fired fires downed intercepted destroyed damaged attacked bombarded bombed
        shelled captured seized took taken retook advanced allocated approved signed halted
        halting suspended banned imposed raised cut rose fell dropped jumped surged plunged
        reached surpassed recorded evacuated arrested charged convicted sentenced elected won
        lost resigned appointed dismissed released freed met agreed rejected voted passed
        collapsed erupted flooded burned exploded crashed died left leaving sent delivered
        deployed withdrew closed opened targeted targeting"""
    ),
    _split("shot carried broke"),
)
_BACKGROUND_WORDS = _Vocabulary(
    _BACKGROUND,
    _split("remain remains seem seems could might may would likely"),
    _split("say developing become appear appears believed months years just raced under little")
    | _split("developments"),
    phrases=re.compile(
        r"\b(?:analysts?\s+say|experts?\s+say|is\s+developing|has\s+become|have\s+become|"
        r"appears?\s+to|believed\s+to|for\s+months|for\s+years|has\s+only\s+just|"
        r"have\s+raced|is\s+under|are\s+under|shows?\s+little|the\s+latest\s+developments)\b"
    ),
)
_NUMBER_WORDS = _Vocabulary(
    _NUMBER,
    _split("two three four five six seven eight nine ten dozen dozens several hundreds thousands")
    | _split("million billion"),
    figures=re.compile(r"\d(?<!\w\d)[\d,.]*\b"),  # _NUMBER's first alternative
)
_TEMPORAL_WORDS = _Vocabulary(
    _TEMPORAL,
    _split(
        """monday tuesday wednesday thursday friday saturday sunday overnight yesterday today
        january february march april may june july august september october november
        december"""
    ),
    _split("last"),
    year=True,
)
# Every word and cue of the vocabularies: a sentence's words are looked up in it once
# (:func:`_present`), and each vocabulary asks about the few found, not all of them.
_VOCABULARIES = (_REPORTING_WORDS, _ACTION_WORDS, _BACKGROUND_WORDS, _NUMBER_WORDS)
_VOCABULARY = frozenset().union(*(v.words | v.cues for v in (*_VOCABULARIES, _TEMPORAL_WORDS)))


def _present(words: Words) -> Present:
    """Those of ``words`` that a vocabulary holds: a vocabulary disjoint from them is
    disjoint from all of ``words``."""
    return _VOCABULARY.intersection(words)


def _words(text: str) -> Words | None:
    """The text's words (``\\w+`` runs), lower-cased, in order; ``None`` when only the
    regexes can tell (a character that case-folds to an ASCII letter)."""
    if text.isascii():  # \w is [A-Za-z0-9_] here
        return text.encode("ascii").translate(_WORD_BYTES).split()
    if not _FOLDS_TO_ASCII.isdisjoint(text):
        return None
    return [word.lower().encode() for word in _WORD_RUN.findall(text)]


_FIRST_WORD = re.compile(r"\S+")
# A capital not after a word character (``\b[A-Z]``, checked just after it: sre skips to
# the capitals), then its letters.
_NAME = re.compile(r"[A-Z](?<!\w[A-Z])[a-zA-Z’'-]+")


def _names(text: str) -> int:
    """Capitalised names that are not the sentence's first word."""
    body = text.lstrip("“\"'‘ ")
    first = _FIRST_WORD.match(body)
    # from after the first word, which ends before a space: nothing before is looked at
    return len(set(_NAME.findall(body, first.end() if first else 0)))


def sentence_score(text: str) -> float:
    """How much a sentence reads as a reported event or statement."""
    words = len(text.split())
    if words < 6 or text.rstrip().endswith("?"):
        return 0.0
    return _score(text, words)


def _score(text: str, words: int) -> float:
    """:func:`sentence_score` of a sentence of ``words`` words (at least 6) that is no
    question."""
    vocabulary = _words(text)
    figures = _figures(text) if vocabulary is not None else None
    present = _present(vocabulary) if vocabulary is not None else None
    score = 0.0
    score += 1.5 if _REPORTING_WORDS.found(text, vocabulary, figures, present) else 0.0
    score += 1.5 if _ACTION_WORDS.found(text, vocabulary, figures, present) else 0.0
    score += min(_NUMBER_WORDS.count(text, vocabulary, figures, present), 3) * 0.5
    score += min(_names(text), 4) * 0.35
    score += 0.5 if _TEMPORAL_WORDS.found(text, vocabulary, figures, present) else 0.0
    score -= 1.2 * min(_BACKGROUND_WORDS.count(text, vocabulary, figures, present), 2)
    if words > 70:
        score -= 0.5
    return round(max(score, 0.0), 3)


# A sentence's opening quotes or brackets, then a lower-case letter, or a sentence opening
# with a comma: the tail of a caption or of a sentence cut short ("makes a statement in New
# York ...", ", chairman of the committee, to determine ..."), not a statement.
_FRAGMENT = re.compile(r"^(?:[\"'“‘(\[]*[a-z]|[,;:])")
# Fields separated by bars: a byline, a comment header or a share bar ("Posted by: Jane |
# September 19, 2008", "Read + | Watch + | Talk +"), page furniture, not prose.
_FIELDS = " | "
# An aggregator's list of linked headlines, each with its age after a dash ("Race to find
# survivors - 20 hrs ago Outlet.com ..."): a teaser run into the text, not a statement.
_TEASER_AGE = re.compile(  # from its dash, whitespace before it (sre skips to the dashes)
    r"[-–—](?<=\s[-–—])\s+\d+\s+(?:secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?)\s+ago\b",
    re.IGNORECASE,
)


# Prose has words in lower case (articles, verbs): a line with fewer is a caption's place
# and date ("12 Jan 2010: Marlow, Valeland."), a list of names or a comment in capitals.
MIN_LOWER_WORDS = 2
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# A word of _WORD opens at the first letter of each run of [\w'’-] characters and takes
# the rest of the run: in ASCII text, a word in lower case is a run's start, what is no
# letter, then a lower-case letter. Searched twice instead of listing every word.
_LOWER_WORD = re.compile(r"(?<![\w'-])[\d_'-]*[a-z]")


def _prose(text: str) -> bool:
    """At least :data:`MIN_LOWER_WORDS` words in lower case (the search stops there: in
    prose they come within the first few words)."""
    if text.isascii() and MIN_LOWER_WORDS == 2:
        first = _LOWER_WORD.search(text)  # the second starts in a later run
        return first is not None and _LOWER_WORD.search(text, first.end()) is not None
    lower = 0
    for word in _WORD.finditer(text):
        if text[word.start()].islower():
            lower += 1
            if lower >= MIN_LOWER_WORDS:
                return True
    return False


def is_furniture(text: str) -> bool:
    """A sentence that is no statement of its own: a fragment, an aside wholly in
    parentheses ("(For details, see ...)"), fields separated by bars, an aggregator's
    teaser list ("... - 12 hrs ago Outlet ..."), a line holding a page's time stamp
    ("Posted by Jane on April 2, 2005 11:54 PM."; segment cuts one off a lede), or one
    with fewer than :data:`MIN_LOWER_WORDS` words in lower case (a caption's date and
    place, a comment in capitals)."""
    text = text.strip()
    aside = text.startswith("(") and text.rstrip(".").endswith(")")
    teaser = bool(_TEASER_AGE.search(text))
    stamped = holds_page_stamp(text)
    furniture = bool(_FRAGMENT.match(text)) or aside or _FIELDS in text or teaser or stamped
    return furniture or not _prose(text)


def _usable(sentence: Sentence) -> bool:
    return _usable_words(sentence) > 0


def _usable_words(sentence: Sentence) -> int:
    """The sentence's number of words when it may be an event (no headline, at least 6
    words, no question, no furniture), else 0 (the scorer takes the count)."""
    if sentence.is_headline:
        return 0
    text = sentence.text.strip()
    words = len(text.split())
    if words < 6 or text.endswith("?") or is_furniture(text):
        return 0
    return words


def usable_places(usable: Sequence[bool]) -> list[int | None]:
    """Each sentence's place among the usable ones (:func:`_usable`: 0 for the first
    that may be an event), None for a sentence that may not be one: how near the top of
    its article a sentence is, counting neither headings nor furniture
    (:attr:`~summarizer.models.Event.sentence_place`)."""
    places: list[int | None] = []
    n = 0
    for ok in usable:
        places.append(n if ok else None)
        n += ok
    return places


def sentence_places(sentences: Sequence[Sentence]) -> list[int | None]:
    """:func:`usable_places` of ``sentences``."""
    return usable_places([_usable(s) for s in sentences])


def _event(sentence: Sentence, score: float, place: int | None = None) -> Event:
    return Event(
        source_id=sentence.source_id,
        text=sentence.text[statement_start(sentence.text) :].strip(),
        quote=sentence.text,
        start=sentence.start,
        end=sentence.end,
        salience=round(min(score / 8.0, 1.0), 4),
        sentence_index=sentence.index,
        engine=Engine.EXTRACTIVE,
        sentence_place=place,
    )


def _summary(
    sentences: Sequence[Sentence], scores: Sequence[float], usable: Sequence[bool], n: int
) -> tuple[SummarySentence, ...]:
    """The ``n`` best usable sentences by score plus a lead bonus, in reading order
    (``usable``: :func:`_usable` of each sentence, found once for the scores)."""
    ranked: list[tuple[float, int]] = []
    position = 0
    for i, score in enumerate(scores):
        if not usable[i]:
            continue
        lead = 3.0 / (1.0 + position)
        ranked.append((-(score + lead), i))  # best first when sorted: higher, then earlier
        position += 1
    chosen = sorted(i for _, i in sorted(ranked)[: max(n, 0)])
    return tuple(
        SummarySentence(text=sentences[i].text, start=sentences[i].start, end=sentences[i].end)
        for i in chosen
    )


def states_recent_day(text: str, published: dt.date | None) -> bool:
    """Does the sentence date its fact to a day of the past week ("yesterday", "on
    Tuesday", "today"), by an expression of its own (not the publication date)?"""
    if published is None:
        return False
    day = resolve_sentence_date(text, published)
    if day is None or day.from_publication or day.precision is not Precision.DAY:
        return False
    return 0 <= (published - day.start).days <= LEDE_RECENT_DAYS


def _dated_lede(
    sentences: Sequence[Sentence],
    scores: Sequence[float],
    usable: Sequence[bool],
    published: dt.date | None,
) -> int | None:
    """The index of the article's lede when it is an event below the threshold: its
    first usable sentence, scoring at least :data:`LEDE_THRESHOLD` and dating its fact
    to a recent day. A news article opens with what happened and when ("The mayor
    yesterday intervened in the row over harbour fees, ..."): its lede is the article's
    event even when its verb is in no list."""
    first = next((i for i, ok in enumerate(usable) if ok), None)
    if first is None or not LEDE_THRESHOLD <= scores[first] < EVENT_THRESHOLD:
        return None
    return first if states_recent_day(sentences[first].text, published) else None


def extract(
    cleaned: CleanedSource, sentences: Sequence[Sentence], *, summary_sentences: int = 3
) -> SourceExtraction:
    """Events (one per reporting sentence) and a lead-biased summary of one source."""
    counts = [_usable_words(s) for s in sentences]
    usable = [count > 0 for count in counts]
    scores = [
        _score(s.text, count) if count else 0.0 for s, count in zip(sentences, counts, strict=True)
    ]
    lede = _dated_lede(sentences, scores, usable, cleaned.source.published)
    candidates = [
        (i, s, score)
        for i, (s, score) in enumerate(zip(sentences, scores, strict=True))
        if score >= EVENT_THRESHOLD or i == lede
    ]
    notes: tuple[str, ...] = ()
    if len(candidates) > MAX_EVENTS:  # a huge file: keep the strongest, in reading order
        notes = (
            f"kept the {MAX_EVENTS} strongest of {len(candidates)} event sentences "
            "(a very long article)",
        )
        strongest = sorted(candidates, key=lambda c: (-c[2], c[0]))[:MAX_EVENTS]
        candidates = sorted(strongest, key=lambda c: c[0])
    places = usable_places(usable)
    return SourceExtraction(
        source_id=cleaned.source.id,
        summary=_summary(sentences, scores, usable, summary_sentences),
        events=tuple(_event(s, score, places[i]) for i, s, score in candidates),
        engine=Engine.EXTRACTIVE,
        notes=notes,
    )


def synthesize(
    events: Sequence[MergedEvent], sources: Mapping[str, Source]
) -> tuple[str, tuple[str, ...]]:
    """Headline and key developments from ``events``, most important first (the pipeline
    orders them with :func:`~summarizer.stages.select.brief_order`: the brief day's lead
    first). The headline is the lead's sentence without a leading connective
    ("Meanwhile, ..."), so it stands alone; the developments are the next entries."""
    del sources  # the extractive synthesis needs only the ordered entries
    if not events:
        return "", ()
    headline = trim_connective(events[0].text)
    developments = tuple(dict.fromkeys(e.text for e in events[1:] if e.text != events[0].text))[
        :KEY_DEVELOPMENTS
    ]
    return headline, developments


@dataclass
class ExtractiveEngine:
    """The deterministic offline engine, one source after the other."""

    summary_sentences: int = 3
    kind: Engine = Engine.EXTRACTIVE
    model: str | None = None
    backend: None = None  # no model behind it

    def extract(self, cleaned: CleanedSource, sentences: Sequence[Sentence]) -> SourceExtraction:
        """Events and a summary of one source."""
        return extract(cleaned, sentences, summary_sentences=self.summary_sentences)

    def extract_all(
        self, prepared: Sequence[Prepared], on_done: SourceDone | None = None
    ) -> list[Extracted]:
        """Each source's extraction; a SummarizerError fails that source alone."""
        results: list[Extracted] = []
        for cleaned, sentences in prepared:
            try:
                results.append(self.extract(cleaned, sentences))
            except SummarizerError as exc:
                results.append(failure_of(cleaned.source, "extract", exc))
            if on_done is not None:
                on_done(cleaned.source.id, isinstance(results[-1], SourceExtraction))
        return results

    def synthesize(
        self, events: Sequence[MergedEvent], sources: Mapping[str, Source]
    ) -> tuple[str, tuple[str, ...]]:
        """Headline and key developments (see :func:`synthesize`)."""
        return synthesize(events, sources)

    def requests(self, prepared: Sequence[Prepared]) -> list[PlannedRequest]:
        """No model calls."""
        return []

    def synthesis_requests(self, events: Sequence[MergedEvent]) -> list[PlannedRequest]:
        """No model calls."""
        return []

"""Typed data passed between pipeline stages.

Every stage is a function from these types to these types. Both engines
(extractive and llm) produce :class:`SourceExtraction`; the shared stages
(ground, dates, merge, disagree, render) never look at which engine ran.

Offsets: every ``start``/``end`` anywhere is a character offset into the
source's original decoded text (:attr:`Source.text`), so
``source.text[start:end] == quote`` always holds for exact alignments.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

# One set per distinct set of given fields, shared by the records given those fields
# (:meth:`Frozen.model_post_init`, :meth:`Frozen.__setstate__`).
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


class Frozen(BaseModel):
    """Base for immutable pipeline records.

    Pydantic keeps with each record the set of the fields it was given: a set of five
    or more names is 728 bytes, often more than the record's own values, and a large
    run holds millions of records (a worker's sentences between its two phases, the
    results in the run's process). So the records given the same fields share one set
    (:func:`_shared`). Nothing changes a record's set in place: a copy (``model_copy``)
    gets its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def model_post_init(self, context: Any, /) -> None:
        _shared(self)

    def __setstate__(self, state: dict[Any, Any]) -> None:
        """Unpickled (a worker process's results): shares the set too."""
        super().__setstate__(state)
        _shared(self)

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """A record of ``values`` without validation: the same record as
        ``cls(**values)`` when the values are valid, given as keywords for every field
        in the order the class declares them (else a TypeError), which is the order
        validation puts them in (and JSON writes them). Only for records a stage makes
        by the ten thousand from values it computed itself (a sentence's offsets and
        text, a kept line's range): validation was most of what making one cost (a
        sentence 2.4 µs, 1.0 here; 38,680 sentences in one corpus of 300 articles).
        What enters from outside (files, a model's answers, the store) is always
        validated."""
        try:
            names, given = _FIELDS_OF[cls]
        except KeyError:
            names, given = _fields_of(cls)
        if tuple(values) != names:
            raise TypeError(
                f"{cls.__name__}.trusted takes every field in order: {', '.join(names)}"
            )
        record = _new(cls)
        _set(record, "__dict__", values)  # the call's own dict
        _set(record, "__pydantic_fields_set__", given)
        _set(record, "__pydantic_extra__", None)
        _set(record, "__pydantic_private__", None)
        return record


_new = object.__new__
_set = object.__setattr__
_FIELDS_OF: dict[type[BaseModel], tuple[tuple[str, ...], set[str]]] = {}


def _fields_of(cls: type[BaseModel]) -> tuple[tuple[str, ...], set[str]]:
    """The names of ``cls``'s fields in declared order, and the shared set of them
    (kept in ``_FIELDS_OF``)."""
    if cls.__private_attributes__:  # they would need values of their own
        raise TypeError(f"{cls.__name__} has private attributes: no trusted records")
    names = tuple(cls.__pydantic_fields__)
    every = frozenset(names)
    _FIELDS_OF[cls] = names, _FIELDS_SETS.setdefault(every, set(every))
    return _FIELDS_OF[cls]


def _shared(record: BaseModel) -> None:
    """``record``'s set of given fields replaced by the one shared set of those names."""
    given = record.__pydantic_fields_set__
    object.__setattr__(
        record, "__pydantic_fields_set__", _FIELDS_SETS.setdefault(frozenset(given), given)
    )


# --------------------------------------------------------------------------- ingest


class DateOrigin(StrEnum):
    """Where a source's publication date came from."""

    HEADER = "header"  # a leading "date: 2025-07-01" line in the text
    FRONT_MATTER = "front_matter"  # YAML front matter of a .md file
    HTML_META = "html_meta"  # <meta> / JSON-LD of an HTML page
    JSONL = "jsonl"  # the "date" field of a .jsonl record
    FEED = "feed"  # an RSS/Atom entry's published (else updated) date
    CLI = "cli"  # --published ID=YYYY-MM-DD
    INFERRED = "inferred"  # inferred from the article text
    RUN = "run"  # another article's date in the same run, which its weekday references agree with
    UNKNOWN = "unknown"

    @property
    def phrase(self) -> str:
        """How the origin reads after a date: "2025-07-01 (from the date line)"."""
        return _ORIGIN_PHRASES[self]


_ORIGIN_PHRASES = {
    DateOrigin.HEADER: "from the date line",
    DateOrigin.FRONT_MATTER: "from the front matter",
    DateOrigin.HTML_META: "from the page metadata",
    DateOrigin.JSONL: "from the record",
    DateOrigin.FEED: "from the feed entry",
    DateOrigin.CLI: "given with --published",
    DateOrigin.INFERRED: "inferred from the text",
    DateOrigin.RUN: "from another article in the run: its weekdays agree",
    DateOrigin.UNKNOWN: "unknown",
}


class Source(Frozen):
    """One article as ingested. ``text`` is the original decoded text."""

    id: str
    path: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: dt.date | None = None
    published_from: DateOrigin = DateOrigin.UNKNOWN
    encoding: str = "utf-8"
    # Offsets of metadata at the top (date line, front matter) that is not story text.
    header_end: int = 0


MODEL_STAGE = "model"  # InputFailure.stage when a model call failed
SYNTHESIS_PATH = "(synthesis)"  # InputFailure.path when the model's synthesis failed


class InputFailure(Frozen):
    """A path or record that could not be ingested or processed."""

    path: str
    reason: str
    stage: str = "ingest"


# --------------------------------------------------------------------------- clean


class CharInterval(Frozen):
    """Half-open character interval ``[start, end)`` into ``Source.text``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> CharInterval:
        if self.end < self.start:
            raise ValueError(f"interval end {self.end} < start {self.start}")
        return self


class DroppedRange(Frozen):
    start: int
    end: int
    reason: str  # e.g. "related-articles", "photo-caption", "byline", "share-prompt"


class CleanedSource(Frozen):
    """A source with the story's kept ranges and the junk dropped from it."""

    source: Source
    kept: tuple[CharInterval, ...]
    dropped: tuple[DroppedRange, ...] = ()

    def kept_text(self) -> str:
        return "\n".join(self.source.text[k.start : k.end] for k in self.kept)


class IngestResult(Frozen):
    sources: tuple[Source, ...]
    failures: tuple[InputFailure, ...] = ()
    notes: tuple[str, ...] = ()  # what a reader should know (an encoding that was a guess)
    skipped: tuple[InputFailure, ...] = ()  # paths a folder walk passed over, with reasons
    # The sources ingest cleaned to infer their publication date (each bound to its dated
    # source): the pipeline takes them as they are, so no source is cleaned twice.
    cleaned: tuple[CleanedSource, ...] = ()


# --------------------------------------------------------------------------- segment


class Sentence(Frozen):
    source_id: str
    index: int
    start: int
    end: int
    text: str  # == source.text[start:end]
    is_headline: bool = False
    paragraph: int = 0


# --------------------------------------------------------------------------- dates


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"


class ResolvedDate(Frozen):
    """A date resolved in code against a publication date."""

    start: dt.date
    end: dt.date | None = None  # set only when precision is RANGE
    precision: Precision
    expression: str | None = None  # the temporal expression as written
    expression_start: int | None = None  # offsets into Source.text, when known
    expression_end: int | None = None
    from_publication: bool = False  # no temporal expression: took the publication date
    # no source of the fact has a date of its own: the run's most common publication date
    assumed: bool = False
    # shown the day before its publication date (``start`` is that day): an undated lede
    # of the next morning's paper, a timeline with a few entries a day picked it there
    # (:func:`summarizer.stages.select.select_timeline`); only ever with from_publication
    reported_next_morning: bool = False

    def iso(self) -> str:
        """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as the precision says."""
        if self.precision is Precision.YEAR:
            return f"{self.start.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    def iso_end(self) -> str | None:
        return self.end.isoformat() if self.end is not None else None

    def next_morning(self) -> str | None:
        """``YYYY-MM-DD`` of the paper whose undated lede an entry shown the day before
        is (``reported_next_morning``: the day after ``start``), else None."""
        day = self.start + dt.timedelta(days=1)
        return day.isoformat() if self.reported_next_morning else None


# --------------------------------------------------------------------------- quantities


class Quantity(Frozen):
    """A figure a sentence states, normalised for comparison."""

    kind: str  # "killed", "injured", "casualties", "distance", "money", "percent", "count"
    value: float  # normalised value (km for distance, stated currency for money)
    unit: str | None = None  # normalised unit: "km", "EUR", "USD", "GBP", None for counts
    low: float | None = None  # bounds for vague words ("several" -> 3..9, "dozens" -> 24..99)
    high: float | None = None
    approximate: bool = False  # "about", "roughly", "over", "more than", vague number words
    raw: str  # the text as written, e.g. "800 miles", "several"
    start: int  # offsets into Source.text
    end: int
    # What the figure is about, normalised (snowball stems): the counted noun's head
    # ("household") or a distance's reference ("ukrain" in "800 miles from Ukraine").
    subject: str | None = None
    predicate: str | None = None  # a count's state, stemmed: "strand", "without power"
    noun: str | None = None  # a count's phrase as written: "people stranded"


# --------------------------------------------------------------------------- ground


class AlignmentStatus(StrEnum):
    """How a quote was matched to its source (after google/langextract)."""

    EXACT = "exact"
    FUZZY = "fuzzy"
    NONE = "none"


class Grounding(Frozen):
    interval: CharInterval | None
    status: AlignmentStatus
    score: float = 0.0  # 100 for exact, rapidfuzz ratio for fuzzy


# --------------------------------------------------------------------------- extract


class Engine(StrEnum):
    EXTRACTIVE = "extractive"
    LLM = "llm"


class Event(Frozen):
    """One event or statement reported by one source."""

    source_id: str
    text: str  # a readable statement of the fact (the sentence, or the model's wording)
    quote: str  # verbatim quote; == source.text[start:end] when alignment is exact
    start: int
    end: int
    alignment: AlignmentStatus = AlignmentStatus.EXACT
    date: ResolvedDate | None = None
    temporal_expression: str | None = None  # as written in the source (llm engine)
    model_date: str | None = None  # the model's own resolution, kept for comparison
    date_note: str | None = None  # e.g. "model said 2025-07-01; code resolved 2025-06-30"
    quantities: tuple[Quantity, ...] = ()
    salience: float = 0.0  # engine's importance score, higher is more important
    sentence_index: int | None = None
    engine: Engine = Engine.EXTRACTIVE
    # the quote's sentence's place among its article's usable sentences (0: the first
    # that may be an event; the engines' ``usable_places``), None when not known
    sentence_place: int | None = None


class SummarySentence(Frozen):
    text: str
    start: int
    end: int


class SuspectedInstruction(Frozen):
    """A sentence of the article addressed to a model as an instruction (never used)."""

    text: str  # == source.text[start:end]
    start: int
    end: int


class SourceExtraction(Frozen):
    """What an engine made of one source."""

    source_id: str
    summary: tuple[SummarySentence, ...]
    events: tuple[Event, ...]
    engine: Engine
    dropped_events: int = 0  # model events the grounding gate dropped
    proposed_events: int = 0  # model events before the gate
    notes: tuple[str, ...] = ()
    # wordings that said more than their quote's sentence: the sentence stands in
    rewrites_dropped: int = 0
    suspected_instructions: tuple[SuspectedInstruction, ...] = ()


# --------------------------------------------------------------------------- merge


class Evidence(Frozen):
    source: str
    quote: str
    start: int
    end: int
    alignment: AlignmentStatus = AlignmentStatus.EXACT
    date_expression: str | None = None
    sentence_place: int | None = None  # Event.sentence_place of the quote


class MergedEvent(Frozen):
    """One fact, cited by every source that reports it."""

    id: str
    date: ResolvedDate
    text: str
    sources: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    quantities: dict[str, tuple[Quantity, ...]] = Field(default_factory=dict)  # by source id
    importance: float = 0.0


# --------------------------------------------------------------------------- disagree


class Claim(Frozen):
    source: str
    value: str  # as displayed, e.g. "3 killed", "several injured"
    quote: str
    start: int
    end: int
    normalized: float | None = None
    unit: str | None = None
    published: dt.date | None = None  # the source's publication date, when known


class Disagreement(Frozen):
    event: str  # MergedEvent.id
    topic: str  # e.g. "injured", "killed", "distance"
    claims: tuple[Claim, ...]
    note: str | None = None


class Agreement(Frozen):
    """Figures that differ on the surface but agree after unit reconciliation."""

    event: str
    topic: str
    claims: tuple[Claim, ...]
    note: str  # e.g. "800 miles = 1,287 km, agrees with about 1,300 km"


class Revision(Frozen):
    """A figure reported again later with a new value: old -> new, not a disagreement.

    ``event`` is the entry that states the latest figure; ``earlier_event`` the entry the
    old figures are on when that is another one (a follow-up's "the death toll has
    risen to four" is its own entry, dated when it was said).
    """

    event: str  # MergedEvent.id of the latest figure
    topic: str  # e.g. "killed", "people stranded"
    old: tuple[Claim, ...]  # the figures it replaces, oldest first
    new: tuple[Claim, ...]  # the latest figure (several sources may state it)
    earlier_event: str | None = None  # MergedEvent.id of the old figures, when not ``event``
    note: str  # e.g. "three killed (2025-03-03) -> four killed (2025-03-04)"


class BriefLine(Frozen):
    """A headline or key development as the brief shows it: the engine's sentence, never
    edited, with the entry it states, the sources it cites, and the revisions and
    disagreements about figures it states (shown as notes beside it)."""

    text: str  # as the engine wrote it (the llm engine's [source-id] cites taken out)
    event: str | None = None  # MergedEvent.id of the entry it states, when one does
    sources: tuple[str, ...] = ()  # the sources it cites
    revisions: tuple[Revision, ...] = ()  # a figure it states was revised
    disagreements: tuple[Disagreement, ...] = ()  # a figure it states is disputed


# --------------------------------------------------------------------------- report


class SourceReport(Frozen):
    source: Source
    cleaned: CleanedSource
    extraction: SourceExtraction
    unique_events: tuple[str, ...] = ()  # MergedEvent ids reported by this source alone


class RunStats(Frozen):
    engine: Engine
    model: str | None = None
    model_events_proposed: int = 0
    model_events_dropped: int = 0
    model_rewrites_dropped: int = 0  # model wordings replaced by their source sentence
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    retries: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = ()
    cache_hits: int = 0  # model answers served from the response cache
    cached_prompt_tokens: int = 0  # prompt tokens of those answers, as first asked
    article_tokens: int = 0  # tokens of the cleaned article texts (llm engine)
    model_seconds: float = 0.0  # time spent in model calls, retries and backoff included


class Report(Frozen):
    """Everything the renderers need."""

    sources: tuple[SourceReport, ...]
    events: tuple[MergedEvent, ...]
    disagreements: tuple[Disagreement, ...]
    agreements: tuple[Agreement, ...] = ()
    revisions: tuple[Revision, ...] = ()
    failures: tuple[InputFailure, ...] = ()
    skipped: tuple[InputFailure, ...] = ()  # paths a folder walk passed over (stderr only)
    headline: str = ""
    key_developments: tuple[str, ...] = ()
    # the same lines with their entry, sources and figure notes (None/(): not known)
    headline_line: BriefLine | None = None
    development_lines: tuple[BriefLine, ...] = ()
    stats: RunStats
    generated_for_day: dt.date | None = None


# --------------------------------------------------------------------------- since the previous run
# What ``--since-last`` shows: :func:`summarizer.store.compare.diff_runs` finds it, the
# renderers show it.

_SPACE = re.compile(r"\s+")


class ArticleRecord(Frozen):
    """One article as a run read it."""

    source_id: str
    path: str
    content_hash: str
    title: str | None = None
    outlet: str | None = None
    published: dt.date | None = None

    def outlet_key(self) -> str:
        """Who published it: the outlet when known, else the source id."""
        return _SPACE.sub(" ", self.outlet or self.source_id).strip().casefold()


class ArticleChange(Frozen):
    article: ArticleRecord
    previous_hash: str | None = None  # set for updated articles


class Confirmation(Frozen):
    """A known event that an outlet cites for the first time."""

    event: MergedEvent  # as in the current run
    sources: tuple[str, ...]  # the newly citing source ids
    previous_sources: tuple[str, ...]


class FigureRevision(Frozen):
    """A known event whose figure on a topic changed: what was stated, what is now."""

    event: MergedEvent  # as in the current run
    topic: str  # "killed", "injured", "distance from ukraine", ...
    old: tuple[Claim, ...]  # quotes from the previous run
    new: tuple[Claim, ...]  # quotes from the current run


class RunInfo(Frozen):
    id: int | None
    created_at: dt.datetime
    command: str


class Changes(Frozen):
    """What :func:`diff_runs` found between a previous run and the current one."""

    previous: RunInfo
    new_events: tuple[MergedEvent, ...] = ()
    confirmations: tuple[Confirmation, ...] = ()
    revisions: tuple[FigureRevision, ...] = ()
    gone_events: tuple[MergedEvent, ...] = ()  # as in the previous run
    new_articles: tuple[ArticleChange, ...] = ()
    updated_articles: tuple[ArticleChange, ...] = ()
    removed_articles: tuple[ArticleChange, ...] = ()

    def is_empty(self) -> bool:
        return not (
            self.new_events
            or self.confirmations
            or self.revisions
            or self.gone_events
            or self.new_articles
            or self.updated_articles
            or self.removed_articles
        )


class NoPreviousRun(Frozen):
    """``--since-last`` on inputs the store has no earlier run of."""

    command: str


SinceLast = Changes | NoPreviousRun

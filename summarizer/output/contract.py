"""The JSON document's contract, version 1: typed models of what ``--format json`` writes.

:mod:`summarizer.output.report_json` fills these models from a
:class:`~summarizer.models.Report` and serialises them; ``summarizer eval`` reads a
document back through :class:`EvalSystem` (the part of v1 it scores). The JSON Schema
in ``docs/schema/report-v1.schema.json`` is generated from :class:`ReportV1`
(``python -m summarizer.output.contract``) and a test checks that the checked-in file
equals the generated one and that real outputs validate against it.

These are separate from the pipeline records in :mod:`summarizer.models` on purpose:
a field added to a stage record must not appear in, or vanish from, the JSON without
a change here.

Adding a field (see docs/schema/README.md):

1. Add it to the model, in the position it should take in the output (fields are
   written in declaration order), with a ``description``. Give it a default
   (``None``, ``()`` or ``Field(default_factory=...)``) so documents written before
   it existed still validate: v1 only grows, so ``schema_version`` stays ``"1"``.
   A field that is absent rather than null when unset takes
   ``exclude_if=_is_none`` (as ``since_last`` and ``previous_hash`` do).
2. Fill it in :mod:`summarizer.output.report_json`.
3. Regenerate the schema: ``python -m summarizer.output.contract``.
4. Mention it in the README's JSON section.

Renaming or removing a field, or changing its type, is a new schema version.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from summarizer.models import AlignmentStatus, DateOrigin, Engine, Precision

SCHEMA_VERSION: Literal["1"] = "1"
SCHEMA_PATH = Path("docs") / "schema" / "report-v1.schema.json"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"  # YYYY, YYYY-MM or YYYY-MM-DD


def _is_none(value: object) -> bool:
    return value is None


class Contract(BaseModel):
    """Base of the v1 models: immutable; a document with an unknown field is not v1."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------- events


class EvidenceV1(Contract):
    """One source's verbatim quote of an event."""

    source: str = Field(description="The quoting source's id.")
    quote: str = Field(description="The quote; equals the source text [start:end] when exact.")
    start: int = Field(description="Character offset into the source's decoded text.")
    end: int = Field(description="End offset (exclusive).")
    alignment: AlignmentStatus = Field(description="How the quote was matched to the source.")
    date_expression: str | None = Field(
        description="The temporal expression the date was resolved from, as written."
    )


class QuantityV1(Contract):
    """A figure one quote states, normalised for comparison."""

    kind: str = Field(
        description='"killed", "injured", "casualties", "distance", "money", "percent" or '
        '"count" (a count of anything: see noun)'
    )
    value: float = Field(description="Normalised value (km for distances).")
    unit: str | None = Field(description='Normalised unit ("km", "EUR"); null for counts.')
    low: float | None = Field(description="Lower bound for vague words (several: 3).")
    high: float | None = Field(description="Upper bound for vague words (several: 9).")
    approximate: bool = Field(description='"about", "more than", vague number words.')
    raw: str = Field(description="The figure as written.")
    start: int = Field(description="Character offset into the source's decoded text.")
    end: int = Field(description="End offset (exclusive).")
    subject: str | None = Field(
        description="What the figure is about, normalised (stems): a count's head noun, a "
        "distance's reference; null if unknown."
    )
    predicate: str | None = Field(
        default=None, description='A count\'s state, stemmed ("strand", "without power").'
    )
    noun: str | None = Field(
        default=None, description='What is counted, as written ("people stranded").'
    )


class EventV1(Contract):
    """One dated fact of the merged timeline, cited by every source that reports it."""

    id: str
    date: str = Field(
        pattern=DATE_PATTERN,
        description="YYYY-MM-DD, YYYY-MM or YYYY as precision says (a range's first day).",
    )
    date_end: str | None = Field(description="The last day of a range; null otherwise.")
    precision: Precision
    date_expression: str | None = Field(description="The temporal expression, as written.")
    date_from_publication: bool = Field(
        description="No temporal expression: the publication date was taken."
    )
    date_assumed: bool = Field(
        description="No source has a date of its own: the run's most common publication date."
    )
    date_reported_next_morning: str | None = Field(
        default=None,
        exclude_if=_is_none,
        description="Only on an entry shown the day before its article's publication date "
        "(with --per-date): that publication day (YYYY-MM-DD). The entry is undated, among "
        "the first 5 usable sentences of an article published that day, read as the next "
        "morning's report of the day before (`date`); absent otherwise.",
    )
    text: str = Field(description="A readable statement of the fact.")
    sources: list[str] = Field(description="Ids of every source that reports it.")
    evidence: list[EvidenceV1]
    quantities: dict[str, list[QuantityV1]] = Field(
        description="Figures stated, by source id (sorted)."
    )
    importance: float = Field(description="Ranking score (rounded to 6 decimals).")
    revised: list[str] = Field(
        default_factory=list,
        description=(
            "Revised figures on this entry, as the markdown timeline marks them: "
            "'figure revised: <note>' on the entry with the latest figure, 'figure later "
            "revised: <note>' on an earlier entry a follow-up updates (the note of the "
            "item in revisions); empty when none."
        ),
    )


# --------------------------------------------------------------------------- disagreements


class ClaimV1(Contract):
    """One source's figure on a disputed (or reconciled) topic."""

    source: str
    value: str = Field(description='As displayed, e.g. "3 killed", "several injured".')
    quote: str
    start: int
    end: int
    normalized: float | None = Field(description="The normalised value, when there is one.")
    unit: str | None
    published: dt.date | None = Field(
        default=None, description="The source's publication date, when known."
    )


class DisagreementV1(Contract):
    """Sources that give different figures for the same event."""

    event: str = Field(description="The event's id.")
    topic: str = Field(description='e.g. "killed", "injured", "distance".')
    claims: list[ClaimV1]
    note: str | None


class RevisionV1(Contract):
    """A figure a later report updated: old -> new, not a disagreement."""

    event: str = Field(description="The id of the event that states the latest figure.")
    earlier_event: str | None = Field(
        description="The id of the event the old figures are on, when it is another one."
    )
    topic: str = Field(description='e.g. "killed", "people stranded".')
    old: list[ClaimV1] = Field(description="The figures it replaces, oldest first.")
    new: list[ClaimV1] = Field(description="The latest figure (one or more sources).")
    note: str = Field(description='e.g. "three killed (2025-03-03) → four killed (2025-03-04)".')


class FigureNoteV1(Contract):
    """What a later report or another outlet says about a figure a headline or key
    development states: shown beside the line, never edited into it."""

    kind: Literal["revised", "disputed", "not mentioned"] = Field(
        description="revised: a later report updated the figure (see `revisions`); "
        "disputed: sources give other values (see `disagreements`); not mentioned: other "
        "sources do not mention deaths."
    )
    topic: str
    event: str = Field(
        description="The event of the revision or disagreement: with `topic`, its key in "
        "`revisions` (revised) or `disagreements` (disputed, not mentioned)."
    )
    note: str = Field(
        description="The note as the brief words it, source ids in brackets: 'Revised: "
        "three killed [a] (2025-03-03) → four killed [b] (2025-03-04)', 'Disputed: 35 "
        "injured [b] vs several injured [a]'."
    )
    sources: list[str] = Field(description="Every source the note cites.")


class BriefLineV1(Contract):
    """A headline or key development with the event it states and its sources."""

    text: str = Field(description="As the engine wrote it, never edited (cites taken out).")
    event: str | None = Field(description="The id of the event it states, when one does.")
    sources: list[str] = Field(description="The sources it cites.")
    notes: list[FigureNoteV1] = Field(description="Notes on the figures it states.")


class AgreementV1(Contract):
    """Figures that differ on the surface but agree after unit reconciliation."""

    event: str
    topic: str
    claims: list[ClaimV1]
    note: str = Field(description='e.g. "800 miles = 1,287 km, agrees with about 1,300 km".')


# --------------------------------------------------------------------------- sources


class SummarySentenceV1(Contract):
    text: str
    start: int
    end: int


class DroppedReasonV1(Contract):
    start: int
    end: int
    reason: str = Field(description='e.g. "related-articles", "photo-caption", "byline".')


class SuspectedInstructionV1(Contract):
    """A sentence of the article addressed to a model as an instruction; never used."""

    text: str
    start: int
    end: int


class SourceV1(Contract):
    """One article the run read."""

    id: str
    name: str | None = Field(
        default=None,
        description="How the brief names it: outlet and headline, else the file name "
        "without id hashes, else the story's opening words (never a hash).",
    )
    path: str = Field(description="The file (FILE:LINE for a .jsonl record) or URL.")
    title: str | None
    outlet: str | None
    url: str | None
    published: dt.date | None = Field(description="The publication date, if known.")
    published_from: DateOrigin = Field(description="Where the publication date came from.")
    encoding: str = Field(description="How the file was decoded.")
    summary: str
    summary_sentences: list[SummarySentenceV1]
    dropped: list[tuple[int, int]] = Field(description="[start, end] of text the cleaner dropped.")
    dropped_reasons: list[DroppedReasonV1]
    unique_events: list[str] = Field(description="Ids of events only this source reports.")
    engine: Engine
    model_events_proposed: int
    model_events_dropped: int
    notes: list[str]
    model_rewrites_dropped: int = Field(
        default=0,
        description="Event wordings that said more than their quote's sentence (a content "
        "word, name or number the sentence lacks); the sentence is shown instead.",
    )
    suspected_instructions: list[SuspectedInstructionV1] = Field(
        default_factory=list,
        description="Sentences addressed to a model as an instruction (a prompt-injection "
        "attempt): never an event, a summary sentence, a headline or a key development.",
    )


class FailureV1(Contract):
    """An input or a stage that failed; the rest of the run went on."""

    path: str
    reason: str
    stage: str = Field(description='e.g. "ingest", "fetch", "model".')


class StatsV1(Contract):
    """How the run went (no timings: the document is deterministic)."""

    engine: Engine
    model: str | None
    model_events_proposed: int
    model_events_dropped: int
    prompt_tokens: int
    completion_tokens: int
    calls: int
    retries: int
    notes: list[str]
    model_rewrites_dropped: int = Field(
        default=0, description="Model wordings replaced by their source sentence (all sources)."
    )


# --------------------------------------------------------------------------- since the previous run


class PreviousRunV1(Contract):
    id: int
    created_at: str = Field(description="ISO 8601 time of the previous run, with its offset.")
    command: str


class ArticleV1(Contract):
    """An article as the run store remembers it."""

    id: str
    path: str
    title: str | None
    outlet: str | None
    published: dt.date | None
    content_hash: str
    previous_hash: str | None = Field(
        default=None,
        exclude_if=_is_none,
        description="The content hash before (updated articles only).",
    )


class ConfirmationV1(Contract):
    """An event that sources now cite that did not cite it before."""

    event: str
    text: str
    date: str = Field(pattern=DATE_PATTERN)
    sources: list[str] = Field(description="The sources citing it now.")
    previous_sources: list[str]


class RevisedFigureV1(Contract):
    """A figure a source changed since the previous run."""

    event: str
    text: str
    date: str = Field(pattern=DATE_PATTERN)
    topic: str
    old: list[ClaimV1]
    new: list[ClaimV1]


class NoPreviousRunV1(Contract):
    """``--since-last`` without a previous run of the same command on the same inputs."""

    previous_run: None


class ChangesV1(Contract):
    """What changed since the previous run of the same command on the same inputs."""

    previous_run: PreviousRunV1
    new_articles: list[ArticleV1]
    updated_articles: list[ArticleV1]
    removed_articles: list[ArticleV1]
    new_events: list[EventV1]
    confirmations: list[ConfirmationV1]
    revised_figures: list[RevisedFigureV1]
    gone_events: list[EventV1]


# --------------------------------------------------------------------------- the document


class ReportV1(Contract):
    """The document ``summarizer brief|timeline --format json`` writes."""

    model_config = ConfigDict(title="summarizer report, schema_version 1")

    schema_version: Literal["1"]
    generated_for_day: dt.date | None = Field(description="--day, when given.")
    headline: str
    key_developments: list[str]
    headline_line: BriefLineV1 | None = Field(
        default=None,
        description="The headline with the event it states, its sources and figure notes.",
    )
    key_development_lines: list[BriefLineV1] = Field(
        default_factory=list,
        description="The key developments as `headline_line`, in the same order.",
    )
    sources: list[SourceV1]
    events: list[EventV1] = Field(description="The timeline, in report order.")
    disagreements: list[DisagreementV1]
    agreements: list[AgreementV1]
    revisions: list[RevisionV1] = Field(
        default_factory=list,
        description="Figures a later report updated (old -> new), not disagreements.",
    )
    failures: list[FailureV1]
    stats: StatsV1
    since_last: ChangesV1 | NoPreviousRunV1 | None = Field(
        default=None,
        exclude_if=_is_none,
        description="Only with --since-last.",
    )


# --------------------------------------------------------------------------- what eval reads


class Reading(BaseModel):
    """Base of the eval view: reads a v1 document (or a hand-made one) and ignores the rest.

    Strict, so a value of the wrong JSON type is an error rather than a coercion.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", strict=True)


class EvalEvidence(Reading):
    source: str | None = None
    quote: str | None = None
    start: int | None = None
    end: int | None = None


class EvalEvent(Reading):
    date: str
    date_end: str | None = None
    text: str = ""
    evidence: list[EvalEvidence] = Field(default_factory=list)


class EvalClaim(Reading):
    source: str | None = None


class EvalDisagreement(Reading):
    topic: str = ""
    claims: list[EvalClaim] = Field(default_factory=list)


class EvalSource(Reading):
    id: str | None = None
    path: str | None = None


class EvalSystem(Reading):
    """What ``summarizer eval`` reads of a system document (docs/gold-format.md lists it).

    Every field is one of :class:`ReportV1`'s (a test checks it), with defaults so a
    minimal hand-made timeline of other systems can be scored too.
    """

    events: list[EvalEvent]
    disagreements: list[EvalDisagreement] = Field(default_factory=list)
    sources: list[EvalSource] = Field(default_factory=list)


# --------------------------------------------------------------------------- schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :class:`ReportV1`."""
    schema = ReportV1.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    """The schema as checked in: two-space indent, final newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    """``python -m summarizer.output.contract [PATH]``: write the schema (default: docs/)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else SCHEMA_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""The per-source stages around the engine, and the sources a run reads.

Before the engine: ingest (done by the run), duplicate copies dropped
(:func:`drop_duplicates`), then clean and segment, and drop the corpus' recurring
boilerplate (:func:`prepare_all`). After
it: ground, date and annotate each extraction (:func:`finish_source`). A source
whose stage raises a :class:`~summarizer.errors.SummarizerError` becomes an
:class:`~summarizer.models.InputFailure` naming the stage; the run goes on.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from summarizer.config import Config
from summarizer.engines.base import Prepared, failure_of
from summarizer.errors import SummarizerError
from summarizer.models import CleanedSource, InputFailure, Sentence, Source, SourceExtraction
from summarizer.stages import boilerplate as boilerplate_stage
from summarizer.stages import clean as clean_stage
from summarizer.stages import dateranking
from summarizer.stages import dates as dates_stage
from summarizer.stages import ground as ground_stage
from summarizer.stages import ingest as ingest_stage
from summarizer.stages import quantities as quantities_stage
from summarizer.stages import segment as segment_stage
from summarizer.stages.dateranking import DateKey, Timing

log = logging.getLogger("summarizer")

T = TypeVar("T")

Processed = tuple[Source, CleanedSource, SourceExtraction]
Outcomes = dict[str, Processed | InputFailure]


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during the per-source stages: which sources had finished."""

    def __init__(self, finished: Sequence[str], total: int) -> None:
        super().__init__(f"interrupted after {len(finished)} of {total} sources")
        self.finished = tuple(finished)
        self.total = total


class StageFailed(Exception):
    """A stage failed for one source: its InputFailure."""

    def __init__(self, failure: InputFailure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _stage(name: str, source: Source, func: Callable[[], T]) -> T:
    """Run one stage for one source; a SummarizerError becomes an InputFailure."""
    try:
        return func()
    except SummarizerError as exc:
        raise StageFailed(failure_of(source, name, exc)) from exc


def clean_once(source: Source, cleaned: CleanedSource | None = None) -> CleanedSource:
    """``source`` cleaned: ``cleaned`` when ingest already cleaned it (to infer its
    publication date), else :func:`summarizer.stages.clean.clean` now."""
    if cleaned is None:
        return _stage("clean", source, lambda: clean_stage.clean(source))
    return cleaned if cleaned.source is source else cleaned.model_copy(update={"source": source})


def prepare_source(
    source: Source, cleaned: CleanedSource | None = None
) -> tuple[CleanedSource, Sequence[Sentence]]:
    """Clean (unless ``cleaned`` is given) and segment one source (the stages before
    extraction)."""
    done = clean_once(source, cleaned)
    sentences = _stage("segment", source, lambda: segment_stage.segment(done))
    return done, sentences


def prepare_all(
    sources: Sequence[Source], cleaned: Sequence[CleanedSource] = ()
) -> tuple[list[Prepared], Outcomes]:
    """Clean and segment every source (those in ``cleaned`` are not cleaned again), then
    drop the page furniture that recurs across the corpus
    (:mod:`~summarizer.stages.boilerplate`); those that fail are returned as failures."""
    by_id = {c.source.id: c for c in cleaned}
    prepared: list[Prepared] = []
    failed: Outcomes = {}
    for source in sources:
        try:
            prepared.append(prepare_source(source, by_id.get(source.id)))
        except StageFailed as failure:
            failed[source.id] = failure.failure
    return boilerplate_stage.drop_boilerplate(prepared), failed


def mentions(
    source: Source, cleaned: CleanedSource, years: dates_stage.StatedYears | None = None
) -> dict[DateKey, Timing]:
    """The dates a source refers to anywhere in its kept text, for ranking the timeline's
    days (:func:`~summarizer.stages.dateranking.mentioned`); ``years``: the month-days its
    text gives a year (:func:`~summarizer.stages.dates.stated_years`), when already found."""
    text = source.text
    if years is None:
        years = dates_stage.stated_years(text)
    return dateranking.mentioned(
        source.published,
        (
            resolved
            for k in cleaned.kept
            for _, resolved in dates_stage.date_mentions(
                text[k.start : k.end], source.published, k.start, years=years
            )
        ),
    )


def finish_source(
    source: Source,
    ext: SourceExtraction,
    years: dates_stage.StatedYears | None = None,
    known: ground_stage.Known | None = None,
) -> SourceExtraction:
    """Ground, date and annotate one source's extraction (the stages after it; ``years``
    as :func:`mentions` takes it; ``known``: what grounding reads, found already)."""
    ext = _stage("ground", source, lambda: ground_stage.ground_extraction(ext, source, known))
    ext = _stage("dates", source, lambda: dates_stage.date_events(ext, source, years))
    return _stage("quantities", source, lambda: quantities_stage.annotate(ext))


def finish(
    cleaned: CleanedSource,
    ext: SourceExtraction,
    years: dates_stage.StatedYears | None = None,
    known: ground_stage.Known | None = None,
) -> Processed | InputFailure:
    """One extracted source through the stages after extraction, or its failure
    (``years`` and ``known`` as :func:`finish_source` takes them)."""
    try:
        return cleaned.source, cleaned, finish_source(cleaned.source, ext, years, known)
    except StageFailed as failed:
        return failed.failure


def oversize_notes(done: Sequence[Processed]) -> tuple[str, ...]:
    """One note per source cut at the size limit, naming what was read."""
    notes = (clean_stage.oversize_note(cleaned) for _, cleaned, _ in done)
    return tuple(note for note in notes if note)


_SPACE = re.compile(r"\s")
_KEY_CHUNK = 1 << 16


def _text_key(text: str) -> str:
    """SHA-256 of ``" ".join(text.split())``, 64 K characters at a time (chunks end at
    whitespace, so no word is split): the list of every word of a 100 MB file would take
    gigabytes."""
    digest = hashlib.sha256()
    pos, size, first = 0, len(text), True
    while pos < size:
        end = min(pos + _KEY_CHUNK, size)
        if end < size:
            space = _SPACE.search(text, end)
            end = space.start() if space else size
        words = text[pos:end].split()
        if words:
            digest.update(((" " if not first else "") + " ".join(words)).encode("utf-8"))
            first = False
        pos = end
    return digest.hexdigest()


def drop_duplicates(sources: Sequence[Source]) -> tuple[list[Source], tuple[str, ...]]:
    """One source per article text (whitespace aside): the same file saved twice, or a
    wire story copied 2,000 times, is one source, not 2,000 timeline citations."""
    first: dict[str, Source] = {}
    kept: list[Source] = []
    copies: dict[str, int] = {}
    for source in sources:
        key = _text_key(source.text)
        if key in first:
            copies[first[key].id] = copies.get(first[key].id, 0) + 1
            continue
        first[key] = source
        kept.append(source)
    notes = tuple(
        f"Skipped {n} duplicate {'copy' if n == 1 else 'copies'} of {source_id} (same text)."
        for source_id, n in copies.items()
    )
    return kept, notes


def prepare_inputs(paths: Sequence[str | Path], config: Config) -> list[Prepared]:
    """What a run's model calls are built from: its sources, ingested, without duplicate
    copies, cleaned and segmented (those that fail are left out, as a run reports them)."""
    ingested = ingest_stage.ingest(
        paths, dict(config.published), fetch=config.fetch, encoding=config.encoding
    )
    unique, _ = drop_duplicates(ingested.sources)
    prepared, _ = prepare_all(unique, ingested.cleaned)
    return prepared


def _log_done(source: Source, cleaned: CleanedSource, ext: SourceExtraction) -> None:
    log.info(
        "%s: %d events, %d summary sentences, %d dropped ranges (published %s, from %s)",
        source.id,
        len(ext.events),
        len(ext.summary),
        len(cleaned.dropped),
        source.published or "unknown",
        source.published_from.value,
    )


def split_outcomes(
    sources: Sequence[Source], outcomes: Mapping[str, Processed | InputFailure]
) -> tuple[list[Processed], list[InputFailure]]:
    """Processed sources and failures, each in input order."""
    done: list[Processed] = []
    failures: list[InputFailure] = []
    for source in sources:
        outcome = outcomes[source.id]
        if isinstance(outcome, InputFailure):
            # debug: the command prints each failure once (stderr and the output)
            log.debug("%s failed at %s: %s", source.path, outcome.stage, outcome.reason)
            failures.append(outcome)
            continue
        _log_done(*outcome)
        done.append(outcome)
    return done, failures

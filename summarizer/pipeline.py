"""Wire the stages: ingest -> clean -> segment -> engine -> ground -> dates -> quantities
-> merge -> disagreements and revisions -> selection -> synthesis (figures worded from the
revisions and disagreements) -> :class:`~summarizer.models.Report`.

The engine is chosen once from ``config.resolved_engine()`` and seen through the
small :class:`EngineRunner` protocol (``extract`` per source, ``synthesize`` once);
every other stage is shared and never looks at which engine ran.

A source whose processing raises a :class:`~summarizer.errors.SummarizerError`
becomes an :class:`~summarizer.models.InputFailure` naming the stage; the run goes on.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from summarizer.config import Config, EngineChoice
from summarizer.errors import (
    BackendError,
    ConfigError,
    InputError,
    ReplayMissError,
    SummarizerError,
)
from summarizer.models import (
    CleanedSource,
    Engine,
    InputFailure,
    MergedEvent,
    Report,
    RunStats,
    Sentence,
    Source,
    SourceExtraction,
    SourceReport,
)
from summarizer.stages import clean as clean_stage
from summarizer.stages import dates as dates_stage
from summarizer.stages import disagree as disagree_stage
from summarizer.stages import ground as ground_stage
from summarizer.stages import ingest as ingest_stage
from summarizer.stages import merge as merge_stage
from summarizer.stages import quantities as quantities_stage
from summarizer.stages import segment as segment_stage
from summarizer.stages import select as select_stage
from summarizer.stages import wording
from summarizer.transport.backend import Backend

log = logging.getLogger("summarizer")

T = TypeVar("T")

BACKEND_STAGE = "model"  # InputFailure.stage for sources the model backend failed on


class EngineRunner(Protocol):
    """What the pipeline needs from an engine."""

    @property
    def kind(self) -> Engine:
        """Which engine this is (reported in the run stats)."""
        ...

    @property
    def model(self) -> str | None:
        """The model name, if any."""
        ...

    def extract(self, cleaned: CleanedSource, sentences: Sequence[Sentence]) -> SourceExtraction:
        """Events and a summary of one source."""
        ...

    def synthesize(
        self, events: Sequence[MergedEvent], sources: Mapping[str, Source]
    ) -> tuple[str, tuple[str, ...]]:
        """Headline and key developments from the merged timeline."""
        ...


@dataclass
class ExtractiveRunner:
    """The deterministic offline engine."""

    summary_sentences: int = 3
    kind: Engine = Engine.EXTRACTIVE
    model: str | None = None

    def extract(self, cleaned: CleanedSource, sentences: Sequence[Sentence]) -> SourceExtraction:
        from summarizer.engines import extractive

        return extractive.extract(cleaned, sentences, summary_sentences=self.summary_sentences)

    def synthesize(
        self, events: Sequence[MergedEvent], sources: Mapping[str, Source]
    ) -> tuple[str, tuple[str, ...]]:
        from summarizer.engines import extractive

        return extractive.synthesize(events, sources)


@dataclass
class LLMRunner:
    """The llm engine behind a :class:`~summarizer.transport.backend.Backend`."""

    backend: Backend
    config: Config
    kind: Engine = Engine.LLM

    @property
    def model(self) -> str | None:
        return self.config.llm.model or self.backend.name

    def extract(self, cleaned: CleanedSource, sentences: Sequence[Sentence]) -> SourceExtraction:
        from summarizer.engines import llm

        return llm.extract(cleaned, sentences, backend=self.backend, config=self.config)

    def synthesize(
        self, events: Sequence[MergedEvent], sources: Mapping[str, Source]
    ) -> tuple[str, tuple[str, ...]]:
        from summarizer.engines import llm

        return llm.synthesize(events, sources, backend=self.backend, config=self.config)


def make_backend(config: Config) -> Backend:
    """The OpenAI-compatible backend for ``config.llm`` (record/replay included)."""
    try:
        from summarizer.transport import openai_backend
    except ImportError as exc:  # pragma: no cover - the llm engine is not installed
        raise ConfigError(
            "the llm engine is not available in this build: use --engine extractive"
        ) from exc
    return openai_backend.make_backend(config.llm)


def make_engine(config: Config, backend: Backend | None = None) -> EngineRunner:
    """Choose the engine once, from ``config.resolved_engine()``."""
    if config.resolved_engine() is EngineChoice.LLM:
        return LLMRunner(backend=backend or make_backend(config), config=config)
    return ExtractiveRunner(summary_sentences=config.summary_sentences)


# --------------------------------------------------------------------------- per source


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during the per-source stages: which sources had finished."""

    def __init__(self, finished: Sequence[str], total: int) -> None:
        super().__init__(f"interrupted after {len(finished)} of {total} sources")
        self.finished = tuple(finished)
        self.total = total


class _StageFailed(Exception):
    def __init__(self, failure: InputFailure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _stage(name: str, source: Source, func: Callable[[], T]) -> T:
    """Run one stage for one source; a SummarizerError becomes an InputFailure."""
    try:
        return func()
    except SummarizerError as exc:
        raise _StageFailed(_failure(source, name, exc)) from exc


def _failure(source: Source, name: str, exc: SummarizerError) -> InputFailure:
    """The InputFailure for ``exc`` at stage ``name`` (stage ``model`` for backend errors)."""
    stage = BACKEND_STAGE if isinstance(exc, BackendError) else name
    return InputFailure(path=source.path, reason=str(exc), stage=stage)


Processed = tuple[Source, CleanedSource, SourceExtraction]
Prepared = tuple[Source, CleanedSource, Sequence[Sentence]]
Outcomes = dict[str, Processed | InputFailure]


def _process_all(
    sources: Sequence[Source], runner: EngineRunner, config: Config
) -> tuple[list[Processed], list[InputFailure], str | None]:
    """Every source through the per-source stages, and the ``--batch`` note if any.

    The llm engine extracts all sources together (:func:`_process_packed`); the
    CPU-bound extractive engine goes one source at a time.
    """
    if isinstance(runner, LLMRunner):
        outcomes, note = _process_packed(sources, runner, config)
    else:
        outcomes, note = _process_each(sources, runner, config), None
    done, failures = _split_outcomes(sources, outcomes)
    return done, failures, note


def _process_each(sources: Sequence[Source], runner: EngineRunner, config: Config) -> Outcomes:
    """One source after the other through every stage, with a progress bar."""
    from summarizer.progress import progress_bar

    outcomes: Outcomes = {}
    with progress_bar(len(sources), "extracting", quiet=config.quiet) as advance:
        for source in sources:
            log.debug("processing %s", source.path)
            try:
                cleaned, ext = process_source(source, runner)
            except _StageFailed as failed:
                outcomes[source.id] = failed.failure
            except KeyboardInterrupt as stop:
                finished = [sid for sid, o in outcomes.items() if not isinstance(o, InputFailure)]
                raise Interrupted(finished, len(sources)) from stop
            else:
                outcomes[source.id] = (source, cleaned, ext)
            advance()
    return outcomes


def prepare_all(sources: Sequence[Source]) -> tuple[list[Prepared], Outcomes]:
    """Clean and segment every source; those that fail are returned as failures."""
    prepared: list[Prepared] = []
    failed: Outcomes = {}
    for source in sources:
        try:
            prepared.append((source, *prepare_source(source)))
        except _StageFailed as failure:
            failed[source.id] = failure.failure
    return prepared, failed


def prepare_inputs(
    paths: Sequence[str | Path], config: Config
) -> list[tuple[CleanedSource, Sequence[Sentence]]]:
    """What a run's model calls are built from: its sources, ingested, without duplicate
    copies, cleaned and segmented (those that fail are left out, as a run reports them)."""
    ingested = ingest_stage.ingest(paths, dict(config.published), fetch=config.fetch)
    unique, _ = drop_duplicates(ingested.sources)
    prepared, _ = prepare_all(unique)
    return [(cleaned, sentences) for _, cleaned, sentences in prepared]


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


def _process_packed(
    sources: Sequence[Source], runner: LLMRunner, config: Config
) -> tuple[Outcomes, str | None]:
    """The llm engine: clean and segment every source, answer ``--batch`` first, extract
    them together (several short articles per model call, ``--pack-tokens``; the calls
    run concurrently), then ground, date and annotate each."""
    from summarizer.engines import llm
    from summarizer.progress import progress_bar

    prepared, outcomes = prepare_all(sources)
    pairs = [(cleaned, sentences) for _, cleaned, sentences in prepared]
    note = _prefill_batch(pairs, config, runner)
    finished: list[str] = []  # source ids, for the Ctrl-C message
    with progress_bar(len(sources), "extracting", quiet=config.quiet) as advance:
        for _ in outcomes:
            advance()

        def done(source_id: str, ok: bool) -> None:
            if ok:
                finished.append(source_id)
            advance()

        try:
            extracted = llm.extract_all(
                pairs, backend=runner.backend, config=runner.config, on_done=done
            )
        except KeyboardInterrupt as stop:
            raise Interrupted(list(finished), len(sources)) from stop
    for (source, cleaned, _), result in zip(prepared, extracted, strict=True):
        if isinstance(result, SummarizerError):
            outcomes[source.id] = _failure(source, "extract", result)
            continue
        try:
            outcomes[source.id] = (source, cleaned, finish_source(source, result))
        except _StageFailed as failed:
            outcomes[source.id] = failed.failure
    return outcomes, note


def _split_outcomes(
    sources: Sequence[Source], outcomes: Mapping[str, Processed | InputFailure]
) -> tuple[list[Processed], list[InputFailure]]:
    """Processed sources and failures, each in input order."""
    done: list[Processed] = []
    failures: list[InputFailure] = []
    for source in sources:
        outcome = outcomes[source.id]
        if isinstance(outcome, InputFailure):
            log.info("%s failed at %s: %s", source.path, outcome.stage, outcome.reason)
            failures.append(outcome)
            continue
        _log_done(*outcome)
        done.append(outcome)
    return done, failures


def _prefill_batch(
    prepared: Sequence[tuple[CleanedSource, Sequence[Sentence]]],
    config: Config,
    runner: LLMRunner,
) -> str | None:
    """``--batch``: answer the extract calls through the Batch API into the cache first."""
    if not (config.llm.batch or config.llm.batch_id):
        return None
    from summarizer.transport import batch

    return batch.prefill(prepared, config, runner.backend)


def _article_tokens(done: Sequence[Processed], runner: EngineRunner) -> int:
    """Tokens of the cleaned article texts (llm engine), for prompt/article efficiency."""
    if runner.kind is not Engine.LLM:
        return 0
    from summarizer.transport import tokens

    return sum(tokens.count_tokens(c.kept_text(), runner.model).n for _, c, _ in done)


def process_source(source: Source, engine: EngineRunner) -> tuple[CleanedSource, SourceExtraction]:
    """Clean, segment, extract, ground, date and annotate one source."""
    cleaned, sentences = prepare_source(source)
    ext = _stage("extract", source, lambda: engine.extract(cleaned, sentences))
    return cleaned, finish_source(source, ext)


def prepare_source(source: Source) -> tuple[CleanedSource, Sequence[Sentence]]:
    """Clean and segment one source (the stages before extraction)."""
    cleaned = _stage("clean", source, lambda: clean_stage.clean(source))
    sentences = _stage("segment", source, lambda: segment_stage.segment(cleaned))
    return cleaned, sentences


def finish_source(source: Source, ext: SourceExtraction) -> SourceExtraction:
    """Ground, date and annotate one source's extraction (the stages after it)."""
    ext = _stage("ground", source, lambda: ground_stage.ground_extraction(ext, source))
    ext = _stage("dates", source, lambda: dates_stage.date_events(ext, source))
    return _stage("quantities", source, lambda: quantities_stage.annotate(ext))


# --------------------------------------------------------------------------- the run


def _unique_events(events: Sequence[MergedEvent]) -> dict[str, tuple[str, ...]]:
    """Event ids reported by one source alone, by source id."""
    unique: dict[str, list[str]] = {}
    for event in events:
        if len(event.sources) == 1:
            unique.setdefault(event.sources[0], []).append(event.id)
    return {k: tuple(v) for k, v in unique.items()}


def _select(events: tuple[MergedEvent, ...], config: Config) -> tuple[MergedEvent, ...]:
    if config.max_dates is None and config.per_date is None and config.day is None:
        return events
    return select_stage.select_timeline(
        events, max_dates=config.max_dates, per_date=config.per_date, day=config.day
    )


def _stats(
    engine: EngineRunner,
    extractions: Sequence[SourceExtraction],
    backend: Backend | None,
    seconds: float,
) -> RunStats:
    usage = backend.usage if backend is not None and engine.kind is Engine.LLM else None
    return RunStats(
        engine=engine.kind,
        model=engine.model,
        model_events_proposed=sum(e.proposed_events for e in extractions),
        model_events_dropped=sum(e.dropped_events for e in extractions),
        prompt_tokens=usage.prompt_tokens if usage else 0,
        completion_tokens=usage.completion_tokens if usage else 0,
        calls=usage.calls if usage else 0,
        retries=usage.retries if usage else 0,
        cache_hits=usage.cache_hits if usage else 0,
        seconds=round(seconds, 3),
        model_seconds=round(usage.seconds, 3) if usage else 0.0,
    )


SYNTHESIS_PATH = "(synthesis)"  # InputFailure.path when the model's synthesis failed


def _synthesize(
    runner: EngineRunner,
    events: tuple[MergedEvent, ...],
    sources: Mapping[str, Source],
    config: Config,
) -> tuple[str, tuple[str, ...], InputFailure | None]:
    """Headline and key developments; if the model fails here, fall back to the
    extractive synthesis and report the failure (a --replay miss still fails the run)."""
    if not events:
        return "", (), None
    try:
        headline, developments = runner.synthesize(events, sources)
        return headline, developments, None
    except ReplayMissError:
        raise
    except BackendError as exc:
        fallback = ExtractiveRunner(summary_sentences=config.summary_sentences)
        headline, developments = fallback.synthesize(events, sources)
        reason = f"{exc}; the headline and key developments are extractive"
        return (
            headline,
            developments,
            InputFailure(path=SYNTHESIS_PATH, reason=reason, stage="model"),
        )


def _notes(sources: Sequence[Source]) -> tuple[str, ...]:
    """Warnings a reader of the output should see."""
    undated = sorted(s.id for s in sources if s.published is None)
    if not undated:
        return ()
    return (
        f"No publication date found for {', '.join(undated)}: relative dates there could not be "
        "resolved; pass --published ID=YYYY-MM-DD.",
    )


def drop_duplicates(sources: Sequence[Source]) -> tuple[list[Source], tuple[str, ...]]:
    """One source per article text (whitespace aside): the same file saved twice, or a
    wire story copied 2,000 times, is one source, not 2,000 timeline citations."""
    first: dict[str, Source] = {}
    kept: list[Source] = []
    copies: dict[str, int] = {}
    for source in sources:
        key = hashlib.sha256(" ".join(source.text.split()).encode("utf-8")).hexdigest()
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


def run(
    paths: Sequence[str | Path],
    config: Config,
    backend: Backend | None = None,
    *,
    engine: EngineRunner | None = None,
) -> Report:
    """Build the report for ``paths``. Failed sources are listed in ``Report.failures``."""
    started = time.perf_counter()
    runner = engine or make_engine(config, backend)
    if isinstance(runner, LLMRunner):
        backend = runner.backend
    ingested = ingest_stage.ingest(paths, dict(config.published), fetch=config.fetch)
    failures = list(ingested.failures)
    unique_sources, duplicate_notes = drop_duplicates(ingested.sources)
    done, source_failures, batch_note = _process_all(unique_sources, runner, config)
    failures.extend(source_failures)

    sources = {s.id: s for s, _, _ in done}
    extractions = [ext for _, _, ext in done]
    merged = merge_stage.merge(extractions, sources)
    selected = _select(merged, config)
    kept_ids = {e.id for e in selected}
    findings = disagree_stage.compare(merged, {s.id: s.published for s in sources.values()})
    disagreements = tuple(d for d in findings.disagreements if d.event in kept_ids)
    revisions = tuple(
        r for r in findings.revisions if r.event in kept_ids or r.earlier_event in kept_ids
    )
    headline, developments, synthesis_failure = _synthesize(runner, selected, sources, config)
    headline, developments = wording.word_synthesis(
        headline, developments, merged, revisions, disagreements
    )
    if synthesis_failure is not None:
        failures.append(synthesis_failure)
    unique = _unique_events(selected)
    reports = tuple(
        SourceReport(source=s, cleaned=c, extraction=x, unique_events=unique.get(s.id, ()))
        for s, c, x in sorted(done, key=lambda t: t[0].id)
    )
    return Report(
        sources=reports,
        events=selected,
        disagreements=disagreements,
        agreements=tuple(a for a in findings.agreements if a.event in kept_ids),
        revisions=revisions,
        failures=tuple(failures),
        skipped=ingested.skipped,
        headline=headline,
        key_developments=developments,
        stats=_stats(runner, extractions, backend, time.perf_counter() - started).model_copy(
            update={
                "notes": ingested.notes
                + _notes(list(sources.values()))
                + duplicate_notes
                + ((batch_note,) if batch_note else ()),
                "article_tokens": _article_tokens(done, runner),
            }
        ),
        generated_for_day=config.day,
    )


def inspect(path: str | Path) -> str:
    """What ``summarizer inspect PATH`` prints: kept text, dropped ranges, detected date."""
    ingested = ingest_stage.ingest([path])
    if not ingested.sources:
        reason = (
            ingested.failures[0].reason
            if ingested.failures
            else f"{path}: no article found; give a .txt, .md, .html or .jsonl file"
        )
        raise InputError(reason)
    parts = [clean_stage.format_inspection(clean_stage.clean(s)) for s in ingested.sources]
    return "\n".join(parts)

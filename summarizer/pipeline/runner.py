"""Wire the stages: ingest -> clean -> segment -> engine -> ground -> dates -> quantities
-> merge -> disagreements and revisions -> selection -> synthesis (figures worded from the
revisions and disagreements) -> :class:`~summarizer.models.Report`.

The engine is chosen once (:func:`make_engine`, from ``config.resolved_engine()``)
and seen only through the :class:`~summarizer.engines.base.EngineRunner` protocol:
it extracts all the run's prepared sources, and writes the synthesis; every other
stage is shared and never looks at which engine ran.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from summarizer.beside import MAX_QUOTES, beside, beside_items, collector_paused, frozen_heap
from summarizer.config import Config, EngineChoice
from summarizer.engines.base import BACKEND_STAGE, EngineRunner, Extracted, Prepared
from summarizer.engines.extractive import ExtractiveEngine
from summarizer.errors import BackendError, InputError, ReplayMissError
from summarizer.models import (
    SYNTHESIS_PATH,
    CleanedSource,
    Engine,
    IngestResult,
    InputFailure,
    MergedEvent,
    Report,
    Revision,
    RunStats,
    Source,
    SourceExtraction,
    SourceReport,
)
from summarizer.pipeline import parallel
from summarizer.pipeline.sources import (
    Interrupted,
    Processed,
    drop_duplicates,
    finish,
    mentions,
    oversize_notes,
    prepare_all,
    split_outcomes,
)
from summarizer.progress import progress_bar
from summarizer.stages import claims, dateranking, standalone, wording
from summarizer.stages import clean as clean_stage
from summarizer.stages import dates as dates_stage
from summarizer.stages import disagree as disagree_stage
from summarizer.stages import ingest as ingest_stage
from summarizer.stages import merge as merge_stage
from summarizer.stages import select as select_stage
from summarizer.stages.dateranking import DateKey, Timing
from summarizer.stages.terms import Spans, Tokenised
from summarizer.transport.backend import Backend, close_quietly

log = logging.getLogger("summarizer")


def make_engine(config: Config, backend: Backend | None = None) -> EngineRunner:
    """Choose the engine once, from ``config.resolved_engine()``; the llm engine gets
    ``backend``, else the stack :func:`summarizer.transport.factory.make_backend` builds."""
    if config.resolved_engine() is not EngineChoice.LLM:
        return ExtractiveEngine(summary_sentences=config.summary_sentences)
    # Imported here for start-up time only: the llm engine and its transport (openai,
    # httpx, jinja2, tiktoken) cost most of a cold start, and extractive runs never use it.
    from summarizer.engines.llm import LLMEngine

    if backend is None:
        from summarizer.transport.factory import make_backend  # start-up time, as above

        backend = make_backend(config.llm)
    return LLMEngine(backend=backend, config=config)


# --------------------------------------------------------------------------- per source


def _extract(
    prepared: Sequence[Prepared], engine: EngineRunner, config: Config, total: int, failed: int
) -> list[Extracted]:
    """The engine's extraction of every prepared source, with a progress bar; Ctrl-C
    says which sources had finished."""
    finished: list[str] = []  # source ids, for the Ctrl-C message
    with progress_bar(total, "extracting", quiet=config.quiet) as advance:
        for _ in range(failed):
            advance()

        def done(source_id: str, ok: bool) -> None:
            if ok:
                finished.append(source_id)
            advance()

        try:
            return engine.extract_all(prepared, done)
        except KeyboardInterrupt as stop:
            raise Interrupted(list(finished), total) from stop


# Merge's candidate pairs and the brief's order are made on a second core
# (:mod:`~summarizer.beside`) in runs on worker processes with at most this many
# quotes (the statements merge reads): see :data:`summarizer.beside.MAX_QUOTES`.
BESIDE_MAX_QUOTES = MAX_QUOTES

FALLBACK_NOTE = (
    "Every model call failed: this is the extractive engine's brief of the same sources "
    "(the failures are listed)."
)


@dataclass
class _PerSource:
    """What the per-source stages give the rest of the run."""

    done: list[Processed]
    failures: list[InputFailure]
    batch_note: str | None = None
    fell_back: bool = False  # the model failed every source: the extractive engine's brief
    mentioned: Mapping[str, Mapping[DateKey, Timing]] | None = None  # mentions, when found
    # each source's statements with their date spans, as the workers found them: merge
    # reads them into tokens without looking for the dates again (see _tokenised)
    temporal: Sequence[tuple[SourceExtraction, Sequence[Spans]]] | None = None
    parallel: bool = False  # on worker processes: the run is large enough to use them
    tokenised: Tokenised | None = None  # statements already read (see _Reading)


def _process_all(
    sources: Sequence[Source],
    engine: EngineRunner,
    config: Config,
    ingest_cleaned: Sequence[CleanedSource] = (),
) -> _PerSource:
    """Every source through the per-source stages, the ``--batch`` note if any, and
    whether the run fell back to the extractive engine: clean (unless ingest did:
    ``ingest_cleaned``) and segment each, answer ``--batch`` first, let the engine
    extract them all, then ground, date and annotate each. When the model failed every
    source, the extractive engine extracts them all instead (:func:`_fallback`): the
    run still has a brief, and the failures stay listed. On several processes when the
    run is large enough (:mod:`~summarizer.pipeline.parallel`); the same result either
    way."""
    workers = parallel.workers_for(sources, engine, config)
    if workers > 1:
        return _process_parallel(sources, engine, config, workers, ingest_cleaned)
    prepared, outcomes = prepare_all(sources, ingest_cleaned)
    note = _prefill_batch(prepared, engine, config)
    extracted = _extract(prepared, engine, config, len(sources), len(outcomes))
    model_failures, extracted = _fallback(extracted, prepared, engine, config)
    mentioned: dict[str, Mapping[DateKey, Timing]] = {}
    for (cleaned, _), result in zip(prepared, extracted, strict=True):
        source_id = cleaned.source.id
        if isinstance(result, InputFailure):
            outcomes[source_id] = result
            continue
        # the month-days the text gives a year: found once for the events and the mentions
        years = dates_stage.stated_years(cleaned.source.text)
        outcome = outcomes[source_id] = finish(cleaned, result, years)
        if not isinstance(outcome, InputFailure):
            mentioned[source_id] = mentions(cleaned.source, outcome[1], years)
    done, failures = split_outcomes(sources, outcomes)
    return _PerSource(done, model_failures + failures, note, bool(model_failures), mentioned)


def _process_parallel(
    sources: Sequence[Source],
    engine: EngineRunner,
    config: Config,
    workers: int,
    ingest_cleaned: Sequence[CleanedSource],
) -> _PerSource:
    """:func:`_process_all` on ``workers`` processes, with the same progress bar."""
    log.debug("per-source stages on %d processes", workers)
    reading = _Reading()
    with progress_bar(len(sources), "extracting", quiet=config.quiet) as advance:
        result = parallel.run_parallel(
            sources, engine, workers, lambda _id, _ok: advance(), ingest_cleaned, reading
        )
    done, failures = split_outcomes(sources, result.outcomes)
    temporal = [(ext, result.temporal[s.id]) for s, _, ext in done]
    return _PerSource(
        done,
        failures,
        mentioned=result.mentioned,
        temporal=temporal,
        parallel=True,
        tokenised=reading.tokenised,
    )


class _Reading:
    """Merge's tokens of the statements of the sources already back, read while the
    workers end (:data:`~summarizer.pipeline.parallel.Spare`): once one worker has
    finished, a core is free while the others finish theirs (Finan, 2 workers: for
    0.01-0.25 s). Not while they all work: on two cores that work only competed with
    them (the same wall time either way). The tokens stay in this process. A few
    statements at a time: the last worker's next result is read as soon as it comes."""

    AT_ONCE = 8  # statements read per task (about 0.5 ms)

    def __init__(self) -> None:
        self.tokenised = Tokenised()
        self.read = 0  # sources of ParallelResult.arrived taken so far
        self.pending: list[tuple[str, Spans]] = []  # their statements not read yet

    def __call__(self, result: parallel.ParallelResult) -> bool:
        """Read the next few statements; False when all that came are read."""
        while not self.pending and self.read < len(result.arrived):
            extraction, spans = result.arrived[self.read]
            self.read += 1
            texts = [e.text for e in extraction.events]
            self.pending = list(zip(texts, spans, strict=True))[::-1]
        if not self.pending:
            return False
        batch = [self.pending.pop() for _ in range(min(self.AT_ONCE, len(self.pending)))]
        self.tokenised.add((text for text, _ in batch), (spans for _, spans in batch))
        return True


def _tokenised(per_source: _PerSource) -> Tokenised | None:
    """Merge's tokens of the statements whose date spans the workers sent (those read
    while the workers ended are kept: :class:`_Reading`)."""
    if per_source.temporal is None:
        return None
    tokenised = per_source.tokenised if per_source.tokenised is not None else Tokenised()
    for extraction, temporal in per_source.temporal:
        tokenised.add((e.text for e in extraction.events), temporal)
    return tokenised


def _fallback(
    extracted: list[Extracted], prepared: Sequence[Prepared], engine: EngineRunner, config: Config
) -> tuple[list[InputFailure], list[Extracted]]:
    """(the model's failures, the extractive engine's extractions) when the model failed
    every source; else ([], ``extracted``) unchanged."""
    failures = [r for r in extracted if isinstance(r, InputFailure)]
    if engine.kind is not Engine.LLM or not failures or len(failures) < len(extracted):
        return [], extracted
    if any(f.stage != BACKEND_STAGE for f in failures):
        return [], extracted
    log.warning("every model call failed; the brief is the extractive engine's")
    extractive = ExtractiveEngine(summary_sentences=config.summary_sentences)
    return failures, extractive.extract_all(prepared)


def _prefill_batch(
    prepared: Sequence[Prepared], engine: EngineRunner, config: Config
) -> str | None:
    """``--batch``: answer the engine's extract calls through the Batch API into the cache."""
    if not (config.llm.batch or config.llm.batch_id) or engine.backend is None:
        return None
    # Imported here for start-up time only: the Batch API client (openai).
    from summarizer.transport import batch

    requests = [planned.request for planned in engine.requests(prepared)]
    return batch.prefill(requests, config, engine.backend)


def _article_tokens(done: Sequence[Processed], engine: EngineRunner) -> int:
    """Tokens of the cleaned article texts (runs with a model), for prompt/article
    efficiency."""
    if engine.backend is None:
        return 0
    # Imported here for start-up time only: tiktoken.
    from summarizer.transport import tokens

    return sum(tokens.count_tokens(c.kept_text(), engine.model).n for _, c, _ in done)


# --------------------------------------------------------------------------- the run


def _unique_events(events: Sequence[MergedEvent]) -> dict[str, tuple[str, ...]]:
    """Event ids reported by one source alone, by source id."""
    unique: dict[str, list[str]] = {}
    for event in events:
        if len(event.sources) == 1:
            unique.setdefault(event.sources[0], []).append(event.id)
    return {k: tuple(v) for k, v in unique.items()}


def _places(order: Sequence[MergedEvent], entries: Sequence[MergedEvent]) -> list[int]:
    """Where each of ``order`` is in ``entries`` (the same objects): the brief's order as
    a few numbers to send back from the process that made it."""
    place = {id(e): i for i, e in enumerate(entries)}
    return [place[id(e)] for e in order]


def _select(
    events: tuple[MergedEvent, ...],
    config: Config,
    signals: dateranking.DateSignals,
    lead: dt.date | None,
    published: Mapping[str, dt.date | None],
) -> tuple[MergedEvent, ...]:
    """The timeline's entries (``--max-dates``, ``--per-date``, ``--day``); in a daily
    brief, the date the brief for ``lead`` leads with is always among them (a timeline
    keeps the dates that matter most: a story's timeline may end before its latest
    article)."""
    if config.max_dates is None and config.per_date is None and config.day is None:
        return events
    return select_stage.select_timeline(
        events,
        max_dates=config.max_dates,
        per_date=config.per_date,
        day=config.day,
        signals=signals,
        lead=lead if config.daily else None,
        published=published,
    )


def _known_by(revision: Revision, day: dt.date | None) -> bool:
    """With ``--day``: was the revised figure published by then (a brief for an earlier
    day does not know a later count)?"""
    return day is None or any(c.published is None or c.published <= day for c in revision.new)


def _day_note(
    events: Sequence[MergedEvent], signals: dateranking.DateSignals, day: dt.date | None
) -> tuple[str, ...]:
    """With ``--day``: say so when no entry is dated that day (the brief then leads with
    the latest day before it)."""
    if day is None or not events or any(select_stage.covers_day(e, day) for e in events):
        return ()
    lead = select_stage.lead_date(events, signals, day)
    then = (
        f"; the brief leads with {lead.iso()}, the latest day before it with events" if lead else ""
    )
    return (f"No event found dated {day.isoformat()} (--day){then}.",)


def date_signals(
    done: Sequence[Processed], found: Mapping[str, Mapping[DateKey, Timing]] | None = None
) -> dateranking.DateSignals:
    """How often the articles refer to each date (anywhere in their kept text) and how
    many were published each day: what the timeline's days are ranked by. ``found``:
    each source's mentions when already found (by the worker processes)."""
    known = found or {}
    return dateranking.date_signals_of_mentions(
        (
            source.published,
            known[source.id] if source.id in known else mentions(source, cleaned),
        )
        for source, cleaned, _ in done
    )


def _stats(
    engine: EngineRunner, extractions: Sequence[SourceExtraction], seconds: float
) -> RunStats:
    usage = engine.backend.usage if engine.backend is not None else None
    return RunStats(
        engine=engine.kind,
        model=engine.model,
        model_events_proposed=sum(e.proposed_events for e in extractions),
        model_events_dropped=sum(e.dropped_events for e in extractions),
        model_rewrites_dropped=sum(
            e.rewrites_dropped for e in extractions if e.engine is Engine.LLM
        ),
        prompt_tokens=usage.prompt_tokens if usage else 0,
        completion_tokens=usage.completion_tokens if usage else 0,
        calls=usage.calls if usage else 0,
        retries=usage.retries if usage else 0,
        cache_hits=usage.cache_hits if usage else 0,
        cached_prompt_tokens=usage.cached_prompt_tokens if usage else 0,
        seconds=round(seconds, 3),
        model_seconds=round(usage.seconds, 3) if usage else 0.0,
    )


def _synthesize(
    engine: EngineRunner,
    events: Sequence[MergedEvent],
    sources: Mapping[str, Source],
    config: Config,
) -> tuple[str, tuple[str, ...], InputFailure | None]:
    """Headline and key developments from ``events`` (most important first, the brief's
    lead first: :func:`~summarizer.stages.select.brief_order`). A model's headline must
    state one of the day's leading facts (:func:`_states_a_lead`), else the extractive
    headline replaces it. If the model fails here, fall back to the extractive synthesis
    and report the failure (a --replay miss still fails the run)."""
    if not events:
        return "", (), None
    try:
        headline, developments = engine.synthesize(events, sources)
        if engine.kind is Engine.LLM and not _states_a_lead(headline, events):
            log.info("the model's headline is not one of the day's leading facts; replaced")
            fallback = ExtractiveEngine(summary_sentences=config.summary_sentences)
            headline = fallback.synthesize(events, sources)[0]
        return headline, developments, None
    except ReplayMissError:
        raise
    except BackendError as exc:
        fallback = ExtractiveEngine(summary_sentences=config.summary_sentences)
        headline, developments = fallback.synthesize(events, sources)
        reason = f"{exc}; the headline and key developments are extractive"
        return (
            headline,
            developments,
            InputFailure(path=SYNTHESIS_PATH, reason=reason, stage="model"),
        )


def _states_a_lead(headline: str, events: Sequence[MergedEvent]) -> bool:
    """Does a model's headline say what one of the brief day's leading entries says
    (:func:`~summarizer.stages.select.leading_events`; checked as the llm engine checks
    all its wording, :func:`~summarizer.stages.claims.claim_supported`)? A lead alone
    must hold it: a headline about another day is not the day's headline."""
    leads = select_stage.leading_events(events)
    return any(
        claims.claim_supported(headline, [[e.text, *(ev.quote for ev in e.evidence)]])
        for e in leads
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


def run(
    paths: Sequence[str | Path],
    config: Config,
    backend: Backend | None = None,
    *,
    engine: EngineRunner | None = None,
) -> Report:
    """Build the report for ``paths``. Failed sources are listed in ``Report.failures``.

    ``engine`` (else :func:`make_engine` with ``backend``) does the extraction and
    synthesis. A backend the run builds itself is closed at the end; one given to it
    is the caller's to close.
    """
    runner = engine or make_engine(config, backend)
    owned = runner.backend if engine is None and backend is None else None
    try:
        report = _run(paths, config, runner)
    except BaseException:
        if owned is not None:
            close_quietly(owned)
        raise
    if owned is not None:
        owned.close()
    return report


def _run(paths: Sequence[str | Path], config: Config, engine: EngineRunner) -> Report:
    started = time.perf_counter()
    ingested = ingest_stage.ingest(
        paths, dict(config.published), fetch=config.fetch, encoding=config.encoding
    )
    unique_sources, duplicate_notes = drop_duplicates(ingested.sources)
    per_source = _process_all(unique_sources, engine, config, ingested.cleaned)
    # The sources and their results live to the end of the run: out of the cyclic garbage
    # collector's sight from here (frozen_heap), its one full collection in the rest of
    # the run no longer walks them (Finan: 0.06-0.11 -> 0.01-0.02 CPU s, serial)
    with frozen_heap():
        return _after(started, ingested, duplicate_notes, per_source, config, engine)


def _after(
    started: float,
    ingested: IngestResult,
    duplicate_notes: tuple[str, ...],
    per_source: _PerSource,
    config: Config,
    engine: EngineRunner,
) -> Report:
    """The rest of the run once every source is through the per-source stages."""
    failures = list(ingested.failures)
    done, batch_note, fell_back = per_source.done, per_source.batch_note, per_source.fell_back
    failures.extend(per_source.failures)
    writer = ExtractiveEngine(summary_sentences=config.summary_sentences) if fell_back else engine

    sources = {s.id: s for s, _, _ in done}
    extractions = [ext for _, _, ext in done]
    # merge's candidate pairs on a second core while it makes the texts' names (see
    # beside), as the brief's order below; the same quotes bound both (merge's events)
    nearby = per_source.parallel and sum(len(x.events) for x in extractions) <= BESIDE_MAX_QUOTES
    texts = [e.text for x in extractions for e in x.events]
    # the statements' terms for the brief's order, read on a second core while this
    # process tokenises and merges (see beside); and here while it waits for the pairs
    read = beside(lambda: dict(select_stage.Terms.of(texts)), nearby) if nearby else None
    terms = select_stage.Terms()
    statements = terms.reading(texts)
    later = functools.partial(beside_items, enabled=nearby, meanwhile=statements)
    # their tokens and records hold no reference cycles: the collections they would set
    # off only walk them, and what they made is then frozen (the tail's frozen_heap
    # block thaws it at the end; Finan: 0.06 CPU s of the tail)
    with collector_paused(after=gc.freeze):
        merged = merge_stage.merge(extractions, sources, _tokenised(per_source), later)
    signals = date_signals(done, per_source.mentioned)
    published = {s.id: s.published for s in sources.values()}
    day = config.day or select_stage.brief_day(merged, published.values())
    selected = _select(merged, config, signals, day, published)
    if read is not None:
        terms.update(read())
    ordered = beside(  # on a second core while the figures are compared here (see beside)
        lambda: _places(
            select_stage.brief_order(selected, signals, day, published, terms), selected
        ),
        nearby,
    )
    kept_ids = {e.id for e in selected}
    findings = disagree_stage.compare(merged, published)
    disagreements = tuple(d for d in findings.disagreements if d.event in kept_ids)
    revisions = tuple(
        r
        for r in findings.revisions
        if (r.event in kept_ids or r.earlier_event in kept_ids) and _known_by(r, config.day)
    )
    lead_first = [selected[i] for i in ordered()]
    headline, developments, synthesis_failure = _synthesize(writer, lead_first, sources, config)
    headline = standalone.display_text(headline) if headline else headline  # no dateline
    developments = tuple(standalone.display_text(d) for d in developments)
    headline_line, development_lines = wording.brief_lines(
        headline, developments, lead_first, revisions, disagreements, known_sources=sources
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
        headline_line=headline_line,
        development_lines=development_lines,
        stats=_stats(engine, extractions, time.perf_counter() - started).model_copy(
            update={
                "engine": writer.kind,
                "notes": ((FALLBACK_NOTE,) if fell_back else ())
                + ingested.notes
                + _notes(list(sources.values()))
                + duplicate_notes
                + oversize_notes(done)
                + ((batch_note,) if batch_note else ())
                + _day_note(merged, signals, config.day),
                "article_tokens": _article_tokens(done, engine),
            }
        ),
        generated_for_day=config.day,
    )


def inspect(path: str | Path, encoding: str | None = None) -> str:
    """What ``summarizer inspect PATH`` prints: kept text, dropped ranges, detected date,
    and ingest's notes (an encoding that was a guess); ``encoding`` as ``--encoding``."""
    ingested = ingest_stage.ingest([path], encoding=encoding)
    notes = "".join(f"\n--- note ---\n{note}\n" for note in ingested.notes)
    return _inspection(path, ingested) + notes


def _inspection(path: str | Path, ingested: IngestResult) -> str:
    if not ingested.sources:
        reason = (
            ingested.failures[0].reason
            if ingested.failures
            else f"{path}: no article found; give a .txt, .md, .html or .jsonl file"
        )
        raise InputError(reason)
    if len(ingested.sources) == 1:  # one article: no corpus to find boilerplate in
        (cleaned,) = ingested.cleaned or (clean_stage.clean(ingested.sources[0]),)
        return clean_stage.format_inspection(cleaned)
    prepared, failed = prepare_all(ingested.sources, ingested.cleaned)
    parts = [clean_stage.format_inspection(cleaned) for cleaned, _ in prepared]
    parts += [f"{f.path}: {f.reason}\n" for f in failed.values() if isinstance(f, InputFailure)]
    return "\n".join(parts)

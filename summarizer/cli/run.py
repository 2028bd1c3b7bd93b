"""One ``brief``, ``timeline`` or ``chart`` run, once its configuration is built.

Checks ``-o`` before any work, opens the run store, runs the pipeline with the
model backend the configuration asks for, writes the output (atomically with
``-o``), saves the run, and reports on stderr. A run's notes (an undated source,
skipped duplicates) are part of the output (the brief's footer, ``stats.notes`` in
JSON, the HTML report), so they are printed on stderr only for ``chart``, whose SVG
has no place for them.

Imports inside functions here are for start-up time only: the pipeline, the stores
and the renderers are loaded when a run uses them, so ``--help`` and usage errors
stay fast and an extractive run never loads the model transport.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from summarizer.cli.errors import echo_err, say
from summarizer.config import Config, EngineChoice, masked_url
from summarizer.errors import (
    EXIT_BACKEND,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    InputError,
    SummarizerError,
)
from summarizer.transport.backend import Backend, close_quietly

if TYPE_CHECKING:  # annotations only: --help need not build the pydantic models
    from summarizer.models import InputFailure, Report, SinceLast
    from summarizer.store.history import RunHistory
    from summarizer.store.records import StoredRun

CHART = "chart"
_NO_ARTICLES = (
    "no article could be read: give .txt, .md, .html, .jsonl or feed files, folders or http(s) URLs"
)

log = logging.getLogger("summarizer")


def emit(text: str | Iterable[str], output: Path | None) -> None:
    """Write the output (a text, or its pieces one after another) to ``output`` or stdout."""
    if output is None:
        for piece in [text] if isinstance(text, str) else text:
            sys.stdout.write(piece)
        sys.stdout.flush()
        return
    # Imported here for start-up time only (see the module docstring).
    from summarizer.io import write_atomic

    write_atomic(output, text)


def check_output(output: Path | None) -> None:
    """Fail before any work when -o cannot be written."""
    if output is None:
        return
    parent = output.parent
    if not parent.is_dir():
        raise InputError(
            f"{output}: directory {parent} does not exist; create it or pick another -o path"
        )
    if output.is_dir():
        raise InputError(f"{output} is a folder; give a file name to -o")


def inputs(paths: Sequence[str]) -> list[str | Path]:
    """URLs stay as typed (a Path would fold ``//``); everything else is a Path."""
    # Imported here for start-up time only (see the module docstring).
    from summarizer.stages.fetch import is_url

    return [p if is_url(p) else Path(p) for p in paths]


def _exit_code(report: Report) -> int:
    if not report.sources:
        if report.failures and all(f.stage == "model" for f in report.failures):
            return EXIT_BACKEND
        return EXIT_USAGE
    return EXIT_PARTIAL if report.failures else EXIT_OK


def _failure_line(failure: InputFailure) -> str:
    # Imported here for start-up time only (see the module docstring).
    from summarizer.output.render import failure_text

    return f"failed ({failure.stage}): {failure_text(failure)}"


def _engine_line(config: Config) -> str:
    engine = config.resolved_engine()
    if engine is EngineChoice.LLM:
        where = masked_url(config.llm.base_url) if config.llm.base_url else "the OpenAI API"
        return f"engine: llm (model {config.llm.model} at {where})"
    why = " (no model configured)" if config.engine is EngineChoice.AUTO else ""
    return f"engine: extractive{why}"


def _dry_run(paths: Sequence[str | Path], config: Config) -> int:
    """``--dry-run``: the llm engine prints its plan; the extractive engine calls no model."""
    if config.resolved_engine() is not EngineChoice.LLM:
        say(config.quiet, "--dry-run: the extractive engine makes no model calls; nothing to plan")
        return EXIT_OK
    # Imported here for start-up time only: planning loads the llm engine.
    from summarizer.pipeline.plan import plan_run
    from summarizer.transport.backend import base_url_of
    from summarizer.transport.calibration import load as load_calibration

    llm = config.llm
    calibration = (
        None if llm.no_cache else load_calibration(llm.cache_dir, base_url_of(llm), llm.model or "")
    )
    typer.echo(plan_run(paths, config, calibration=calibration), nl=False)
    return EXIT_OK


def _render(
    kind: str, fmt: str, report: Report, config: Config, since_last: SinceLast | None
) -> str | Iterable[str]:
    """The output text: the chart's SVG, JSON (in pieces made as they are written: a
    large run's document is never held whole), HTML, or the markdown brief or timeline."""
    # Imported here for start-up time only (see the module docstring).
    from summarizer.output import render

    if kind == CHART:
        # Imported here for start-up time only (see the module docstring).
        from summarizer.output.chart import render_chart_svg

        return render_chart_svg(report)
    if fmt == "json":
        # Imported here for start-up time only (see the module docstring).
        from summarizer.output.report_json import json_parts

        return json_parts(report, since_last=since_last)
    if fmt == "html":
        # Imported here for start-up time only (see the module docstring).
        from summarizer.output.html import render_html

        return render_html(report, since_last=since_last)
    if kind == "brief":
        return render.render_brief_md(report, day=config.day, since_last=since_last)
    return render.render_timeline_md(report, since_last=since_last)


def run_command(
    kind: str, paths: Sequence[str | Path], config: Config, fmt: str, output: Path | None
) -> int:
    """Run ``kind`` (brief, timeline or chart) on ``paths``; the exit code."""
    # Imported here for start-up time only (see the module docstring).
    from summarizer import pipeline

    check_output(output)
    config = replace(config, daily=kind == "brief")  # a brief keeps its day (--max-dates)
    say(config.quiet, _engine_line(config))
    if config.llm.dry_run:
        return _dry_run(paths, config)
    history = _history(kind, paths, config)
    backend = make_backend(config) if config.resolved_engine() is EngineChoice.LLM else None
    try:
        report = pipeline.run(paths, config, backend=backend)
    except BaseException:
        _discard_recording(config, backend)
        if backend is not None:
            close_quietly(backend)
        raise
    if any(f.stage == pipeline.BACKEND_STAGE for f in report.failures):
        _discard_recording(config, backend)
    if backend is not None:
        backend.close()  # saves a --record cassette, checks a --replay one
    for skipped in report.skipped:
        say(config.quiet, f"skipped {skipped.path}: {skipped.reason}")
    for failure in report.failures:
        echo_err(f"summarizer: {_failure_line(failure)}")
    code = _exit_code(report)
    if not report.sources:
        message = (
            "the model backend failed for every source; see the errors above"
            if code == EXIT_BACKEND
            else _NO_ARTICLES
        )
        raise SummarizerError(message, exit_code=code)
    current = history.record(report) if history is not None else None
    since_last = history.since(current) if history is not None and current is not None else None
    emit(_render(kind, fmt, report, config, since_last), output)
    _save_run(config, history, current)
    _report_stats(kind, config, report, output)
    return code


def _history(kind: str, paths: Sequence[str | Path], config: Config) -> RunHistory | None:
    """The run store (None with --no-store).

    Opened before any work, so an unusable store fails the command at once; with
    --since-last the previous run of the same command on the same inputs is read here.
    """
    # Imported here for start-up time only (see the module docstring).
    from summarizer.store.history import RunHistory

    if config.store is None:
        return None
    selection = {"day": config.day, "max_dates": config.max_dates, "per_date": config.per_date}
    return RunHistory.open(
        config.store,
        command=kind,
        inputs=paths,
        since_last=config.since_last,
        selection=selection,
    )


def _save_run(config: Config, history: RunHistory | None, current: StoredRun | None) -> None:
    """Save the run once its output is written; a failure costs the history, not the output."""
    if history is None or current is None:
        return
    try:
        run = history.save(current)
    except SummarizerError as exc:
        say(
            config.quiet,
            f"warning: this run was not saved to the store ({exc}); the next --since-last "
            "compares with an older run",
        )
        return
    log.info("saved run %s to the store %s", run.id, history.path)


def make_backend(config: Config) -> Backend:
    """The run's model backend: transport, retries, record/replay, rate limits, cache."""
    # Imported here for start-up time only: the model transport (openai, httpx).
    from summarizer.transport.factory import make_backend as make_stack

    return make_stack(config.llm)


def _discard_recording(config: Config, backend: object) -> None:
    """``--record`` on a run whose model calls did not all succeed (or that was stopped):
    drop the recording, leave any existing cassette as it was, and say so."""
    if config.llm.record is None or backend is None:
        return
    # Imported here for start-up time only (see the module docstring).
    from summarizer.transport.cassette import find_session

    session = find_session(backend)
    if session is None:
        return
    session.discard()
    path = config.llm.record
    if path.exists():
        message = f"--record: {path} was left as it was"
    else:
        message = f"--record: nothing was recorded to {path}"
    say(config.quiet, f"{message}: the run's model calls did not all succeed")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _report_stats(kind: str, config: Config, report: Report, output: Path | None) -> None:
    stats = report.stats
    where = f" to {output}" if output else ""
    say(
        config.quiet,
        f"{_count(len(report.sources), 'source')}, "
        f"{_count(len(report.events), 'timeline entry', 'timeline entries')}, "
        f"{_count(len(report.disagreements), 'disagreement')}{where} ({stats.seconds:.2f}s)",
    )
    if kind == CHART:  # the other outputs carry the notes themselves
        for note in stats.notes:
            say(config.quiet, note)
    if stats.model_events_proposed:
        say(
            config.quiet,
            f"{stats.model_events_dropped} of {stats.model_events_proposed} model events had "
            "no support in the source and were dropped",
        )
    if stats.calls:
        say(
            config.quiet,
            f"usage: {_count(stats.calls, 'call')}, {_count(stats.retries, 'retry', 'retries')}, "
            f"{stats.prompt_tokens} prompt "
            f"+ {stats.completion_tokens} completion tokens, "
            f"{stats.model_seconds:.1f}s in model calls (summed over concurrent calls)"
            + _cost_note(config, stats.prompt_tokens, stats.completion_tokens),
        )
    if stats.cache_hits:
        answers = _count(stats.cache_hits, "answer")
        say(config.quiet, f"cache: {answers} from the response cache")
    if stats.article_tokens and (stats.prompt_tokens or stats.cached_prompt_tokens):
        _token_ratio(config, stats.prompt_tokens, stats.cached_prompt_tokens, stats.article_tokens)


def _cost_note(config: Config, prompt_tokens: int, completion_tokens: int) -> str:
    """``; estimated cost $X (price, where it comes from)``, or nothing without a price."""
    # Imported here for start-up time only (see the module docstring).
    from summarizer.transport.pricing import format_cost, price_for

    llm = config.llm
    price = price_for(llm.model, llm.price_in, llm.price_out)
    if price is None:
        return ""
    cost = format_cost(price.cost(prompt_tokens, completion_tokens))
    return f"; estimated cost {cost} ({price.describe()})"


def _token_ratio(config: Config, fresh: int, cached: int, article_tokens: int) -> None:
    """Prompt tokens over article tokens, like with like: the articles are every source's,
    so the prompt tokens are every call's, those of answers from the cache (a resumed or
    repeated run) counted as they were when first asked."""
    # Imported here for start-up time only (see the module docstring).
    from summarizer.transport.tokens import count_tokens

    prompt_tokens = fresh + cached
    ratio = prompt_tokens / article_tokens
    count = count_tokens("", config.llm.model)
    units = (
        f"; prompt tokens as the server counts them, article tokens {count.note}"
        if count.approximate
        else ""
    )
    from_cache = f"; {cached} of them in answers from the cache" if cached else ""
    say(
        config.quiet,
        f"prompt tokens / article tokens: {ratio:.2f} "
        f"({prompt_tokens} / {article_tokens}{from_cache}{units})",
    )

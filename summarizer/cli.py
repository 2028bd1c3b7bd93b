"""The ``summarizer`` command: the only place that reads flags and the environment.

Commands: ``brief PATH...``, ``timeline PATH...``, ``chart PATH...``, ``inspect FILE``,
``eval SYSTEM.json GOLD.json``, ``cache stats|clear``. The configuration is built once
here with :func:`summarizer.config.from_env` and passed down. Errors are one line on
stderr (``summarizer: error: ...``) with the exit code of :mod:`summarizer.errors`; a
traceback only with ``--debug``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from summarizer import __version__
from summarizer.config import (
    Config,
    EngineChoice,
    FetchConfig,
    StructuredMode,
    from_env,
    masked_url,
)
from summarizer.errors import (
    EXIT_BACKEND,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    InputError,
    SummarizerError,
)
from summarizer.models import InputFailure, Report
from summarizer.transport.backend import Backend

if TYPE_CHECKING:
    from summarizer.store.history import RunHistory, StoredRun

EXIT_INTERNAL = 70  # a bug: please report it with the --debug traceback
_NO_ARTICLES = (
    "no article could be read: give .txt, .md, .html, .jsonl or feed files, folders or http(s) URLs"
)

log = logging.getLogger("summarizer")

app = typer.Typer(
    name="summarizer",
    help="Multi-source news summariser and fact timeline (grounded quotes, code-resolved dates).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    MD = "md"
    JSON = "json"
    HTML = "html"


class EvalFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


# --------------------------------------------------------------------------- options

PathsArg = Annotated[
    list[str],
    typer.Argument(
        help="Article files or folders, RSS/Atom feeds, or http(s) URLs.", show_default=False
    ),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="md, json, or html (a self-contained evidence report)."),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to FILE (atomically) instead of stdout."),
]
DayOpt = Annotated[
    str | None,
    typer.Option("--day", help="YYYY-MM-DD: that day's events first, earlier context after."),
]
MaxDatesOpt = Annotated[
    int | None, typer.Option("--max-dates", min=1, help="Keep the N most important dates.")
]
PerDateOpt = Annotated[
    int | None, typer.Option("--per-date", min=1, help="Keep at most K entries per date.")
]
PublishedOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--published", help="ID=YYYY-MM-DD: override a source's publication date (repeatable)."
    ),
]
EngineOpt = Annotated[
    EngineChoice | None,
    typer.Option("--engine", help="auto (llm when a model is configured), extractive or llm."),
]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Model name (env SUMMARIZER_MODEL).")]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (env OPENAI_BASE_URL).")
]
StructuredOpt = Annotated[
    StructuredMode | None,
    typer.Option("--structured", help="Structured-output mode for the model."),
]
MaxTokensOpt = Annotated[
    int | None, typer.Option("--max-input-tokens", min=200, help="Token budget per model call.")
]
PackTokensOpt = Annotated[
    int | None,
    typer.Option(
        "--pack-tokens",
        min=0,
        help="Article tokens packed into one extract call (default 2700; 0: one article a call).",
    ),
]
TimeoutOpt = Annotated[
    float | None,
    typer.Option("--timeout", min=1.0, help="Seconds one model call may take (default 120)."),
]
MaxAttemptsOpt = Annotated[
    int | None,
    typer.Option(
        "--max-attempts", min=1, help="Attempts per model call on 408/409/429/5xx (default 5)."
    ),
]
MaxWaitOpt = Annotated[
    float | None,
    typer.Option(
        "--max-wait",
        min=0.0,
        help="Seconds of backoff one call may wait in all, Retry-After included (default 120).",
    ),
]
RecordOpt = Annotated[
    Path | None, typer.Option("--record", help="Save every model exchange to this cassette.")
]
ReplayOpt = Annotated[
    Path | None, typer.Option("--replay", help="Answer model calls from this cassette, offline.")
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Print the planned model calls and tokens; make none.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="More detail on stderr.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Tracebacks and debug logs.")]
ConcurrencyOpt = Annotated[
    int | None, typer.Option("--concurrency", min=1, help="Model calls in flight (default 4).")
]
RpmOpt = Annotated[int | None, typer.Option("--rpm", min=1, help="Pace to N requests a minute.")]
TpmOpt = Annotated[int | None, typer.Option("--tpm", min=1, help="Pace to N tokens a minute.")]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Response cache folder (env SUMMARIZER_CACHE_DIR)."),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Neither read nor write the response cache.")
]
BatchOpt = Annotated[
    bool, typer.Option("--batch", help="Send the extract calls through the Batch API.")
]
BatchIdOpt = Annotated[
    str | None, typer.Option("--batch-id", help="Resume a submitted batch by its id.")
]
FetchTimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--fetch-timeout", min=0.1, help="Seconds to download each URL input (default 20)."
    ),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Run history database (env SUMMARIZER_STORE; default "
        "$XDG_DATA_HOME/summarizer/store.sqlite or ~/.local/share/summarizer/store.sqlite).",
    ),
]
NoStoreOpt = Annotated[
    bool, typer.Option("--no-store", help="Neither read nor save the run history.")
]
SinceLastOpt = Annotated[
    bool,
    typer.Option(
        "--since-last",
        help="Start with what changed since the previous run on the same inputs.",
    ),
]


# --------------------------------------------------------------------------- helpers


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"summarizer: error: {message}", err=True)
    raise typer.Exit(code)


def _parse_day(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{flag} {value!r} is not a date: write YYYY-MM-DD") from exc


def parse_published(values: Sequence[str] | None) -> dict[str, dt.date]:
    """``ID=YYYY-MM-DD`` pairs into a mapping; a bad pair is a usage error."""
    out: dict[str, dt.date] = {}
    for item in values or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--published {item!r}: write ID=YYYY-MM-DD (ID is the file stem)")
        day = _parse_day(value.strip(), f"--published {key.strip()}=")
        assert day is not None
        out[key.strip()] = day
    return out


@contextlib.contextmanager
def _stderr_logging(quiet: bool, verbose: bool, debug: bool) -> Iterator[None]:
    """Log the package's messages to stderr for one command, then restore the logger."""
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    if quiet:
        level = logging.ERROR
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("summarizer: %(message)s"))
    saved = (log.level, log.propagate)
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False  # our handler prints it; no second copy via the root logger
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(saved[0])
        log.propagate = saved[1]


def _say(config: Config, message: str) -> None:
    if not config.quiet:
        typer.echo(f"summarizer: {message}", err=True)


def _failure_line(failure: InputFailure) -> str:
    from summarizer.output.render import failure_text

    return f"failed ({failure.stage}): {failure_text(failure)}"


def _engine_line(config: Config) -> str:
    engine = config.resolved_engine()
    if engine is EngineChoice.LLM:
        where = masked_url(config.llm.base_url) if config.llm.base_url else "the OpenAI API"
        return f"engine: llm (model {config.llm.model} at {where})"
    why = " (no model configured)" if config.engine is EngineChoice.AUTO else ""
    return f"engine: extractive{why}"


def _interrupted_line(exc: KeyboardInterrupt) -> str:
    """What Ctrl-C stopped, and which sources had finished (pipeline.Interrupted says)."""
    finished: tuple[str, ...] | None = getattr(exc, "finished", None)
    if finished is None:
        return "interrupted; nothing was written"
    total = getattr(exc, "total", len(finished))
    which = f" ({', '.join(finished)})" if finished else ""
    return (
        f"interrupted: {len(finished)} of {total} sources had finished{which}; nothing was "
        "written; rerun the same command to continue"
    )


def _simple_command(debug: bool, body: Callable[[], int]) -> NoReturn:
    """A command without the run options: warnings on stderr, errors as one line."""
    with _stderr_logging(False, False, debug):
        _guarded(debug, body)


def _guarded(debug: bool, body: Callable[[], int]) -> NoReturn:
    """Run ``body``; map errors to one stderr line and an exit code.

    ``--debug`` prints the traceback first and changes nothing else: the same line,
    the same exit code.
    """
    try:
        code = body()
    except typer.Exit:
        raise
    except SummarizerError as exc:
        _traceback(debug)
        _fail(_one_line(str(exc)), exc.exit_code)
    except KeyboardInterrupt as exc:
        typer.echo(f"summarizer: {_interrupted_line(exc)}", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as exc:
        _traceback(debug)
        _fail(
            f"internal error: {type(exc).__name__}: {_one_line(str(exc))} "
            "(rerun with --debug and report it)",
            EXIT_INTERNAL,
        )
    raise typer.Exit(code)


def _traceback(debug: bool) -> None:
    """With --debug, the traceback of the exception being handled, on stderr."""
    if debug:
        import traceback

        sys.stderr.write(traceback.format_exc())
        sys.stderr.flush()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from summarizer.io import write_atomic

    write_atomic(output, text)


def _check_output(output: Path | None) -> None:
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


def _exit_code(report: Report) -> int:
    if not report.sources:
        if report.failures and all(f.stage == "model" for f in report.failures):
            return EXIT_BACKEND
        return EXIT_USAGE
    return EXIT_PARTIAL if report.failures else EXIT_OK


# --------------------------------------------------------------------------- the run


def build_config(
    *,
    engine: EngineChoice | None,
    model: str | None,
    base_url: str | None,
    structured: StructuredMode | None,
    max_input_tokens: int | None,
    record: Path | None,
    replay: Path | None,
    dry_run: bool,
    published: Sequence[str] | None,
    day: str | None,
    max_dates: int | None,
    per_date: int | None,
    quiet: bool,
    verbose: bool,
    debug: bool,
    concurrency: int | None = None,
    rpm: int | None = None,
    tpm: int | None = None,
    cache_dir: Path | None = None,
    no_cache: bool = False,
    batch: bool = False,
    batch_id: str | None = None,
    store: Path | None = None,
    no_store: bool = False,
    since_last: bool = False,
    fetch_timeout: float | None = None,
    pack_tokens: int | None = None,
    timeout: float | None = None,
    max_attempts: int | None = None,
    max_wait: float | None = None,
) -> Config:
    """Flags first, then the environment: the one ``os.environ`` read of the program."""
    if no_store and (store is not None or since_last):
        raise InputError(
            "--no-store excludes --store and --since-last: the previous run lives in the store"
        )
    if record is not None and replay is not None:
        raise InputError("--record and --replay exclude each other: pick one")
    if (batch or batch_id) and (no_cache or record is not None or replay is not None):
        raise InputError(
            "--batch needs the response cache: drop --no-cache (and --record/--replay)"
        )
    config = from_env(
        os.environ,
        engine=engine,
        llm_model=model,
        llm_base_url=base_url,
        llm_structured=structured,
        llm_max_input_tokens=max_input_tokens,
        llm_pack_tokens=pack_tokens,
        llm_timeout=timeout,
        llm_max_attempts=max_attempts,
        llm_max_total_wait=max_wait,
        llm_record=record,
        llm_replay=replay,
        llm_dry_run=dry_run or None,
        llm_concurrency=concurrency,
        llm_rpm=rpm,
        llm_tpm=tpm,
        llm_cache_dir=_cache_dir(cache_dir),
        llm_no_cache=no_cache or None,
        llm_batch=batch or None,
        llm_batch_id=batch_id,
        fetch=_fetch_config(fetch_timeout),
        store=None if no_store else _store_path(store),
        since_last=since_last or None,
        published=parse_published(published),
        day=_parse_day(day, "--day"),
        max_dates=max_dates,
        per_date=per_date,
        quiet=quiet,
        verbose=verbose,
        debug=debug,
    )
    if config.llm.dry_run and config.llm.model:
        return config  # a dry run makes no model call: no API key needed
    return config.validate()


def _fetch_config(timeout: float | None) -> FetchConfig:
    """How URL inputs are downloaded: --fetch-timeout, and the environment's proxies."""
    import urllib.request

    config = FetchConfig(proxies=urllib.request.getproxies())
    return config if timeout is None else FetchConfig(timeout=timeout, proxies=config.proxies)


def _flag_env_default(flag: Path | None, variable: str, default: Callable[[], Path]) -> Path:
    """A folder or file setting: the flag, else the environment variable, else the default."""
    if flag is not None:
        return flag
    env = os.environ.get(variable)
    return Path(env) if env else default()


def _cache_dir(flag: Path | None) -> Path:
    """--cache-dir, else SUMMARIZER_CACHE_DIR, else the platform cache folder."""
    from summarizer.transport.cache import default_cache_dir

    return _flag_env_default(flag, "SUMMARIZER_CACHE_DIR", lambda: default_cache_dir(os.environ))


def _store_path(flag: Path | None) -> Path:
    """--store, else SUMMARIZER_STORE, else the platform data folder."""
    from summarizer.store.history import default_store_path

    return _flag_env_default(flag, "SUMMARIZER_STORE", lambda: default_store_path(os.environ))


def _dry_run(paths: Sequence[str | Path], config: Config) -> int:
    """``--dry-run``: the llm engine prints its plan; the extractive engine calls no model."""
    if config.resolved_engine() is not EngineChoice.LLM:
        _say(config, "--dry-run: the extractive engine makes no model calls; nothing to plan")
        return EXIT_OK
    try:
        from summarizer.engines.llm import plan_run
    except ImportError as exc:
        raise InputError("--dry-run needs the llm engine, which this build lacks") from exc
    from summarizer.transport.calibration import load as load_calibration
    from summarizer.transport.openai_backend import base_url_of

    llm = config.llm
    calibration = (
        None if llm.no_cache else load_calibration(llm.cache_dir, base_url_of(llm), llm.model or "")
    )
    typer.echo(plan_run(paths, config, calibration=calibration), nl=False)
    return EXIT_OK


def _run_command(
    kind: str,
    paths: Sequence[str | Path],
    config: Config,
    fmt: OutputFormat,
    output: Path | None,
) -> int:
    from summarizer import pipeline
    from summarizer.output import render

    _check_output(output)
    _say(config, _engine_line(config))
    if config.llm.dry_run:
        return _dry_run(paths, config)
    history = _history(kind, paths, config)
    backend = _make_backend(config) if config.resolved_engine() is EngineChoice.LLM else None
    try:
        report = pipeline.run(paths, config, backend=backend)
    except BaseException:
        _discard_recording(config, backend)
        _close(backend, quietly=True)
        raise
    if any(f.stage == pipeline.BACKEND_STAGE for f in report.failures):
        _discard_recording(config, backend)
    _close(backend)  # saves a --record cassette, checks a --replay one
    for skipped in report.skipped:
        _say(config, f"skipped {skipped.path}: {skipped.reason}")
    for failure in report.failures:
        typer.echo(f"summarizer: {_failure_line(failure)}", err=True)
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
    if kind == "chart":
        from summarizer.output.chart import render_chart_svg

        text = render_chart_svg(report)
    elif fmt is OutputFormat.JSON:
        from summarizer.output.report_json import render_json

        text = render_json(report, since_last=since_last)
    elif fmt is OutputFormat.HTML:
        from summarizer.output.html import render_html

        text = render_html(report, since_last=since_last)
    elif kind == "brief":
        text = render.render_brief_md(report, day=config.day, since_last=since_last)
    else:
        text = render.render_timeline_md(report, since_last=since_last)
    _emit(text, output)
    _save_run(config, history, current)
    _report_stats(config, report, output)
    return code


def _history(kind: str, paths: Sequence[str | Path], config: Config) -> RunHistory | None:
    """The run store for a brief or timeline (None for other commands or --no-store).

    Opened before any work, so an unusable store fails the command at once; with
    --since-last the previous run of the same command on the same inputs is read here.
    """
    from summarizer.store.history import RunHistory

    if kind not in {"brief", "timeline"} or config.store is None:
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
        _say(
            config,
            f"warning: this run was not saved to the store ({exc}); the next --since-last "
            "compares with an older run",
        )
        return
    log.info("saved run %s to the store %s", run.id, history.path)


def _make_backend(config: Config) -> Backend:
    """The run's model backend: transport, retries, record/replay, rate limits, cache."""
    from summarizer import pipeline
    from summarizer.transport.cache import wrap_for_run

    return wrap_for_run(pipeline.make_backend(config), config.llm)


def _discard_recording(config: Config, backend: object) -> None:
    """``--record`` on a run whose model calls did not all succeed (or that was stopped):
    drop the recording, leave any existing cassette as it was, and say so."""
    if config.llm.record is None or backend is None:
        return
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
    _say(config, f"{message}: the run's model calls did not all succeed")


def _close(backend: object, *, quietly: bool = False) -> None:
    """Close the backend if it needs it; on an earlier error, keep that error."""
    close = getattr(backend, "close", None)
    if not callable(close):
        return
    if not quietly:
        close()
        return
    try:
        close()
    except Exception as exc:  # the run's own error matters more
        log.debug("closing the backend after an error failed too: %s", exc)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _report_stats(config: Config, report: Report, output: Path | None) -> None:
    stats = report.stats
    where = f" to {output}" if output else ""
    _say(
        config,
        f"{_count(len(report.sources), 'source')}, "
        f"{_count(len(report.events), 'timeline entry', 'timeline entries')}, "
        f"{_count(len(report.disagreements), 'disagreement')}{where} ({stats.seconds:.2f}s)",
    )
    for note in stats.notes:
        _say(config, note)
    if stats.model_events_proposed:
        _say(
            config,
            f"{stats.model_events_dropped} of {stats.model_events_proposed} model events had "
            "no support in the source and were dropped",
        )
    if stats.calls:
        _say(
            config,
            f"usage: {stats.calls} calls, {stats.retries} retries, {stats.prompt_tokens} prompt "
            f"+ {stats.completion_tokens} completion tokens, "
            f"{stats.model_seconds:.1f}s in model calls (summed over concurrent calls)",
        )
    if stats.cache_hits:
        _say(config, f"cache: {stats.cache_hits} answers from the response cache")
    if stats.article_tokens and stats.prompt_tokens:
        from summarizer.transport.tokens import count_tokens

        ratio = stats.prompt_tokens / stats.article_tokens
        count = count_tokens("", config.llm.model)
        units = (
            f"; prompt tokens as the server counts them, article tokens {count.note}"
            if count.approximate
            else ""
        )
        _say(
            config,
            f"prompt tokens / article tokens: {ratio:.2f} "
            f"({stats.prompt_tokens} / {stats.article_tokens}{units})",
        )


def _inputs(paths: Sequence[str]) -> list[str | Path]:
    """URLs stay as typed (a Path would fold ``//``); everything else is a Path."""
    from summarizer.stages.fetch import is_url

    return [p if is_url(p) else Path(p) for p in paths]


def _command(
    kind: str,
    paths: list[str],
    fmt: OutputFormat,
    output: Path | None,
    quiet: bool,
    verbose: bool,
    debug: bool,
    **flags: Any,
) -> NoReturn:
    def body() -> int:
        config = build_config(quiet=quiet, verbose=verbose, debug=debug, **flags)
        return _run_command(kind, _inputs(paths), config, fmt, output)

    with _stderr_logging(quiet, verbose, debug):
        _guarded(debug, body)


# --------------------------------------------------------------------------- commands


@app.command()
def brief(
    paths: PathsArg,
    fmt: FormatOpt = OutputFormat.MD,
    output: OutputOpt = None,
    day: DayOpt = None,
    max_dates: MaxDatesOpt = None,
    per_date: PerDateOpt = None,
    published: PublishedOpt = None,
    engine: EngineOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    structured: StructuredOpt = None,
    max_input_tokens: MaxTokensOpt = None,
    pack_tokens: PackTokensOpt = None,
    timeout: TimeoutOpt = None,
    max_attempts: MaxAttemptsOpt = None,
    max_wait: MaxWaitOpt = None,
    record: RecordOpt = None,
    replay: ReplayOpt = None,
    dry_run: DryRunOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
    concurrency: ConcurrencyOpt = None,
    rpm: RpmOpt = None,
    tpm: TpmOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    batch: BatchOpt = False,
    batch_id: BatchIdOpt = None,
    store: StoreOpt = None,
    no_store: NoStoreOpt = False,
    since_last: SinceLastOpt = False,
    fetch_timeout: FetchTimeoutOpt = None,
) -> None:
    """A markdown daily brief: headline, key developments, disagreements, summaries, timeline."""
    _command("brief", **locals())


@app.command()
def timeline(
    paths: PathsArg,
    fmt: FormatOpt = OutputFormat.MD,
    output: OutputOpt = None,
    day: DayOpt = None,
    max_dates: MaxDatesOpt = None,
    per_date: PerDateOpt = None,
    published: PublishedOpt = None,
    engine: EngineOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    structured: StructuredOpt = None,
    max_input_tokens: MaxTokensOpt = None,
    pack_tokens: PackTokensOpt = None,
    timeout: TimeoutOpt = None,
    max_attempts: MaxAttemptsOpt = None,
    max_wait: MaxWaitOpt = None,
    record: RecordOpt = None,
    replay: ReplayOpt = None,
    dry_run: DryRunOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
    concurrency: ConcurrencyOpt = None,
    rpm: RpmOpt = None,
    tpm: TpmOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    batch: BatchOpt = False,
    batch_id: BatchIdOpt = None,
    store: StoreOpt = None,
    no_store: NoStoreOpt = False,
    since_last: SinceLastOpt = False,
    fetch_timeout: FetchTimeoutOpt = None,
) -> None:
    """A markdown fact timeline grouped by date, oldest first, with citations and quotes."""
    _command("timeline", **locals())


@app.command()
def chart(
    paths: PathsArg,
    output: OutputOpt = None,
    day: DayOpt = None,
    max_dates: MaxDatesOpt = None,
    per_date: PerDateOpt = None,
    published: PublishedOpt = None,
    engine: EngineOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    structured: StructuredOpt = None,
    max_input_tokens: MaxTokensOpt = None,
    pack_tokens: PackTokensOpt = None,
    timeout: TimeoutOpt = None,
    max_attempts: MaxAttemptsOpt = None,
    max_wait: MaxWaitOpt = None,
    record: RecordOpt = None,
    replay: ReplayOpt = None,
    dry_run: DryRunOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
    concurrency: ConcurrencyOpt = None,
    rpm: RpmOpt = None,
    tpm: TpmOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    batch: BatchOpt = False,
    batch_id: BatchIdOpt = None,
    fetch_timeout: FetchTimeoutOpt = None,
) -> None:
    """An SVG timeline chart: events per day, one row per outlet, disagreements marked."""
    _command("chart", fmt=OutputFormat.MD, **locals())


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="One article file.", show_default=False)],
    debug: DebugOpt = False,
) -> None:
    """Show the kept text, the dropped ranges and the detected publication date."""

    def body() -> int:
        from summarizer import pipeline

        typer.echo(pipeline.inspect(file), nl=False)
        return EXIT_OK

    _simple_command(debug, body)


def _run_eval(
    system_path: Path,
    gold_path: Path,
    fmt: EvalFormat,
    sources: Sequence[Path],
    output: Path | None,
) -> int:
    """``summarizer eval``: load both files, re-read the source texts, score, print."""
    import json

    from summarizer.evaluation import evaluate

    _check_output(output)
    for path in sources:
        if not path.exists():
            raise InputError(f"--sources {path}: no such file or folder; check the path")
    system = evaluate.check_system(evaluate.load_json(system_path, "system"), system_path)
    gold = evaluate.check_gold(evaluate.load_json(gold_path, "gold"), gold_path)
    texts = evaluate.source_texts(system, list(sources))
    if system.sources and not texts:
        where = "under --sources" if sources else "at the paths the system JSON names"
        typer.echo(
            f"summarizer: warning: no source text found {where}, so exact evidence quotes "
            "are not checked; pass --sources DIR (the folder the run read)",
            err=True,
        )
    result = evaluate.evaluate(system, gold, texts or None)  # None: not computed
    if fmt is EvalFormat.JSON:
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = evaluate.format_eval(result)
    _emit(text, output)
    return EXIT_OK


@app.command("eval")
def eval_command(
    system: Annotated[
        Path,
        typer.Argument(
            metavar="SYSTEM.json",
            help="The system's JSON (summarizer timeline --format json).",
            show_default=False,
        ),
    ],
    gold: Annotated[
        Path,
        typer.Argument(
            metavar="GOLD.json",
            help="The hand-written gold file (docs/gold-format.md).",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        EvalFormat, typer.Option("--format", "-f", help="text (default) or json.")
    ] = EvalFormat.TEXT,
    sources: Annotated[
        list[Path] | None,
        typer.Option(
            "--sources",
            help="Read the source texts from this folder or file (repeatable) instead of "
            "the paths in the system JSON.",
        ),
    ] = None,
    output: OutputOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Score a system timeline against a gold one: date F1, ROUGE (align+ m:1), evidence."""

    def body() -> int:
        return _run_eval(system, gold, fmt, sources or [], output)

    _simple_command(debug, body)


cache_app = typer.Typer(help="The response cache: stats and clear.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


def _open_cache(cache_dir: Path | None) -> Any:
    from summarizer.transport.cache import ResponseCache, cache_path

    return ResponseCache(cache_path(_cache_dir(cache_dir)))


@cache_app.command("stats")
def cache_stats(cache_dir: CacheDirOpt = None, debug: DebugOpt = False) -> None:
    """Entries by model, size on disk, age, and batches."""

    def body() -> int:
        cache = _open_cache(cache_dir)
        try:
            typer.echo(cache.stats().format(), nl=False)
        finally:
            cache.close()
        return EXIT_OK

    _simple_command(debug, body)


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDirOpt = None, debug: DebugOpt = False) -> None:
    """Delete every cached answer."""

    def body() -> int:
        cache = _open_cache(cache_dir)
        try:
            removed = cache.clear()
            typer.echo(f"removed {removed} answers from {cache.path}")
        finally:
            cache.close()
        return EXIT_OK

    _simple_command(debug, body)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summarizer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = None,
) -> None:
    """summarizer: brief, timeline and inspect news articles from several outlets."""


def _usage_line(exc: Exception) -> tuple[str, int]:
    """A click/typer usage error as one line (typer vendors click: match by shape)."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        return ctx.get_help(), EXIT_USAGE
    command = getattr(ctx, "command_path", None) or "summarizer"
    message = exc.format_message()  # type: ignore[attr-defined]
    return f"summarizer: error: {message} (see '{command} --help')", EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point (``summarizer``): usage errors are one line too."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = app(args=args, prog_name="summarizer", standalone_mode=False)
    except typer.Abort:
        typer.echo("summarizer: interrupted", err=True)
        code = EXIT_INTERRUPTED
    except Exception as exc:
        if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            raise
        line, code = _usage_line(exc)
        if line.strip():
            typer.echo(line, err=True)
    if code == EXIT_INTERRUPTED:
        # Model calls still blocked in worker threads would hold the exit until their
        # timeouts; what finished is committed (cache) and nothing half-written exists.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()

"""The ``summarizer`` command: the only place that reads flags and the environment.

Commands: ``brief PATH...``, ``timeline PATH...``, ``inspect FILE``. The
configuration is built once here with :func:`summarizer.config.from_env` and
passed down. Errors are one line on stderr (``summarizer: error: ...``) with the
exit code of :mod:`summarizer.errors`; a traceback only with ``--debug``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from summarizer import __version__
from summarizer.config import Config, EngineChoice, StructuredMode, from_env
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

EXIT_INTERNAL = 70  # a bug: please report it with the --debug traceback

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


# --------------------------------------------------------------------------- options

PathsArg = Annotated[
    list[Path], typer.Argument(help="Article files or folders.", show_default=False)
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
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


def _setup_logging(quiet: bool, verbose: bool, debug: bool) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    if quiet:
        level = logging.ERROR
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("summarizer: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def _say(config: Config, message: str) -> None:
    if not config.quiet:
        typer.echo(f"summarizer: {message}", err=True)


def _failure_line(failure: InputFailure) -> str:
    from summarizer.render import failure_text

    return f"failed ({failure.stage}): {failure_text(failure)}"


def _engine_line(config: Config) -> str:
    engine = config.resolved_engine()
    if engine is EngineChoice.LLM:
        where = config.llm.base_url or "the OpenAI API"
        return f"engine: llm (model {config.llm.model} at {where})"
    why = " (no model configured)" if config.engine is EngineChoice.AUTO else ""
    return f"engine: extractive{why}"


def _guarded(debug: bool, body: Callable[[], int]) -> NoReturn:
    """Run ``body``; map errors to one stderr line and an exit code."""
    try:
        code = body()
    except typer.Exit:
        raise
    except SummarizerError as exc:
        if debug:
            raise
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("summarizer: interrupted; nothing was written", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as exc:
        if debug:
            raise
        _fail(
            f"internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)",
            EXIT_INTERNAL,
        )
    raise typer.Exit(code)


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
) -> Config:
    """Flags first, then the environment: the one ``os.environ`` read of the program."""
    if record is not None and replay is not None:
        raise InputError("--record and --replay exclude each other: pick one")
    return from_env(
        os.environ,
        engine=engine,
        llm_model=model,
        llm_base_url=base_url,
        llm_structured=structured,
        llm_max_input_tokens=max_input_tokens,
        llm_record=record,
        llm_replay=replay,
        llm_dry_run=dry_run or None,
        published=parse_published(published),
        day=_parse_day(day, "--day"),
        max_dates=max_dates,
        per_date=per_date,
        quiet=quiet,
        verbose=verbose,
        debug=debug,
    ).validate()


def _dry_run(paths: Sequence[Path], config: Config) -> int:
    """``--dry-run``: the llm engine prints its plan; the extractive engine calls no model."""
    if config.resolved_engine() is not EngineChoice.LLM:
        _say(config, "--dry-run: the extractive engine makes no model calls; nothing to plan")
        return EXIT_OK
    try:
        from summarizer.engines.llm import plan_run
    except ImportError as exc:
        raise InputError("--dry-run needs the llm engine, which this build lacks") from exc
    typer.echo(plan_run([str(p) for p in paths], config), nl=False)
    return EXIT_OK


def _run_command(
    kind: str,
    paths: Sequence[Path],
    config: Config,
    fmt: OutputFormat,
    output: Path | None,
) -> int:
    from summarizer import pipeline, render

    _check_output(output)
    _say(config, _engine_line(config))
    if config.llm.dry_run:
        return _dry_run(paths, config)
    backend = (
        pipeline.make_backend(config) if config.resolved_engine() is EngineChoice.LLM else None
    )
    try:
        report = pipeline.run(paths, config, backend=backend)
    except BaseException:
        _close(backend, quietly=True)
        raise
    _close(backend)  # saves a --record cassette, checks a --replay one
    for failure in report.failures:
        typer.echo(f"summarizer: {_failure_line(failure)}", err=True)
    code = _exit_code(report)
    if not report.sources:
        message = (
            "the model backend failed for every source; see the errors above"
            if code == EXIT_BACKEND
            else "no article could be read: give .txt, .md, .html or .jsonl files or folders"
        )
        raise SummarizerError(message, exit_code=code)
    if fmt is OutputFormat.JSON:
        text = render.render_json(report)
    elif kind == "brief":
        text = render.render_brief_md(report, day=config.day)
    else:
        text = render.render_timeline_md(report)
    _emit(text, output)
    _report_stats(config, report, output)
    return code


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
            f"+ {stats.completion_tokens} completion tokens",
        )


def _command(
    kind: str,
    paths: list[Path],
    fmt: OutputFormat,
    output: Path | None,
    day: str | None,
    max_dates: int | None,
    per_date: int | None,
    published: list[str] | None,
    engine: EngineChoice | None,
    model: str | None,
    base_url: str | None,
    structured: StructuredMode | None,
    max_input_tokens: int | None,
    record: Path | None,
    replay: Path | None,
    dry_run: bool,
    quiet: bool,
    verbose: bool,
    debug: bool,
) -> NoReturn:
    _setup_logging(quiet, verbose, debug)

    def body() -> int:
        config = build_config(
            engine=engine,
            model=model,
            base_url=base_url,
            structured=structured,
            max_input_tokens=max_input_tokens,
            record=record,
            replay=replay,
            dry_run=dry_run,
            published=published,
            day=day,
            max_dates=max_dates,
            per_date=per_date,
            quiet=quiet,
            verbose=verbose,
            debug=debug,
        )
        return _run_command(kind, paths, config, fmt, output)

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
    record: RecordOpt = None,
    replay: ReplayOpt = None,
    dry_run: DryRunOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
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
    record: RecordOpt = None,
    replay: ReplayOpt = None,
    dry_run: DryRunOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """A markdown fact timeline grouped by date, oldest first, with citations and quotes."""
    _command("timeline", **locals())


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="One article file.", show_default=False)],
    debug: DebugOpt = False,
) -> None:
    """Show the kept text, the dropped ranges and the detected publication date."""
    _setup_logging(False, False, debug)

    def body() -> int:
        from summarizer import pipeline

        typer.echo(pipeline.inspect(file), nl=False)
        return EXIT_OK

    _guarded(debug, body)


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


def main() -> None:
    """Console entry point (``summarizer``)."""
    app()


if __name__ == "__main__":
    main()

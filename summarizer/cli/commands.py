"""The commands: ``brief``, ``timeline``, ``chart`` (the run options of
:mod:`summarizer.cli.options`), ``inspect``, ``eval`` and ``cache stats|clear``.

Each is a thin function: it builds the configuration from its flags and the
environment (:func:`summarizer.cli.settings.build_config`, the program's one
``os.environ`` read) and hands over to :mod:`summarizer.cli.run` or to the module
that does the work; errors become one line and an exit code
(:mod:`summarizer.cli.errors`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from summarizer.cli.errors import guarded, simple_command, stderr_logging, terminal_safe
from summarizer.cli.options import (
    CacheDirOpt,
    ChartFormat,
    ChartFormatOpt,
    DebugOpt,
    EncodingOpt,
    EvalFormat,
    FormatOpt,
    OutputFormat,
    OutputOpt,
    PathsArg,
    RunOptions,
    SinceLastOpt,
    with_run_options,
)
from summarizer.cli.run import CHART, check_output, emit, inputs, run_command
from summarizer.cli.settings import build_config, cache_dir, parse_encoding
from summarizer.errors import EXIT_OK, InputError


def _run(kind: str, paths: list[str], fmt: str, options: RunOptions, since_last: bool) -> None:
    def body() -> int:
        config = build_config(options, os.environ, since_last=since_last)
        return run_command(kind, inputs(paths), config, fmt, options.output)

    with stderr_logging(options.quiet, options.verbose, options.debug):
        guarded(options.debug, body)


@with_run_options
def brief(
    paths: PathsArg,
    fmt: FormatOpt = OutputFormat.MD,
    since_last: SinceLastOpt = False,
    *,
    options: RunOptions,
) -> None:
    """A markdown daily brief: headline, key developments, disagreements, summaries, timeline."""
    _run("brief", paths, fmt.value, options, since_last)


@with_run_options
def timeline(
    paths: PathsArg,
    fmt: FormatOpt = OutputFormat.MD,
    since_last: SinceLastOpt = False,
    *,
    options: RunOptions,
) -> None:
    """A markdown fact timeline grouped by date, oldest first, with citations and quotes."""
    _run("timeline", paths, fmt.value, options, since_last)


@with_run_options
def chart(paths: PathsArg, fmt: ChartFormatOpt = ChartFormat.SVG, *, options: RunOptions) -> None:
    """An SVG timeline chart: events per day, one row per outlet, disagreements marked."""
    _run(CHART, paths, fmt.value, options, since_last=False)


def inspect(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", help="An article file, or a folder of them.", show_default=False
        ),
    ],
    encoding: EncodingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Show the kept text, the dropped ranges and the detected publication date."""

    def body() -> int:
        # Imported here for start-up time only: the pipeline and its stages, for inspect.
        from summarizer import pipeline

        forced = parse_encoding(encoding)

        # Article text, titles and names as read: a control character in them must not
        # drive the terminal, so it is shown as \\xNN, as on stderr and in the brief.
        typer.echo(terminal_safe(pipeline.inspect(path, forced), lines=True), nl=False)
        return EXIT_OK

    simple_command(debug, body)


def _run_eval(
    system_path: Path,
    gold_path: Path,
    fmt: EvalFormat,
    sources: Sequence[Path],
    output: Path | None,
) -> int:
    """``summarizer eval``: load both files, re-read the source texts, score, print."""
    # Imported here for start-up time only: the evaluation, for eval.
    from summarizer.evaluation import evaluate

    check_output(output)
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
    emit(text, output)
    return EXIT_OK


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
        EvalFormat,
        typer.Option(
            "--format", "-f", metavar="|".join(EvalFormat), help="text (default) or json."
        ),
    ] = EvalFormat.TEXT,
    sources: Annotated[
        list[Path] | None,
        typer.Option(
            "--sources",
            metavar="PATH",
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

    simple_command(debug, body)


# --------------------------------------------------------------------------- cache


def _open_cache(folder: Path | None) -> Any:
    # Imported here for start-up time only: the response cache, for cache commands.
    from summarizer.transport.cache import ResponseCache, cache_path

    return ResponseCache(cache_path(cache_dir(folder, os.environ)))


def cache_stats(folder: CacheDirOpt = None, debug: DebugOpt = False) -> None:
    """Entries by model, size on disk, age, and batches."""

    def body() -> int:
        cache = _open_cache(folder)
        try:
            typer.echo(cache.stats().format(), nl=False)
        finally:
            cache.close()
        return EXIT_OK

    simple_command(debug, body)


def cache_clear(folder: CacheDirOpt = None, debug: DebugOpt = False) -> None:
    """Delete every cached answer."""

    def body() -> int:
        cache = _open_cache(folder)
        try:
            removed = cache.clear()
            typer.echo(f"removed {removed} answers from {cache.path}")
        finally:
            cache.close()
        return EXIT_OK

    simple_command(debug, body)

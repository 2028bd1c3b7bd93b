"""Every command-line option, defined once.

:class:`RunOptions` holds the options ``brief``, ``timeline`` and ``chart`` share (the
README's options table); :func:`with_run_options` gives a command function that takes
``options: RunOptions`` a signature with all of them, so typer shows and parses the
same options, with the same help, for the three commands. Typer reads a command's
options from its function signature and has no shared-option group that follows
the subcommand name, hence the signature built here.

Metavars are plain words (FILE, N, DATE, PATH, URL...) and flags have none.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from summarizer.config import EngineChoice, StructuredMode


class OutputFormat(StrEnum):
    MD = "md"
    JSON = "json"
    HTML = "html"


class ChartFormat(StrEnum):
    SVG = "svg"


class EvalFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


# --------------------------------------------------------------------------- per command

EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="NAME",
        help="Encoding of input files that are not UTF-8, e.g. cp1254 (default: detected; "
        "a note says when it was a guess).",
        show_default=False,
    ),
]

PathsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="PATH...",
        help="Article files or folders, RSS/Atom feeds, or http(s) URLs.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        metavar="|".join(OutputFormat),
        help="md, json, or html (a self-contained evidence report).",
    ),
]
ChartFormatOpt = Annotated[
    ChartFormat,
    typer.Option("--format", "-f", metavar="svg", help="svg (the chart is an SVG image)."),
]
SinceLastOpt = Annotated[
    bool,
    typer.Option(
        "--since-last",
        help="Start with what changed since the previous run on the same inputs.",
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout."
    ),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Tracebacks and debug logs.")]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir", metavar="DIR", help="Response cache folder (env SUMMARIZER_CACHE_DIR)."
    ),
]


# --------------------------------------------------------------------------- shared


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunOptions:
    """The options of ``brief``, ``timeline`` and ``chart``, as typed, before any parsing."""

    output: OutputOpt = None
    day: Annotated[
        str | None,
        typer.Option(
            "--day", metavar="DATE", help="YYYY-MM-DD: that day's events first, earlier context."
        ),
    ] = None
    max_dates: Annotated[
        int | None,
        typer.Option("--max-dates", metavar="N", min=1, help="Keep the N most important dates."),
    ] = None
    per_date: Annotated[
        int | None,
        typer.Option("--per-date", metavar="K", min=1, help="Keep at most K entries per date."),
    ] = None
    published: Annotated[
        list[str] | None,
        typer.Option(
            "--published",
            metavar="ID=DATE",
            help="ID=YYYY-MM-DD: override a source's publication date (repeatable).",
        ),
    ] = None
    encoding: EncodingOpt = None
    engine: Annotated[
        EngineChoice | None,
        typer.Option(
            "--engine",
            metavar="|".join(EngineChoice),
            help="auto (llm when a model is configured), extractive or llm.",
        ),
    ] = None
    model: Annotated[
        str | None,
        typer.Option("--model", metavar="NAME", help="Model name (env SUMMARIZER_MODEL)."),
    ] = None
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url", metavar="URL", help="OpenAI-compatible endpoint (env OPENAI_BASE_URL)."
        ),
    ] = None
    structured: Annotated[
        StructuredMode | None,
        typer.Option(
            "--structured",
            metavar="|".join(StructuredMode),
            help="Structured-output mode for the model.",
        ),
    ] = None
    max_input_tokens: Annotated[
        int | None,
        typer.Option(
            "--max-input-tokens", metavar="N", min=200, help="Token budget per model call."
        ),
    ] = None
    pack_tokens: Annotated[
        int | None,
        typer.Option(
            "--pack-tokens",
            metavar="N",
            min=0,
            help="Article tokens packed into one extract call (default 2700; 0: one article "
            "a call).",
        ),
    ] = None
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            min=1.0,
            help="Seconds one model call may take (default 120; on a self-hosted server that "
            "does not report its slots, times the calls allowed in flight, which may queue).",
        ),
    ] = None
    max_attempts: Annotated[
        int | None,
        typer.Option(
            "--max-attempts",
            metavar="N",
            min=1,
            help="Attempts per model call on 408/409/429/5xx (default 5).",
        ),
    ] = None
    max_wait: Annotated[
        float | None,
        typer.Option(
            "--max-wait",
            metavar="SECONDS",
            min=0.0,
            help="Seconds of backoff one call may wait in all, Retry-After included (default 120).",
        ),
    ] = None
    record: Annotated[
        Path | None,
        typer.Option(
            "--record", metavar="FILE", help="Save every model exchange to this cassette."
        ),
    ] = None
    replay: Annotated[
        Path | None,
        typer.Option(
            "--replay", metavar="FILE", help="Answer model calls from this cassette, offline."
        ),
    ] = None
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the planned model calls and tokens; make none."),
    ] = False
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")] = False
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="More detail on stderr.")] = False
    debug: DebugOpt = False
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            metavar="N",
            min=1,
            help="Model calls in flight at most (default: the server's slots when it reports "
            "them, else 4; lowered while the server times out or answers 429/503).",
        ),
    ] = None
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            metavar="N",
            min=1,
            help="Processes for the per-source stages (default: every core, on runs large "
            "enough to gain; 1: none).",
        ),
    ] = None
    rpm: Annotated[
        int | None, typer.Option("--rpm", metavar="N", min=1, help="Pace to N requests a minute.")
    ] = None
    price_in: Annotated[
        float | None,
        typer.Option(
            "--price-in",
            metavar="USD",
            min=0.0,
            help="Price per million prompt tokens, for the cost estimate (known models have one).",
        ),
    ] = None
    price_out: Annotated[
        float | None,
        typer.Option(
            "--price-out",
            metavar="USD",
            min=0.0,
            help="Price per million completion tokens, for the cost estimate.",
        ),
    ] = None
    tpm: Annotated[
        int | None, typer.Option("--tpm", metavar="N", min=1, help="Pace to N tokens a minute.")
    ] = None
    cache_dir: CacheDirOpt = None
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the response cache.")
    ] = False
    batch: Annotated[
        bool, typer.Option("--batch", help="Send the extract calls through the Batch API.")
    ] = False
    batch_id: Annotated[
        str | None,
        typer.Option("--batch-id", metavar="ID", help="Resume a submitted batch by its id."),
    ] = None
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            metavar="PATH",
            help="Run history database (env SUMMARIZER_STORE; default "
            "$XDG_DATA_HOME/summarizer/store.sqlite or ~/.local/share/summarizer/store.sqlite).",
        ),
    ] = None
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Neither read nor save the run history.")
    ] = False
    fetch_timeout: Annotated[
        float | None,
        typer.Option(
            "--fetch-timeout",
            metavar="SECONDS",
            min=0.1,
            help="Seconds to download each URL input (default 20).",
        ),
    ] = None


def with_run_options(command: Callable[..., None]) -> Callable[..., None]:
    """``command(..., options: RunOptions)`` as a typer command with every shared option.

    The command's own parameters come first (their order is the help's order), then
    the fields of :class:`RunOptions`; the values typer parses for those are handed
    to ``command`` as one ``RunOptions``.
    """
    own_hints = typing.get_type_hints(command, include_extras=True)
    shared_hints = typing.get_type_hints(RunOptions, include_extras=True)
    names = [f.name for f in dataclasses.fields(RunOptions)]
    own = [
        p.replace(annotation=own_hints[p.name])
        for p in inspect.signature(command).parameters.values()
        if p.name != "options"
    ]
    shared = [
        inspect.Parameter(
            f.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=f.default,
            annotation=shared_hints[f.name],
        )
        for f in dataclasses.fields(RunOptions)
    ]

    @functools.wraps(command)
    def parsed(**values: Any) -> None:
        options = RunOptions(**{name: values.pop(name) for name in names})
        command(**values, options=options)

    parameters = [*own, *shared]
    parsed.__annotations__ = {p.name: p.annotation for p in parameters}
    setattr(parsed, "__signature__", inspect.Signature(parameters))  # noqa: B010 (mypy)
    return parsed

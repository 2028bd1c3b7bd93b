"""The ``summarizer`` typer application and its console entry point :func:`main`.

Help is plain text (typer's ``rich_markup_mode=None``): options with plain metavars
(FILE, N, DATE...), flags without one, arguments by their metavar alone
(:class:`PlainCommand`). Usage errors are one line on stderr with exit code 2
(:func:`summarizer.cli.errors.usage_line`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand

from summarizer import __version__
from summarizer.cli import commands
from summarizer.cli.errors import (
    echo_err,
    sigterm_as_interrupt,
    stopped_code,
    stopped_word,
    usage_line,
)
from summarizer.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED


class _PlainArgument(TyperArgument):
    """An argument shown by its metavar alone: ``PATH...``, not ``{PATH...}... <list[str]>``."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        name = self.metavar or self.name or ""
        return [name if name.endswith("...") or self.nargs == 1 else f"{name}..."]


class PlainCommand(TyperCommand):
    """A command whose help names arguments by their metavar (typer adds the Python type)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument:
                param.__class__ = _PlainArgument


app = typer.Typer(
    name="summarizer",
    help="Multi-source news summariser and fact timeline (grounded quotes, code-resolved dates).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("brief", cls=PlainCommand)(commands.brief)
app.command("timeline", cls=PlainCommand)(commands.timeline)
app.command("chart", cls=PlainCommand)(commands.chart)
app.command("inspect", cls=PlainCommand)(commands.inspect)
app.command("eval", cls=PlainCommand)(commands.eval_command)

cache_app = typer.Typer(
    help="The response cache: stats and clear.", no_args_is_help=True, rich_markup_mode=None
)
cache_app.command("stats", cls=PlainCommand)(commands.cache_stats)
cache_app.command("clear", cls=PlainCommand)(commands.cache_clear)
app.add_typer(cache_app, name="cache")


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


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point (``summarizer``): usage errors are one line too; SIGTERM stops
    the run as Ctrl-C does, with exit code 143 (:func:`sigterm_as_interrupt`)."""
    args = list(sys.argv[1:] if argv is None else argv)
    with sigterm_as_interrupt():
        try:
            code = app(args=args, prog_name="summarizer", standalone_mode=False)
        except typer.Abort:
            code = stopped_code()
            typer.echo(f"summarizer: {stopped_word()}", err=True)
        except Exception as exc:
            if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
                raise
            line, code = usage_line(exc)
            if line.strip():
                echo_err(line, lines=True)
    if code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        # Model calls still blocked in worker threads would hold the exit until their
        # timeouts; what finished is committed (cache) and nothing half-written exists.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code if isinstance(code, int) else EXIT_OK)

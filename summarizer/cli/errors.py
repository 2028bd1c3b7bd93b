"""How the command reports: one stderr line per error, exit codes, usage errors.

Errors are one line on stderr, ``summarizer: error: ...``, with the exit code of
:mod:`summarizer.errors` (a traceback only with ``--debug``). A usage error (an
unknown flag, a bad value) is one line too, and an unknown flag or command names
the nearest real one.

Every line printed here passes :func:`terminal_safe`: file names, ids and messages come
from the input, and a name holding escape sequences must not drive the terminal (set its
title, clear the screen, fake a line). The progress bar (:mod:`summarizer.progress`)
writes its own sequences and does not go through here.
"""

from __future__ import annotations

import contextlib
import difflib
import logging
import re
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NoReturn

import typer

from summarizer.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    EXIT_USAGE,
    SummarizerError,
)

log = logging.getLogger("summarizer")

_SUGGEST_AT = 0.6  # least similarity (difflib ratio, prefix bonus included) to suggest


# C0 controls but tab (newline too: a message is one line), DEL and C1 (0x9b is a CSI).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str, *, lines: bool = False) -> str:
    """``text`` with each control character shown as ``\\xNN`` (the escape of ``ESC [2J``
    prints as ``\\x1b[2J``); with ``lines``, newlines are kept (help, a traceback)."""
    pattern = _CONTROL_BUT_NEWLINE if lines else _CONTROL
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def echo_err(line: str, *, lines: bool = False) -> None:
    """Print ``line`` on stderr, its control characters made visible (see the docstring)."""
    typer.echo(terminal_safe(line, lines=lines), err=True)


def fail(message: str, code: int) -> NoReturn:
    echo_err(f"summarizer: error: {message}")
    raise typer.Exit(code)


def say(quiet: bool, message: str) -> None:
    """A status line on stderr (nothing with --quiet)."""
    if not quiet:
        echo_err(f"summarizer: {message}")


class _SafeFormatter(logging.Formatter):
    """Log lines as :func:`terminal_safe` shows them; a traceback keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().formatMessage(record))

    def formatException(self, ei: Any) -> str:
        return terminal_safe(super().formatException(ei), lines=True)

    def formatStack(self, stack_info: str) -> str:
        return terminal_safe(super().formatStack(stack_info), lines=True)


@contextlib.contextmanager
def stderr_logging(quiet: bool, verbose: bool, debug: bool) -> Iterator[None]:
    """Log the package's messages to stderr for one command, then restore the logger."""
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    if quiet:
        level = logging.ERROR
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_SafeFormatter("summarizer: %(message)s"))
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


class _Stop:
    """Whether the run was stopped by SIGTERM rather than Ctrl-C (set by the handler)."""

    terminated = False


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM's handler: stop the run the way Ctrl-C does (see :func:`sigterm_as_interrupt`)."""
    _Stop.terminated = True
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, ``timeout``, a job supervisor) takes Ctrl-C's path while the
    command runs: the workers stop, the line says which sources had finished, nothing
    half-written is left, and the exit code is :data:`EXIT_TERMINATED` (143, what the
    default action would give). The previous handler is restored afterwards (the
    command may run inside another program, a test for one). Only the main thread can
    set a handler; elsewhere SIGTERM keeps its default action."""
    _Stop.terminated = False
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stopped_code() -> int:
    """The exit code of a stopped run: 143 after SIGTERM, else 130 (Ctrl-C)."""
    return EXIT_TERMINATED if _Stop.terminated else EXIT_INTERRUPTED


def stopped_word() -> str:
    """How a stopped run's line begins: SIGTERM's or Ctrl-C's word."""
    return "terminated (SIGTERM)" if _Stop.terminated else "interrupted"


def interrupted_line(exc: KeyboardInterrupt) -> str:
    """What Ctrl-C (or SIGTERM) stopped, and which sources had finished
    (pipeline.Interrupted says)."""
    word = stopped_word()
    finished: tuple[str, ...] | None = getattr(exc, "finished", None)
    if finished is None:
        return f"{word}; nothing was written"
    total = getattr(exc, "total", len(finished))
    which = f" ({', '.join(finished)})" if finished else ""
    return (
        f"{word}: {len(finished)} of {total} sources had finished{which}; nothing was "
        "written; rerun the same command to continue"
    )


def guarded(debug: bool, body: Callable[[], int]) -> NoReturn:
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
        fail(_one_line(str(exc)), exc.exit_code)
    except KeyboardInterrupt as exc:
        echo_err(f"summarizer: {interrupted_line(exc)}")
        raise typer.Exit(stopped_code()) from None
    except Exception as exc:
        _traceback(debug)
        fail(
            f"internal error: {type(exc).__name__}: {_one_line(str(exc))} "
            "(rerun with --debug and report it)",
            EXIT_INTERNAL,
        )
    raise typer.Exit(code)


def _traceback(debug: bool) -> None:
    """With --debug, the traceback of the exception being handled, on stderr."""
    if debug:
        # Imported here for start-up time only: --debug alone prints a traceback.
        import traceback

        sys.stderr.write(terminal_safe(traceback.format_exc(), lines=True))
        sys.stderr.flush()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def simple_command(debug: bool, body: Callable[[], int]) -> NoReturn:
    """A command without the run options: warnings on stderr, errors as one line."""
    with stderr_logging(False, False, debug):
        guarded(debug, body)


# --------------------------------------------------------------------------- usage errors


def nearest(typed: str, known: Iterable[str]) -> str | None:
    """The known name closest to ``typed`` (``--dryrun`` -> ``--dry-run``), or None.

    Similarity is difflib's ratio, plus a bonus when one name starts the other
    (``--out`` -> ``--output``, ``--store-path`` -> ``--store``).
    """
    word = typed.replace("_", "-").lower().lstrip("-")

    def score(name: str) -> float:
        bare = name.lstrip("-")
        prefix = bare.startswith(word) or word.startswith(bare)
        return difflib.SequenceMatcher(None, word, bare).ratio() + (0.3 if prefix else 0.0)

    scored = sorted(((score(n), n) for n in known if n != typed), key=lambda s: (-s[0], s[1]))
    return scored[0][1] if scored and scored[0][0] >= _SUGGEST_AT else None


def _long_options(ctx: object) -> list[str]:
    command = getattr(ctx, "command", None)
    names: list[str] = []
    for param in getattr(command, "params", ()):
        names += [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--")]
    return names


def _commands(ctx: object) -> list[str]:
    command = getattr(ctx, "command", None)
    lister = getattr(command, "list_commands", None)
    return list(lister(ctx)) if callable(lister) else []


def _message(exc: Exception, ctx: object) -> str:
    """The error's own message; an unknown option or command says the nearest real one."""
    option = getattr(exc, "option_name", None)
    if type(exc).__name__ == "NoSuchOption" and isinstance(option, str):
        guess = nearest(option, _long_options(ctx)) if option.startswith("--") else None
        return f"no such option {option}" + (f"; did you mean {guess}?" if guess else "")
    message = str(exc.format_message())  # type: ignore[attr-defined]
    if message.startswith("No such command"):
        typed = message.split("'")[1] if message.count("'") >= 2 else ""
        guess = nearest(typed, _commands(ctx)) if typed else None
        return f"no such command {typed!r}" + (f"; did you mean {guess!r}?" if guess else "")
    return message


def usage_line(exc: Exception) -> tuple[str, int]:
    """A click/typer usage error as one line (typer vendors click: match by shape)."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        return ctx.get_help(), EXIT_USAGE
    command = getattr(ctx, "command_path", None) or "summarizer"
    return f"summarizer: error: {_message(exc, ctx)} (see '{command} --help')", EXIT_USAGE

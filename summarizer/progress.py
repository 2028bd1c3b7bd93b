"""A progress bar for long runs: rich, on stderr, silent when stderr is not a terminal.

    with progress_bar(len(sources), "extracting", quiet=config.quiet) as advance:
        for source in sources:
            ...
            advance()

Nothing is drawn under ``--quiet``, when stderr is redirected to a file or a
pipe, or for a single item; ``advance`` is then a no-op.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TextIO


def should_show(total: int, *, quiet: bool = False, stream: TextIO | None = None) -> bool:
    """Draw a bar only for more than one item, not quiet, on a terminal."""
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return total > 1 and not quiet and callable(isatty) and bool(isatty())


def _noop() -> None:
    return None


@contextlib.contextmanager
def progress_bar(
    total: int,
    description: str,
    *,
    quiet: bool = False,
    stream: TextIO | None = None,
    force: bool = False,
) -> Iterator[Callable[[], None]]:
    """A thread-safe ``advance()`` for ``total`` items; the bar vanishes when done.

    ``force`` draws even when the stream is not a terminal (for tests).
    """
    stream = stream if stream is not None else sys.stderr
    if not (force or should_show(total, quiet=quiet, stream=stream)):
        yield _noop
        return
    # Imported here for start-up time only: rich is drawn on a terminal alone, and most
    # runs (quiet, piped, a single source) never draw.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(file=stream, force_terminal=force or None)
    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    with bar:
        task = bar.add_task(description, total=total)

        def advance() -> None:
            bar.advance(task)  # rich's Progress takes its own lock

        yield advance

"""One command's use of the run store: the previous run read at the start, the
comparison ``--since-last`` shows, the run saved at the end.

Persistence is :mod:`summarizer.store.persist`, the comparison
:mod:`summarizer.store.compare`; the renderers receive the comparison
(:data:`~summarizer.models.SinceLast`), never the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.models import NoPreviousRun, Report, SinceLast
from summarizer.store.compare import diff_runs
from summarizer.store.persist import open_store
from summarizer.store.records import StoredRun, scope_of, snapshot


@dataclass(frozen=True)
class RunHistory:
    """One command's use of the store: the previous run read at the start, saving at the end.

    The store is opened for each step and closed after it, so nothing stays open while
    the pipeline runs, and an unusable store fails the command before any work.
    """

    path: Path
    command: str
    scope: str
    since_last: bool
    previous: StoredRun | None

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        command: str,
        inputs: Iterable[str | Path],
        since_last: bool,
        selection: Mapping[str, Any] | None = None,
    ) -> RunHistory:
        scope = scope_of(inputs, selection)
        with open_store(path) as store:
            previous = store.previous_run(command=command, scope=scope) if since_last else None
        return cls(path, command, scope, since_last, previous)

    def record(self, report: Report) -> StoredRun:
        """This run's record (not saved yet): what :meth:`since` compares and :meth:`save` keeps."""
        return snapshot(report, command=self.command, scope=self.scope)

    def since(self, current: StoredRun) -> SinceLast | None:
        """What ``--since-last`` shows for this run; None without ``--since-last``."""
        if not self.since_last:
            return None
        if self.previous is None:
            return NoPreviousRun(command=self.command)
        return diff_runs(self.previous, current)

    def save(self, current: StoredRun) -> StoredRun:
        with open_store(self.path) as store:
            return store.save(current)

"""summarizer.store.sqlite: one way to open the project's databases, WAL switch retried."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from summarizer.store.sqlite import connect, enable_wal


class _Flaky:
    """A connection whose WAL switch reports "locked" ``failures`` times."""

    def __init__(self, failures: int, message: str = "database is locked") -> None:
        self.failures = failures
        self.message = message
        self.calls = 0

    def execute(self, sql: str) -> Any:
        self.calls += 1
        if self.calls <= self.failures:
            raise sqlite3.OperationalError(self.message)
        return None


def test_connect_opens_in_wal_mode(tmp_path: Path) -> None:
    conn = connect(tmp_path / "x.sqlite3")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.isolation_level is None
    finally:
        conn.close()


def test_locked_wal_switch_is_retried() -> None:
    flaky = _Flaky(failures=3)
    enable_wal(flaky, timeout=5)  # type: ignore[arg-type]
    assert flaky.calls == 4


@pytest.mark.parametrize(
    ("failures", "message", "timeout"),
    [(1, "disk I/O error", 5.0), (10_000, "database is locked", 0.05)],
)
def test_other_errors_and_a_lock_past_the_timeout_raise(
    failures: int, message: str, timeout: float
) -> None:
    with pytest.raises(sqlite3.OperationalError, match=message):
        enable_wal(_Flaky(failures, message), timeout=timeout)  # type: ignore[arg-type]

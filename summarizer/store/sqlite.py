"""Opening the project's sqlite files (response cache, calibration, run store) one way.

Every file runs in WAL mode with a busy timeout and autocommit, so several threads
and several processes can share it. Switching a new file to WAL is the one step
sqlite does not retry on its own: two processes creating the same file at once can
see "database is locked" there, so :func:`connect` waits and retries it up to the
busy timeout.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

BUSY_TIMEOUT_MS = 30_000


def connect(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """An autocommit connection in WAL mode (callers guard it for threads themselves)."""
    conn = sqlite3.connect(
        path,
        timeout=busy_timeout_ms / 1000,
        isolation_level=None,  # autocommit; callers open explicit transactions when needed
        check_same_thread=False,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        enable_wal(conn, busy_timeout_ms / 1000)
        conn.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


def enable_wal(conn: sqlite3.Connection, timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
    """Switch to WAL mode, waiting while another opener holds the lock."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 0.2)

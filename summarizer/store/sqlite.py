"""Opening the project's sqlite files (response cache, calibration, run store) one way.

Every file runs in WAL mode with a busy timeout and autocommit, so several threads
and several processes can share it. Switching a new file to WAL is the one step
sqlite does not retry on its own: two processes creating the same file at once can
see "database is locked" there, so :func:`connect` waits and retries it up to the
busy timeout.

A damaged file (not a database, or failing sqlite's ``quick_check``) must not block
every command: :func:`open_database` renames it beside itself (``NAME.damaged-TIME``,
its bytes kept), says so in one warning line, and starts a new one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from summarizer.errors import ConfigError

log = logging.getLogger("summarizer")

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


_DAMAGE = ("file is not a database", "malformed", "file is encrypted")


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Does the error say the file itself is damaged (not locked, not unwritable)?"""
    return any(marker in str(exc) for marker in _DAMAGE)


def make_folder(folder: Path, *, what: str, fix: str) -> None:
    """Create the folder a database lives in; :class:`ConfigError` naming ``fix`` if not."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{what} folder {folder} is a file, not a folder; {fix}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"cannot create the {what} folder {folder} ({reason}); {fix}") from exc


def open_database(
    path: Path,
    *,
    what: str,
    setup: Callable[[sqlite3.Connection], object],
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> sqlite3.Connection:
    """:func:`connect`, check the file and run ``setup`` (the schema); a damaged file is
    set aside with a warning and a new one opened in its place.

    Other errors (locked, unwritable) propagate as ``sqlite3.DatabaseError`` for the
    caller to word.
    """
    try:
        return _open_checked(path, setup, busy_timeout_ms)
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        aside = set_aside(path)
        log.warning(
            "%s %s was damaged (%s); it was moved to %s and a new one was started",
            what,
            path,
            exc,
            aside,
        )
    return _open_checked(path, setup, busy_timeout_ms)


def _open_checked(
    path: Path, setup: Callable[[sqlite3.Connection], object], busy_timeout_ms: int
) -> sqlite3.Connection:
    conn: sqlite3.Connection | None = None
    try:
        conn = connect(path, busy_timeout_ms=busy_timeout_ms)
        verdict = conn.execute("PRAGMA quick_check(1)").fetchone()
        if verdict is None or verdict[0] != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed: {verdict}")
        setup(conn)
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return conn


def set_aside(path: Path) -> Path:
    """Rename a damaged database (and its WAL) beside itself; returns the new name.

    Another process may have set it aside first: then there is nothing to move.
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).rename(aside.with_name(aside.name + suffix))
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    return aside

"""The run store's persistence: a sqlite file of runs and the article versions they read.

Every successful ``brief``, ``timeline`` or ``chart`` saves a
:class:`~summarizer.store.records.StoredRun`: the articles it read (id, path, sha256 of
the text, title, outlet, publication date) and the merged events it showed, with their
evidence, quantities, disagreements, agreements and revisions, as the pydantic JSON of
:mod:`summarizer.models`; :meth:`Store.previous_run` reads the latest run of a command
on a scope back.

Concurrency follows :mod:`summarizer.transport.cache`: WAL mode, a busy timeout, and each save is
one ``BEGIN IMMEDIATE`` transaction, so two runs can share one store file. The schema
is versioned with ``PRAGMA user_version``; a store written by a newer version is refused
with a message saying what to do.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from summarizer.errors import ConfigError
from summarizer.models import Report
from summarizer.store.records import StoredArticle, StoredRun, snapshot
from summarizer.store.sqlite import connect, make_folder

log = logging.getLogger("summarizer")

STORE_FILE = "store.sqlite"
SCHEMA_VERSION = 1  # PRAGMA user_version of a store this code writes
PAYLOAD_FORMAT = 1  # runs.payload_format: the StoredRun JSON layout
BUSY_TIMEOUT_MS = 30_000

_MIGRATIONS: tuple[str, ...] = (
    # version 0 -> 1
    """
    CREATE TABLE IF NOT EXISTS articles (
        source_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        path TEXT NOT NULL,
        title TEXT,
        outlet TEXT,
        published TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (source_id, content_hash)
    );
    CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        command TEXT NOT NULL,
        scope TEXT NOT NULL,
        engine TEXT NOT NULL,
        model TEXT,
        events INTEGER NOT NULL,
        payload_format INTEGER NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS runs_by_scope ON runs (command, scope, id);
    """,
)

T = TypeVar("T")


def default_store_path(env: Mapping[str, str], home: Path | None = None) -> Path:
    """``$XDG_DATA_HOME/summarizer/store.sqlite``, else ``~/.local/share/summarizer/...``.

    Takes the environment as a mapping: the CLI passes ``os.environ`` in.
    """
    xdg = env.get("XDG_DATA_HOME")
    if xdg:
        return Path(xdg) / "summarizer" / STORE_FILE
    local = env.get("LOCALAPPDATA")  # Windows
    if local:
        return Path(local) / "summarizer" / STORE_FILE
    return (home or Path.home()) / ".local" / "share" / "summarizer" / STORE_FILE


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


class Store:
    """The sqlite store: one connection behind a lock, WAL, one transaction per save."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        make_folder(self.path.parent, what="store", fix="pass --store PATH or --no-store")
        conn: sqlite3.Connection | None = None
        try:  # a damaged store is refused, not set aside: it is the user's history
            conn = connect(self.path, busy_timeout_ms=BUSY_TIMEOUT_MS)
            _migrate(conn, self.path)
        except (sqlite3.DatabaseError, ConfigError) as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError(
                f"the run store {self.path} is unusable ({exc}); move it away, pass "
                "--store PATH, or --no-store"
            ) from exc
        return conn

    def _transaction(self, body: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = body(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise ConfigError(
                    f"cannot write to the run store {self.path} ({exc}); check the disk and "
                    "permissions, pass --store PATH, or --no-store"
                ) from exc
            return result

    # ------------------------------------------------------------------ writing

    def save_run(
        self,
        report: Report,
        *,
        command: str,
        scope: str,
        created_at: dt.datetime | None = None,
    ) -> StoredRun:
        """Save ``report`` as a run of ``command`` on ``scope``; returns it with its id."""
        return self.save(snapshot(report, command=command, scope=scope, created_at=created_at))

    def save(self, run: StoredRun) -> StoredRun:
        """Save a run record and upsert its articles, in one transaction."""
        payload = run.model_dump_json(exclude={"id"})
        when = _iso(run.created_at)

        def write(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO runs (created_at, command, scope, engine, model, events, "
                "payload_format, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    when,
                    run.command,
                    run.scope,
                    run.engine,
                    run.model,
                    len(run.events),
                    PAYLOAD_FORMAT,
                    payload,
                ),
            )
            conn.executemany(
                "INSERT INTO articles (source_id, content_hash, path, title, outlet, published, "
                "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(source_id, content_hash) DO UPDATE SET path = excluded.path, "
                "title = excluded.title, outlet = excluded.outlet, "
                "published = excluded.published, "
                "last_seen = MAX(articles.last_seen, excluded.last_seen)",
                [
                    (
                        a.source_id,
                        a.content_hash,
                        a.path,
                        a.title,
                        a.outlet,
                        a.published.isoformat() if a.published else None,
                        when,
                        when,
                    )
                    for a in run.articles
                ],
            )
            return int(cursor.lastrowid or 0)

        run_id = self._transaction(write)
        return run.model_copy(update={"id": run_id})

    # ------------------------------------------------------------------ reading

    def previous_run(
        self, *, command: str, scope: str, before: int | None = None
    ) -> StoredRun | None:
        """The latest readable run of ``command`` on ``scope`` (with an id below ``before``)."""
        query = "SELECT id, payload_format, payload FROM runs WHERE command = ? AND scope = ?"
        params: list[Any] = [command, scope]
        if before is not None:
            query += " AND id < ?"
            params.append(before)
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY id DESC", params)
            for run_id, fmt, payload in rows:
                run = _load(int(run_id), int(fmt), str(payload))
                if run is not None:
                    return run
        return None

    def run(self, run_id: int) -> StoredRun | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT payload_format, payload FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
        return _load(run_id, int(row[0]), str(row[1])) if row else None

    def run_count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def articles(self) -> tuple[StoredArticle, ...]:
        """Every article version the store has seen, by id then first sighting."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT source_id, content_hash, path, title, outlet, published, first_seen, "
                "last_seen FROM articles ORDER BY source_id, first_seen"
            ).fetchall()
        return tuple(
            StoredArticle(
                source_id=r[0],
                content_hash=r[1],
                path=r[2],
                title=r[3],
                outlet=r[4],
                published=dt.date.fromisoformat(r[5]) if r[5] else None,
                first_seen=dt.datetime.fromisoformat(r[6]),
                last_seen=dt.datetime.fromisoformat(r[7]),
            )
            for r in rows
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema to :data:`SCHEMA_VERSION`; refuse a newer one."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")  # one opener migrates; the others wait, then see it done
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise ConfigError(
                f"the run store {path} was written by a newer summarizer (schema {version}, "
                f"this one reads {SCHEMA_VERSION}); upgrade, or pass --store PATH or --no-store"
            )
        for script in _MIGRATIONS[version:]:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _load(run_id: int, fmt: int, payload: str) -> StoredRun | None:
    """A stored run, or None (logged) when this version cannot read it."""
    if fmt != PAYLOAD_FORMAT:
        log.warning("run %d in the store has format %d; skipped", run_id, fmt)
        return None
    try:
        return StoredRun.model_validate_json(payload).model_copy(update={"id": run_id})
    except ValidationError as exc:
        log.warning("run %d in the store cannot be read (%s); skipped", run_id, exc)
        return None


def open_store(path: Path) -> Store:
    """Open (creating if needed) the store at ``path``; a :class:`ConfigError` if unusable."""
    return Store(path)

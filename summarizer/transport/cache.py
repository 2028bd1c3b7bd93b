"""The response cache: sqlite, keyed by a hash of everything that shapes an answer.

:class:`CachingBackend` wraps any :class:`~summarizer.transport.backend.Backend`. The key
of a request is the sha256 of (endpoint, model, prompt-template hash, rendered
messages, response_format, temperature, seed, max_tokens): a changed template,
message or parameter misses, anything else hits. A hit makes no model call and
counts in ``usage.cache_hits``; a miss calls the inner backend and commits the
answer at once, so a run that is killed half-way, started again, redoes only the
calls that had not answered.

Concurrency: the database runs in WAL mode with a busy timeout; each thread has
its own connection; rows are written with ``INSERT OR IGNORE`` in autocommit, so
several threads and several processes can share one cache file. Rows hold the
key, the model name, the request's purpose and the answer, never the API key
or the endpoint in clear.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from summarizer.config import LLMConfig
from summarizer.errors import ConfigError
from summarizer.store.sqlite import connect, make_folder, open_database
from summarizer.transport.backend import (
    Backend,
    ChatRequest,
    ChatResponse,
    Usage,
    WrappingBackend,
    describe_endpoint,
)

CACHE_FILE = "responses.sqlite3"
BUSY_TIMEOUT_MS = 30_000
KEY_VERSION = "summarizer-cache-v1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    purpose TEXT NOT NULL,
    content TEXT NOT NULL,
    finish_reason TEXT,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    response_model TEXT NOT NULL DEFAULT '',
    refusal TEXT,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    requests INTEGER NOT NULL,
    status TEXT NOT NULL,
    created REAL NOT NULL
);
"""


# --------------------------------------------------------------------------- locations


def default_cache_dir(env: Mapping[str, str], home: Path | None = None) -> Path:
    """The platform cache folder: ``$XDG_CACHE_HOME/summarizer``, else ``~/.cache/summarizer``.

    Takes the environment as a mapping: the CLI passes ``os.environ`` in.
    """
    xdg = env.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "summarizer"
    local = env.get("LOCALAPPDATA")  # Windows
    if local:
        return Path(local) / "summarizer" / "Cache"
    return (home or Path.home()) / ".cache" / "summarizer"


def cache_path(cache_dir: Path) -> Path:
    """The database file inside a cache folder."""
    return cache_dir / CACHE_FILE


# --------------------------------------------------------------------------- keys


def prompts_hash() -> str:
    """One hash over every prompt template: editing any template changes every key."""
    # Imported here for start-up time only: prompting loads jinja2, which a run without
    # a model (that still reads the default cache folder from this module) never needs.
    from summarizer.transport.prompting import PROMPTS_PACKAGE

    digest = hashlib.sha256()
    folder = resources.files(PROMPTS_PACKAGE)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".j2"):
            digest.update(entry.name.encode("utf-8") + b"\0")
            digest.update(entry.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cache_key(request: ChatRequest, *, base_url: str, model: str, template_hash: str) -> str:
    """sha256 of everything that shapes the answer to ``request``."""
    material = {
        "v": KEY_VERSION,
        "endpoint": describe_endpoint(base_url),  # no credentials, even if the URL has some
        "model": model,
        "templates": template_hash,
        "messages": [dict(m) for m in request.messages],
        "response_format": request.response_format,
        "temperature": request.temperature,
        "seed": request.seed,
        "max_tokens": request.max_tokens,
    }
    blob = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class CacheStats:
    """What ``summarizer cache stats`` prints."""

    path: Path
    entries: int
    bytes: int
    by_model: Mapping[str, int]
    oldest: float | None
    newest: float | None
    batches: tuple[tuple[str, int, str], ...] = ()

    def format(self) -> str:
        lines = [
            f"cache: {self.path}",
            f"entries: {self.entries:,} ({self.bytes / 1024:,.1f} KiB on disk)",
        ]
        for model, n in sorted(self.by_model.items()):
            lines.append(f"  {model}: {n:,}")
        if self.oldest is not None and self.newest is not None:
            lines.append(f"oldest: {_when(self.oldest)}; newest: {_when(self.newest)}")
        for batch_id, n, status in self.batches:
            lines.append(f"batch {batch_id}: {n} requests, {status}")
        return "\n".join(lines) + "\n"


def _when(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class ResponseCache:
    """The sqlite store: one connection per thread, WAL, INSERT OR IGNORE."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        make_folder(self.path.parent, what="cache", fix="pass --cache-dir DIR or --no-cache")
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._checked = False
        self._connection()  # check the file, create the schema: errors surface at the start

    def _open(self) -> sqlite3.Connection:
        """A connection (autocommit: each answer is durable once written); the first one
        checks the file and sets a damaged one aside."""
        if self._checked:
            conn = connect(self.path, busy_timeout_ms=BUSY_TIMEOUT_MS)
            conn.executescript(_SCHEMA)
            return conn
        conn = open_database(
            self.path,
            what="the response cache",
            setup=lambda c: c.executescript(_SCHEMA),
            busy_timeout_ms=BUSY_TIMEOUT_MS,
        )
        self._checked = True
        return conn

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            conn = self._open()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(
                f"the response cache {self.path} is unusable ({exc}); run "
                "'summarizer cache clear', pass another --cache-dir, or --no-cache"
            ) from exc
        self._local.conn = conn
        with self._lock:
            self._all.append(conn)
        return conn

    def get(self, key: str) -> ChatResponse | None:
        row = (
            self._connection()
            .execute(
                "SELECT content, finish_reason, prompt_tokens, completion_tokens, "
                "response_model, refusal FROM responses WHERE key = ?",
                (key,),
            )
            .fetchone()
        )
        if row is None:
            return None
        content, finish, prompt, completion, model, refusal = row
        return ChatResponse(
            content=content,
            finish_reason=finish,
            prompt_tokens=int(prompt),
            completion_tokens=int(completion),
            model=model,
            refusal=refusal,
        )

    def put(self, key: str, response: ChatResponse, *, model: str, purpose: str) -> bool:
        """Store an answer; False when the key was already there (the first one stays)."""
        cursor = self._connection().execute(
            "INSERT OR IGNORE INTO responses (key, model, purpose, content, finish_reason, "
            "prompt_tokens, completion_tokens, response_model, refusal, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                model,
                purpose,
                response.content,
                response.finish_reason,
                response.prompt_tokens,
                response.completion_tokens,
                response.model,
                response.refusal,
                time.time(),
            ),
        )
        return cursor.rowcount == 1

    def __contains__(self, key: object) -> bool:
        row = self._connection().execute("SELECT 1 FROM responses WHERE key = ?", (key,)).fetchone()
        return row is not None

    def __len__(self) -> int:
        return int(self._connection().execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    # ------------------------------------------------------------------ batches

    def note_batch(self, batch_id: str, requests: int, status: str) -> None:
        """Remember a submitted batch (``cache stats`` lists it; resume with --batch-id)."""
        self._connection().execute(
            "INSERT INTO batches (id, requests, status, created) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET status = excluded.status",
            (batch_id, requests, status, time.time()),
        )

    # ------------------------------------------------------------------ maintenance

    def stats(self) -> CacheStats:
        conn = self._connection()
        by_model = dict(conn.execute("SELECT model, COUNT(*) FROM responses GROUP BY model"))
        oldest, newest = conn.execute("SELECT MIN(created), MAX(created) FROM responses").fetchone()
        batches = tuple(
            conn.execute("SELECT id, requests, status FROM batches ORDER BY created").fetchall()
        )
        size = sum(
            p.stat().st_size
            for p in (self.path, self.path.with_name(self.path.name + "-wal"))
            if p.exists()
        )
        return CacheStats(
            path=self.path,
            entries=sum(by_model.values()),
            bytes=size,
            by_model=by_model,
            oldest=oldest,
            newest=newest,
            batches=batches,
        )

    def clear(self) -> int:
        """Delete every row; returns how many answers were removed."""
        conn = self._connection()
        removed = conn.execute("DELETE FROM responses").rowcount
        conn.execute("DELETE FROM batches")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(removed)

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
        self._local = threading.local()


# --------------------------------------------------------------------------- the wrapper


class CachingBackend(WrappingBackend):
    """A Backend that answers from the cache when it can and caches every new answer.

    ``usage`` is the inner backend's: a hit adds one to ``cache_hits`` and
    nothing else; a miss is counted by the inner backend as usual.
    """

    def __init__(
        self,
        inner: Backend,
        cache: ResponseCache | Path,
        *,
        base_url: str,
        model: str | None = None,
        template_hash: str | None = None,
    ) -> None:
        self.inner = inner
        self.cache = cache if isinstance(cache, ResponseCache) else ResponseCache(cache)
        self.name = inner.name
        self.usage: Usage = inner.usage
        self.base_url = base_url
        self.model = model or inner.name
        self.template_hash = template_hash or prompts_hash()

    def key(self, request: ChatRequest) -> str:
        return cache_key(
            request, base_url=self.base_url, model=self.model, template_hash=self.template_hash
        )

    def complete(self, request: ChatRequest) -> ChatResponse:
        key = self.key(request)
        cached = self.cache.get(key)
        if cached is not None:
            self.usage.add(cache_hits=1, cached_prompt_tokens=cached.prompt_tokens)
            return cached
        response = self.inner.complete(request)
        self.cache.put(key, response, model=self.model, purpose=request.purpose)
        return response

    def close_own(self) -> None:
        self.cache.close()


# --------------------------------------------------------------------------- a run's stack


def run_cache_path(llm: LLMConfig) -> Path | None:
    """The cache database for a run, or None: --no-cache, no --cache-dir, or a cassette run.

    Record/replay runs skip the cache: a cassette must see every call it records or replays.
    """
    if llm.no_cache or llm.cache_dir is None or llm.record is not None or llm.replay is not None:
        return None
    return cache_path(llm.cache_dir)

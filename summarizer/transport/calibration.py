"""Token-count calibration: how far the offline count is from what a server reports.

Offline counting uses tiktoken; for a model whose tokenizer tiktoken does not
know (a local llama.cpp or Ollama model, say) the count falls back to
``cl100k_base`` and is only approximate: SmolLM2's 49k-token vocabulary, for
one, needs 10-15 % more tokens than cl100k for English news text.

Every answered model call reports the prompt tokens the server counted. The
:class:`CalibratingBackend` wrapper records, per endpoint and model, the sum of
our own count and the sum of the server's for every call that reached a server
(or a recorded cassette of one); ``--dry-run`` then scales its estimate by the
ratio and says how many calls the ratio rests on. Cache hits are not
observations (no server counted them). The table lives in the cache folder
(``calibration.sqlite3``); ``--no-cache`` neither reads nor writes it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import ConfigError
from summarizer.store.sqlite import make_folder, open_database
from summarizer.transport.backend import (
    Backend,
    ChatRequest,
    ChatResponse,
    Usage,
    WrappingBackend,
    describe_endpoint,
)
from summarizer.transport.tokens import count_messages

CALIBRATION_FILE = "calibration.sqlite3"
MIN_CALLS = 3  # fewer observations than this are not trusted for a factor

_SCHEMA = """
CREATE TABLE IF NOT EXISTS token_counts (
    endpoint TEXT NOT NULL,
    model TEXT NOT NULL,
    counted INTEGER NOT NULL,
    reported INTEGER NOT NULL,
    calls INTEGER NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (endpoint, model)
);
"""


def _create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)


@dataclass(frozen=True)
class Calibration:
    """Server-reported over offline-counted prompt tokens, from ``calls`` observations."""

    counted: int
    reported: int
    calls: int

    @property
    def factor(self) -> float:
        return self.reported / self.counted if self.counted else 1.0

    @property
    def trusted(self) -> bool:
        return self.calls >= MIN_CALLS and self.counted > 0

    def scale(self, tokens: int) -> int:
        return round(tokens * self.factor)


class CalibrationStore:
    """The observations, one row per (endpoint, model), safe to share between processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        make_folder(self.path.parent, what="cache", fix="pass --cache-dir DIR or --no-cache")
        self._lock = threading.Lock()
        try:
            self._conn = open_database(
                self.path, what="the token calibration table", setup=_create_schema
            )
        except sqlite3.DatabaseError as exc:
            raise ConfigError(
                f"the token calibration table {self.path} is unusable ({exc}); "
                "pass another --cache-dir, or --no-cache"
            ) from exc

    def observe(self, base_url: str, model: str, counted: int, reported: int) -> None:
        """Add one call: our count and the server's."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO token_counts (endpoint, model, counted, reported, calls, updated) "
                "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT(endpoint, model) DO UPDATE SET "
                "counted = counted + excluded.counted, reported = reported + excluded.reported, "
                "calls = calls + 1, updated = excluded.updated",
                (describe_endpoint(base_url), model, counted, reported, time.time()),
            )

    def get(self, base_url: str, model: str) -> Calibration | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT counted, reported, calls FROM token_counts "
                "WHERE endpoint = ? AND model = ?",
                (describe_endpoint(base_url), model),
            ).fetchone()
        return Calibration(int(row[0]), int(row[1]), int(row[2])) if row else None

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def calibration_path(cache_dir: Path) -> Path:
    return Path(cache_dir) / CALIBRATION_FILE


def load(cache_dir: Path | None, base_url: str, model: str) -> Calibration | None:
    """The trusted calibration for this endpoint and model, if the folder has one."""
    if cache_dir is None or not calibration_path(cache_dir).exists():
        return None
    store = CalibrationStore(calibration_path(cache_dir))
    try:
        found = store.get(base_url, model)
    finally:
        store.close()
    return found if found is not None and found.trusted else None


class CalibratingBackend(WrappingBackend):
    """A Backend that notes our token count against the server's for every answered call."""

    def __init__(self, inner: Backend, store: CalibrationStore, *, base_url: str, model: str):
        self.inner = inner
        self.store = store
        self.name = inner.name
        self.usage: Usage = inner.usage
        self.base_url = base_url
        self.model = model

    def complete(self, request: ChatRequest) -> ChatResponse:
        response = self.inner.complete(request)
        if response.prompt_tokens > 0:
            counted = count_messages(request.messages, self.model).n
            # a busy or broken side table never costs an answer
            with contextlib.suppress(sqlite3.Error):
                self.store.observe(self.base_url, self.model, counted, response.prompt_tokens)
        return response

    def close_own(self) -> None:
        self.store.close()

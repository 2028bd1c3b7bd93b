"""Record and replay model exchanges with vcrpy (``--record FILE``, ``--replay FILE``).

vcrpy patches httpx2's transports, which the openai client sends through, so
every chat-completion request and response of a run lands in one cassette.
Secrets never reach the file: Authorization, api-key, cookies and the OpenAI
organisation/project headers are removed from requests and responses, and the
key itself is replaced wherever it appears. Requests are matched on method,
path and JSON body (parsed, so key order and whitespace do not matter), not on
host or port: a cassette recorded from a server on a random port replays with
no server at all. Each recording plays once; a request with no recording
raises :class:`~summarizer.errors.ReplayMissError`, and closing a replay
session with recordings left unplayed raises :class:`UnplayedCassetteError`.

The same settings serve the project's own tests: :func:`vcr_config` for
pytest-recording (with :func:`register_matchers` in a
``pytest_recording_configure`` hook, and :func:`assert_fully_played` after each
test) or :func:`cassette_session` directly.

A replay must report what the recording reported, retries included, so an
attempt that got no HTTP answer while recording (a timeout, a dropped
connection: nothing for vcrpy to record) is noted in the cassette by
:func:`note_failed_attempt` as a marked HTTP 599 interaction, and
:func:`replayed_failure` turns that answer back into the same exception on
replay. Capacity probes (requests carrying
:data:`~summarizer.transport.capacity.PROBE_HEADER`) are never recorded.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import vcr
from vcr.cassette import Cassette
from vcr.request import Request

from summarizer.config import masked_url
from summarizer.errors import BackendError, ConfigError
from summarizer.transport.backend import Backend, ChatRequest, ChatResponse, Usage
from summarizer.transport.capacity import PROBE_HEADER

FILTERED_HEADERS = (
    "authorization",
    "api-key",
    "x-api-key",
    "cookie",
    "set-cookie",
    "openai-organization",
    "openai-project",
)
FILTERED_QUERY = ("api-key", "key", "api_key")
MATCH_ON = ("method", "path", "json_body")
SECRET_PLACEHOLDER = "<REDACTED>"
EMPTY_CASSETTE = "interactions: []\nversion: 1\n"
FAILED_ATTEMPT_HEADER = "x-summarizer-failed-attempt"  # on a noted failure: its kind
FAILED_ATTEMPT_STATUS = 599


class UnplayedCassetteError(BackendError):
    """--replay: the run did not make every request the cassette recorded."""


# --------------------------------------------------------------------------- matching, filters


def _parsed_body(request: Request) -> Any:
    body = request.body
    if body is None or body == b"" or body == "":
        return None
    try:
        return json.loads(body)
    except (TypeError, ValueError):
        return body


def json_body(r1: Request, r2: Request) -> None:
    """vcrpy matcher: equal JSON bodies (parsed), else equal raw bodies."""
    if _parsed_body(r1) != _parsed_body(r2):
        raise AssertionError("request bodies differ")


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """before_record_response: drop secret-bearing headers (any case)."""
    headers = response.get("headers") or {}
    response["headers"] = {
        name: value for name, value in headers.items() if name.lower() not in FILTERED_HEADERS
    }
    return response


def scrub_request(request: Request) -> Request | None:
    """before_record_request: capacity probes are not part of a run's exchanges (None:
    not recorded); no credentials in the recorded URI (``user:KEY@host``)."""
    if request.headers.get(PROBE_HEADER):
        return None
    request.uri = masked_url(request.uri)
    return request


def vcr_config(secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    """Shared cassette settings (also the dict pytest-recording's ``vcr_config`` returns).

    With pytest-recording, register the ``json_body`` matcher first
    (:func:`register_matchers` from a ``pytest_recording_configure`` hook).
    """
    return {
        "filter_headers": list(FILTERED_HEADERS),
        "filter_query_parameters": list(FILTERED_QUERY),
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
        "match_on": MATCH_ON,
        "allow_playback_repeats": False,
        "filter_sensitive_data": [(SECRET_PLACEHOLDER, s) for s in secrets if s],
    }


def register_matchers(recorder: vcr.VCR) -> vcr.VCR:
    """Teach a VCR instance the ``json_body`` matcher; returns it."""
    recorder.register_matcher("json_body", json_body)
    return recorder


def _unplayed(cassette: Cassette) -> int:
    """Loaded recordings not played back (vcrpy counts what it loaded in _loaded_count)."""
    loaded = int(getattr(cassette, "_loaded_count", len(cassette)))
    return max(0, loaded - len(cassette.play_counts))


def assert_fully_played(cassette: Cassette) -> None:
    """Fail when a replayed cassette has recordings the test never requested.

    For pytest-recording: call it on the ``vcr`` fixture's cassette at the end
    of a test (e.g. in an autouse fixture after ``yield``).
    """
    missing = _unplayed(cassette)
    if missing:
        raise UnplayedCassetteError(
            f"{missing} recorded request(s) in {cassette.path} were never made: the requests "
            f"changed; re-record the cassette"
        )


def make_vcr() -> vcr.VCR:
    """A VCR with our matcher registered."""
    return register_matchers(vcr.VCR())


# --------------------------------------------------------------------------- failed attempts

_recording: list[CassetteSession] = []  # the session recording now (vcrpy's patches are global)


def note_failed_attempt(url: str, params: dict[str, Any], kind: str) -> None:
    """While a cassette records: note that the request ``params`` to ``url`` got no HTTP
    answer (``kind`` "timeout" or "connection"), so that its replay fails the same way."""
    session = _recording[-1] if _recording else None
    if session is None:
        return
    request = Request(
        "POST", url, json.dumps(params).encode("utf-8"), {"content-type": "application/json"}
    )
    body = {"error": {"message": f"recorded {kind}: no answer to this attempt", "type": kind}}
    response = {
        "status": {"code": FAILED_ATTEMPT_STATUS, "message": "Recorded failed attempt"},
        "headers": {"content-type": ["application/json"], FAILED_ATTEMPT_HEADER: [kind]},
        "body": {"string": json.dumps(body)},
    }
    session.append(request, response)


def replayed_failure(exc: Exception) -> Exception | None:
    """The exception a noted failed attempt stands for, when ``exc`` is its replay."""
    # Imported here for start-up time only: openai, for a replayed failed attempt alone.
    import openai

    if not isinstance(exc, openai.APIStatusError):
        return None
    kind = exc.response.headers.get(FAILED_ATTEMPT_HEADER)
    if kind == "timeout":
        return openai.APITimeoutError(request=exc.request)
    if kind is not None:
        return openai.APIConnectionError(request=exc.request)
    return None


# --------------------------------------------------------------------------- sessions


class CassetteSession:
    """One run's record (``record``) or replay (``replay``) of model traffic.

    ``record`` writes a fresh cassette (record mode ``all``) to a temporary
    file beside the target and moves it into place on :meth:`close`, so an existing
    cassette is replaced only by a complete new one; :meth:`discard` (a failed or
    interrupted run) drops the recording and leaves the old file as it was.
    ``replay`` plays with record mode ``none``. The same path for both means
    ``new_episodes``: play what is recorded, record what is missing (on a copy,
    published the same way). Start, close and discard are idempotent and
    thread-safe; vcrpy's patches are process-wide while the session is open.
    """

    def __init__(
        self,
        record: Path | None = None,
        replay: Path | None = None,
        *,
        secrets: tuple[str, ...] = (),
        strict: bool = True,
    ) -> None:
        if record is None and replay is None:
            raise ConfigError("a cassette session needs --record FILE or --replay FILE")
        if record is not None and replay is not None and Path(record) != Path(replay):
            raise ConfigError("use --record FILE or --replay FILE, not both with different files")
        if replay is not None and not Path(replay).is_file():
            raise ConfigError(
                f"--replay {replay}: no such cassette; record one first with --record {replay}"
            )
        if replay is not None:
            check_cassette(Path(replay))
        if record is not None:
            _check_record_path(Path(record))
        self.record = Path(record) if record is not None else None
        self.replay = Path(replay) if replay is not None else None
        self.secrets = secrets
        self.strict = strict
        self.cassette: Cassette | None = None
        self._context: Any = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def mode(self) -> str:
        if self.replay is None:
            return "all"
        return "new_episodes" if self.record is not None else "none"

    @property
    def path(self) -> Path:
        return self.replay if self.replay is not None else self._require(self.record)

    @property
    def records(self) -> bool:
        """Does this session write a cassette (``--record``)?"""
        return self.record is not None

    def _working_path(self) -> Path:
        if not self.records:
            return self.path
        return self.path.with_name(f".{self.path.name}.{os.getpid()}.recording")

    def start(self) -> CassetteSession:
        with self._lock:
            if self._context is None and not self._closed:
                working = self._working_path()
                if self.records:
                    working.unlink(missing_ok=True)  # a stale partial recording
                    if self.mode == "new_episodes":
                        shutil.copyfile(self.path, working)
                self._context = make_vcr().use_cassette(
                    str(working), record_mode=self.mode, **vcr_config(self.secrets)
                )
                self.cassette = self._context.__enter__()
                if self.record is not None:
                    _recording.append(self)
        return self

    def append(self, request: Request, response: dict[str, Any]) -> None:
        """Add an interaction to the cassette being recorded (filters applied)."""
        with self._lock:
            if self.cassette is not None and not self._closed:
                self.cassette.append(request, response)

    def close(self) -> None:
        """Save (record) or check that every recording was played (replay, when strict)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self in _recording:
                _recording.remove(self)
            if self._context is not None:
                self._context.__exit__(None, None, None)
            if self.records:
                self._publish()
        if self.replay is not None and self.strict:
            self.check_all_played()

    def discard(self) -> None:
        """End the session without saving: the recording so far is dropped and an
        existing cassette stays byte for byte (a failed or interrupted run)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self in _recording:
                _recording.remove(self)
            if self._context is not None:
                with contextlib.suppress(Exception):  # vcrpy saving the partial recording
                    self._context.__exit__(None, None, None)
            if self.records:
                self._working_path().unlink(missing_ok=True)

    def _publish(self) -> None:
        working = self._working_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not working.exists():
            working.write_text(EMPTY_CASSETTE, encoding="utf-8")
        os.replace(working, self.path)

    def unplayed(self) -> int:
        """Recordings not played back (0 when nothing was loaded)."""
        if self.cassette is None or self.replay is None:
            return 0
        return _unplayed(self.cassette)

    def check_all_played(self) -> None:
        missing = self.unplayed()
        if self.cassette is None and self.replay is not None:
            missing = _count_interactions(self.replay)
        if missing:
            raise UnplayedCassetteError(
                f"{missing} recorded request(s) in {self.path} were never made by this run: "
                f"the prompts or inputs changed; re-record with --record {self.path}"
            )

    def __enter__(self) -> CassetteSession:
        return self.start()

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.close()
            return
        if self.records:
            self.discard()
            return
        with contextlib.suppress(BackendError):  # the run's own error matters more
            self.close()

    @staticmethod
    def _require(path: Path | None) -> Path:
        if path is None:  # pragma: no cover - guarded in __init__
            raise ConfigError("a cassette session needs a file")
        return path


def _check_record_path(path: Path) -> None:
    """:class:`ConfigError` (one line) before any work when ``--record`` cannot be written."""
    if path.is_dir():
        raise ConfigError(f"--record {path} is a folder; give a file name for the cassette")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(
            f"--record {path}: cannot create its folder {path.parent} ({reason}); pick another path"
        ) from None


def _count_interactions(path: Path) -> int:
    return len(check_cassette(path))


def check_cassette(path: Path) -> list[Any]:
    """The recordings of a cassette file; :class:`ConfigError` (one line) when it is not one.

    vcrpy reads the file itself and fails on damage with a parser traceback
    (ScannerError) or, worse, plays nothing; checking first names the file and the fix.
    """
    # Imported here for start-up time only: a YAML parser when a cassette file is checked.
    import yaml

    def damaged(reason: str) -> ConfigError:
        return ConfigError(
            f"--replay {path}: not a cassette ({reason}); record it again with --record {path}"
        )

    try:
        data = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise damaged("not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise damaged(f"the YAML is cut off or invalid{where}") from None
    except OSError as exc:
        raise damaged(exc.strerror or type(exc).__name__) from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise damaged("no list of interactions")
    interactions: list[Any] = data["interactions"]
    for number, item in enumerate(interactions, start=1):
        if not (
            isinstance(item, dict)
            and isinstance(item.get("request"), dict)
            and isinstance(item.get("response"), dict)
        ):
            raise damaged(f"interaction {number} lacks its request or response")
    return interactions


@contextlib.contextmanager
def cassette_session(
    record: Path | None = None,
    replay: Path | None = None,
    *,
    secrets: tuple[str, ...] = (),
    strict: bool = True,
) -> Iterator[CassetteSession | None]:
    """Record or replay everything inside the block; a no-op when neither is given."""
    if record is None and replay is None:
        yield None
        return
    with CassetteSession(record, replay, secrets=secrets, strict=strict) as session:
        yield session


class CassetteBackend:
    """A backend whose traffic goes through a cassette session (opened at construction)."""

    def __init__(self, inner: Backend, session: CassetteSession) -> None:
        self.inner = inner
        self.session = session.start()
        self.name = inner.name
        self.usage: Usage = inner.usage

    def complete(self, request: ChatRequest) -> ChatResponse:
        return self.inner.complete(request)

    def close(self) -> None:
        """Save or check the cassette, then close the inner backend."""
        try:
            self.session.close()
        finally:
            self._close_inner()

    def discard(self) -> None:
        """Drop the recording (see :meth:`CassetteSession.discard`), then close the inner
        backend."""
        try:
            self.session.discard()
        finally:
            self._close_inner()

    def _close_inner(self) -> None:
        self.inner.close()

    def __enter__(self) -> CassetteBackend:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.close()
            return
        if self.session.records:
            self.discard()
            return
        with contextlib.suppress(BackendError):
            self.close()


def find_session(backend: object) -> CassetteSession | None:
    """The cassette session under a stack of wrapping backends (``.inner``), if any."""
    seen = 0
    while backend is not None and seen < 32:
        if isinstance(backend, CassetteBackend):
            return backend.session
        backend = getattr(backend, "inner", None)
        seen += 1
    return None

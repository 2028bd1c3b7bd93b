"""The model boundary: a small Backend protocol and a scripted test double.

The OpenAI-compatible implementation lives in :mod:`summarizer.transport.openai_backend`
and a run's stack of wrappers around it is assembled by
:func:`summarizer.transport.factory.make_backend`; everything above this boundary
(the llm engine) sees only :class:`Backend`. This module imports no client library.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable
from urllib.parse import urlparse

from summarizer.config import LLMConfig

Message = dict[str, str]

DEFAULT_BASE_URL = "https://api.openai.com/v1"

log = logging.getLogger("summarizer")


def base_url_of(config: LLMConfig) -> str:
    """The base URL to call: the configured one, else OpenAI's."""
    return config.base_url or DEFAULT_BASE_URL


def describe_endpoint(base_url: str | None) -> str:
    """scheme://host[:port]/path of a base URL, without any credentials in it."""
    parsed = urlparse(base_url or DEFAULT_BASE_URL)
    host = parsed.hostname or "?"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{host}{port}{parsed.path.rstrip('/')}"


@dataclass(frozen=True)
class ChatRequest:
    """One chat-completion call, independent of any client library."""

    messages: tuple[Message, ...]
    purpose: str = "extract"  # "extract", "synthesis", "adjudicate": for logs and usage
    response_format: dict[str, Any] | None = None
    temperature: float = 0.0
    max_tokens: int = 1024
    seed: int | None = 0


@dataclass(frozen=True)
class ChatResponse:
    content: str
    finish_reason: str | None = "stop"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str = ""
    refusal: str | None = None


@dataclass
class Usage:
    """Usage for a run, retries included. Thread-safe."""

    calls: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    cache_hits: int = 0  # answers served from the response cache (no call made)
    cached_prompt_tokens: int = 0  # the prompt tokens those answers cost when first asked
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(
        self,
        *,
        calls: int = 0,
        retries: int = 0,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        seconds: float = 0.0,
        cache_hits: int = 0,
        cached_prompt_tokens: int = 0,
    ) -> None:
        with self._lock:
            self.cache_hits += cache_hits
            self.cached_prompt_tokens += cached_prompt_tokens
            self.calls += calls
            self.retries += retries
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens
            self.seconds += seconds


@runtime_checkable
class Backend(Protocol):
    """Anything that answers chat requests."""

    name: str  # model name as reported in the run stats
    usage: Usage

    def complete(self, request: ChatRequest) -> ChatResponse: ...

    def close(self) -> None:
        """Release what the backend holds; a cassette is saved or checked here."""
        ...


B = TypeVar("B", bound=Backend)


@contextlib.contextmanager
def managed(backend: B) -> Iterator[B]:
    """Use ``backend`` for a block and close it at the end; after an error in the block,
    a failure to close is logged and the block's error is the one raised."""
    try:
        yield backend
    except BaseException:
        close_quietly(backend)
        raise
    backend.close()


def close_quietly(backend: Backend) -> None:
    """Close ``backend`` after another error: that error matters more than this one."""
    try:
        backend.close()
    except Exception as exc:
        log.debug("closing the backend after an error failed too: %s", exc)


ScriptStep = ChatResponse | str | Exception | Callable[[ChatRequest], ChatResponse | str]


class ScriptedBackend:
    """A scripted test model: answers from a fixed script, records every request.

    Each step is a response, a plain string (wrapped as a ChatResponse), an
    exception to raise, or a function of the request. Named as a test double:
    it is never used outside tests and ``--engine llm`` never picks it.
    """

    def __init__(self, script: Sequence[ScriptStep], name: str = "scripted-test-model") -> None:
        self.name = name
        self.usage = Usage()
        self.requests: list[ChatRequest] = []
        self._script = list(script)
        self._lock = threading.Lock()

    def complete(self, request: ChatRequest) -> ChatResponse:
        with self._lock:
            self.requests.append(request)
            if not self._script:
                raise AssertionError(
                    f"scripted test model has no answer left for request #{len(self.requests)}"
                )
            step = self._script.pop(0)
        if callable(step) and not isinstance(step, ChatResponse):
            step = step(request)
        if isinstance(step, Exception):
            raise step
        response = step if isinstance(step, ChatResponse) else ChatResponse(content=step)
        self.usage.add(
            calls=1,
            prompt_tokens=response.prompt_tokens,
            completion_tokens=response.completion_tokens,
        )
        return response

    @property
    def remaining(self) -> int:
        return len(self._script)

    def close(self) -> None:
        """Nothing to release."""


class NoCallsBackend:
    """The backend of a run that must call no model (``--dry-run`` planning): the engine
    is built to list its requests; a call reaching this backend is a bug."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.usage = Usage()

    def complete(self, request: ChatRequest) -> ChatResponse:
        raise AssertionError(f"no model call may be made here ({request.purpose} request)")

    def close(self) -> None:
        """Nothing to release."""


class WrappingBackend:
    """Base of the backends that wrap another (cache, calibration): closing closes both.

    Subclasses set ``inner`` and release their own resources in :meth:`close_own`.
    """

    inner: Backend

    def close_own(self) -> None:
        """Release what this wrapper holds (a database, say)."""

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.close_own()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

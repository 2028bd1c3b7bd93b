"""The OpenAI-compatible backend (OpenAI, Azure, Ollama, vLLM, llama.cpp).

:class:`OpenAIBackend` makes exactly one attempt per :meth:`complete` and lets
openai's exceptions through; the retry layer (:mod:`summarizer.transport.retry`),
record/replay (:mod:`summarizer.transport.cassette`) and the rest of a run's stack
are put around it by :func:`summarizer.transport.factory.make_backend`, the one way
the rest of the package gets a backend.
"""

from __future__ import annotations

import socket
import time
from typing import Any
from urllib.parse import urlparse

import httpx2
import openai
from vcr.errors import CannotOverwriteExistingCassetteException

from summarizer.config import OPENAI_HOST, LLMConfig
from summarizer.errors import ReplayMissError
from summarizer.transport.backend import (
    ChatRequest,
    ChatResponse,
    Usage,
    base_url_of,
    describe_endpoint,
)
from summarizer.transport.capacity import (
    PROBE_HEADER,
    PROBE_TIMEOUT,
    CallLimiter,
    Permit,
    ServerInfo,
    is_self_hosted,
    probe_server,
    scaled_timeout,
)
from summarizer.transport.cassette import note_failed_attempt, replayed_failure
from summarizer.transport.retry import BackendCallError, MalformedResponseError

NO_KEY_PLACEHOLDER = "sk-no-key-required"  # local servers ignore the key; openai wants one


# urllib3 and aiohttp send with TCP_NODELAY; httpx does not. A request goes out as
# headers then body, and without it Nagle's algorithm holds the body until the
# server's delayed ACK (about 40 ms per call on a local server).
NO_DELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
# The openai client's own connection limits (openai._constants, not public).
CONNECTION_LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)


def http_client() -> openai.DefaultHttpxClient:
    """The openai client's default HTTP client, its sockets sending without delay."""
    return openai.DefaultHttpxClient(
        transport=httpx2.HTTPTransport(socket_options=NO_DELAY, limits=CONNECTION_LIMITS)
    )


def _is_openai_host(base_url: str) -> bool:
    return (urlparse(base_url).hostname or "").lower() == OPENAI_HOST


class OpenAIBackend:
    """One chat-completion attempt per call on the ``openai`` client (``max_retries=0``).

    Counts every attempt in :attr:`usage` (a call and its seconds; tokens when
    the response reports them). Raises openai's exceptions unchanged so the
    retry layer can judge them, :class:`~summarizer.transport.retry.MalformedResponseError`
    for a body that does not parse, :class:`~summarizer.errors.ReplayMissError`
    when a ``--replay`` cassette has no recording for the request, and
    :class:`~summarizer.transport.retry.BackendCallError` for an answer with no choices.

    Calls in flight are held to :attr:`call_limiter`
    (:class:`~summarizer.transport.capacity.CallLimiter`): it asks the server for
    its slots before the first call (not when replaying a cassette, nor on
    OpenAI's host) and lowers the limit on timeouts, 429 and 503. While a
    cassette records, an attempt that got no HTTP answer (a timeout, a dropped
    connection) is noted in it, so the replay makes the same attempts.
    """

    def __init__(
        self,
        config: LLMConfig,
        *,
        client: openai.OpenAI | None = None,
        limiter: CallLimiter | None = None,
    ) -> None:
        self.config = config
        self.name = config.model or "unknown-model"
        self.usage = Usage()
        self.base_url = base_url_of(config)
        self.endpoint = describe_endpoint(self.base_url)
        self._client = client or openai.OpenAI(
            api_key=config.api_key or NO_KEY_PLACEHOLDER,
            base_url=self.base_url,
            max_retries=0,
            timeout=config.timeout,
            http_client=http_client(),
        )
        replaying = config.replay is not None and config.record is None
        self.call_limiter = limiter or CallLimiter(
            config.concurrency,
            probe=self.probe,
            queue_aware=is_self_hosted(self.base_url) and not replaying,
        )

    def probe(self) -> ServerInfo:
        """What the server says about its slots and context (nothing when replaying)."""
        if self.config.replay is not None and self.config.record is None:
            return ServerInfo()
        if _is_openai_host(self.base_url):
            return ServerInfo()  # no such endpoints there
        return probe_server(self.base_url, self._fetch)

    def _fetch(self, url: str) -> object:
        headers = {PROBE_HEADER: "1"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        response = httpx2.get(url, headers=headers, timeout=PROBE_TIMEOUT)
        response.raise_for_status()
        return response.json()

    def complete(self, request: ChatRequest) -> ChatResponse:
        params = self.params(request)
        permit = self.call_limiter.acquire()
        started = time.monotonic()
        outcome = "other"
        try:
            completion = self._create(params, permit)
            outcome = "ok"
        except CannotOverwriteExistingCassetteException as exc:
            raise self._replay_miss() from exc
        except ValueError as exc:  # a body that is not the JSON it claims to be
            raise MalformedResponseError(f"invalid JSON body: {exc}") from exc
        except openai.APIError as exc:
            outcome = "overloaded" if _overloaded(exc) else "other"
            raise
        finally:
            self.call_limiter.release(
                permit, overloaded=outcome == "overloaded", ok=outcome == "ok"
            )
            self.usage.add(calls=1, seconds=time.monotonic() - started)
        response = self._to_response(completion)
        self.usage.add(
            prompt_tokens=response.prompt_tokens, completion_tokens=response.completion_tokens
        )
        return response

    def _create(self, params: dict[str, Any], permit: Permit) -> Any:
        """One attempt; a failure with no HTTP answer is noted in a recording cassette,
        and such a noted failure replays as the same exception."""
        timeout = scaled_timeout(self.config.timeout, permit)
        extra: dict[str, Any] = {"timeout": timeout} if timeout is not None else {}
        try:
            return self._client.chat.completions.create(**params, **extra)
        except openai.APIStatusError as exc:
            failure = replayed_failure(exc)
            if failure is None:
                raise
            raise failure from exc
        except openai.APIConnectionError as exc:  # timeouts included
            kind = "timeout" if isinstance(exc, openai.APITimeoutError) else "connection"
            note_failed_attempt(self._chat_url(), params, kind)
            raise

    def _chat_url(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"

    def params(self, request: ChatRequest) -> dict[str, Any]:
        """The keyword arguments for ``chat.completions.create``."""
        params: dict[str, Any] = {
            "model": self.name,
            "messages": [dict(m) for m in request.messages],
            "temperature": request.temperature,
        }
        # OpenAI's newer models want max_completion_tokens; compatible servers know max_tokens.
        token_key = "max_completion_tokens" if _is_openai_host(self.base_url) else "max_tokens"
        params[token_key] = request.max_tokens
        if request.seed is not None:
            params["seed"] = request.seed
        if request.response_format is not None:
            params["response_format"] = request.response_format
        return params

    def _to_response(self, completion: Any) -> ChatResponse:
        choices = getattr(completion, "choices", None) or []
        if not choices:
            raise BackendCallError(
                f"{self.endpoint} answered with no choices; check the server and model",
                status=200,
            )
        choice = choices[0]
        message = choice.message
        usage = getattr(completion, "usage", None)
        return ChatResponse(
            content=message.content or "",
            finish_reason=choice.finish_reason,
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            model=getattr(completion, "model", "") or self.name,
            refusal=getattr(message, "refusal", None),
        )

    def _replay_miss(self) -> ReplayMissError:
        path = urlparse(self.base_url).path.rstrip("/") + "/chat/completions"
        where = self.config.replay or "the cassette"
        return ReplayMissError(
            f"request POST {path} has no recording in {where}; re-record with --record {where}"
        )

    def close(self) -> None:
        self._client.close()


def _overloaded(exc: openai.APIError) -> bool:
    """A timeout, 429 or 503: the server has more than it can take."""
    if isinstance(exc, openai.APITimeoutError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code in (429, 503)

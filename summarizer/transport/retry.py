"""The one retry layer: tenacity around a single-attempt backend.

The openai client is built with ``max_retries=0``; everything transient is
retried here: HTTP 408, 409, 429 and 5xx, connection errors and timeouts. A 5xx
whose body says the request itself is invalid (llama.cpp's server answers an
unsupported ``response_format`` with HTTP 500 and a validation error) is a refusal,
not an outage: :func:`is_refusal`, never retried, and :class:`BackendCallError` says
``refused`` so the structured-output client can try its next mode. The
wait honours the server's ``Retry-After`` / ``retry-after-ms`` header (seconds
or an HTTP date) and otherwise uses jittered exponential backoff. Attempts and
the total time spent waiting are capped. Every attempt is counted in the
backend's :class:`~summarizer.transport.backend.Usage` (calls by the backend, retries and
waited seconds here). Giving up raises :class:`BackendCallError`, a
:class:`~summarizer.errors.BackendError` whose one-line message names the
status and what to do, and never contains the API key.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import openai
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from summarizer.config import LLMConfig
from summarizer.errors import BackendError
from summarizer.transport.backend import (
    Backend,
    ChatRequest,
    ChatResponse,
    Usage,
)

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 409, 429})
REFUSED_STATUS = frozenset({400, 415, 422})  # the request itself was rejected
DETAIL_LIMIT = 200
# What servers say when the request itself is invalid (pydantic/FastAPI validation in
# llama.cpp's and vLLM's servers, OpenAI's error type, unsupported parameters).
_REFUSAL_TEXT = re.compile(
    r"validation error|input should be|extra inputs are not permitted|invalid_request_error"
    r"|unrecognized request argument|unknown (?:field|parameter|argument)"
    r"|(?:not|un)supported|response_format|json_schema",
    re.IGNORECASE,
)


class BackendCallError(BackendError):
    """A model call failed for good; carries the HTTP status when there was one."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        attempts: int = 1,
        retryable: bool = False,
        refused: bool = False,
        context_limit: int | None = None,
        too_long: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.attempts = attempts
        self.retryable = retryable
        self.refused = refused  # the server refused this request (see is_refusal)
        self.too_long = too_long  # refused as longer than the model's context
        self.context_limit = context_limit  # the context size the refusal names, if any


# How OpenAI, vLLM, llama.cpp, llama-cpp-python and Ollama word a request longer than
# the context ("This model's maximum context length is 8192 tokens. However, you
# requested ...", "the request exceeds the available context size", ...).
_TOO_LONG_TEXT = re.compile(
    r"context (?:length|window|size)|maximum (?:model|context) length|max_model_len"
    r"|too many tokens|prompt is too long|exceeds? the (?:available )?context",
    re.IGNORECASE,
)
_CONTEXT_LIMIT = re.compile(
    r"(?:context (?:length|window|size)|model length|max_model_len)\D{0,24}?(\d{3,8})",
    re.IGNORECASE,
)


class MalformedResponseError(Exception):
    """The endpoint's HTTP body could not be parsed (cut short, HTML from a proxy...).

    Raised by a single-attempt backend; retried like a connection error.
    """


@dataclass(frozen=True)
class RetryPolicy:
    """Caps and backoff for one model call."""

    max_attempts: int = 5
    max_total_wait: float = 120.0  # seconds spent sleeping between attempts, at most
    timeout: float = 120.0  # per attempt, enforced by the client
    backoff_initial: float = 1.0  # first jittered backoff window, seconds
    backoff_max: float = 30.0  # largest backoff window, seconds

    @classmethod
    def from_config(cls, config: LLMConfig) -> RetryPolicy:
        return cls(
            max_attempts=max(1, config.max_attempts),
            max_total_wait=config.max_total_wait,
            timeout=config.timeout,
        )


# --------------------------------------------------------------------------- classify


def is_retryable(exc: BaseException) -> bool:
    """408, 409, 429, 5xx (unless a refusal), connection errors and timeouts are worth
    another attempt."""
    if isinstance(exc, openai.APIStatusError):
        if is_refusal(exc):
            return False
        return exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500
    return isinstance(exc, openai.APIConnectionError | MalformedResponseError)


def is_refusal(exc: BaseException) -> bool:
    """Did the server refuse the request itself (the same answer on every attempt)?

    HTTP 400/415/422, or a 5xx whose body reads as a request-validation error
    ("Input should be 'text' or 'json_object'"), not as an outage.
    """
    if not isinstance(exc, openai.APIStatusError):
        return False
    if exc.status_code in REFUSED_STATUS:
        return True
    if exc.status_code < 500:
        return False
    body = exc.body if exc.body is not None else ""
    return _REFUSAL_TEXT.search(f"{body} {exc.message or ''}") is not None


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait: retry-after-ms, then Retry-After (seconds or date)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = lowered.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if math.isfinite(seconds):
            return max(0.0, seconds)
    return _parse_http_date(lowered.get("retry-after"), now)


def _parse_http_date(value: str | None, now: float | None) -> float | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def retry_after_of(exc: BaseException | None) -> float | None:
    """The Retry-After wait an error response asks for, if any."""
    if isinstance(exc, openai.APIStatusError):
        return parse_retry_after(exc.response.headers)
    return None


# --------------------------------------------------------------------------- tenacity parts


class wait_retry_after(wait_base):
    """Wait what the server's Retry-After says (plus a little jitter), else ``fallback``."""

    def __init__(self, fallback: wait_base, jitter: float = 0.1) -> None:
        self.fallback = fallback
        self.jitter = jitter

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        asked = retry_after_of(outcome.exception() if outcome is not None else None)
        if asked is None:
            return float(self.fallback(retry_state))
        return asked + random.uniform(0.0, min(1.0, self.jitter * asked))


class stop_after_total_wait(stop_base):
    """Stop when the next sleep would take the total time waited past ``limit``."""

    def __init__(self, limit: float) -> None:
        self.limit = limit

    def __call__(self, retry_state: RetryCallState) -> bool:
        return retry_state.idle_for + retry_state.upcoming_sleep > self.limit


def build_retrying(
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    before_sleep: Callable[[RetryCallState], None] | None = None,
) -> Retrying:
    """A tenacity Retrying for one call under ``policy``."""
    return Retrying(
        retry=retry_if_exception(is_retryable),
        wait=wait_retry_after(
            wait_random_exponential(multiplier=policy.backoff_initial, max=policy.backoff_max)
        ),
        stop=stop_after_attempt(policy.max_attempts) | stop_after_total_wait(policy.max_total_wait),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )


# --------------------------------------------------------------------------- messages


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """Replace every secret in ``text`` with ``***``, where it is not part of a longer
    word: a placeholder key a local server ignores ("k", "none") is no reason to mask
    letters inside "check" or "nonexistent"; a real key stands as a token of its own."""
    for secret in secrets:
        if secret:
            found = re.compile(rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])")
            text = found.sub("***", text)
    return text


def _server_detail(exc: openai.APIStatusError, limit: int = DETAIL_LIMIT) -> str:
    body: Any = exc.body
    detail: Any = None
    if isinstance(body, dict):
        error = body.get("error", body)
        detail = error.get("message") if isinstance(error, dict) else error
    text = " ".join(str(detail or exc.message or "").split())
    return text[: limit - 1] + "…" if len(text) > limit else text


def too_long(exc: BaseException) -> bool:
    """Was the request refused as longer than the model's context?"""
    if not isinstance(exc, openai.APIStatusError) or exc.status_code not in {400, 413, 422}:
        return False
    return bool(_TOO_LONG_TEXT.search(_server_detail(exc, limit=1000)))


def context_limit(exc: BaseException) -> int | None:
    """The context size a too-long refusal names ("maximum context length is 8192")."""
    if not too_long(exc):
        return None
    assert isinstance(exc, openai.APIStatusError)
    match = _CONTEXT_LIMIT.search(_server_detail(exc, limit=1000))
    return int(match.group(1)) if match else None


def structured_hint(structured: str | None) -> str:
    """What to try after a request in mode ``structured`` (None: plain prompts) was
    refused: the other --structured modes, never the one in use."""
    if structured == "json_schema":
        return "try --structured json_object or prompt (for servers without json_schema)"
    if structured == "json_object":
        return "try --structured prompt (for servers without a JSON mode)"
    return "the request was a plain prompt, so try another model or server"


def _status_message(
    exc: openai.APIStatusError, endpoint: str, tries: str, structured: str | None
) -> str:
    status = exc.status_code
    detail = _server_detail(exc)
    if too_long(exc):
        return (
            f"{endpoint} refused the request as longer than the model's context (HTTP "
            f"{status}: {detail}); lower --max-input-tokens or --pack-tokens, or give the "
            "server a larger context"
        )
    if status == 401:
        return f"{endpoint} rejected the API key (HTTP 401); check OPENAI_API_KEY"
    if status == 403:
        return (
            f"{endpoint} refused access (HTTP 403: {detail}); check that OPENAI_API_KEY "
            "may use this model"
        )
    if status == 404:
        return (
            f"{endpoint} answered HTTP 404 (unknown model or path: {detail}); check --model "
            "and --base-url (it usually ends in /v1)"
        )
    if status == 429:
        return (
            f"{endpoint} is still rate-limiting (HTTP 429) {tries}; wait and rerun, lower "
            "--concurrency, or check the account's quota"
        )
    if status >= 500 and is_refusal(exc):
        return (
            f"{endpoint} refused the request (HTTP {status}: {detail}); the server does not "
            f"support it: {structured_hint(structured)}"
        )
    if status >= 500:
        return (
            f"{endpoint} failed with HTTP {status} {tries} ({detail}); check the server "
            "or retry later"
        )
    if status in RETRYABLE_STATUS:
        return f"{endpoint} answered HTTP {status} {tries} ({detail}); retry later"
    return (
        f"{endpoint} rejected the request (HTTP {status}: {detail}); check --model; "
        f"{structured_hint(structured)}"
    )


def _tries(attempts: int, waited: float, retry_after: float | None, policy: RetryPolicy) -> str:
    text = f"after {attempts} attempt{'s' if attempts != 1 else ''} and {waited:.1f}s of waiting"
    if retry_after is not None and attempts < policy.max_attempts:
        text += (
            f"; it asked to wait {retry_after:.0f}s more, beyond the {policy.max_total_wait:g}s cap"
        )
    return text


def to_backend_error(
    exc: openai.OpenAIError | MalformedResponseError,
    *,
    endpoint: str,
    attempts: int,
    waited: float,
    policy: RetryPolicy,
    secrets: tuple[str, ...] = (),
    structured: str | None = None,
) -> BackendCallError:
    """One-line BackendCallError for an openai error we give up on; ``structured`` is
    the request's response_format type (None: plain prompts), for the hint."""
    tries = _tries(attempts, waited, retry_after_of(exc), policy)
    status: int | None = None
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        message = _status_message(exc, endpoint, tries, structured)
    elif isinstance(exc, openai.APITimeoutError):
        message = (
            f"no answer from {endpoint} within the {policy.timeout:g}s timeout {tries}; "
            "check the server or raise the timeout"
        )
    elif isinstance(exc, openai.APIConnectionError):
        message = (
            f"cannot connect to {endpoint} {tries}; check --base-url and that the server is running"
        )
    elif isinstance(exc, MalformedResponseError):
        detail = " ".join(str(exc).split())[:DETAIL_LIMIT]
        message = (
            f"{endpoint} sent a malformed response {tries} ({detail}); check that --base-url "
            "points at an OpenAI-compatible API"
        )
    else:
        detail = " ".join(str(exc).split())[:DETAIL_LIMIT]
        message = f"{endpoint} gave an unusable answer ({detail}); check the server and model"
    return BackendCallError(
        redact(message, secrets),
        status=status,
        attempts=attempts,
        retryable=is_retryable(exc),
        refused=is_refusal(exc),
        too_long=too_long(exc),
        context_limit=context_limit(exc),
    )


# --------------------------------------------------------------------------- the wrapper


class RetryingBackend:
    """Wraps a single-attempt backend (one that raises openai errors) with the retry layer.

    Shares the inner backend's :class:`Usage`: the inner backend counts each
    attempt as a call (with its tokens and seconds); this layer adds one retry
    and the seconds slept for each new attempt.
    """

    def __init__(
        self,
        inner: Backend,
        policy: RetryPolicy,
        *,
        endpoint: str = "the model endpoint",
        secrets: tuple[str, ...] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inner = inner
        self.policy = policy
        self.name = inner.name
        self.usage: Usage = inner.usage
        self.endpoint = endpoint
        self._secrets = secrets
        self._sleep = sleep

    def complete(self, request: ChatRequest) -> ChatResponse:
        retrying = build_retrying(self.policy, sleep=self._sleep, before_sleep=self._count_retry)
        try:
            return retrying(self.inner.complete, request)
        except (openai.OpenAIError, MalformedResponseError) as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            waited = float(retrying.statistics.get("idle_for", 0.0))
            raise to_backend_error(
                exc,
                endpoint=self.endpoint,
                attempts=attempts,
                waited=waited,
                policy=self.policy,
                secrets=self._secrets,
                structured=(request.response_format or {}).get("type"),
            ) from exc

    def _count_retry(self, state: RetryCallState) -> None:
        sleep = state.upcoming_sleep
        self.usage.add(retries=1, seconds=sleep)
        exc = state.outcome.exception() if state.outcome is not None else None
        log.info(
            "model call failed (%s); retry %d of %d in %.1fs",
            _short(exc),
            state.attempt_number,
            self.policy.max_attempts - 1,
            sleep,
        )

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> RetryingBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _short(exc: BaseException | None) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return type(exc).__name__ if exc is not None else "unknown"

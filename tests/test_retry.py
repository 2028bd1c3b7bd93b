"""The retry layer: what is retried, how long it waits, the caps, and its error messages."""

from __future__ import annotations

import email.utils
import random
from collections.abc import Sequence

import httpx2
import openai
import pytest

from summarizer.errors import BackendError
from summarizer.transport.backend import ChatRequest, ChatResponse, Usage, describe_endpoint
from summarizer.transport.retry import (
    BackendCallError,
    RetryingBackend,
    RetryPolicy,
    is_retryable,
    parse_retry_after,
    redact,
)

URL = "http://127.0.0.1:8080/v1/chat/completions"
KEY = "sk-test-SECRET123456789"
REQUEST = ChatRequest(
    messages=({"role": "user", "content": "Summarise: the Elbe rose 7 metres in Dresden."},)
)


def status_error(
    status: int, headers: dict[str, str] | None = None, body: object = None
) -> openai.APIStatusError:
    request = httpx2.Request("POST", URL)
    response = httpx2.Response(status, headers=headers or {}, request=request)
    return openai.APIStatusError(f"HTTP {status}", response=response, body=body)


def connection_error() -> openai.APIConnectionError:
    return openai.APIConnectionError(request=httpx2.Request("POST", URL))


class FlakyBackend:
    """A single-attempt test backend: raises the scripted errors, then answers."""

    name = "flaky-test-model"

    def __init__(self, errors: list[Exception], answer: str = '{"events": []}') -> None:
        self.usage = Usage()
        self.errors = list(errors)
        self.answer = answer

    def complete(self, request: ChatRequest) -> ChatResponse:
        self.usage.add(calls=1)
        if self.errors:
            raise self.errors.pop(0)
        return ChatResponse(content=self.answer, prompt_tokens=20, completion_tokens=4)

    def close(self) -> None:
        """Nothing to release."""


def retrying(
    errors: Sequence[Exception], policy: RetryPolicy | None = None
) -> tuple[RetryingBackend, list[float]]:
    sleeps: list[float] = []
    backend = RetryingBackend(
        FlakyBackend(list(errors)),
        policy or RetryPolicy(max_attempts=4, max_total_wait=30, backoff_initial=0.5),
        endpoint="http://127.0.0.1:8080/v1",
        secrets=(KEY,),
        sleep=sleeps.append,
    )
    return backend, sleeps


NOW = 1_750_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "2"}, 2.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),  # milliseconds win
        ({"Retry-After": email.utils.formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"Retry-After": email.utils.formatdate(NOW - 30, usegmt=True)}, 0.0),  # past date
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, now=NOW) == expected


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (status_error(408), True),
        (status_error(409), True),
        (status_error(429), True),
        (status_error(500), True),
        (status_error(502), True),
        (status_error(503), True),
        (status_error(504), True),
        (status_error(400), False),
        (status_error(401), False),
        (status_error(403), False),
        (status_error(404), False),
        (status_error(422), False),
        (connection_error(), True),
        (openai.APITimeoutError(request=httpx2.Request("POST", URL)), True),
        (ValueError("bad json"), False),
    ],
)
def test_is_retryable(exc: Exception, expected: bool) -> None:
    assert is_retryable(exc) is expected


def test_retry_after_header_sets_the_wait() -> None:
    backend, sleeps = retrying([status_error(429, {"Retry-After": "2"})])
    response = backend.complete(REQUEST)
    assert response.content == '{"events": []}'
    assert len(sleeps) == 1
    assert 2.0 <= sleeps[0] <= 2.2  # the header, plus at most 10 % jitter
    assert (backend.usage.calls, backend.usage.retries) == (2, 1)
    assert backend.usage.seconds == pytest.approx(sleeps[0])


def test_without_header_backoff_is_jittered_exponential(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each wait is drawn uniformly from [0, window], the window doubling from
    ``backoff_initial`` up to ``backoff_max`` (full jitter). The draw is pinned to the top
    of its window here, so the windows themselves are checked, not just a bound."""
    drawn: list[tuple[float, float]] = []

    def top_of_window(low: float, high: float) -> float:
        drawn.append((low, high))
        return high

    monkeypatch.setattr(random, "uniform", top_of_window)
    policy = RetryPolicy(max_attempts=6, max_total_wait=100, backoff_initial=1.0, backoff_max=8)
    backend, sleeps = retrying([status_error(503)] * 5, policy)
    backend.complete(REQUEST)
    assert drawn == [(0, 1.0), (0, 2.0), (0, 4.0), (0, 8.0), (0, 8.0)]  # 2**n, capped at 8
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert backend.usage.retries == 5


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503])
def test_gives_up_after_max_attempts(status: int) -> None:
    policy = RetryPolicy(max_attempts=3, max_total_wait=60, backoff_initial=0.01)
    backend, sleeps = retrying([status_error(status)] * 5, policy)
    with pytest.raises(BackendCallError) as info:
        backend.complete(REQUEST)
    err = info.value
    assert isinstance(err, BackendError)
    assert err.status == status
    assert err.attempts == 3
    assert f"HTTP {status}" in str(err)
    assert "after 3 attempts" in str(err)
    assert "\n" not in str(err)
    assert (backend.usage.calls, backend.usage.retries, len(sleeps)) == (3, 2, 2)


def test_retry_after_beyond_the_wait_cap_gives_up_at_once() -> None:
    policy = RetryPolicy(max_attempts=5, max_total_wait=10)
    backend, sleeps = retrying([status_error(429, {"Retry-After": "300"})], policy)
    with pytest.raises(BackendCallError) as info:
        backend.complete(REQUEST)
    assert sleeps == []
    assert info.value.attempts == 1
    assert "asked to wait 300s" in str(info.value)
    assert "10s cap" in str(info.value)


def test_total_wait_cap_bounds_the_sum_of_sleeps() -> None:
    policy = RetryPolicy(max_attempts=10, max_total_wait=5)
    errors = [status_error(503, {"Retry-After": "2"})] * 10
    backend, sleeps = retrying(errors, policy)
    with pytest.raises(BackendCallError):
        backend.complete(REQUEST)
    assert len(sleeps) == 2  # 2 + 2 fits in 5; a third 2 s sleep would not
    assert sum(sleeps) <= 5


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        (400, "check --model"),
        (401, "check OPENAI_API_KEY"),
        (403, "OPENAI_API_KEY"),
        (404, "--base-url"),
        (422, "HTTP 422"),
    ],
)
def test_client_errors_are_not_retried(status: int, hint: str) -> None:
    body = {"error": {"message": f"Incorrect API key provided: {KEY}", "type": "invalid"}}
    backend, sleeps = retrying([status_error(status, body=body)])
    with pytest.raises(BackendCallError) as info:
        backend.complete(REQUEST)
    assert sleeps == []
    assert backend.usage.calls == 1
    assert info.value.status == status
    assert hint in str(info.value)
    assert KEY not in str(info.value)


def test_connection_errors_are_retried_then_reported() -> None:
    policy = RetryPolicy(max_attempts=2, max_total_wait=5, backoff_initial=0.01)
    backend, _ = retrying([connection_error()] * 3, policy)
    with pytest.raises(BackendCallError, match=r"cannot connect to http://127\.0\.0\.1:8080/v1"):
        backend.complete(REQUEST)
    assert backend.usage.calls == 2


def test_other_errors_pass_through_untouched() -> None:
    backend, sleeps = retrying([KeyError("scripted")])
    with pytest.raises(KeyError):
        backend.complete(REQUEST)
    assert sleeps == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (None, "https://api.openai.com/v1"),
        ("http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080/v1"),
        ("https://user:sk-inline@llm.example.org/v1", "https://llm.example.org/v1"),
    ],
)
def test_describe_endpoint_drops_credentials(url: str | None, expected: str) -> None:
    assert describe_endpoint(url) == expected


def test_redact() -> None:
    assert redact(f"bad key {KEY}!", (KEY, "")) == "bad key ***!"

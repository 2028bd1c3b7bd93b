"""The OpenAI-compatible backend against the local fake server: retries, mapping, keys."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from summarizer.config import LLMConfig
from summarizer.errors import ConfigError
from summarizer.testing.fakeserver import FakeOpenAIServer, FakeReply
from summarizer.transport.backend import Backend, ChatRequest, managed
from summarizer.transport.factory import make_backend
from summarizer.transport.openai_backend import NO_KEY_PLACEHOLDER, OpenAIBackend
from summarizer.transport.retry import BackendCallError, RetryPolicy

KEY = "sk-test-SECRET123456789"
FAST = RetryPolicy(max_attempts=3, max_total_wait=10, timeout=5, backoff_initial=0.01)
REQUEST = ChatRequest(
    messages=(
        {"role": "system", "content": "Report events as JSON."},
        {"role": "user", "content": "Polls closed at 8 pm; turnout reached 61 percent."},
    ),
    max_tokens=200,
)


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(content='{"events": []}') as fake:
        yield fake


def backend_for(server: FakeOpenAIServer, policy: RetryPolicy = FAST, **config: Any) -> Backend:
    llm = LLMConfig(model="local", base_url=server.base_url, **config)
    return make_backend(llm, policy=policy)


def test_429_with_retry_after_2_then_200(server: FakeOpenAIServer) -> None:
    """The issue's check: succeeds after waiting at least 2 s; usage counts both attempts."""
    server.push(FakeReply(status=429, headers={"Retry-After": "2"}), FakeReply(content="done"))
    backend = backend_for(server, RetryPolicy(max_attempts=3, max_total_wait=10))
    started = time.monotonic()
    response = backend.complete(REQUEST)
    assert response.content == "done"
    assert time.monotonic() - started >= 2.0
    first, second = server.requests
    assert second.at - first.at >= 2.0
    assert (backend.usage.calls, backend.usage.retries) == (2, 1)
    assert backend.usage.prompt_tokens == response.prompt_tokens > 0
    assert backend.usage.seconds >= 2.0


@pytest.mark.parametrize("status", [500, 502, 503, 408, 409])
def test_transient_status_then_200(server: FakeOpenAIServer, status: int) -> None:
    server.push(status)
    backend = backend_for(server)
    assert backend.complete(REQUEST).content == '{"events": []}'
    assert server.count("/v1/chat/completions") == 2
    assert (backend.usage.calls, backend.usage.retries) == (2, 1)


@pytest.mark.parametrize(
    "fault",
    [FakeReply(drop=True), FakeReply(truncate=True)],
    ids=["connection closed without answer", "reset mid-body"],
)
def test_broken_connections_are_retried(server: FakeOpenAIServer, fault: FakeReply) -> None:
    server.push(fault)
    backend = backend_for(server)
    assert backend.complete(REQUEST).content == '{"events": []}'
    assert server.count() == 2


@pytest.mark.parametrize("raw", [b'{"id": "x", "choices": [', b"<html>Bad gateway</html>"])
def test_malformed_body_is_retried_then_reported(server: FakeOpenAIServer, raw: bytes) -> None:
    server.push(FakeReply(raw=raw))
    backend = backend_for(server)
    assert backend.complete(REQUEST).content == '{"events": []}'
    server.push(*[FakeReply(raw=raw)] * 3)
    with pytest.raises(BackendCallError, match=r"malformed response after 3 attempts"):
        backend.complete(REQUEST)
    assert server.count() == 5


def test_400_is_not_retried(server: FakeOpenAIServer) -> None:
    server.push(400)
    backend = backend_for(server)
    with pytest.raises(BackendCallError) as info:
        backend.complete(REQUEST)
    assert info.value.status == 400
    assert server.count() == 1
    assert (backend.usage.calls, backend.usage.retries) == (1, 0)


def test_401_names_the_variable_and_hides_the_key(server: FakeOpenAIServer) -> None:
    body = {"error": {"message": f"Incorrect API key provided: {KEY}", "code": "invalid_api_key"}}
    server.push(FakeReply(status=401, body=body))
    backend = backend_for(server, api_key=KEY)
    with pytest.raises(BackendCallError) as info:
        backend.complete(REQUEST)
    assert "check OPENAI_API_KEY" in str(info.value)
    assert KEY not in str(info.value)
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_persistent_500_gives_up_within_caps(server: FakeOpenAIServer) -> None:
    server.push(500, 500, 500, 500)
    backend = backend_for(server)
    with pytest.raises(BackendCallError, match=r"HTTP 500 after 3 attempts"):
        backend.complete(REQUEST)
    assert server.count() == 3
    assert (backend.usage.calls, backend.usage.retries) == (3, 2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_retried_then_backend_error() -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    backend = make_backend(LLMConfig(model="local", base_url=base_url), policy=FAST)
    with pytest.raises(BackendCallError) as info:
        backend.complete(REQUEST)
    assert f"cannot connect to {base_url}" in str(info.value)
    assert "after 3 attempts" in str(info.value)
    assert (backend.usage.calls, backend.usage.retries) == (3, 2)


def test_read_timeout_is_retried_then_reported(server: FakeOpenAIServer) -> None:
    server.push(FakeReply(delay=1.5), FakeReply(delay=1.5))
    policy = RetryPolicy(max_attempts=2, max_total_wait=5, timeout=0.3, backoff_initial=0.01)
    backend = backend_for(server, policy, timeout=0.3)
    with pytest.raises(BackendCallError, match=r"within the 0.3s timeout after 2 attempts"):
        backend.complete(REQUEST)


def test_request_mapping(server: FakeOpenAIServer) -> None:
    schema = {"type": "json_object", "schema": {"type": "object", "maxProperties": 3}}
    request = ChatRequest(
        messages=REQUEST.messages, response_format=schema, max_tokens=300, seed=7, temperature=0.2
    )
    backend_for(server).complete(request)
    body = server.requests[0].body
    assert body["model"] == "local"
    assert body["messages"] == [dict(m) for m in REQUEST.messages]
    assert body["response_format"] == schema
    assert body["max_tokens"] == 300  # compatible servers get max_tokens
    assert "max_completion_tokens" not in body
    assert (body["seed"], body["temperature"]) == (7, 0.2)


def test_openai_host_gets_max_completion_tokens() -> None:
    backend = OpenAIBackend(LLMConfig(model="gpt-4o-mini", api_key=KEY))
    params = backend.params(ChatRequest(messages=REQUEST.messages, seed=None))
    assert params["max_completion_tokens"] == 1024
    assert "max_tokens" not in params and "seed" not in params


@pytest.mark.parametrize(
    ("reply", "content", "finish", "refusal"),
    [
        (FakeReply(content="[1]", finish_reason="length"), "[1]", "length", None),
        (
            FakeReply(content="", refusal="I can't help with that."),
            "",
            "stop",
            "I can't help with that.",
        ),
        (FakeReply(content="Turnout: 61 %"), "Turnout: 61 %", "stop", None),
    ],
)
def test_response_mapping(
    server: FakeOpenAIServer, reply: FakeReply, content: str, finish: str, refusal: str | None
) -> None:
    server.push(
        FakeReply(
            content=reply.content,
            finish_reason=reply.finish_reason,
            refusal=reply.refusal,
            prompt_tokens=120,
            completion_tokens=9,
        )
    )
    backend = backend_for(server)
    response = backend.complete(REQUEST)
    assert (response.content, response.finish_reason, response.refusal) == (
        content,
        finish,
        refusal,
    )
    assert (response.prompt_tokens, response.completion_tokens) == (120, 9)
    assert (backend.usage.prompt_tokens, backend.usage.completion_tokens) == (120, 9)


def test_empty_choices_is_a_backend_error(server: FakeOpenAIServer) -> None:
    server.push(
        FakeReply(body={"id": "x", "object": "chat.completion", "model": "m", "choices": []})
    )
    with pytest.raises(BackendCallError, match="no choices"):
        backend_for(server).complete(REQUEST)


def test_local_server_needs_no_key(server: FakeOpenAIServer) -> None:
    backend_for(server).complete(REQUEST)
    assert server.requests[0].headers["authorization"] == f"Bearer {NO_KEY_PLACEHOLDER}"


@pytest.mark.parametrize("base_url", [None, "https://api.openai.com/v1"])
def test_openai_host_without_key_is_a_config_error(base_url: str | None) -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        make_backend(LLMConfig(model="gpt-4o-mini", base_url=base_url))


def test_factory_result_is_a_backend_and_closes(server: FakeOpenAIServer) -> None:
    with managed(backend_for(server)) as backend:
        assert isinstance(backend, Backend)
        assert backend.name == "local"


def test_fake_server_lists_models(server: FakeOpenAIServer) -> None:
    client = openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0)
    assert [m.id for m in client.models.list()] == ["fake-model"]
    assert server.count("/v1/models") == 1


def test_key_never_reaches_the_logs(
    server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    body = {"error": {"message": f"Incorrect API key provided: {KEY}"}}
    server.push(503, FakeReply(status=401, body=body))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(BackendCallError):
        backend_for(server, api_key=KEY).complete(REQUEST)
    assert "retry 1 of 2" in caplog.text  # the retry layer did log
    assert KEY not in caplog.text

"""A server's refusal of the request itself is not an outage (issue 10 item 12).

Repro kept as a test: llama.cpp's server answers ``--structured json_schema`` with HTTP
500 and a request-validation body; each call was retried 5 times (about 10 s of waiting
a call) before the run failed with exit 4. Such an error is not transient: that mode
fails at once, and with ``--structured auto`` the client falls back to the next mode
for the rest of the run.

:data:`LLAMA_REFUSAL` is the body the real llama-cpp-python server (0.3.x) sent for a
``json_schema`` request (captured from it; the traceback's file path left out).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from reliability_helpers import (
    ARTICLES,
    FLOOD,
    RoutedFakeServer,
    llm_args,
    run_cli,
    write_articles,
)
from test_retry import REQUEST, retrying, status_error

from summarizer.config import LLMConfig, StructuredMode
from summarizer.engines.llm.client import ask
from summarizer.errors import EXIT_OK, EXIT_PARTIAL
from summarizer.testing.fakeserver import FakeReply, ReceivedRequest
from summarizer.transport.backend import ChatRequest, ChatResponse, Usage
from summarizer.transport.retry import BackendCallError, RetryPolicy, is_refusal, is_retryable
from summarizer.transport.schemas import SynthesisOut

LLAMA_REFUSAL = {
    "error": {
        "message": (
            "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', "
            "'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", "
            "'input': 'json_schema', 'ctx': {'expected': \"'text' or 'json_object'\"}}\n\n"
            "    POST /v1/chat/completions"
        ),
        "type": "internal_server_error",
        "param": None,
        "code": None,
    }
}
OUTAGES = [
    {"error": {"message": "CUDA out of memory", "type": "server_error"}},
    {"error": {"message": "upstream connect error or disconnect/reset before headers"}},
    None,
]


def test_a_validation_500_is_a_refusal_not_an_outage() -> None:
    refused = status_error(500, body=LLAMA_REFUSAL)
    assert is_refusal(refused) and not is_retryable(refused)
    for body in OUTAGES:
        outage = status_error(500, body=body)
        assert is_retryable(outage) and not is_refusal(outage)


def test_a_refusal_is_not_retried() -> None:
    policy = RetryPolicy(max_attempts=5, max_total_wait=60, backoff_initial=0.01)
    backend, sleeps = retrying([status_error(500, body=LLAMA_REFUSAL)] * 5, policy)
    schema = {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}
    with pytest.raises(BackendCallError) as info:
        backend.complete(replace(REQUEST, response_format=schema))  # what llama.cpp refused
    assert sleeps == [] and backend.usage.calls == 1
    assert info.value.refused
    message = str(info.value)
    assert "refused the request (HTTP 500" in message and "Input should be" in message
    assert "try --structured json_object or prompt" in message and "\n" not in message


def test_json_schema_refused_fails_the_run_at_once(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in", {"delta-flood": FLOOD})
    refuse = FakeReply(status=500, body=LLAMA_REFUSAL)
    with RoutedFakeServer({"delta-flood": [refuse]}) as server:
        args = ["brief", str(folder), *llm_args(server.base_url), "--no-store"]
        result = run_cli([*args, "--structured", "json_schema"], env={"OPENAI_API_KEY": "k"})
        extract_calls = len(server.requests_for("delta-flood"))
    assert result.exit_code == EXIT_PARTIAL, result.stderr  # the extractive brief (issue 13)
    assert extract_calls == 1  # not 5 attempts with backoff
    assert "refused the request" in result.stderr


# --------------------------------------------------------------------------- auto falls back


class JsonObjectRefusingServer(RoutedFakeServer):
    """The fake server (scripted test model), but refusing ``json_object`` requests as
    llama.cpp refuses ``json_schema`` (a 500 with a validation body)."""

    def _record(self, request: ReceivedRequest, *, scheduled: bool = True) -> FakeReply:
        reply = super()._record(request, scheduled=scheduled)
        body = request.body if isinstance(request.body, dict) else {}
        if (body.get("response_format") or {}).get("type") == "json_object":
            return FakeReply(status=500, body=LLAMA_REFUSAL)
        return reply


def test_auto_falls_back_to_the_next_mode_for_the_rest_of_the_run(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in")
    with JsonObjectRefusingServer({}) as server:
        args = ["brief", str(folder), *llm_args(server.base_url), "--no-store"]
        args += ["--structured", "auto", "--concurrency", "1", "-f", "json"]
        result = run_cli(args, env={"OPENAI_API_KEY": "k"})
        modes = [((r.body or {}).get("response_format") or {}).get("type") for r in server.requests]
    assert result.exit_code == EXIT_OK, result.stderr
    assert modes.count("json_object") == 1  # refused once, never asked again
    assert len(modes) == len(ARTICLES) + 2  # + the refused call; + the synthesis
    assert "using prompt for the rest of the run" in result.stderr
    assert json.loads(result.stdout)["sources"]


class ModeRefusingBackend:
    """A scripted test backend: refuses ``json_schema`` requests as a server would
    (a refusal from the transport), answers the others."""

    name = "refusing-test-model"

    def __init__(self) -> None:
        self.usage = Usage()
        self.requests: list[ChatRequest] = []

    def complete(self, request: ChatRequest) -> ChatResponse:
        self.requests.append(request)
        if (request.response_format or {}).get("type") == "json_schema":
            raise BackendCallError("refused the request (HTTP 500)", status=500, refused=True)
        return ChatResponse(content='{"headline": "h", "key_developments": []}')

    def close(self) -> None:
        pass


def test_auto_on_an_openai_host_goes_json_schema_then_json_object() -> None:
    backend = ModeRefusingBackend()
    config = LLMConfig(model="gpt-4o-mini", api_key="k")  # OpenAI's host: json_schema first
    variables = {"timeline": [{"date": "2024-01-01", "sources": ["s1"], "text": "x"}]}
    for _ in range(2):
        ask(backend, "synthesis", variables, SynthesisOut, config)
    types = [(r.response_format or {}).get("type") for r in backend.requests]
    assert types == ["json_schema", "json_object", "json_object"]


def test_an_explicit_mode_is_not_switched(tmp_path: Path) -> None:
    backend = ModeRefusingBackend()
    config = LLMConfig(model="gpt-4o-mini", api_key="k", structured=StructuredMode.JSON_SCHEMA)
    variables = {"timeline": [{"date": "2024-01-01", "sources": ["s1"], "text": "x"}]}
    with pytest.raises(BackendCallError):
        ask(backend, "synthesis", variables, SynthesisOut, config)
    assert len(backend.requests) == 1

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

from pathlib import Path

import pytest
from reliability_helpers import FLOOD, RoutedFakeServer, llm_args, run_cli, write_articles
from test_retry import REQUEST, retrying, status_error

from summarizer.errors import EXIT_BACKEND
from summarizer.testing.fakeserver import FakeReply
from summarizer.transport.retry import BackendCallError, RetryPolicy, is_refusal, is_retryable

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
    with pytest.raises(BackendCallError) as info:
        backend.complete(REQUEST)
    assert sleeps == [] and backend.usage.calls == 1
    assert info.value.refused
    message = str(info.value)
    assert "refused the request (HTTP 500" in message and "Input should be" in message
    assert "--structured" in message and "\n" not in message


def test_json_schema_refused_fails_the_run_at_once(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in", {"delta-flood": FLOOD})
    refuse = FakeReply(status=500, body=LLAMA_REFUSAL)
    with RoutedFakeServer({"delta-flood": [refuse]}) as server:
        args = ["brief", str(folder), *llm_args(server.base_url), "--no-store"]
        result = run_cli([*args, "--structured", "json_schema"], env={"OPENAI_API_KEY": "k"})
        extract_calls = len(server.requests_for("delta-flood"))
    assert result.exit_code == EXIT_BACKEND, result.stderr
    assert extract_calls == 1  # not 5 attempts with backoff
    assert "refused the request" in result.stderr

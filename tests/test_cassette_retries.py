"""A recording made through failed attempts replays exactly: the brief's usage line included.

A timed-out attempt gets no HTTP answer, so vcrpy has nothing to record; the
cassette notes it (a marked HTTP 599 interaction) and the replay fails that
attempt the same way, so "3 calls (1 retries)" stays "3 calls (1 retries)".
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from summarizer import cli
from summarizer.config import LLMConfig
from summarizer.errors import EXIT_OK
from summarizer.testing.fakeserver import FakeOpenAIServer, FakeReply, extraction_responder
from summarizer.transport.backend import ChatRequest, managed
from summarizer.transport.cassette import FAILED_ATTEMPT_HEADER
from summarizer.transport.factory import make_backend
from summarizer.transport.retry import RetryPolicy

ARTICLE = (
    "date: 2024-03-12\n"
    "The Orlen dam on the Vasta river gave way on Monday night, flooding 220 homes in "
    "the village of Kirrow, the regional governor said on Tuesday.\n\n"
    "Rescue boats moved 900 residents to the school in Lanton overnight.\n"
)
FAST = RetryPolicy(max_attempts=3, max_total_wait=10, timeout=1.0, backoff_initial=0.01)


def test_a_timed_out_attempt_is_noted_and_replays_as_a_timeout(tmp_path: Path) -> None:
    cassette = tmp_path / "flaky.yaml"
    request = ChatRequest(messages=({"role": "user", "content": "Name the river."},))
    with FakeOpenAIServer([FakeReply(delay=2.5)], content='{"river": "Vasta"}') as server:
        config = LLMConfig(model="local", base_url=server.base_url, timeout=1.0, record=cassette)
        with managed(make_backend(config, policy=FAST)) as backend:
            recorded = backend.complete(request)
        assert (backend.usage.calls, backend.usage.retries) == (2, 1)
        base_url = server.base_url
    interactions = yaml.safe_load(cassette.read_text(encoding="utf-8"))["interactions"]
    assert [i["response"]["status"]["code"] for i in interactions] == [599, 200]
    assert interactions[0]["response"]["headers"][FAILED_ATTEMPT_HEADER] == ["timeout"]
    assert json.loads(interactions[0]["request"]["body"]) == json.loads(
        interactions[1]["request"]["body"]
    )
    replay = LLMConfig(model="local", base_url=base_url, timeout=1.0, replay=cassette)
    with managed(make_backend(replay, policy=FAST)) as backend:
        assert backend.complete(request) == recorded
    assert (backend.usage.calls, backend.usage.retries) == (2, 1)


def test_a_recording_with_a_timeout_replays_byte_identically(tmp_path: Path) -> None:
    """Record the CLI's brief through a server whose first answer comes too late (one
    timeout, then success), then replay it with no server: the same bytes."""
    (tmp_path / "dam.txt").write_text(ARTICLE, encoding="utf-8")
    cassette = tmp_path / "run.yaml"
    recorded, replayed = tmp_path / "recorded.md", tmp_path / "replayed.md"
    runner = CliRunner()
    args = ["brief", str(tmp_path / "dam.txt"), "--engine", "llm", "--model", "fake"]
    args += ["--no-cache", "--timeout", "1"]
    late = FakeReply(delay=2.5)
    with FakeOpenAIServer([late], responder=extraction_responder) as server:
        base = [*args, "--base-url", server.base_url]
        result = runner.invoke(cli.app, [*base, "--record", str(cassette), "-o", str(recorded)])
        assert result.exit_code == EXIT_OK, result.output
    brief = recorded.read_text(encoding="utf-8")
    assert "Model usage: 3 calls (1 retry)" in brief
    result = runner.invoke(cli.app, [*base, "--replay", str(cassette), "-o", str(replayed)])
    assert result.exit_code == EXIT_OK, result.output
    assert replayed.read_bytes() == recorded.read_bytes()

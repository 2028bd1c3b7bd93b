"""Record and replay: round trip against the fake server, secrets filtered, misses fail clearly."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import cast

import openai
import pytest
import vcr
from openai.types.chat import ChatCompletionMessageParam
from vcr.request import Request

from summarizer.config import LLMConfig
from summarizer.errors import BackendError, ConfigError, ReplayMissError
from summarizer.testing.fakeserver import FakeOpenAIServer, FakeReply
from summarizer.transport.backend import Backend, ChatRequest, managed
from summarizer.transport.cassette import (
    MATCH_ON,
    CassetteBackend,
    CassetteSession,
    UnplayedCassetteError,
    assert_fully_played,
    cassette_session,
    json_body,
    register_matchers,
    vcr_config,
)
from summarizer.transport.factory import make_backend
from summarizer.transport.retry import RetryPolicy

KEY = "sk-test-SECRET123456789abcdef"
FAST = RetryPolicy(max_attempts=3, max_total_wait=5, timeout=5, backoff_initial=0.01)


def ask(text: str) -> ChatRequest:
    return ChatRequest(
        messages=(
            {"role": "system", "content": "List the events as JSON."},
            {"role": "user", "content": text},
        ),
        response_format={"type": "json_object"},
    )


REQUESTS = [
    ask("Results: the Greens won 31 of 120 seats in Tuesday's city election."),
    ask(
        "Aftershocks of magnitude 5.1 followed the quake near Izmir — ‘no damage’, officials said."
    ),
]


def echo(body: dict) -> str:
    return json.dumps({"events": [{"quote": body["messages"][-1]["content"][:30]}]})


def record(path: Path, requests: list[ChatRequest], *replies: FakeReply) -> tuple[list, str]:
    """Run ``requests`` against a fresh fake server with --record; return responses, base URL."""
    with FakeOpenAIServer(replies, responder=echo) as server:
        config = LLMConfig(model="local", base_url=server.base_url, api_key=KEY, record=path)
        with managed(make_backend(config, policy=FAST)) as backend:
            responses = [backend.complete(r) for r in requests]
        return responses, server.base_url


def replay_backend(path: Path, base_url: str = "http://127.0.0.1:9/v1") -> Backend:
    config = LLMConfig(model="local", base_url=base_url, api_key=KEY, replay=path)
    return make_backend(config, policy=FAST)


def test_round_trip_replays_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassette = tmp_path / "election.yaml"
    retry_first = FakeReply(status=429, headers={"Retry-After": "1"})
    recorded, base_url = record(cassette, REQUESTS, retry_first)
    # the server is stopped now: the replay cannot reach it
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with managed(replay_backend(cassette, base_url)) as backend:
        replayed = [backend.complete(r) for r in REQUESTS]
    assert replayed == recorded
    assert (backend.usage.calls, backend.usage.retries) == (3, 1)  # the 429 replays too
    assert slept == []  # no server to wait for: the Retry-After is not slept


def test_replay_ignores_host_and_port(tmp_path: Path) -> None:
    cassette = tmp_path / "quake.yaml"
    recorded, _ = record(cassette, REQUESTS[:1])
    with managed(replay_backend(cassette, "https://llm.example.org:8443/v1")) as backend:
        assert backend.complete(REQUESTS[0]) == recorded[0]


def test_raw_response_bytes_are_identical(tmp_path: Path) -> None:
    cassette = tmp_path / "raw.yaml"
    messages: list[ChatCompletionMessageParam] = [
        {"role": "user", "content": "Floodwater reached 2 m in Grimma."}
    ]
    with FakeOpenAIServer(content="Pegel: 2 m — “Rekord”") as server:
        client = openai.OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)
        with cassette_session(record=cassette, secrets=(KEY,)):
            live = client.chat.completions.with_raw_response.create(model="m", messages=messages)
            live_bytes = live.http_response.content
    with cassette_session(replay=cassette, secrets=(KEY,)):
        again = client.chat.completions.with_raw_response.create(model="m", messages=messages)
        assert again.http_response.content == live_bytes
        assert again.http_response.status_code == 200


def test_secrets_never_reach_the_cassette(tmp_path: Path) -> None:
    cassette = tmp_path / "secrets.yaml"
    leaky = {
        "Set-Cookie": "session=COOKIE-SECRET-42",
        "openai-organization": "org-SECRET-ORG",
        "OpenAI-Project": "proj_SECRET",
    }
    body = {"error": {"message": f"Incorrect API key provided: {KEY}"}}
    with FakeOpenAIServer([FakeReply(headers=leaky), FakeReply(status=401, body=body)]) as server:
        client = openai.OpenAI(
            base_url=server.base_url,
            api_key=KEY,
            max_retries=0,
            default_headers={"api-key": KEY, "OpenAI-Organization": "org-SECRET-ORG"},
        )
        with cassette_session(record=cassette, secrets=(KEY,)):
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
            with pytest.raises(openai.AuthenticationError):
                client.chat.completions.create(
                    model="m", messages=[{"role": "user", "content": "again"}]
                )
        assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"  # it was sent
    text = cassette.read_text(encoding="utf-8")
    assert "interactions" in text and "again" in text  # both exchanges were recorded
    assert "SECRET" not in text
    for header in ("authorization", "api-key", "set-cookie", "openai-organization", "project"):
        assert header not in text.lower()
    assert "<REDACTED>" in text  # the key echoed in the 401 body was replaced


def test_backend_records_without_key(tmp_path: Path) -> None:
    cassette = tmp_path / "backend.yaml"
    record(cassette, REQUESTS)
    assert KEY not in cassette.read_text(encoding="utf-8")
    assert "SECRET" not in cassette.read_text(encoding="utf-8")


def test_missing_request_raises_replay_miss(tmp_path: Path) -> None:
    cassette = tmp_path / "partial.yaml"
    record(cassette, REQUESTS[:1])
    backend = replay_backend(cassette)
    with pytest.raises(ReplayMissError) as info:
        backend.complete(REQUESTS[1])
    message = str(info.value)
    assert message == (
        f"request POST /v1/chat/completions has no recording in {cassette}; "
        f"re-record with --record {cassette}"
    )
    assert backend.usage.calls == 1  # not retried
    assert isinstance(backend, CassetteBackend)
    backend.inner.close()  # the transport, without the cassette's played-in-full check


def test_unplayed_recordings_fail_on_close(tmp_path: Path) -> None:
    cassette = tmp_path / "two.yaml"
    record(cassette, REQUESTS)
    backend = replay_backend(cassette)
    backend.complete(REQUESTS[0])
    with pytest.raises(UnplayedCassetteError, match=r"1 recorded request\(s\) in .* re-record"):
        backend.close()


def test_each_recording_plays_once(tmp_path: Path) -> None:
    cassette = tmp_path / "once.yaml"
    record(cassette, REQUESTS[:1])
    with managed(replay_backend(cassette)) as backend:
        backend.complete(REQUESTS[0])
        with pytest.raises(ReplayMissError):
            backend.complete(REQUESTS[0])


def test_same_file_for_record_and_replay_adds_new_episodes(tmp_path: Path) -> None:
    cassette = tmp_path / "grow.yaml"
    record(cassette, REQUESTS[:1])
    with FakeOpenAIServer(responder=echo) as server:
        config = LLMConfig(
            model="local", base_url=server.base_url, record=cassette, replay=cassette
        )
        with managed(make_backend(config, policy=FAST)) as backend:
            for request in REQUESTS:
                backend.complete(request)
        assert server.count() == 1  # only the new request went to the server
    with managed(replay_backend(cassette)) as backend:
        for request in REQUESTS:
            backend.complete(request)


def test_record_replaces_an_old_cassette_only_when_complete(tmp_path: Path) -> None:
    cassette = tmp_path / "old.yaml"
    cassette.write_text("old cassette\n", encoding="utf-8")
    with FakeOpenAIServer() as server:
        config = LLMConfig(model="local", base_url=server.base_url, record=cassette)
        backend = make_backend(config, policy=FAST)
        backend.complete(REQUESTS[0])
        assert cassette.read_text(encoding="utf-8") == "old cassette\n"
        backend.close()
    assert "chat/completions" in cassette.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*recording"))


def test_record_with_no_calls_writes_an_empty_cassette(tmp_path: Path) -> None:
    cassette = tmp_path / "sub" / "empty.yaml"
    with cassette_session(record=cassette):
        pass
    with cassette_session(replay=cassette) as session:
        assert session is not None
    assert "interactions: []" in cassette.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("record_name", "replay_name", "message"),
    [
        (None, "missing.yaml", "no such cassette"),
        ("a.yaml", "b.yaml", "not both"),
        (None, None, "needs --record"),
    ],
)
def test_session_arguments(
    tmp_path: Path, record_name: str | None, replay_name: str | None, message: str
) -> None:
    (tmp_path / "b.yaml").write_text("interactions: []\nversion: 1\n", encoding="utf-8")
    rec = tmp_path / record_name if record_name else None
    rep = tmp_path / replay_name if replay_name else None
    with pytest.raises(ConfigError, match=message):
        CassetteSession(rec, rep)


def test_no_cassette_is_a_no_op() -> None:
    with cassette_session() as session:
        assert session is None


def test_run_errors_win_over_unplayed_errors(tmp_path: Path) -> None:
    cassette = tmp_path / "err.yaml"
    record(cassette, REQUESTS)
    backend = replay_backend(cassette)
    assert isinstance(backend, CassetteBackend)
    with pytest.raises(RuntimeError, match="engine failed"), backend:
        raise RuntimeError("engine failed")


def vcr_request(body: bytes | None) -> Request:
    return Request("POST", "http://127.0.0.1:1/v1/chat/completions", body, {})


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        (b'{"model": "m", "seed": 0}', b'{"seed":0,"model":"m"}', True),  # key order, spaces
        (b'{"model": "m", "seed": 0}', b'{"model": "m", "seed": 1}', False),
        (b'{"messages": [1, 2]}', b'{"messages": [2, 1]}', False),  # list order matters
        (b"plain text", b"plain text", True),
        (b"plain text", b"other text", False),
        (None, b"", True),
    ],
)
def test_json_body_matcher(a: bytes | None, b: bytes | None, match: bool) -> None:
    if match:
        json_body(vcr_request(a), vcr_request(b))
    else:
        with pytest.raises(AssertionError):
            json_body(vcr_request(a), vcr_request(b))


def test_vcr_config_works_with_a_plain_vcr(tmp_path: Path) -> None:
    """The dict pytest-recording would use: valid for VCR.use_cassette once registered."""
    cassette = tmp_path / "plain.yaml"
    record(cassette, REQUESTS[:1])
    config = vcr_config()
    assert config["match_on"] == MATCH_ON
    assert "authorization" in config["filter_headers"]
    assert config["allow_playback_repeats"] is False
    recorder = register_matchers(vcr.VCR())
    client = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="x", max_retries=0)
    with recorder.use_cassette(str(cassette), record_mode="none", **config) as played:
        client.chat.completions.create(
            model="local",
            messages=cast("list[ChatCompletionMessageParam]", list(REQUESTS[0].messages)),
            response_format={"type": "json_object"},
            temperature=0.0,
            max_tokens=1024,
            seed=0,
        )
        assert played.all_played
        assert_fully_played(played)


def test_assert_fully_played_catches_leftovers(tmp_path: Path) -> None:
    cassette = tmp_path / "left.yaml"
    record(cassette, REQUESTS)
    recorder = register_matchers(vcr.VCR())
    with recorder.use_cassette(str(cassette), record_mode="none", **vcr_config()) as played:
        pass
    with pytest.raises(UnplayedCassetteError, match=r"^2 recorded request\(s\)"):
        assert_fully_played(played)


def test_unplayed_error_is_a_backend_error() -> None:
    assert issubclass(UnplayedCassetteError, BackendError)

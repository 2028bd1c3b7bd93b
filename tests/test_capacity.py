"""Calls in flight that adapt to the server: slots it reports, overload, queue-aware timeouts.

The fake server stands in for a local inference server: ``slots=N`` computes N
requests at once and queues the rest; ``advertise_slots`` answers llama.cpp's
``/props`` and ``/slots``. Timing margins are wide (each call is 0.3 s, timeouts
are at least 1 s); the assertions are about attempts, never about durations.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from summarizer.config import LLMConfig
from summarizer.testing.fakeserver import FakeOpenAIServer, FakeReply
from summarizer.transport.backend import ChatRequest
from summarizer.transport.capacity import (
    DEFAULT_CONCURRENCY,
    CallLimiter,
    ServerInfo,
    calls_in_flight,
    is_self_hosted,
    plan_limit,
    probe_server,
    server_root,
)
from summarizer.transport.factory import make_backend
from summarizer.transport.openai_backend import OpenAIBackend
from summarizer.transport.retry import RetryingBackend, RetryPolicy

ONCE = RetryPolicy(max_attempts=3, max_total_wait=5, timeout=1.0, backoff_initial=0.01)


def ask(i: int) -> ChatRequest:
    return ChatRequest(messages=({"role": "user", "content": f"question {i}"},))


# --------------------------------------------------------------------------- probing


def fetch_from(answers: dict[str, Any]) -> Callable[[str], Any]:
    def fetch(url: str) -> Any:
        if url not in answers:
            raise RuntimeError("HTTP 404")
        return answers[url]

    return fetch


def test_llama_cpp_props_give_slots_and_context() -> None:
    props = {"total_slots": 2, "default_generation_settings": {"n_ctx": 4096}}
    info = probe_server(
        "http://127.0.0.1:8080/v1", fetch_from({"http://127.0.0.1:8080/props": props})
    )
    assert (info.slots, info.context, info.source) == (2, 4096, "GET /props")


def test_slots_endpoint_when_props_is_missing() -> None:
    slots = [{"id": 0, "n_ctx": 2048}, {"id": 1, "n_ctx": 2048}, {"id": 2, "n_ctx": 2048}]
    info = probe_server("http://gpu-box:8080/v1", fetch_from({"http://gpu-box:8080/slots": slots}))
    assert (info.slots, info.context) == (3, 2048)


def test_vllm_models_give_context_only() -> None:
    models = {"data": [{"id": "m", "max_model_len": 32768}]}
    info = probe_server(
        "http://10.0.0.5:8000/v1", fetch_from({"http://10.0.0.5:8000/v1/models": models})
    )
    assert (info.slots, info.context) == (None, 32768)


def test_nothing_reported_is_an_empty_answer() -> None:
    assert probe_server("http://127.0.0.1:9/v1", fetch_from({})) == ServerInfo()
    odd = {"http://127.0.0.1:9/props": {"total_slots": "many"}, "http://127.0.0.1:9/slots": []}
    assert probe_server("http://127.0.0.1:9/v1", fetch_from(odd)).slots is None


def test_server_root_drops_the_api_prefix() -> None:
    assert server_root("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080"
    assert server_root("http://host/llm/v1/") == "http://host/llm"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8080/v1", True),
        ("http://localhost:11434/v1", True),
        ("http://[::1]:8000/v1", True),
        ("http://192.168.1.20:8080/v1", True),
        ("http://gpu-box:8080/v1", True),
        ("http://studio.local:1234/v1", True),
        ("https://api.openai.com/v1", False),
        ("https://example-resource.openai.azure.com/openai", False),
        ("http://8.8.8.8/v1", False),
    ],
)
def test_self_hosted_servers(url: str, local: bool) -> None:
    assert is_self_hosted(url) is local


# --------------------------------------------------------------------------- the limit


def test_the_limit_starts_from_the_flag_never_above_the_servers_slots() -> None:
    assert plan_limit(4, None) == 4
    assert plan_limit(4, 1) == 1
    assert plan_limit(2, 8) == 2
    assert plan_limit(None, 8) == 8  # no flag: the server's slots
    assert plan_limit(None, None) == DEFAULT_CONCURRENCY
    assert plan_limit(None, 500) == 16  # capped without a flag


def test_overload_halves_once_per_burst_and_successes_raise_it_again() -> None:
    limiter = CallLimiter(8)
    permits = [limiter.acquire() for _ in range(8)]
    for permit in permits[:4]:  # a burst of timeouts: one cut, not four
        limiter.release(permit, overloaded=True)
    assert (limiter.limit, limiter.cuts) == (4, 1)
    for permit in permits[4:]:
        limiter.release(permit, ok=True)
    assert limiter.limit == 5  # four successes at limit 4: one step up
    again = limiter.acquire()
    limiter.release(again, overloaded=True)  # sent after the cut: cuts again
    assert limiter.limit == 2
    for _ in range(40):
        limiter.release(limiter.acquire(), ok=True)
    assert limiter.limit == 8  # back to where it started, not beyond


def test_acquire_waits_while_the_limit_is_reached() -> None:
    limiter = CallLimiter(1)
    first = limiter.acquire()
    got: list[int] = []
    waiter = threading.Thread(target=lambda: got.append(limiter.acquire().in_flight))
    waiter.start()
    waiter.join(0.2)
    assert got == []  # still waiting for the one slot
    limiter.release(first, ok=True)
    waiter.join(5)
    assert got == [1]


def test_queue_aware_timeouts_only_without_reported_slots() -> None:
    unknown = CallLimiter(4, queue_aware=True)
    permits = [unknown.acquire() for _ in range(3)]
    assert [p.timeout_factor for p in permits] == [4, 4, 4]
    for permit in permits:
        unknown.release(permit, overloaded=True)
    assert unknown.acquire().timeout_factor == 2  # the limit was cut
    known = CallLimiter(4, queue_aware=True, probe=lambda: ServerInfo(slots=4))
    assert [known.acquire().timeout_factor for _ in range(3)] == [1, 1, 1]
    hosted = CallLimiter(4, queue_aware=False)
    assert [hosted.acquire().timeout_factor for _ in range(3)] == [1, 1, 1]


# ------------------------------------------------------------------ against the fake server


def test_the_servers_reported_slots_cap_calls_in_flight() -> None:
    with FakeOpenAIServer(slots=2, latency=0.05) as server:
        backend = make_backend(LLMConfig(model="local", base_url=server.base_url), policy=ONCE)
        assert calls_in_flight(backend, 4) == 2
        threads = [threading.Thread(target=backend.complete, args=(ask(i),)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert server.count("/v1/chat/completions") == 6
        assert server.gate.peak <= 2
        assert [p.path for p in server.probes] == ["/props"]  # asked once, not in requests
        backend.close()


def test_no_probe_when_replaying_or_on_openais_host(tmp_path: Path) -> None:
    config = LLMConfig(model="gpt-4o-mini", api_key="sk-test")
    assert OpenAIBackend(config).probe() == ServerInfo()
    cassette = tmp_path / "c.yaml"
    cassette.write_text("interactions: []\nversion: 1\n", encoding="utf-8")
    replay = LLMConfig(model="m", base_url="http://127.0.0.1:9/v1", replay=cassette)
    assert OpenAIBackend(replay).probe() == ServerInfo()


def run_calls(backend: Any, n: int) -> None:
    threads = [threading.Thread(target=backend.complete, args=(ask(i),)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)


def one_slot_server() -> FakeOpenAIServer:
    """A one-slot server that does not say so (like llama-cpp-python): 0.3 s a call."""
    return FakeOpenAIServer(slots=1, advertise_slots=False, latency=0.3, content="{}")


def test_queued_calls_do_not_time_out_on_a_one_slot_server() -> None:
    """Twelve calls at once, 0.1 s each, 0.5 s timeout: the last ones wait at least 1.1 s
    in the server's queue, more than twice the timeout. Each call's timeout covers the
    others in flight (12 x 0.5 s: five times the queue's length, so the test holds on a
    loaded machine), so none is retried."""
    with FakeOpenAIServer(slots=1, advertise_slots=False, latency=0.1, content="{}") as server:
        config = LLMConfig(model="local", base_url=server.base_url, timeout=0.5, concurrency=12)
        backend = make_backend(config, policy=ONCE)
        run_calls(backend, 12)
        assert (backend.usage.calls, backend.usage.retries) == (12, 0)
        assert not any(s.skipped for s in server.gate.served)
        backend.close()


def test_without_queue_aware_timeouts_the_same_calls_time_out() -> None:
    """The contrast: a plain limit of 6 lets queued calls time out and be retried, and the
    server computes requests whose answers nobody reads."""
    with one_slot_server() as server:
        config = LLMConfig(model="local", base_url=server.base_url, timeout=1.0, concurrency=6)
        limiter = CallLimiter(6, queue_aware=False)
        from summarizer.transport.retry import RetryingBackend

        backend = RetryingBackend(OpenAIBackend(config, limiter=limiter), ONCE)
        run_calls(backend, 6)
        assert backend.usage.retries > 0
        assert limiter.cuts >= 1  # the timeouts lowered the limit
        backend.close()


def test_a_503_lowers_the_limit() -> None:
    with FakeOpenAIServer([FakeReply(status=503)], content=json.dumps({})) as server:
        backend = make_backend(
            LLMConfig(model="local", base_url=server.base_url, concurrency=4), policy=ONCE
        )
        backend.complete(ask(0))
        assert isinstance(backend, RetryingBackend)  # no cache, cassette or pacing layers
        inner = backend.inner
        assert isinstance(inner, OpenAIBackend)
        assert inner.call_limiter.limit == 2
        assert (backend.usage.calls, backend.usage.retries) == (2, 1)
        backend.close()


def _storm_articles(folder: Path, n: int) -> None:
    for i in range(n):
        (folder / f"storm-{i:02d}.txt").write_text(
            f"date: 2025-01-1{i % 9}\nStorm Eowyn cut power to {10 + i},000 homes in county {i} "
            "on Friday, the grid operator said.\n",
            encoding="utf-8",
        )


@pytest.mark.parametrize(("concurrency", "peak"), [(None, 8), (3, 3)])
def test_without_the_flag_a_run_uses_every_slot_the_server_reports(
    tmp_path: Path, concurrency: int | None, peak: int
) -> None:
    from summarizer import pipeline
    from summarizer.config import Config, EngineChoice
    from summarizer.testing.fakeserver import extraction_responder

    _storm_articles(tmp_path, 12)
    with FakeOpenAIServer(slots=8, latency=0.3, responder=extraction_responder) as server:
        llm = LLMConfig(model="m", base_url=server.base_url, concurrency=concurrency, pack_tokens=0)
        config = Config(engine=EngineChoice.LLM, llm=llm, quiet=True)
        backend = make_backend(llm, policy=ONCE)
        report = pipeline.run([tmp_path], config, backend=backend)
        backend.close()
        assert len(report.sources) == 12 and not report.failures
        assert server.gate.peak == peak

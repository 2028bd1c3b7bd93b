"""--batch against the fake server's files and batches endpoints: submit, poll, parse, resume."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer import pipeline
from summarizer.config import Config, EngineChoice, LLMConfig
from summarizer.engines.llm import extraction
from summarizer.errors import ConfigError
from summarizer.testing.fakeserver import FakeOpenAIServer, extraction_responder
from summarizer.transport.backend import ChatRequest
from summarizer.transport.batch import (
    BatchClient,
    BatchError,
    PollPolicy,
    make_client,
    params_function,
    parse_output,
    prefill,
    request_line,
    run_batch,
    write_jsonl,
)
from summarizer.transport.cache import CachingBackend
from summarizer.transport.factory import make_backend

ARTICLES = {
    "harbour-gazette": (
        "date: 2025-02-11\nA magnitude 6.1 earthquake struck near the port of Izmir on Monday. "
        "Two buildings collapsed in the old town, the governor said."
    ),
    "valley-news": (
        "date: 2025-02-11\nFloodwaters forced 3,400 residents from their homes in the Ebro valley. "
        "The regional government declared an emergency late Sunday."
    ),
    "the-ledger": (
        "date: 2025-02-12\nNordbank reported quarterly profit of EUR 2.3 billion on Tuesday. "
        "Its shares rose 4 percent in early trading."
    ),
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def _requests(corpus: Path, config: Config) -> list[ChatRequest]:
    """The extract requests a run of ``corpus`` sends first (what --batch submits)."""
    prepared = pipeline.prepare_inputs([corpus], config)
    return [p.request for p in extraction.requests(prepared, config)]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(responder=extraction_responder, batch_polls=3) as fake:
        yield fake


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _setup(
    server: FakeOpenAIServer, tmp_path: Path, pack_tokens: int = 0
) -> tuple[Config, CachingBackend, BatchClient, Sleeps]:
    """By default one request per article (``pack_tokens=0``): the tests count batch lines."""
    llm = LLMConfig(
        model="fake-model",
        base_url=server.base_url,
        cache_dir=tmp_path / "cache",
        pack_tokens=pack_tokens,
    )
    config = Config(engine=EngineChoice.LLM, llm=llm, quiet=True)
    cacher = make_backend(llm)
    assert isinstance(cacher, CachingBackend)
    sleeps = Sleeps()
    client = make_client(
        config, sleep=sleeps, poll=PollPolicy(initial=1.0, factor=2.0, maximum=3.0)
    )
    return config, cacher, client, sleeps


# --------------------------------------------------------------------------- end to end


def test_batch_run_fills_the_cache_and_the_finish_asks_only_synthesis(
    server: FakeOpenAIServer, corpus: Path, tmp_path: Path
) -> None:
    config, cacher, client, sleeps = _setup(server, tmp_path)
    outcome = run_batch(_requests(corpus, config), cacher, client, params_function(config))

    assert outcome.batch_id is not None and outcome.status == "completed"
    assert (outcome.requests, outcome.answered, outcome.failed) == (3, 3, 0)
    assert outcome.prompt_tokens > 0
    assert server.count("/v1/chat/completions") == 0  # nothing went live
    assert [r.body for r in server.requests if r.path == "/v1/files"] == [{"purpose": "batch"}]
    created = [r.body for r in server.requests if r.path == "/v1/batches"]
    assert [(b["endpoint"], b["completion_window"]) for b in created] == [
        ("/v1/chat/completions", "24h")
    ]
    assert server.count(f"/v1/batches/{outcome.batch_id}") == 3  # polled until done
    assert sleeps.calls == [1.0, 2.0]  # backoff between the polls

    uploaded = server.file_data[server.batches[outcome.batch_id]["input_file_id"]]
    lines = [json.loads(line) for line in uploaded.decode().splitlines()]
    assert {line["url"] for line in lines} == {"/v1/chat/completions"}
    assert {line["body"]["model"] for line in lines} == {"fake-model"}
    assert len({line["custom_id"] for line in lines}) == 3
    assert all(line["custom_id"] in cacher.cache for line in lines)

    report = pipeline.run([corpus], config, backend=cacher)
    assert not report.failures
    assert cacher.usage.cache_hits == 3
    assert cacher.usage.calls == 1  # the synthesis call, live
    assert server.count("/v1/chat/completions") == 1
    assert any("Izmir" in e.text for e in report.events)


def test_requests_already_cached_are_not_batched(
    server: FakeOpenAIServer, corpus: Path, tmp_path: Path
) -> None:
    config, cacher, client, _ = _setup(server, tmp_path)
    first = run_batch(_requests(corpus, config), cacher, client, params_function(config))
    again = run_batch(_requests(corpus, config), cacher, client, params_function(config))
    assert first.answered == 3
    assert again.batch_id is None and again.already_cached == 3
    assert server.count("/v1/batches") == 1
    assert "already in the cache" in again.describe()


def test_resume_by_batch_id_after_an_interrupted_wait(
    server: FakeOpenAIServer, corpus: Path, tmp_path: Path
) -> None:
    config, cacher, client, _ = _setup(server, tmp_path)

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    client.sleep = interrupted
    with pytest.raises(KeyboardInterrupt):
        run_batch(_requests(corpus, config), cacher, client, params_function(config))
    (batch_id,) = server.batches
    assert len(cacher.cache) == 0
    assert cacher.cache.stats().batches == ((batch_id, 3, "submitted"),)

    client.sleep = Sleeps()
    resumed = run_batch(
        _requests(corpus, config),
        cacher,
        client,
        params_function(config),
        batch_id=batch_id,
    )
    assert resumed.batch_id == batch_id and resumed.answered == 3
    assert server.count("/v1/files") == 1 and server.count("/v1/batches") == 1  # not resubmitted
    assert len(cacher.cache) == 3


def test_failed_lines_are_reported_and_asked_live(corpus: Path, tmp_path: Path) -> None:
    with FakeOpenAIServer(responder=extraction_responder, batch_failures={1}) as server:
        config, cacher, client, _ = _setup(server, tmp_path)
        outcome = run_batch(_requests(corpus, config), cacher, client, params_function(config))
        assert (outcome.answered, outcome.failed) == (2, 1)
        report = pipeline.run([corpus], config, backend=cacher)
        assert not report.failures
        assert cacher.usage.calls == 2  # the failed extract and the synthesis
        assert server.count("/v1/chat/completions") == 2


@pytest.mark.parametrize(("status", "answered"), [("expired", 3), ("cancelled", 3)])
def test_ended_batches_keep_the_answers_they_have(
    corpus: Path, tmp_path: Path, status: str, answered: int
) -> None:
    with FakeOpenAIServer(responder=extraction_responder, batch_status=status) as server:
        config, cacher, client, _ = _setup(server, tmp_path)
        outcome = run_batch(_requests(corpus, config), cacher, client, params_function(config))
        assert (outcome.status, outcome.answered) == (status, answered)


def test_failed_batch_is_an_error_that_says_what_to_do(corpus: Path, tmp_path: Path) -> None:
    with FakeOpenAIServer(responder=extraction_responder, batch_status="failed") as server:
        config, cacher, client, _ = _setup(server, tmp_path)
        with pytest.raises(BatchError, match="rerun without --batch"):
            run_batch(_requests(corpus, config), cacher, client, params_function(config))


def test_unknown_batch_id_is_an_error(
    server: FakeOpenAIServer, corpus: Path, tmp_path: Path
) -> None:
    config, cacher, client, _ = _setup(server, tmp_path)
    with pytest.raises(BatchError, match="no batch batch-nope"):
        run_batch(
            _requests(corpus, config),
            cacher,
            client,
            params_function(config),
            batch_id="batch-nope",
        )


def test_endpoint_without_batch_api_is_an_error(tmp_path: Path, corpus: Path) -> None:
    with FakeOpenAIServer(responder=extraction_responder) as server:
        config, cacher, client, _ = _setup(server, tmp_path)
        client.client = client.client.with_options(base_url=server.base_url + "/nothing-here")
        with pytest.raises(BatchError, match="could not submit the batch"):
            run_batch(_requests(corpus, config), cacher, client, params_function(config))


# --------------------------------------------------------------------------- pieces


def test_collected_requests_match_what_a_live_run_sends(
    server: FakeOpenAIServer, corpus: Path, tmp_path: Path
) -> None:
    config, cacher, _, _ = _setup(server, tmp_path)
    collected = _requests(corpus, config)
    assert len(collected) == 3 and {r.purpose for r in collected} == {"extract"}
    pipeline.run([corpus], config, backend=cacher)
    live = [r.body for r in server.requests if r.path == "/v1/chat/completions"]
    params = params_function(config)
    assert all(params(r) in live for r in collected)


def test_request_lines_round_trip_through_jsonl(tmp_path: Path) -> None:
    request = ChatRequest(messages=({"role": "user", "content": "Wildfire near Athens"},))
    params = {"model": "m", "messages": [dict(m) for m in request.messages]}
    path = tmp_path / "in.jsonl"
    assert write_jsonl([request_line("k1", params), request_line("k2", params)], path) == 2
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["custom_id"] for r in rows] == ["k1", "k2"]
    assert rows[0] == {
        "custom_id": "k1",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": params,
    }


def _line(custom_id: str, status: int, body: object) -> str:
    return json.dumps(
        {"custom_id": custom_id, "response": {"status_code": status, "body": body}, "error": None}
    )


COMPLETION = {
    "model": "gpt-4o-mini",
    "choices": [{"message": {"content": '{"events": []}'}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 310, "completion_tokens": 12},
}


@pytest.mark.parametrize(
    ("lines", "answers", "failures"),
    [
        ([_line("a", 200, COMPLETION)], {"a": 310}, set()),
        (
            [_line("a", 200, COMPLETION), _line("b", 429, {"error": {"message": "slow down"}})],
            {"a": 310},
            {"b"},
        ),
        ([_line("c", 200, {"choices": []})], {}, {"c"}),
        (
            [json.dumps({"custom_id": "d", "response": None, "error": {"message": "expired"}})],
            {},
            {"d"},
        ),
        (["", _line("e", 200, COMPLETION), ""], {"e": 310}, set()),
    ],
)
def test_parse_output(lines: list[str], answers: dict[str, int], failures: set[str]) -> None:
    parsed = parse_output("\n".join(lines))
    assert {k: v.prompt_tokens for k, v in parsed.answers.items()} == answers
    assert set(parsed.failures) == failures


def test_parse_output_names_a_broken_line() -> None:
    with pytest.raises(BatchError, match="line 2 of the batch output"):
        parse_output(_line("a", 200, COMPLETION) + "\n<html>proxy error</html>")


def test_poll_backoff_grows_to_its_cap() -> None:
    delays = PollPolicy(initial=2.0, factor=1.5, maximum=5.0).delays()
    assert [next(delays) for _ in range(5)] == [2.0, 3.0, 4.5, 5.0, 5.0]


def test_prefill_is_off_without_batch_flags(
    server: FakeOpenAIServer, corpus: Path, tmp_path: Path
) -> None:
    config, cacher, _, _ = _setup(server, tmp_path)
    assert prefill(_requests(corpus, config), config, cacher) is None
    assert server.count() == 0


def test_prefill_needs_the_cache(server: FakeOpenAIServer, corpus: Path, tmp_path: Path) -> None:
    config, cacher, _, _ = _setup(server, tmp_path)
    config = dataclasses.replace(config, llm=dataclasses.replace(config.llm, batch=True))
    with pytest.raises(ConfigError, match="drop --no-cache"):
        prefill(_requests(corpus, config), config, cacher.inner)


def test_prefill_runs_the_batch(corpus: Path, tmp_path: Path) -> None:
    with FakeOpenAIServer(responder=extraction_responder) as server:  # done on the first poll
        config, cacher, _, _ = _setup(server, tmp_path)
        config = dataclasses.replace(config, llm=dataclasses.replace(config.llm, batch=True))
        note = prefill(_requests(corpus, config), config, cacher)
        assert note is not None and "3 answers cached" in note
        assert len(cacher.cache) == 3


def test_duplicate_articles_are_batched_once(corpus: Path) -> None:
    copy = corpus / "valley-news-copy.txt"
    copy.write_text(ARTICLES["valley-news"], encoding="utf-8")
    config = Config(
        engine=EngineChoice.LLM, llm=LLMConfig(model="m", base_url="http://127.0.0.1:9/v1")
    )
    requests = _requests(corpus, config)
    assert len(requests) == 1  # the three short articles, packed into one call
    fenced = [r.messages[-1]["content"] for r in requests]
    assert sum(text.count("Ebro valley") for text in fenced) == 1
    assert fenced[0].count("<article id=") == 3


def test_packed_batch_holds_the_packed_calls_a_live_run_makes(
    server: FakeOpenAIServer, corpus: Path, tmp_path: Path
) -> None:
    config, cacher, client, _ = _setup(server, tmp_path, pack_tokens=LLMConfig().pack_tokens)
    outcome = run_batch(_requests(corpus, config), cacher, client, params_function(config))
    assert (outcome.requests, outcome.answered, outcome.failed) == (1, 1, 0)
    uploaded = server.file_data[server.batches[outcome.batch_id or ""]["input_file_id"]]
    (line,) = [json.loads(text) for text in uploaded.decode().splitlines()]
    item = line["body"]["response_format"]["schema"]["properties"]["articles"]["items"]
    assert item["properties"]["id"]["enum"] == sorted(ARTICLES)  # ingest order
    report = pipeline.run([corpus], config, backend=cacher)
    assert not report.failures and len(report.sources) == 3
    assert cacher.usage.cache_hits == 1
    assert server.count("/v1/chat/completions") == 1  # only the synthesis went live
    summaries = {sr.source.id: sr.extraction.summary[0].text for sr in report.sources}
    for source_id, text in ARTICLES.items():
        assert text.split("\n", 1)[1].startswith(summaries[source_id])

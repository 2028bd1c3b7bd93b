"""The response cache: keys, zero-call reruns, resume after a killed run, shared use."""

from __future__ import annotations

import dataclasses
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from summarizer.config import LLMConfig
from summarizer.testing.fakeserver import FakeOpenAIServer, extraction_responder
from summarizer.transport.backend import ChatRequest, ChatResponse, ScriptedBackend
from summarizer.transport.cache import (
    CachingBackend,
    ResponseCache,
    cache_key,
    cache_path,
    default_cache_dir,
    prompts_hash,
    run_cache_path,
)
from summarizer.transport.factory import make_backend

BASE = "http://127.0.0.1:8080/v1"
REQUEST = ChatRequest(
    messages=(
        {"role": "system", "content": "You extract facts."},
        {"role": "user", "content": "Floodwaters forced 1,200 residents from Valencia."},
    ),
    response_format={"type": "json_object"},
    temperature=0.0,
    max_tokens=512,
    seed=0,
)


def _key(request: ChatRequest = REQUEST, **overrides: str) -> str:
    args = {"base_url": BASE, "model": "m", "template_hash": "t1", **overrides}
    return cache_key(request, **args)


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(_key(template_hash="t2"), id="template"),
        pytest.param(_key(model="other-model"), id="model"),
        pytest.param(_key(base_url="http://127.0.0.1:9090/v1"), id="base-url"),
        pytest.param(
            _key(
                dataclasses.replace(
                    REQUEST,
                    messages=(
                        REQUEST.messages[0],
                        {"role": "user", "content": "Floodwaters forced 1,300 residents."},
                    ),
                )
            ),
            id="article",
        ),
        pytest.param(_key(dataclasses.replace(REQUEST, temperature=0.7)), id="temperature"),
        pytest.param(_key(dataclasses.replace(REQUEST, seed=7)), id="seed"),
        pytest.param(_key(dataclasses.replace(REQUEST, seed=None)), id="no-seed"),
        pytest.param(_key(dataclasses.replace(REQUEST, max_tokens=1024)), id="max-tokens"),
        pytest.param(_key(dataclasses.replace(REQUEST, response_format=None)), id="format"),
    ],
)
def test_a_changed_input_or_parameter_misses(changed: str) -> None:
    assert changed != _key()


@pytest.mark.parametrize(
    "same",
    [
        pytest.param(_key(dataclasses.replace(REQUEST, purpose="synthesis")), id="purpose"),
        pytest.param(_key(base_url="http://user:sk-secret@127.0.0.1:8080/v1/"), id="credentials"),
        pytest.param(_key(ChatRequest(**dataclasses.asdict(REQUEST))), id="equal-copy"),
    ],
)
def test_what_does_not_reach_the_model_does_not_change_the_key(same: str) -> None:
    assert same == _key()


def test_prompts_hash_is_stable_and_short_hex() -> None:
    assert prompts_hash() == prompts_hash()
    assert len(prompts_hash()) == 16
    int(prompts_hash(), 16)


def test_changed_template_misses_through_the_wrapper(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    first = CachingBackend(ScriptedBackend(["a"]), db, base_url=BASE, template_hash="v1")
    assert first.complete(REQUEST).content == "a"
    second = CachingBackend(ScriptedBackend(["b"]), db, base_url=BASE, template_hash="v2")
    assert second.complete(REQUEST).content == "b"  # a new template: asked again
    assert (second.usage.calls, second.usage.cache_hits) == (1, 0)


# --------------------------------------------------------------------------- hits


def test_rerun_on_unchanged_inputs_makes_zero_calls(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    requests = [
        dataclasses.replace(REQUEST, messages=({"role": "user", "content": text},))
        for text in (
            "A magnitude 6.4 earthquake struck off Hualien on Tuesday.",
            "Turnout in the Dutch election reached 78 percent.",
            "Siemens reported quarterly revenue of EUR 19.4 billion.",
        )
    ]
    model = ScriptedBackend(
        [
            ChatResponse(content=f"answer {i}", prompt_tokens=40, completion_tokens=5)
            for i in range(3)
        ]
    )
    with CachingBackend(model, db, base_url=BASE, template_hash="t") as cached:
        first = [cached.complete(r).content for r in requests]
    assert (model.usage.calls, model.usage.cache_hits) == (3, 0)

    rerun_model = ScriptedBackend([])  # any call would fail: it has no answers
    with CachingBackend(rerun_model, db, base_url=BASE, template_hash="t") as cached:
        again = [cached.complete(r) for r in requests]
    assert [r.content for r in again] == first
    assert again[0].prompt_tokens == 40
    assert (rerun_model.usage.calls, rerun_model.usage.cache_hits) == (0, 3)
    assert rerun_model.requests == []


def test_failures_are_not_cached(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    model = ScriptedBackend([RuntimeError("HTTP 503"), "recovered"])
    cached = CachingBackend(model, db, base_url=BASE, template_hash="t")
    with pytest.raises(RuntimeError):
        cached.complete(REQUEST)
    assert cached.complete(REQUEST).content == "recovered"
    assert len(cached.cache) == 1


def test_first_answer_stays_when_two_writers_race(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite3")
    assert cache.put("k", ChatResponse(content="first"), model="m", purpose="extract")
    assert not cache.put("k", ChatResponse(content="second"), model="m", purpose="extract")
    answer = cache.get("k")
    assert answer is not None and answer.content == "first"


def test_stats_and_clear(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite3")
    for i, model in enumerate(["gpt-4o-mini", "gpt-4o-mini", "smollm2"]):
        cache.put(f"k{i}", ChatResponse(content="{}"), model=model, purpose="extract")
    cache.note_batch("batch_abc", 2, "in_progress")
    stats = cache.stats()
    assert stats.entries == 3
    assert dict(stats.by_model) == {"gpt-4o-mini": 2, "smollm2": 1}
    text = stats.format()
    assert "entries: 3" in text and "batch batch_abc: 2 requests, in_progress" in text
    assert cache.clear() == 3
    assert len(cache) == 0 and cache.stats().batches == ()


def test_wal_mode_and_busy_timeout(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite3")
    conn = cache._connection()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"XDG_CACHE_HOME": "/var/cache/desk"}, Path("/var/cache/desk/summarizer")),
        ({}, Path("/home/analyst/.cache/summarizer")),
        (
            {"LOCALAPPDATA": "C:/Users/a/AppData/Local"},
            Path("C:/Users/a/AppData/Local/summarizer/Cache"),
        ),
    ],
)
def test_default_cache_dir(env: dict[str, str], expected: Path) -> None:
    assert default_cache_dir(env, home=Path("/home/analyst")) == expected


@pytest.mark.parametrize(
    ("overrides", "enabled"),
    [
        ({}, True),
        ({"no_cache": True}, False),
        ({"cache_dir": None}, False),
        ({"record": Path("c.yaml")}, False),  # a cassette must see every call
        ({"replay": Path("c.yaml")}, False),
    ],
)
def test_when_a_run_uses_the_cache(
    tmp_path: Path, overrides: dict[str, object], enabled: bool
) -> None:
    llm = dataclasses.replace(LLMConfig(model="m", cache_dir=tmp_path), **overrides)  # type: ignore[arg-type]
    assert (run_cache_path(llm) is not None) is enabled
    wrapped = make_backend(llm, transport=ScriptedBackend([]))
    assert isinstance(wrapped, CachingBackend) is enabled


# --------------------------------------------------------------------------- secrets

FAKE_KEY = "sk-test-NEVER-IN-CACHE-9f8e7d6c5b4a"


def test_api_key_never_reaches_the_cache_file(tmp_path: Path) -> None:
    with FakeOpenAIServer(responder=extraction_responder) as server:
        llm = LLMConfig(
            model="fake-model", base_url=server.base_url, api_key=FAKE_KEY, cache_dir=tmp_path
        )
        backend = make_backend(llm)
        assert isinstance(backend, CachingBackend)
        backend.complete(REQUEST)
        backend.complete(dataclasses.replace(REQUEST, seed=3))
        stats = backend.cache.stats().format()
        backend.close()
        assert server.requests[0].headers["authorization"] == f"Bearer {FAKE_KEY}"
    files = list(tmp_path.iterdir())
    assert cache_path(tmp_path) in files
    for path in files:
        assert FAKE_KEY.encode() not in path.read_bytes(), path
    assert FAKE_KEY not in stats


# --------------------------------------------------------------------------- processes

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from summarizer.transport.backend import ChatResponse
    from summarizer.transport.cache import ResponseCache

    path, name, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    cache = ResponseCache(Path(path))
    for i in range(first, last):
        cache.put(f"key-{i}", ChatResponse(content=name), model="m", purpose="extract")
    cache.close()
    """
)


def test_two_processes_share_one_cache_without_corrupting_it(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    procs = [
        subprocess.Popen([sys.executable, str(script), str(db), "A", "0", "300"]),
        subprocess.Popen([sys.executable, str(script), str(db), "B", "150", "450"]),
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM responses").fetchone()[0] == 450
    rows = dict(conn.execute("SELECT key, content FROM responses"))
    assert {rows[f"key-{i}"] for i in range(150)} == {"A"}
    assert {rows[f"key-{i}"] for i in range(300, 450)} == {"B"}
    assert {rows[f"key-{i}"] for i in range(150, 300)} <= {"A", "B"}


RUNNER_CONCURRENCY = 2  # model calls the runner makes at once

RUNNER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from summarizer import pipeline
    from summarizer.config import Config, EngineChoice, LLMConfig
    from summarizer.transport.factory import make_backend

    base_url, cache_dir, folder = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    # one call per article (no packing): the run is killed between calls
    llm = LLMConfig(
        model="fake-model", base_url=base_url, cache_dir=cache_dir,
        concurrency={concurrency}, pack_tokens=0,
    )
    config = Config(engine=EngineChoice.LLM, llm=llm, quiet=True)
    backend = make_backend(llm)
    report = pipeline.run([folder], config, backend=backend)
    backend.close()
    print(len(report.sources), len(report.failures), backend.usage.calls, backend.usage.cache_hits)
    """
).format(concurrency=RUNNER_CONCURRENCY)

STORIES = [
    "A magnitude 6.{i} earthquake struck off the coast of Hualien on Tuesday, officials said.",
    "Floodwaters forced {i}00 residents from their homes in Porto Alegre on Monday.",
    "Turnout in the regional election reached {i}0 percent, the electoral board said.",
    "The carmaker reported quarterly revenue of EUR {i}.5 billion, up from a year earlier.",
]


def _write_corpus(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        story = STORIES[i % len(STORIES)].format(i=i % 9 + 1)
        body = f"date: 2025-03-0{i % 9 + 1}\n{story} Rescue teams worked through the night. "
        body += f"A spokesperson for outlet {i} said more details would follow on Wednesday."
        (folder / f"article-{i:02d}.txt").write_text(body, encoding="utf-8")


def _run(script: Path, url: str, cache_dir: Path, corpus: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(script), url, str(cache_dir), str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _rows(cache_dir: Path) -> int:
    path = cache_path(cache_dir)
    if not path.exists():
        return 0
    conn = sqlite3.connect(path, timeout=30)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM responses").fetchone()[0])
    except sqlite3.OperationalError:  # the table is not there yet
        return 0
    finally:
        conn.close()


class _StallAfter:
    """A responder that answers the first ``answered`` chat requests and holds every later
    one until :meth:`release`; :attr:`stalled` is set once ``answered + workers`` requests
    have arrived, that is when every worker of the run is waiting on a held request.

    A worker sends its next request only after its previous answer was committed to the
    cache, so at that point exactly ``answered`` answers are in the cache: the run can be
    killed there without depending on timing.
    """

    def __init__(self, answered: int, workers: int) -> None:
        self.answered = answered
        self.workers = workers
        self.stalled = threading.Event()
        self._open = threading.Event()
        self._lock = threading.Lock()
        self._arrived = 0

    def __call__(self, body: dict[str, Any]) -> str:
        with self._lock:
            self._arrived += 1
            arrival = self._arrived
        if arrival > self.answered:
            if arrival >= self.answered + self.workers:
                self.stalled.set()
            self._open.wait()
        return extraction_responder(body)

    def release(self) -> None:
        self._open.set()


def test_killed_run_restarted_redoes_only_what_is_missing(tmp_path: Path) -> None:
    n_articles = 12
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, n_articles)
    script = tmp_path / "run.py"
    script.write_text(RUNNER, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    total_calls = n_articles + 1  # one extract per short article, one synthesis
    committed = 4
    responder = _StallAfter(answered=committed, workers=RUNNER_CONCURRENCY)

    with FakeOpenAIServer(responder=responder) as server:
        proc = _run(script, server.base_url, cache_dir, corpus)
        try:
            # a guard against a hang only: the run stalls after `committed` answers
            assert responder.stalled.wait(timeout=300), "the run never reached the held calls"
            assert _rows(cache_dir) == committed
            assert proc.poll() is None
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=60)
            responder.release()
        before_rerun = server.count("/v1/chat/completions")

        rerun = _run(script, server.base_url, cache_dir, corpus)
        out, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, err
        rerun_calls = server.count("/v1/chat/completions") - before_rerun

    sources, failures, calls, hits = map(int, out.split())
    assert (sources, failures) == (n_articles, 0)
    assert rerun_calls == calls == total_calls - committed
    assert hits == committed
    assert _rows(cache_dir) == total_calls


# --------------------------------------------------------------------------- the command line

QUAKE = (
    "date: 2025-05-06\nA magnitude 6.8 earthquake struck near Ambato on Monday, officials said. "
    "Four people were killed and 62 injured, the risk management agency reported."
)
FLOOD = (
    "date: 2025-05-06\nFloodwaters forced 2,100 residents from their homes in Novi Sad. "
    "The city declared an emergency late Sunday, the mayor said."
)


def _cli(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from summarizer import cli

    result = CliRunner(env=env).invoke(cli.app, args)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def two_articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "andes-daily.txt").write_text(QUAKE, encoding="utf-8")
    (folder / "danube-post.txt").write_text(FLOOD, encoding="utf-8")
    return folder


def test_cli_rerun_answers_from_the_cache(two_articles: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    with FakeOpenAIServer(responder=extraction_responder) as server:
        args = ["brief", str(two_articles), "--engine", "llm", "--model", "fake-model"]
        args += ["--base-url", server.base_url, "--cache-dir", str(cache_dir)]
        code, first, err = _cli(args)
        assert code == 0, err
        calls = server.count("/v1/chat/completions")
        assert calls == 2  # one extract call for both short articles (packed), the synthesis
        assert "prompt tokens / article tokens:" in err
        code, again, err = _cli(args)
        assert code == 0, err
        assert server.count("/v1/chat/completions") == calls  # no call on the rerun
    assert "cache: 2 answers from the response cache" in err
    assert "Model usage: 2 calls" in first and "Model usage" not in again
    assert _content(again) == _content(first)


def _content(brief: str) -> list[str]:
    """The brief's lines without the usage footer (the rerun made no calls)."""
    return [line for line in brief.splitlines() if line.strip() and "Model usage" not in line]


def test_cli_no_cache_asks_again(two_articles: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    with FakeOpenAIServer(responder=extraction_responder) as server:
        args = ["brief", str(two_articles), "--engine", "llm", "--model", "fake-model", "-q"]
        args += ["--base-url", server.base_url, "--cache-dir", str(cache_dir), "--no-cache"]
        assert _cli(args)[0] == 0
        assert _cli(args)[0] == 0
        assert server.count("/v1/chat/completions") == 4  # twice (one packed extract, synthesis)
    assert not cache_path(cache_dir).exists()


def test_cli_cache_stats_and_clear(two_articles: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    code, out, _ = _cli(["cache", "stats", "--cache-dir", str(cache_dir)])
    assert code == 0 and "entries: 0" in out
    with FakeOpenAIServer(responder=extraction_responder) as server:
        args = ["brief", str(two_articles), "--engine", "llm", "--model", "fake-model", "-q"]
        assert _cli([*args, "--base-url", server.base_url, "--cache-dir", str(cache_dir)])[0] == 0
    code, out, _ = _cli(["cache", "stats", "--cache-dir", str(cache_dir)])
    assert code == 0 and "entries: 2" in out and "fake-model: 2" in out
    code, out, _ = _cli(["cache", "clear", "--cache-dir", str(cache_dir)])
    assert code == 0 and "removed 2 answers" in out
    assert "entries: 0" in _cli(["cache", "stats", "--cache-dir", str(cache_dir)])[1]


def test_cli_cache_dir_from_the_environment(tmp_path: Path) -> None:
    cache = ResponseCache(cache_path(tmp_path / "env-cache"))
    cache.put("k", ChatResponse(content="{}"), model="gpt-4o-mini", purpose="extract")
    cache.close()
    code, out, _ = _cli(
        ["cache", "stats"], env={"SUMMARIZER_CACHE_DIR": str(tmp_path / "env-cache")}
    )
    assert code == 0 and "entries: 1" in out


@pytest.mark.parametrize(
    "extra",
    [
        ["--batch", "--no-cache"],
        ["--batch-id", "batch_1", "--no-cache"],
        ["--batch", "--replay", "x.yaml"],
    ],
)
def test_cli_batch_needs_the_cache(two_articles: Path, extra: list[str]) -> None:
    args = ["brief", str(two_articles), "--engine", "llm", "--model", "m"]
    code, _, err = _cli([*args, "--base-url", "http://127.0.0.1:9/v1", *extra])
    assert code == 2
    assert "--batch needs the response cache" in err

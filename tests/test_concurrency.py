"""Bounded, order-preserving concurrency; the progress bar; each article sent once per run."""

from __future__ import annotations

import io
import random
import re
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from summarizer import pipeline
from summarizer.config import Config, EngineChoice, LLMConfig
from summarizer.engines import extractive, llm
from summarizer.engines.llm import packing
from summarizer.errors import BackendError
from summarizer.models import Sentence
from summarizer.progress import progress_bar, should_show
from summarizer.stages import clean, ingest, segment
from summarizer.testing.fakeserver import extraction_responder
from summarizer.transport.backend import ChatRequest, ChatResponse, ScriptedBackend
from summarizer.transport.concurrency import Outcome, map_ordered

# --------------------------------------------------------------------------- map_ordered


@pytest.mark.parametrize("workers", [1, 2, 4, 16])
def test_results_keep_the_input_order(workers: int) -> None:
    rng = random.Random(workers)
    delays = [rng.uniform(0, 0.02) for _ in range(30)]

    def slow_square(i: int) -> int:
        time.sleep(delays[i])
        return i * i

    outcomes = map_ordered(slow_square, range(30), workers=workers)
    assert [o.unwrap() for o in outcomes] == [i * i for i in range(30)]


@pytest.mark.parametrize("workers", [2, 3, 8])
def test_at_most_n_items_run_at_once(workers: int) -> None:
    """Exactly ``workers`` items in flight: each waits at a barrier for ``workers`` - 1
    others (so fewer in flight would break the barrier) and the count of items inside
    never passes ``workers`` (so more would show). No sleeps: nothing depends on timing."""
    running = 0
    peak = 0
    lock = threading.Lock()
    together = threading.Barrier(workers, timeout=60)

    def work(_: int) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        together.wait()
        with lock:
            running -= 1

    outcomes = map_ordered(work, range(workers * 4), workers=workers)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
    assert peak == workers


def test_one_failed_item_does_not_sink_the_others() -> None:
    def parse(text: str) -> int:
        return int(text)

    outcomes = map_ordered(parse, ["3", "three", "5", "", "8"], workers=3)
    assert [o.ok for o in outcomes] == [True, False, True, False, True]
    assert [o.value for o in outcomes if o.ok] == [3, 5, 8]
    assert isinstance(outcomes[1].error, ValueError)
    with pytest.raises(ValueError):
        outcomes[3].unwrap()


def test_one_worker_runs_inline_in_order() -> None:
    seen: list[tuple[int, str]] = []

    def record(i: int) -> int:
        seen.append((i, threading.current_thread().name))
        return i

    map_ordered(record, range(5), workers=1)
    assert [i for i, _ in seen] == [0, 1, 2, 3, 4]
    assert {name for _, name in seen} == {threading.current_thread().name}


def test_on_done_is_called_once_per_item() -> None:
    done: list[int] = []
    lock = threading.Lock()

    def tick() -> None:
        with lock:
            done.append(1)

    map_ordered(lambda i: i, range(17), workers=4, on_done=tick)
    assert len(done) == 17


def test_interrupt_propagates_and_cancels_what_has_not_started() -> None:
    started: list[int] = []

    def work(i: int) -> int:
        started.append(i)
        if i == 0:
            raise KeyboardInterrupt
        time.sleep(0.05)
        return i

    with pytest.raises(KeyboardInterrupt):
        # KeyboardInterrupt is not an Exception: it is not captured as an outcome
        map_ordered(work, range(40), workers=2)
    time.sleep(0.2)
    assert len(started) < 40


def test_outcome_unwrap() -> None:
    assert Outcome(value=3).unwrap() == 3
    assert not Outcome(error=RuntimeError("HTTP 500")).ok


# --------------------------------------------------------------------------- progress


class FakeTTY(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize(
    ("total", "quiet", "tty", "shown"),
    [
        (50, False, True, True),
        (50, False, False, False),  # stderr is a file or a pipe
        (50, True, True, False),  # --quiet
        (1, False, True, False),  # one item is not a long run
    ],
)
def test_when_the_bar_shows(total: int, quiet: bool, tty: bool, shown: bool) -> None:
    assert should_show(total, quiet=quiet, stream=FakeTTY(tty)) is shown


def test_bar_is_silent_off_a_terminal() -> None:
    stream = FakeTTY(False)
    with progress_bar(10, "extracting", stream=stream) as advance:
        for _ in range(10):
            advance()
    assert stream.getvalue() == ""


def test_bar_draws_on_a_terminal() -> None:
    stream = FakeTTY(True)
    with progress_bar(3, "extracting", stream=stream, force=True) as advance:
        for _ in range(3):
            advance()
    assert "extracting" in stream.getvalue()


# --------------------------------------------------------------------------- sent once per run

EARTHQUAKE = """date: 2025-04-02
A magnitude 7.1 earthquake struck the coast of Chiapas on Tuesday, the seismological service said.
At least 14 people were killed and 230 injured in the states of Chiapas and Oaxaca, officials said.
Power was cut to 1.2 million homes across the region, the federal electricity commission reported.

Rescue teams searched collapsed buildings in Tapachula through the night.
The governor declared a state of emergency in 41 municipalities on Wednesday.
Schools in the two states will stay closed until Monday, the education ministry said.

The quake was felt as far away as Mexico City, about 800 km to the north-west.
Aftershocks of up to magnitude 5.4 followed in the hours after the main shock.
The president said the army had deployed 3,000 soldiers to help with relief.
"""
TOWNS = ["Tapachula", "Tonala", "Juchitan", "Salina Cruz", "Huixtla", "Arriaga", "Pijijiapan"]
FOLLOW_UP = "\n".join(
    f"In {town}, crews counted {12 + 7 * i} damaged homes and {3 + i} damaged schools by Thursday."
    for i, town in enumerate(TOWNS * 3)
)


def _sent_sentences(request: ChatRequest, sentences: list[Sentence]) -> list[str]:
    """The article's sentences found inside the request's <article> fence."""
    content = request.messages[-1]["content"]
    match = re.search(r"<article id=\"[^\"]*\"[^>]*>\n(.*)\n</article>", content, re.S)
    assert match is not None
    return [s.text.strip() for s in sentences if s.text.strip() in match.group(1)]


@pytest.mark.parametrize(("max_input_tokens", "parts"), [(4000, 1), (800, 2), (500, 3)])
def test_each_sentence_is_sent_once_plus_chunk_overlap(
    tmp_path: Path, max_input_tokens: int, parts: int
) -> None:
    path = tmp_path / "chiapas.txt"
    path.write_text(EARTHQUAKE + "\n" + FOLLOW_UP + "\n", encoding="utf-8")
    src = ingest.ingest([path]).sources[0]
    cleaned = clean.clean(src)
    sentences = segment.segment(cleaned)
    usable = [s for s in sentences if s.text.strip()]
    config = LLMConfig(
        model="m", base_url="http://127.0.0.1:1/v1", max_input_tokens=max_input_tokens
    )
    chunks = packing.chunks_for(src, sentences, config)
    assert len(chunks) == parts
    model = ScriptedBackend(
        [lambda r: extraction_responder({"messages": list(r.messages)})] * len(chunks)
    )
    llm.extract(cleaned, sentences, backend=model, config=config)

    sent = Counter(s for r in model.requests for s in _sent_sentences(r, usable))
    assert set(sent) == {s.text.strip() for s in usable}  # every sentence is sent
    overlap = len(chunks) - 1  # one sentence repeated at each chunk boundary
    assert sum(sent.values()) == len(usable) + overlap
    assert max(sent.values()) <= 2
    assert len(model.requests) == len(chunks)


# --------------------------------------------------------------------------- the pipeline


class InFlight:
    """Wraps a backend and records the most calls it ever had in flight at once."""

    def __init__(self, inner: ScriptedBackend, hold: float) -> None:
        self.inner = inner
        self.name = inner.name
        self.usage = inner.usage
        self.hold = hold
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    def complete(self, request: ChatRequest) -> ChatResponse:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        try:
            time.sleep(self.hold)
            return self.inner.complete(request)
        finally:
            with self._lock:
                self.now -= 1

    def close(self) -> None:
        self.inner.close()


def _respond(request: ChatRequest) -> str:
    if 'id="port-storm-03"' in request.messages[-1]["content"]:
        raise BackendError("HTTP 400 from the model endpoint; check --model")
    return extraction_responder({"messages": list(request.messages)})


def _storm_corpus(folder: Path, n: int) -> None:
    for i in range(n):
        text = (
            f"date: 2025-01-1{i % 9}\nStorm Eowyn cut power to {10 + i},000 homes in county {i} "
            "on Friday, the grid operator said. Schools stayed closed on Saturday."
        )
        (folder / f"port-storm-{i:02d}.txt").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("concurrency", "peak"), [(1, 1), (3, 3), (4, 4)])
def test_pipeline_bounds_model_calls_and_isolates_a_failed_source(
    tmp_path: Path, concurrency: int, peak: int
) -> None:
    _storm_corpus(tmp_path, 8)
    llm_config = LLMConfig(  # one call per article (no packing): 8 calls to bound
        model="m", base_url="http://127.0.0.1:1/v1", concurrency=concurrency, pack_tokens=0
    )
    config = Config(engine=EngineChoice.LLM, llm=llm_config, quiet=True)
    backend = InFlight(ScriptedBackend([_respond] * 9), hold=0.05)
    report = pipeline.run([tmp_path], config, backend=backend)
    assert backend.peak == peak
    assert [f.path.endswith("port-storm-03.txt") for f in report.failures] == [True]
    assert [s.source.id for s in report.sources] == [
        f"port-storm-{i:02d}" for i in range(8) if i != 3
    ]
    assert report.stats.article_tokens > 0


def test_extractive_engine_stays_sequential(tmp_path: Path) -> None:
    _storm_corpus(tmp_path, 4)
    seen: set[str] = set()
    original = extractive.extract

    def spy(*args: object, **kwargs: object) -> object:
        seen.add(threading.current_thread().name)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    extractive.extract = spy  # type: ignore[assignment]
    try:
        report = pipeline.run([tmp_path], Config(engine=EngineChoice.EXTRACTIVE))
    finally:
        extractive.extract = original
    assert len(report.sources) == 4
    assert seen == {threading.current_thread().name}

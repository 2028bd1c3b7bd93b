"""The per-source stages on several processes give the serial run's output, byte for byte.

Small invented stories (three events, four outlets each, a site footer that recurs on
several days so that the corpus-level boilerplate stage drops it) run with one, two
and three worker processes; the JSON and markdown outputs must be identical, order
included. Failures and bugs inside a worker surface as they do in a serial run.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import pickle
from pathlib import Path
from typing import Any

import pytest

from summarizer import pipeline
from summarizer.config import Config, EngineChoice, LLMConfig
from summarizer.engines import extractive
from summarizer.engines.extractive import ExtractiveEngine
from summarizer.errors import InputError
from summarizer.models import CharInterval, CleanedSource, DroppedRange, Source
from summarizer.output.render import render_brief_md
from summarizer.output.report_json import render_json
from summarizer.pipeline import parallel, sharing
from summarizer.stages import segment as segment_stage
from summarizer.transport.backend import ScriptedBackend

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="the monkeypatched stage reaches the workers only when they are forked",
)

STORIES = [
    (
        "Lake Orvena",
        "Flood waters in {place} rose {n} metres on Monday, forcing {k} families from "
        "their homes, the mayor said.",
        "Rescue teams in {place} pulled {m} people from flooded houses overnight.",
    ),
    (
        "Port Kessaly",
        "A fire at the {place} grain terminal destroyed {n} silos on Tuesday, the fire "
        "service said.",
        "Officials in {place} said {k} workers were evacuated and {m} were treated.",
    ),
    (
        "Brenmoor",
        "Voters in {place} elected a new council on Sunday, with turnout at {n} percent, "
        "officials said.",
        "The {place} council will seat {k} members from {m} parties, the commission said.",
    ),
]
FOOTER = "To play this content JavaScript must be turned on in your browser settings."


def _corpus(folder: Path) -> Path:
    for s, (place, lead, fact) in enumerate(STORIES):
        for o, outlet in enumerate(["ledger", "wire", "courier", "times"]):
            day = dt.date(2025, 3, 3) + dt.timedelta(days=3 * s + o)
            values = {"place": place, "n": 3 + o, "k": 120 + 10 * s, "m": 14 + o}
            text = "\n\n".join(
                [
                    f"date: {day.isoformat()}\n{place}: update from the {outlet}",
                    lead.format(**values),
                    fact.format(**values),
                    f"The {outlet} will publish more on {place} on {day:%A}.",
                    FOOTER,
                ]
            )
            (folder / f"s{s}_{outlet}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


def _outputs(folder: Path, workers: int) -> tuple[str, str]:
    report = pipeline.run(
        [folder], Config(engine=EngineChoice.EXTRACTIVE, quiet=True, workers=workers)
    )
    return render_json(report), render_brief_md(report)


def test_parallel_output_is_the_serial_output(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    serial = _outputs(folder, 1)
    dropped = json.loads(serial[0])
    assert any("boilerplate" in json.dumps(s) for s in dropped["sources"])  # the stage ran
    assert _outputs(folder, 2) == serial
    assert _outputs(folder, 3) == serial


def test_the_messages_are_read_alike_without_a_selector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where pipes cannot be selected (Windows), multiprocessing's wait reads them."""
    folder = _corpus(tmp_path)
    serial = _outputs(folder, 1)
    monkeypatch.setattr(parallel, "_SELECTABLE", False)
    assert _outputs(folder, 2) == serial


def _segment_fails(monkeypatch: pytest.MonkeyPatch, source_id: str) -> None:
    """Segmenting ``source_id`` raises an InputError; the other sources as before."""
    real = segment_stage.segment

    def segment(cleaned: Any) -> Any:
        if cleaned.source.id == source_id:
            raise InputError(f"{source_id}: cannot be segmented")
        return real(cleaned)

    monkeypatch.setattr(segment_stage, "segment", segment)


@needs_fork
def test_a_source_failing_in_a_worker_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _corpus(tmp_path)
    _segment_fails(monkeypatch, "s1_wire")
    serial, parallel_run = _outputs(folder, 1), _outputs(folder, 2)
    assert parallel_run == serial
    failures = json.loads(serial[0])["failures"]
    assert [(f["path"].endswith("s1_wire.txt"), f["stage"]) for f in failures] == [
        (True, "segment")
    ]


@needs_fork
def test_phase_one_sent_in_batches_gives_the_serial_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six sources a worker in batches of four: a full batch, then a part, a failure in it."""
    folder = _corpus(tmp_path)
    _segment_fails(monkeypatch, "s2_times")  # (the last of its worker's share)
    serial = _outputs(folder, 1)
    batches: list[int] = []
    receive = parallel._receive

    def counted(worker: Any) -> tuple[Any, ...]:
        message = receive(worker)
        if message[0] == "prepared":
            batches.append(len(message[1]))
        return message

    monkeypatch.setattr(parallel, "_receive", counted)
    monkeypatch.setattr(parallel, "BATCH", 4)
    assert _outputs(folder, 2) == serial
    assert sorted(batches) == [2, 2, 4, 4]
    assert len(json.loads(serial[0])["failures"]) == 1


@needs_fork
def test_a_bug_in_a_worker_is_raised_as_in_a_serial_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _corpus(tmp_path)
    real = extractive.extract

    def extract(cleaned: Any, sentences: Any, **kwargs: Any) -> Any:
        if cleaned.source.id == "s2_times":
            raise ValueError("a bug in the engine")
        return real(cleaned, sentences, **kwargs)

    monkeypatch.setattr(extractive, "extract", extract)
    for workers in (1, 2):
        with pytest.raises(ValueError, match="a bug in the engine"):
            _outputs(folder, workers)


def _sources(sizes: list[int]) -> list[Source]:
    return [Source(id=f"a{i}", path=f"a{i}.txt", text="x" * n) for i, n in enumerate(sizes)]


def test_workers_only_where_they_pay() -> None:
    config = Config(engine=EngineChoice.EXTRACTIVE)
    engine = ExtractiveEngine()
    small = _sources([2_000] * 20)  # 40 KB: serial
    large = _sources([60_000] * 20)  # 1.2 MB
    assert parallel.workers_for(small, engine, config) == 1
    assert parallel.workers_for(large, engine, config) == min(parallel.available_cores(), 5)
    assert parallel.workers_for(small, engine, Config(workers=2)) == 2
    assert parallel.workers_for(large, engine, Config(workers=1)) == 1
    assert parallel.workers_for(_sources([60_000]), engine, Config(workers=4)) == 1
    llm = pipeline.make_engine(
        Config(engine=EngineChoice.LLM, llm=LLMConfig(model="m")), ScriptedBackend([])
    )
    assert parallel.workers_for(large, llm, Config(workers=2)) == 1  # model calls: threads


def test_shares_are_interleaved_and_balanced_by_text() -> None:
    sources = _sources([100, 100, 100, 100, 400, 100, 100])
    # each source goes to the worker with the least text so far: 603 / 606 characters
    assert parallel.shares(sources, 2) == [[0, 2, 4], [1, 3, 5, 6]]
    three = parallel.shares(sources, 3)
    assert sorted(i for share in three for i in share) == list(range(len(sources)))
    assert all(share == sorted(share) for share in three)
    assert len(three) == 3
    assert parallel.shares(_sources([5]), 2) == [[0]]
    assert parallel.shares(_sources([10] * 8), 4) == [[i, i + 4] for i in range(4)]


def test_records_read_back_from_a_worker_share_their_given_fields_safely() -> None:
    """Records unpickled from a worker share one set of given fields per shape (a large
    run held one set per record: a quarter of its memory); a copy with an update gets
    its own, so the shared one never changes."""
    source = Source(id="a", path="a.txt", text="One. Two.")
    records = [
        pickle.loads(
            pickle.dumps(CleanedSource(source=source, kept=(CharInterval(start=0, end=i),)))
        )
        for i in (4, 9)
    ]
    first, second = records
    assert first.model_fields_set is second.model_fields_set == {"source", "kept"}
    copy = first.model_copy(update={"dropped": (DroppedRange(start=5, end=9, reason="x"),)})
    assert copy.model_fields_set == {"source", "kept", "dropped"}
    assert second.model_fields_set == {"source", "kept"}
    assert second.kept[0].end == 9 and not second.dropped


def _held_back(monkeypatch: pytest.MonkeyPatch, folder: Path) -> tuple[Any, list[int]]:
    """The last source of the second worker's share waits in its worker (up to a minute)
    until the returned event is set, so that the first worker finishes before it; and
    two cores, so that one is free once it has (returns the event, the first share).
    No work is handed over at the end (:mod:`~summarizer.pipeline.sharing`)."""
    from summarizer.stages import ingest as ingest_stage

    sources = ingest_stage.ingest([folder]).sources
    first, second = parallel.shares(sources, 2)
    last = sources[second[-1]].id
    go = multiprocessing.get_context("fork").Event()
    real = sharing.finish

    def finish(cleaned: Any, *args: Any) -> Any:
        if cleaned.source.id == last:
            go.wait(60)
        return real(cleaned, *args)

    monkeypatch.setattr(sharing, "finish", finish)
    monkeypatch.setattr(parallel, "available_cores", lambda: 2)
    # no work handed over: the first worker would wait for the held one's answer (it
    # answers between two sources) instead of finishing
    monkeypatch.setattr(sharing, "MIN_LEFT", len(sources) + 1)
    return go, first


@needs_fork
def test_spare_work_is_taken_only_while_a_core_is_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spare tasks run once a worker has finished (its whole share is back), not
    while both work, and they see the results that have come."""
    from summarizer.stages import ingest as ingest_stage

    folder = _corpus(tmp_path)
    go, first = _held_back(monkeypatch, folder)
    sources = ingest_stage.ingest([folder]).sources
    calls: list[tuple[bool, int]] = []

    def spare(result: parallel.ParallelResult) -> bool:
        calls.append((all(sources[p].id in result.outcomes for p in first), len(result.arrived)))
        go.set()
        return False  # nothing to do: wait for the messages

    result = parallel.run_parallel(sources, ExtractiveEngine(), 2, spare=spare)
    assert calls and all(whole for whole, _ in calls)
    assert calls[0][1] >= len(first)
    assert len(result.arrived) == len(sources)


@needs_fork
def test_statements_read_while_the_last_worker_ends_give_the_same_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Merge's tokens read from the first results while the last worker still works
    are kept (no text is read twice) and give the serial run's output."""
    from collections import Counter

    from summarizer.pipeline import runner
    from summarizer.stages import terms

    folder = _corpus(tmp_path)
    serial = _outputs(folder, 1)
    go, _ = _held_back(monkeypatch, folder)
    read_before: list[int] = []
    reading, tokenised, tokenise = runner._Reading.__call__, runner._tokenised, terms.tokenise
    read: Counter[str] = Counter()

    def spare(self: Any, result: parallel.ParallelResult) -> bool:
        go.set()
        return reading(self, result)

    def tail(per_source: Any) -> Any:
        read_before.append(len(per_source.tokenised))
        return tokenised(per_source)

    def counted(text: str, *args: Any) -> Any:
        read[text] += 1
        return tokenise(text, *args)

    monkeypatch.setattr(runner._Reading, "__call__", spare)
    monkeypatch.setattr(runner, "_tokenised", tail)
    monkeypatch.setattr(terms, "tokenise", counted)
    assert _outputs(folder, 2) == serial
    assert read_before and read_before[0] > 0
    assert read and max(read.values()) == 1


@needs_fork
def test_a_worker_that_ends_first_takes_over_the_end_of_anothers_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second worker's sources are slow: the first, done with its own, takes the last
    part of the second's queue (preparing those articles again), and the output is still
    the serial run's."""
    import os
    import time

    from summarizer.stages import ingest as ingest_stage

    (tmp_path / "story").mkdir()
    folder = _corpus(tmp_path / "story")
    serial = _outputs(folder, 1)
    sources = ingest_stage.ingest([folder]).sources
    first, second = parallel.shares(sources, 2)
    slow = {sources[p].id for p in second}
    made = tmp_path / "made"
    made.mkdir()
    real = sharing.finish

    def finish(cleaned: Any, *args: Any) -> Any:
        if cleaned.source.id in slow:
            time.sleep(0.2)
        (made / cleaned.source.id).write_text(str(os.getpid()))
        return real(cleaned, *args)

    monkeypatch.setattr(sharing, "finish", finish)
    assert _outputs(folder, 2) == serial
    maker = {path.name: path.read_text() for path in made.iterdir()}
    (first_pid,) = {maker[sources[p].id] for p in first}
    taken = [p for p in second if maker[sources[p].id] == first_pid]
    assert taken and taken == second[-len(taken) :]  # the end of the queue, in order


def _sharing(owed: list[int], enabled: bool = True) -> tuple[sharing.Sharing, list[Any]]:
    sent: list[Any] = []
    drops: dict[int, Any] = {p: [(0, f"reason {p}", ())] for p in range(20)}
    return sharing.Sharing(owed, drops, lambda w, m: sent.append((w, m)), enabled), sent


def test_an_idle_worker_is_given_part_of_the_busiest_workers_queue() -> None:
    shared, sent = _sharing([0, 9, 12])
    shared.emptied(0)
    assert sent == [(2, sharing.SPLIT)]  # the one with the most left
    shared.gave(2, (18, 19))
    assert sent[-1] == (0, ("take", [(18, [(0, "reason 18", ())]), (19, [(0, "reason 19", ())])]))
    assert shared.owed == [2, 9, 10]
    shared.received(0)
    shared.received(0)
    shared.emptied(0)  # again: the third still has the most
    assert sent[-1] == (2, sharing.SPLIT)
    shared.gave(2, ())  # its last jobs: it is not asked again, the second is
    assert sent[-1] == (1, sharing.SPLIT)
    shared.emptied(1)  # the second's queue empties before it answers: no one is left
    assert sent[-1] == (1, None)
    shared.gave(1, ())
    assert sent[-1] == (0, None)
    assert len(sent) == 6


def test_no_work_is_handed_over_when_little_is_left_or_workers_are_spawned() -> None:
    shared, sent = _sharing([0, sharing.MIN_LEFT - 1])
    shared.emptied(0)
    assert sent == [(0, None)]
    shared, sent = _sharing([0, 50], enabled=False)
    shared.emptied(0)
    assert sent == [(0, None)]


def test_a_worker_asked_gives_up_the_last_part_of_its_queue_in_order() -> None:
    from collections import deque

    class Conn:
        def __init__(self) -> None:
            self.sent: list[Any] = []

        def send(self, message: Any) -> None:
            self.sent.append(message)

    jobs: Any = deque((p, None, None, []) for p in range(10))
    conn = Conn()
    sharing._give_up(sharing.SPLIT, jobs, conn)  # type: ignore[arg-type]
    assert conn.sent == [("gave", (6, 7, 8, 9))]
    assert [job[0] for job in jobs] == [0, 1, 2, 3, 4, 5]
    with pytest.raises(RuntimeError, match="unexpected message"):
        sharing._give_up(("take", []), jobs, conn)  # type: ignore[arg-type]


@needs_fork
@pytest.mark.parametrize("batch", [1, 5])
def test_results_sent_a_few_at_a_time_give_the_serial_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """A worker sends its results :data:`~summarizer.pipeline.sharing.BATCH` at a time
    and the rest when its queue empties (six sources a worker here: a full batch of
    five and one more, or one at a time)."""
    folder = _corpus(tmp_path)
    serial = _outputs(folder, 1)
    monkeypatch.setattr(sharing, "BATCH", batch)
    assert _outputs(folder, 2) == serial

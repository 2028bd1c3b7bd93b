"""A step of the run's tail on a second core gives what it gives in this process.

:func:`summarizer.beside.beside` forks a process for the step and waits for
its pickled result; when it cannot fork, or the child fails, the step runs here, so
errors surface as in a serial run.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from summarizer import beside as beside_module
from summarizer import pipeline
from summarizer.beside import beside
from summarizer.config import Config, EngineChoice
from summarizer.pipeline import runner
from summarizer.stages import disagree

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="the step runs here"
)

FIGURES = {"ledger": 40, "wire": 40, "courier": 52}


@needs_fork
def test_the_step_runs_in_another_process_and_gives_its_result() -> None:
    here = os.getpid()
    table = {"a": [1, 2], "b": [3]}  # the child sees this process's objects as they are
    result = beside(lambda: (os.getpid(), {k: sum(v) for k, v in table.items()}))()
    assert result[0] != here
    assert result[1] == {"a": 3, "b": 3}


def test_disabled_the_step_runs_here() -> None:
    assert beside(os.getpid, enabled=False)() == os.getpid()


def test_without_fork_the_step_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(beside_module.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert beside(os.getpid)() == os.getpid()


@needs_fork
def test_a_step_failing_in_the_child_runs_again_here() -> None:
    here = os.getpid()

    def step() -> int:
        if os.getpid() != here:
            raise RuntimeError("only in the child")
        return 7

    assert beside(step)() == 7


@needs_fork
def test_a_result_that_does_not_pickle_is_made_here() -> None:
    here = os.getpid()
    result = beside(lambda: lambda: os.getpid() == here)()  # a lambda does not pickle
    assert result()  # made in this process


@needs_fork
def test_waiting_for_the_child_this_process_takes_the_tasks_given_meanwhile() -> None:
    context = multiprocessing.get_context("fork")
    started = context.Event()  # set by this process's first task: the child waits for it
    taken: list[int] = []

    def tasks() -> Any:
        for i in range(1000):
            taken.append(i)
            started.set()
            yield None

    result = beside(lambda: started.wait(timeout=30), meanwhile=tasks())()
    assert result is True  # the child answered after this process took a task
    assert taken and taken[0] == 0


def test_without_a_child_the_tasks_given_meanwhile_are_not_taken() -> None:
    taken: list[int] = []

    def tasks() -> Any:
        taken.append(1)
        yield None

    assert beside(os.getpid, enabled=False, meanwhile=tasks())() == os.getpid()
    assert taken == []


def _corpus(folder: Path) -> Path:
    for o, (outlet, dead) in enumerate(FIGURES.items()):
        text = (
            f"date: 2025-03-0{4 + o}\nHarbour blast: {outlet} report\n\n"
            f"The blast at the Kessaly harbour on Monday killed {dead} people, officials said.\n\n"
            f"Crews in Kessaly searched the {outlet} district's warehouses on Monday night."
        )
        (folder / f"{outlet}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


def _findings(folder: Path, workers: int) -> Any:
    report = pipeline.run(
        [folder], Config(engine=EngineChoice.EXTRACTIVE, quiet=True, workers=workers)
    )
    return (
        report.disagreements,
        report.agreements,
        report.revisions,
        report.headline,
        report.key_developments,
        report.headline_line,
        report.development_lines,
    )


def test_a_run_on_workers_orders_and_compares_as_a_serial_run(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    serial = _findings(folder, 1)
    assert serial[2]  # 40 dead, then 52 a day later: a revision to find
    assert _findings(folder, 2) == serial


@needs_fork
def test_a_bug_in_the_comparison_is_raised_as_in_a_serial_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _corpus(tmp_path)

    def compare(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("a bug in compare")

    monkeypatch.setattr(disagree, "compare", compare)
    for workers in (1, 2):
        with pytest.raises(ValueError, match="a bug in compare"):
            _findings(folder, workers)


def test_in_a_run_on_workers_the_order_has_every_statements_terms_read_beforehand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terms are read beside (here: in this process, as when the fork fails) and
    handed to the brief's order, which then reads none itself."""
    from summarizer.stages import select

    folder = _corpus(tmp_path)
    serial = _findings(folder, 1)
    given: list[set[str]] = []
    order, terms = select.brief_order, select._terms

    def watched(*args: Any, **kwargs: Any) -> Any:
        given.append(set(args[4]))
        monkeypatch.setattr(select, "_terms", _refused)
        try:
            return order(*args, **kwargs)
        finally:
            monkeypatch.setattr(select, "_terms", terms)

    report = pipeline.run([folder], Config(engine=EngineChoice.EXTRACTIVE, quiet=True))
    monkeypatch.setattr(runner, "beside", lambda step, enabled=True, **_: step)
    monkeypatch.setattr(runner.select_stage, "brief_order", watched)
    assert _findings(folder, 2) == serial
    assert given and {e.text for e in report.events} <= given[0]


def _refused(text: str) -> Any:
    raise AssertionError(f"terms read again: {text}")


def test_pairs_and_order_are_made_beside_only_in_runs_on_workers_of_bounded_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _corpus(tmp_path)
    asked: list[bool] = []

    def watching(real: Any) -> Any:
        def watched(step: Any, enabled: bool = True, **kwargs: Any) -> Any:
            asked.append(enabled)
            return real(step, enabled, **kwargs)

        return watched

    monkeypatch.setattr(runner, "beside", watching(runner.beside))
    monkeypatch.setattr(runner, "beside_items", watching(runner.beside_items))
    _findings(folder, 1)
    _findings(folder, 2)
    monkeypatch.setattr(runner, "BESIDE_MAX_QUOTES", 0)  # any quote is too many
    _findings(folder, 2)
    # merge's pairs, then the order; under the cap also the order's terms, first
    assert asked == [False] * 2 + [True] * 3 + [False] * 2


def test_a_long_list_of_entries_is_written_in_two_processes_as_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarizer.output import report_json

    folder = _corpus(tmp_path)
    for day, town in enumerate(("Orla", "Varn", "Sello", "Marrow")):
        (folder / f"{town}.txt").write_text(
            f"date: 2025-03-1{day}\nFerry news\n\nThe ferry to {town} was cancelled on "
            f"Tuesday after a storm damaged its pier, the port of {town} said.\n",
            encoding="utf-8",
        )
    report = pipeline.run([folder], Config(engine=EngineChoice.EXTRACTIVE, quiet=True, workers=1))
    assert len(report.events) >= 4 and report.revisions  # a revised mark to write too
    expected = report_json.document_text(report_json.report_v1(report))
    asked: list[int] = []
    real = report_json.beside

    def watched(step: Any, enabled: bool = True) -> Any:
        asked.append(len(report.events))
        return real(step, enabled)

    monkeypatch.setattr(report_json, "beside", watched)
    monkeypatch.setattr(report_json, "BESIDE_MIN_ENTRIES", 2)
    monkeypatch.setattr(report_json, "available_cores", lambda: 2)
    assert report_json.render_json(report) == expected
    assert asked == [len(report.events)]
    monkeypatch.setattr(report_json, "available_cores", lambda: 1)  # no core to spare
    assert report_json.render_json(report) == expected
    monkeypatch.setattr(report_json, "available_cores", lambda: 2)
    monkeypatch.setattr(report_json, "MAX_QUOTES", 0)  # too many quotes for a fork
    assert report_json.render_json(report) == expected
    assert asked == [len(report.events)]


def test_frozen_heap_blocks_nest_and_the_outermost_thaws() -> None:
    import gc

    assert gc.get_freeze_count() == 0
    with beside_module.frozen_heap():
        with beside_module.frozen_heap():
            kept: list[list[int]] = [[] for _ in range(10)]  # frozen by the inner block
        assert gc.get_freeze_count() >= len(kept)  # the inner block thawed nothing
    assert gc.get_freeze_count() == 0


def test_the_run_after_the_per_source_stages_is_out_of_the_collectors_sight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    frozen: list[int] = []
    real = runner.merge_stage.merge

    def merge(*args: Any, **kwargs: Any) -> Any:
        frozen.append(gc.get_freeze_count())
        return real(*args, **kwargs)

    def compare(*args: Any, **kwargs: Any) -> Any:
        frozen.append(gc.get_freeze_count() if gc.isenabled() else -1)
        return real_compare(*args, **kwargs)

    real_compare = disagree.compare
    monkeypatch.setattr(runner.merge_stage, "merge", merge)
    monkeypatch.setattr(disagree, "compare", compare)
    serial = _findings(_corpus(tmp_path), 1)
    assert frozen and frozen[0] > 0  # the sources and their results, at least
    assert frozen[1] > frozen[0]  # then merge's records, and the collector runs again
    assert gc.get_freeze_count() == 0  # thawed when the run ends
    assert serial[2]


def test_collector_paused_resumes_as_it_was_and_runs_after_first() -> None:
    from summarizer.beside import collector_paused

    seen: list[bool] = []
    was = gc.isenabled()
    try:
        gc.enable()
        with collector_paused(after=lambda: seen.append(gc.isenabled())):
            assert not gc.isenabled()
        assert gc.isenabled() and seen == [False]
        gc.disable()
        with collector_paused():
            pass
        assert not gc.isenabled()  # a paused collector stays paused
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


@needs_fork
def test_parts_are_made_in_another_process_and_given_as_they_come() -> None:
    here = os.getpid()
    parts = beside_module.beside_items(lambda: iter([os.getpid(), 2, 3]))()
    first = next(parts)
    assert first != here
    assert list(parts) == [2, 3]


def test_disabled_the_parts_are_made_here() -> None:
    parts = beside_module.beside_items(lambda: iter([os.getpid(), 5]), enabled=False)
    assert list(parts()) == [os.getpid(), 5]


@needs_fork
def test_parts_the_child_did_not_send_are_made_here_once() -> None:
    """The child fails after its first two parts: this process makes the rest, and
    none twice."""
    here = os.getpid()

    def steps() -> Any:
        for i in range(5):
            if i == 2 and os.getpid() != here:
                raise RuntimeError("only in the child")
            yield (i, os.getpid() == here)

    parts = list(beside_module.beside_items(steps)())
    assert [i for i, _ in parts] == [0, 1, 2, 3, 4]
    assert [made_here for _, made_here in parts] == [False, False, True, True, True]

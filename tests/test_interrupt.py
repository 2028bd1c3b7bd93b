"""No lost work (issue 5): atomic output under a kill, Ctrl-C, and resuming a killed run.

* ``write_atomic`` killed (SIGKILL) in the middle of writing leaves the previous
  file byte for byte, and a failure mid-write (monkeypatched) does the same;
* SIGINT to a real ``summarizer brief`` process waiting on a slow fake server
  stops it with exit 130 and a line naming the sources that had finished; the
  previous output file is untouched;
* a run killed mid-way, started again, makes model calls only for what is
  missing (the response cache);
* Ctrl-C while the per-source stages run on worker processes stops the workers at
  once (each used to be waited for, five seconds a worker: 30 s with six).

No fixed sleeps: with ``--concurrency 2`` the sources' calls start in input order
(delta-flood and kestrel-quake, then port-avery-vote when a worker is free), and a
worker takes its next call only after the last one's answer was handled (cached, its
source marked finished). So port-avery-vote's request reaching the server means
delta-flood has finished, while kestrel-quake's call is held by the slow server.
"""

from __future__ import annotations

import importlib
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import (
    ARTICLES,
    FAILING,
    RoutedFakeServer,
    interruptible_command,
    pack_args,
    write_articles,
)

from summarizer.engines.extractive import ExtractiveEngine
from summarizer.errors import EXIT_INTERRUPTED, EXIT_TERMINATED
from summarizer.io import write_atomic
from summarizer.models import Source
from summarizer.pipeline import parallel
from summarizer.pipeline.sources import Interrupted
from summarizer.testing.fakeserver import FakeReply

PREVIOUS = "# Yesterday's brief\n\nEverything that was true yesterday.\n"


def _wait_for(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


SLOW_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from summarizer import io

    target, ready = sys.argv[1], sys.argv[2]
    real_fsync = os.fsync

    def slow_fsync(fd):  # the data is in the temporary file, not yet renamed
        open(ready, "w").close()
        time.sleep(60)
        real_fsync(fd)

    os.fsync = slow_fsync
    io.write_atomic(target, "HALF A NEW BRIEF " * 100_000)
    """
)


def test_kill_mid_write_leaves_the_previous_file(tmp_path: Path) -> None:
    target, ready = tmp_path / "brief.md", tmp_path / "ready"
    target.write_text(PREVIOUS, encoding="utf-8")
    script = tmp_path / "writer.py"
    script.write_text(SLOW_WRITER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(target), str(ready)])
    try:
        _wait_for(ready.exists)
        temps = [p for p in tmp_path.iterdir() if p.name.startswith(".brief.md.")]
        assert temps and temps[0].stat().st_size > 0  # really in the middle of a write
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert target.read_text(encoding="utf-8") == PREVIOUS


def test_failure_mid_write_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brief.md"
    target.write_text(PREVIOUS, encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "a new brief that never lands")
    assert target.read_text(encoding="utf-8") == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]  # no temporary file left


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    return env


AFTER_FIRST = "port-avery-vote"  # asked once delta-flood's call is done (see above)
assert sorted(ARTICLES) == ["delta-flood", FAILING, AFTER_FIRST]


def _brief(server: RoutedFakeServer, folder: Path, out: Path, *extra: str) -> list[str]:
    return [
        *interruptible_command(),
        "brief",
        str(folder),
        "--engine",
        "llm",
        "--model",
        "fake",
        "--base-url",
        server.base_url,
        "-o",
        str(out),
        *pack_args(),  # one source a call: the fault is routed to one source's calls
        "--concurrency",
        "2",
        *extra,
    ]


@pytest.mark.parametrize(
    ("stop", "code", "word"),
    [
        (signal.SIGINT, EXIT_INTERRUPTED, "interrupted"),
        (signal.SIGTERM, EXIT_TERMINATED, r"terminated \(SIGTERM\)"),
    ],
    ids=["ctrl-c", "sigterm"],
)
def test_ctrl_c_stops_cleanly_and_says_what_finished(
    tmp_path: Path, stop: signal.Signals, code: int, word: str
) -> None:
    folder = write_articles(tmp_path / "articles")
    out = tmp_path / "brief.md"
    out.write_text(PREVIOUS, encoding="utf-8")
    with RoutedFakeServer({FAILING: [FakeReply(delay=30)]}) as server:
        proc = subprocess.Popen(
            _brief(server, folder, out, "--no-cache"),
            env=_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait_for(lambda: server.requests_for(FAILING) and server.requests_for(AFTER_FIRST))
            proc.send_signal(stop)
            stdout, stderr = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if re.search(word, line)]
    assert len(lines) == 1, stderr
    said = re.search(word + r": (\d+) of (\d+) sources had finished(?: \((.*?)\))?;", lines[0])
    assert said is not None, lines[0]
    named = said.group(3).split(", ") if said.group(3) else []
    assert int(said.group(2)) == len(ARTICLES) and int(said.group(1)) == len(named)
    assert FAILING not in named and set(named) <= set(ARTICLES)
    assert "delta-flood" in named  # its call was done before port-avery-vote's was asked
    assert out.read_text(encoding="utf-8") == PREVIOUS  # nothing half-written
    assert stdout == ""


def test_killed_run_resumes_from_the_cache(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles")
    out = tmp_path / "brief.md"
    cache = ["--cache-dir", str(tmp_path / "cache")]
    # One server for both runs: the cache key includes the base URL, as it should.
    with RoutedFakeServer({FAILING: [FakeReply(delay=30)]}) as server:
        proc = subprocess.Popen(_brief(server, folder, out, *cache), env=_env(tmp_path))
        try:
            _wait_for(lambda: server.requests_for(FAILING) and server.requests_for(AFTER_FIRST))
            proc.send_signal(signal.SIGKILL)  # delta-flood's answer is in the cache by now
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
        done_before = {n: len(server.requests_for(n)) for n in ARTICLES if n != FAILING}
        seen = {n: len(server.requests_for(n)) for n in ARTICLES}
        server.clear_faults()
        again = subprocess.run(
            _brief(server, folder, out, *cache),
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        redone = {n: len(server.requests_for(n)) - seen[n] for n in ARTICLES}
    assert again.returncode == 0, again.stderr
    finished = [n for n, count in done_before.items() if count and n < FAILING]
    assert finished == ["delta-flood"], done_before
    for name in finished:
        assert redone[name] == 0  # answered from the cache
    assert redone[FAILING] == 1


WORKERS = 6  # waited for five seconds each, as before, they would take 30 s


def test_ctrl_c_stops_the_worker_processes_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = [
        Source(id=f"s{i}", path=f"s{i}.txt", text=f"The river rose {i + 2} metres on Monday.\n")
        for i in range(WORKERS)
    ]
    workers: list[Any] = []

    def ctrl_c_after_phase_one(_sources: Any, pool: Any, *_: Any) -> None:
        workers.extend(w.process for w in pool)
        for worker in pool:  # each has prepared its sources and now waits for the drops
            while worker.conn.recv()[0] != "case":
                pass
        raise KeyboardInterrupt

    monkeypatch.setattr(parallel, "_collect", ctrl_c_after_phase_one)
    raised: list[BaseException] = []

    def run() -> None:
        try:
            parallel.run_parallel(sources, ExtractiveEngine(), WORKERS)
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=20)  # a hang detector, as in the tests above
    assert not thread.is_alive(), "Ctrl-C waited for the worker processes"
    assert len(raised) == 1 and isinstance(raised[0], Interrupted), raised
    assert raised[0].finished == ()
    assert len(workers) == WORKERS and not any(p.is_alive() for p in workers)


def test_the_sigterm_handler_lasts_only_while_the_command_runs() -> None:
    """main() takes SIGTERM over for the command and gives the previous handler back."""
    app_module = importlib.import_module("summarizer.cli.app")
    before = signal.getsignal(signal.SIGTERM)
    seen: list[object] = []

    def command(**_: object) -> int:
        seen.append(signal.getsignal(signal.SIGTERM))
        return 0

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app_module, "app", command)
        with pytest.raises(SystemExit) as done:
            app_module.main(["--version"])
    assert done.value.code == 0
    assert seen and seen[0] not in (before, signal.SIG_DFL)
    assert signal.getsignal(signal.SIGTERM) == before

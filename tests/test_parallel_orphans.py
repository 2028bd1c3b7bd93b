"""A run killed while its workers wait leaves no worker behind.

A worker forked for the per-source stages waits for the corpus' boilerplate drops
between its two phases. If the run's process dies there (killed, out of memory), the
worker must see its pipe close and exit, not wait for ever: each worker closes the copies
of the run's pipe ends that the fork gave it. The run here is a child interpreter whose
boilerplate decision records the workers' ids and then ends the process at once.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

SCRIPT = """
import multiprocessing, os, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_parallel import _corpus
from summarizer import pipeline
from summarizer.config import Config, EngineChoice
from summarizer.pipeline import parallel

def decide(*args, **kwargs):
    pids = [p.pid for p in multiprocessing.active_children()]
    Path({pids!r}).write_text(" ".join(map(str, pids)))
    os._exit(3)

parallel.boilerplate.decide = decide
folder = _corpus(Path({folder!r}))
pipeline.run([folder], Config(engine=EngineChoice.EXTRACTIVE, quiet=True, workers=2))
"""


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods() or not Path("/proc/self").exists(),
    reason="forked workers and /proc (Linux)",
)
def test_workers_exit_when_the_run_dies_between_phases(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    folder.mkdir()
    pids_file = tmp_path / "pids"
    script = SCRIPT.format(tests=str(TESTS), pids=str(pids_file), folder=str(folder))
    log = tmp_path / "stderr"
    with log.open("w") as err:  # a file, not a pipe: a stray worker would hold a pipe open
        done = subprocess.run(
            [sys.executable, "-c", script],
            stdout=subprocess.DEVNULL,
            stderr=err,
            timeout=120,
            check=False,
        )
    assert done.returncode == 3, log.read_text()
    pids = [int(p) for p in pids_file.read_text().split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 30
    while any(map(_running, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [pid for pid in pids if _running(pid)]
    for pid in alive:  # do not leave them behind when the test fails
        subprocess.run(["kill", "-9", str(pid)], check=False)
    assert alive == []

"""Time the whole test suite on this machine and write its section of bench/RESULTS.md.

    python bench/bench_suite.py             # runs the suite once, writes the section
    python bench/bench_suite.py --no-write  # prints it instead

Runs the test command of the landing rules (``python -m pytest -q -p no:cacheprovider``,
plus a JUnit XML report for the test counts) in a subprocess and measures its wall
time and its CPU time (user + system seconds of pytest and of every process it started
and waited for: the CLI subprocesses, the fake servers' clients, the browser test),
with the 1-minute load average at the start, at the end and sampled every 10 s in
between. On a shared machine the wall time
depends on what else runs; the CPU seconds much less. Not a test: the figures depend
on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_extractive import machine, section_write  # noqa: E402

COMMAND = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
REFERENCE_WALL = 395.0  # issue 11: the suite's wall time on this machine before the work
SAMPLE_EVERY = 10.0  # seconds between load-average samples


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _sample_load(samples: list[float], stop: threading.Event) -> None:
    while not stop.wait(SAMPLE_EVERY):
        samples.append(os.getloadavg()[0])


def _counts(report: Path) -> str:
    """``712 passed, 0 failed, 1 skipped`` from pytest's JUnit XML report (``-qq`` prints no
    summary line)."""
    if not report.exists():
        return "no report"
    suite = ElementTree.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    total, failed, errors, skipped = (
        int(suite.get(k, "0")) for k in ("tests", "failures", "errors", "skipped")
    )
    passed = total - failed - errors - skipped
    return f"{passed} passed, {failed} failed, {errors} errors, {skipped} skipped"


@dataclass(frozen=True)
class SuiteRun:
    started_at: str
    exit_code: int
    summary: str
    wall: float  # seconds
    cpu: float  # user + system seconds of pytest and its children
    load_start: float
    load_end: float
    load_mean: float
    load_max: float


def measure() -> SuiteRun:
    load_start = os.getloadavg()[0]
    samples: list[float] = [load_start]
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_load, args=(samples, stop), daemon=True)
    started_at = dt.datetime.now(dt.UTC)
    cpu_before, wall_before = _children_cpu(), time.perf_counter()
    sampler.start()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        command = [*COMMAND, f"--junitxml={report}"]
        done = subprocess.run(command, cwd=HERE.parent, capture_output=True, check=False)
        summary = _counts(report)
    wall = time.perf_counter() - wall_before
    cpu = _children_cpu() - cpu_before
    stop.set()
    sampler.join()
    samples.append(os.getloadavg()[0])
    return SuiteRun(
        started_at=started_at.strftime("%Y-%m-%d %H:%M UTC"),
        exit_code=done.returncode,
        summary=summary,
        wall=wall,
        cpu=cpu,
        load_start=load_start,
        load_end=samples[-1],
        load_mean=sum(samples) / len(samples),
        load_max=max(samples),
    )


def section(run: SuiteRun) -> str:
    info = machine()
    return "\n".join(
        [
            "## Test suite: wall and CPU time",
            "",
            f"`{' '.join(['python', *COMMAND[1:]])}`, measured by `python bench/bench_suite.py` "
            f"on its own (not part of the run below), started {run.started_at}, on "
            f"{info['cpu']} ({info['nproc']} cores), Python {info['python']}. 1-minute load "
            "average (other work on the machine) "
            f"{run.load_start:.1f} at the start, {run.load_end:.1f} at the end, "
            f"mean {run.load_mean:.1f} and peak {run.load_max:.1f} over samples "
            f"every {SAMPLE_EVERY:.0f} s.",
            "",
            "| result | wall time | CPU time (user + system, pytest and its children) | "
            "reference wall time (issue 11) |",
            "| --- | ---: | ---: | ---: |",
            f"| {run.summary} (exit code {run.exit_code}) | {run.wall:.0f} s | "
            f"{run.cpu:.0f} s | {REFERENCE_WALL:.0f} s |",
            "",
            "Most of the wall time is waiting, not computing (CPU time is a fraction of it): "
            "subprocess CLI runs, fake servers with latency, retries with backoff, the "
            "headless browser. A lower load gives a shorter wall time for the same CPU time.",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args()
    text = section(measure())
    if args.no_write:
        print(text)
        return 0
    path = HERE / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    marker = "<!-- bench_suite:start -->"
    if marker not in old:  # first time: under the title, above the run_all header
        title, _, rest = old.partition("\n")
        path.write_text(f"{title}\n\n{marker}\n<!-- bench_suite:end -->\n{rest}", encoding="utf-8")
    section_write(path, text, "bench_suite")
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

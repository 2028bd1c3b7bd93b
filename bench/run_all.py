"""Run every benchmark in one go and stamp bench/RESULTS.md with the machine and the run.

    python bench/run_all.py

Runs ``bench_extractive.py`` (100, 1,000 and 5,000 articles), ``bench_speed.py``
(t17-dev, one story at 600 to 20,000 articles, real-length articles),
``bench_growth.py`` (one huge file: growth per stage, a 100 MB file), ``bench_llm.py``
and ``bench_startup.py`` (start-up of the command line) one after the other on this
machine; each replaces its own section of RESULTS.md, and this script writes the
header section saying that all rows below come from this one run (start and end time,
machine, load), with one table of every target the benchmarks checked (issue 12's and
issue 10 item 2's: what each measured, met or NOT met; ``targets.py``).
Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_extractive import machine, section_write  # noqa: E402
from targets import ENV, collect, table  # noqa: E402

BENCHES = (
    "bench_extractive.py",
    "bench_speed.py",
    "bench_growth.py",
    "bench_llm.py",
    "bench_startup.py",
)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def main(argv: list[str] | None = None) -> int:
    # no options: parsed so that --help answers instead of starting a 20-minute run
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args(argv)
    started_at, started = _now(), time.perf_counter()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench_targets_") as folder:
        env = {**os.environ, ENV: folder}
        for script in BENCHES:
            print(f"== {script} ({time.perf_counter() - started:.0f} s so far)", file=sys.stderr)
            code = subprocess.call([sys.executable, str(HERE / script)], cwd=HERE.parent, env=env)
            if code != 0:
                print(f"{script} failed (exit code {code}); RESULTS.md is partial", file=sys.stderr)
                return code
        goals = collect(Path(folder))
    info = machine()
    header = "\n".join(
        [
            "## This run",
            "",
            f"All sections below were measured in one run of `python bench/run_all.py`, "
            f"{started_at} to {_now()} ({time.perf_counter() - started:.0f} s), on {info['cpu']} "
            f"({info['nproc']} cores reported by the OS), Python {info['python']}, "
            f"{info['platform']}; 1-minute load average at the start: {load:.1f}.",
            f"Benchmarks run: {', '.join(f'`bench/{b}`' for b in BENCHES)}.",
            "",
            "### Targets",
            "",
            "Every target the benchmarks checked in this run (issue 12: speed; issue 10 "
            "item 2: one huge file), with what was measured; the details are in the section "
            "named.",
            "",
            *table(goals),
        ]
    )
    path = HERE / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    marker = "<!-- run_all:start -->"
    if marker not in text:  # put the header first, under the title
        title, _, rest = text.partition("\n")
        path.write_text(f"{title}\n\n{marker}\n<!-- run_all:end -->\n{rest}", encoding="utf-8")
    section_write(path, header, name="run_all")
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

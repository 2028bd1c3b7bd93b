"""Benchmark: start-up of the command line, and which imports it pays for.

    python bench/bench_startup.py               # 9 runs each, writes bench/RESULTS.md
    python bench/bench_startup.py --runs 5 --no-write
    git archive main | tar -x -C /tmp/before     # a tree to compare with, then:
    python bench/bench_startup.py --baseline /tmp/before

Runs, each as a fresh process, N times, interleaved so machine load hits them alike:

* ``summarizer brief seeds/`` (extractive: no model configured; the run store and
  caches in a temporary folder), target <= 0.8 s wall;
* ``summarizer timeline seeds/ --format json`` (the same, JSON: no template rendered);
* ``summarizer --help``, target <= 0.4 s wall;
* ``python -c pass``, the interpreter's own start, for scale.

With ``--baseline DIR`` (another checkout of the project, same interpreter and
packages) the brief, the JSON timeline and ``--help`` also run from ``DIR``'s code,
interleaved with this tree's, and a table sets their CPU medians side by side: a
change's effect on start-up, measured under the same load.

Reports the median wall time (and the range) and the median CPU time (user + sys of
the child) of each. Then runs ``python -X importtime`` on the brief once and lists
the imports it pays for (top packages by their own import time, and the slowest
modules by cumulative time), and checks that an extractive run imports none of the
model-transport packages (openai, httpx, tenacity, tiktoken, rich's progress...).
Not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_extractive import machine, section_write  # noqa: E402

RUNS = 9
TARGETS = {"brief": 0.8, "help": 0.4}  # seconds of wall time (issue 11)
# Packages an extractive run must not import (the model transport and its helpers),
# and packages only some inputs need (HTML, feeds, odd dates, a progress bar on a tty).
NOT_IMPORTED = ("openai", "httpx", "httpx2", "tenacity", "tiktoken", "vcr")
ONLY_WHEN_NEEDED = ("trafilatura", "lxml", "feedparser", "dateparser", "rich")
CLI = "from summarizer.cli import main; main()"
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _env(home: Path) -> dict[str, str]:
    """The environment of every run: no model configured, state under ``home``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SUMMARIZER_", "OPENAI_", "PYTHON"))
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
    )
    return env


ARGS = {"brief": ["brief", "seeds/"], "json": ["timeline", "seeds/", "--format", "json"]}
ARGS["help"] = ["--help"]
COMPARED = ("brief", "json", "help")  # the commands --baseline runs from both trees


def commands(baseline: Path | None = None) -> dict[str, list[str]]:
    """The commands timed; ``summarizer`` is the installed console script when present.

    With a ``baseline`` folder, each compared command also runs as ``NAME@baseline``
    from that tree and as ``NAME@this`` from this one, both by the same launcher (the
    tree first on ``sys.path``), so the two differ in the code alone.
    """
    script = Path(sys.executable).with_name("summarizer")
    summarizer = [str(script)] if script.exists() else [sys.executable, "-c", CLI]
    out = {name: [*summarizer, *args] for name, args in ARGS.items()}
    out["python"] = [sys.executable, "-c", "pass"]
    if baseline is not None:
        for name in COMPARED:
            for label, tree in (("baseline", baseline), ("this", ROOT)):
                out[f"{name}@{label}"] = [*_launcher(tree), *ARGS[name]]
    return out


def _launcher(tree: Path, code: str = CLI) -> list[str]:
    """``python -c CODE`` with ``tree``'s code first on ``sys.path``."""
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r}); {code}"]


def check_tree(tree: Path) -> None:
    """Refuse a baseline whose own code is not what the launcher runs."""
    where = "import summarizer; print(summarizer.__file__)"
    done = subprocess.run(_launcher(tree, where), capture_output=True, text=True, check=False)
    found = done.stdout.strip()
    if not found or not Path(found).resolve().is_relative_to(tree):
        raise SystemExit(f"--baseline {tree}: not a checkout ({found or done.stderr[-300:]})")


def _time_once(argv: Sequence[str], env: Mapping[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run; a failed run is an error."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=dict(env), capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-500:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(
    runs: int, env: Mapping[str, str], baseline: Path | None = None
) -> dict[str, dict[str, Any]]:
    """Each command ``runs`` times, interleaved (one warm-up round first, not counted)."""
    argvs = commands(baseline)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in argvs}
    for round_ in range(runs + 1):
        for name, argv in argvs.items():
            wall, cpu = _time_once(argv, env)
            if round_:  # round 0 warms the page cache and the bytecode
                samples[name].append((wall, cpu))
    results = {}
    for name, pairs in samples.items():
        walls, cpus = [w for w, _ in pairs], [c for _, c in pairs]
        results[name] = {
            "wall": statistics.median(walls),
            "wall_min": min(walls),
            "wall_max": max(walls),
            "cpu": statistics.median(cpus),
            "argv": argvs[name],
        }
    return results


def import_profile(env: Mapping[str, str]) -> dict[str, Any]:
    """``python -X importtime`` of one brief run: modules loaded and what they cost."""
    argv = [sys.executable, "-X", "importtime", "-c", CLI, "brief", "seeds/"]
    done = subprocess.run(argv, cwd=ROOT, env=dict(env), capture_output=True, text=True)
    own: dict[str, int] = {}
    cumulative: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match is None:
            continue
        self_us, cum_us, name = int(match.group(1)), int(match.group(2)), match.group(4)
        top = name.split(".")[0]
        own[top] = own.get(top, 0) + self_us
        cumulative.append((cum_us, name))
    loaded = set(own)
    return {
        "packages": sorted(own.items(), key=lambda kv: -kv[1]),
        "slowest": sorted(cumulative, reverse=True),
        "total_us": sum(own.values()),
        "absent": [p for p in NOT_IMPORTED if p not in loaded],
        "present": [p for p in NOT_IMPORTED if p in loaded],
        "lazy": [p for p in ONLY_WHEN_NEEDED if p not in loaded],
    }


def _verdict(name: str, wall: float) -> str:
    target = TARGETS[name]
    return f"**met** ({wall:.2f} s)" if wall <= target else f"**NOT met** ({wall:.2f} s)"


def to_markdown(
    results: Mapping[str, Mapping[str, Any]],
    profile: Mapping[str, Any],
    info: Mapping[str, str],
    runs: int,
    load: float,
    baseline: str | None = None,
) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Start-up: `summarizer brief seeds/` and `summarizer --help`",
        "",
        f"Measured {now} with `python bench/bench_startup.py` on: {info['cpu']}, "
        f"{info['nproc']} cores, Python {info['python']} ({info['platform']}); "
        f"1-minute load average at the start: {load:.1f}.",
        "",
        f"Each command ran {runs} times as a fresh process (after one uncounted warm-up "
        "round), interleaved with the others; wall is the median with the range seen, CPU "
        "the median user + sys time of the process. The brief is extractive (no model "
        "configured) and writes its run store under a temporary folder.",
        "",
        "| command | wall s (median) | range | CPU s (median) | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, label in (
        ("brief", "`summarizer brief seeds/`"),
        ("json", "`summarizer timeline seeds/ --format json`"),
        ("help", "`summarizer --help`"),
        ("python", "`python -c pass` (interpreter alone)"),
    ):
        r = results[name]
        target = f"<= {TARGETS[name]} s: {_verdict(name, r['wall'])}" if name in TARGETS else ""
        lines.append(
            f"| {label} | {r['wall']:.3f} | {r['wall_min']:.3f}-{r['wall_max']:.3f} | "
            f"{r['cpu']:.3f} | {target} |"
        )
    py, brief = results["python"], results["brief"]
    lines += [
        "",
        "Wall time on this shared machine follows its load: in the same rounds the "
        f"interpreter alone took {py['wall']:.3f} s of wall time for {py['cpu']:.3f} s of CPU "
        f"({py['wall'] / max(py['cpu'], 1e-9):.1f}x), and the brief {brief['wall']:.3f} s for "
        f"{brief['cpu']:.3f} s ({brief['wall'] / max(brief['cpu'], 1e-9):.1f}x). The brief "
        "runs on one thread, so its CPU time is about what it takes on an idle core.",
        "",
        *_comparison(results, baseline),
        "### What the brief imports (`python -X importtime`, one run)",
        "",
        f"Not imported by an extractive run: {', '.join(profile['absent']) or 'none'}"
        + (f"; imported: **{', '.join(profile['present'])}**" if profile["present"] else "")
        + ". Imported only when an input needs them (HTML, feeds, dates the rules lack, a "
        f"progress bar on a terminal), so not by this run: {', '.join(profile['lazy'])}.",
        "",
        f"All imports took {profile['total_us'] / 1e6:.3f} s of this run (one run, so "
        "noisier than the table above). By package, own time of its modules:",
        "",
        "| package | ms |",
        "| --- | ---: |",
    ]
    lines += [f"| {name} | {us / 1000:.1f} |" for name, us in profile["packages"][:12]]
    lines += ["", "Slowest modules, cumulative (their own imports included):", ""]
    lines += ["| module | ms |", "| --- | ---: |"]
    lines += [f"| `{name}` | {us / 1000:.1f} |" for us, name in profile["slowest"][:15]]
    return "\n".join(lines)


def _comparison(results: Mapping[str, Mapping[str, Any]], baseline: str | None) -> list[str]:
    """The side-by-side table of a ``--baseline`` run (nothing without one)."""
    if baseline is None:
        return []
    lines = [
        f"Side by side with `{baseline}` (`--baseline`): the same commands from both "
        "trees, by the same launcher, in the same interleaved rounds.",
        "",
        "| command | baseline CPU s | this CPU s | ratio | baseline wall s | this wall s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in COMPARED:
        base, this = results[f"{name}@baseline"], results[f"{name}@this"]
        lines.append(
            f"| `summarizer {' '.join(ARGS[name])}` | {base['cpu']:.3f} | {this['cpu']:.3f} | "
            f"{this['cpu'] / max(base['cpu'], 1e-9):.2f} | {base['wall']:.3f} | "
            f"{this['wall']:.3f} |"
        )
    return [*lines, ""]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    parser.add_argument(
        "--baseline", type=Path, metavar="DIR", help="another checkout to compare with"
    )
    parser.add_argument(
        "--baseline-name", metavar="TEXT", help="how the table names it (default: DIR)"
    )
    args = parser.parse_args(argv)
    if args.baseline is not None:
        args.baseline = args.baseline.resolve()
        check_tree(args.baseline)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        env = _env(Path(folder))
        results = measure(args.runs, env, args.baseline)
        profile = import_profile(env)
    name = args.baseline_name or (str(args.baseline) if args.baseline else None)
    text = to_markdown(results, profile, machine(), args.runs, load, name)
    print(text)
    if not args.no_write:
        section_write(HERE / "RESULTS.md", text, name="bench_startup")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

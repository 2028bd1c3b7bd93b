"""Side by side with the code before issue 12's round: today's generated corpora.

Issue 12 asks that the short generated corpora of ``bench_extractive.py`` (100, 1,000
and 5,000 articles, about 1 KB each) run no slower than before the round's work. A
figure from another day on another load says little on a shared machine, so both
trees run here, alternately, in the same minutes: the baseline commit (default
``427c3cc``, main before the round) is unpacked with ``git archive`` into a temporary
folder, and each run is a fresh interpreter with one tree first on ``sys.path`` (same
interpreter, same libraries), running ``pipeline.run`` (extractive engine, default
settings: this tree may use worker processes) and the JSON rendering, as each tree
names them. Wall and CPU seconds (worker processes included) are the median of the
repeats.

Used by ``bench_speed.py`` (``--baseline``); not a test.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINE = "427c3cc"  # main before issue 12's round
SIZES = (100, 1000, 5000)
REPEATS = {100: 3, 1000: 2, 5000: 1}
TOLERANCE = 1.05  # this tree's median wall time may exceed the baseline's by 5 % (noise)

# The child: one tree first on sys.path; the JSON renderer where that tree keeps it.
CHILD = """
import json, resource, sys, time
tree, folder = sys.argv[1], sys.argv[2]
sys.path.insert(0, tree)
import summarizer
assert summarizer.__file__.startswith(tree), summarizer.__file__
from summarizer import pipeline
from summarizer.config import Config, EngineChoice
try:
    from summarizer.output.report_json import render_json
except ImportError:
    from summarizer.render import render_json
def children():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime
wall, cpu, kids = time.perf_counter(), time.process_time(), children()
report = pipeline.run([folder], Config(engine=EngineChoice.EXTRACTIVE))
out = render_json(report)
print(json.dumps({
    "seconds": time.perf_counter() - wall,
    "cpu_seconds": time.process_time() - cpu + children() - kids,
    "events": len(report.events),
    "articles": len(report.sources),
}))
"""


def unpack(rev: str, into: Path) -> Path:
    """The tree of commit ``rev`` of this checkout, unpacked under ``into``."""
    done = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev],
        capture_output=True,
        check=True,
    )
    tree = into / f"baseline-{rev}"
    tree.mkdir()
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
        tar.extractall(tree, filter="data")
    return tree


def run_tree(tree: Path, folder: Path, timeout: float) -> dict[str, Any]:
    command = [sys.executable, "-c", CHILD, str(tree), str(folder)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=tree, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"failed": f"not finished in {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"failed": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "?"}
    result: dict[str, Any] = json.loads(proc.stdout)
    result["process_seconds"] = time.perf_counter() - started
    return result


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def compare(
    rev: str,
    generate: Callable[[int, Path], None],
    timeout: float,
    sizes: tuple[int, ...] = SIZES,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> dict[str, Any]:
    """Both trees on each size, alternately; ``{"rev", "rows" | "note"}``."""
    with tempfile.TemporaryDirectory(prefix="bench_baseline_") as tmp:
        try:
            base = unpack(rev, Path(tmp))
        except (subprocess.CalledProcessError, OSError) as exc:
            return {"rev": rev, "note": f"baseline {rev} not run: {exc}"}
        rows = []
        for n in sizes:
            folder = Path(tmp) / f"corpus{n}"
            folder.mkdir()
            generate(n, folder)
            runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "this": []}
            for _ in range(REPEATS.get(n, 1)):
                for label, tree in (("baseline", base), ("this", ROOT)):
                    runs[label].append(run_tree(tree, folder, timeout))
            row = _row(n, runs)
            log(f"generated {n:,}: {row}")
            rows.append(row)
    return {"rev": rev, "rows": rows}


def _row(n: int, runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    failed = [r["failed"] for rs in runs.values() for r in rs if "failed" in r]
    if failed:
        return {"n": n, "failed": failed[0]}
    out: dict[str, Any] = {"n": n, "repeats": len(runs["this"])}
    for label, rs in runs.items():
        out[label] = {
            "wall": _median([r["seconds"] for r in rs]),
            "cpu": _median([r["cpu_seconds"] for r in rs]),
            "events": rs[0]["events"],
        }
    out["wall_ratio"] = out["this"]["wall"] / out["baseline"]["wall"]
    out["cpu_ratio"] = out["this"]["cpu"] / out["baseline"]["cpu"]
    out["met"] = out["wall_ratio"] <= TOLERANCE
    return out


def markdown(result: dict[str, Any]) -> list[str]:
    rev = result["rev"]
    lines = [
        "",
        f"### Today's generated corpora, side by side with {rev} (before the round)",
        "",
    ]
    if "note" in result:
        return [*lines, result["note"] + "."]
    lines += [
        f"The short generated corpus of `bench_extractive.py` (same generator and seed), run "
        f"by the code of commit {rev} and by this tree alternately, each run a fresh "
        "interpreter (same interpreter and libraries; default settings, so this tree uses "
        "worker processes on runs large enough); medians of the repeats. CPU s includes "
        "worker processes. The two trees' outputs differ (quality work since): entries "
        "are shown.",
        "",
        "| articles | repeats | baseline wall s | this wall s | wall ratio | baseline CPU s "
        "| this CPU s | CPU ratio | entries (baseline / this) | no slower |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in result["rows"]:
        if "failed" in row:
            lines.append(f"| {row['n']:,} | | failed: {row['failed']} | | | | | | | **NOT met** |")
            continue
        b, t = row["baseline"], row["this"]
        lines.append(
            f"| {row['n']:,} | {row['repeats']} | {b['wall']:.2f} | {t['wall']:.2f} | "
            f"{row['wall_ratio']:.2f} | {b['cpu']:.2f} | {t['cpu']:.2f} | {row['cpu_ratio']:.2f} "
            f"| {b['events']:,} / {t['events']:,} | {'**met**' if row['met'] else '**NOT met**'} |"
        )
    lines += [
        "",
        f"No slower: this tree's median wall time at most {TOLERANCE:.2f}x the baseline's "
        "(the margin is the run-to-run noise of a shared machine).",
    ]
    return lines

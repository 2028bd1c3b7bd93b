"""Benchmark: one huge input file, growth of every stage with its size (issue 10, item 2).

Two generated single-file inputs (deterministic), each run at 1/4, 1/2 and full size
through ``pipeline.run`` (extractive engine) in a fresh interpreter, with the
per-source size cap lifted so every stage sees the whole file:

* ``lines``: 1,000,000 short lines (a short news sentence each, with weekdays,
  months and figures);
* ``one line (sentences)``: a single 5 MB line of such sentences (no line break);
* ``one line (one sentence)``: a single 5 MB line that is one sentence (clauses joined
  by commas and semicolons, one full stop at the end): the worst case for the stages
  that look at a sentence once per date or figure in it.

For each it reports CPU seconds, peak RSS and the per-stage CPU seconds, and the
growth exponent (least-squares slope of log CPU time against log size; linear is
1.00, quadratic 2.00). Then a 100 MB file runs with the default settings, as a
user would: it must finish within 60 s and 1 GB, or be cut with a note naming what
was kept.

    python bench/bench_growth.py                 # writes its section of RESULTS.md
    python bench/bench_growth.py --scale 0.1 --no-write

Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_extractive as short  # noqa: E402
from targets import Target, record  # noqa: E402

FULL_LINES = 1_000_000
FULL_LINE_BYTES = 5_000_000
BIG_FILE_BYTES = 100_000_000
FRACTIONS = (0.25, 0.5, 1.0)
GROWTH_TARGET = 1.1
BIG_SECONDS = 60.0
BIG_RSS_MIB = 1024.0
TIMEOUT = 900.0

SUBJECTS = ["The council", "Police", "The river", "Officials", "The company", "Rescuers", "Voters"]
VERBS = ["said", "reported", "approved", "closed", "opened", "counted", "evacuated"]
OBJECTS = ["{n} homes", "{n} roads", "{n} people", "the bridge", "{n} schools", "the plant"]
WHENS = ["on {wd}", "in {month}", "on {month} {d}", "last week", "{n} days ago", "overnight", ""]
MONTHS = ["January", "March", "May", "June", "August", "October", "December"]


def sentence(rng: random.Random) -> str:
    """One short news sentence (6-12 words) with a figure and, mostly, a date word."""
    when = rng.choice(WHENS).format(
        wd=rng.choice(short.WEEKDAYS), month=rng.choice(MONTHS), d=rng.randint(1, 28), n="{n}"
    )
    parts = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)]
    if when:
        parts.append(when)
    text = " ".join(parts).replace("{n}", str(rng.randint(2, 9000)), 1)
    return text.replace("{n}", str(rng.randint(2, 30))) + "."


def write_lines(path: Path, lines: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("date: 2025-07-01\n\n")
        for _ in range(lines):
            fh.write(sentence(rng) + "\n")


def write_one_line(path: Path, size: int, seed: int = 2) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("date: 2025-07-01\n\n")
        written = 0
        while written < size:
            s = sentence(rng) + " "
            fh.write(s)
            written += len(s)
        fh.write("\n")


def write_one_sentence(path: Path, size: int, seed: int = 4) -> None:
    """One line that is one sentence: clauses joined by commas, no full stop until the end."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("date: 2025-07-01\n\n")
        written = 0
        while written < size:
            s = sentence(rng)[:-1] + rng.choice([", and ", "; ", ", while "])
            fh.write(s)
            written += len(s)
        fh.write("end.\n")


def write_big(path: Path, size: int, seed: int = 3) -> None:
    """News-like paragraphs of 3-8 sentences, one a line, to ``size`` bytes."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("date: 2025-07-01\n\n")
        written = 0
        while written < size:
            p = " ".join(sentence(rng) for _ in range(rng.randint(3, 8))) + "\n\n"
            fh.write(p)
            written += len(p)


WRITERS = {
    "lines": write_lines,
    "one_line": write_one_line,
    "one_sentence": write_one_sentence,
    "big": write_big,
}

# --------------------------------------------------------------------------- child run


def child(path: Path, uncapped: bool) -> dict[str, Any]:
    import importlib

    from summarizer import pipeline
    from summarizer.config import Config, EngineChoice

    stage_seconds: dict[str, float] = {}
    for module_name, attr in short.STAGES:
        module = importlib.import_module(module_name)
        setattr(module, attr, short._timed(getattr(module, attr), stage_seconds, attr))
    config = Config(engine=EngineChoice.EXTRACTIVE, quiet=True)
    if uncapped:  # every stage sees the whole file
        from summarizer.stages import clean

        clean.MAX_SOURCE_CHARS = clean.MAX_SOURCE_UNITS = 10**12
    started, cpu = time.perf_counter(), time.process_time()
    report = pipeline.run([path], config)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "events": len(report.events),
        "failures": [f.reason for f in report.failures],
        "notes": list(report.stats.notes) + [n for s in report.sources for n in s.extraction.notes],
        "stages": stage_seconds,
    }


def measure(kind: str, amount: int, uncapped: bool, timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench_growth_") as tmp:
        path = Path(tmp) / f"{kind}.txt"
        WRITERS[kind](path, amount)
        size = path.stat().st_size
        load = os.getloadavg()[0]
        cmd = [sys.executable, __file__, "--child", str(path)] + (
            ["--uncapped"] if uncapped else []
        )
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, check=True, cwd=ROOT, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            result: dict[str, Any] = {"timed_out": True}
        else:
            result = json.loads(proc.stdout)
            result["timed_out"] = False
    result.update(kind=kind, amount=amount, bytes=size, load=load)
    return result


# --------------------------------------------------------------------------- report


def _label(r: dict[str, Any]) -> str:
    if r["kind"] == "lines":
        return f"{r['amount']:,} short lines"
    if r["kind"] == "one_line":
        return f"one line of {r['bytes'] / 1e6:.2f} MB (sentences)"
    if r["kind"] == "one_sentence":
        return f"one line of {r['bytes'] / 1e6:.2f} MB (one sentence)"
    return f"{r['bytes'] / 1e6:.0f} MB of paragraphs"


def to_markdown(series: dict[str, list[dict[str, Any]]], big: dict[str, Any] | None) -> str:
    info = short.machine()
    lines = [
        f"## {SECTION}",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with "
        f"`python bench/bench_growth.py` on: {info['cpu']}, {info['nproc']} cores, "
        f"Python {info['python']}.",
        "",
        "One generated file per row (short news sentences with weekdays, months and figures; "
        "fixed seed), run through `pipeline.run` (extractive engine) in a fresh interpreter "
        "with the per-source size cap lifted, so every stage sees the whole file. CPU s is the "
        "run's process time; load is the 1-minute load average when the row started.",
        "",
        "| input | size | CPU s | wall s | peak RSS | load | slowest stages (CPU s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    verdicts = []
    for rows in series.values():
        for r in rows:
            lines.append(_table_row(r))
        done = [r for r in rows if not r["timed_out"]]
        if len(done) == len(rows) and len(rows) > 1:
            slope = short.growth_exponent(
                [r["bytes"] for r in rows], [r["cpu_seconds"] for r in rows]
            )
            ok = slope <= GROWTH_TARGET
            verdicts.append(
                f"- {_label(rows[-1])}, sizes 1/4, 1/2, 1: growth exponent **{slope:.2f}** "
                f"(target <= {GROWTH_TARGET}: **{'met' if ok else 'NOT met'}**)"
            )
        else:
            verdicts.append(f"- {_label(rows[-1])}: a size did not finish: growth **NOT met**")
    lines += ["", *verdicts]
    if big is not None:
        lines += ["", "With the default settings (as a user runs it):", ""]
        lines += [
            "| input | size | CPU s | wall s | peak RSS | load | notes |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        if big["timed_out"]:
            lines.append(f"| {_label(big)} | {big['bytes'] / 1e6:.0f} MB | not finished | | | |")
            lines += ["", "Target (<= 60 s and < 1 GB): **NOT met**"]
        else:
            notes = "; ".join(big["notes"] + big["failures"]) or "-"
            lines.append(
                f"| {_label(big)} | {big['bytes'] / 1e6:.0f} MB | {big['cpu_seconds']:.1f} | "
                f"{big['seconds']:.1f} | {big['peak_rss_kb'] / 1024:.0f} MiB | {big['load']:.1f} "
                f"| {notes} |"
            )
            ok = big["seconds"] <= BIG_SECONDS and big["peak_rss_kb"] / 1024 < BIG_RSS_MIB
            lines += [
                "",
                f"Target (<= {BIG_SECONDS:.0f} s wall and < 1 GB): "
                f"**{'met' if ok else 'NOT met'}**",
            ]
    return "\n".join(lines) + "\n"


SECTION = "One huge input file: growth per stage (issue 10, item 2)"


def targets_of(series: dict[str, list[dict[str, Any]]], big: dict[str, Any] | None) -> list[Target]:
    """Issue 10 item 2's targets, each with what this run measured."""
    out = []
    for rows in series.values():
        goal = f"{_label(rows[-1])}: growth exponent <= {GROWTH_TARGET} (sizes 1/4, 1/2, 1)"
        if any(r["timed_out"] for r in rows) or len(rows) < 2:
            out.append(Target("10 item 2", goal, "a size did not finish", False, SECTION))
            continue
        slope = short.growth_exponent([r["bytes"] for r in rows], [r["cpu_seconds"] for r in rows])
        measured = f"{slope:.2f} (CPU s; {rows[-1]['cpu_seconds']:.1f} CPU s at full size)"
        out.append(Target("10 item 2", goal, measured, slope <= GROWTH_TARGET, SECTION))
    if big is not None:
        goal = (
            f"a {big['bytes'] / 1e6:.0f} MB file, default settings: <= {BIG_SECONDS:.0f} s wall "
            "and < 1 GB, or cut with a note"
        )
        if big["timed_out"]:
            out.append(Target("10 item 2", goal, "did not finish", False, SECTION))
        else:
            rss = big["peak_rss_kb"] / 1024
            cut = any("characters were read" in n for n in big["notes"])  # clean.oversize_note
            measured = (
                f"{big['seconds']:.1f} s wall, {big['cpu_seconds']:.1f} CPU s, {rss:.0f} MiB"
                f"{'; cut with a note' if cut else ''}"
            )
            ok = big["seconds"] <= BIG_SECONDS and rss < BIG_RSS_MIB
            out.append(Target("10 item 2", goal, measured, ok, SECTION))
    return out


def _table_row(r: dict[str, Any]) -> str:
    if r["timed_out"]:
        return f"| {_label(r)} | {r['bytes'] / 1e6:.1f} MB | not finished | | | {r['load']:.1f} | |"
    top = sorted(r["stages"].items(), key=lambda kv: -kv[1])[:4]
    stages = ", ".join(f"{k} {v:.1f}" for k, v in top)
    return (
        f"| {_label(r)} | {r['bytes'] / 1e6:.1f} MB | {r['cpu_seconds']:.1f} | "
        f"{r['seconds']:.1f} | {r['peak_rss_kb'] / 1024:.0f} MiB | {r['load']:.1f} | {stages} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="shrink every input")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per run")
    parser.add_argument("--no-big", action="store_true", help="skip the 100 MB default run")
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--uncapped", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.uncapped)))
        return 0
    series: dict[str, list[dict[str, Any]]] = {}
    inputs = (
        ("lines", FULL_LINES),
        ("one_line", FULL_LINE_BYTES),
        ("one_sentence", FULL_LINE_BYTES),
    )
    for kind, full in inputs:
        for fraction in FRACTIONS:
            r = measure(kind, int(full * fraction * args.scale), True, args.timeout)
            print(f"{_label(r)}: {_table_row(r)}", file=sys.stderr)
            series.setdefault(kind, []).append(r)
    big = None
    if not args.no_big:
        big = measure("big", int(BIG_FILE_BYTES * args.scale), False, args.timeout)
        print(f"{_label(big)}: {_table_row(big)}", file=sys.stderr)
    text = to_markdown(series, big)
    record("bench_growth", targets_of(series, big))
    if args.no_write:
        print(text)
    else:
        short.section_write(HERE / "RESULTS.md", text, "bench_growth")
        print(f"wrote {HERE / 'RESULTS.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: timeline quality on real corpora (Timeline17 dev) and on the seeds gold.

For each corpus under ``../shared/eval/t17-dev`` (when that folder exists) this runs
exactly the scoring commands of its README, as subprocesses of the installed CLI:

    summarizer timeline $c/articles --format json --max-dates L --per-date 2 -o run.json
    summarizer eval run.json $c/gold.json --format json

(L = the number of gold dates); then the same with ``--per-date K``, K the mean number of
sentences per gold date rounded (news-tls' ``get_average_summary_length``: the protocol the
published figures use), reported beside the first for comparison only (issue 9's targets
are checked on ``--per-date 2``); and for the seeds:

    summarizer brief seeds/ --format json -o seeds.json
    summarizer eval seeds.json tests/gold/seeds.gold.json --format json

and writes ``bench/QUALITY.md``: Date-F1, ROUGE-1 F, ROUGE-2 F, wall and CPU seconds of
the ``timeline`` command per corpus, the means, and whether each target (issue 9) is met.
The run store of those commands goes to a temporary folder (``SUMMARIZER_STORE``), so
a benchmark run leaves no history behind.

    python bench/quality.py                      # every corpus + seeds, writes QUALITY.md
    python bench/quality.py --corpus haiti_bbc   # one corpus (or "seeds"), prints only

The articles stay in ``../shared``: this script reads them there and copies nothing.
Not a test: the wall figures depend on the machine (CPU seconds are steadier).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EVAL_DIR = ROOT.parent.parent / "shared" / "eval" / "t17-dev"
SEEDS = ROOT / "seeds"
SEEDS_GOLD = ROOT / "tests" / "gold" / "seeds.gold.json"
OUT = HERE / "QUALITY.md"
PER_DATE = 2

# issue 9 targets
MEAN_DATE_F1 = 0.65
MIN_DATE_F1 = 0.50
MEAN_ROUGE1 = 0.13
MEAN_ROUGE2 = 0.05
SEEDS_DATE_F1 = 1.0
SEEDS_ROUGE1 = 0.60

# issue 9's figures before this round (same commands), for comparison
BEFORE = {
    "IraqWar_guardian": (0.471, 0.056, 0.018),
    "haiti_bbc": (0.818, 0.127, 0.069),
    "Finan_washingtonpost": (0.354, 0.043, 0.010),
}


@dataclass(frozen=True)
class Score:
    """One corpus' scores and the cost of its ``timeline``/``brief`` command."""

    corpus: str
    date_f1: float
    rouge1: float
    rouge2: float
    wall: float
    cpu: float
    system_dates: int
    gold_dates: int
    events: int
    evidence_exact: int = 0
    evidence_total: int = 0
    disagreements_found: int = 0
    disagreements_total: int = 0
    listed: tuple[int, int] = (0, 0)  # disagreements and revised figures the run lists


def _summarizer() -> str:
    """The ``summarizer`` script of the running interpreter's environment."""
    candidate = Path(sys.executable).parent / "summarizer"
    return str(candidate) if candidate.exists() else "summarizer"


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run one command; its wall and CPU seconds (the child's user + system time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: output written with failures noted
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _evaluate(system: Path, gold: Path, env: dict[str, str]) -> dict[str, Any]:
    args = [_summarizer(), "eval", str(system), str(gold), "--format", "json"]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _score(name: str, result: dict[str, Any], wall: float, cpu: float) -> Score:
    evidence = result.get("evidence") or {}
    dis = result["disagreements"]
    return Score(
        corpus=name,
        date_f1=result["dates"]["f1"],
        rouge1=result["rouge1"]["f1"],
        rouge2=result["rouge2"]["f1"],
        wall=wall,
        cpu=cpu,
        system_dates=result["system_dates"],
        gold_dates=result["gold_dates"],
        events=result["system_events"],
        evidence_exact=evidence.get("exact", 0),
        evidence_total=evidence.get("total", 0),
        disagreements_found=dis["found"],
        disagreements_total=dis["total"],
    )


def field_k(gold: Path) -> int:
    """Sentences per date as news-tls' evaluation sets it: the gold's mean, rounded."""
    timeline = json.loads(gold.read_text(encoding="utf-8"))["timeline"]
    return round(sum(len(t["texts"]) for t in timeline) / max(1, len(timeline)))


def run_corpus(folder: Path, work: Path, env: dict[str, str], per_date: int = PER_DATE) -> Score:
    """The README's scoring commands on one t17-dev corpus (``per_date`` sentences a date)."""
    gold = folder / "gold.json"
    max_dates = len(json.loads(gold.read_text(encoding="utf-8"))["timeline"])
    out = work / f"{folder.name}-{per_date}.json"
    args = [_summarizer(), "timeline", str(folder / "articles"), "--format", "json"]
    args += ["--max-dates", str(max_dates), "--per-date", str(per_date), "-o", str(out)]
    wall, cpu = _run(args, env)
    score = _score(folder.name, _evaluate(out, gold, env), wall, cpu)
    run = json.loads(out.read_text(encoding="utf-8"))
    listed = (len(run.get("disagreements", [])), len(run.get("revisions", [])))
    return dataclasses.replace(score, listed=listed)


def run_seeds(work: Path, env: dict[str, str]) -> Score:
    """The README's seeds evaluation: the brief's JSON against tests/gold/seeds.gold.json."""
    out = work / "seeds.json"
    wall, cpu = _run([_summarizer(), "brief", str(SEEDS), "--format", "json", "-o", str(out)], env)
    return _score("seeds", _evaluate(out, SEEDS_GOLD, env), wall, cpu)


def corpora(root: Path, only: str | None) -> list[Path]:
    if not root.is_dir():
        return []
    found = sorted(p for p in root.iterdir() if (p / "gold.json").exists())
    return [p for p in found if only is None or p.name == only]


# --------------------------------------------------------------------------- report


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _corpus_table(scores: list[Score]) -> list[str]:
    lines = [
        "| corpus | Date-F1 | ROUGE-1 F | ROUGE-2 F | wall s | CPU s | dates (system/gold) "
        "| entries | disagreements / revisions listed | before: Date-F1 / R1 / R2 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in scores:
        before = BEFORE.get(s.corpus)
        was = " / ".join(f"{v:.3f}" for v in before) if before else "-"
        lines.append(
            f"| {s.corpus} | {s.date_f1:.3f} | {s.rouge1:.3f} | {s.rouge2:.3f} | {s.wall:.1f} "
            f"| {s.cpu:.1f} | {s.system_dates}/{s.gold_dates} | {s.events} "
            f"| {s.listed[0]} / {s.listed[1]} | {was} |"
        )
    if scores:
        lines.append(
            f"| **mean** | **{_mean([s.date_f1 for s in scores]):.3f}** "
            f"| **{_mean([s.rouge1 for s in scores]):.3f}** "
            f"| **{_mean([s.rouge2 for s in scores]):.3f}** "
            f"| {sum(s.wall for s in scores):.1f} (sum) | {sum(s.cpu for s in scores):.1f} (sum) "
            "| | | | |"
        )
    return lines


def _corpus_targets(scores: list[Score], root: Path) -> list[str]:
    if not scores:
        return [f"No t17-dev corpora found at `{root}`: corpus targets not checked."]
    d = _mean([s.date_f1 for s in scores])
    low = min(scores, key=lambda s: s.date_f1)
    r1, r2 = _mean([s.rouge1 for s in scores]), _mean([s.rouge2 for s in scores])
    return [
        f"- mean Date-F1 >= {MEAN_DATE_F1}: {d:.3f}, {_met(d >= MEAN_DATE_F1)}",
        f"- no corpus Date-F1 below {MIN_DATE_F1}: lowest {low.date_f1:.3f} ({low.corpus}), "
        f"{_met(low.date_f1 >= MIN_DATE_F1)}",
        f"- mean ROUGE-1 F >= {MEAN_ROUGE1}: {r1:.3f}, {_met(r1 >= MEAN_ROUGE1)}",
        f"- mean ROUGE-2 F >= {MEAN_ROUGE2}: {r2:.3f}, {_met(r2 >= MEAN_ROUGE2)}",
    ]


def _field_lines(field: list[tuple[int, Score]]) -> list[str]:
    lines = [
        "| corpus | K (sentences a date) | Date-F1 | ROUGE-1 F | ROUGE-2 F | entries |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for k, s in field:
        lines.append(
            f"| {s.corpus} | {k} | {s.date_f1:.3f} | {s.rouge1:.3f} | {s.rouge2:.3f} | {s.events} |"
        )
    scores = [s for _, s in field]
    if scores:
        lines.append(
            f"| **mean** | | **{_mean([s.date_f1 for s in scores]):.3f}** "
            f"| **{_mean([s.rouge1 for s in scores]):.3f}** "
            f"| **{_mean([s.rouge2 for s in scores]):.3f}** | |"
        )
    return lines


def _seeds_lines(seeds: Score) -> list[str]:
    quotes_ok = seeds.evidence_total > 0 and seeds.evidence_exact == seeds.evidence_total
    dis_ok = seeds.disagreements_total > 0 and (
        seeds.disagreements_found == seeds.disagreements_total
    )
    return [
        "| Date-F1 | ROUGE-1 F | ROUGE-2 F | exact quotes | disagreements found | wall s | CPU s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {seeds.date_f1:.3f} | {seeds.rouge1:.3f} | {seeds.rouge2:.3f} "
        f"| {seeds.evidence_exact}/{seeds.evidence_total} "
        f"| {seeds.disagreements_found}/{seeds.disagreements_total} "
        f"| {seeds.wall:.1f} | {seeds.cpu:.1f} |",
        "",
        f"- date F1 {SEEDS_DATE_F1}: {_met(seeds.date_f1 >= SEEDS_DATE_F1)}",
        f"- ROUGE-1 F >= {SEEDS_ROUGE1}: {seeds.rouge1:.3f}, {_met(seeds.rouge1 >= SEEDS_ROUGE1)}",
        f"- every quote exact: {_met(quotes_ok)}",
        f"- both disagreements found: {_met(dis_ok)}",
    ]


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu} ({os.cpu_count()} cores reported by the OS), Python "
        f"{platform.python_version()}, {platform.platform()}"
    )


def to_markdown(
    scores: list[Score],
    seeds: Score,
    started: str,
    load: float,
    root: Path = EVAL_DIR,
    field: list[tuple[int, Score]] | None = None,
) -> str:
    lines = [
        "# Timeline quality",
        "",
        f"Measured {started} with `python bench/quality.py` (one run) on {_machine()}; "
        f"1-minute load average at the start: {load:.1f}. Extractive engine (the default).",
        "",
        "## Timeline17 dev corpora",
        "",
        "Three real corpora (`../shared/eval/t17-dev`, read there, not copied) scored with "
        "the commands of their README: L = the number of gold dates, "
        f"`summarizer timeline ARTICLES --format json --max-dates L --per-date {PER_DATE}`, "
        "then `summarizer eval` (Date-F1 as tilse; alignment ROUGE F, align+ m:1). Wall and "
        "CPU s are those of the `timeline` command (CPU: the child's user + system time; "
        "wall time on this shared machine is noisy). Disagreements / revisions listed: "
        "what the run's JSON lists under `disagreements` and `revisions` (how many of "
        "them are right is judged by hand, not by this script). The before column "
        "is issue 9's measurement with the same commands before this round.",
        "",
        *_corpus_table(scores),
        "",
        "Targets (issue 9):",
        "",
        *_corpus_targets(scores, root),
        "",
        "For scale: news-tls DATEWISE, the best published method (supervised date ranking), "
        "reaches Date-F1 0.544, ROUGE-1 0.120, ROUGE-2 0.035 on the whole of Timeline17.",
        "",
        *_field_section(field or []),
        "## Seeds",
        "",
        "`summarizer brief seeds/ --format json`, scored with `summarizer eval` against "
        "`tests/gold/seeds.gold.json`:",
        "",
        *_seeds_lines(seeds),
        "",
    ]
    return "\n".join(lines)


def _field_section(field: list[tuple[int, Score]]) -> list[str]:
    if not field:
        return []
    return [
        "### The published figures' protocol",
        "",
        "The published figures above are measured with K sentences a date, K the mean number "
        "of sentences per gold date rounded (news-tls' `get_average_summary_length`), not 2. "
        "The same run with `--per-date K` (same L), for comparison only: issue 9's targets "
        "are checked on the table above.",
        "",
        *_field_lines(field),
        "",
    ]


def _print(score: Score) -> None:
    print(
        f"{score.corpus:<22} Date-F1 {score.date_f1:.3f}  R1 {score.rouge1:.3f}  "
        f"R2 {score.rouge2:.3f}  dates {score.system_dates}/{score.gold_dates}  "
        f"entries {score.events}  quotes {score.evidence_exact}/{score.evidence_total}  "
        f"disagreements {score.disagreements_found}/{score.disagreements_total}  "
        f"wall {score.wall:.1f}s  CPU {score.cpu:.1f}s",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=EVAL_DIR,
        help="the folder holding the t17-dev corpora (default: ../shared/eval/t17-dev)",
    )
    parser.add_argument(
        "--corpus",
        help="score only this t17-dev corpus (or 'seeds'); prints, does not write QUALITY.md",
    )
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="quality-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "SUMMARIZER_STORE": str(work / "store.sqlite")}
        root: Path = args.eval_dir
        chosen = corpora(root, None if args.corpus in (None, "seeds") else args.corpus)
        if args.corpus not in (None, "seeds") and not chosen:
            raise SystemExit(f"no t17-dev corpus named {args.corpus!r} under {root}")
        if not root.is_dir():
            print(f"note: {root} not found; only the seeds are scored", file=sys.stderr)
        scores: list[Score] = []
        field: list[tuple[int, Score]] = []
        if args.corpus != "seeds":
            for folder in chosen:
                scores.append(run_corpus(folder, work, env))
                _print(scores[-1])
                k = field_k(folder / "gold.json")
                field.append((k, run_corpus(folder, work, env, per_date=k)))
                print(f"  --per-date {k} (published protocol):", end=" ")
                _print(field[-1][1])
        seeds = run_seeds(work, env) if args.corpus in (None, "seeds") else None
        if seeds is not None:
            _print(seeds)
    if args.corpus is not None:
        return 0
    assert seeds is not None
    OUT.write_text(to_markdown(scores, seeds, started, load, root, field), encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

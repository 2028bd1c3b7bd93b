"""Benchmark: speed on real-length news and on heavy coverage of one story (issue 12).

Beside ``bench_extractive.py``'s short generated articles, this runs the extractive
pipeline (``pipeline.run`` then ``render_json``, each corpus in a fresh interpreter) on:

* ``t17``: the three t17-dev corpora, read in place from ``../shared/eval/t17-dev``
  (research data: never copied; skipped with a note when the folder is absent);
* ``onestory``: one story covered by many outlets over 100 days: sentences of
  ``seeds/`` (cut with the project's own clean and segment stages) reshuffled into
  articles of 5-10 sentences, a third of them lightly reworded as outlets do; the
  sentences with figures are the story's facts, their figures moving from day to day,
  the others background repeated across days; 600, 5,000 and 20,000 articles
  (generated, deterministic);
* ``long``: real-length generated articles (3-8 KB each: the short corpus's stories
  with background, reaction and context paragraphs), 100, 400 and 1,000 articles.

For each run it reports wall and CPU seconds (CPU includes any worker processes),
articles/s, MB/s, peak RSS, the per-stage CPU seconds and, per series, the growth
exponent (least-squares slope of log CPU time against log n). A run that does not
finish within ``--timeout`` seconds is reported as such. Then 1 against 2 worker
processes side by side (the per-source stages' speed-up, and whether the JSON is the
same), and today's short generated corpora run by the code before issue 12's round and
by this tree alternately (``speed_baseline.py``). Its section of RESULTS.md opens with
issue 12's targets, each with what was measured and met / NOT met (``targets.py``;
``run_all.py`` gathers them into its own table).

    python bench/bench_speed.py                      # everything, writes RESULTS.md
    python bench/bench_speed.py --only t17 --no-write
    python bench/bench_speed.py --only onestory --sizes 600 --no-write
    python bench/bench_speed.py --only t17 --no-speedup --baseline none --no-write

Not a test: figures depend on the machine and its load (reported per row).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_extractive as short  # noqa: E402
import speed_baseline  # noqa: E402
from targets import Target, record, table  # noqa: E402


def _find_t17() -> Path:
    """``../shared/eval/t17-dev`` seen from the checkout (or from a worktree's parent)."""
    for base in ROOT.parents:
        candidate = base / "shared" / "eval" / "t17-dev"
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "eval" / "t17-dev"


T17 = _find_t17()
T17_CORPORA = ("IraqWar_guardian", "haiti_bbc", "Finan_washingtonpost")
ONESTORY_SIZES = (600, 5000, 20000)
LONG_SIZES = (100, 400, 1000)
SEED = 20250701
TIMEOUT = 900.0
SPEEDUP_REPEATS = 2
SPEEDUP_TARGET = 1.6
T17_TARGET_WALL = 4.0
T17_TARGET_RATE = 75.0
ONESTORY_TARGET_RATE = 100.0
GROWTH_TARGET = 1.1
RSS_TARGET_MIB = 1024
# Every child runs with one hash seed: some stage's output still follows the order of a
# set of strings (the same run gives the same JSON; two runs with different seeds may
# not), and the 1 / 2 workers comparison must compare the code, not the seeds.
HASH_SEED = "0"
SECTION = "Real-length news and heavy coverage of one story"

# --------------------------------------------------------------------------- corpora

ONESTORY_OUTLETS = 40  # generated outlet names: "Outlet 00" .. "Outlet 39"


def seed_sentences() -> list[str]:
    """Body sentences of ``seeds/`` (6 words or more), cut by the project's own stages."""
    from summarizer.stages import clean, ingest, segment

    out: list[str] = []
    for source in ingest.ingest([ROOT / "seeds"]).sources:
        for sentence in segment.segment(clean.clean(source)):
            text = " ".join(sentence.text.split())
            if not sentence.is_headline and len(text.split()) >= 6:
                out.append(text)
    return out


def _reword(sentence: str, rng: random.Random) -> str:
    """An outlet's light edit: attribution reworded or added, a leading connective cut."""
    choice = rng.randrange(3)
    if choice == 0 and " said" in sentence:
        return sentence.replace(" said", " told reporters", 1)
    if choice == 1 and sentence.endswith("."):
        return sentence[:-1] + ", according to local reports."
    for lead in ("Meanwhile, ", "But ", "However, ", "In June, "):
        if sentence.startswith(lead):
            rest = sentence[len(lead) :]
            return rest[:1].upper() + rest[1:]
    return sentence


_NUMBER = re.compile(r"\d[\d,]*\d|\d")


def _is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2100


def _on_day(sentence: str, day: int) -> str:
    """The sentence as reported on ``day``: each figure (years aside) moved by the day, so
    each day's report is a fact of its own (the story develops)."""

    def shift(m: re.Match[str]) -> str:
        token = m.group()
        if _is_year(token):
            return token
        value = int(token.replace(",", "")) + day + 1
        return f"{value:,}" if "," in token else str(value)

    return _NUMBER.sub(shift, sentence)


def onestory_corpus(n: int, folder: Path, seed: int = SEED) -> None:
    """``n`` articles of one story by 40 outlets over 100 days. The seed sentences with
    figures are the story's facts: each day's articles report that day's figures (and
    some of the day before's), so outlets repeat each other heavily within a day; the
    other seed sentences are background, repeated across days (page furniture to the
    boilerplate stage). A third of the sentences are lightly reworded."""
    pool = seed_sentences()
    facts = [s for s in pool if any(not _is_year(m.group()) for m in _NUMBER.finditer(s))]
    background = [s for s in pool if s not in facts]
    rng = random.Random(seed)
    start = dt.date(2025, 6, 1)
    for i in range(n):
        outlet = f"Outlet {rng.randrange(ONESTORY_OUTLETS):02d}"
        day = rng.randrange(100)
        chosen: list[str] = []
        for _ in range(rng.randint(5, 10)):
            kind = rng.random()
            if kind < 0.6:
                chosen.append(_on_day(rng.choice(facts), day))
            elif kind < 0.8:
                chosen.append(_on_day(rng.choice(facts), max(day - 1, 0)))
            else:
                chosen.append(rng.choice(background))
        body = [_reword(s, rng) if rng.random() < 0.33 else s for s in dict.fromkeys(chosen)]
        paragraphs = [" ".join(body[j : j + 2]) for j in range(0, len(body), 2)]
        published = start + dt.timedelta(days=day)
        header = f"date: {published.isoformat()}\nDrone war: {outlet} report {i}"
        text = "\n\n".join([header, *paragraphs])
        (folder / f"a{i:05d}.txt").write_text(text + "\n", encoding="utf-8")


BACKGROUND = [
    "In {year}, {city} was hit by a similar crisis that left {n1} people without homes.",
    "{other}, a researcher at the {org}, said the response in {city} had been {adj}.",
    "Authorities in {region} have spent {n2} million euros on {infra} since {year}.",
    "Many residents of {city} said they had received little warning on {weekday}.",
    "The {org} estimated that {n3} households in {region} were without power.",
    "{other} told the {outlet} that {n1} volunteers had joined the effort in {city}.",
    "Schools in {city} will remain closed until {month}, the education office said.",
    "A report published in {year} warned that {infra} in {region} needed urgent repairs.",
    "Prices of {goods} in {city} rose {pct} percent over the past {n4} weeks, traders said.",
    "The opposition called for an inquiry into how {person} handled the crisis in {city}.",
    "{n1} international observers arrived in {city} on {weekday} to assess the situation.",
    "Transport links between {city} and {city2} were partly restored by {weekday} evening.",
    "About {pct} percent of businesses in {city} reopened within {n4} days, a survey found.",
    "The {org} said it had received more than {n3} calls for help from {region}.",
    "Officials said {n2} temporary shelters had been set up across {region}.",
    "Historians note that {city} was founded in {year2} and grew quickly after {year}.",
    "{other} said the government should invest more in {infra} across {region}.",
    "Insurance claims from {city} could exceed {n2} million euros, the {org} estimated.",
    "Volunteers from {city2} brought {n3} tonnes of {goods} to {city} on {weekday}.",
    "The last time {region} saw events on this scale was in {year}, records show.",
    "Local radio in {city} broadcast appeals for blood donors throughout {weekday}.",
    "{person} is due to visit {city2} next week to discuss the situation, aides said.",
    "Some {n1} police officers were deployed to keep order in central {city}.",
    "Economists at the {org} said the effect on {region} would last {n4} months.",
]
ORGS = ["Institute for Public Policy", "Red Cross", "national statistics office", "World Bank"]
INFRA = ["flood defences", "roads", "the power grid", "schools", "hospitals", "bridges"]
GOODS = ["bread", "fuel", "drinking water", "rice", "medicine", "building materials"]
ADJ = ["slow", "well organised", "chaotic", "uneven", "swift"]


def _background(rng: random.Random, values: dict[str, Any], pub: dt.date, template: str) -> str:
    fields = dict(values)
    fields.update(
        other=f"{rng.choice(short.FIRST)} {short._name(rng, 3)}",
        org=rng.choice(ORGS),
        adj=rng.choice(ADJ),
        infra=rng.choice(INFRA),
        goods=rng.choice(GOODS),
        outlet=rng.choice(short.OUTLETS),
        city2=short._name(rng, 3),
        year=rng.randint(1950, pub.year - 1),
        year2=rng.randint(1200, 1900),
        n1=rng.randint(2, 900),
        n2=rng.randint(2, 900),
        n3=f"{rng.randint(1, 90) * 1000:,}",
        n4=rng.randint(2, 12),
        pct=rng.randint(2, 90),
        weekday=rng.choice(short.WEEKDAYS),
        month=rng.choice(["March", "April", "May", "September", "October"]),
    )
    return template.format(**fields)


def _long_article(
    rng: random.Random, kind: str, values: dict[str, Any], outlet: str, pub: dt.date
) -> str:
    """A short-corpus article grown to 3-8 KB with background paragraphs between its own
    (templates drawn without repeats until all are used)."""
    base = short._article(rng, kind, values, outlet, pub)
    head, _, rest = base.partition("\n\n")
    paragraphs = [p.strip() for p in rest.split("\n\n") if p.strip()]
    target = rng.randint(3000, 8000)
    templates: list[str] = []

    def paragraph() -> str:
        sentences = []
        for _ in range(rng.randint(2, 4)):
            if not templates:
                templates.extend(rng.sample(BACKGROUND, k=len(BACKGROUND)))
            sentences.append(_background(rng, values, pub, templates.pop()))
        return " ".join(sentences)

    extra: list[str] = []
    size = len(base)
    while size < target:
        extra.append(paragraph())
        size += len(extra[-1]) + 2
    out: list[str] = []  # the article's own paragraphs spread among the background ones
    step = max(len(extra) // max(len(paragraphs), 1), 1)
    for i, own in enumerate(paragraphs):
        out.append(own)
        out.extend(extra[i * step : (i + 1) * step])
    out.extend(extra[len(paragraphs) * step :])
    return head + "\n\n" + "\n\n".join(out) + "\n"


def long_corpus(n: int, folder: Path, seed: int = SEED) -> None:
    """``n`` real-length articles (3-8 KB), 3-5 outlets per story, as the short corpus."""
    rng = random.Random(seed)
    written = story = 0
    while written < n:
        kind = rng.choice(sorted(short.KINDS))
        pub = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
        values = short._values(rng, pub)
        for outlet in rng.sample(short.OUTLETS, k=min(rng.randint(3, 5), n - written)):
            day = pub + dt.timedelta(days=rng.randint(0, 1))
            text = _long_article(rng, kind, values, outlet, day)
            name = f"s{story:05d}_{outlet.split()[0].lower()}.txt"
            (folder / name).write_text(text, encoding="utf-8")
            written += 1
        story += 1


@dataclass(frozen=True)
class Corpus:
    """One benchmark input: a series name, a label, its size, and how to get its folder."""

    series: str
    label: str
    n: int
    make: Callable[[Path], Path]  # given a scratch folder, return the folder to run on


def _generated(builder: Callable[[int, Path], None], n: int) -> Callable[[Path], Path]:
    def make(scratch: Path) -> Path:
        builder(n, scratch)
        return scratch

    return make


def _in_place(folder: Path) -> Callable[[Path], Path]:
    return lambda _scratch: folder


def corpora(only: set[str], sizes: list[int] | None) -> tuple[list[Corpus], list[str]]:
    """The corpora to run, and notes on any that are missing."""
    chosen: list[Corpus] = []
    notes: list[str] = []
    if "t17" in only:
        if T17.is_dir():
            for name in T17_CORPORA:
                folder = T17 / name / "articles"
                count = len(list(folder.glob("*.txt")))
                chosen.append(Corpus("t17", name, count, _in_place(folder)))
        else:
            notes.append(f"t17-dev corpora not run: {T17} does not exist on this machine.")
    if "onestory" in only:
        for n in sizes or ONESTORY_SIZES:
            chosen.append(
                Corpus("onestory", f"one story, {n:,}", n, _generated(onestory_corpus, n))
            )
    if "long" in only:
        for n in sizes or LONG_SIZES:
            chosen.append(Corpus("long", f"real-length, {n:,}", n, _generated(long_corpus, n)))
    return chosen, notes


# --------------------------------------------------------------------------- child run


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _digest(parts: Iterable[str]) -> dict[str, Any]:
    """The UTF-8 size and SHA-256 of the document, a piece at a time as the CLI writes it
    (``json_parts``: the document is never held whole, so its peak memory is the CLI's)."""
    digest, size = hashlib.sha256(), 0
    for part in parts:
        data = part.encode()
        digest.update(data)
        size += len(data)
    return {"json_bytes": size, "json_sha256": digest.hexdigest()}


PSS_INTERVAL = 0.25  # seconds between two samples of the run's memory


def _pss_kb(pid: int | str) -> int | None:
    """A process's proportional set size in KiB (its private pages, plus each page it
    shares divided by the number of processes sharing it), or None where /proc does not
    say."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _children() -> list[str]:
    """This process's child processes (the workers), from /proc."""
    pids: list[str] = []
    for task in Path("/proc/self/task").glob("*/children"):
        try:
            pids += task.read_text().split()
        except OSError:
            continue
    return pids


class Footprint:
    """The peak of the memory the run and its worker processes hold at once: the sum of
    their PSS (:func:`_pss_kb`), sampled every :data:`PSS_INTERVAL` seconds.

    Adding each process's own peak RSS counts twice the pages a forked worker shares with
    the run (the interpreter, the modules, the sources it was given) and adds peaks
    reached at different times (the workers' in the per-source stages, the run's while
    merging and writing): an upper bound, not the machine's memory at any moment. PSS
    counts a shared page once in all, and the sum is taken at one moment."""

    def __init__(self) -> None:
        self.peak_kb: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Footprint:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _watch(self) -> None:
        while not self._stop.wait(PSS_INTERVAL):
            self._sample()

    def _sample(self) -> None:
        own = _pss_kb("self")
        if own is None:
            return
        total = own + sum(_pss_kb(pid) or 0 for pid in _children())
        self.peak_kb = max(self.peak_kb or 0, total)


def child(folder: Path, workers: int | None = None) -> dict[str, Any]:
    """Run the pipeline once on ``folder`` in this process and measure it."""
    import importlib

    from summarizer import pipeline
    from summarizer.config import Config, EngineChoice
    from summarizer.output import report_json

    stage_seconds: dict[str, float] = {}
    for module_name, attr in short.STAGES:
        module = importlib.import_module(module_name)
        setattr(module, attr, short._timed(getattr(module, attr), stage_seconds, attr))
    from summarizer.pipeline import parallel, runner

    per_source = {"wall": 0.0, "cpu": 0.0}
    used: dict[str, Any] = {"workers": 1, "worker_peak_kb": []}

    def timed(func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time() + _cpu_children()
            try:
                return func(*args, **kwargs)
            finally:
                per_source["wall"] += time.perf_counter() - wall
                per_source["cpu"] += time.process_time() + _cpu_children() - cpu

        return wrapper

    # the per-source stages: everything up to each article's results, and the dates each
    # article mentions (found in the workers when there are several, else afterwards)
    runner._process_all = timed(runner._process_all)  # type: ignore[assignment]
    runner.date_signals = timed(runner.date_signals)  # type: ignore[assignment]
    workers_for, run_parallel = parallel.workers_for, parallel.run_parallel

    def counted_workers(*args: Any, **kwargs: Any) -> int:
        used["workers"] = workers_for(*args, **kwargs)
        return int(used["workers"])

    def watched_run(*args: Any, **kwargs: Any) -> Any:
        result = run_parallel(*args, **kwargs)
        used["worker_peak_kb"] = list(result.worker_peak_kb)
        return result

    parallel.workers_for = counted_workers  # type: ignore[assignment]
    parallel.run_parallel = watched_run  # type: ignore[assignment]
    config = Config(engine=EngineChoice.EXTRACTIVE, quiet=True, workers=workers)
    started, cpu_started, cpu_kids = time.perf_counter(), time.process_time(), _cpu_children()
    with Footprint() as footprint:
        report = pipeline.run([folder], config)
        rendered = time.process_time()
        written = _digest(report_json.json_parts(report))
        stage_seconds["render_json"] = time.process_time() - rendered
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started + _cpu_children() - cpu_kids
    return {
        "articles": len(report.sources),
        "failures": len(report.failures),
        "events": len(report.events),
        "disagreements": len(report.disagreements),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "per_source_wall": per_source["wall"],
        "per_source_cpu": per_source["cpu"],
        "workers": used["workers"],
        **written,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "worker_peak_rss_kb": sum(used["worker_peak_kb"]),
        "peak_pss_kb": footprint.peak_kb,
        "stages": stage_seconds,
    }


def run_child(folder: Path, timeout: float, workers: int | None = None) -> dict[str, Any]:
    """The child run on ``folder`` in a fresh interpreter (``workers``: None for automatic)."""
    load = os.getloadavg()[0]
    command = [sys.executable, __file__, "--child", str(folder)]
    if workers is not None:
        command += ["--workers", str(workers)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            timeout=timeout,
            env={**os.environ, "PYTHONHASHSEED": HASH_SEED},
        )
    except subprocess.TimeoutExpired:
        result: dict[str, Any] = {"timed_out": True}
    else:
        result = json.loads(proc.stdout)
        result["timed_out"] = False
    result["process_seconds"] = time.perf_counter() - started
    result["load"] = load
    return result


def measure(corpus: Corpus, timeout: float) -> dict[str, Any]:
    """Build ``corpus`` (outside the timing) and run the child on it (automatic workers)."""
    with tempfile.TemporaryDirectory(prefix=f"bench_speed_{corpus.series}_") as tmp:
        folder = corpus.make(Path(tmp))
        size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
        result = run_child(folder, timeout)
    result.update(series=corpus.series, label=corpus.label, n=corpus.n, corpus_bytes=size)
    return result


def speedup(corpus: Corpus, timeout: float, repeats: int = SPEEDUP_REPEATS) -> dict[str, Any]:
    """The same corpus with 1 and 2 worker processes, alternately, ``repeats`` times each:
    per-source stages and whole runs, wall and CPU seconds."""
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix=f"bench_speedup_{corpus.series}_") as tmp:
        folder = corpus.make(Path(tmp))
        for _ in range(repeats):
            for workers in (1, 2):
                runs[workers].append(run_child(folder, timeout, workers))
    return {"label": corpus.label, "n": corpus.n, "runs": runs}


# --------------------------------------------------------------------------- report


def _row(r: dict[str, Any], timeout: float) -> str:
    head = f"| {r['label']} | {r['n']:,} | {r['corpus_bytes'] / 1e6:.1f} MB"
    if r["timed_out"]:
        return head + f" | | not finished in {timeout:.0f} s |" + " |" * 6 + f" {r['load']:.1f} |"
    pss = _pss_mib(r)
    rss = f"{_rss_mib(r):.0f} MiB" + (f" ({pss:.0f})" if pss is not None else "")
    startup = r["process_seconds"] - r["seconds"]
    return (
        head + f" | {r['workers']} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | "
        f"{r['n'] / r['seconds']:.0f} | {r['n'] / r['cpu_seconds']:.0f} | "
        f"{r['corpus_bytes'] / 1e6 / r['seconds']:.2f} | {rss} | {startup:.1f} | "
        f"{r['load']:.1f} |"
    )


def _growth(results: list[dict[str, Any]], series: str) -> str | None:
    rows = [r for r in results if r["series"] == series]
    if len(rows) < 2:
        return None
    if any(r["timed_out"] for r in rows):
        return f"{series}: growth exponent not computed (a size did not finish)."
    ns = [r["n"] for r in rows]
    cpu = short.growth_exponent(ns, [r["cpu_seconds"] for r in rows])
    wall = short.growth_exponent(ns, [r["seconds"] for r in rows])
    return (
        f"{series} ({', '.join(f'{n:,}' for n in ns)} articles): growth exponent "
        f"**{cpu:.2f}** (CPU s; wall {wall:.2f}); linear is 1.00."
    )


def _rss_mib(r: dict[str, Any]) -> float:
    return float(r["peak_rss_kb"] + r.get("worker_peak_rss_kb", 0)) / 1024


def _pss_mib(r: dict[str, Any]) -> float | None:
    """The sampled peak of the run's and its workers' summed PSS (:class:`Footprint`)."""
    return r["peak_pss_kb"] / 1024 if r.get("peak_pss_kb") else None


def _t17_targets(results: list[dict[str, Any]]) -> list[Target]:
    out = []
    for r in (r for r in results if r["series"] == "t17"):
        goal = (
            f"t17-dev {r['label']}: <= {T17_TARGET_WALL:.0f} s wall "
            f"(>= {T17_TARGET_RATE:.0f} articles/s)"
        )
        if r["timed_out"]:
            out.append(Target("12", goal, "did not finish", False, SECTION))
            continue
        measured = (
            f"{r['seconds']:.2f} s wall ({r['n'] / r['seconds']:.0f} articles/s), "
            f"{r['cpu_seconds']:.2f} CPU s, {r['workers']} workers, load {r['load']:.1f}"
        )
        out.append(Target("12", goal, measured, r["seconds"] <= T17_TARGET_WALL, SECTION))
    return out


def _onestory_targets(results: list[dict[str, Any]]) -> list[Target]:
    one = [r for r in results if r["series"] == "onestory"]
    out = []
    for r in (r for r in one if r["n"] <= 5000):
        goal = f"one story, {r['n']:,} articles: >= {ONESTORY_TARGET_RATE:.0f} articles/s"
        if r["timed_out"]:
            out.append(Target("12", goal, "did not finish", False, SECTION))
            continue
        rate = r["n"] / r["seconds"]
        measured = f"{rate:.0f} articles/s ({r['seconds']:.2f} s wall, load {r['load']:.1f})"
        out.append(Target("12", goal, measured, rate >= ONESTORY_TARGET_RATE, SECTION))
    if len(one) > 1:
        sizes = ", ".join(f"{r['n']:,}" for r in one)
        goal = f"one story, growth exponent <= {GROWTH_TARGET} ({sizes} articles)"
        if any(r["timed_out"] for r in one):
            out.append(Target("12", goal, "a size did not finish", False, SECTION))
        else:
            slope = short.growth_exponent([r["n"] for r in one], [r["cpu_seconds"] for r in one])
            wall = short.growth_exponent([r["n"] for r in one], [r["seconds"] for r in one])
            measured = f"{slope:.2f} (CPU s; wall {wall:.2f})"
            out.append(Target("12", goal, measured, slope <= GROWTH_TARGET, SECTION))
    if one:
        big = one[-1]
        goal = f"one story, peak RSS < 1 GB at {big['n']:,} articles"
        if big["timed_out"]:
            out.append(Target("12", goal, "did not finish", False, SECTION))
        else:
            # the memory held at once (sampled PSS) where /proc gives it, else the upper bound
            rss, pss = _rss_mib(big), _pss_mib(big)
            measured = f"{rss:.0f} MiB (run and workers, each's peak RSS added up)"
            if pss is not None:
                measured = f"{pss:.0f} MiB (run and workers at once: sampled PSS; {measured})"
            held = pss if pss is not None else rss
            out.append(Target("12", goal, measured, held < RSS_TARGET_MIB, SECTION))
    return out


def _speedup_targets(speedups: list[dict[str, Any]]) -> list[Target]:
    out = []
    for sp in speedups:
        st = _speedup_stats(sp)
        goal = f"2-worker speed-up of the per-source stages >= {SPEEDUP_TARGET}x ({sp['label']})"
        if st is None:
            out.append(Target("12", goal, "did not finish", False, SECTION))
            continue
        measured = f"{st['speedup']:.2f}x ({st[1]['wall']:.2f} s -> {st[2]['wall']:.2f} s)"
        out.append(Target("12", goal, measured, st["speedup"] >= SPEEDUP_TARGET, SECTION))
    for sp in speedups:
        runs = [r for rs in sp["runs"].values() for r in rs if not r["timed_out"]]
        digests = {r["json_sha256"] for r in runs}
        goal = f"identical JSON, 1 and 2 workers ({sp['label']})"
        measured = (
            f"{len(runs)} runs, {len(digests)} distinct output"
            f"{'' if len(digests) == 1 else 's'} (also tests/test_parallel.py)"
        )
        out.append(Target("12", goal, measured, len(digests) == 1 and bool(runs), SECTION))
    return out


def _baseline_targets(baseline: dict[str, Any] | None) -> list[Target]:
    if baseline is None:
        return []
    rev = baseline["rev"]
    if "note" in baseline:
        goal = f"today's generated corpora no slower than {rev}"
        return [Target("12", goal, baseline["note"], None, SECTION)]
    out = []
    for row in baseline["rows"]:
        goal = f"today's generated corpus, {row['n']:,} articles: no slower than {rev}"
        if "failed" in row:
            out.append(Target("12", goal, f"failed: {row['failed']}", False, SECTION))
            continue
        measured = (
            f"wall {row['baseline']['wall']:.2f} -> {row['this']['wall']:.2f} s "
            f"({row['wall_ratio']:.2f}x), CPU {row['cpu_ratio']:.2f}x"
        )
        out.append(Target("12", goal, measured, bool(row["met"]), SECTION))
    return out


def targets_of(
    results: list[dict[str, Any]],
    speedups: list[dict[str, Any]],
    baseline: dict[str, Any] | None,
) -> list[Target]:
    """Issue 12's targets, each with what this run measured."""
    return (
        _t17_targets(results)
        + _onestory_targets(results)
        + _baseline_targets(baseline)
        + _speedup_targets(speedups)
    )


def to_markdown(
    results: list[dict[str, Any]], notes: list[str], timeout: float, goals: list[Target]
) -> str:
    info = short.machine()
    lines = [
        f"## {SECTION}",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with `python bench/bench_speed.py` "
        f"on: {info['cpu']}, {info['nproc']} cores, Python {info['python']}.",
        "",
        *(["Issue 12's targets, as measured below:", "", *table(goals), ""] if goals else []),
        "Corpora: **t17-dev** (the three Timeline17 corpora read in place from "
        "`../shared/eval/t17-dev`: real articles, one sentence a line, with page furniture); "
        "**one story** (generated, fixed seed: the body sentences of `seeds/` reshuffled into "
        "articles of 5-10 sentences by 40 outlets, a third of the sentences lightly reworded, "
        "published over 100 days); **real-length** (generated, fixed seed: the short corpus's "
        "stories grown to 3-8 KB per article with background and context paragraphs). "
        "Each row is `pipeline.run` (extractive engine, default settings: the per-source "
        "stages on as many worker processes as the run chose, `workers`) plus `render_json` "
        "in a fresh interpreter; wall and CPU s cover that run (CPU includes the worker "
        "processes), start-up s is the interpreter start and imports before it; peak RSS is "
        "the run's process plus each worker's peak (pages a forked worker shares with it are "
        "counted in both, and peaks reached at different times are added: an upper bound), "
        "then in brackets the peak of what the run and its workers hold at once (their PSS, "
        "which counts a shared page once, summed every 0.25 s; the memory target uses it); "
        "load is the 1-minute load average when "
        "the row started (2 cores, shared machine: compare CPU s and ratios).",
        "",
        "| corpus | articles | size | workers | wall s | CPU s | articles/s (wall) "
        "| articles/s (CPU) | MB/s (wall) | peak RSS | start-up s | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [_row(r, timeout) for r in results]
    lines.append("")
    lines += [f"{note}" for note in notes]
    growth = [g for s in ("onestory", "long") if (g := _growth(results, s))]
    if growth:
        lines += ["", *growth]
    done = [r for r in results if not r["timed_out"]]
    if done:
        names = sorted(
            {k for r in done for k in r["stages"]}, key=lambda k: -done[-1]["stages"].get(k, 0.0)
        )
        lines += [
            "",
            "### CPU time per stage (seconds, summed over articles)",
            "",
            "| stage | " + " | ".join(r["label"] for r in done) + " |",
            "| --- | " + " | ".join("---:" for _ in done) + " |",
        ]
        for name in names:
            cells = " | ".join(f"{r['stages'].get(name, 0.0):.2f}" for r in done)
            lines.append(f"| {name} | {cells} |")
        cells = " | ".join(f"{r['per_source_cpu']:.2f}" for r in done)
        lines += [
            f"| per-source stages, all processes | {cells} |",
            "",
            "A run on worker processes times here only the stages of the run's own process; "
            "the stages it ran in the workers (clean, segment, extract, ground, dates, "
            "quantities, the dates each article mentions) are in the last row, which counts "
            "the workers' CPU too. The 1-worker runs below time them in one process. "
            "Such a run also orders the brief (brief_order) in a forked process while it "
            "compares the figures (summarizer/beside.py; up to "
            "runner.BESIDE_MAX_QUOTES quotes): its row then reads 0.00, and its CPU is in "
            "the CPU s column only.",
        ]
    return "\n".join(lines) + "\n"


def speedup_corpora(sizes: list[int] | None) -> list[Corpus]:
    """Where 1 and 2 worker processes are compared: a t17-dev corpus (if present), the
    real-length series' and the one-story series' middle sizes."""
    out = []
    if T17.is_dir():
        folder = T17 / "Finan_washingtonpost" / "articles"
        out.append(
            Corpus(
                "t17", "Finan_washingtonpost", len(list(folder.glob("*.txt"))), _in_place(folder)
            )
        )
    long_n = sizes[-1] if sizes else LONG_SIZES[1]
    one_n = sizes[-1] if sizes else ONESTORY_SIZES[1]
    out.append(Corpus("long", f"real-length, {long_n:,}", long_n, _generated(long_corpus, long_n)))
    out.append(
        Corpus("onestory", f"one story, {one_n:,}", one_n, _generated(onestory_corpus, one_n))
    )
    return out


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _speedup_stats(sp: dict[str, Any]) -> dict[str, Any] | None:
    runs = sp["runs"]
    if any(r["timed_out"] for rs in runs.values() for r in rs):
        return None
    out: dict[str, Any] = {}
    for w in (1, 2):
        walls = [r["per_source_wall"] for r in runs[w]]
        out[w] = {
            "wall": _median(walls),
            "low": min(walls),
            "high": max(walls),
            "cpu": _median([r["per_source_cpu"] for r in runs[w]]),
            "run": _median([r["seconds"] for r in runs[w]]),
            "workers": runs[w][0]["workers"],
        }
    out["speedup"] = out[1]["wall"] / out[2]["wall"]
    out["run_speedup"] = out[1]["run"] / out[2]["run"]
    out["load"] = [r["load"] for rs in runs.values() for r in rs]
    return out


def _speedup_line(sp: dict[str, Any]) -> str:
    st = _speedup_stats(sp)
    if st is None:
        return "did not finish"
    return (
        f"per-source {st[1]['wall']:.2f}s (1 worker) vs {st[2]['wall']:.2f}s (2): "
        f"{st['speedup']:.2f}x; whole run {st['run_speedup']:.2f}x"
    )


def speedup_markdown(speedups: list[dict[str, Any]]) -> str:
    if not speedups:
        return ""
    lines = [
        "",
        "### Two worker processes against one",
        "",
        "Each corpus ran alternately with `--workers 1` and `--workers 2`, "
        f"{SPEEDUP_REPEATS} times each, in fresh interpreters; medians, with the range of "
        "the per-source wall seconds. Per-source stages: from the ingested sources to each "
        "article's results (clean, segment, the corpus boilerplate counts, extract, ground, "
        "dates, quantities) plus the dates each article mentions (for ranking days; done in "
        "the workers with 2, after them with 1). CPU s counts the worker processes too. "
        "Whole run: `pipeline.run` and `render_json`.",
        "",
        "| corpus | articles | per-source wall s, 1 worker | 2 workers | speed-up "
        "| per-source CPU s, 1 / 2 | whole run wall s, 1 / 2 | whole-run speed-up | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    verdicts = []
    for sp in speedups:
        st = _speedup_stats(sp)
        if st is None:
            lines.append(f"| {sp['label']} | {sp['n']:,} | did not finish | | | | | | |")
            verdicts.append(False)
            continue
        one, two = st[1], st[2]
        lines.append(
            f"| {sp['label']} | {sp['n']:,} | {one['wall']:.2f} ({one['low']:.2f}-"
            f"{one['high']:.2f}) | {two['wall']:.2f} ({two['low']:.2f}-{two['high']:.2f}) | "
            f"**{st['speedup']:.2f}x** | {one['cpu']:.2f} / {two['cpu']:.2f} | "
            f"{one['run']:.2f} / {two['run']:.2f} | {st['run_speedup']:.2f}x | "
            f"{min(st['load']):.1f}-{max(st['load']):.1f} |"
        )
        verdicts.append(st["speedup"] >= SPEEDUP_TARGET)
    lines += [
        "",
        f"Target: 2-worker speed-up on the per-source stages >= {SPEEDUP_TARGET}x: "
        + ", ".join(
            f"{sp['label']} **{'met' if ok else 'NOT met'}**"
            for sp, ok in zip(speedups, verdicts, strict=True)
        )
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        nargs="+",
        choices=("t17", "onestory", "long"),
        default=["t17", "onestory", "long"],
    )
    parser.add_argument("--sizes", type=int, nargs="+", help="sizes for the generated series")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per run")
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    parser.add_argument("--no-speedup", action="store_true", help="skip the 1 vs 2 workers runs")
    parser.add_argument(
        "--baseline",
        default=speed_baseline.BASELINE,
        metavar="REV",
        help="commit whose code runs today's generated corpora side by side "
        f"(default {speed_baseline.BASELINE}, before issue 12's round; 'none' to skip)",
    )
    parser.add_argument(
        "--baseline-sizes",
        type=int,
        nargs="+",
        default=list(speed_baseline.SIZES),
        help="sizes of today's generated corpus for the side-by-side runs",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.workers)))
        return 0
    chosen, notes = corpora(set(args.only), args.sizes)
    results = []
    for corpus in chosen:
        r = measure(corpus, args.timeout)
        state = (
            f"not finished in {args.timeout:.0f} s"
            if r["timed_out"]
            else f"{r['seconds']:.2f}s wall, {r['cpu_seconds']:.2f}s CPU, "
            f"{r['n'] / r['seconds']:.0f} articles/s, peak RSS {r['peak_rss_kb'] / 1024:.0f} MiB"
        )
        print(f"{corpus.label:>24}: {state}, load {r['load']:.1f}", file=sys.stderr)
        results.append(r)
    speedups = []
    for corpus in [] if args.no_speedup else speedup_corpora(args.sizes):
        sp = speedup(corpus, args.timeout)
        print(f"{corpus.label:>24}: {_speedup_line(sp)}", file=sys.stderr)
        speedups.append(sp)
    baseline = None
    if args.baseline != "none":
        baseline = speed_baseline.compare(
            args.baseline, short.generate_corpus, args.timeout, tuple(args.baseline_sizes)
        )
    goals = targets_of(results, speedups, baseline)
    record("bench_speed", goals)
    text = (
        to_markdown(results, notes, args.timeout, goals)
        + speedup_markdown(speedups)
        + ("\n".join(speed_baseline.markdown(baseline)) + "\n" if baseline else "")
    )
    if args.no_write:
        print(text)
    else:
        short.section_write(HERE / "RESULTS.md", text, "bench_speed")
        print(f"wrote {HERE / 'RESULTS.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the extractive pipeline's throughput, peak memory and growth.

Generates a synthetic news corpus (deterministic seed; several outlets per story,
templated news sentences with names, figures, dates, quotes and some aggregator
junk), runs ``pipeline.run`` on 100, 1,000 and 5,000 articles, each size in a
fresh subprocess, and writes ``bench/RESULTS.md``: articles per second, peak RSS,
time per stage, and the fitted growth exponent (log-log slope of time vs n).

    python bench/bench_extractive.py            # 100, 1000, 5000
    python bench/bench_extractive.py --sizes 100 300 --no-write

Not a test: figures depend on the machine. Targets (issue 2): >= 50 articles/s on
a 2-core machine, growth no worse than n log n.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_SIZES = (100, 1000, 5000)
TARGET_RATE = 50.0

# --------------------------------------------------------------------------- corpus

CITIES = [
    "Riverton",
    "Port Elmsworth",
    "Kessaly",
    "Duran",
    "Marbeck",
    "Ostrava Nova",
    "Tellingham",
    "San Aurelio",
    "Halvik",
    "Brenmoor",
    "Cadiz Bay",
    "Lorrach",
    "Wexley",
    "Qarun",
    "Felsted",
    "Amaro",
    "Norhaven",
    "Ilseburg",
    "Carthen",
    "Veldra",
]
REGIONS = [
    "the northern province",
    "the coastal region",
    "the eastern district",
    "the river valley",
    "the southern highlands",
    "the capital region",
]
PEOPLE = [
    ("Mayor", "Elena Marsh"),
    ("Governor", "Tomas Reyes"),
    ("Minister", "Aiko Tanabe"),
    ("Police chief", "Grant Okafor"),
    ("Spokeswoman", "Lena Vogel"),
    ("Chief executive", "Ravi Menon"),
    ("Fire chief", "Marta Kowalski"),
    ("Senator", "Paul Whitcombe"),
    ("Spokesman", "Idris Haddad"),
]
OUTLETS = [
    "Morning Ledger",
    "City Wire",
    "Daily Courier",
    "Valley Times",
    "Global Report",
    "Evening Post",
    "Harbour News",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBER_WORDS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "several",
    "dozens of",
]

KINDS: dict[str, dict[str, list[str]]] = {
    "flood": {
        "lead": [
            "Flash floods swept through {city} {when}, killing {killed} people and forcing {evac} "
            "residents from their homes, {title} {person} said.",
            "At least {killed} people died when floodwaters tore through {city} {when}, "
            "officials said.",
            "Floods in {city} have killed {killed} people, {title} {person} told reporters {when}.",
        ],
        "facts": [
            "More than {evac} people were evacuated from low-lying areas of {city}.",
            "The river in {city} rose {metres} metres in six hours, the highest since {year}.",
            "Rescue teams in {city} pulled {rescued} people from flooded houses overnight.",
            "The government pledged {money} million euros in emergency aid for {city} {when2}.",
            "About {km} kilometres of roads were closed across {region}.",
            "{injured} people were taken to hospital in {city} with injuries.",
        ],
    },
    "election": {
        "lead": [
            "Voters in {city} re-elected {title} {person} {when} with {share} percent of the vote, "
            "according to official results.",
            "{person} won a second term in {city} {when}, taking {share} percent of ballots cast.",
            "The incumbent {person} claimed victory in the {city} election {when}, "
            "electoral officials said.",
        ],
        "facts": [
            "Turnout in {city} reached {share2} percent, up from {share3} percent in {year}.",
            "{evac} ballots were declared invalid in {city}, the electoral commission said.",
            "{rival}, the opposition candidate, conceded defeat late on {weekday}.",
            "Campaign spending by {person} topped {money} million dollars, according to filings.",
            "Observers reported {injured} minor irregularities at polling stations in {region}.",
            "The new {city} council will take office in {month}.",
        ],
    },
    "quake": {
        "lead": [
            "A magnitude {mag} earthquake struck near {city} {when}, "
            "killing at least {killed} people, "
            "{title} {person} said.",
            "An earthquake of magnitude {mag} hit {region} {when}, "
            "leaving {killed} dead in {city}.",
            "At least {killed} people were killed after a strong earthquake shook {city} {when}.",
        ],
        "facts": [
            "The {city} quake was felt {km} kilometres away, the seismology institute said.",
            "{injured} people were injured and {rescued} buildings collapsed in {city}.",
            "Aftershocks continued through {weekday} night, residents of {city} said.",
            "The government released {money} million euros to rebuild {city} {when2}.",
            "It was the strongest earthquake in {region} since {year}.",
            "Some {evac} people in {city} spent the night in emergency shelters.",
        ],
    },
    "results": {
        "lead": [
            "{company} reported a quarterly profit of {money} million dollars {when}, "
            "beating forecasts, "
            "{title} {person} said.",
            "Shares in {company} rose {share} percent {when} after the firm posted "
            "profit of {money} million dollars.",
            "{company} said {when} that net profit rose to {money} million dollars in the quarter.",
        ],
        "facts": [
            "{company} revenue grew {share2} percent to {money2} million dollars.",
            "The company plans to cut {evac} jobs in {region} by {month}.",
            "{company} raised its full-year outlook, citing strong demand since {year}.",
            "Analysts had expected {company} to earn about {money3} million dollars.",
            "The firm opened {injured} new stores in {city} last month.",
            "{title} {person} said the company would buy back shares worth "
            "{money3} million dollars.",
        ],
    },
}
COMPANIES = [
    "Nordel Foods",
    "Arcway Systems",
    "Blue Harbor Energy",
    "Kestrel Motors",
    "Orvia Telecom",
]
QUOTES = [
    "\u201cWe are doing everything we can to help the families affected,\u201d {person} said.",
    "\u201cThis is a difficult day for {city},\u201d {title} {person} told local radio.",
    "\u201cThe numbers may still change,\u201d {person} warned on {weekday}.",
]
FILLER = [
    "Residents described scenes of confusion as the news spread through {city}.",
    "Officials in {region} said they were monitoring the situation closely.",
    "Businesses in {city} reported disruption throughout the week.",
    "The events in {city} drew comparisons with a similar episode in {year}.",
    "Critics said {person} had been slow to respond, a charge officials rejected.",
    "Further updates on {city} are expected from {person} later this week.",
]
JUNK = [
    "Related Articles",
    "Celebrity chef opens new restaurant downtown",
    "Ten tips for a healthier breakfast",
    "Comments",
    "Share this article",
]


SYLLABLES = [
    "val",
    "mor",
    "ken",
    "dra",
    "lis",
    "tor",
    "bel",
    "ash",
    "rin",
    "gar",
    "no",
    "vi",
    "sel",
    "har",
    "quin",
    "do",
    "mar",
    "tel",
    "fen",
    "cro",
    "ul",
    "bra",
    "zen",
    "pol",
]
FIRST = [
    "Elena",
    "Tomas",
    "Aiko",
    "Grant",
    "Lena",
    "Ravi",
    "Marta",
    "Paul",
    "Idris",
    "Sofia",
    "Jonas",
    "Amara",
    "Felix",
    "Noor",
    "Pavel",
    "Ines",
    "Kwame",
    "Hana",
    "Luis",
    "Maja",
]


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _values(rng: random.Random, published: dt.date) -> dict[str, Any]:
    """One story's facts: every story has its own place, people and figures."""
    title = rng.choice(PEOPLE)[0]
    person = f"{rng.choice(FIRST)} {_name(rng, rng.randint(2, 3))}"
    back = rng.randint(1, 3)
    day = published - dt.timedelta(days=back)
    return {
        "city": rng.choice(CITIES) if rng.random() < 0.05 else _name(rng, 3),
        "region": f"the {_name(rng, 3)} region" if rng.random() < 0.9 else rng.choice(REGIONS),
        "rival": f"{rng.choice(FIRST)} {_name(rng, 3)}",
        "title": title,
        "person": person,
        "company": f"{_name(rng, 3)} {rng.choice(COMPANIES).split()[-1]}",
        "killed": rng.randint(2, 80),
        "injured": rng.randint(3, 300),
        "evac": f"{rng.randint(1, 40) * 100:,}",
        "rescued": rng.randint(5, 200),
        "metres": rng.randint(2, 9),
        "km": rng.randint(10, 900),
        "mag": f"{rng.randint(50, 79) / 10:.1f}",
        "money": rng.randint(5, 900),
        "money2": rng.randint(900, 9000),
        "money3": rng.randint(5, 900),
        "share": rng.randint(2, 70),
        "share2": rng.randint(2, 70),
        "share3": rng.randint(2, 70),
        "year": rng.randint(1990, published.year - 1),
        "weekday": WEEKDAYS[day.weekday()],
        "month": day.replace(day=1).strftime("%B"),
        "when": f"on {WEEKDAYS[day.weekday()]}",
        "when2": rng.choice(["on Friday", "last week", f"on {day.strftime('%B')} {day.day}"]),
    }


def _fmt(template: str, values: dict[str, Any], rng: random.Random) -> str:
    vals = dict(values)
    if rng.random() < 0.25:  # outlets round or word figures differently
        vals["injured"] = rng.choice(NUMBER_WORDS)
    return template.format(**vals)


def _article(
    rng: random.Random, kind: str, values: dict[str, Any], outlet: str, pub: dt.date
) -> str:
    spec = KINDS[kind]
    lines = [f"date: {pub.isoformat()}", f"{values['city']}: {kind} update from {outlet}", ""]
    body = [_fmt(rng.choice(spec["lead"]), values, rng)]
    facts = rng.sample(spec["facts"], k=rng.randint(4, len(spec["facts"])))
    fill = rng.sample(FILLER, k=rng.randint(3, len(FILLER)))
    for i, fact in enumerate(facts):
        body.append(_fmt(fact, values, rng))
        if i < len(fill):
            body.append(_fmt(fill[i], values, rng))
        if i == 1:
            body.append(_fmt(rng.choice(QUOTES), values, rng))
    paragraphs = [" ".join(body[i : i + 2]) for i in range(0, len(body), 2)]
    lines.extend(p + "\n" for p in paragraphs)
    if rng.random() < 0.3:
        lines.extend(j + "\n" for j in rng.sample(JUNK, k=3))
    return "\n".join(lines)


def generate_corpus(n: int, folder: Path, seed: int = 20250701) -> None:
    """Write ``n`` articles (about four outlets per story) into ``folder``."""
    rng = random.Random(seed)
    written = 0
    story = 0
    while written < n:
        kind = rng.choice(sorted(KINDS))
        pub = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
        values = _values(rng, pub)
        outlets = rng.sample(OUTLETS, k=min(rng.randint(3, 5), n - written))
        for outlet in outlets:
            text = _article(rng, kind, values, outlet, pub + dt.timedelta(days=rng.randint(0, 1)))
            (folder / f"s{story:05d}_{outlet.split()[0].lower()}.txt").write_text(
                text, encoding="utf-8"
            )
            written += 1
        story += 1


# --------------------------------------------------------------------------- child run

STAGES = [
    ("summarizer.stages.ingest", "ingest"),
    ("summarizer.stages.clean", "clean"),
    ("summarizer.stages.segment", "segment"),
    ("summarizer.stages.boilerplate", "drop_boilerplate"),
    ("summarizer.engines.extractive", "extract"),
    ("summarizer.stages.ground", "ground_extraction"),
    ("summarizer.stages.dates", "date_events"),
    ("summarizer.stages.quantities", "annotate"),
    ("summarizer.stages.merge", "merge"),
    ("summarizer.pipeline.runner", "date_signals"),
    ("summarizer.stages.disagree", "compare"),
    ("summarizer.stages.select", "brief_order"),
    ("summarizer.engines.extractive", "synthesize"),
    ("summarizer.stages.wording", "brief_lines"),
]


def _timed(func: Callable[..., Any], bucket: dict[str, float], name: str) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            bucket[name] = bucket.get(name, 0.0) + time.process_time() - started

    return wrapper


def child(folder: Path) -> dict[str, Any]:
    """Run the pipeline once on ``folder`` (in this process) and measure it."""
    import importlib

    from summarizer import pipeline
    from summarizer.config import Config, EngineChoice
    from summarizer.output import report_json

    stage_seconds: dict[str, float] = {}
    for module_name, attr in STAGES:
        module = importlib.import_module(module_name)
        setattr(module, attr, _timed(getattr(module, attr), stage_seconds, f"{attr}"))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    report = pipeline.run([folder], Config(engine=EngineChoice.EXTRACTIVE))
    run_seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    rendered = time.process_time()
    out = report_json.render_json(report)
    render_seconds = time.process_time() - rendered
    return {
        "articles": len(report.sources),
        "failures": len(report.failures),
        "events": len(report.events),
        "disagreements": len(report.disagreements),
        # generated file names are s<story>_<outlet>: entries mixing stories are false merges
        "cross_story_events": sum(
            len({sid.split("_")[0] for sid in e.sources}) > 1 for e in report.events
        ),
        "cross_story_disagreements": sum(
            len({c.source.split("_")[0] for c in d.claims}) > 1 for d in report.disagreements
        ),
        "revisions": len(report.revisions),
        "cross_story_revisions": sum(
            len({c.source.split("_")[0] for c in (*r.old, *r.new)}) > 1 for r in report.revisions
        ),
        "seconds": run_seconds,
        "cpu_seconds": cpu_seconds,
        "render_seconds": render_seconds,
        "json_bytes": len(out.encode()),
        "rss_before_kb": rss_before,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "stages": stage_seconds,
    }


def measure(n: int, seed: int) -> dict[str, Any]:
    """Generate ``n`` articles and run the child in a fresh interpreter."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix=f"bench{n}_") as tmp:
        folder = Path(tmp)
        generate_corpus(n, folder, seed)
        size = sum(p.stat().st_size for p in folder.iterdir())
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(folder)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    result: dict[str, Any] = json.loads(proc.stdout)
    result["n"] = n
    result["corpus_bytes"] = size
    result["load"] = load
    return result


# --------------------------------------------------------------------------- report


def growth_exponent(ns: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(time) against log(n)."""
    xs = [math.log(n) for n in ns]
    ys = [math.log(max(s, 1e-9)) for s in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    den = sum((x - mx) ** 2 for x in xs)
    return num / den if den else float("nan")


def nlogn_exponent(ns: list[int]) -> float:
    """The log-log slope n log n itself would show over the same sizes."""
    return growth_exponent(ns, [n * math.log(n) for n in ns])


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def to_markdown(results: list[dict[str, Any]], info: dict[str, str], today: str) -> str:
    ns = [r["n"] for r in results]
    secs = [r["cpu_seconds"] for r in results]
    walls = [r["seconds"] for r in results]
    slope = growth_exponent(ns, secs) if len(ns) > 1 else float("nan")
    ref = nlogn_exponent(ns) if len(ns) > 1 else float("nan")
    stage_names = sorted(
        {k for r in results for k in r["stages"]}, key=lambda k: -results[-1]["stages"].get(k, 0.0)
    )
    lines = [
        "# Benchmarks",
        "",
        "## Extractive engine: throughput, memory, growth",
        "",
        f"Measured {today} with `python bench/bench_extractive.py` on: {info['cpu']}, "
        f"{info['nproc']} cores, Python {info['python']} ({info['platform']}).",
        "",
        "Synthetic corpus (deterministic seed): floods, elections, earthquakes and company "
        "results, "
        "3-5 outlets per story with differently worded and rounded figures, relative dates, "
        "quotes, "
        "and aggregator junk after 30 % of the stories; as in real reports, sentences name the "
        "story's own place, people or company (generated names), so unrelated stories share "
        "wording but not entities. Each size runs `pipeline.run` (ingest to "
        "report, extractive engine) in a fresh subprocess; peak memory is the child's peak RSS "
        "(`ru_maxrss`, interpreter and libraries included; about 43 MiB after imports). "
        "CPU s is the child's process time, steadier than wall time when the machine is "
        "shared; load avg is the 1-minute load when the size started. In brackets: entries, "
        "disagreements and revisions whose sources belong to different generated stories, "
        "i.e. false merges and false links.",
        "",
        "| articles | corpus | wall s | CPU s | articles/s (wall) | articles/s (CPU) "
        "| peak RSS | load avg | timeline entries (mixing stories) "
        "| disagreements (mixing stories) | revisions (mixing stories) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['corpus_bytes'] / 1e6:.1f} MB | {r['seconds']:.2f} | "
            f"{r['cpu_seconds']:.2f} | {r['n'] / r['seconds']:.0f} | "
            f"{r['n'] / r['cpu_seconds']:.0f} | {r['peak_rss_kb'] / 1024:.0f} MiB | "
            f"{r['load']:.1f} | {r['events']:,} ({r['cross_story_events']:,}) | "
            f"{r['disagreements']:,} ({r['cross_story_disagreements']:,}) | "
            f"{r['revisions']:,} ({r['cross_story_revisions']:,}) |"
        )
    verdict_rate = all(r["n"] / r["seconds"] >= TARGET_RATE for r in results)
    verdict_cpu = all(r["n"] / r["cpu_seconds"] >= TARGET_RATE for r in results)
    wall_slope = growth_exponent(ns, walls) if len(ns) > 1 else float("nan")
    lines += [
        "",
        f"Growth exponent (least-squares slope of log CPU time vs log n): **{slope:.2f}** "
        f"(wall time: {wall_slope:.2f}); n log n over the same sizes would give {ref:.2f}, "
        "linear 1.00.",
        "",
        f"Targets: >= {TARGET_RATE:.0f} articles/s: wall time "
        f"**{'met' if verdict_rate else 'NOT met'}**, CPU time "
        f"**{'met' if verdict_cpu else 'NOT met'}**; "
        f"growth no worse than n log n: **{'met' if slope <= ref + 0.05 else 'NOT met'}**.",
        "",
        "### CPU time per stage (seconds, summed over articles)",
        "",
        "| stage | " + " | ".join(f"{n:,}" for n in ns) + " |",
        "| --- | " + " | ".join("---:" for _ in ns) + " |",
    ]
    for name in stage_names:
        lines.append(
            f"| {name} | " + " | ".join(f"{r['stages'].get(name, 0.0):.2f}" for r in results) + " |"
        )
    lines.append(
        "| render_json | " + " | ".join(f"{r['render_seconds']:.2f}" for r in results) + " |"
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=20250701)
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    results = []
    for n in args.sizes:
        r = measure(n, args.seed)
        print(
            f"{n:>6} articles: {r['seconds']:.2f}s wall, {r['cpu_seconds']:.2f}s CPU, "
            f"{n / r['seconds']:.0f} articles/s, peak RSS {r['peak_rss_kb'] / 1024:.0f} MiB, "
            f"load {r['load']:.1f}",
            file=sys.stderr,
        )
        results.append(r)
    text = to_markdown(results, machine(), dt.date.today().isoformat())
    if args.no_write:
        print(text)
    else:
        body = text.split("\n", 2)[2].lstrip()  # without the page title: it is RESULTS.md's
        section_write(HERE / "RESULTS.md", body, "bench_extractive")
        print(f"wrote {HERE / 'RESULTS.md'}", file=sys.stderr)
    return 0


def section_write(path: Path, text: str, name: str) -> None:
    """Replace the ``name`` section of RESULTS.md with ``text``, keeping the other sections."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    if start in old and end in old:
        head, rest = old.split(start, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        new = head + block + ("\n" + tail if tail else "")
    else:
        new = old.rstrip("\n") + "\n\n" + block
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

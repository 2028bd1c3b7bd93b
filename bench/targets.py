"""Targets a benchmark checked, collected for the one table ``run_all.py`` writes.

Each benchmark adds rows (the issue, the target, what it measured, met or not) with
:func:`record`; when ``run_all.py`` runs it, ``BENCH_TARGETS`` names a folder and the
rows are written there as JSON, one file per benchmark, and ``run_all.py`` puts them in
one table (:func:`table`) at the top of RESULTS.md. Run on its own, a benchmark's
rows only appear in its own section.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ENV = "BENCH_TARGETS"


@dataclass(frozen=True)
class Target:
    issue: str  # "12", "10 item 2"
    target: str  # what must hold, with its threshold
    measured: str  # the figure measured, with its unit
    met: bool | None  # None: not measured (say why in ``measured``)
    where: str = ""  # the RESULTS.md section with the details


def verdict(met: bool | None) -> str:
    return "not measured" if met is None else "**met**" if met else "**NOT met**"


def record(bench: str, rows: Sequence[Target]) -> None:
    """Write ``rows`` for ``run_all.py`` when it asked for them (``BENCH_TARGETS``)."""
    folder = os.environ.get(ENV)
    if not folder:
        return
    path = Path(folder) / f"{bench}.json"
    path.write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf-8")


def collect(folder: Path) -> list[Target]:
    """Every row the benchmarks wrote into ``folder``, by benchmark name."""
    rows: list[Target] = []
    for path in sorted(folder.glob("*.json")):
        rows += [Target(**r) for r in json.loads(path.read_text(encoding="utf-8"))]
    return rows


def table(rows: Iterable[Target]) -> list[str]:
    """Markdown lines: one row per target."""
    out = [
        "| issue | target | measured | met | details |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        out.append(f"| {r.issue} | {r.target} | {r.measured} | {verdict(r.met)} | {r.where} |")
    return out

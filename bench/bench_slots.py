"""Benchmark part: the llm engine's adaptive concurrency against servers with 1, 2 and 8 slots.

Run by ``bench/bench_llm.py`` (``--only slots`` runs just this part). The fake
server (``summarizer.testing.fakeserver``) stands in for a local inference
server: ``slots=N`` computes N requests at once and queues the rest in arrival
order; each answer takes 50 ms per completion token and counts 40 of them, so a
call computes for 2 s; a request whose client hung up while it waited is skipped,
one being computed runs to the end (as llama-cpp-python's server does). The
client's timeout is 5 s: a call that waits behind two others in a one-slot
queue would time out, as in issue 13 (calls of 30-80 s against a 120 s timeout).

Each run is the whole pipeline (16 generated articles, one article per extract
call, then one synthesis call: 17 calls). Ideal = 2 s x (ceil(16 / slots) + 1):
every slot busy, no overhead. Rows:

* ``--concurrency 1``: the reference for one slot;
* default, slots reported: the server answers llama.cpp's ``GET /props``;
* default, nothing reported: like llama-cpp-python or Ollama (the limit starts
  at 4; each call's timeout covers the other calls in flight);
* before issue 13: 4 calls in flight, fixed, the plain 5 s timeout (no probe,
  no adaptation), to show what the change removes.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from summarizer import pipeline
from summarizer.config import Config, EngineChoice, LLMConfig
from summarizer.testing.fakeserver import FakeOpenAIServer, extraction_responder
from summarizer.transport.capacity import CallLimiter, Permit
from summarizer.transport.factory import make_backend
from summarizer.transport.openai_backend import OpenAIBackend
from summarizer.transport.retry import RetryingBackend, RetryPolicy

TOKEN_LATENCY = 0.05
ANSWER_TOKENS = 40
CALL_SECONDS = TOKEN_LATENCY * ANSWER_TOKENS
TIMEOUT = 5.0
ARTICLES = 16
REPEATS = 2  # runs per row; the median is reported
TARGET_ONE_SLOT = 1.15  # default run / --concurrency 1, at most
TARGET_EIGHT_SLOTS = 0.85  # ideal / default run, at least
CHAT = "/v1/chat/completions"


class FixedLimit(CallLimiter):
    """The behaviour before issue 13: a fixed number in flight, nothing adapts."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit, queue_aware=False)

    def _cut(self, permit: Permit) -> None:
        return

    def _grow(self) -> None:
        return


def _config(base_url: str, concurrency: int | None) -> Config:
    llm = LLMConfig(
        model="fake-model",
        base_url=base_url,
        concurrency=concurrency,
        no_cache=True,
        pack_tokens=0,
        timeout=TIMEOUT,
    )
    return Config(engine=EngineChoice.LLM, llm=llm, quiet=True)


def _backend(config: Config, before: bool) -> Any:
    if not before:
        return make_backend(config.llm)
    inner = OpenAIBackend(config.llm, limiter=FixedLimit(4))
    return RetryingBackend(inner, RetryPolicy.from_config(config.llm), endpoint=inner.endpoint)


def _once(slots: int, advertise: bool, concurrency: int | None, before: bool, folder: Path) -> dict:
    with FakeOpenAIServer(
        responder=extraction_responder,
        slots=slots,
        advertise_slots=advertise,
        token_latency=TOKEN_LATENCY,
        completion_tokens=ANSWER_TOKENS,
    ) as server:
        config = _config(server.base_url, concurrency)
        backend = _backend(config, before)
        started = time.perf_counter()
        report = pipeline.run([folder], config, backend=backend)
        wall = time.perf_counter() - started
        backend.close()
        served = list(server.gate.served)
    computed = [s for s in served if not s.skipped]
    return {
        "wall": wall,
        "requests": server.count(CHAT),
        "retries": backend.usage.retries,
        "computed": len(computed),
        "failures": len(report.failures),
        "peak": server.gate.peak,
    }


ROWS = (  # (label, slots, server reports its slots, --concurrency, before issue 13)
    ("--concurrency 1", 1, False, 1, False),
    ("default, slots reported", 1, True, None, False),
    ("default, nothing reported", 1, False, None, False),
    ("before: 4 in flight, fixed", 1, False, 4, True),
    ("default, slots reported", 2, True, None, False),
    ("default, nothing reported", 2, False, None, False),
    ("default, slots reported", 8, True, None, False),
    ("default, nothing reported", 8, False, None, False),
    ("--concurrency 8, nothing reported", 8, False, 8, False),
)


def ideal(slots: int) -> float:
    return CALL_SECONDS * (math.ceil(ARTICLES / slots) + 1)


def bench_slots(folder: Path) -> list[dict[str, Any]]:
    rows = []
    for label, slots, advertise, concurrency, before in ROWS:
        runs = [_once(slots, advertise, concurrency, before, folder) for _ in range(REPEATS)]
        walls = sorted(r["wall"] for r in runs)
        row = dict(runs[0], wall=statistics.median(walls), low=walls[0], high=walls[-1])
        row.update(label=label, slots=slots, ideal=ideal(slots))
        row["efficiency"] = row["ideal"] / row["wall"]
        print(
            f"{slots} slot(s), {label}: {row['wall']:.1f}s (ideal {row['ideal']:.1f}s, "
            f"{row['efficiency']:.0%}), {row['requests']} requests, {row['retries']} retries, "
            f"{row['computed']} computed, peak {row['peak']} at once",
            file=sys.stderr,
        )
        rows.append(row)
    return rows


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def to_markdown(rows: list[dict[str, Any]], info: dict[str, str], when: str) -> str:
    reference = next(r for r in rows if r["slots"] == 1 and r["label"] == "--concurrency 1")
    one = [r for r in rows if r["slots"] == 1 and r["label"].startswith("default")]
    eight = [r for r in rows if r["slots"] == 8 and r["label"].startswith("default, slots")]
    worst_one = max(r["wall"] / reference["wall"] for r in one)
    worst_eight = min(r["efficiency"] for r in eight)
    lines = [
        "## LLM engine: calls in flight against servers with 1, 2 and 8 slots (fake server)",
        "",
        f"Measured {when} with `python bench/bench_llm.py` (`--only slots` runs this part) on: "
        f"{info['cpu']}, {info['nproc']} cores, Python {info['python']}.",
        "",
        _method(),
        "",
        f"Each row ran {REPEATS} times; wall s is the median, with the range seen. Requests: "
        "chat requests the server received (17 are needed). Computed: requests the server "
        "computed (a timed-out request still being computed counts; answers nobody read "
        "are the difference to 17).",
        "",
        "| slots | run | wall s | range | ideal s | ideal / wall | vs --concurrency 1 | "
        "requests | retries | computed | most at once |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        versus = f"{r['wall'] / reference['wall']:.2f}x" if r["slots"] == 1 else ""
        lines.append(
            f"| {r['slots']} | {r['label']} | {r['wall']:.1f} | {r['low']:.1f}-{r['high']:.1f} | "
            f"{r['ideal']:.1f} | {r['efficiency']:.0%} | {versus} | {r['requests']} | "
            f"{r['retries']} | {r['computed']} | {r['peak']} |"
        )
    lines += [
        "",
        f"Target: with one slot the default run takes <= {TARGET_ONE_SLOT}x the time of "
        f"`--concurrency 1`: **{_verdict(worst_one <= TARGET_ONE_SLOT)}** (worst default row "
        f"{worst_one:.2f}x). With 8 slots the default run reaches >= {TARGET_EIGHT_SLOTS:.0%} "
        f"of ideal: **{_verdict(worst_eight >= TARGET_EIGHT_SLOTS)}** ({worst_eight:.0%}).",
    ]
    return "\n".join(lines) + "\n"


def _method() -> str:
    return (
        f"The fake server computes at most `slots` chat requests at once and queues the rest "
        f"in arrival order; each answer counts {ANSWER_TOKENS} completion tokens at "
        f"{TOKEN_LATENCY * 1000:.0f} ms each, so a call computes for {CALL_SECONDS:.0f} s. A "
        "request whose client hung up while it waited is skipped; one being computed runs "
        "to the end (llama-cpp-python's behaviour). The client's timeout is "
        f"{TIMEOUT:.0f} s, so a call queued behind two others would time out, as in issue 13. "
        f"Each run: the whole pipeline on {ARTICLES} generated articles, one article per "
        f"extract call, then the synthesis call. Ideal = {CALL_SECONDS:.0f} s x "
        f'(ceil({ARTICLES} / slots) + 1). "Slots reported": the server answers llama.cpp\'s '
        '`GET /props`; "nothing reported": it does not (llama-cpp-python, Ollama), so the '
        "limit stays at the default 4 (the 8-slot target is for a server that reports its "
        "slots; `--concurrency 8` is the row for one that does not) and each call's timeout "
        'covers the other calls in flight. "Before": 4 in flight, fixed, plain timeout, as '
        "before issue 13."
    )

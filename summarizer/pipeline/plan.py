"""``--dry-run``: the model calls a run would make, with estimated prompt tokens.

The plan is built from the sources the run would read
(:func:`summarizer.pipeline.sources.prepare_inputs`: duplicate copies and sources
that fail cleaning left out, as the run leaves them out) and from the engine's own
requests (:meth:`~summarizer.engines.base.EngineRunner.requests`: packed as the
run packs them, rendered by the same code), so the tokens counted are those of
the requests a run sends first. The synthesis call is sized on a stand-in
timeline: the extractive engine's, merged as the run merges. No model is called.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from summarizer.config import Config
from summarizer.engines.base import PlannedRequest, Prepared
from summarizer.engines.extractive import ExtractiveEngine
from summarizer.engines.llm.client import resolve_mode
from summarizer.models import MergedEvent
from summarizer.pipeline.runner import make_engine
from summarizer.pipeline.sources import finish_source, prepare_inputs
from summarizer.stages import merge
from summarizer.transport import tokens
from summarizer.transport.backend import NoCallsBackend
from summarizer.transport.calibration import Calibration
from summarizer.transport.pricing import format_cost, price_for


@dataclass(frozen=True)
class PlannedCall:
    """One model call a run would make."""

    purpose: str
    source_id: str | None
    part: int
    parts: int
    prompt_tokens: int
    approximate: bool
    source_ids: tuple[str, ...] = ()  # every source in the call (a packed call has several)
    max_tokens: int = 0  # the answer's budget (completion tokens at most)


def planned_calls(requests: Sequence[PlannedRequest], model: str | None) -> list[PlannedCall]:
    """The calls of ``requests``, each with its prompt tokens counted for ``model``.

    A call for one article (or one chunk) names it in ``source_id`` with its
    part; a packed call lists its articles there (``id, id part 2/3, ...``) and
    in ``source_ids``; the synthesis call names none.
    """
    calls = []
    for planned in requests:
        count = tokens.count_messages(planned.request.messages, model)
        calls.append(
            PlannedCall(
                planned.request.purpose,
                planned.label,
                planned.part,
                planned.parts,
                count.n,
                count.approximate,
                planned.source_ids,
                planned.request.max_tokens,
            )
        )
    return calls


def plan(prepared: Sequence[Prepared], config: Config) -> list[PlannedCall]:
    """The extract calls of a run of ``prepared`` (packed as a run packs them)."""
    engine = make_engine(config, backend=NoCallsBackend(config.llm.model or "unknown-model"))
    return planned_calls(engine.requests(prepared), config.llm.model)


def _proxy_timeline(prepared: Sequence[Prepared], config: Config) -> tuple[MergedEvent, ...]:
    """The extractive engine's merged timeline: a stand-in to size the synthesis prompt."""
    extractive = ExtractiveEngine(summary_sentences=config.summary_sentences)
    extractions = [
        finish_source(cleaned.source, extractive.extract(cleaned, sentences))
        for cleaned, sentences in prepared
    ]
    sources = {cleaned.source.id: cleaned.source for cleaned, _ in prepared}
    return merge.merge(extractions, sources)


def format_plan(
    calls: Sequence[PlannedCall], config: Config, calibration: Calibration | None = None
) -> str:
    """The dry-run table: one line per planned call and a total.

    With a ``calibration`` (server-reported over counted tokens from earlier
    calls to this endpoint and model), the total is also given scaled by it.
    """
    llm = config.llm
    lines = [
        f"dry run: no model calls made; model {llm.model or '(none)'}, "
        f"structured output {resolve_mode(llm).value}",
    ]
    for call in calls:
        where = call.source_id or "(merged timeline)"
        part = f"part {call.part}/{call.parts}" if call.parts > 1 else ""
        lines.append(f"  {call.purpose:<10} {where:<28} {part:<10} {call.prompt_tokens:>7,} tokens")
    total = sum(c.prompt_tokens for c in calls)
    lines.append(f"total: {len(calls)} calls, about {total:,} prompt tokens (re-asks not included)")
    if any(c.approximate for c in calls):
        note = tokens.count_tokens("", llm.model).note
        lines.append(f"token counts are {note}")
    if calibration is not None:
        lines.append(
            f"calibrated: about {calibration.scale(total):,} prompt tokens as this server "
            f"counts them (x{calibration.factor:.3f}, from {calibration.calls:,} earlier calls "
            "to this endpoint and model)"
        )
        total = calibration.scale(total)
    lines.extend(_cost_lines(total, sum(c.max_tokens for c in calls), config))
    return "\n".join(lines) + "\n"


def _cost_lines(prompt_tokens: int, most_completion: int, config: Config) -> list[str]:
    """The estimated cost, from ``--price-in``/``--price-out`` or the model's list price:
    the prompt tokens, plus from none to every planned call's full answer budget."""
    llm = config.llm
    price = price_for(llm.model, llm.price_in, llm.price_out)
    if price is None:
        return []
    low = format_cost(price.cost(prompt_tokens, 0))
    high = format_cost(price.cost(prompt_tokens, most_completion))
    if low == high:
        return [f"estimated cost: {low} ({price.describe()}; re-asks not included)"]
    return [
        f"estimated cost: {low} to {high} (the prompt tokens, plus up to {most_completion:,} "
        f"completion tokens; {price.describe()}; re-asks not included)"
    ]


def plan_run(
    paths: Sequence[str | Path], config: Config, calibration: Calibration | None = None
) -> str:
    """``--dry-run``: the table of the calls a run of ``paths`` would make."""
    engine = make_engine(config, backend=NoCallsBackend(config.llm.model or "unknown-model"))
    prepared = prepare_inputs(paths, config)
    requests = engine.requests(prepared)
    if prepared:
        requests += engine.synthesis_requests(_proxy_timeline(prepared, config))
    return format_plan(planned_calls(requests, config.llm.model), config, calibration)

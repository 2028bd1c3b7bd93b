"""The model's headline and key developments, and its adjudication of disagreements.

:func:`synthesize` gives the model a bounded view of the merged timeline the
code built (:func:`timeline_view`: the ``MAX_TIMELINE`` most important entries,
one short line each, sources as short ids mapped back in code), so its cost does
not grow with the corpus, and keeps only citations of the sources it was shown
and wording the timeline supports. :func:`adjudicate` asks whether the claims
about one fact really disagree (an optional refinement of the disagree stage,
which is code).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from summarizer.config import Config, LLMConfig
from summarizer.engines import extractive
from summarizer.engines.base import PlannedRequest
from summarizer.engines.llm.client import InvalidAnswer, ask, first_request
from summarizer.errors import BackendError
from summarizer.models import Claim, MergedEvent, Source
from summarizer.stages import claims
from summarizer.transport.backend import Backend
from summarizer.transport.schemas import AdjudicationOut, SynthesisOut

log = logging.getLogger("summarizer")

MAX_TIMELINE = 7  # timeline entries shown to the synthesis prompt: the most important
TIMELINE_TEXT = 100  # characters of an entry's text shown to the synthesis prompt
TIMELINE_SOURCES = 4  # source ids shown per timeline entry


def clip(text: str, limit: int = TIMELINE_TEXT) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


@dataclass(frozen=True)
class TimelineView:
    """The bounded view of the merged timeline that the synthesis prompt gets."""

    entries: list[dict[str, Any]]  # {"date", "sources" (short ids), "text"}, by date
    aliases: Mapping[str, str]  # short id shown ("s1") -> source id


def timeline_view(events: Sequence[MergedEvent]) -> TimelineView:
    """The ``MAX_TIMELINE`` most important entries (the merge's importance), by date, one
    short line each: at most ``TIMELINE_SOURCES`` sources, the text clipped to
    ``TIMELINE_TEXT`` characters. Sources appear as short ids (``s1``, ``s2``...,
    in order of first appearance) that the code maps back: a source id can be a
    long file name or hash, and the prompt's size must not depend on it, nor on
    the size of the corpus."""
    ranked = sorted(events, key=lambda e: (-e.importance, e.id))[:MAX_TIMELINE]
    ordered = sorted(ranked, key=lambda e: (e.date.start, e.id))
    short: dict[str, str] = {}
    entries = []
    for event in ordered:
        shown = [
            short.setdefault(s, f"s{len(short) + 1}") for s in event.sources[:TIMELINE_SOURCES]
        ]
        entries.append({"date": event.date.iso(), "sources": shown, "text": clip(event.text)})
    return TimelineView(entries, {alias: source for source, alias in short.items()})


def _check_citations(known: set[str]) -> Callable[[SynthesisOut], None]:
    def check(answer: SynthesisOut) -> None:
        unknown = sorted({s for d in answer.key_developments for s in d.sources} - known)
        if unknown:
            raise InvalidAnswer(
                f"unknown source ids {', '.join(unknown)}; cite only ids from the timeline"
            )

    return check


def _supported_by(text: str, events: Sequence[MergedEvent]) -> bool:
    """Do one or two of ``events`` (their wording and their sources' quotes) hold every
    content word, name and number of ``text``? (:func:`summarizer.stages.claims.claim_supported`)"""
    backing = [[e.text, *(ev.quote for ev in e.evidence)] for e in events]
    return claims.claim_supported(text, backing)


def _developments(
    answer: SynthesisOut, events: Sequence[MergedEvent], aliases: Mapping[str, str]
) -> list[str]:
    """Developments that cite ids shown (mapped back to source ids) and say what the
    cited entries say."""
    kept: list[str] = []
    for item in answer.key_developments:
        cited = list(dict.fromkeys(aliases[s] for s in item.sources if s in aliases))
        backing = [e for e in events if set(e.sources) & set(cited)]
        text = " ".join(item.text.split())
        if cited and _supported_by(text, backing):
            kept.append(f"{text} " + " ".join(f"[{s}]" for s in cited))
    return kept


def synthesize(
    events: Sequence[MergedEvent],
    sources: Mapping[str, Source],
    *,
    backend: Backend,
    config: Config | LLMConfig,
) -> tuple[str, tuple[str, ...]]:
    """Headline and key developments; each development ends with its ``[source-id]`` cites.

    The model sees :func:`timeline_view` (short source ids, mapped back here).
    The code checks what the model wrote: citations of unknown ids are shown to
    the model in a re-ask and then dropped; a headline or development whose
    figures or wording the timeline does not support is replaced by the
    extractive engine's choice. If the model fails outright (after retries and
    re-asks) the BackendError propagates: the pipeline puts the extractive
    synthesis in and lists the failure in the report.
    """
    if not events:
        return "", ()
    fallback_headline, fallback_developments = extractive.synthesize(events, sources)
    view = timeline_view(events)
    aliases = {alias: s for alias, s in view.aliases.items() if s in sources}
    try:
        answer = ask(
            backend,
            "synthesis",
            {"timeline": view.entries},
            SynthesisOut,
            config,
            validate=_check_citations(set(aliases)),
        )
    except BackendError as exc:  # the pipeline falls back and reports it
        log.warning("synthesis by the model failed (%s)", exc)
        raise
    headline = " ".join(answer.headline.split())
    if not _supported_by(headline, events):
        log.info("model headline not supported by the timeline; using the extractive one")
        headline = fallback_headline
    developments = _developments(answer, events, aliases)
    return headline, tuple(developments) or fallback_developments


def synthesis_request(events: Sequence[MergedEvent], config: Config | LLMConfig) -> PlannedRequest:
    """The request :func:`synthesize` sends first for this timeline (no model is called)."""
    request = first_request("synthesis", {"timeline": timeline_view(events).entries}, config)
    return PlannedRequest(request)


def adjudicate(
    claims: Sequence[Claim],
    *,
    topic: str,
    backend: Backend,
    config: Config | LLMConfig,
) -> AdjudicationOut:
    """Do these claims about one fact really disagree, or state one figure differently?"""
    variables = {
        "topic": topic,
        "claims": [{"source": c.source, "value": c.value, "quote": c.quote} for c in claims],
    }
    return ask(backend, "adjudicate", variables, AdjudicationOut, config)

"""What the pipeline asks of an engine: the :class:`EngineRunner` protocol.

An engine works on a run's prepared sources (each cleaned and segmented by the
pipeline) and on the merged timeline the pipeline builds from its extractions:

* :meth:`EngineRunner.extract_all` turns every prepared source into a
  :class:`~summarizer.models.SourceExtraction`, or an
  :class:`~summarizer.models.InputFailure` for a source it could not extract
  (the run goes on without it);
* :meth:`EngineRunner.synthesize` writes the headline and key developments;
* :meth:`EngineRunner.requests` and :meth:`EngineRunner.synthesis_requests` list
  the model requests a run would send first (one per call, re-asks aside), for
  ``--batch`` (which sends them ahead through the Batch API) and ``--dry-run``
  (which counts their tokens). An engine that calls no model lists none.

Both engines implement it (:class:`summarizer.engines.extractive.ExtractiveEngine`,
:class:`summarizer.engines.llm.LLMEngine`); the pipeline sees only this protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from summarizer.errors import BackendError, SummarizerError
from summarizer.models import (
    MODEL_STAGE,
    CleanedSource,
    Engine,
    InputFailure,
    MergedEvent,
    Sentence,
    Source,
    SourceExtraction,
)
from summarizer.transport.backend import Backend, ChatRequest

Prepared = tuple[CleanedSource, Sequence[Sentence]]  # one source, cleaned and segmented
SourceDone = Callable[[str, bool], None]  # (source id, extracted without error)
Extracted = SourceExtraction | InputFailure

BACKEND_STAGE = MODEL_STAGE  # InputFailure.stage for sources the model backend failed on


@dataclass(frozen=True)
class PlannedRequest:
    """One model call a run would make: its first request and what it carries."""

    request: ChatRequest
    label: str | None = None  # what the call is about, e.g. "id part 2/3"; None: the timeline
    part: int = 1
    parts: int = 1
    source_ids: tuple[str, ...] = ()  # every source in the call (a packed call has several)


class EngineRunner(Protocol):
    """What the pipeline needs from an engine."""

    @property
    def kind(self) -> Engine:
        """Which engine this is (reported in the run stats)."""
        ...

    @property
    def model(self) -> str | None:
        """The model name, if any."""
        ...

    @property
    def backend(self) -> Backend | None:
        """The model backend the engine calls (usage, ``--batch``), or None."""
        ...

    def extract_all(
        self, prepared: Sequence[Prepared], on_done: SourceDone | None = None
    ) -> list[Extracted]:
        """Each source's extraction or failure, in input order; ``on_done(source_id, ok)``
        is called as each source is finished (maybe from another thread)."""
        ...

    def synthesize(
        self, events: Sequence[MergedEvent], sources: Mapping[str, Source]
    ) -> tuple[str, tuple[str, ...]]:
        """Headline and key developments from the merged timeline."""
        ...

    def requests(self, prepared: Sequence[Prepared]) -> list[PlannedRequest]:
        """The extract calls a run of ``prepared`` would make (their first requests)."""
        ...

    def synthesis_requests(self, events: Sequence[MergedEvent]) -> list[PlannedRequest]:
        """The synthesis call a run would make for this timeline (if the engine makes one)."""
        ...


def failure_of(source: Source, stage: str, exc: SummarizerError) -> InputFailure:
    """The InputFailure for ``exc`` at ``stage`` (stage ``model`` for backend errors)."""
    named = BACKEND_STAGE if isinstance(exc, BackendError) else stage
    return InputFailure(path=source.path, reason=str(exc), stage=named)

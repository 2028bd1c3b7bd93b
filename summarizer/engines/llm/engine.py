"""The llm engine behind the :class:`~summarizer.engines.base.EngineRunner` protocol."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from summarizer.config import Config
from summarizer.engines.base import Extracted, PlannedRequest, Prepared, SourceDone, failure_of
from summarizer.engines.llm import extraction, synthesis
from summarizer.errors import SummarizerError
from summarizer.models import Engine, MergedEvent, Source
from summarizer.transport.backend import Backend


@dataclass
class LLMEngine:
    """The llm engine: a model behind ``backend``, checked by the code."""

    backend: Backend
    config: Config
    kind: Engine = Engine.LLM

    @property
    def model(self) -> str | None:
        return self.config.llm.model or self.backend.name

    def extract_all(
        self, prepared: Sequence[Prepared], on_done: SourceDone | None = None
    ) -> list[Extracted]:
        """Every source's extraction (packed calls, run concurrently); a source the
        model failed on is an InputFailure (stage ``model`` for backend errors)."""
        results = extraction.extract_all(
            prepared, backend=self.backend, config=self.config, on_done=on_done
        )
        return [
            failure_of(cleaned.source, "extract", result)
            if isinstance(result, SummarizerError)
            else result
            for (cleaned, _), result in zip(prepared, results, strict=True)
        ]

    def synthesize(
        self, events: Sequence[MergedEvent], sources: Mapping[str, Source]
    ) -> tuple[str, tuple[str, ...]]:
        """Headline and key developments (a BackendError propagates to the pipeline)."""
        return synthesis.synthesize(events, sources, backend=self.backend, config=self.config)

    def requests(self, prepared: Sequence[Prepared]) -> list[PlannedRequest]:
        """The first request of every extract call a run of ``prepared`` makes."""
        return extraction.requests(prepared, self.config)

    def synthesis_requests(self, events: Sequence[MergedEvent]) -> list[PlannedRequest]:
        """The synthesis request for this timeline (none for an empty one)."""
        return [synthesis.synthesis_request(events, self.config)] if events else []

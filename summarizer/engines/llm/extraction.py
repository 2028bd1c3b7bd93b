"""The extract calls of a run: packed, run concurrently, with a one-by-one fallback.

:func:`extract_all` cuts every source into units and packs them into calls
(:mod:`summarizer.engines.llm.packing`), asks each call on a worker thread
(:func:`summarizer.transport.concurrency.map_ordered`, as many as the server takes),
and builds each source's extraction from the answers
(:mod:`summarizer.engines.llm.answers`). :func:`extract` does the same for one
source alone. :func:`requests` lists the first request of every call a run would
make, without calling a model (for ``--batch`` and ``--dry-run``).

When a packed call fails (after the transport's retries and the re-asks), its
articles are asked again one by one, so one article that breaks the call (an
answer the model cannot get right, a refusal, a request the server rejects)
fails alone. This fallback is skipped, and exactly the call's sources are marked
failed with the call's reason, when the error is about the endpoint, not the
call: a transport failure that survived every retry (429, 5xx, timeouts,
connection errors), HTTP 401/403/404, or a ``--replay`` miss; asking N more
times would only multiply the wait (lower ``--pack-tokens`` if a slow local
model times out on large calls). A failure of one of the single calls fails
that source alone. The fallback costs one call (and its re-asks) per article
of the failed call. An article the answer leaves out keeps its extractive
events and summary (re-sending the whole call for it would cost more than it
brings).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from summarizer.config import Config, LLMConfig
from summarizer.engines.base import PlannedRequest, Prepared, SourceDone
from summarizer.engines.llm.answers import Found, PackResult, assemble, route
from summarizer.engines.llm.client import Shape, ask, first_request, llm_config
from summarizer.engines.llm.packing import Pack, Unit, UnitKey, output_budget, pack_units, units_for
from summarizer.errors import ReplayMissError, SummarizerError
from summarizer.models import CleanedSource, Sentence, SourceExtraction
from summarizer.transport.backend import Backend
from summarizer.transport.capacity import calls_in_flight
from summarizer.transport.concurrency import map_ordered
from summarizer.transport.schemas import ExtractOut, extract_schema

log = logging.getLogger("summarizer")

ENDPOINT_STATUS = frozenset({401, 403, 404})  # the same answer for any call: no fallback


def _shape(pack: Pack, llm: LLMConfig) -> Shape:
    return Shape(schema=extract_schema(pack.ids), max_tokens=output_budget(pack, llm))


def _variables(pack: Pack) -> dict[str, object]:
    return {"articles": [u.variables() for u in pack.units]}


def _ask_pack(pack: Pack, backend: Backend, llm: LLMConfig) -> ExtractOut:
    shape = _shape(pack, llm)
    return ask(
        backend, "extract", _variables(pack), ExtractOut, llm, purpose="extract", shape=shape
    )


def _worth_asking_alone(exc: SummarizerError) -> bool:
    """Could this call's articles succeed one by one? Not when the endpoint is the problem."""
    if isinstance(exc, ReplayMissError):
        return False
    if getattr(exc, "retryable", False):  # 429, 5xx, timeout, connection: after every retry
        return False
    return getattr(exc, "status", None) not in ENDPOINT_STATUS


def run_pack(pack: Pack, backend: Backend, llm: LLMConfig) -> PackResult:
    """One extract call; if it fails, its articles one by one (see the module docstring)."""
    try:
        answer = _ask_pack(pack, backend, llm)
    except SummarizerError as exc:
        if len(pack.units) == 1 or not _worth_asking_alone(exc):
            if len(pack.units) > 1:
                log.warning(
                    "an extract call for %d articles failed (%s); they are marked failed: %s",
                    len(pack.units),
                    exc,
                    ", ".join(pack.ids),
                )
            return PackResult({u.key: exc for u in pack.units})
        log.warning(
            "an extract call for %d articles failed (%s); asking them one by one",
            len(pack.units),
            exc,
        )
        singles = [run_pack(Pack((unit,)), backend, llm) for unit in pack.units]
        merged = {k: v for single in singles for k, v in single.results.items()}
        return PackResult(merged, sum(single.unknown for single in singles))
    return route(answer, pack)


class _Progress:
    """Tells ``on_done`` once per source, when the last of its units has been asked."""

    def __init__(self, units: Sequence[Sequence[Unit]], on_done: SourceDone | None) -> None:
        self.left = {u[0].id: len(u) for u in units if u}
        self.failed: set[str] = set()
        self.on_done = on_done
        self._lock = threading.Lock()

    def pack_done(self, pack: Pack, result: PackResult) -> None:
        finished: list[tuple[str, bool]] = []
        with self._lock:
            for unit in pack.units:
                if isinstance(result.results.get(unit.key), SummarizerError):
                    self.failed.add(unit.id)
                self.left[unit.id] -= 1
                if self.left[unit.id] == 0:
                    finished.append((unit.id, unit.id not in self.failed))
        if self.on_done is not None:
            for source_id, ok in finished:
                self.on_done(source_id, ok)


def _packs(prepared: Sequence[Prepared], llm: LLMConfig) -> tuple[list[list[Unit]], list[Pack]]:
    """Each source's units, and the calls they are packed into."""
    units = [units_for(cleaned.source, sentences, llm) for cleaned, sentences in prepared]
    return units, pack_units([u for source_units in units for u in source_units], llm)


def extract_all(
    prepared: Sequence[Prepared],
    *,
    backend: Backend,
    config: Config | LLMConfig,
    on_done: SourceDone | None = None,
    workers: int | None = None,
) -> list[SourceExtraction | SummarizerError]:
    """Events and a summary of each source, several short articles per model call.

    The units of all sources are packed (:func:`pack_units`) and the calls run on
    ``workers`` threads (default: as many as the backend lets be in flight,
    :func:`~summarizer.transport.capacity.calls_in_flight`). Returns, in input order, each
    source's extraction or the error that failed it; ``on_done(source_id, ok)``
    is called (from a worker thread) as each source's last call finishes.
    """
    llm = llm_config(config)
    units, packs = _packs(prepared, llm)
    progress = _Progress(units, on_done)
    for (cleaned, _), source_units in zip(prepared, units, strict=True):
        if not source_units and on_done is not None:
            on_done(cleaned.source.id, True)  # nothing to ask the model

    def one(pack: Pack) -> PackResult:
        result = run_pack(pack, backend, llm)
        progress.pack_done(pack, result)
        return result

    workers = workers or calls_in_flight(backend, llm.concurrency)
    outcomes = map_ordered(one, packs, workers=workers)
    results: dict[UnitKey, Found | SummarizerError] = {}
    unknown: dict[str, int] = {}
    for pack, outcome in zip(packs, outcomes, strict=True):
        result = outcome.unwrap()  # anything but a SummarizerError is a bug: let it surface
        results.update(result.results)
        if result.unknown:
            first = pack.units[0].id
            unknown[first] = unknown.get(first, 0) + result.unknown
    extracted: list[SourceExtraction | SummarizerError] = []
    for (cleaned, sentences), source_units in zip(prepared, units, strict=True):
        found = [results[u.key] for u in source_units]
        error = next((f for f in found if isinstance(f, SummarizerError)), None)
        if error is not None:
            extracted.append(error)
            continue
        answers = [f for f in found if isinstance(f, Found)]
        extra = unknown.get(cleaned.source.id, 0)
        extracted.append(assemble(cleaned, sentences, source_units, answers, config, extra))
    return extracted


def extract(
    cleaned: CleanedSource,
    sentences: Sequence[Sentence],
    *,
    backend: Backend,
    config: Config | LLMConfig,
) -> SourceExtraction:
    """Events and a summary of one source alone (one call per chunk, in order).

    Raises the :class:`~summarizer.errors.SummarizerError` that failed it.
    """
    (result,) = extract_all([(cleaned, sentences)], backend=backend, config=config, workers=1)
    if isinstance(result, SummarizerError):
        raise result
    return result


def requests(prepared: Sequence[Prepared], config: Config | LLMConfig) -> list[PlannedRequest]:
    """The first request of every extract call of a run, packed as :func:`extract_all` packs.

    A call for one article (or one chunk) is labelled with its id and part; a
    packed call lists its articles (``id, id part 2/3, ...``).
    """
    llm = llm_config(config)
    planned: list[PlannedRequest] = []
    for pack in _packs(prepared, llm)[1]:
        request = first_request("extract", _variables(pack), llm, shape=_shape(pack, llm))
        first = pack.units[0]
        if len(pack.units) == 1:
            label, part, parts = first.id, first.chunk.part, first.chunk.parts
        else:
            label, part, parts = ", ".join(u.label for u in pack.units), 1, 1
        planned.append(PlannedRequest(request, label, part, parts, pack.ids))
    return planned

"""The per-source stages on several processes, for runs large enough to pay for it.

A run's per-source work (clean, segment, the extractive engine, ground, dates,
quantities, and the dates each article mentions) is CPU-bound Python, so threads
would not help; the stages do not share state, so processes do. One stage in the
middle needs the whole corpus: page furniture is recognised by how often a sentence
recurs across articles (:mod:`~summarizer.stages.boilerplate`). So each worker
process takes a fixed share of the sources (interleaved, balanced by text length:
:func:`shares`) and works in two phases, keeping its articles between them:

1. clean and segment each of its sources, and send the sentences' boilerplate keys;
2. this process counts the keys over the corpus and sends each worker the sentences
   to drop; the worker drops them, extracts, grounds, dates and annotates each
   source, and sends the results back (the kept and dropped ranges as plain numbers,
   the extraction, the dates the article mentions, where its events' texts state a
   date or time: merge reads their words around those). A worker whose queue empties
   takes over the end of another's (:mod:`~summarizer.pipeline.sharing`).

Results are put together in input order, so the output is the same as the serial
run's, byte for byte. Only an engine that calls no model runs this way (a model
engine is waiting on the network, which it already does concurrently); a run with
little text runs serially, since starting processes and moving results between them
costs more than it saves (:func:`workers_for`).
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import multiprocessing
import os
import selectors
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from summarizer.beside import available_cores, collector_paused, frozen_heap
from summarizer.config import Config
from summarizer.engines.base import EngineRunner, Prepared
from summarizer.models import (
    CharInterval,
    CleanedSource,
    DroppedRange,
    InputFailure,
    Source,
    SourceExtraction,
)
from summarizer.pipeline import sharing
from summarizer.pipeline.sources import Interrupted, Outcomes, StageFailed, prepare_source
from summarizer.stages import boilerplate
from summarizer.stages.dateranking import DateKey, Timing

# Automatic worker count: below this much text, or this few sources, one process is
# faster (starting a worker and moving its results cost about as much as 100 KB of work).
AUTO_MIN_CHARS = 400_000
AUTO_MIN_SOURCES = 8
_GRACE_SECONDS = 5.0  # how long a run that ends waits, in all, for its workers to exit
# Phase 1's sources a message (5,000 messages of one story's 5,000 articles cost this
# process ~0.1 CPU s, while the workers need the cores, in waking, reading and calling)
BATCH = 32

Ranges = tuple[tuple[int, int], ...]
Dropped = tuple[tuple[int, int, str], ...]


@dataclass
class ParallelResult:
    """The per-source outcomes (in any order; keyed by source id) and the dates each
    finished source mentions."""

    outcomes: Outcomes = field(default_factory=dict)
    mentioned: dict[str, dict[DateKey, Timing]] = field(default_factory=dict)
    # each finished source's events' temporal expressions (spans in each event's text)
    temporal: dict[str, tuple[Ranges, ...]] = field(default_factory=dict)
    worker_seconds: list[float] = field(default_factory=list)  # CPU seconds of each worker
    # each finished source's extraction and its events' spans, in the order they came
    arrived: list[tuple[SourceExtraction, tuple[Ranges, ...]]] = field(default_factory=list)
    worker_peak_kb: list[int] = field(default_factory=list)  # peak RSS of each worker


# What this process may do with the results so far while a core is free (a worker has
# finished and this process only waits for the others): one small task per call, False
# when there is none for now. The runner reads merge's tokens of the statements there.
Spare = Callable[[ParallelResult], bool]


def workers_for(sources: Sequence[Source], engine: EngineRunner, config: Config) -> int:
    """How many processes to run the per-source stages in (1: in this one).

    ``config.workers`` when given; otherwise every available core once the run has at
    least :data:`AUTO_MIN_SOURCES` sources and :data:`AUTO_MIN_CHARS` characters. An
    engine with a model backend always runs here.
    """
    if engine.backend is not None or len(sources) < 2:
        return 1
    if config.workers is not None:
        return max(1, min(config.workers, len(sources)))
    if len(sources) < AUTO_MIN_SOURCES or sum(len(s.text) for s in sources) < AUTO_MIN_CHARS:
        return 1
    return max(1, min(available_cores(), len(sources) // (AUTO_MIN_SOURCES // 2)))


def shares(sources: Sequence[Source], workers: int) -> list[list[int]]:
    """Source positions, one list per worker, of about equal text length: each source in
    input order goes to the worker with the least text so far (the first one on a tie).

    Interleaved rather than contiguous: a corpus in date order costs more per character
    in some stretches than others (longer sentences, more dates), and contiguous halves of
    equal length took 8 % more CPU on one side than the other on a real corpus (1.6 %
    interleaved)."""
    loads = [(0, w) for w in range(max(1, workers))]  # (characters so far, worker): a heap
    out: list[list[int]] = [[] for _ in loads]
    for i, source in enumerate(sources):
        size, w = heapq.heappop(loads)
        out[w].append(i)
        heapq.heappush(loads, (size + len(source.text) + 1, w))
    return [positions for positions in out if positions]


# --------------------------------------------------------------------------- worker side

# Messages from a worker, each a tuple: ("prepared", [(position in its share, failure or
# (sentence keys, sentence spans)), ...]) per :data:`BATCH` sources in phase 1, then
# ("case", the tally of how its articles write their words); phase 2's
# (:mod:`~summarizer.pipeline.sharing`: results keyed by position in the input);
# ("finished", CPU seconds) at the end; ("error", exception) if it failed. Results are sent
# as each source is done, so this process reads them while the workers go on.


def _serve(
    conn: Connection,
    engine: EngineRunner,
    sources: Sequence[Source],
    cleaned: Sequence[CleanedSource],
    inherited: Sequence[Connection] = (),
    positions: Sequence[int] = (),
    corpus: sharing.Corpus | None = None,
) -> None:
    """A worker: phase 1 on ``sources`` (``cleaned``: those ingest cleaned already), wait
    for the drops, phase 2; errors are sent. ``inherited``: the run's ends of the pipes
    that a forked worker got copies of; it closes them first, so that its own pipe is
    closed once the run's process is gone (killed, say) and the worker, reading EOF or
    a broken pipe, exits instead of waiting for its drops for ever. ``positions``: its
    sources' places in the input; ``corpus``: the whole input, to take others' sources
    at the end (:mod:`~summarizer.pipeline.sharing`; None when spawned)."""
    for end in inherited:
        end.close()
    try:
        prepared = _prepare(sources, cleaned, conn)
        order = [  # (failed in phase 1: already reported)
            (positions[i], source, prepared.pop(i))
            for i, source in enumerate(sources)
            if i in prepared
        ]
        drops, early = sharing.meanwhile(conn, order)  # (the drops: a list per source)
        jobs: deque[sharing.Job] = deque(
            (*job, drop, early.get(job[0])) for job, drop in zip(order, drops, strict=True)
        )
        del order
        sharing.work(engine, jobs, conn, corpus)
        conn.send(("finished", (time.process_time(), _peak_kb())))
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: the run reports it
        pass
    except BaseException as exc:  # a bug: the run stops with it, as a serial run would
        with contextlib.suppress(OSError):  # the run may have stopped listening
            conn.send(("error", _portable(exc)))
    finally:
        conn.close()


def _prepare(
    sources: Sequence[Source], cleaned: Sequence[CleanedSource], conn: Connection
) -> dict[int, Prepared]:
    """Clean (unless ingest did) and segment each source; send its failure or its
    sentences' keys, :data:`BATCH` sources a message."""
    ids: dict[str, int] = {}
    case = boilerplate.new_case()
    by_id = {c.source.id: c for c in cleaned}
    prepared: dict[int, Prepared] = {}
    batch: list[tuple[int, Any]] = []
    for i, source in enumerate(sources):
        try:
            prepared[i] = prepare_source(source, by_id.get(source.id))
        except StageFailed as failed:
            batch.append((i, failed.failure))
        else:
            sentences = prepared[i][1]
            units = boilerplate.sentence_units(sentences, ids, case)
            batch.append((i, (units, [(s.start, s.end) for s in sentences])))
        if len(batch) == BATCH or i == len(sources) - 1:
            conn.send(("prepared", batch))
            batch = []
    conn.send(("case", case))
    return prepared


def _peak_kb() -> int:
    """This process's peak resident memory in KiB (0 where the OS does not say)."""
    try:
        import resource
    except ImportError:  # not on Unix
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError carrying its traceback."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        text = "".join(traceback.format_exception(exc))
        return RuntimeError(f"a worker process failed:\n{text}")


# --------------------------------------------------------------------------- this side


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process (its type depends on the start method)
    conn: Connection
    positions: list[int]


def _context() -> Any:
    """``fork`` where there is one (no re-import, nothing to pickle), else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_parallel(
    sources: Sequence[Source],
    engine: EngineRunner,
    workers: int,
    on_done: Callable[[str, bool], None] | None = None,
    cleaned: Sequence[CleanedSource] = (),
    spare: Spare | None = None,
) -> ParallelResult:
    """The per-source stages for ``sources`` on ``workers`` processes (``cleaned``: the
    sources ingest cleaned already); ``on_done(id, ok)`` as each source is finished;
    ``spare``: work for a free core at the end (:data:`Spare`). Ctrl-C raises
    :class:`Interrupted`."""
    ids = {s.id for s in sources}
    by_id = {c.source.id: c for c in cleaned if c.source.id in ids}
    context = _context()
    forked = context.get_start_method() == "fork"  # (spawned: only its share is pickled)
    corpus = sharing.Corpus(sources, by_id) if forked else None
    pool: list[_Worker] = []
    finished: list[str] = []
    grace = _GRACE_SECONDS
    try:
        with frozen_heap():
            for positions in shares(sources, workers):
                mine, theirs = context.Pipe()
                chunk = [sources[i] for i in positions]
                done = [by_id[s.id] for s in chunk if s.id in by_id]
                inherited = _inherited(context, pool, mine)
                process = context.Process(
                    target=_serve,
                    args=(theirs, engine, chunk, done, inherited, positions, corpus),
                    daemon=True,
                )
                process.start()
                theirs.close()
                pool.append(_Worker(process, mine, positions))
        # no collection while the workers' messages are read: this process builds hundreds of
        # thousands of records from them (one story at 5,000 articles: 24 MB of results),
        # none in a reference cycle, and each full collection walked all those read so
        # far (0.7 of the 4.6 CPU s spent there, CPU the workers need on two cores)
        with collector_paused(after=_to_oldest_generation):
            return _collect(sources, pool, finished, on_done, spare, forked)
    except KeyboardInterrupt as stop:
        grace = 0.0  # what the workers were computing is dropped: stop them now
        raise Interrupted(list(finished), len(sources)) from stop
    finally:
        _stop(pool, grace)


def _inherited(context: Any, pool: Sequence[_Worker], mine: Connection) -> list[Connection]:
    """The run's pipe ends that a worker forked now holds copies of (none when spawned:
    a spawned worker gets only what it is given)."""
    if context.get_start_method() != "fork":
        return []
    return [*(worker.conn for worker in pool), mine]


def _to_oldest_generation() -> None:
    """What was read goes to the oldest generation, where the run's results would be
    once they had survived two collections (freezing and unfreezing moves objects there
    without a walk; only with nothing frozen yet)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def _stop(pool: Sequence[_Worker], grace: float) -> None:
    """Close the pipes, give the workers ``grace`` seconds in all to exit, then
    terminate the rest (a grace of its own for each worker made a Ctrl-C wait five
    seconds a worker); after Ctrl-C there is none."""
    for worker in pool:
        worker.conn.close()
    deadline = time.monotonic() + grace
    for worker in pool:
        worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
    for worker in pool:
        if worker.process.is_alive():
            worker.process.terminate()
    for worker in pool:
        worker.process.join()


def _collect(
    sources: Sequence[Source],
    pool: Sequence[_Worker],
    finished: list[str],
    on_done: Callable[[str, bool], None] | None,
    spare: Spare | None = None,
    share: bool = True,
) -> ParallelResult:
    result = ParallelResult()
    expected, drops = _first_phase(sources, pool, result, on_done)

    def store(position: int, item: Any) -> None:
        source = sources[position]
        _store(source, item, result)
        if not isinstance(item, InputFailure):
            finished.append(source.id)
        if on_done is not None:
            on_done(source.id, not isinstance(item, InputFailure))

    shared = sharing.Sharing(expected, drops, lambda w, m: pool[w].conn.send(m), share)
    free = None if spare is None else lambda: spare(result)
    ends = _results(pool, shared, store, free)
    result.worker_seconds = [seconds for seconds, _ in ends]
    result.worker_peak_kb = [peak for _, peak in ends]
    return result


def _results(
    pool: Sequence[_Worker],
    shared: sharing.Sharing,
    store: Callable[[int, Any], None],
    spare: Callable[[], bool] | None,
) -> list[Any]:
    """Phase 2 seen from here: every result, stored as it comes, while the work is shared
    out at the end (:mod:`~summarizer.pipeline.sharing`), then what each worker's
    "finished" message carries (in worker order). ``spare``: one small task of this
    process, taken while no message is there and a core is free (fewer workers still
    send than there are cores), until it has none."""
    ends: dict[int, Any] = {}
    cores = available_cores()
    with _Waiter(pool, range(len(pool))) as waiter:
        while waiter.live:
            free = spare if spare is not None and len(waiter.live) < cores else None
            for w in waiter.ready(free):
                kind, key = _receive(pool[w])
                if kind == "results":
                    for position, item in key:
                        store(position, item)
                        shared.received(w)
                elif kind == "idle":
                    shared.emptied(w)
                elif kind == "gave":
                    shared.gave(w, key)
                elif kind == "finished":
                    ends[w] = key
                    waiter.done(w)
                else:
                    raise RuntimeError(f"unexpected message from a worker process: {kind}")
    return [ends[w] for w in range(len(pool))]


def _first_phase(
    sources: Sequence[Source],
    pool: Sequence[_Worker],
    result: ParallelResult,
    on_done: Callable[[str, bool], None] | None,
) -> tuple[list[int], dict[int, boilerplate.Drops]]:
    """Phase 1 seen from here: read every worker's sentence keys, decide the corpus'
    boilerplate and send each worker its drops; returns how many results each worker
    will send, and the drops by position in the input. What phase 1 sent (the keys of
    every sentence of the corpus) is let go on return, before the results arrive, which
    then take its place in memory."""
    firsts: list[dict[int, Any]] = [{} for _ in pool]
    cases = _gather(
        pool, "prepared", lambda w, i, item: firsts[w].__setitem__(i, item), until="case"
    )
    published: list[Any] = []
    texts: list[_Sentences] = []
    units: list[Any] = []
    outlets: list[str | None] = []
    tails: list[int] = []
    owners: list[int] = []  # which worker each prepared source belongs to
    placed: list[int] = []  # and its position in the input
    # the corpus in input order, as the serial run sees it
    where = sorted(
        (p, w, i) for w, worker in enumerate(pool) for i, p in enumerate(worker.positions)
    )
    for position, w, i in where:
        item = firsts[w][i]
        source = sources[position]
        if isinstance(item, InputFailure):
            result.outcomes[source.id] = item
            if on_done is not None:
                on_done(source.id, False)
            continue
        published.append(source.published)
        units.append(item[0])
        texts.append(_Sentences(source.text, item[1]))
        outlets.append(boilerplate.outlet_of(source))
        tails.append(boilerplate.closing_line(source.text, item[1]))
        owners.append(w)
        placed.append(position)
    drops = boilerplate.decide(
        published,
        texts,
        units,
        boilerplate.merge_cases(cases),
        outlets=outlets,
        tails=tails,
    )
    for w, worker in enumerate(pool):
        worker.conn.send([d for d, owner in zip(drops, owners, strict=True) if owner == w])
    expected = [
        len(firsts[w]) - sum(isinstance(x, InputFailure) for x in firsts[w].values())
        for w in range(len(pool))
    ]
    return expected, dict(zip(placed, drops, strict=True))


class _Sentences(Sequence[str]):
    """An article's sentence texts, cut from its text when asked for (the boilerplate
    decision reads only the sentences it flags)."""

    def __init__(self, text: str, spans: Sequence[tuple[int, int]]) -> None:
        self.text, self.spans = text, spans

    def __len__(self) -> int:
        return len(self.spans)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.text[a:b] for a, b in self.spans[index]]
        start, end = self.spans[index]
        return self.text[start:end]


def _gather(
    pool: Sequence[_Worker],
    kind: str,
    handle: Callable[[int, int, Any], None],
    until: str,
) -> list[Any]:
    """Read ``kind`` messages from every worker (each a list of (position in its share,
    item): one item per source of its share in all), then its ``until`` message; returns
    what those carry."""
    left = {w: len(worker.positions) + 1 for w, worker in enumerate(pool)}
    ends: list[Any] = []
    with _Waiter(pool, range(len(pool))) as waiter:
        while any(left.values()):
            for w in waiter.ready():
                message = _receive(pool[w])
                if message[0] == kind:
                    for i, item in message[1]:
                        handle(w, i, item)
                    left[w] -= len(message[1])
                elif message[0] == until:
                    ends.append(message[1])
                    left[w] -= 1
                else:
                    raise RuntimeError(f"unexpected message from a worker process: {message[0]}")
                if not left[w]:
                    waiter.done(w)
    return ends


_SELECTABLE = os.name == "posix"  # pipes are file descriptors a selector can watch


class _Waiter:
    """Which of ``workers`` have a message: one selector for all of a phase's messages
    where the pipes are selectable (multiprocessing's ``wait`` builds one per call: 0.8
    CPU s, on a loaded machine, for the 10,000 messages of 5,000 articles, in this process,
    while the workers need the cores), else that ``wait``."""

    def __init__(self, pool: Sequence[_Worker], workers: Sequence[int]) -> None:
        self.pool, self.live = pool, set(workers)
        self.selector = selectors.DefaultSelector() if _SELECTABLE else None
        if self.selector is not None:
            for w in workers:
                self.selector.register(pool[w].conn, selectors.EVENT_READ, w)

    def __enter__(self) -> _Waiter:
        return self

    def __exit__(self, *_: object) -> None:
        if self.selector is not None:
            self.selector.close()

    def ready(self, spare: Callable[[], bool] | None = None) -> list[int]:
        """The workers with a message; ``spare``'s tasks are taken while none has one."""
        if spare is not None:
            while not (ready := self._ready(0.0)) and spare():
                pass
            if ready:
                return ready
        return self._ready(None)

    def _ready(self, timeout: float | None) -> list[int]:
        if self.selector is not None:
            return [key.data for key, _ in self.selector.select(timeout)]
        index: dict[Any, int] = {self.pool[w].conn: w for w in self.live}
        return [index[conn] for conn in wait(list(index), timeout)]

    def done(self, w: int) -> None:
        self.live.discard(w)
        if self.selector is not None:
            self.selector.unregister(self.pool[w].conn)


def _receive(worker: _Worker) -> tuple[Any, ...]:
    """The worker's next message; its error is raised here."""
    try:
        message = worker.conn.recv()
    except EOFError:
        code = worker.process.exitcode
        raise RuntimeError(f"a worker process ended unexpectedly (exit code {code})") from None
    if message[0] == "error":
        raise message[1]
    return tuple(message)


def _store(source: Source, item: Any, result: ParallelResult) -> None:
    """One phase-2 result as the source's outcome, rebuilt around this process's source."""
    if isinstance(item, InputFailure):
        result.outcomes[source.id] = item
        return
    kept, dropped, ext, keys, temporal = item
    cleaned = CleanedSource(  # the ranges of a valid CleanedSource: no need to validate them
        source=source,
        kept=tuple(CharInterval.trusted(start=a, end=b) for a, b in kept),
        dropped=tuple(DroppedRange.trusted(start=a, end=b, reason=r) for a, b, r in dropped),
    )
    result.outcomes[source.id] = (source, cleaned, ext)
    result.mentioned[source.id] = keys
    result.temporal[source.id] = temporal
    result.arrived.append((ext, temporal))

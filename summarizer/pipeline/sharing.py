"""Phase 2 of the per-source stages on worker processes, shared out as it goes.

Each worker takes a fixed share of the sources for phase 1 (:mod:`.parallel`) and keeps
its articles for phase 2, so the shares are fixed in advance: by text length, a good
guess of the work but not the work. A worker that shares its core with this process (it
reads the results as they come) or with another program ends later than the others, and
on two cores a second of one worker's work left at the end is half a second of the run.
So phase 2 is shared out again at its end: a worker whose queue is empty says so, this
process asks the worker with the most left to give up the last part of its queue
(:data:`GIVE_UP`), and the idle worker takes it, preparing those articles again (clean
and segment: about a third of their phase 2) from the sources it got when forked, with
the drops this process decided for them. A worker answers between two articles. A
spawned worker (no fork: it holds only its own share) is never given work.

Each source's result is the same wherever it is made (its stages read nothing but the
source and its drops), and results are keyed by the source's position in the input, so
the output does not depend on who made what.

While this process decides the boilerplate, a worker waits for its drops with nothing to
do (a core is free: one story at 5,000 articles, ~0.5 s). It does there, article by
article until the drops come, the part of phase 2 that the drops cannot change
(:func:`meanwhile`): the years the text states, and what grounding reads of the whole
article (:class:`~summarizer.stages.ground.Known`).

Messages from a worker in phase 2: ``("results", [(position, failure or result), ...])``
(:data:`BATCH` sources at a time), ``("idle", None)`` when its queue is empty,
``("gave", positions)`` in answer to ``SPLIT``; from this process: ``SPLIT``,
``("take", [(position, drops), ...])``, or ``None``: no more work.
"""

from __future__ import annotations

import os
import selectors
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from summarizer.engines.base import EngineRunner, Prepared
from summarizer.errors import SummarizerError
from summarizer.models import CleanedSource, InputFailure, Source, SourceExtraction
from summarizer.pipeline.sources import finish, mentions, prepare_source
from summarizer.stages import boilerplate, dates, ground

Ranges = tuple[tuple[int, int], ...]
SPLIT = ("split", None)
# The share of its queue a worker gives up when asked: the taker prepares those articles
# again, so it does a little more per article (phase 2 is about 1.3x the article's phase-2
# work there): 2/5 leaves both about as much to do.
GIVE_UP = 0.4
MIN_LEFT = 3  # a worker with fewer results still to send is not asked to give any up
# Results are sent a few at a time: each message wakes this process, which then shares a
# core with a worker (one story 5,000: 5,000 messages; this process's reading ~0.2 of its
# ~0.8 CPU s there were per message, not per result).
BATCH = 8

# What the drops cannot change, found while waiting for them: the years the text states
# (:func:`~summarizer.stages.dates.stated_years`) and what grounding reads.
Early = tuple[dates.StatedYears, ground.Known]
# a job: the source's position in the input, the source, its articles prepared in phase 1
# (None: given up by another worker, to prepare here), its drops, what was found early
Job = tuple[int, Source, Prepared | None, boilerplate.Drops, Early | None]


# --------------------------------------------------------------------------- worker side


@dataclass
class Corpus:
    """What a forked worker needs to take another's sources: every source, and those
    ingest cleaned already (by id)."""

    sources: Sequence[Source]
    cleaned: Mapping[str, CleanedSource]


def meanwhile(
    conn: Connection, prepared: Sequence[tuple[int, Source, Prepared]]
) -> tuple[Any, dict[int, Early]]:
    """Until a message comes (the drops), what the drops cannot change of each prepared
    article in turn (by position); returns the message and what was found."""
    found: dict[int, Early] = {}
    with _Inbox(conn) as inbox:
        for position, source, (_, sentences) in prepared:
            if inbox.waiting():
                break
            try:
                years = dates.stated_years(source.text)
                found[position] = years, ground.Known.of(source, [s.text for s in sentences])
            except SummarizerError:  # (left for phase 2, which reports it as the serial run)
                continue
    return conn.recv(), found


def work(engine: EngineRunner, jobs: deque[Job], conn: Connection, corpus: Corpus | None) -> None:
    """A worker's phase 2: each job's result, then whatever this process hands over, until
    it sends None; ``SPLIT`` is answered between two jobs (the last part of the queue)."""
    with _Inbox(conn) as inbox:
        while True:
            made: list[tuple[int, Any]] = []
            while jobs:
                if inbox.waiting():
                    _give_up(conn.recv(), jobs, conn)
                position, source, prepared, drops, early = jobs.popleft()
                made.append((position, result(engine, source, prepared, drops, corpus, early)))
                if len(made) == BATCH:
                    conn.send(("results", made))
                    made = []
            if made:
                conn.send(("results", made))
            conn.send(("idle", None))
            while (message := conn.recv()) == SPLIT:
                conn.send(("gave", ()))  # nothing left to give
            if message is None:
                return
            assert corpus is not None, "work handed to a worker that cannot prepare it"
            jobs.extend((p, corpus.sources[p], None, drops, None) for p, drops in message[1])


def _give_up(message: Any, jobs: deque[Job], conn: Connection) -> None:
    """Answer ``SPLIT``: the last :data:`GIVE_UP` of the queue leaves it."""
    if message != SPLIT:
        raise RuntimeError(f"unexpected message to a worker process: {message!r}")
    given = [jobs.pop() for _ in range(int(len(jobs) * GIVE_UP))][::-1]
    conn.send(("gave", tuple(job[0] for job in given)))


def result(
    engine: EngineRunner,
    source: Source,
    prepared: Prepared | None,
    drops: boilerplate.Drops,
    corpus: Corpus | None = None,
    early: Early | None = None,
) -> Any:
    """One source through phase 2 (``early``: what :func:`meanwhile` found of it): its
    failure, or (kept ranges, dropped ranges, its extraction, the dates it mentions,
    its events' temporal expressions)."""
    if prepared is None:  # given up by another worker (which prepared it alike)
        assert corpus is not None
        prepared = prepare_source(source, corpus.cleaned.get(source.id))
    cleaned, sentences = boilerplate.apply_drops(*prepared, drops)
    (extracted,) = engine.extract_all([(cleaned, sentences)])
    if isinstance(extracted, InputFailure):
        return extracted
    # the years: for the events' dates and the mentions
    years, known = early if early is not None else (dates.stated_years(source.text), None)
    outcome = finish(cleaned, extracted, years, known)
    if isinstance(outcome, InputFailure):
        return outcome
    _, cleaned, ext = outcome
    kept = tuple((k.start, k.end) for k in cleaned.kept)
    gone = tuple((d.start, d.end, d.reason) for d in cleaned.dropped)
    found = mentions(source, cleaned, years)
    return kept, gone, ext, found, temporal(ext)


def temporal(ext: SourceExtraction) -> tuple[Ranges, ...]:
    """Each event's text's temporal expressions, as spans: what merge reads its words
    around (:class:`~summarizer.stages.similarity.Tokenised`). Sent from here, where
    dating the events has just found most of them (the sentence that is an event's
    text was its quote: :mod:`~summarizer.stages.dates` keeps recent texts' matches)."""
    return tuple(
        tuple((m.start, m.end) for m in dates.find_temporal_expressions(e.text)) for e in ext.events
    )


_SELECTABLE = os.name == "posix"  # (Windows pipes are not)


class _Inbox:
    """Whether a message waits on ``conn``, without blocking: one selector for the whole
    phase where pipes are selectable (``Connection.poll`` builds one per call)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.selector: selectors.BaseSelector | None = None
        if _SELECTABLE:
            self.selector = selectors.DefaultSelector()
            self.selector.register(conn, selectors.EVENT_READ)

    def __enter__(self) -> _Inbox:
        return self

    def __exit__(self, *_: object) -> None:
        if self.selector is not None:
            self.selector.close()

    def waiting(self) -> bool:
        if self.selector is None:
            return self.conn.poll()
        return bool(self.selector.select(0))


# --------------------------------------------------------------------------- this side


@dataclass
class Sharing:
    """This process's side: how many results each worker still owes, which are idle, and
    who was asked to give up work for whom. ``send(worker, message)`` reaches a worker;
    ``drops``: every prepared source's drops, by position; ``enabled``: the workers can
    take others' sources (forked)."""

    owed: list[int]
    drops: Mapping[int, boilerplate.Drops]
    send: Callable[[int, Any], None]
    enabled: bool = True
    asked: dict[int, int] = field(default_factory=dict)  # asked to give up -> for whom
    idle: set[int] = field(default_factory=set)
    spent: set[int] = field(default_factory=set)  # had nothing to give when asked

    def received(self, w: int) -> None:
        """A result came from ``w``."""
        self.owed[w] -= 1

    def emptied(self, w: int) -> None:
        """``w``'s queue is empty: ask the worker with the most left to give some up, or
        tell ``w`` there is no more work."""
        self.idle.add(w)
        busy = [
            v
            for v in range(len(self.owed))
            if v not in self.idle | self.spent and v not in self.asked and self.owed[v] >= MIN_LEFT
        ]
        if not self.enabled or not busy:
            self.send(w, None)
            return
        victim = max(busy, key=lambda v: (self.owed[v], -v))
        self.asked[victim] = w
        self.send(victim, SPLIT)

    def gave(self, v: int, positions: Sequence[int]) -> None:
        """``v``'s answer: ``positions`` go to the worker they were asked for."""
        w = self.asked.pop(v)
        if not positions:  # (its last jobs: not asked again)
            self.spent.add(v)
            self.emptied(w)
            return
        self.owed[v] -= len(positions)
        self.owed[w] += len(positions)
        self.idle.discard(w)
        self.send(w, ("take", [(p, self.drops[p]) for p in positions]))

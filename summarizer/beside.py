"""One step of a run computed on a second core while this process goes on.

After the per-source stages, the run is one process on one core, though the machine
that ran the workers has more. Merge's search for candidate pairs needs only the texts'
vectors, not their names and clauses (:data:`~summarizer.stages.blocking.Later`);
ordering the entries for the brief
(:func:`~summarizer.stages.select.brief_order`) and comparing their figures
(:func:`~summarizer.stages.disagree.compare`) both read the merged entries and
neither needs the other; and the JSON writer can write the last of a long list of
entries while it writes the first (:mod:`~summarizer.output.report_json`). Here at the
bottom of the layers so that the pipeline and the output can both use it.

:func:`beside` starts such a step in a forked process (it shares this process's memory
as it is: nothing is sent to it) and returns a function that waits for its result,
which comes back pickled: the runner sends the brief's order back as the entries'
places (a few KB), and compares the figures itself. That way round, because the fork's
memory is what it writes to (every page it touches is copied): one story at 20,000
articles, the run and its child held 976 MiB at once with the comparison in the child,
900 MiB with the order there, 762 MiB without a child (so very large runs stay in one
process: :data:`MAX_QUOTES`).

The result is the one the step gives in this process: the step must be a pure
function of what it reads (the fork sees the same objects, the same hash seed). If
the fork is not available, or the child fails or is killed, the step runs here
instead, so an error is raised where the serial run raises it.

While it waits for the child, this process may do other work of the run
(``meanwhile``: small tasks, taken one at a time until the child's answer is there):
the runner reads the statements' terms for the brief's order while merge waits for
its candidate pairs, time this process would otherwise spend idle.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
_DONE = object()  # no task left

# Steps are made beside only for runs with at most this many quotes (merge's statements,
# the entries' evidence): the forked process holds a copy of every page either process
# writes to, which grows with the entries and their quotes (one story at 20,000
# articles, 83,743 quotes: 762 -> 900 MiB held at once by the run and its processes,
# for about 1 s of a 100 s run; Finan, 4,088 quotes: about 27 MB, 0.2 s of 7).
MAX_QUOTES = 40_000


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def beside(
    step: Callable[[], T], enabled: bool = True, meanwhile: Iterable[object] = ()
) -> Callable[[], T]:
    """``step`` started in a forked process when ``enabled`` and the platform forks;
    returns a function that gives its result (computed here when the child gave none).
    Waiting for it, this process takes ``meanwhile``'s items (each one a small task
    done) until the child's answer is there; without a child they are not taken."""
    started = _forked(_child, step) if enabled else None
    if started is None:  # the step runs here when asked
        return step
    process, mine = started

    def result() -> T:
        try:
            tasks = iter(meanwhile)
            while not mine.poll() and next(tasks, _DONE) is not _DONE:
                pass
            ok, value = mine.recv()
        except (EOFError, OSError):  # the child died without an answer
            ok, value = False, None
        finally:
            _reap(process, mine)
        return value if ok else step()

    return result


def beside_items(
    steps: Callable[[], Iterator[T]], enabled: bool = True, meanwhile: Iterable[object] = ()
) -> Callable[[], Iterator[T]]:
    """:func:`beside` for a step that gives its result in parts (``steps()`` yields
    them): each part is sent as soon as it is made, so this process may use the first
    while the child makes the rest (merge scores the first candidate pairs while the
    last are searched for). Waiting for a part, this process takes ``meanwhile``'s
    tasks. If the child fails, the parts it did not send are made here (``steps`` must
    yield the same parts in the same order wherever it runs)."""
    started = _forked(_parts, steps) if enabled else None
    if started is None:  # the parts are made here
        return steps
    process, mine = started

    def parts() -> Iterator[T]:
        sent, ended = 0, False
        try:
            tasks = iter(meanwhile)
            while True:
                while not mine.poll() and next(tasks, _DONE) is not _DONE:
                    pass
                kind, value = mine.recv()
                if kind != "part":
                    ended = kind == "end"
                    break
                sent += 1
                yield value
        except (EOFError, OSError):  # the child died: the rest is made here
            pass
        finally:
            _reap(process, mine)
        if not ended:
            yield from itertools.islice(steps(), sent, None)

    return parts


def _forked(
    target: Callable[[Connection, Any], None], step: Any
) -> tuple[multiprocessing.process.BaseProcess, Connection] | None:
    """``target(conn, step)`` started in a forked process that writes to ``conn``; this
    process's end of the pipe comes back with it. None where no child can be made: the
    platform does not fork, this process is a daemon (which may not have children), or
    the start failed."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    if multiprocessing.current_process().daemon:
        return None
    context = multiprocessing.get_context("fork")
    mine, theirs = context.Pipe(duplex=False)
    with frozen_heap():
        try:
            process = context.Process(target=target, args=(theirs, step), daemon=True)
            process.start()
        except OSError:
            mine.close()
            return None
        finally:
            theirs.close()
    return process, mine


def _reap(process: multiprocessing.process.BaseProcess, mine: Connection) -> None:
    """The pipe closed and the child ended (killed if it has not ended within 1 s)."""
    mine.close()
    process.join(timeout=1.0)
    if process.is_alive():
        process.terminate()
        process.join()


def _parts(conn: Connection, steps: Callable[[], Iterator[Any]]) -> None:
    """The forked process of :func:`beside_items`: each part, then ``("end", None)``;
    ``("failed", None)`` when making or sending one fails (the run makes the rest)."""
    with contextlib.suppress(OSError):  # the run may have stopped waiting
        try:
            for part in steps():
                conn.send(("part", part))
            conn.send(("end", None))
        except BaseException:  # a part that fails or does not pickle: the rest is made there
            conn.send(("failed", None))
    conn.close()


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """While processes are forked (here, and the workers of
    :mod:`~summarizer.pipeline.parallel`), this process's objects are out of the garbage
    collector's sight (:func:`gc.freeze`, as the gc documentation advises before a fork).
    A forked process shares this process's memory until either writes to a page, and a
    collection writes to every object it examines: without the freeze each worker's
    first collections copied the pages of the whole run's objects (the sources, the
    modules), which it never uses. The runner also holds one block over the rest of a
    run after the per-source stages (its records live to the end: a full collection
    need not walk them); blocks nest, the outermost one thaws."""
    gc.freeze()
    _FROZEN[0] += 1
    try:
        yield
    finally:
        _FROZEN[0] -= 1
        if not _FROZEN[0]:  # the outermost block thaws them
            gc.unfreeze()


_FROZEN = [0]  # frozen_heap blocks open in this process (the run's tail holds one)


@contextlib.contextmanager
def collector_paused(after: Callable[[], None] | None = None) -> Iterator[None]:
    """The cyclic garbage collector paused while a stage makes records by the
    thousand that hold no reference cycles (reference counting still frees memory):
    each automatic collection would walk every object the run holds. ``after``: what
    to do with what was made before the collector resumes (freeze it, say)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if after is not None:
            after()
        if enabled:
            gc.enable()


def _child(conn: Connection, step: Callable[[], Any]) -> None:
    """The forked process: the step's result, or ``(False, None)`` if it failed (this
    process then runs it itself, and raises what it raises)."""
    try:
        answer: tuple[bool, Any] = (True, step())
    except BaseException:  # reported by running the step again there
        answer = (False, None)
    with contextlib.suppress(OSError):  # the run may have stopped waiting
        try:
            conn.send(answer)
        except Exception:  # a result that does not pickle: run it there
            conn.send((False, None))
    conn.close()

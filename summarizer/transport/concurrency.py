"""Bounded, order-preserving concurrency for per-source work (model calls).

:func:`map_ordered` runs a function over items on a thread pool of at most
``workers`` threads and returns one :class:`Outcome` per item, in the input
order, whatever order they finish in. An exception in one item is captured in
its outcome and never stops the others. ``workers=1`` runs inline, in order,
with no thread at all (the extractive engine is CPU-bound: threads would not
help it under the GIL).

Ctrl-C cancels the items that have not started and re-raises at once; what
already finished stays done (the response cache has committed it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """The result of one item, or the exception it raised."""

    value: R | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def unwrap(self) -> R:
        """The value, or re-raise the item's exception."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def _run_one(func: Callable[[T], R], item: T) -> Outcome[R]:
    try:
        return Outcome(value=func(item))
    except Exception as exc:  # one failed item must not sink the others
        return Outcome(error=exc)


def map_ordered(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int = 4,
    on_done: Callable[[], None] | None = None,
) -> list[Outcome[R]]:
    """``func`` over ``items`` with at most ``workers`` at a time; outcomes in input order."""
    todo: Sequence[T] = list(items)
    if workers <= 1 or len(todo) <= 1:
        return _sequential(func, todo, on_done)
    outcomes: list[Outcome[R] | None] = [None] * len(todo)
    pool = ThreadPoolExecutor(max_workers=min(workers, len(todo)), thread_name_prefix="source")
    futures: dict[Future[Outcome[R]], int] = {
        pool.submit(_run_one, func, item): i for i, item in enumerate(todo)
    }
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                outcomes[futures[future]] = future.result()
                if on_done is not None:
                    on_done()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [o if o is not None else Outcome(error=RuntimeError("not run")) for o in outcomes]


def _sequential(
    func: Callable[[T], R], items: Sequence[T], on_done: Callable[[], None] | None
) -> list[Outcome[R]]:
    outcomes: list[Outcome[R]] = []
    for item in items:
        outcomes.append(_run_one(func, item))
        if on_done is not None:
            on_done()
    return outcomes

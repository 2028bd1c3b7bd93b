"""The fake server's model of a local inference server's capacity (slots, context, queue).

A llama.cpp-style server computes at most ``slots`` chat requests at once and
queues the rest in arrival order. :class:`SlotGate` is that queue. Like
llama-cpp-python's server, a request whose client hung up while it waited is
skipped when its turn comes, but a request already being computed runs to the
end even if its client has gone (its answer is thrown away): that is how
timeouts against a busy one-slot server waste work, which the fake server must
reproduce for the benchmarks of the llm engine's adaptive concurrency.

:func:`props_payload` and :func:`slots_payload` are the bodies of llama.cpp's
``GET /props`` (``total_slots``, ``default_generation_settings.n_ctx``) and
``GET /slots`` (one object per slot), which a server may or may not offer.
:func:`context_error` is the HTTP 400 body an OpenAI-compatible server sends
when a request's prompt plus ``max_tokens`` exceeds its context, worded as
llama-cpp-python and vLLM word it.
"""

from __future__ import annotations

import collections
import itertools
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Served:
    """One chat request's passage through the gate."""

    queued_at: float  # time.monotonic() when it joined the queue
    started: float  # when a slot took it (== queued_at + wait); 0.0 if skipped
    seconds: float  # compute time it held the slot for (0.0 if skipped)
    skipped: bool  # its client hung up while it waited: never computed


def client_gone(sock: socket.socket) -> bool:
    """True when the peer has closed the connection (readable, and reading gives EOF)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


class SlotGate:
    """At most ``slots`` computations at once, first come first served (None: no limit)."""

    def __init__(self, slots: int | None) -> None:
        if slots is not None and slots < 1:
            raise ValueError("a server needs at least one slot")
        self.slots = slots
        self.served: list[Served] = []
        self.peak = 0  # the most computations seen at once
        self._busy = 0
        self._queue: collections.deque[int] = collections.deque()
        self._tickets = itertools.count()
        self._cond = threading.Condition()

    @property
    def busy(self) -> int:
        """Computations running now."""
        with self._cond:
            return self._busy

    def run(self, seconds: float, gone: Callable[[], bool] = lambda: False) -> bool:
        """Wait for a slot, hold it for ``seconds``; False if the client left while queued."""
        queued_at = time.monotonic()
        if not self._take(gone):
            with self._cond:
                self.served.append(Served(queued_at, 0.0, 0.0, skipped=True))
            return False
        started = time.monotonic()
        try:
            time.sleep(seconds)
        finally:
            with self._cond:
                self._busy -= 1
                self.served.append(Served(queued_at, started, seconds, skipped=False))
                self._cond.notify_all()
        return True

    def _take(self, gone: Callable[[], bool]) -> bool:
        with self._cond:
            ticket = next(self._tickets)
            self._queue.append(ticket)
            while not self._my_turn(ticket):
                self._cond.wait(0.02)
                if gone():
                    self._queue.remove(ticket)
                    self._cond.notify_all()
                    return False
            self._queue.popleft()
            self._busy += 1
            self.peak = max(self.peak, self._busy)
            self._cond.notify_all()
            return True

    def _my_turn(self, ticket: int) -> bool:
        free = self.slots is None or self._busy < self.slots
        return free and self._queue[0] == ticket


def props_payload(slots: int, context: int | None) -> dict[str, Any]:
    """llama.cpp's ``GET /props`` (the fields a client reads)."""
    settings: dict[str, Any] = {}
    if context is not None:
        settings["n_ctx"] = context
    return {"total_slots": slots, "default_generation_settings": settings}


def slots_payload(slots: int, context: int | None, busy: int) -> list[dict[str, Any]]:
    """llama.cpp's ``GET /slots``: one object per slot."""
    return [{"id": i, "n_ctx": context or 0, "is_processing": i < busy} for i in range(slots)]


def context_error(context: int, prompt: int, completion: int) -> dict[str, Any]:
    """The HTTP 400 body for a request larger than the context."""
    message = (
        f"This model's maximum context length is {context} tokens. However, you requested "
        f"{prompt + completion} tokens ({prompt} in the messages, {completion} in the "
        "completion). Please reduce the length of the messages or completion."
    )
    return {"error": {"message": message, "type": "invalid_request_error", "code": None}}

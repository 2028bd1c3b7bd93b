"""Client-side pacing: ``--rpm`` and ``--tpm`` token buckets, so the server need not refuse.

:class:`RateLimiter` holds one bucket for requests and one for tokens. Each
bucket refills continuously at its per-minute limit and holds at most
``burst_seconds`` worth of it. :meth:`RateLimiter.reserve` books a request's
place under a lock and returns how long the caller must wait; the bucket may
go into debt, so a request larger than the bucket waits until the bucket is
full and then leaves it negative, which delays the next ones by as much. The
result is the configured average rate, requests in arrival order, thread-safe,
with an injectable clock and sleep for tests.

A request's token cost is its prompt (counted offline with
:func:`summarizer.transport.tokens.count_messages`) plus its ``max_tokens``, which is how
OpenAI reckons a request against a tokens-per-minute limit before it runs.
Retries go through the retry layer's own backoff (and Retry-After), not here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from summarizer.errors import ConfigError
from summarizer.transport.backend import Backend, ChatRequest, ChatResponse, Usage
from summarizer.transport.tokens import count_messages

Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass
class TokenBucket:
    """``rate`` units per second, at most ``capacity`` banked; ``level`` may go negative."""

    rate: float
    capacity: float
    level: float
    updated: float

    def refill(self, now: float) -> None:
        if now > self.updated:
            self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
            self.updated = now

    def book(self, cost: float) -> float:
        """Take ``cost`` now; seconds until the bucket could have paid for it."""
        needed = min(cost, self.capacity)
        wait = max(0.0, (needed - self.level) / self.rate)
        self.level -= cost
        return wait


def _bucket(per_minute: int, burst_seconds: float, now: float, minimum: float) -> TokenBucket:
    rate = per_minute / 60.0
    capacity = max(minimum, rate * burst_seconds)
    return TokenBucket(rate=rate, capacity=capacity, level=capacity, updated=now)


class RateLimiter:
    """Requests-per-minute and tokens-per-minute pacing; either limit may be None."""

    def __init__(
        self,
        rpm: int | None = None,
        tpm: int | None = None,
        *,
        burst_seconds: float = 1.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        for flag, value in (("--rpm", rpm), ("--tpm", tpm)):
            if value is not None and value <= 0:
                raise ConfigError(f"{flag} must be a positive number, not {value}")
        self.clock = clock
        self.sleep = sleep
        now = clock()
        self._requests = _bucket(rpm, burst_seconds, now, 1.0) if rpm else None
        self._tokens = _bucket(tpm, burst_seconds, now, 1.0) if tpm else None
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds spent waiting, all callers together

    @property
    def active(self) -> bool:
        return self._requests is not None or self._tokens is not None

    @property
    def counts_tokens(self) -> bool:
        """True with a --tpm limit: callers must say what each request costs."""
        return self._tokens is not None

    def reserve(self, tokens: int = 0) -> float:
        """Book one request of ``tokens``; the seconds to wait before sending it."""
        with self._lock:
            now = self.clock()
            wait = 0.0
            for bucket, cost in ((self._requests, 1.0), (self._tokens, float(tokens))):
                if bucket is None:
                    continue
                bucket.refill(now)
                wait = max(wait, bucket.book(cost))
            self.waited += wait
            return wait

    def acquire(self, tokens: int = 0) -> float:
        """Wait for this request's turn; returns the seconds waited."""
        wait = self.reserve(tokens)
        if wait > 0:
            self.sleep(wait)
        return wait


def request_cost(request: ChatRequest, model: str | None = None) -> int:
    """Tokens a request counts against a TPM limit: prompt estimate plus max_tokens."""
    return count_messages(request.messages, model).n + request.max_tokens


class RateLimitedBackend:
    """Paces calls to ``inner`` through a :class:`RateLimiter` (seconds waited go to usage)."""

    def __init__(self, inner: Backend, limiter: RateLimiter, *, model: str | None = None) -> None:
        self.inner = inner
        self.limiter = limiter
        self.name = inner.name
        self.usage: Usage = inner.usage
        self.model = model

    def complete(self, request: ChatRequest) -> ChatResponse:
        cost = request_cost(request, self.model) if self.limiter.counts_tokens else 0
        waited = self.limiter.acquire(cost)
        if waited:
            self.usage.add(seconds=waited)
        return self.inner.complete(request)

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> RateLimitedBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

"""The --rpm/--tpm limiter's pacing, on a fake clock (real timing lives in bench/)."""

from __future__ import annotations

import itertools
import threading

import pytest

from summarizer.errors import ConfigError
from summarizer.transport.backend import ChatRequest, ScriptedBackend
from summarizer.transport.ratelimit import RateLimitedBackend, RateLimiter, request_cost
from summarizer.transport.tokens import count_messages


class FakeClock:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


def _send_times(limiter: RateLimiter, clock: FakeClock, costs: list[int]) -> list[float]:
    """When each request leaves, for callers that queue one after another."""
    times = []
    for cost in costs:
        limiter.acquire(cost)
        times.append(round(clock.now - 1000.0, 6))
    return times


@pytest.mark.parametrize(
    ("rpm", "n", "expected"),
    [
        (60, 5, [0.0, 1.0, 2.0, 3.0, 4.0]),  # one a second
        (120, 4, [0.0, 0.0, 0.5, 1.0]),  # two banked (one second's worth), then one per 0.5 s
        (30, 3, [0.0, 2.0, 4.0]),
        (600, 12, [0.0] * 10 + [0.1, 0.2]),  # a one-second burst of 10, then 10 a second
    ],
)
def test_requests_per_minute_pacing(rpm: int, n: int, expected: list[float]) -> None:
    clock = FakeClock()
    limiter = RateLimiter(rpm=rpm, clock=clock, sleep=clock.sleep)
    assert _send_times(limiter, clock, [0] * n) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("tpm", "costs", "expected"),
    [
        # 60,000 tokens a minute = 1,000 a second, banked for one second
        (60_000, [500, 500, 500, 500], [0.0, 0.0, 0.5, 1.0]),
        # a request bigger than the bucket waits for a full bucket, then leaves a debt
        (60_000, [2_000, 2_000, 2_000], [0.0, 2.0, 4.0]),
        (6_000, [100, 100, 100], [0.0, 1.0, 2.0]),
    ],
)
def test_tokens_per_minute_pacing(tpm: int, costs: list[int], expected: list[float]) -> None:
    clock = FakeClock()
    limiter = RateLimiter(tpm=tpm, clock=clock, sleep=clock.sleep)
    assert _send_times(limiter, clock, costs) == pytest.approx(expected)


def test_the_tighter_limit_wins() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rpm=600, tpm=60_000, clock=clock, sleep=clock.sleep)
    times = _send_times(limiter, clock, [1_000] * 4)  # tokens allow one a second
    assert times == pytest.approx([0.0, 1.0, 2.0, 3.0])


def test_idle_time_refills_but_only_up_to_the_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rpm=60, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 3600  # an hour idle banks one second's worth, not an hour's
    start = clock.now
    limiter.acquire()
    limiter.acquire()
    assert clock.now - start == pytest.approx(1.0)


def test_average_rate_over_a_long_run_matches_the_limit() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rpm=90, clock=clock, sleep=clock.sleep)
    times = _send_times(limiter, clock, [0] * 181)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # after the burst: exactly 90 a minute
    assert gaps[1:] == pytest.approx([60 / 90] * 179, abs=1e-5)
    assert 119.0 < times[-1] <= 120.0  # 181 requests take two minutes, less the burst


def test_concurrent_callers_get_distinct_slots() -> None:
    clock = FakeClock()  # never advances here: reserve() only books
    limiter = RateLimiter(rpm=60, clock=clock, sleep=clock.sleep)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            wait = limiter.reserve()
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == pytest.approx([float(i) for i in range(200)])


@pytest.mark.parametrize(("rpm", "tpm"), [(0, None), (None, -5), (-1, 100)])
def test_non_positive_limits_are_refused(rpm: int | None, tpm: int | None) -> None:
    with pytest.raises(ConfigError, match="must be a positive number"):
        RateLimiter(rpm=rpm, tpm=tpm)


def test_no_limits_never_waits() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    assert not limiter.active
    assert _send_times(limiter, clock, [10**6] * 5) == [0.0] * 5


REQUEST = ChatRequest(
    messages=({"role": "user", "content": "Wildfires burned 12,000 hectares near Athens."},),
    max_tokens=300,
)


def test_request_cost_is_prompt_plus_max_tokens() -> None:
    assert request_cost(REQUEST) == count_messages(REQUEST.messages).n + 300


def test_rate_limited_backend_paces_the_calls() -> None:
    clock = FakeClock()
    cost = request_cost(REQUEST)
    limiter = RateLimiter(tpm=cost * 60, clock=clock, sleep=clock.sleep)  # one request a second
    model = ScriptedBackend(["a", "b", "c"])
    backend = RateLimitedBackend(model, limiter)
    sent: list[float] = []
    for _ in range(3):
        backend.complete(REQUEST)
        sent.append(round(clock.now - 1000.0, 6))
    assert sent == pytest.approx([0.0, 1.0, 2.0])
    assert len(model.requests) == 3
    assert limiter.waited == pytest.approx(2.0)  # 0, then 1 s before each later call

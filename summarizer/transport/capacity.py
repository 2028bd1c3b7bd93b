"""How many model calls a server can take at once, and a limit on calls in flight that adapts.

Local servers (llama.cpp, llama-cpp-python, Ollama, vLLM with few slots) compute
a fixed number of requests at once and queue the rest. Sending more than that
gains nothing, and with a timeout it loses: a queued call times out while it
waits, is retried, and the server still computes the abandoned request. So:

* :func:`probe_server` asks the server what it can do, once, before the first
  call. llama.cpp answers ``GET /props`` (``total_slots``,
  ``default_generation_settings.n_ctx``) and ``GET /slots`` (one object per
  slot); vLLM's ``GET /v1/models`` gives ``max_model_len`` (its context; vLLM
  reports no request limit: it batches). llama-cpp-python and Ollama report no
  slot count (Ollama's ``OLLAMA_NUM_PARALLEL`` is not in its API), so for them the
  limit adapts instead. Every probe is optional: a 404 or an error means "not
  reported".
* :class:`CallLimiter` holds the limit on calls in flight. It starts from the
  configured ``--concurrency`` (without the flag: the server's slot count when it
  reports one, else 4), never above the slots the server reports. A timeout, an
  HTTP 429 or an HTTP 503 halves it (once per burst: calls sent before the cut
  do not cut again); every ``limit`` successes in a row raise it by one, back up
  to where it started. Additive increase, multiplicative decrease, as TCP does.
* Each call's timeout covers its own computation, not its wait in the server's
  queue: on a self-hosted server that reports no slots (loopback or a private
  network address), a call gets ``--timeout`` times the calls the limit lets be in
  flight, since on a one-slot server each of the others may be ahead of it (calls
  sent at the same moment reach the server in any order, so a call's place
  among them says nothing). A server that reports its slots, or a hosted API,
  gets ``--timeout`` as it is. The price: a hung self-hosted server is given up
  on after that longer time.

Written here rather than taken from a library: the retry library (tenacity)
retries one call; nothing in it shares a limit across threads.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from summarizer.config import masked_url

log = logging.getLogger("summarizer")

DEFAULT_CONCURRENCY = 4  # calls in flight when neither the flag nor the server says
MAX_AUTO_CONCURRENCY = 16  # without the flag, at most this many even if the server has more
PROBE_TIMEOUT = 3.0  # seconds for each capacity probe
PROBE_HEADER = "x-summarizer-probe"  # marks probe requests (never recorded in a cassette)


@dataclass(frozen=True)
class ServerInfo:
    """What a server says about its capacity (None: not reported)."""

    slots: int | None = None  # requests computed at once
    context: int | None = None  # tokens of context per request (prompt plus answer)
    source: str = ""  # which endpoint said so, for the log

    def describe(self) -> str:
        parts = []
        if self.slots is not None:
            parts.append(f"{self.slots} slot{'s' if self.slots != 1 else ''}")
        if self.context is not None:
            parts.append(f"{self.context} tokens of context")
        return ", ".join(parts) + f" ({self.source})" if parts else "nothing"


# --------------------------------------------------------------------------- probing

Fetch = Callable[[str], Any]  # GET url -> parsed JSON, or raise


def server_root(base_url: str) -> str:
    """``http://host:port`` and any path prefix, without the trailing ``/v1``."""
    parsed = urlparse(base_url)
    path = parsed.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")]
    return f"{parsed.scheme}://{parsed.netloc}{path}"


def _positive(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _from_props(data: Any) -> ServerInfo | None:
    if not isinstance(data, dict) or "total_slots" not in data:
        return None
    settings = data.get("default_generation_settings")
    context = _positive(settings.get("n_ctx")) if isinstance(settings, dict) else None
    return ServerInfo(_positive(data.get("total_slots")), context, "GET /props")


def _from_slots(data: Any) -> ServerInfo | None:
    if not isinstance(data, list) or not data or not all(isinstance(s, dict) for s in data):
        return None
    return ServerInfo(len(data), _positive(data[0].get("n_ctx")), "GET /slots")


def _from_models(data: Any) -> ServerInfo | None:
    models = data.get("data") if isinstance(data, dict) else None
    if not isinstance(models, list):
        return None
    for model in models:
        context = _positive(model.get("max_model_len")) if isinstance(model, dict) else None
        if context is not None:
            return ServerInfo(None, context, "GET /v1/models")
    return None


def probe_server(base_url: str, fetch: Fetch) -> ServerInfo:
    """Ask llama.cpp's /props, then /slots, then vLLM's /v1/models; first answer wins.

    ``fetch(url)`` returns the parsed JSON or raises; any failure means "not reported".
    """
    root = server_root(base_url)
    probes = (
        (f"{root}/props", _from_props),
        (f"{root}/slots", _from_slots),
        (f"{base_url.rstrip('/')}/models", _from_models),
    )
    for url, parse in probes:
        try:
            info = parse(fetch(url))
        except Exception as exc:  # a probe is optional: any failure is "not reported"
            log.debug("capacity probe %s: %s", masked_url(url), _short(exc))
            continue
        if info is not None:
            return info
    return ServerInfo()


def _short(exc: Exception) -> str:
    """An HTTP status or the exception's type: its text may hold the URL's credentials."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return f"HTTP {status}" if status is not None else type(exc).__name__


def is_self_hosted(base_url: str) -> bool:
    """Loopback, a private network address, or a local host name: likely a local server."""
    host = (urlparse(base_url).hostname or "").lower()
    if not host:
        return False
    if _private_ip(host) or host == "localhost" or host.endswith((".local", ".lan", ".internal")):
        return True
    return "." not in host and ":" not in host  # a bare name on the local network


def _private_ip(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


# --------------------------------------------------------------------------- the limit


@dataclass(frozen=True)
class Permit:
    """One call's place among the calls in flight."""

    epoch: int  # the limiter's cut count when the call was sent
    in_flight: int  # calls in flight once this one was sent (itself included)
    timeout_factor: int  # the call's timeout is this many times --timeout


def plan_limit(configured: int | None, slots: int | None) -> int:
    """Where the limit starts (and the most it returns to)."""
    if configured is not None:
        return max(1, min(configured, slots) if slots else configured)
    if slots:
        return max(1, min(slots, MAX_AUTO_CONCURRENCY))
    return DEFAULT_CONCURRENCY


class CallLimiter:
    """At most ``limit`` calls in flight; AIMD on overload. Thread-safe.

    ``probe`` (called once, before the first call or the first look at
    :attr:`ceiling`) says what the server reports; ``queue_aware`` scales each
    call's timeout by the calls allowed in flight when the server reports no slots.
    """

    def __init__(
        self,
        configured: int | None,
        *,
        probe: Callable[[], ServerInfo] = ServerInfo,
        queue_aware: bool = False,
    ) -> None:
        self.configured = configured
        self.queue_aware = queue_aware
        self._probe: Callable[[], ServerInfo] | None = probe
        self.server = ServerInfo()
        self._ceiling = plan_limit(configured, None)
        self.limit = self._ceiling
        self.in_flight = 0
        self.cuts = 0  # times the limit was lowered
        self._epoch = 0
        self._successes = 0
        self._cond = threading.Condition()

    @property
    def ceiling(self) -> int:
        """The most calls this run will have in flight (asks the server first)."""
        self._ensure_probed()
        return self._ceiling

    def _ensure_probed(self) -> None:
        with self._cond:
            probe, self._probe = self._probe, None
            if probe is None:
                return
            info = probe()
            self.server = info
            self._ceiling = self.limit = plan_limit(self.configured, info.slots)
            if info.slots is not None or info.context is not None:
                log.info("model server reports %s", info.describe())
            if info.slots is not None:
                log.info("model calls in flight: at most %d", self._ceiling)

    def acquire(self) -> Permit:
        """Wait until a call may be sent; its permit."""
        self._ensure_probed()
        with self._cond:
            while self.in_flight >= self.limit:
                self._cond.wait()
            self.in_flight += 1
            return Permit(self._epoch, self.in_flight, self._timeout_factor())

    def _timeout_factor(self) -> int:
        if not self.queue_aware or self.server.slots is not None:
            return 1
        return self.limit  # the others in flight may each take a full timeout on one slot

    def release(self, permit: Permit, *, overloaded: bool = False, ok: bool = False) -> None:
        """The call is over: ``overloaded`` (timeout, 429, 503) cuts, ``ok`` counts up."""
        with self._cond:
            self.in_flight -= 1
            if overloaded:
                self._cut(permit)
            elif ok:
                self._grow()
            self._cond.notify_all()

    def _cut(self, permit: Permit) -> None:
        if permit.epoch != self._epoch:
            return  # sent before the last cut: that cut already answered this burst
        before = self.limit
        self.limit = max(1, self.limit // 2)
        self._epoch += 1
        self._successes = 0
        if self.limit != before:
            self.cuts += 1
            log.info("model server overloaded: calls in flight lowered to %d", self.limit)

    def _grow(self) -> None:
        if self.limit >= self._ceiling:
            return
        self._successes += 1
        if self._successes >= self.limit:
            self._successes = 0
            self.limit += 1
            log.info("model calls in flight raised to %d", self.limit)


def scaled_timeout(timeout: float, permit: Permit) -> float | None:
    """The call's timeout when it differs from the client's (None: the client's)."""
    return timeout * permit.timeout_factor if permit.timeout_factor > 1 else None


def find_limiter(backend: object) -> CallLimiter | None:
    """The :class:`CallLimiter` of a backend stack (found through the wrappers' ``inner``)."""
    seen: object | None = backend
    for _ in range(16):  # a stack is a handful of wrappers deep
        limiter = getattr(seen, "call_limiter", None)
        if isinstance(limiter, CallLimiter):
            return limiter
        seen = getattr(seen, "inner", None)
        if seen is None:
            break
    return None


def calls_in_flight(backend: object, configured: int | None) -> int:
    """The most calls in flight a backend stack allows: its limiter's ceiling (the server
    asked first), else ``configured`` or the default."""
    limiter = find_limiter(backend)
    if limiter is not None:
        return limiter.ceiling
    return configured or DEFAULT_CONCURRENCY


def server_context(backend: object) -> int | None:
    """The context (tokens per request) the backend's server reported, if it did."""
    limiter = find_limiter(backend)
    return limiter.server.context if limiter is not None else None

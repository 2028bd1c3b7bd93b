"""The one place a run's model backend stack is assembled: :func:`make_backend`.

From the inside out::

    OpenAIBackend          one attempt per call on the openai client (max_retries=0)
    RetryingBackend        408/409/429/5xx and connection errors, jittered backoff
    CassetteBackend        --record / --replay (only when asked for)
    CalibratingBackend     our token count against the server's (with a cache folder)
    RateLimitedBackend     --rpm / --tpm pacing (only when asked for)
    CachingBackend         the response cache (outermost; not with --no-cache or cassettes)

Use the result as a context manager (:func:`summarizer.transport.backend.managed`)
or call ``close()`` at the end of the run: that saves a ``--record`` cassette,
checks a ``--replay`` one, and closes the cache and calibration databases.
"""

from __future__ import annotations

import time

import openai

from summarizer.config import Config, EngineChoice, LLMConfig
from summarizer.transport.backend import Backend, base_url_of
from summarizer.transport.cache import CachingBackend, run_cache_path
from summarizer.transport.calibration import CalibratingBackend, CalibrationStore, calibration_path
from summarizer.transport.cassette import CassetteBackend, CassetteSession
from summarizer.transport.openai_backend import OpenAIBackend
from summarizer.transport.ratelimit import RateLimitedBackend, RateLimiter
from summarizer.transport.retry import RetryingBackend, RetryPolicy


def _no_sleep(seconds: float) -> None:
    """Replays answer at once: a recorded Retry-After is counted, not waited out."""


def _transport(llm: LLMConfig, policy: RetryPolicy | None, client: openai.OpenAI | None) -> Backend:
    """OpenAIBackend, wrapped in retries, then in record/replay when asked for.

    A pure replay does not sleep between retries (recorded 429s replay at once;
    the waits are still counted in usage).
    """
    inner = OpenAIBackend(llm, client=client)
    secrets = (llm.api_key,) if llm.api_key else ()
    replaying_only = llm.replay is not None and llm.record is None
    backend = RetryingBackend(
        inner,
        policy or RetryPolicy.from_config(llm),
        endpoint=inner.endpoint,
        secrets=secrets,
        sleep=_no_sleep if replaying_only else time.sleep,  # no server to wait for
    )
    if llm.record is None and llm.replay is None:
        return backend
    session = CassetteSession(record=llm.record, replay=llm.replay, secrets=secrets)
    return CassetteBackend(backend, session)


def _run_layers(backend: Backend, llm: LLMConfig) -> Backend:
    """Token calibration (whenever a cache folder is in use, cassette replays included),
    the --rpm/--tpm limiter, and the response cache (outermost)."""
    wrapped = backend
    if llm.cache_dir is not None and not llm.no_cache:
        store = CalibrationStore(calibration_path(llm.cache_dir))
        wrapped = CalibratingBackend(
            wrapped, store, base_url=base_url_of(llm), model=llm.model or wrapped.name
        )
    if llm.rpm or llm.tpm:
        wrapped = RateLimitedBackend(wrapped, RateLimiter(llm.rpm, llm.tpm), model=llm.model)
    path = run_cache_path(llm)
    if path is not None:
        wrapped = CachingBackend(wrapped, path, base_url=base_url_of(llm), model=llm.model)
    return wrapped


def make_backend(
    llm: LLMConfig,
    *,
    policy: RetryPolicy | None = None,
    client: openai.OpenAI | None = None,
    transport: Backend | None = None,
) -> Backend:
    """The backend for a run with these model settings (see the module docstring).

    Raises :class:`~summarizer.errors.ConfigError` (naming OPENAI_API_KEY) when
    the OpenAI host is configured without a key. ``policy`` and ``client``
    replace the retry policy and the openai client; ``transport`` replaces the
    OpenAI backend with its retries and cassette altogether (tests, benchmarks).
    """
    if transport is None:
        Config(engine=EngineChoice.LLM, llm=llm).validate()
        transport = _transport(llm, policy, client)
    return _run_layers(transport, llm)

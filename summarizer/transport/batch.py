"""``--batch``: send a run's extract calls through the OpenAI Batch API, then finish live.

A batch run has three steps:

1. **Collect.** The pipeline asks the engine for the requests a live run makes
   first (:meth:`~summarizer.engines.base.EngineRunner.requests`: one per extract
   call, articles packed as the run packs them, rendered by the same code) and
   hands them to :func:`prefill`. Requests whose answer is already in the
   response cache are left out.
2. **Batch.** The requests are written as JSONL (``custom_id`` = the request's
   cache key), uploaded with the files API, and a batch is created on
   ``/v1/chat/completions`` with a 24h window. The batch id is printed and
   remembered in the cache; polling backs off from ``poll_initial`` to
   ``poll_max`` seconds. ``--batch-id ID`` skips the submission and resumes
   polling an existing batch. The output file is downloaded and each line is
   parsed back into a :class:`~summarizer.transport.backend.ChatResponse` under its
   ``custom_id``, straight into the response cache.
3. **Finish.** The normal pipeline then runs with the cache in front of the
   live backend: the extract calls are cache hits; only re-asks, requests the
   batch failed and the one synthesis call go live.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import openai

from summarizer.config import Config
from summarizer.errors import BackendError, ConfigError
from summarizer.transport.backend import Backend, ChatRequest, ChatResponse, base_url_of
from summarizer.transport.cache import CachingBackend
from summarizer.transport.openai_backend import NO_KEY_PLACEHOLDER, OpenAIBackend

log = logging.getLogger("summarizer")

ENDPOINT: Final = "/v1/chat/completions"
COMPLETION_WINDOW: Final = "24h"
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})

ParamsFor = Callable[[ChatRequest], dict[str, Any]]


class BatchError(BackendError):
    """The batch could not be submitted, failed, or its results could not be read."""


# --------------------------------------------------------------------------- JSONL


def request_line(custom_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """One line of a batch input file."""
    return {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": dict(params)}


def write_jsonl(lines: Iterable[Mapping[str, Any]], path: Path) -> int:
    """Write JSONL; returns the number of lines."""
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
            n += 1
    return n


@dataclass(frozen=True)
class ParsedOutput:
    """A batch output (or error) file: answers and failures by custom_id."""

    answers: Mapping[str, ChatResponse]
    failures: Mapping[str, str]


def _response_of(body: Mapping[str, Any]) -> ChatResponse:
    choices = body.get("choices") or []
    if not choices:
        raise ValueError("no choices")
    choice = choices[0]
    message = choice.get("message") or {}
    usage = body.get("usage") or {}
    return ChatResponse(
        content=message.get("content") or "",
        finish_reason=choice.get("finish_reason"),
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
        model=str(body.get("model") or ""),
        refusal=message.get("refusal"),
    )


def _failure_of(item: Mapping[str, Any], status: int | None) -> str:
    error = item.get("error") or ((item.get("response") or {}).get("body") or {}).get("error")
    detail = error.get("message") if isinstance(error, Mapping) else error
    return f"HTTP {status}: {detail}" if status else str(detail or "no response")


def parse_output(text: str) -> ParsedOutput:
    """Answers (HTTP 200 with a choice) and failures from batch output/error JSONL."""
    answers: dict[str, ChatResponse] = {}
    failures: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            custom_id = str(item["custom_id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise BatchError(
                f"line {number} of the batch output is not a batch result ({exc}); "
                "check that --base-url serves the OpenAI Batch API"
            ) from exc
        response = item.get("response") or {}
        status = response.get("status_code")
        body = response.get("body")
        if status == 200 and isinstance(body, Mapping):
            try:
                answers[custom_id] = _response_of(body)
                continue
            except ValueError:
                pass
        failures[custom_id] = _failure_of(item, status)
    return ParsedOutput(answers=answers, failures=failures)


# --------------------------------------------------------------------------- the API


@dataclass(frozen=True)
class PollPolicy:
    """Polling backoff: ``initial`` seconds, times ``factor``, at most ``maximum``."""

    initial: float = 5.0
    factor: float = 1.5
    maximum: float = 60.0
    give_up_after: float = 25 * 3600.0  # the 24h window, plus an hour

    def delays(self) -> Iterator[float]:
        delay = self.initial
        while True:
            yield delay
            delay = min(self.maximum, delay * self.factor)


@dataclass
class BatchClient:
    """Files and batches calls on an ``openai.OpenAI`` client."""

    client: openai.OpenAI
    poll: PollPolicy = field(default_factory=PollPolicy)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    on_status: Callable[[Any], None] | None = None

    def submit(self, jsonl: Path, *, description: str = "summarizer") -> str:
        """Upload the JSONL and create the batch; returns the batch id."""
        try:
            with jsonl.open("rb") as handle:
                uploaded = self.client.files.create(file=handle, purpose="batch")
            batch = self.client.batches.create(
                input_file_id=uploaded.id,
                endpoint=ENDPOINT,
                completion_window=COMPLETION_WINDOW,
                metadata={"description": description},
            )
        except openai.OpenAIError as exc:
            raise BatchError(
                f"could not submit the batch ({_short(exc)}); check that the endpoint serves "
                "the files and batches APIs, or run without --batch"
            ) from exc
        return str(batch.id)

    def wait(self, batch_id: str) -> Any:
        """Poll with backoff until the batch ends; returns the final batch object."""
        started = self.clock()
        for delay in self.poll.delays():
            batch = self._retrieve(batch_id)
            if self.on_status is not None:
                self.on_status(batch)
            if batch.status in TERMINAL:
                return batch
            if self.clock() - started > self.poll.give_up_after:
                raise BatchError(
                    f"batch {batch_id} is still {batch.status}; resume later with "
                    f"--batch --batch-id {batch_id}"
                )
            self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _retrieve(self, batch_id: str) -> Any:
        try:
            return self.client.batches.retrieve(batch_id)
        except openai.NotFoundError as exc:
            raise BatchError(
                f"no batch {batch_id} at this endpoint; check --batch-id and --base-url"
            ) from exc
        except openai.OpenAIError as exc:
            raise BatchError(
                f"could not poll batch {batch_id} ({_short(exc)}); resume later with "
                f"--batch --batch-id {batch_id}"
            ) from exc

    def download(self, file_id: str | None) -> str:
        if not file_id:
            return ""
        try:
            return self.client.files.content(file_id).text
        except openai.OpenAIError as exc:
            raise BatchError(
                f"could not download batch file {file_id} ({_short(exc)}); resume later with "
                "--batch --batch-id ID"
            ) from exc

    def results(self, batch: Any) -> ParsedOutput:
        """Answers and failures of a finished batch (output and error files)."""
        output = parse_output(self.download(getattr(batch, "output_file_id", None)))
        errors = parse_output(self.download(getattr(batch, "error_file_id", None)))
        failures = {**errors.failures, **output.failures}
        return ParsedOutput(answers=output.answers, failures=failures)


def _short(exc: BaseException) -> str:
    status = getattr(exc, "status_code", None)
    return f"HTTP {status}" if status else type(exc).__name__


# --------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch step did."""

    batch_id: str | None
    requests: int  # requests the run needs answered
    already_cached: int
    answered: int  # answers from the batch, now in the cache
    failed: int  # requests the batch did not answer (they go live)
    status: str
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def describe(self) -> str:
        if self.batch_id is None:
            return f"batch: all {self.requests} extract requests were already in the cache"
        return (
            f"batch {self.batch_id} {self.status}: {self.answered} answers cached, "
            f"{self.failed} failed (asked live), {self.already_cached} were cached before; "
            f"{self.prompt_tokens} prompt + {self.completion_tokens} completion tokens"
        )


def run_batch(
    requests: Sequence[ChatRequest],
    cacher: CachingBackend,
    client: BatchClient,
    params_for: ParamsFor,
    *,
    batch_id: str | None = None,
    workdir: Path | None = None,
) -> BatchOutcome:
    """Submit ``requests`` (or resume ``batch_id``), wait, and fill the cache with the
    answers."""
    keyed = {cacher.key(r): r for r in requests}
    missing = {k: r for k, r in keyed.items() if k not in cacher.cache}
    cached = len(keyed) - len(missing)
    if batch_id is None and not missing:
        return BatchOutcome(None, len(keyed), cached, 0, 0, "skipped")
    if batch_id is None:
        batch_id = _submit(missing, client, params_for, workdir)
        cacher.cache.note_batch(batch_id, len(missing), "submitted")
        log.warning(
            "submitted batch %s with %d requests; if interrupted, resume with --batch-id %s",
            batch_id,
            len(missing),
            batch_id,
        )
    batch = client.wait(batch_id)
    cacher.cache.note_batch(batch_id, len(missing), str(batch.status))
    if batch.status == "failed":
        raise BatchError(f"batch {batch_id} failed ({_batch_errors(batch)}); rerun without --batch")
    parsed = client.results(batch)
    return _store(batch_id, str(batch.status), parsed, keyed, cached, cacher)


def _submit(
    missing: Mapping[str, ChatRequest],
    client: BatchClient,
    params_for: ParamsFor,
    workdir: Path | None,
) -> str:
    lines = (request_line(key, params_for(request)) for key, request in missing.items())
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        path = Path(folder) / "requests.jsonl"
        write_jsonl(lines, path)
        return client.submit(path)


def _store(
    batch_id: str,
    status: str,
    parsed: ParsedOutput,
    keyed: Mapping[str, ChatRequest],
    cached: int,
    cacher: CachingBackend,
) -> BatchOutcome:
    answered = 0
    prompt = completion = 0
    for key, response in parsed.answers.items():
        request = keyed.get(key)
        purpose = request.purpose if request is not None else "extract"
        cacher.cache.put(key, response, model=cacher.model, purpose=purpose)
        answered += 1
        prompt += response.prompt_tokens
        completion += response.completion_tokens
    for key, reason in parsed.failures.items():
        log.warning("batch request %s… failed (%s); it will be asked live", key[:12], reason)
    failed = sum(1 for k in keyed if k not in parsed.answers and k not in cacher.cache)
    return BatchOutcome(batch_id, len(keyed), cached, answered, failed, status, prompt, completion)


def _batch_errors(batch: Any) -> str:
    errors = getattr(batch, "errors", None)
    data = getattr(errors, "data", None) or []
    messages = [str(getattr(e, "message", e)) for e in data][:3]
    return "; ".join(messages) or "no reason given"


def make_client(config: Config, **kwargs: Any) -> BatchClient:
    """A BatchClient on the configured endpoint (its own small retry budget for polls)."""
    client = openai.OpenAI(
        api_key=config.llm.api_key or NO_KEY_PLACEHOLDER,
        base_url=base_url_of(config.llm),
        max_retries=3,
        timeout=config.llm.timeout,
    )
    return BatchClient(client, **kwargs)


def params_function(config: Config) -> ParamsFor:
    """What a live call would send for a request (the batch line's ``body``)."""
    return OpenAIBackend(config.llm, client=_unused_client()).params


def _unused_client() -> openai.OpenAI:
    return openai.OpenAI(api_key="unused", base_url="http://127.0.0.1:9/v1", max_retries=0)


def prefill(requests: Sequence[ChatRequest], config: Config, backend: Backend) -> str | None:
    """``--batch``: answer the run's extract ``requests`` through a batch before the live run.

    ``backend`` must be the run's :class:`~summarizer.transport.cache.CachingBackend` (the
    batch's answers go into its cache). Returns a note for the run report, or
    None when ``--batch`` is off.
    """
    if not (config.llm.batch or config.llm.batch_id):
        return None
    if not isinstance(backend, CachingBackend):
        raise ConfigError(
            "--batch needs the response cache: drop --no-cache (and --record/--replay)"
        )
    outcome = run_batch(
        requests,
        backend,
        make_client(config),
        params_function(config),
        batch_id=config.llm.batch_id,
    )
    log.warning("%s", outcome.describe())
    return outcome.describe()

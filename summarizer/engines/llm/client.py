"""The structured-output client: render a prompt, call the model, parse, validate, re-ask.

:func:`ask` is the one way the llm engine talks to a model. It renders
``prompts/NAME.j2``, sends it through a :class:`~summarizer.transport.backend.Backend`
(whose transport layer already retried 408/409/429/5xx and connection errors),
parses the answer's JSON and validates it against a pydantic schema.

Structured output (:func:`resolve_mode`): OpenAI's strict ``json_schema`` for
OpenAI and Azure hosts, ``{"type": "json_object", "schema": ...}`` for other
(llama.cpp, vLLM, Ollama) servers, or a plain prompt whose JSON is parsed from
the text. An answer that is not valid JSON or breaks the schema is shown back
to the model in a capped re-ask loop (``max_reasks``), separate from the
transport's retries. In ``auto`` mode a server that refuses the structured
request itself (HTTP 400/415/422, or a 5xx whose body is a request-validation
error, as llama.cpp's answer to ``json_schema``: the transport does not retry it)
is asked again in the next mode, ``json_schema`` -> ``json_object`` -> ``prompt``,
and the refused mode is not tried again for the rest of the run (remembered per
backend, :func:`refused_modes`). An explicit ``--structured`` mode is never switched:
its refusal fails the call at once.

:func:`first_request` builds the request :func:`ask` sends first, so ``--batch``
and ``--dry-run`` see exactly what a live run sends.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlparse

from pydantic import BaseModel, ValidationError

from summarizer.config import Config, LLMConfig, StructuredMode
from summarizer.errors import BackendError, ReplayMissError
from summarizer.transport.backend import Backend, ChatRequest, ChatResponse, Message
from summarizer.transport.capacity import server_context
from summarizer.transport.prompting import render_messages, render_prompt
from summarizer.transport.schemas import SCHEMAS, response_format
from summarizer.transport.tokens import count_messages, encoding_for

log = logging.getLogger("summarizer")

OutT = TypeVar("OutT", bound=BaseModel)

REJECTED_STATUS = frozenset({400, 415, 422})
REASK_ANSWER_TOKENS = 200  # at most this much of an unusable answer goes back in a re-ask
CONTEXT_MARGIN = 0.05  # share of the context kept free: our token count is approximate
_FENCED = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


class InvalidAnswer(ValueError):
    """The model's answer is not usable JSON for its schema; shown to it in a re-ask."""


# --------------------------------------------------------------------------- config


def llm_config(config: Config | LLMConfig) -> LLMConfig:
    """The model settings of ``config`` (the llm engine accepts either)."""
    return config.llm if isinstance(config, Config) else config


def summary_count(config: Config | LLMConfig) -> int:
    """Summary sentences per source (3 when only model settings are given)."""
    return config.summary_sentences if isinstance(config, Config) else 3


def _is_openai_host(base_url: str | None) -> bool:
    if not base_url:
        return True  # the openai client's default endpoint
    host = (urlparse(base_url).hostname or "").lower()
    return host == "api.openai.com" or host.endswith((".openai.azure.com", ".azure.com"))


def resolve_mode(config: Config | LLMConfig) -> StructuredMode:
    """``auto``: strict json_schema for OpenAI/Azure hosts, json_object+schema elsewhere."""
    llm = llm_config(config)
    if llm.structured is not StructuredMode.AUTO:
        return llm.structured
    if _is_openai_host(llm.base_url):
        return StructuredMode.JSON_SCHEMA
    return StructuredMode.JSON_OBJECT


def schema_json(
    name: str, mode: StructuredMode, schema: dict[str, Any] | None = None
) -> str | None:
    """The schema spelled out in the prompt: only in the plain-prompt mode."""
    if mode is not StructuredMode.PROMPT:
        return None
    return json.dumps(schema if schema is not None else SCHEMAS[name][0], separators=(",", ":"))


# --------------------------------------------------------------------------- parsing


def parse_json(content: str) -> Any:
    """JSON from a model's text: bare, in a ```json fence, or the outermost {...}."""
    text = content.strip()
    candidates = [text]
    candidates += [m.group(1).strip() for m in _FENCED.finditer(text)]
    first, last = text.find("{"), text.rfind("}")
    if 0 <= first < last:
        candidates.append(text[first : last + 1])
    error: json.JSONDecodeError | None = None
    for candidate in candidates:
        try:
            return json.loads(candidate, strict=False)  # raw newlines inside strings
        except json.JSONDecodeError as exc:
            error = error or exc
    if not text:
        raise InvalidAnswer("the answer was empty")
    assert error is not None
    raise InvalidAnswer(f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})")


def _describe(exc: ValidationError, limit: int = 3) -> str:
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err["loc"]) or "the answer"
        parts.append(f"{where}: {err['msg']}")
    more = len(exc.errors()) - limit
    return "schema violation: " + "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def parse_answer(response: ChatResponse, model: type[OutT]) -> OutT:
    """The validated answer, or :class:`InvalidAnswer` saying what is wrong."""
    if response.finish_reason == "length":
        raise InvalidAnswer(
            "the answer was cut off at the token limit; give fewer and shorter items"
        )
    data = parse_json(response.content)
    if not isinstance(data, dict):
        raise InvalidAnswer("the answer must be one JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidAnswer(_describe(exc)) from exc


# --------------------------------------------------------------------------- asking


@dataclass(frozen=True)
class Shape:
    """What one call asks for beyond its prompt: a per-call schema and output budget."""

    schema: dict[str, Any] | None = None  # None: the prompt's fixed schema
    max_tokens: int | None = None  # None: ``max_output_tokens``


def _request(
    messages: Sequence[Message],
    name: str,
    purpose: str,
    mode: StructuredMode,
    llm: LLMConfig,
    shape: Shape,
) -> ChatRequest:
    return ChatRequest(
        messages=tuple(messages),
        purpose=purpose,
        response_format=response_format(name, mode, shape.schema),
        temperature=llm.temperature,
        max_tokens=shape.max_tokens or llm.max_output_tokens,
        seed=llm.seed,
    )


def _messages(
    name: str, variables: Mapping[str, Any], mode: StructuredMode, shape: Shape
) -> tuple[Message, ...]:
    return render_messages(name, **variables, schema_json=schema_json(name, mode, shape.schema))


def first_request(
    name: str,
    variables: Mapping[str, Any],
    config: Config | LLMConfig,
    *,
    purpose: str | None = None,
    shape: Shape | None = None,
) -> ChatRequest:
    """The request :func:`ask` sends first for these arguments (no model is called)."""
    llm = llm_config(config)
    mode = resolve_mode(llm)
    shape = shape or Shape()
    messages = _messages(name, variables, mode, shape)
    return _request(messages, name, purpose or name, mode, llm, shape)


def _rejected(exc: BackendError) -> bool:
    """Did the server reject the request itself (e.g. an unsupported response_format)?"""
    if isinstance(exc, ReplayMissError) or getattr(exc, "too_long", False):
        return False  # too long for the context: plain prompts would be longer still
    if getattr(exc, "refused", False):  # the transport's verdict (retry.is_refusal)
        return True
    status = getattr(exc, "status_code", None) or getattr(exc, "status", None)
    cause = exc.__cause__
    status = status or getattr(cause, "status_code", None)
    return status in REJECTED_STATUS


_AUTO_ORDER = (StructuredMode.JSON_SCHEMA, StructuredMode.JSON_OBJECT, StructuredMode.PROMPT)
_REFUSED: weakref.WeakKeyDictionary[Any, set[StructuredMode]] = weakref.WeakKeyDictionary()
_REFUSED_LOCK = threading.Lock()


def refused_modes(backend: Backend) -> frozenset[StructuredMode]:
    """The structured modes this backend's server refused during the run."""
    with _REFUSED_LOCK:
        try:
            return frozenset(_REFUSED.get(backend, ()))
        except TypeError:  # not weak-referenceable: nothing remembered
            return frozenset()


def _remember_refusal(backend: Backend, mode: StructuredMode) -> None:
    with _REFUSED_LOCK, contextlib.suppress(TypeError):
        _REFUSED.setdefault(backend, set()).add(mode)


def _modes(llm: LLMConfig, backend: Backend) -> list[StructuredMode]:
    """The modes to try, in order: the explicit one; for ``auto``, from the host's
    first choice onwards, less those the server refused earlier in the run."""
    if llm.structured is not StructuredMode.AUTO:
        return [llm.structured]
    order = _AUTO_ORDER[_AUTO_ORDER.index(resolve_mode(llm)) :]
    refused = refused_modes(backend)
    return [m for m in order if m not in refused] or [StructuredMode.PROMPT]


def clip_tokens(text: str, limit: int, model: str | None) -> str:
    """``text`` cut to at most ``limit`` tokens (``…`` marks a cut)."""
    encoding, _ = encoding_for(model)
    ids = encoding.encode(text, disallowed_special=())
    if len(ids) <= limit:
        return text
    return encoding.decode(ids[: max(0, limit - 1)]).rstrip() + "…"


def reask_messages(
    messages: Sequence[Message],
    answer: str,
    error: str,
    *,
    quotes: bool,
    model: str | None,
    max_tokens: int,
    context: int | None,
) -> tuple[Message, ...]:
    """A re-ask: the first request's messages, the unusable answer cut short, and the
    instruction with the error.

    Each re-ask replaces the previous one, so it is never more than the first request
    plus the instruction and :data:`REASK_ANSWER_TOKENS` of the answer; when the
    server reported its context (tokens per request, ``max_tokens`` included), the
    answer's share is cut further to fit it, counted before sending.
    """
    reask: Message = {"role": "user", "content": render_prompt("reask", error=error, quotes=quotes)}
    budget = REASK_ANSWER_TOKENS
    if context is not None:
        used = count_messages([*messages, {"role": "assistant", "content": ""}, reask], model).n
        budget = min(budget, int(context * (1 - CONTEXT_MARGIN)) - used - max_tokens)
    shown = clip_tokens(answer, budget, model) if budget >= 20 else "…"
    return (*messages, {"role": "assistant", "content": shown or "…"}, reask)


def _unusable_hint(mode: StructuredMode, cut_off: bool) -> str:
    """What to try when the answers stayed unusable: fitting the mode in use."""
    if cut_off:
        return "try a smaller --pack-tokens or --max-input-tokens (less per call), or another model"
    if mode is StructuredMode.JSON_SCHEMA:
        return "try --structured json_object, or another model"
    if mode is StructuredMode.JSON_OBJECT:
        return "try --structured prompt, or another model"
    return "try another model"


def _reask(
    backend: Backend,
    name: str,
    purpose: str,
    messages: Sequence[Message],
    model: type[OutT],
    mode: StructuredMode,
    llm: LLMConfig,
    validate: Callable[[OutT], None] | None,
    shape: Shape,
) -> OutT:
    conversation = tuple(messages)
    error = ""
    cut_off = False
    for attempt in range(llm.max_reasks + 1):
        request = _request(conversation, name, purpose, mode, llm, shape)
        response = backend.complete(request)
        if response.refusal:
            raise BackendError(f"the model refused the {purpose} request: {response.refusal}")
        cut_off = response.finish_reason == "length"
        try:
            answer = parse_answer(response, model)
        except InvalidAnswer as exc:
            error = str(exc)
        else:
            try:
                if validate is not None:
                    validate(answer)
                return answer
            except InvalidAnswer as exc:
                if attempt == llm.max_reasks:
                    return answer  # usable JSON; the caller filters what the check refused
                error = str(exc)
        log.info("%s answer invalid (attempt %d): %s", purpose, attempt + 1, error)
        conversation = reask_messages(
            messages,
            response.content,
            error,
            quotes=name == "extract",
            model=llm.model,
            max_tokens=request.max_tokens,
            context=server_context(backend),
        )
    raise BackendError(
        f"the model's {purpose} answer was still unusable after {llm.max_reasks} re-asks "
        f"({error}); {_unusable_hint(mode, cut_off)}"
    )


def ask(
    backend: Backend,
    name: str,
    variables: Mapping[str, Any],
    model: type[OutT],
    config: Config | LLMConfig,
    *,
    purpose: str | None = None,
    validate: Callable[[OutT], None] | None = None,
    shape: Shape | None = None,
) -> OutT:
    """Render ``prompts/NAME.j2``, call the model, parse and validate, re-ask if needed.

    ``validate`` may raise :class:`InvalidAnswer` to re-ask about a well-formed
    answer (e.g. unknown citations); after the last re-ask such an answer is
    returned anyway for the caller to filter. Unparseable answers raise
    :class:`~summarizer.errors.BackendError` once the re-asks are used up.

    In ``auto`` mode a server that refuses the structured request itself is asked
    again in the next mode, which the rest of the run then uses (see the module
    docstring). ``shape`` carries a per-call schema and output budget (packed extract
    calls).
    """
    llm = llm_config(config)
    purpose = purpose or name
    shape = shape or Shape()
    modes = _modes(llm, backend)
    for i, mode in enumerate(modes):
        messages = _messages(name, variables, mode, shape)
        try:
            return _reask(backend, name, purpose, messages, model, mode, llm, validate, shape)
        except BackendError as exc:
            if i == len(modes) - 1 or not _rejected(exc):
                raise
            _remember_refusal(backend, mode)
            log.warning(
                "the server refused %s output (%s); using %s for the rest of the run",
                mode.value,
                exc,
                modes[i + 1].value,
            )
    raise AssertionError("unreachable: the last mode returns or raises")  # pragma: no cover

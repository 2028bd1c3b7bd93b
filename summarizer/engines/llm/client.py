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
transport's retries. In ``auto`` mode a server that rejects the structured
request itself (HTTP 400/415/422) is asked again in the plain-prompt mode.

:func:`first_request` builds the request :func:`ask` sends first, so ``--batch``
and ``--dry-run`` see exactly what a live run sends.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlparse

from pydantic import BaseModel, ValidationError

from summarizer.config import Config, LLMConfig, StructuredMode
from summarizer.errors import BackendError, ReplayMissError
from summarizer.transport.backend import Backend, ChatRequest, ChatResponse, Message
from summarizer.transport.prompting import render_messages, render_prompt
from summarizer.transport.schemas import SCHEMAS, response_format

log = logging.getLogger("summarizer")

OutT = TypeVar("OutT", bound=BaseModel)

REJECTED_STATUS = frozenset({400, 415, 422})
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
    if isinstance(exc, ReplayMissError):
        return False
    status = getattr(exc, "status_code", None) or getattr(exc, "status", None)
    cause = exc.__cause__
    status = status or getattr(cause, "status_code", None)
    return status in REJECTED_STATUS


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
    conversation = list(messages)
    error = ""
    for attempt in range(llm.max_reasks + 1):
        response = backend.complete(_request(conversation, name, purpose, mode, llm, shape))
        if response.refusal:
            raise BackendError(f"the model refused the {purpose} request: {response.refusal}")
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
        reask = render_prompt("reask", error=error, quotes=name == "extract")
        conversation += [
            {"role": "assistant", "content": response.content},
            {"role": "user", "content": reask},
        ]
    hint = "another model" if mode is StructuredMode.PROMPT else "another model or --structured"
    raise BackendError(
        f"the model's {purpose} answer was still unusable after {llm.max_reasks} re-asks "
        f"({error}); try {hint}"
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

    In ``auto`` mode a server that rejects the structured request (HTTP 400/422)
    is asked again in the plain-prompt mode. ``shape`` carries a per-call schema
    and output budget (packed extract calls).
    """
    llm = llm_config(config)
    mode = resolve_mode(llm)
    purpose = purpose or name
    shape = shape or Shape()
    messages = _messages(name, variables, mode, shape)
    try:
        return _reask(backend, name, purpose, messages, model, mode, llm, validate, shape)
    except BackendError as exc:
        if llm.structured is not StructuredMode.AUTO or mode is StructuredMode.PROMPT:
            raise
        if not _rejected(exc):
            raise
        log.warning("the server rejected %s output; falling back to plain prompts", mode.value)
    mode = StructuredMode.PROMPT
    messages = _messages(name, variables, mode, shape)
    return _reask(backend, name, purpose, messages, model, mode, llm, validate, shape)

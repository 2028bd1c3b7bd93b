"""What the model must answer: JSON schemas and the pydantic models that check them.

One schema per prompt (``extract``, ``synthesis``, ``adjudicate``). Every list
has ``maxItems`` and every string ``maxLength``: small models loop or ramble
otherwise, and llama.cpp turns these bounds into its sampling grammar. The
pydantic models carry the same bounds, so an answer that breaks them is a
validation error that the llm engine shows the model in a re-ask.

The extract schema is built per call (:func:`extract_schema`): one extract call
may carry several articles, and its answer is ``{"articles": [{"id", "summary",
"events"}, ...]}``, one entry per article, with ``id`` an ``enum`` of the ids in
that call and ``minItems``/``maxItems`` equal to their number. Modes that enforce
the schema (``json_schema``, ``json_object`` with llama.cpp's grammar) therefore
cannot name an article that is not in the call; in the plain-prompt mode the
schema is only shown, so :class:`ExtractOut` accepts any id (up to
``MAX_PACK_ARTICLES`` entries) and the engine drops, and counts, what it cannot
route. A missing entry is not a validation error: that article keeps its
extractive events and summary, which is cheaper than re-sending the whole call.

:func:`response_format` builds the ``response_format`` request field for a
:class:`~summarizer.config.StructuredMode`: OpenAI's strict ``json_schema`` (with
the length keywords it does not accept stripped), llama.cpp's
``{"type": "json_object", "schema": ...}``, or nothing for the plain-prompt mode.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from summarizer.config import StructuredMode

MAX_SUMMARY = 3
MAX_EVENTS = 10
MAX_QUANTITIES = 4
MAX_DEVELOPMENTS = 5
MAX_CITED = 8
TEXT_LEN = 280
QUOTE_LEN = 400
EXPR_LEN = 60
DATE_LEN = 10
SHORT_LEN = 40
ID_LEN = 200  # an article id as the model repeats it (the schema's enum is stricter)
MAX_PACK_ARTICLES = 16  # articles in one extract call, whatever the packing budget


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class QuantityOut(_Out):
    what: str = Field(max_length=SHORT_LEN)
    number: float
    unit: str | None = Field(default=None, max_length=SHORT_LEN)


class EventOut(_Out):
    text: str = Field(min_length=1, max_length=TEXT_LEN)
    quote: str = Field(min_length=1, max_length=QUOTE_LEN)
    temporal_expression: str | None = Field(default=None, max_length=EXPR_LEN)
    date: str | None = Field(default=None, max_length=DATE_LEN)
    quantities: list[QuantityOut] = Field(default_factory=list, max_length=MAX_QUANTITIES)

    @field_validator("temporal_expression", "date", mode="before")
    @classmethod
    def _overlong_is_absent(cls, value: Any, info: Any) -> Any:
        """An over-long temporal expression or date is not one: treat it as absent.

        Both are hints only (the code finds and resolves the time words in the quote
        itself), so a model rambling there costs nothing, not a re-ask of the call.
        """
        bound = EXPR_LEN if info.field_name == "temporal_expression" else DATE_LEN
        return None if isinstance(value, str) and len(value) > bound else value


class ArticleOut(_Out):
    """What the model says about one article of an extract call."""

    id: str = Field(max_length=ID_LEN)
    summary: list[str] = Field(max_length=MAX_SUMMARY)
    events: list[EventOut] = Field(max_length=MAX_EVENTS)


class ExtractOut(_Out):
    articles: list[ArticleOut] = Field(max_length=MAX_PACK_ARTICLES)


class DevelopmentOut(_Out):
    text: str = Field(min_length=1, max_length=TEXT_LEN)
    sources: list[str] = Field(min_length=1, max_length=MAX_CITED)


class SynthesisOut(_Out):
    headline: str = Field(min_length=1, max_length=TEXT_LEN)
    key_developments: list[DevelopmentOut] = Field(max_length=MAX_DEVELOPMENTS)


class AdjudicationOut(_Out):
    verdict: Literal["disagree", "same_figure", "unclear"]
    reason: str = Field(max_length=TEXT_LEN)


def _string(max_length: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length}


def _nullable_string(max_length: int) -> dict[str, Any]:
    return {"type": ["string", "null"], "maxLength": max_length}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _array(items: dict[str, Any], max_items: int, min_items: int = 0) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": items, "maxItems": max_items}
    if min_items:
        schema["minItems"] = min_items
    return schema


EVENT_SCHEMA: dict[str, Any] = _object(
    {
        "text": _string(TEXT_LEN),
        "quote": _string(QUOTE_LEN),
        "temporal_expression": _nullable_string(EXPR_LEN),
        "date": _nullable_string(DATE_LEN),
        "quantities": _array(
            _object(
                {
                    "what": _string(SHORT_LEN),
                    "number": {"type": "number"},
                    "unit": _nullable_string(SHORT_LEN),
                }
            ),
            MAX_QUANTITIES,
        ),
    }
)


def extract_schema(ids: Sequence[str]) -> dict[str, Any]:
    """The answer schema of one extract call carrying the articles ``ids`` (in order)."""
    unique = list(dict.fromkeys(ids))
    if not unique or len(unique) > MAX_PACK_ARTICLES:
        raise ValueError(f"an extract call carries 1 to {MAX_PACK_ARTICLES} articles")
    article = _object(
        {
            "id": {"type": "string", "enum": unique},
            "summary": _array(_string(TEXT_LEN), MAX_SUMMARY),
            "events": _array(EVENT_SCHEMA, MAX_EVENTS),
        }
    )
    return _object({"articles": _array(article, len(unique), min_items=len(unique))})


EXTRACT_SCHEMA: dict[str, Any] = extract_schema(["example"])  # the shape, for docs and tests

SYNTHESIS_SCHEMA: dict[str, Any] = _object(
    {
        "headline": _string(TEXT_LEN),
        "key_developments": _array(
            _object(
                {
                    "text": _string(TEXT_LEN),
                    "sources": _array(_string(SHORT_LEN), MAX_CITED, min_items=1),
                }
            ),
            MAX_DEVELOPMENTS,
        ),
    }
)

ADJUDICATE_SCHEMA: dict[str, Any] = _object(
    {
        "verdict": {"type": "string", "enum": ["disagree", "same_figure", "unclear"]},
        "reason": _string(TEXT_LEN),
    }
)

SCHEMAS: dict[str, tuple[dict[str, Any], type[_Out]]] = {
    "extract": (EXTRACT_SCHEMA, ExtractOut),
    "synthesis": (SYNTHESIS_SCHEMA, SynthesisOut),
    "adjudicate": (ADJUDICATE_SCHEMA, AdjudicationOut),
}

# Keywords OpenAI's strict mode rejects; the pydantic models still enforce them.
_STRICT_UNSUPPORTED = frozenset({"maxLength", "minLength"})


def strict_variant(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without the keywords OpenAI's strict json_schema mode rejects."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in _STRICT_UNSUPPORTED}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    result: dict[str, Any] = strip(copy.deepcopy(schema))
    return result


def response_format(
    name: str, mode: StructuredMode, schema: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The ``response_format`` field for prompt ``name`` under a resolved ``mode``.

    ``schema`` overrides the prompt's fixed schema (the extract schema is per call).
    """
    schema = schema if schema is not None else SCHEMAS[name][0]
    if mode is StructuredMode.JSON_SCHEMA:
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": strict_variant(schema)},
        }
    if mode is StructuredMode.JSON_OBJECT:
        return {"type": "json_object", "schema": schema}
    if mode is StructuredMode.PROMPT:
        return None
    raise ValueError(f"structured mode {mode.value!r} must be resolved before building a request")

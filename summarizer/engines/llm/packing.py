"""Chunking and packing: which articles go into which extract call.

Token efficiency: each article's text is sent once per run, and the instructions
are paid once per call, not once per article. An article over
``max_input_tokens`` is split on sentence boundaries with a one-sentence overlap
(:func:`chunks_for`); each article or chunk is a :class:`Unit`. Units are packed
in ingest order into calls whose fenced text stays within ``pack_tokens`` (and
within what ``max_input_tokens`` leaves after the instructions), at most
``MAX_PACK_ARTICLES`` articles and never two chunks of one article per call
(:func:`pack_units`); ``pack_tokens=0`` sends one unit per call. Each unit is
fenced on its own, ``<article id=... published=...>``; the answer has one entry
per article id (:func:`summarizer.transport.schemas.extract_schema`: the id is an
enum of the call's ids where the mode enforces the schema). The output budget
of a packed call grows with its articles (``max_output_tokens`` each, at most
``PACK_OUTPUT_CAP``, :func:`output_budget`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from summarizer.config import LLMConfig, StructuredMode
from summarizer.engines.llm.client import resolve_mode, schema_json
from summarizer.models import Sentence, Source
from summarizer.transport import tokens
from summarizer.transport.backend import Message
from summarizer.transport.prompting import render_messages
from summarizer.transport.schemas import MAX_PACK_ARTICLES, extract_schema

OVERLAP_SENTENCES = 1
MIN_ARTICLE_BUDGET = 200  # tokens of article per call, whatever the prompt costs
PACK_OUTPUT_CAP = 4096  # max_tokens of a packed extract call, at most


# --------------------------------------------------------------------------- chunks


@dataclass(frozen=True)
class Chunk:
    """A run of sentences sent in one extract call."""

    part: int
    parts: int
    sentences: tuple[Sentence, ...]

    @property
    def start(self) -> int:
        return self.sentences[0].start if self.sentences else 0

    def text(self) -> str:
        """The sentences joined: a space inside a paragraph, a blank line between."""
        pieces: list[str] = []
        previous: Sentence | None = None
        for sentence in self.sentences:
            if previous is not None:
                pieces.append(" " if sentence.paragraph == previous.paragraph else "\n\n")
            pieces.append(sentence.text.strip())
            previous = sentence
        return "".join(pieces)


def article_variables(source: Source, chunk: Chunk, text: str) -> dict[str, Any]:
    """One fenced article of an extract call (``articles`` in ``prompts/extract.j2``)."""
    return {
        "id": source.id,
        "published": source.published.isoformat() if source.published else "unknown",
        "part": chunk.part,
        "parts": chunk.parts,
        "text": text,
    }


def extract_messages(
    articles: Sequence[Mapping[str, Any]], llm: LLMConfig, mode: StructuredMode | None = None
) -> tuple[Message, ...]:
    """The messages of an extract call carrying ``articles`` (as ``ask`` renders them)."""
    mode = mode or resolve_mode(llm)
    schema = extract_schema([a["id"] for a in articles]) if articles else None
    return render_messages(
        "extract",
        articles=list(articles),
        schema_json=schema_json("extract", mode, schema),
    )


def _prompt_overhead(source: Source, llm: LLMConfig) -> int:
    """Tokens of an extract call for ``source`` alone with an empty article."""
    empty = Chunk(part=1, parts=1, sentences=())
    messages = extract_messages([article_variables(source, empty, "")], llm)
    return tokens.count_messages(messages, llm.model).n


def chunks_for(source: Source, sentences: Sequence[Sentence], llm: LLMConfig) -> list[Chunk]:
    """The article's sentences cut to fit ``max_input_tokens`` with the prompt around them."""
    usable = [s for s in sentences if s.text.strip()]
    if not usable:
        return []
    budget = max(llm.max_input_tokens - _prompt_overhead(source, llm), MIN_ARTICLE_BUDGET)
    groups = tokens.split_by_tokens(usable, budget, OVERLAP_SENTENCES, model=llm.model)
    return [
        Chunk(part=i, parts=len(groups), sentences=tuple(group))
        for i, group in enumerate(groups, start=1)
    ]


# --------------------------------------------------------------------------- packing


UnitKey = tuple[str, int]  # (source id, part)


@dataclass(frozen=True)
class Unit:
    """One article, or one chunk of a long one, fenced in an extract call."""

    source: Source
    chunk: Chunk
    text: str
    tokens: int  # its fenced block in the prompt (tags and text)

    @property
    def id(self) -> str:
        return self.source.id

    @property
    def key(self) -> UnitKey:
        return (self.source.id, self.chunk.part)

    @property
    def label(self) -> str:
        parts = self.chunk.parts
        return self.id if parts == 1 else f"{self.id} part {self.chunk.part}/{parts}"

    def variables(self) -> dict[str, Any]:
        return article_variables(self.source, self.chunk, self.text)


@dataclass(frozen=True)
class Pack:
    """The units of one extract call, in ingest order (one unit per source at most)."""

    units: tuple[Unit, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(u.id for u in self.units)


def units_for(source: Source, sentences: Sequence[Sentence], llm: LLMConfig) -> list[Unit]:
    """The article's chunks (see :func:`chunks_for`) with their fenced token counts."""
    units = []
    for chunk in chunks_for(source, sentences, llm):
        text = chunk.text()
        fenced = extract_messages([article_variables(source, chunk, text)], llm)[-1]
        units.append(Unit(source, chunk, text, tokens.count_tokens(fenced["content"], llm.model).n))
    return units


def _pack_limit(llm: LLMConfig) -> int:
    """Fenced tokens one call may carry: ``pack_tokens``, within ``max_input_tokens``."""
    if llm.pack_tokens <= 0:
        return 0
    empty = extract_messages([], llm)  # the instructions and the message framing
    room = llm.max_input_tokens - tokens.count_messages(empty, llm.model).n
    return min(llm.pack_tokens, max(room, MIN_ARTICLE_BUDGET))


def _id_cost(unit: Unit, mode: StructuredMode, llm: LLMConfig) -> int:
    """What an article adds to the prompt besides its fence: its id in the schema shown
    in the plain-prompt mode (the other modes send the schema outside the messages)."""
    if mode is not StructuredMode.PROMPT:
        return 0
    return tokens.count_tokens(json.dumps(unit.id) + ",", llm.model).n


def pack_units(units: Sequence[Unit], llm: LLMConfig) -> list[Pack]:
    """Units in order, packed greedily into calls within :func:`_pack_limit`.

    A unit that alone is over the limit (a chunk of a long article) gets a call
    of its own; a call holds at most ``MAX_PACK_ARTICLES`` units and never two
    chunks of one article (their ids would clash).
    """
    limit = _pack_limit(llm)
    mode = resolve_mode(llm)
    packs: list[Pack] = []
    current: list[Unit] = []
    used = 0
    for unit in units:
        cost = unit.tokens + _id_cost(unit, mode, llm)
        fits = (
            used + cost <= limit
            and len(current) < MAX_PACK_ARTICLES
            and all(u.id != unit.id for u in current)
        )
        if current and not fits:
            packs.append(Pack(tuple(current)))
            current, used = [], 0
        current.append(unit)
        used += cost
    if current:
        packs.append(Pack(tuple(current)))
    return packs


def output_budget(pack: Pack, llm: LLMConfig) -> int:
    """max_tokens of a call: ``max_output_tokens`` per article, at most PACK_OUTPUT_CAP."""
    n = len(pack.units)
    if n == 1:
        return llm.max_output_tokens
    return min(llm.max_output_tokens * n, max(llm.max_output_tokens, PACK_OUTPUT_CAP))

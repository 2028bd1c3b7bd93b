"""What the readers share: what one input gave (sources, failures, notes) and field
lookups in the key-value records of front matter, JSON lines and feeds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from summarizer.models import InputFailure, Source


@dataclass
class Loaded:
    """What one input gave: its sources, its failures, and notes for the output."""

    sources: list[Source] = field(default_factory=list)
    failures: list[InputFailure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fail(path: str, reason: str) -> InputFailure:
    """A failure of ingest (``reason`` is the one line shown, naming ``path``)."""
    return InputFailure(path=path, reason=reason)


def pick(meta: Mapping[str, Any], *keys: str) -> Any:
    """The value of the first of ``keys`` (any case) that is set and not empty, else None."""
    lowered = {str(k).lower(): v for k, v in meta.items()}
    for key in keys:
        if lowered.get(key) not in (None, ""):
            return lowered[key]
    return None


def name_of(value: Any) -> str | None:
    """A field's text: a string, or the ``name``/``title`` of a nested object
    (``"source": {"id": "bbc-news", "name": "BBC News"}``)."""
    if isinstance(value, Mapping):
        value = pick(value, "name", "title")
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None

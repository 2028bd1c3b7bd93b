"""The run store's records: an article as a run read it, and one run (what it read and
the timeline it showed), built from a :class:`~summarizer.models.Report`.

Shared by the persistence (:mod:`summarizer.store.persist`) and the comparison of two
runs (:mod:`summarizer.store.compare`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from summarizer.models import (
    Agreement,
    ArticleRecord,
    Disagreement,
    Frozen,
    MergedEvent,
    Report,
    Revision,
)


def scope_of(inputs: Iterable[str | Path], selection: Mapping[str, Any] | None = None) -> str:
    """The key of "the same inputs": sorted absolute paths (URLs as given), as JSON.

    ``selection`` holds what narrows the timeline shown (``--day``, ``--max-dates``,
    ``--per-date``): a brief cut differently is compared only with briefs cut the same
    way, or events it merely hides would show as gone.
    """
    keys = set()
    for item in inputs:
        text = str(item)
        keys.add(text if "://" in text else str(Path(text).expanduser().resolve()))
    chosen = {k: str(v) for k, v in sorted((selection or {}).items()) if v is not None}
    if not chosen:
        return json.dumps(sorted(keys), ensure_ascii=False)
    return json.dumps({"inputs": sorted(keys), "selection": chosen}, ensure_ascii=False)


def content_hash(text: str) -> str:
    """sha256 of an article's decoded text: same id and a new hash means "updated"."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StoredArticle(ArticleRecord):
    """An article version in the store, with when runs first and last read it."""

    first_seen: dt.datetime
    last_seen: dt.datetime


class StoredRun(Frozen):
    """One brief or timeline: what it read and the events it showed."""

    id: int | None = None  # None until saved
    created_at: dt.datetime
    command: str
    scope: str
    engine: str
    model: str | None = None
    articles: tuple[ArticleRecord, ...]
    events: tuple[MergedEvent, ...]
    disagreements: tuple[Disagreement, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    revisions: tuple[Revision, ...] = ()

    def article(self, source_id: str) -> ArticleRecord | None:
        return next((a for a in self.articles if a.source_id == source_id), None)


def now() -> dt.datetime:
    """The current time in UTC, to the second (what the store records)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def snapshot(
    report: Report, *, command: str, scope: str, created_at: dt.datetime | None = None
) -> StoredRun:
    """The run record of ``report`` (not saved)."""
    articles = tuple(
        ArticleRecord(
            source_id=sr.source.id,
            path=sr.source.path,
            content_hash=content_hash(sr.source.text),
            title=sr.source.title,
            outlet=sr.source.outlet,
            published=sr.source.published,
        )
        for sr in report.sources
    )
    return StoredRun(
        created_at=created_at or now(),
        command=command,
        scope=scope,
        engine=report.stats.engine.value,
        model=report.stats.model,
        articles=articles,
        events=report.events,
        disagreements=report.disagreements,
        agreements=report.agreements,
        revisions=report.revisions,
    )

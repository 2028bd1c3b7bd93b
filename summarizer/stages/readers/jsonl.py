"""JSON lines: one article a line, its ``text`` the source text.

``title``, ``date``, ``url``, ``outlet`` and ``id`` are read under the names common
exports use; a bad line is one failure naming ``FILE:LINE`` and the other lines go on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from summarizer.errors import InputError
from summarizer.models import DateOrigin, Source
from summarizer.stages.dategrammar import parse_written_date
from summarizer.stages.readers.common import Loaded, fail, name_of, pick
from summarizer.stages.readers.text import from_plain


def from_jsonl(path: Path, text: str, encoding: str) -> Loaded:
    """One article a line: ``text`` (required), ``title``, ``date``, ``url``, ``outlet``, ``id``."""
    out = Loaded()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            out.sources.append(_jsonl_record(path, lineno, line, encoding))
        except InputError as exc:
            out.failures.append(fail(where, str(exc)))
    if not out.sources and not out.failures:
        out.failures.append(fail(str(path), f"{path}: no records; add one JSON article a line"))
    return out


def _jsonl_record(path: Path, lineno: int, line: str, encoding: str) -> Source:
    where = f"{path}:{lineno}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg}); fix or delete the line") from None
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object per line; fix or delete the line")
    body = pick(record, "text", "content", "body")
    if not isinstance(body, str) or not body.strip():
        raise InputError(f'{where}: the record has no "text"; add the article text under "text"')
    base: dict[str, Any] = {"path": where, "id": f"{path.stem}-{lineno}"}
    record_id = pick(record, "id")
    if isinstance(record_id, str | int) and str(record_id).strip():
        base["id"] = str(record_id).strip()
    published = parse_written_date(pick(record, "date", "published", "published_at"))
    if published:
        base.update(published=published, published_from=DateOrigin.JSONL)
    for key, names in _RECORD_FIELDS:
        value = name_of(pick(record, *names))
        if value:
            base[key] = value
    return from_plain(path, body, encoding, base=base)


# A record's title, outlet and url fields, by the names common exports use.
_RECORD_FIELDS = (
    ("title", ("title", "headline")),
    ("outlet", ("outlet", "source", "publisher", "site_name", "sitename", "source_name")),
    ("url", ("url", "link")),
)

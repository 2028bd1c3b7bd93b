"""How a source is named to a reader: its outlet and headline, never a hash of the file.

Ingest takes the names an article gives (a title line or ``Title:`` header, YAML front
matter, the HTML title and ``og:site_name``, JSONL ``title``/``outlet`` fields, a feed
entry's title and source); this module turns them into one display name:

* ``Outlet: Headline`` when both are known, else the headline, else the outlet;
* a file without any title: its file name with id hashes taken out
  (``bbc-follow-up_3f2a9c1d7e.txt`` -> ``bbc-follow-up``), when something readable is
  left (a word, or a dated name such as ``2010-01-13_1004``);
* else (``000_f0c46d1c1a81e5b6.txt``): the opening words of the story, in quotes, so
  the reader sees which article it is and that it had no title.

A title, outlet or opening that is an instruction to a model
(:func:`summarizer.stages.claims.is_instruction`) never names a source: the brief lists
it as a suspected instruction instead.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from summarizer.models import Source
from summarizer.stages.claims import is_instruction

UNTITLED = "untitled article"
LEAD_WORDS = 8  # words of the story's opening shown for an untitled, unnamed file
_SPACE = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[_\-.\s]+")
_HASH = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # uuid
    r"|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}"  # hex digest (digits and letters)
    r"|\d{13,}",  # a long numeric id or timestamp
    re.IGNORECASE,
)


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _usable(text: str | None) -> str:
    """``text`` flattened, or "" when it is an instruction to a model."""
    flat = _flat(text or "")
    return "" if flat and is_instruction(flat) else flat


def cut(text: str, limit: int | None) -> str:
    """Whitespace collapsed; cut at ``limit`` characters with an ellipsis."""
    flat = _flat(text)
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def file_label(path: str, source_id: str = "") -> str | None:
    """A file's (or record's) name without id hashes, or None when nothing readable is left.

    ``feeds/harbour.rss#2`` and ``archive.jsonl:3`` name their file; a URL names its last
    path segment. Left-over names that are a bare number (``000``) are not readable.
    """
    base = re.split(r"[#?]", path, maxsplit=1)[0]
    base = re.sub(r":\d+$", "", base)  # a .jsonl record's line number
    stem = PurePosixPath(base.rstrip("/")).stem if base else ""
    for candidate in (stem, source_id):
        label = _without_hashes(candidate)
        if label is not None:
            return label
    return None


def _without_hashes(name: str) -> str | None:
    if not name:
        return None
    kept = _HASH.sub("", name)
    kept = re.sub(r"([_\-.\s])[_\-.\s]+", r"\1", kept).strip("_-. ")
    tokens = [t for t in _SEPARATORS.split(kept) if t]
    if not tokens:
        return None
    if not any(re.search(r"[^\W\d_]", t) for t in tokens) and len(tokens) < 2:
        return None  # "000": a sequence number, not a name
    return kept


def lead_label(source: Source, words: int = LEAD_WORDS) -> str | None:
    """The story's opening words in quotes (``“A drone hit a plant in …”``), or None."""
    opening = source.text[source.header_end :].strip().split()
    if not opening or not _usable(" ".join(opening[:40])):
        return None
    shown = " ".join(opening[:words])
    more = "…" if len(opening) > words else ""
    return f"“{shown.rstrip('.,;:')}{more}”"


def headline(source: Source) -> str:
    """The article's headline, else its file name without hashes, else its opening words."""
    if _usable(source.title):
        return _flat(source.title or "")
    return file_label(source.path, source.id) or lead_label(source) or source.id


def display_name(
    *,
    title: str | None,
    outlet: str | None,
    fallback: str,
    limit: int | None = None,
) -> str:
    """``Outlet: Headline``, the headline, the outlet, else ``fallback``; cut to ``limit``."""
    title = _usable(title)
    outlet = _usable(outlet)
    if title and outlet and not title.casefold().startswith(outlet.casefold()):
        return cut(f"{outlet}: {title}", limit)
    return cut(title or outlet or fallback, limit)


def source_name(source: Source, limit: int | None = None) -> str:
    """A source's display name (see the module docstring)."""
    return display_name(
        title=source.title,
        outlet=source.outlet,
        fallback=headline(source),
        limit=limit,
    )


def record_name(
    *,
    title: str | None,
    outlet: str | None,
    source_id: str,
    path: str,
    limit: int | None = None,
) -> str:
    """The display name of a stored article (its text is not kept: no opening words)."""
    fallback = file_label(path, source_id) or UNTITLED
    return display_name(title=title, outlet=outlet, fallback=fallback, limit=limit)

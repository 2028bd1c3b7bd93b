"""Plain-text and markdown articles: the header block, the headline, front matter.

``Source.text`` is the whole decoded file, date line and front matter included;
``Source.header_end`` is where the story starts. A header is any leading date line
(read with the one date grammar, :func:`~summarizer.stages.dategrammar.written_date`)
and ``Key: value`` lines (title, outlet, url, author); a markdown file's YAML front
matter gives the same fields. A JSON-lines record or a feed entry is read as plain text
too (:func:`from_plain`), with the fields its record already gave.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.errors import InputError
from summarizer.models import DateOrigin, Source
from summarizer.stages.dategrammar import WRITTEN_DATE, parse_written_date, written_date
from summarizer.stages.readers.common import pick

# A clock time after a header's date ("Published: 1 July 2025 10:42 BST").
_TIME = (
    r"(?:[ \t]*,?[ \t]*(?:at[ \t]+)?\d{1,2}[:.]\d{2}(?::\d{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?"
    r"(?:[ \t]+(?:[A-Z]{2,5}|[+-]\d{2}:?\d{2}))?)?"
)

_DATE_KEYS = r"date|dated|published(?:[ \t]+(?:on|at))?|posted(?:[ \t]+on)?|updated|pubdate"

_DATE_LINE_RE = re.compile(
    rf"[ \t]*(?:(?P<key>{_DATE_KEYS})\b[ \t]*[:：\-–—]?[ \t]*)?(?P<date>{WRITTEN_DATE}){_TIME}"
    r"[ \t]*(?P<eol>\r?\n|$)?",
    re.IGNORECASE,
)

_META_LINE_RE = re.compile(
    r"[ \t]*(?P<key>title|headline|source|outlet|publisher|publication|url|link|author|"
    r"byline|by)[ \t]*:[ \t]*(?P<value>[^\r\n]{1,200})(?:\r?\n|$)",
    re.IGNORECASE,
)

_META_TARGET = {
    "title": "title",
    "headline": "title",
    "source": "outlet",
    "outlet": "outlet",
    "publisher": "outlet",
    "publication": "outlet",
    "url": "url",
    "link": "url",
}


@dataclass
class Header:
    """Metadata found at the top of a plain-text article."""

    end: int = 0
    published: dt.date | None = None
    fields: dict[str, str] = field(default_factory=dict)
    title_line: bool = False  # a bare title line belongs to the header (maybe a placeholder)


_PLACEHOLDER_RE = re.compile(r"[ \t]*[(\[][^\r\n]{0,200}[)\]][ \t]*\r?\n\s*\S")


def placeholder_title(title: str | None) -> bool:
    """A title that stands in for a missing one ("(untitled; archive doc 17)", "[no
    title]"): it names nothing and is not shown as the source's name."""
    flat = (title or "").strip()
    return bool(re.fullmatch(r"[(\[].*[)\]]", flat)) or flat.casefold() in {"untitled", ""}


def _title_line(text: str, pos: int) -> tuple[str | None, int] | None:
    """A bare title line at ``pos`` (a headline, or a placeholder in parentheses) and
    where the next line starts; None when the line does not read as a title."""
    line_end = text.find("\n", pos)
    if line_end < 0 or _header_line_at(text, pos):
        return None
    if _PLACEHOLDER_RE.match(text, pos):
        return None, line_end + 1
    title = headline_at(text, pos)
    return (title, line_end + 1) if title else None


def _header_line_at(text: str, pos: int) -> bool:
    """A date line or a ``Key: value`` metadata line starts at ``pos``."""
    date_m = _DATE_LINE_RE.match(text, pos)
    if date_m and (date_m.group("key") or date_m.group("eol")):
        return True
    return bool(_META_LINE_RE.match(text, pos))


def parse_header(text: str, start: int = 0) -> Header:
    """Read leading metadata lines from ``text[start:]``.

    Recognises a date line (``date: 2025-07-01``, ``date 2025-07-01``, ``Date: July 1,
    2025``, ``Published: 1 July 2025 10:42 BST``, or a date alone on the first line) and
    ``Title:``/``Source:``/``URL:``/``Author:`` lines. A keyword date may share its line
    with the first sentence (`` date 2025-07-01 A Ukrainian drone ...``): the header
    then ends where the sentence starts. A bare title line right before or right after
    the date line (``Dam breach floods valley`` / ``date: 2024-05-05``) is the header's
    title; a placeholder in parentheses (``(untitled; doc 17)``) is part of the header
    but names nothing. ``Header.end`` is ``start`` when nothing is found.
    """
    header = Header(end=start)
    pos = start
    first = _title_line(text, start)
    if first is not None and _header_line_at(text, first[1]):
        _take_title(header, first)
        pos = first[1]
    date_line_end = -1
    while pos < len(text):
        date_m = _DATE_LINE_RE.match(text, pos)
        if date_m and header.published is None and (date_m.group("key") or date_m.group("eol")):
            header.published = written_date(date_m)
            if header.published is None:
                break
            pos = date_m.end()
            header.end = _skip_space(text, pos)
            if date_m.group("eol") is None:  # the story starts on the same line
                break
            date_line_end = pos
            continue
        meta_m = _META_LINE_RE.match(text, pos)
        if not meta_m:
            break
        target = _META_TARGET.get(meta_m.group("key").lower())
        if target:
            header.fields.setdefault(target, meta_m.group("value").strip())
        pos = meta_m.end()
        header.end = _skip_space(text, pos)
    after_date = _title_line(text, pos) if pos == date_line_end else None
    if after_date is not None and not header.title_line and "title" not in header.fields:
        _take_title(header, after_date)
    return header


def _take_title(header: Header, line: tuple[str | None, int]) -> None:
    title, end = line
    header.title_line = True
    if title and not placeholder_title(title):
        header.fields.setdefault("title", title)
    header.end = max(header.end, end)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def headline_at(text: str, start: int) -> str | None:
    """The first line from ``start`` if it reads as a headline, else ``None``.

    A headline is short (at most 25 words), starts with a capital or digit, has no
    final sentence punctuation and is followed by a newline and more text.
    """
    m = re.compile(r"[ \t]*(?P<line>[^\r\n]+)\r?\n\s*\S").match(text, start)
    if not m:
        return None
    line = m.group("line").strip().lstrip("#").strip()
    bare = line.rstrip("\"'”’")
    if not line or not (line[0].isupper() or line[0].isdigit()):
        return None
    if len(line.split()) > 25 or len(line) > 200 or bare[-1:] in set(".!?…,;:"):
        return None
    return line


def from_plain(path: Path | str, text: str, encoding: str, *, base: dict[str, Any]) -> Source:
    """A .txt article (or a .jsonl record's text): header block, then headline."""
    header = parse_header(text, base.pop("header_end", 0))
    title = (
        base.pop("title", None)
        or header.fields.get("title")
        or (None if header.title_line else headline_at(text, header.end))
    )
    title = None if placeholder_title(title) else title
    published = base.pop("published", None)
    origin = base.pop("published_from", DateOrigin.UNKNOWN)
    if published is None and header.published is not None:
        published, origin = header.published, DateOrigin.HEADER
    return Source(
        id=base.pop("id", Path(path).stem),
        path=base.pop("path", str(path)),
        text=text,
        title=title,
        outlet=base.pop("outlet", None) or header.fields.get("outlet"),
        url=base.pop("url", None) or header.fields.get("url"),
        published=published,
        published_from=origin if published else DateOrigin.UNKNOWN,
        encoding=encoding,
        header_end=header.end,
    )


_FRONT_MATTER_RE = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*$", re.M | re.S
)


def from_markdown(path: Path, text: str, encoding: str) -> Source:
    """A .md article: optional YAML front matter (title, date, outlet/source, url)."""
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return from_plain(path, text, encoding, base={})
    # Imported here for start-up time only: only front matter needs a YAML parser.
    import yaml

    try:
        meta = yaml.safe_load(m.group("yaml")) or {}
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" near line {where.line + 2}" if where is not None else ""
        raise InputError(
            f"{path}: the YAML front matter is invalid{line}; fix it or remove the --- block"
        ) from None
    if not isinstance(meta, dict):
        raise InputError(f"{path}: the front matter is not a key: value block; fix or remove it")
    base: dict[str, Any] = {"header_end": _skip_space(text, m.end())}
    published = parse_written_date(pick(meta, "date", "published", "pubdate", "published_at"))
    if published:
        base.update(published=published, published_from=DateOrigin.FRONT_MATTER)
    for key, names in (
        ("title", ("title", "headline")),
        ("outlet", ("outlet", "source", "publisher", "site_name", "sitename")),
        ("url", ("url", "link", "canonical_url")),
    ):
        value = pick(meta, *names)
        if value is not None:
            base[key] = str(value).strip()
    return from_plain(path, text, encoding, base=base)

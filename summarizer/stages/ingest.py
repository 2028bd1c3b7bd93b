"""Ingest: read article files and folders into :class:`~summarizer.models.Source` records.

Supported inputs: ``.txt``, ``.md``/``.markdown`` (YAML front matter), ``.html``/``.htm``
(main text extracted with trafilatura), ``.jsonl`` (one article per line), RSS and Atom
feeds (``.rss``, ``.atom``, ``.xml``: one article per entry, read with feedparser) and
``http(s)://`` URLs (fetched by :mod:`summarizer.stages.fetch`: an HTML page, or a feed by its
content type or its first bytes). Folders are searched recursively in sorted order;
hidden files and folders are skipped.

What ``Source.text`` holds (every offset in the pipeline indexes it):

* ``.txt`` and ``.md``: the whole decoded file, including any date line or front
  matter; ``Source.header_end`` is the offset where the story starts.
* ``.html``/``.htm``: the main text trafilatura extracts from the page. That
  extracted text *is* the source text: quotes and offsets index it, not the HTML.
* ``.jsonl``: the record's ``text`` field.
* feed entries: the entry's content (else its summary), HTML turned into text with
  trafilatura; ``Source.path`` is the feed's file or URL, so re-ingesting it gives the
  same texts. Ids are the feed's stem (a file) or :func:`~summarizer.stages.fetch.url_slug`
  (a URL) plus a slug of the entry's title (else its number).
* URLs: as ``.html`` files, the text trafilatura extracts from the page.

Publication date, in order of precedence: ``--published ID=DATE`` (``cli``), then a
date the file states (``header``, ``front_matter``, ``html_meta``, ``jsonl``, ``feed``),
then a date inferred (``inferred``), else ``unknown``. Dates as written are read with
the one date grammar of :mod:`summarizer.stages.dates` (``parse_written_date``).
Inference runs on the *cleaned* story text, so a date inside an appended aggregator
teaser is never used: first :func:`summarizer.stages.dates.infer_publication_date` (an
explicit full date, or agreeing weekday references), then, for a story still undated,
the date of another article in the same run that its past-tense weekday references
agree with (:func:`summarizer.stages.dates.infer_from_related`). The sources cleaned for
this are returned with the result (``IngestResult.cleaned``): each source is cleaned once.

Bad input never stops the run: each failure is an :class:`InputFailure` whose reason
is one line naming the file and what to do, and the other sources still go through.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
import stat
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from summarizer.config import FetchConfig
from summarizer.errors import InputError
from summarizer.models import CleanedSource, DateOrigin, IngestResult, InputFailure, Source
from summarizer.stages.clean import clean
from summarizer.stages.dategrammar import WRITTEN_DATE, parse_written_date, written_date
from summarizer.stages.dates import infer_from_related, infer_publication_date
from summarizer.stages.deephtml import flatten_deep_html
from summarizer.stages.fetch import Fetched, fetch_url, is_url, url_slug
from summarizer.stages.paths import (
    FEED_SUFFIXES,
    article_files,
    check_readable,
    expand,
    special_file_reason,
)

_DEFAULT_FETCH = FetchConfig()
_NO_OVERRIDES: Mapping[str, dt.date] = MappingProxyType({})

# --------------------------------------------------------------------------- decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BAD_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")  # controls other than \t\n\v\f\r
_MAX_CONTROL_RATIO = 0.02


class _BinaryError(ValueError):
    """Bytes that are not text in any encoding we accept."""


@dataclass(frozen=True)
class Decoded:
    """Decoded text, its encoding, and why the encoding is uncertain (when it is)."""

    text: str
    encoding: str
    note: str | None = None  # e.g. "read as cp1251, a guess from 12 non-ASCII characters"


def read_text(path: str | Path) -> tuple[str, str]:
    """Read and decode a file: ``(text, encoding)`` (see :func:`read_decoded`)."""
    decoded = read_decoded(path)
    return decoded.text, decoded.encoding


def read_decoded(path: str | Path) -> Decoded:
    """Read and decode a file.

    Encoding: a byte-order mark first, then strict UTF-8, then Western (cp1252, else
    Latin-1) unless the bytes are plainly not Western text, then charset-normalizer's
    guess (see :func:`decode_text`). Raises :class:`InputError` for an unreadable, empty
    or binary file.
    """
    p = Path(path)
    data = read_bytes(p)
    try:
        decoded = decode_text(data)
    except _BinaryError:
        raise InputError(
            f"{p}: this is a binary file, not article text; "
            "pass .txt, .md, .html or .jsonl articles"
        ) from None
    if not decoded.text or decoded.text.isspace():  # as ``not .strip()``, without a copy
        raise InputError(f"{p}: the file is empty; add the article text or remove the file")
    return decoded


def read_bytes(path: Path) -> bytes:
    """The file's bytes; :class:`InputError` if it cannot be read, is not a regular file
    (a FIFO would block the read for ever), is empty, or is a PDF or an image."""
    special = special_file_reason(path)
    if special is not None:
        raise InputError(f"{path}: {special}; pass article files")
    try:
        # O_NONBLOCK: should the path become a FIFO after the check, opening does not wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputError(f"{path}: not a regular file; pass article files")
            data = handle.read()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(
            f"{path}: cannot read the file ({reason}); check the path and its permissions"
        ) from None
    if not data or data.isspace():  # as ``not data.strip()``, without copying huge data
        raise InputError(f"{path}: the file is empty; add the article text or remove the file")
    check_readable(path, data[:16])
    return data


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode bytes to text, returning ``(text, encoding)``; raise on binary data."""
    decoded = decode_text(data)
    return decoded.text, decoded.encoding


def decode_text(data: bytes) -> Decoded:
    """Decode bytes: a BOM, then UTF-8, then Western text, then a guess; raise on binary.

    Why not charset-normalizer alone: on a short file it has too little to go on and
    picks exotic code pages (one ``ü`` made "Zürich" cp775's "Z³rich"). Western text
    (cp1252, else Latin-1) is taken whenever it reads as Western text
    (:func:`_reads_western`); only bytes that plainly do not (symbols inside words,
    words made of accented letters) go to charset-normalizer, whose guess carries a
    note when another code page reads just as well and the evidence is short.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(*_checked(data.decode(encoding), encoding))
            except UnicodeDecodeError:
                raise _BinaryError(encoding) from None
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise _BinaryError("NUL bytes")
        try:
            return Decoded(*_checked(data.decode(utf16), utf16))
        except UnicodeDecodeError:  # NULs where UTF-16 has them, but not UTF-16 after all
            raise _BinaryError(utf16) from None
    try:
        return Decoded(*_checked(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError:
        pass
    return _guess_encoding(data)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NULs sit in every other byte, as in UTF-16 ASCII text."""
    if len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    half = len(data) // 2
    if odd.count(0) > 0.4 * half and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * half and odd.count(0) == 0:
        return "utf-16-be"
    return None


# Symbols that Western text attaches to words ("20°C", "km²", "Brand™", "¿Qué", "«oui»").
_ATTACHED_SYMBOLS = frozenset("°²³¹™®©‰¿¡«»·")
_MAX_ACCENTED_SHARE = 0.3  # accented letters among all letters, at most, in Western text
_SHORT_EVIDENCE = 100  # fewer non-ASCII characters than this is a short basis for a guess


def _misread_marks(text: str) -> int:
    """Characters that show bytes read in the wrong code page.

    Control characters (C1 from Latin-1), and non-ASCII symbols that touch a letter:
    inside a word always ("Z³rich", "zosta³o"), at a word's edge unless Western text
    puts that symbol there ("£odzi" counts, "20°C" does not).
    """
    marks = 0
    for i, ch in enumerate(text):
        if ch.isascii() or ch.isalpha() or ch.isspace():
            continue
        category = unicodedata.category(ch)
        if category.startswith("C"):
            marks += 1
            continue
        if category.startswith(("P", "Z")):
            continue
        before = i > 0 and text[i - 1].isalpha()
        after = i + 1 < len(text) and text[i + 1].isalpha()
        if (before and after) or ((before or after) and ch not in _ATTACHED_SYMBOLS):
            marks += 1
    return marks + _mixed_script_words(text)


_JAPANESE = frozenset({"CJK", "HIRAGANA", "KATAKANA"})  # one script family in a word


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
    return "CJK" if name in _JAPANESE else name


def _mixed_script_words(text: str) -> int:
    """Words whose letters come from two scripts ("Zürich" is Latin; "汯ﾒ" is not one)."""
    mixed = 0
    for word in re.findall(r"[^\W\d_]+", text):
        if not word.isascii() and len({_script(ch) for ch in word}) > 1:
            mixed += 1
    return mixed


def _accented_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(not ch.isascii() for ch in letters) / len(letters)


def _reads_western(text: str) -> bool:
    """Western text: no misread marks, and accented letters a minority of the letters
    (Cyrillic, Greek or Hebrew bytes read as cp1252 are words of accented letters)."""
    return _misread_marks(text) == 0 and _accented_share(text) <= _MAX_ACCENTED_SHARE


def _western(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1"), "latin-1"


def _guess_encoding(data: bytes) -> Decoded:
    western, western_encoding = _western(data)
    if _reads_western(western):
        return Decoded(*_checked(western, western_encoding))
    # Imported here for start-up time only: most files are UTF-8 or read as Western.
    import charset_normalizer

    readings: dict[str, tuple[str, str]] = {}
    for match in charset_normalizer.from_bytes(data):
        readings.setdefault(str(match), (str(match), match.encoding))
    readings.setdefault(western, (western, western_encoding))  # known not to read as Western
    ranked = sorted(readings.values(), key=lambda r: _misread_marks(r[0]))  # stable: detector order
    text, encoding = ranked[0]
    best = _misread_marks(text)
    rivals = [e for t, e in ranked[1:] if _misread_marks(t) == best]
    evidence = sum(not ch.isascii() for ch in text)
    note = None
    if best or (rivals and evidence < _SHORT_EVIDENCE):
        also = f" ({rivals[0]} reads as well)" if rivals else ""
        note = (
            f"the text is not UTF-8 and its encoding was guessed as {encoding} from "
            f"{evidence} non-ASCII characters{also}"
        )
    return Decoded(*_checked(text, encoding), note=note)


def _checked(text: str, encoding: str) -> tuple[str, str]:
    """Reject decoded text full of control characters or replacement marks."""
    if text and len(_BAD_CHARS.findall(text)) / len(text) > _MAX_CONTROL_RATIO:
        raise _BinaryError(encoding)
    return text, encoding


# --------------------------------------------------------------------------- header block

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


# --------------------------------------------------------------------------- per-format loaders


@dataclass
class _Loaded:
    sources: list[Source] = field(default_factory=list)
    failures: list[InputFailure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _fail(path: str, reason: str) -> InputFailure:
    return InputFailure(path=path, reason=reason)


def _from_plain(path: Path | str, text: str, encoding: str, *, base: dict[str, Any]) -> Source:
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


def _pick(meta: Mapping[str, Any], *keys: str) -> Any:
    lowered = {str(k).lower(): v for k, v in meta.items()}
    for key in keys:
        if lowered.get(key) not in (None, ""):
            return lowered[key]
    return None


def _from_markdown(path: Path, text: str, encoding: str) -> Source:
    """A .md article: optional YAML front matter (title, date, outlet/source, url)."""
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return _from_plain(path, text, encoding, base={})
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
    published = parse_written_date(_pick(meta, "date", "published", "pubdate", "published_at"))
    if published:
        base.update(published=published, published_from=DateOrigin.FRONT_MATTER)
    for key, names in (
        ("title", ("title", "headline")),
        ("outlet", ("outlet", "source", "publisher", "site_name", "sitename")),
        ("url", ("url", "link", "canonical_url")),
    ):
        value = _pick(meta, *names)
        if value is not None:
            base[key] = str(value).strip()
    return _from_plain(path, text, encoding, base=base)


_MIN_HTML_WORDS = 5  # fewer words than this is a navigation stub, not an article


def _from_html(
    path: Path | str,
    html: str,
    encoding: str,
    *,
    source_id: str | None = None,
    url: str | None = None,
) -> Source:
    """An HTML page: main text with trafilatura; title, site name, url, date from metadata.

    ``path`` is a file or a URL; ``source_id`` defaults to the file's stem and ``url``
    (the address fetched) is used when the page names no canonical URL.
    """
    # Imported here for start-up time only: trafilatura (and lxml) for HTML inputs alone.
    import trafilatura

    html = flatten_deep_html(html)
    text = (
        trafilatura.extract(html, include_comments=False, include_tables=False)
        or trafilatura.extract(html, include_comments=False, favor_recall=True)
        or ""
    )
    if len(text.split()) < _MIN_HTML_WORDS:
        raise InputError(
            f"{path}: no article text found in the HTML page; save the article page itself "
            "or paste its text into a .txt file"
        )
    meta = trafilatura.extract_metadata(html, extensive=False)
    published = parse_written_date(meta.date) if meta.date else None
    return Source(
        id=source_id or Path(path).stem,
        path=str(path),
        text=text,
        title=meta.title or None,
        outlet=meta.sitename or None,
        url=meta.url or url,
        published=published,
        published_from=DateOrigin.HTML_META if published else DateOrigin.UNKNOWN,
        encoding=encoding,
    )


def _from_jsonl(path: Path, text: str, encoding: str) -> _Loaded:
    """One article a line: ``text`` (required), ``title``, ``date``, ``url``, ``outlet``, ``id``."""
    out = _Loaded()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            out.sources.append(_jsonl_record(path, lineno, line, encoding))
        except InputError as exc:
            out.failures.append(_fail(where, str(exc)))
    if not out.sources and not out.failures:
        out.failures.append(_fail(str(path), f"{path}: no records; add one JSON article a line"))
    return out


def _jsonl_record(path: Path, lineno: int, line: str, encoding: str) -> Source:
    where = f"{path}:{lineno}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg}); fix or delete the line") from None
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object per line; fix or delete the line")
    body = _pick(record, "text", "content", "body")
    if not isinstance(body, str) or not body.strip():
        raise InputError(f'{where}: the record has no "text"; add the article text under "text"')
    base: dict[str, Any] = {"path": where, "id": f"{path.stem}-{lineno}"}
    record_id = _pick(record, "id")
    if isinstance(record_id, str | int) and str(record_id).strip():
        base["id"] = str(record_id).strip()
    published = parse_written_date(_pick(record, "date", "published", "published_at"))
    if published:
        base.update(published=published, published_from=DateOrigin.JSONL)
    for key, names in _RECORD_FIELDS:
        value = _name_of(_pick(record, *names))
        if value:
            base[key] = value
    return _from_plain(path, body, encoding, base=base)


# A record's title, outlet and url fields, by the names common exports use.
_RECORD_FIELDS = (
    ("title", ("title", "headline")),
    ("outlet", ("outlet", "source", "publisher", "site_name", "sitename", "source_name")),
    ("url", ("url", "link")),
)


def _name_of(value: Any) -> str | None:
    """A field's text: a string, or the ``name``/``title`` of a nested object
    (``"source": {"id": "bbc-news", "name": "BBC News"}``)."""
    if isinstance(value, Mapping):
        value = _pick(value, "name", "title")
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


# --------------------------------------------------------------------------- feeds

_SLUG_CHARS = 48
# feedparser's notes on harmless oddities (declared vs detected charset, an XML feed
# served as text/plain, an undeclared namespace) are not malformed feeds.
_HARMLESS_BOZO = ("CharacterEncodingOverride", "NonXMLContentType", "UndeclaredNamespace")


def _slug(text: str, limit: int = _SLUG_CHARS) -> str:
    """Lowercase ASCII words joined by ``-``, cut at a word boundary."""
    slug = ""
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > limit:
            break
        slug = longer
    return slug


def parse_feed(data: bytes, headers: Mapping[str, str] | None = None) -> Any:
    """feedparser's result for ``data`` (bytes in a stream: never read as a path or URL)."""
    # Imported here for start-up time only: feedparser for feeds alone.
    import io

    import feedparser

    return feedparser.parse(
        io.BytesIO(data),
        response_headers=dict(headers or {}),
        resolve_relative_uris=False,
        sanitize_html=True,
    )


def is_feed(parsed: Any) -> bool:
    """feedparser recognised RSS, Atom or RDF (or found entries in a damaged one)."""
    return bool(parsed.get("version") or parsed.get("entries"))


def _feed_problem(parsed: Any) -> str | None:
    """Why the feed is malformed (one short phrase), or ``None`` when it is not."""
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    if type(exc).__name__ in _HARMLESS_BOZO:
        return None
    line = getattr(exc, "getLineNumber", None)
    message = getattr(exc, "getMessage", None)
    if callable(line) and callable(message):
        return f"line {line()}: {message()}"
    return " ".join(str(exc).split()) or type(exc).__name__


def html_fragment_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed entry's content): paragraphs on their own lines.

    trafilatura first, as for pages; markup it finds no text in (a one-line summary,
    say) falls back to lxml's text, whitespace collapsed.
    """
    # Imported here for start-up time only: trafilatura for feed entries in HTML alone.
    import trafilatura

    page = flatten_deep_html(f"<html><body><article>{fragment}</article></body></html>")
    text = trafilatura.extract(
        page, include_comments=False, include_tables=False, favor_recall=True
    )
    if text and text.strip():
        return str(text).strip()
    # Imported here for start-up time only: lxml for HTML alone.
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    return " ".join(root.text_content().split())


def _detail_text(detail: Mapping[str, Any] | None) -> str:
    if not detail:
        return ""
    value = str(detail.get("value") or "")
    if not value.strip():
        return ""
    if "html" in str(detail.get("type") or "text/html"):
        return html_fragment_text(value)
    return value.strip()


def _entry_text(entry: Mapping[str, Any]) -> str:
    """The entry's full content if it has one, else its summary, as plain text."""
    for detail in [*entry.get("content", []), entry.get("summary_detail")]:
        text = _detail_text(detail)
        if text:
            return text
    return ""


def _entry_published(entry: Mapping[str, Any]) -> dt.date | None:
    """The date as written (local to the feed), else feedparser's UTC parse."""
    for key in ("published", "updated", "created"):
        found = parse_written_date(entry.get(key))
        if found:
            return found
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return dt.date(parsed[0], parsed[1], parsed[2])
    return None


def _entry_source(
    where: str, stem: str, number: int, entry: Mapping[str, Any], outlet: str, encoding: str
) -> Source:
    """One feed entry as a source (like a .jsonl record: the entry's text is the text).

    The outlet is the entry's own ``<source>`` (an aggregator's feed names the outlet
    of each story there), else the feed's title.
    """
    title = _detail_text(entry.get("title_detail")) or str(entry.get("title") or "").strip()
    outlet = _name_of(entry.get("source")) or outlet
    link = str(entry.get("link") or "").strip()
    link = link if is_url(link) else ""  # feedparser falls back to the entry's id (a URN)
    text = _entry_text(entry)
    if not text:
        fix = f"pass its page ({link}) instead" if link else "add its text or leave it out"
        raise InputError(
            f"{where}: entry {number} ({title or 'untitled'}) has no content or summary; {fix}"
        )
    base: dict[str, Any] = {"path": where, "id": f"{stem}-{_slug(title) or number}"}
    published = _entry_published(entry)
    if published:
        base.update(published=published, published_from=DateOrigin.FEED)
    for key, value in (("title", title), ("outlet", outlet), ("url", link)):
        if value:
            base[key] = value
    return _from_plain(where, text, encoding, base=base)


def _from_feed(where: str, stem: str, parsed: Any) -> _Loaded:
    """Every entry of a parsed feed; entries without text and damage become failures."""
    out = _Loaded()
    feed = parsed.get("feed", {})
    outlet = _detail_text(feed.get("title_detail")) or str(feed.get("title") or "").strip()
    encoding = str(parsed.get("encoding") or "utf-8")
    for number, entry in enumerate(parsed.get("entries", []), start=1):
        try:
            out.sources.append(_entry_source(where, stem, number, entry, outlet, encoding))
        except InputError as exc:
            out.failures.append(_fail(f"{where}#{number}", str(exc)))
    problem = _feed_problem(parsed)
    if problem:  # one line for the file: entries it cut short are part of the damage
        read = (
            f"read {len(out.sources)} entries, others may be missing or cut short"
            if out.sources
            else "no entry could be read"
        )
        out.failures = [
            _fail(
                where,
                f"{where}: the feed is malformed ({problem}); {read}: "
                "download it again or fix the XML",
            )
        ]
        return out
    if not parsed.get("entries"):
        out.failures.append(
            _fail(where, f"{where}: the feed has no entries; check that it is the right feed")
        )
    return out


def _not_a_feed(where: str, parsed: Any) -> InputError:
    problem = _feed_problem(parsed)
    if problem:
        return InputError(
            f"{where}: not a readable RSS or Atom feed ({problem}); download the feed again, "
            "or pass articles as .txt, .md, .html or .jsonl"
        )
    return InputError(
        f"{where}: not an RSS or Atom feed; pass feeds as .rss, .atom or .xml and "
        "articles as .txt, .md, .html or .jsonl"
    )


def _from_feed_file(path: Path) -> _Loaded:
    """A ``.rss``/``.atom``/``.xml`` file: one source per entry."""
    parsed = parse_feed(read_bytes(path))
    if not is_feed(parsed):
        raise _not_a_feed(str(path), parsed)
    return _from_feed(str(path), path.stem, parsed)


def _load_url(url: str, config: FetchConfig) -> _Loaded:
    """Fetch a URL: a feed (by content type or first bytes) or an HTML page."""
    out = _Loaded()
    try:
        page = fetch_url(url, config)
    except InputError as exc:
        out.failures.append(InputFailure(path=url, reason=str(exc), stage="fetch"))
        return out
    try:
        if page.looks_like_feed():
            parsed = parse_feed(page.data, {"content-type": page.content_type})
            if is_feed(parsed):
                return _from_feed(url, url_slug(url), parsed)
            if not page.looks_like_html():
                raise _not_a_feed(url, parsed)
        out.sources.append(_page_source(url, page))
    except InputError as exc:
        out.failures.append(_fail(url, str(exc)))
    return out


def _decode_page(page: Fetched) -> tuple[str, str]:
    """The charset the server names, else (or if it is wrong) as files are decoded."""
    if page.charset:
        try:
            return page.data.decode(page.charset), page.charset
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(page.data)


def _page_source(url: str, page: Fetched) -> Source:
    """A fetched HTML page (or plain text) as a source, like an .html (.txt) file."""
    plain = page.content_type == "text/plain"
    if not (plain or page.looks_like_html()):
        raise InputError(
            f"{url}: the server sent {page.content_type or 'an unknown type'}, not an HTML "
            "page or a feed; save the article text and pass it as a file"
        )
    try:
        text, encoding = _decode_page(page)
    except _BinaryError:
        raise InputError(
            f"{url}: the page cannot be decoded as text; save the article and pass the file"
        ) from None
    base_id = url_slug(url)
    if plain:
        return _from_plain(url, text, encoding, base={"id": base_id, "path": url, "url": url})
    return _from_html(url, text, encoding, source_id=base_id, url=page.final_url)


def _load_file(path: Path) -> _Loaded:
    """Read one file of any supported kind; errors become failures."""
    out = _Loaded()
    try:
        suffix = path.suffix.lower()
        if suffix in FEED_SUFFIXES:
            return _from_feed_file(path)
        decoded = read_decoded(path)
        text, encoding = decoded.text, decoded.encoding
        if decoded.note:
            out.notes.append(f"{path}: {decoded.note}; if letters look wrong, save it as UTF-8.")
        if suffix == ".jsonl":
            loaded = _from_jsonl(path, text, encoding)
            loaded.notes.extend(out.notes)
            return loaded
        if suffix in (".md", ".markdown"):
            out.sources.append(_from_markdown(path, text, encoding))
        elif suffix in (".html", ".htm"):
            out.sources.append(_from_html(path, text, encoding))
        else:
            out.sources.append(_from_plain(path, text, encoding, base={}))
    except InputError as exc:
        out.failures.append(_fail(str(path), str(exc)))
    return out


# --------------------------------------------------------------------------- paths


def iter_article_files(folder: Path) -> list[Path]:
    """Article files under ``folder``, recursively, sorted (see :mod:`summarizer.stages.paths`)."""
    return article_files(folder)


# --------------------------------------------------------------------------- ids, dates


def _unique_ids(sources: list[Source]) -> list[Source]:
    """Keep ids stable; a repeated id gets ``-2``, ``-3``... in input order."""
    taken: set[str] = set()
    out = []
    for s in sources:
        new_id, n = s.id, 1
        while new_id in taken:
            n += 1
            new_id = f"{s.id}-{n}"
        taken.add(new_id)
        out.append(s if new_id == s.id else s.model_copy(update={"id": new_id}))
    return out


_INFER_WINDOW = 20_000  # the lead carries the date; bounds the cost on huge files


class _Stories:
    """The cleaned story text of each source whose date is inferred, cleaned once.

    The date is inferred from the story (never from dropped junk); the cleaned
    sources are handed on in :attr:`~summarizer.models.IngestResult.cleaned`, so the
    pipeline does not clean them again.
    """

    def __init__(self) -> None:
        self.cleaned: dict[str, CleanedSource] = {}

    def text(self, source: Source) -> str:
        """The cleaned story text dates are inferred from (first 20,000 characters)."""
        if source.id not in self.cleaned:
            self.cleaned[source.id] = clean(source)
        return self.cleaned[source.id].kept_text()[:_INFER_WINDOW]

    def bound_to(self, sources: Sequence[Source]) -> tuple[CleanedSource, ...]:
        """The cleaned sources, each holding its source as ingest returns it (dated)."""
        return tuple(
            self.cleaned[s.id].model_copy(update={"source": s})
            for s in sources
            if s.id in self.cleaned
        )


def _resolve_overrides(
    sources: list[Source], published: Mapping[str, dt.date]
) -> tuple[dict[str, dt.date], list[InputFailure]]:
    """Map ``--published`` keys (an id or a file name) to source ids."""
    by_name = {Path(s.path).name: s.id for s in sources}
    ids = {s.id for s in sources}
    overrides: dict[str, dt.date] = {}
    failures = []
    for key, day in published.items():
        sid = key if key in ids else by_name.get(key)
        if sid is None:
            known = ", ".join(s.id for s in sources) or "none"
            failures.append(
                _fail(
                    f"--published {key}",
                    f"--published {key}={day}: no source has the id {key!r}; use one of: {known}",
                )
            )
        else:
            overrides[sid] = day
    return overrides, failures


def _apply_dates(
    sources: list[Source], published: Mapping[str, dt.date]
) -> tuple[list[Source], list[InputFailure], tuple[CleanedSource, ...]]:
    """Overrides first; then dates the files state; then inference from each story
    (:func:`~summarizer.stages.dates.infer_publication_date`); then, for what is still
    undated, a date borrowed from the run whose weekdays the story agrees with
    (:func:`~summarizer.stages.dates.infer_from_related`). Also returns the sources
    cleaned for inference."""
    overrides, failures = _resolve_overrides(sources, published)
    stories = _Stories()
    out = []
    for s in sources:
        if s.id in overrides:
            s = s.model_copy(
                update={"published": overrides[s.id], "published_from": DateOrigin.CLI}
            )
        elif s.published is None:
            guess = infer_publication_date(stories.text(s))
            if guess is not None:
                s = s.model_copy(update={"published": guess, "published_from": DateOrigin.INFERRED})
        out.append(s)
    known = sorted({s.published for s in out if s.published is not None})
    for i, s in enumerate(out):
        if s.published is None and known:
            guess = infer_from_related(stories.text(s), known)
            if guess is not None:
                out[i] = s.model_copy(update={"published": guess, "published_from": DateOrigin.RUN})
    return out, failures, stories.bound_to(out)


# --------------------------------------------------------------------------- entry point


def ingest(
    paths: Sequence[str | Path],
    published: Mapping[str, dt.date] = _NO_OVERRIDES,
    *,
    fetch: FetchConfig = _DEFAULT_FETCH,
) -> IngestResult:
    """Read files, folders and URLs into sources; failures are collected, never raised.

    ``published`` maps a source id (or file name) to a publication date that overrides
    whatever the file says (``--published ID=YYYY-MM-DD``). ``fetch`` says how URLs
    are downloaded (timeout, size cap, proxies).
    """
    files, found = expand(paths)
    failures = list(found.failures)
    sources: list[Source] = []
    notes: list[str] = []
    for path in files:
        loaded = _load_url(path, fetch) if isinstance(path, str) else _load_file(path)
        sources.extend(loaded.sources)
        failures.extend(loaded.failures)
        notes.extend(loaded.notes)
    dated, date_failures, cleaned = _apply_dates(_unique_ids(sources), published)
    return IngestResult(
        sources=tuple(dated),
        cleaned=cleaned,
        failures=tuple(failures + date_failures),
        notes=tuple(notes),
        skipped=tuple(found.skipped),
    )

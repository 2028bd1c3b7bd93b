"""RSS and Atom feeds (read with feedparser): one source per entry.

An entry's text is its content, else its summary, HTML turned into text. Its id is the
feed's stem (or the URL's slug) plus a slug of the entry's title (else its number); its
outlet is the entry's own ``<source>``, else the feed's title. A malformed feed is one
failure for the file, saying how many entries were read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from summarizer.errors import InputError
from summarizer.models import DateOrigin, Source
from summarizer.stages.dategrammar import parse_written_date
from summarizer.stages.fetch import is_url
from summarizer.stages.readers.common import Loaded, fail, name_of
from summarizer.stages.readers.decode import read_bytes
from summarizer.stages.readers.html import html_fragment_text
from summarizer.stages.readers.text import from_plain

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
    title = _detail_text(entry.get("title_detail")) or str(entry.get("title") or "")
    title = " ".join(title.split())  # a title is one line, whatever its markup
    outlet = name_of(entry.get("source")) or outlet
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
    return from_plain(where, text, encoding, base=base)


def from_feed(where: str, stem: str, parsed: Any) -> Loaded:
    """Every entry of a parsed feed; entries without text and damage become failures."""
    out = Loaded()
    feed = parsed.get("feed", {})
    outlet = _detail_text(feed.get("title_detail")) or str(feed.get("title") or "").strip()
    encoding = str(parsed.get("encoding") or "utf-8")
    for number, entry in enumerate(parsed.get("entries", []), start=1):
        try:
            out.sources.append(_entry_source(where, stem, number, entry, outlet, encoding))
        except InputError as exc:
            out.failures.append(fail(f"{where}#{number}", str(exc)))
    problem = _feed_problem(parsed)
    if problem:  # one line for the file: entries it cut short are part of the damage
        read = (
            f"read {len(out.sources)} entries, others may be missing or cut short"
            if out.sources
            else "no entry could be read"
        )
        out.failures = [
            fail(
                where,
                f"{where}: the feed is malformed ({problem}); {read}: "
                "download it again or fix the XML",
            )
        ]
        return out
    if not parsed.get("entries"):
        out.failures.append(
            fail(where, f"{where}: the feed has no entries; check that it is the right feed")
        )
    return out


def not_a_feed(where: str, parsed: Any) -> InputError:
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


def from_feed_file(path: Path) -> Loaded:
    """A ``.rss``/``.atom``/``.xml`` file: one source per entry."""
    parsed = parse_feed(read_bytes(path))
    if not is_feed(parsed):
        raise not_a_feed(str(path), parsed)
    return from_feed(str(path), path.stem, parsed)

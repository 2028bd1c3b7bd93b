"""Fetch: download an article page or a feed named by URL (``summarizer brief https://...``).

One GET with :mod:`urllib.request`, http and https only, a deadline for the whole
download and a size cap (:class:`~summarizer.config.FetchConfig`, built at the CLI
edge). The caller (:mod:`summarizer.stages.readers.urls`) decides what the bytes are: a feed
(content type or sniffed XML) or an HTML page.

Every failure is an :class:`~summarizer.errors.InputError` whose message is one line
naming the URL and what to do; the run goes on with the other sources.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urlsplit

from summarizer.config import FetchConfig
from summarizer.errors import InputError

if TYPE_CHECKING:
    from email.message import Message

_CHUNK = 64 * 1024
_SAVE_IT = "or save the page and pass the file"
_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/xml",
        "text/xml",
    }
)
_ACCEPT = (
    "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
    "application/xml;q=0.9, text/plain;q=0.8, */*;q=0.5"
)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_XML_STARTS = (b"<?xml", b"<rss", b"<feed", b"<rdf:rdf")
_HTML_STARTS = (b"<!doctype html", b"<html")


@dataclass(frozen=True)
class Fetched:
    """What one URL answered."""

    url: str  # as given
    final_url: str  # after redirects
    content_type: str  # media type, lowercased, without parameters ("" if none)
    charset: str | None  # from the Content-Type header
    data: bytes

    def head(self) -> bytes:
        """The first bytes, lowercased, without a byte-order mark or leading space."""
        return self.data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()

    def looks_like_feed(self) -> bool:
        """A feed content type, or XML that starts like RSS, Atom or RDF."""
        return self.content_type in _FEED_TYPES or self.head().startswith(_XML_STARTS)

    def looks_like_html(self) -> bool:
        head = self.head()
        return (
            self.content_type in _HTML_TYPES
            or head.startswith(_HTML_STARTS)
            or (not self.content_type and b"<html" in head)
        )


def _split(url: str) -> SplitResult | None:
    """``urlsplit``, or None for an address it cannot parse (``http://[::1``)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def is_url(value: object) -> bool:
    """True for an ``http://`` or ``https://`` address with a host (or one meant as such
    that does not parse: fetching it then fails with a one-line reason)."""
    if not isinstance(value, str):
        return False
    parts = _split(value.strip())
    if parts is None:
        return value.strip().lower().startswith(("http://", "https://"))
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def url_slug(url: str, limit: int = 60) -> str:
    """A stable source id for a URL: host (without ``www.``) and the last path segment.

    ``https://www.example.com/news/storm-hits.html`` gives ``example-com-storm-hits``.
    """
    parts = _split(url)
    if parts is None:
        return "url"
    try:
        host = (parts.hostname or "url").lower().removeprefix("www.")
    except ValueError:  # a port that is not a number
        host = "url"
    segments = [s for s in parts.path.split("/") if s]
    last = Path(segments[-1]).stem if segments else ""
    words = re.findall(r"[a-z0-9]+", f"{host} {last} {parts.query}".lower())
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > limit:
            break
        slug = longer
    return slug or "url"


def fetch_url(url: str, config: FetchConfig) -> Fetched:
    """GET ``url``; raise :class:`InputError` (one line: the URL and what to do) on failure."""
    if not is_url(url):
        raise InputError(f"{url}: not an http(s) address; pass a file or an http(s) URL")
    if _split(url) is None:
        raise InputError(f"{url}: not a valid URL; check the address")
    # Imported here for start-up time only: urllib.request loads ssl, http.client and
    # email, which runs without URL inputs never use.
    import urllib.error
    import urllib.request
    from http.client import HTTPException

    request = urllib.request.Request(
        url, headers={"User-Agent": config.user_agent, "Accept": _ACCEPT}
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler(dict(config.proxies)))
    deadline = time.monotonic() + config.timeout
    try:
        with opener.open(request, timeout=config.timeout) as response:
            data = _read_capped(response, url, config, deadline)
            headers: Message = response.headers
            final_url = response.geturl()
    except urllib.error.HTTPError as exc:
        raise InputError(_http_error(url, exc.code, exc.reason)) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise InputError(_timeout(url, config)) from None
        raise InputError(_cannot_connect(url, exc.reason)) from None
    except TimeoutError:
        raise InputError(_timeout(url, config)) from None
    except (HTTPException, OSError, ValueError) as exc:
        raise InputError(_cannot_connect(url, exc)) from None
    if not data.strip():
        raise InputError(f"{url}: the server sent an empty page; check the address")
    charset = headers.get_content_charset()
    content_type = headers.get_content_type() if headers.get("Content-Type") else ""
    return Fetched(url, final_url, content_type.lower(), charset, data)


def _read_capped(response: Any, url: str, config: FetchConfig, deadline: float) -> bytes:
    """Read the body in chunks, within the deadline and the size cap.

    ``read1`` returns what one receive gives, so a server that trickles bytes still
    meets the deadline (each receive is bounded by the socket timeout).
    """
    read = getattr(response, "read1", None) or response.read
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk: bytes = read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > config.max_bytes:
            limit = config.max_bytes / 1_000_000
            raise InputError(
                f"{url}: the page is larger than {limit:g} MB; save the article text and "
                "pass it as a file"
            )
        chunks.append(chunk)


def _reason_text(reason: object) -> str:
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return " ".join(str(text).split())


def _http_error(url: str, code: int, reason: object) -> str:
    why = f"HTTP {code}" + (f" {_reason_text(reason)}" if str(reason).strip() else "")
    if code >= 500:
        return f"{url}: the server answered {why}; try again later, {_SAVE_IT}"
    return f"{url}: the server answered {why}; check the address, {_SAVE_IT}"


def _timeout(url: str, config: FetchConfig) -> str:
    return (
        f"{url}: no complete answer within {config.timeout:g} s; try again later or raise "
        f"--fetch-timeout, {_SAVE_IT}"
    )


def _cannot_connect(url: str, reason: object) -> str:
    return (
        f"{url}: cannot fetch it ({_reason_text(reason)}); check the address and the network "
        f"connection (offline?), {_SAVE_IT}"
    )

"""``http(s)://`` inputs: fetched once (:mod:`summarizer.stages.fetch`), then read as a
feed (by content type or first bytes) or as an HTML page (plain text as a .txt file)."""

from __future__ import annotations

from summarizer.config import FetchConfig
from summarizer.errors import InputError
from summarizer.models import InputFailure, Source
from summarizer.stages.fetch import Fetched, fetch_url, url_slug
from summarizer.stages.readers.common import Loaded, fail
from summarizer.stages.readers.decode import BinaryError, decode_bytes
from summarizer.stages.readers.feeds import from_feed, is_feed, not_a_feed, parse_feed
from summarizer.stages.readers.html import from_html
from summarizer.stages.readers.text import from_plain


def load_url(url: str, config: FetchConfig) -> Loaded:
    """Fetch a URL: a feed (by content type or first bytes) or an HTML page."""
    out = Loaded()
    try:
        page = fetch_url(url, config)
    except InputError as exc:
        out.failures.append(InputFailure(path=url, reason=str(exc), stage="fetch"))
        return out
    try:
        if page.looks_like_feed():
            parsed = parse_feed(page.data, {"content-type": page.content_type})
            if is_feed(parsed):
                return from_feed(url, url_slug(url), parsed)
            if not page.looks_like_html():
                raise not_a_feed(url, parsed)
        out.sources.append(_page_source(url, page))
    except InputError as exc:
        out.failures.append(fail(url, str(exc)))
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
    except BinaryError:
        raise InputError(
            f"{url}: the page cannot be decoded as text; save the article and pass the file"
        ) from None
    base_id = url_slug(url)
    if plain:
        return from_plain(url, text, encoding, base={"id": base_id, "path": url, "url": url})
    return from_html(url, text, encoding, source_id=base_id, url=page.final_url)

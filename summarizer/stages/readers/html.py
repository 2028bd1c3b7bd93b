"""HTML pages and fragments: the main text trafilatura extracts is the source text.

Quotes and offsets index that extracted text, not the HTML. Title, site name, canonical
URL and date come from the page's metadata. Tags nested deeper than lxml can parse are
flattened first (:mod:`summarizer.stages.deephtml`).
"""

from __future__ import annotations

from pathlib import Path

from summarizer.errors import InputError
from summarizer.models import DateOrigin, Source
from summarizer.stages.dategrammar import parse_written_date
from summarizer.stages.deephtml import flatten_deep_html

_MIN_HTML_WORDS = 5  # fewer words than this is a navigation stub, not an article


def from_html(
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

"""HTML pages and fragments: the main text trafilatura extracts is the source text.

Quotes and offsets index that extracted text, not the HTML. Title, site name, canonical
URL and date come from the page's metadata. Tags nested deeper than lxml can parse are
flattened first (:mod:`summarizer.stages.deephtml`). A feed entry's HTML fragment is
read by :func:`html_fragment_text` with lxml alone (why: see there).
"""

from __future__ import annotations

import re
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


_BLOCKS = frozenset(
    """p div li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article br hr
    header footer figcaption dd dt""".split()  # noqa: SIM905 (a list of 24 names)
)
_SPACES = re.compile(r"\s+")
_SKIPPED = frozenset(["script", "style", "noscript", "template", "iframe", "object"])


def html_fragment_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed entry's content): paragraphs on their own lines.

    A feed entry's markup is already the article, so no boilerplate detection is needed:
    block elements (paragraphs, list items, headings, ``<br>``) end a line, inline
    markup (``<b>``, ``<a>``) does not, and whitespace within a line is collapsed.
    Why not trafilatura, as for pages: its page heuristics gave short fragments
    different line breaks on another machine with the same versions (an inline ``<b>``
    became a line break, two paragraphs one line), and a feed's output must not
    depend on that.
    """
    # Imported here for start-up time only: lxml for HTML alone.
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(flatten_deep_html(fragment), create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    parts: list[str] = []
    _walk(root, parts)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(element: object, parts: list[str]) -> None:
    """Text of ``element`` and its children, a newline around each block element."""
    tag = getattr(element, "tag", None)
    if not isinstance(tag, str) or tag.lower() in _SKIPPED:
        return  # a comment, processing instruction or script: no text
    block = tag.lower() in _BLOCKS
    if block:
        parts.append("\n")
    parts.append(_inline(getattr(element, "text", None)))
    for child in element:  # type: ignore[attr-defined]
        _walk(child, parts)
        parts.append(_inline(getattr(child, "tail", None)))
    if block:
        parts.append("\n")


def _inline(text: str | None) -> str:
    """Text within a line: the source's own line breaks and runs of spaces are one space."""
    return _SPACES.sub(" ", text or "")

"""Bring HTML nested too deep for the parser back within its depth limit.

libxml2 (under lxml, under trafilatura) stops descending at about 255 levels of nesting
(2,048 with ``huge_tree``) and silently drops what lies deeper: a page whose paragraphs
sat inside 300 nested ``<div>``s lost them, or failed with "no article text found".

:func:`flatten_deep_html` works on the markup as text, before any parser sees it: a
tokenizer follows the nesting of elements and, below :data:`MAX_DEPTH`, drops the tags
(never the text between them). Paragraph and heading tags are kept at any depth, since
they do not nest; a dropped block tag (``div``, ``li``, ``tr``...) leaves a ``<br>`` so
its text stays on a line of its own. Why by hand: the parsers that could do this are
the ones with the limit. Ordinary pages are returned unchanged (the first pass only
measures), and both passes are linear in the page's size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_DEPTH = 180  # well under libxml2's limit, with room for trafilatura's own wrapping
_CLOSE_SEARCH = 64  # how far down the open elements a close tag looks for its opener

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(?P<raw>script|style|textarea|title)\b[^>]*>.*?(?:</(?P=raw)\s*>|\Z)"
    r"|<(?P<close>/?)(?P<name>[A-Za-z][\w:.-]*)(?P<rest>[^>]*)>",
    re.DOTALL | re.IGNORECASE,
)
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_KEEP_DEEP = frozenset(["p", "h1", "h2", "h3", "h4", "h5", "h6"])  # they do not nest
_BLOCKS = frozenset(
    [
        "div",
        "section",
        "article",
        "aside",
        "main",
        "header",
        "footer",
        "nav",
        "li",
        "ul",
        "ol",
        "dl",
        "dd",
        "dt",
        "tr",
        "td",
        "th",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "form",
        "fieldset",
        "address",
    ]
)


def flatten_deep_html(html: str) -> str:
    """``html`` with no element nested deeper than :data:`MAX_DEPTH` (the text kept);
    unchanged when nothing is."""
    if html.count("<") < MAX_DEPTH or _max_depth(html) <= MAX_DEPTH:
        return html
    return "".join(_flattened(html))


def _tags(html: str) -> Iterator[tuple[re.Match[str], str, bool]]:
    """Element tags: (match, lowercase name, is a close tag); comments and raw-text
    elements (script, style...) are not nesting."""
    for match in _TOKEN.finditer(html):
        name = match.group("name")
        if name is None:
            continue
        lowered = name.lower()
        if not match.group("close") and (
            lowered in _VOID or match.group("rest").rstrip().endswith("/")
        ):
            continue
        yield match, lowered, bool(match.group("close"))


def _close(stack: list[tuple[str, bool]], name: str) -> list[tuple[str, bool]] | None:
    """Pop ``name`` and the elements it implicitly closes (returned, ``name``'s first);
    None if it is not open nearby."""
    for i in range(len(stack) - 1, max(-1, len(stack) - 1 - _CLOSE_SEARCH), -1):
        if stack[i][0] == name:
            popped = stack[i:]
            del stack[i:]
            return popped
    return None


def _max_depth(html: str) -> int:
    stack: list[tuple[str, bool]] = []
    deepest = 0
    for _, name, closing in _tags(html):
        if closing:
            _close(stack, name)
        else:
            stack.append((name, True))
            deepest = max(deepest, len(stack))
    return deepest


def _flattened(html: str) -> Iterator[str]:
    stack: list[tuple[str, bool]] = []
    kept = 0  # open elements whose tags were kept
    position = 0
    for match, name, closing in _tags(html):
        yield html[position : match.start()]
        position = match.end()
        if closing:
            popped = _close(stack, name)
            kept -= sum(k for _, k in popped or ())
            if popped is None or popped[0][1]:
                yield match.group(0)  # a stray close tag is the parser's business
            elif name in _BLOCKS:
                yield "<br>"
            continue
        keep = kept < MAX_DEPTH or name in _KEEP_DEEP
        stack.append((name, keep))
        if keep:
            kept += 1
            yield match.group(0)
    yield html[position:]

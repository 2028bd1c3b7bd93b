"""Markdown output never passes article HTML or markdown through live (issue 10 items 1
and 10).

Repro kept as a test: an article sentence with ``<script>`` or ``<img onerror=...>``
came out raw in the brief and the timeline, live for any markdown renderer. Each
output is rendered here with markdown-it (CommonMark, raw HTML allowed, as a renderer
that trusts its input would) and the HTML it makes is searched for anything live.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from summarizer import pipeline
from summarizer.config import Config
from summarizer.models import Report
from summarizer.output.render import md_escape, render_brief_md, render_timeline_md

HOSTILE = (
    "Title: Flood <b>update</b> <script>alert('title')</script>\n"
    "Source: Gazette <img src=x onerror=alert('outlet')>\n"
    "date: 2024-04-03\n\n"
    "The river flooded 340 homes in Marlow on Tuesday <script>alert('xss')</script>, "
    "officials said.\n\n"
    "Crews moved 1,200 residents <img src=x onerror=alert('img')> to shelters on "
    "Wednesday, the mayor said.\n\n"
    "The council met on Thursday ![pixel](http://tracker.example/p.png) and voted "
    "[here](javascript:alert('link')) to fund 30 pumps, a spokesman said.\n\n"
    "# Officials said on Friday that 12 roads were closed <!-- hidden --> by the water.\n"
)
# what CommonMark makes of the markdown we write ourselves: nothing else may appear
OUR_TAGS = {"h1", "h2", "h3", "p", "em", "strong", "ul", "ol", "li", "a", "code", "hr"}


class _Elements(HTMLParser):
    """Every element and attribute in a piece of HTML, and whether it has comments."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[tuple[str, str]] = set()
        self.comments = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update((name, value or "") for name, value in attrs)

    def handle_comment(self, data: str) -> None:
        self.comments += 1


def _live_parts(html: str) -> list[str]:
    found = _Elements()
    found.feed(html)
    live = [f"<{tag}>" for tag in found.tags - OUR_TAGS]
    live += [f"{name}={value}" for name, value in found.attrs if not _ours(name, value)]
    return live + ["<!-- -->"] * found.comments


def _ours(name: str, value: str) -> bool:
    return (name == "href" and value.startswith("#source-")) or (
        name == "id" and value.startswith("source-")
    )


def _report(tmp_path: Path) -> Report:
    path = tmp_path / "marlow [draft] `v2`.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    return pipeline.run([path], Config())


def _rendered_html(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


@pytest.mark.parametrize("render", [render_brief_md, render_timeline_md], ids=["brief", "timeline"])
def test_article_html_is_not_live_in_markdown(render: object, tmp_path: Path) -> None:
    report = _report(tmp_path)
    assert report.events
    markdown = render(report)  # type: ignore[operator]
    html = _rendered_html(markdown)
    assert _live_parts(html) == []
    assert '<a href="#source-1">' in html  # our own citation links still work
    # the article's words are all still there, as text
    assert "&lt;script&gt;alert(" in html and "340 homes" in html


def test_escape_keeps_plain_text_readable() -> None:
    plain = "Turnout was 61% & 3 < 5, “he said” – it's 20°C (about 68°F)."
    assert md_escape(plain) == plain
    assert md_escape("<script>x</script>") == "&lt;script>x&lt;/script>"
    assert md_escape("![a](b)") == "!\\[a\\](b)"
    assert md_escape("# not a heading") == "\\# not a heading"
    assert md_escape("line one\nline two\x1b[2J") == "line one line two\\x1b\\[2J"
    # a number opening a line is a list marker only before a space ("1. ", "2) ")
    assert md_escape("1. item") == "\\1. item"
    assert md_escape("0.6 miles = 966 m; agrees with 1 km") == "0.6 miles = 966 m; agrees with 1 km"


def test_control_characters_keep_the_svg_chart_well_formed(tmp_path: Path) -> None:
    """A terminal escape in an article (``\\x1b[2J``) made the chart invalid XML."""
    import xml.dom.minidom

    from summarizer.output.chart import render_chart_svg

    filler = "Crews moved 1,200 residents to shelters on Wednesday, the mayor said. " * 4
    path = tmp_path / "ctl.txt"
    path.write_text(
        "date: 2024-04-03\nThe river flooded 340 homes in Marlow on Tuesday \x1b[2J\x07, "
        f"officials said.\n\n{filler}\n",
        encoding="utf-8",
    )
    report = pipeline.run([path], Config())
    assert any("\x1b" in e.text for e in report.events)
    svg = render_chart_svg(report)
    xml.dom.minidom.parseString(svg)  # raises on a character XML forbids
    assert "\x1b" not in svg and "\x07" not in svg

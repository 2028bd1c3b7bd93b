"""HTML nested deeper than libxml2's default limit (about 255 levels) is read, not
silently dropped (issue 10 item 8).

Repro kept as a test: a page with four paragraphs, two of them inside 300 and 400
nested ``<div>``s, kept 2 of 4 paragraphs ("dropped: 0 ranges"); a page whose text
was all that deep failed with "no article text found".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.stages.ingest import ingest
from summarizer.stages.readers.html import html_fragment_text


def _paragraph(i: int) -> str:
    return f"Paragraph {i}: the river flooded {100 + i} homes in Marlow on Tuesday, officials said."


def _page(depths: list[int]) -> str:
    parts = [
        "<div>" * depth + f"<p>{_paragraph(i)}</p>" + "</div>" * depth
        for i, depth in enumerate(depths, start=1)
    ]
    return (
        "<html><head><title>Flood in Marlow</title></head><body><article>"
        + "".join(parts)
        + "</article></body></html>"
    )


@pytest.mark.parametrize(
    "depths",
    [[1, 300, 2, 400], [300, 300, 300, 300], [5000, 3, 3, 3]],
    ids=["two deep paragraphs", "all deep", "5000 levels"],
)
def test_deeply_nested_paragraphs_are_kept(depths: list[int], tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(_page(depths), encoding="utf-8")
    result = ingest([path])
    assert not result.failures, result.failures
    (source,) = result.sources
    for i in range(1, len(depths) + 1):
        assert _paragraph(i) in source.text


def test_a_deep_feed_entry_is_kept() -> None:
    fragment = "<div>" * 400 + f"<p>{_paragraph(1)}</p>" + "</div>" * 400
    assert _paragraph(1) in html_fragment_text(fragment)


def test_fragment_text_keeps_paragraphs_and_joins_inline_markup() -> None:
    fragment = (
        "<p>The ferry <b>resumed</b>\n  service,<br>the operator said.</p>"
        "<script>track()</script><ul><li>One</li><li>Two <a href='#'>links</a></li></ul>"
    )
    assert html_fragment_text(fragment) == (
        "The ferry resumed service,\nthe operator said.\nOne\nTwo links"
    )

"""Source names: outlet and headline where the article gives them, never a file hash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.models import Source
from summarizer.output.names import file_label, headline, record_name, source_name
from summarizer.stages.ingest import ingest

STORY = (
    "The harbour in Portwell was closed on Monday after a storm damaged the breakwater, "
    "the port authority said.\n\nFerries were cancelled on Tuesday, officials said.\n"
)


def _one(path: Path) -> Source:
    result = ingest([path])
    assert not result.failures, result.failures
    assert len(result.sources) == 1
    return result.sources[0]


def test_title_line_names_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "017_9f86d081884c7d65.txt"
    path.write_text("Harbour closed after storm\n" + STORY, encoding="utf-8")
    assert source_name(_one(path)) == "Harbour closed after storm"


def test_header_lines_give_outlet_and_headline(tmp_path: Path) -> None:
    path = tmp_path / "a1b2c3d4e5f60718.txt"
    path.write_text(
        "Title: Harbour closed after storm\nSource: Coastal Gazette\ndate: 2025-03-03\n\n" + STORY,
        encoding="utf-8",
    )
    assert source_name(_one(path)) == "Coastal Gazette: Harbour closed after storm"


def test_html_title_and_site_name(tmp_path: Path) -> None:
    path = tmp_path / "5d41402abc4b2a76b9719d911017c592.html"
    path.write_text(
        "<html><head><title>Harbour closed after storm | Coastal Gazette</title>"
        '<meta property="og:site_name" content="Coastal Gazette"></head><body><article>'
        "<h1>Harbour closed after storm</h1><p>The harbour in Portwell was closed on Monday "
        "after a storm damaged the breakwater, the port authority said.</p><p>Ferries were "
        "cancelled on Tuesday and about 2,000 passengers were stranded, officials said.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    assert source_name(_one(path)) == "Coastal Gazette: Harbour closed after storm"


def test_jsonl_fields_and_a_nested_source_object(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    records = [
        {
            "id": "x1",
            "headline": "Ferries cancelled",
            "source": {"id": "cg", "name": "Coastal Gazette"},
            "text": STORY,
        },
        {
            "id": "x2",
            "title": "Breakwater repairs begin",
            "publisher": "Portwell Post",
            "text": STORY,
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    names = [source_name(s) for s in ingest([path]).sources]
    assert names == [
        "Coastal Gazette: Ferries cancelled",
        "Portwell Post: Breakwater repairs begin",
    ]


def test_feed_entry_source_names_the_outlet(tmp_path: Path) -> None:
    path = tmp_path / "news.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Aggregator</title>'
        "<item><title>Harbour closed after storm</title>"
        '<source url="https://gazette.example/rss">Coastal Gazette</source>'
        "<description>The harbour in Portwell was closed on Monday after a storm damaged "
        "the breakwater, the port authority said.</description></item>"
        "<item><title>Ferries cancelled</title><description>Ferries were cancelled on "
        "Tuesday, officials said in Portwell.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    names = [source_name(s) for s in ingest([path]).sources]
    assert names == ["Coastal Gazette: Harbour closed after storm", "Aggregator: Ferries cancelled"]


def test_untitled_file_is_named_by_its_file_name_without_the_hash(tmp_path: Path) -> None:
    path = tmp_path / "portwell-follow-up_3f2a9c1d7e5b4a60.txt"
    path.write_text("date: 2025-03-04\n" + STORY, encoding="utf-8")
    source = _one(path)
    assert source.title is None
    assert source_name(source) == "portwell-follow-up"
    assert "3f2a9c1d" not in headline(source)


def test_untitled_file_named_only_by_a_hash_shows_its_opening_words(tmp_path: Path) -> None:
    path = tmp_path / "000_f0c46d1c1a81e5b6.txt"
    path.write_text("date: 2025-03-04\n" + STORY, encoding="utf-8")
    name = source_name(_one(path))
    assert name == "“The harbour in Portwell was closed on Monday…”"
    assert "f0c46d1c" not in name and "000" not in name


@pytest.mark.parametrize(
    ("path", "source_id", "expected"),
    [
        ("seeds/000_f0c46d1c1a81e5b6.txt", "000_f0c46d1c1a81e5b6", None),
        ("t17/2010-01-13_1004.txt", "2010-01-13_1004", "2010-01-13_1004"),
        ("feeds/harbour.rss", "harbour-ferries-cancelled", "harbour"),
        (
            "dump/7c9e6679-7425-40de-944b-e07fc1f90ae7.txt",
            "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            None,
        ),
        ("exports/archive.jsonl:3", "archive-3", "archive"),
    ],
)
def test_file_label(path: str, source_id: str, expected: str | None) -> None:
    assert file_label(path, source_id) == expected


def test_stored_article_name_never_shows_the_hash() -> None:
    name = record_name(
        title=None,
        outlet=None,
        source_id="000_f0c46d1c1a81e5b6",
        path="seeds/000_f0c46d1c1a81e5b6.txt",
    )
    assert name == "untitled article"
    named = record_name(
        title="Ferries cancelled", outlet="Coastal Gazette", source_id="x", path="x.txt", limit=20
    )
    assert named == "Coastal Gazette: Fe…"

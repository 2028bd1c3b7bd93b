"""RSS and Atom files as input: one source per entry, offsets into the entry's text,
dates from the entry, and malformed feeds reported in one line without stopping the run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer import cli
from summarizer.config import Config
from summarizer.errors import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
from summarizer.evaluation.evaluate import evidence_exactness, source_texts
from summarizer.models import DateOrigin, Precision
from summarizer.output.contract import EvalSystem
from summarizer.output.report_json import report_to_dict
from summarizer.pipeline import run
from summarizer.stages.ingest import ingest, iter_article_files

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>Kestrel Bay Gazette</title>
<link>https://gazette.example/</link>
<item>
  <title>Storm closes Kestrel Bay harbour</title>
  <link>https://gazette.example/storm-closes-harbour</link>
  <pubDate>Tue, 01 Jul 2025 01:30:00 +0300</pubDate>
  <description>A short teaser that is not the story.</description>
  <content:encoded><![CDATA[
    <p>The harbour at Kestrel Bay was closed on Monday after a storm tore through the
    coast, the port authority said.</p>
    <p>Officials said 14 fishing boats sank and three people were injured when the
    sea wall failed.</p>
    <p>The harbour master said the port would reopen on Thursday if the wind eased.</p>
  ]]></content:encoded>
</item>
<item>
  <title>Ferry to Gull Island &lt;b&gt;resumes&lt;/b&gt;</title>
  <link>https://gazette.example/ferry-resumes</link>
  <pubDate>Wed, 02 Jul 2025 09:00:00 GMT</pubDate>
  <description>&lt;p&gt;The ferry to Gull Island resumed service on Wednesday morning,
  the operator said.&lt;/p&gt;&lt;p&gt;About 300 passengers crossed on the first
  sailing.&lt;/p&gt;</description>
</item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Coastal Wire</title>
  <id>urn:coastal-wire</id>
  <updated>2025-07-02T10:00:00Z</updated>
  <entry>
    <title>Sea wall repairs begin</title>
    <id>urn:coastal-wire:1</id>
    <link href="https://wire.example/sea-wall"/>
    <updated>2025-07-02T08:15:00Z</updated>
    <content type="html">&lt;p&gt;Repairs to the Kestrel Bay sea wall began on
      Wednesday, the council said.&lt;/p&gt;&lt;p&gt;The council put the cost at
      2.4 million euros.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Insurers count the damage</title>
    <id>urn:coastal-wire:2</id>
    <updated>2025-07-02T09:00:00Z</updated>
    <summary type="text">Insurers said on Tuesday that claims after the storm had passed
      1,200.</summary>
  </entry>
</feed>
"""


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def feeds(tmp_path: Path) -> Path:
    folder = tmp_path / "feeds"
    folder.mkdir()
    _write(folder, "gazette.rss", RSS)
    _write(folder, "wire.atom", ATOM)
    return folder


# --------------------------------------------------------------------------- entries


def test_rss_entries_become_sources(feeds: Path) -> None:
    result = ingest([feeds / "gazette.rss"])
    assert result.failures == ()
    storm, ferry = result.sources
    assert storm.id == "gazette-storm-closes-kestrel-bay-harbour"
    assert ferry.id == "gazette-ferry-to-gull-island-resumes"
    assert (storm.title, ferry.title) == (
        "Storm closes Kestrel Bay harbour",
        "Ferry to Gull Island resumes",
    )
    assert {storm.outlet, ferry.outlet} == {"Kestrel Bay Gazette"}
    assert storm.url == "https://gazette.example/storm-closes-harbour"
    assert storm.path == ferry.path == str(feeds / "gazette.rss")
    # the date as the feed wrote it (01:30 +03:00), not feedparser's UTC 2025-06-30
    assert storm.published == dt.date(2025, 7, 1)
    assert ferry.published == dt.date(2025, 7, 2)
    assert {storm.published_from, ferry.published_from} == {DateOrigin.FEED}
    # content:encoded wins over the teaser; HTML becomes one paragraph a line
    assert "teaser" not in storm.text and "<p>" not in storm.text
    lines = storm.text.splitlines()
    assert lines[0].startswith("The harbour at Kestrel Bay was closed on Monday")
    assert lines[1].startswith("Officials said 14 fishing boats sank")
    assert ferry.text.splitlines()[1] == "About 300 passengers crossed on the first sailing."


def test_atom_entries_use_content_then_summary_and_updated(feeds: Path) -> None:
    repairs, insurers = ingest([feeds / "wire.atom"]).sources
    assert repairs.text.startswith("Repairs to the Kestrel Bay sea wall began on Wednesday")
    assert "2.4 million euros" in repairs.text
    assert insurers.text.startswith("Insurers said on Tuesday that claims")
    assert repairs.published == insurers.published == dt.date(2025, 7, 2)
    assert repairs.outlet == "Coastal Wire" and repairs.url == "https://wire.example/sea-wall"
    assert insurers.url is None


def test_ids_are_stable_and_unique(tmp_path: Path) -> None:
    same_title = RSS.replace(
        "Ferry to Gull Island &lt;b&gt;resumes&lt;/b&gt;", "Storm closes Kestrel Bay harbour"
    )
    path = _write(tmp_path, "gazette.xml", same_title)
    first = [s.id for s in ingest([path]).sources]
    assert first == [
        "gazette-storm-closes-kestrel-bay-harbour",
        "gazette-storm-closes-kestrel-bay-harbour-2",
    ]
    assert [s.id for s in ingest([path]).sources] == first


def test_untitled_entries_are_numbered(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "bare.rss", RSS.replace("<title>Storm closes Kestrel Bay harbour</title>", "")
    )
    assert ingest([path]).sources[0].id == "bare-1"


def test_declared_encoding_is_honoured(tmp_path: Path) -> None:
    latin = RSS.replace('encoding="utf-8"', 'encoding="iso-8859-1"').replace(
        "Kestrel Bay Gazette", "Gazette de Besançon"
    )
    source = ingest([_write(tmp_path, "latin.rss", latin, "iso-8859-1")]).sources[0]
    assert source.outlet == "Gazette de Besançon"


def test_folders_pick_up_feeds(feeds: Path) -> None:
    assert [p.name for p in iter_article_files(feeds)] == ["gazette.rss", "wire.atom"]
    assert len(ingest([feeds]).sources) == 4


# --------------------------------------------------------------------------- offsets


def test_quotes_index_the_entry_text_and_survive_eval(feeds: Path) -> None:
    """text[start:end] == quote for every quote, and eval re-reads the same texts."""
    report = run([feeds], Config())
    texts = {sr.source.id: sr.source.text for sr in report.sources}
    assert len(texts) == 4 and report.events
    for event in report.events:
        for ev in event.evidence:
            assert texts[ev.source][ev.start : ev.end] == ev.quote
    for sr in report.sources:
        for sentence in sr.extraction.summary:
            assert sr.source.text[sentence.start : sentence.end] == sentence.text
    system = EvalSystem.model_validate(report_to_dict(report))
    reread = source_texts(system)
    assert reread == texts
    check = evidence_exactness(system, reread)
    assert check.total > 0 and check.exact == check.total


def test_relative_dates_resolve_against_the_entry_date(feeds: Path) -> None:
    report = run([feeds / "gazette.rss"], Config())
    closed = next(e for e in report.events if "was closed on Monday" in e.text)
    assert closed.date.precision is Precision.DAY
    assert closed.date.start == dt.date(2025, 6, 30)  # Monday before Tuesday 2025-07-01


# --------------------------------------------------------------------------- bad feeds


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("cut.rss", RSS[: RSS.index("<item>") + 60], "the feed is malformed"),
        (
            "sitemap.xml",
            '<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>',
            "not an RSS or Atom feed",
        ),
        (
            "empty.atom",
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>',
            "the feed has no entries",
        ),
        ("blank.rss", "  \n", "the file is empty"),
        ("garbage.xml", "this is { not xml at all", "not a readable RSS or Atom feed"),
    ],
    ids=["truncated", "not-a-feed", "no-entries", "empty-file", "garbage"],
)
def test_bad_feeds_fail_alone(tmp_path: Path, name: str, content: str, expected: str) -> None:
    bad = _write(tmp_path, name, content)
    good = _write(tmp_path, "wire.atom", ATOM)
    result = ingest([bad, good])
    assert [s.id for s in result.sources if s.path == str(good)] == [
        "wire-sea-wall-repairs-begin",
        "wire-insurers-count-the-damage",
    ]
    reasons = [f.reason for f in result.failures if f.path.startswith(str(bad))]
    assert reasons and all("\n" not in r and str(bad) in r for r in reasons)
    assert any(expected in r for r in reasons)


def test_malformed_feed_keeps_the_entries_it_could_read(tmp_path: Path) -> None:
    cut = RSS[: RSS.index("</channel>")] + "<item><title>Half an item"
    result = ingest([_write(tmp_path, "cut.rss", cut)])
    assert [s.title for s in result.sources][:2] == [
        "Storm closes Kestrel Bay harbour",
        "Ferry to Gull Island resumes",
    ]
    malformed = [f.reason for f in result.failures if "malformed" in f.reason]
    assert len(malformed) == 1 and "download it again" in malformed[0]


def test_entry_without_text_is_named(tmp_path: Path) -> None:
    feed = RSS.replace(
        "</channel>",
        "<item><title>Photo gallery</title><link>https://gazette.example/gallery</link></item></channel>",
    )
    result = ingest([_write(tmp_path, "gazette.rss", feed)])
    assert len(result.sources) == 2
    (failure,) = result.failures
    assert failure.path == f"{tmp_path / 'gazette.rss'}#3"
    assert "entry 3 (Photo gallery) has no content or summary" in failure.reason
    assert "https://gazette.example/gallery" in failure.reason


def test_cli_reports_a_broken_feed_and_keeps_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder, "gazette.rss", RSS)
    _write(folder, "broken.rss", "<rss><channel><item><title>x")
    out = tmp_path / "brief.md"
    result = CliRunner().invoke(cli.app, ["brief", str(folder), "-o", str(out)])
    assert result.exit_code == EXIT_PARTIAL, result.output
    lines = [line for line in result.stderr.splitlines() if "broken.rss" in line]
    assert len(lines) == 1 and "failed (ingest)" in lines[0] and "download" in lines[0]
    assert "Kestrel Bay" in out.read_text(encoding="utf-8")


def test_cli_feed_only_runs_clean(feeds: Path) -> None:
    result = CliRunner().invoke(cli.app, ["timeline", str(feeds / "gazette.rss")])
    assert result.exit_code == EXIT_OK, result.output
    assert "Kestrel Bay Gazette" in result.stdout


def test_cli_nothing_readable_is_a_usage_error(tmp_path: Path) -> None:
    bad = _write(tmp_path, "sitemap.xml", "<?xml version='1.0'?><urlset/>")
    result = CliRunner().invoke(cli.app, ["brief", str(bad)])
    assert result.exit_code == EXIT_USAGE
    assert "not an RSS or Atom feed" in result.stderr

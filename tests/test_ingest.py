"""Tests for summarizer.stages.ingest: formats, encodings, headers, dates, ids and bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.errors import InputError
from summarizer.models import DateOrigin, Precision, Source
from summarizer.output.names import source_name
from summarizer.output.render import published_text
from summarizer.stages.clean import clean
from summarizer.stages.dategrammar import parse_written_date
from summarizer.stages.dates import resolve_expression
from summarizer.stages.ingest import ingest
from summarizer.stages.readers.decode import decode_bytes, read_text
from summarizer.stages.readers.text import headline_at, parse_header

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES = FIXTURES / "articles"
BAD = FIXTURES / "bad"
SEEDS = Path(__file__).parent.parent / "seeds"

D = dt.date


def _one(path: Path, **kw: object) -> Source:
    result = ingest([path], **kw)  # type: ignore[arg-type]
    assert result.failures == (), result.failures
    assert len(result.sources) == 1
    return result.sources[0]


# --------------------------------------------------------------------------- fixture articles

# file, id, published, origin, encoding, title, outlet, story starts with
FIXTURE_CASES = [
    (
        "valley_flood.html",
        "valley_flood",
        D(2024, 2, 14),
        DateOrigin.HTML_META,
        "utf-8",
        "River Severn bursts banks as towns evacuate",
        "Valley Courier",
        "River Severn bursts banks",
    ),
    (
        "harbour_election.md",
        "harbour_election",
        D(2023, 5, 5),
        DateOrigin.FRONT_MATTER,
        "utf-8",
        "Harbour Party wins council majority after recount",
        "Coastal Times",
        "# Harbour Party wins",
    ),
    (
        "quake_wire.txt",
        "quake_wire",
        D(2024, 3, 3),
        DateOrigin.HEADER,
        "utf-8",
        "Strong earthquake shakes southern Peru, damaging churches",
        None,
        "A magnitude 6.8 earthquake",  # the title line after the date line is header
    ),
    (
        "seville_heat_cp1252.txt",
        "seville_heat_cp1252",
        D(2024, 8, 12),
        DateOrigin.HEADER,
        "cp1252",
        "Heatwave closes cafés in Seville",
        None,
        "Cafés and schools in Seville",
    ),
    (
        "besancon_latin1.txt",
        "besancon_latin1",
        D(2024, 6, 2),
        DateOrigin.HEADER,
        "cp1252",
        None,
        None,
        "Les électeurs de Besançon",
    ),
    (
        "typhoon_utf16.txt",
        "typhoon_utf16",
        D(2023, 11, 9),
        DateOrigin.HEADER,
        "utf-16",
        None,
        None,
        "Typhoon Lan made landfall",
    ),
    (
        "rates_utf8bom.txt",
        "rates_utf8bom",
        D(2022, 11, 30),
        DateOrigin.HEADER,
        "utf-8-sig",
        None,
        None,
        "The central bank raised",
    ),
]


@pytest.mark.parametrize(
    ("name", "sid", "published", "origin", "encoding", "title", "outlet", "story_start"),
    FIXTURE_CASES,
)
def test_fixture_articles(
    name: str,
    sid: str,
    published: dt.date,
    origin: DateOrigin,
    encoding: str,
    title: str | None,
    outlet: str | None,
    story_start: str,
) -> None:
    src = _one(ARTICLES / name)
    assert src.id == sid
    assert src.published == published
    assert src.published_from is origin
    assert src.encoding == encoding
    assert src.title == title
    assert src.outlet == outlet
    assert src.text[src.header_end :].startswith(story_start)
    assert "\ufffd" not in src.text


def test_html_text_is_the_extracted_main_text() -> None:
    src = _one(ARTICLES / "valley_flood.html")
    assert src.url == "https://valleycourier.example/news/severn-floods"
    assert "rescued 23 people" in src.text
    for junk in ("<p>", "trackPageView", "font-family", "Sport", "All rights reserved"):
        assert junk not in src.text


def test_markdown_front_matter_is_header() -> None:
    src = _one(ARTICLES / "harbour_election.md")
    assert src.text.startswith("---\ntitle:")
    assert src.url == "https://coastaltimes.example/politics/harbour-majority"
    assert "date: 2023-05-05" in src.text[: src.header_end]


def test_jsonl_records() -> None:
    result = ingest([ARTICLES / "market_news.jsonl"])
    assert result.failures == ()
    first, second = result.sources
    assert (first.id, first.published, first.published_from) == (
        "northwind-q3",
        D(2024, 10, 24),
        DateOrigin.JSONL,
    )
    assert first.outlet == "Business Wire Daily"
    assert first.path.endswith("market_news.jsonl:1")
    assert first.text.startswith("Northwind Foods reported")
    # no date field: inferred from "on Monday (October 21, 2024)"
    assert (second.id, second.published, second.published_from) == (
        "market_news-2",
        D(2024, 10, 21),
        DateOrigin.INFERRED,
    )
    assert second.title == "Port strike ends after 9 days"


# --------------------------------------------------------------------------- encodings

ENCODING_CASES = [
    ("cp1252", "Ministers in Lisbon said: “we’ll rebuild” — café owners agreed.", {"cp1252"}),
    ("latin-1", "Le préfet a déclaré à Besançon que la crue était très forte.", {"cp1252"}),
    (
        "utf-16",
        "Die Flut in Köln erreichte 9,8 Meter, sagte die Stadt – Straßen gesperrt.",
        {"utf-16"},
    ),
    ("utf-16-le", "Rescuers in Valencia reached 120 stranded drivers overnight.", {"utf-16-le"}),
    ("utf-8-sig", "Ålesund fire crews contained the blaze at 04:10.", {"utf-8-sig"}),
    ("utf-32", "Sirens sounded in Haifa as 40 rockets were fired.", {"utf-32"}),
    ("cp1250", "Wojewoda śląski powiedział, że woda zalała ulice Kłodzka.", {"cp1250"}),
]


@pytest.mark.parametrize(("codec", "text", "expected"), ENCODING_CASES)
def test_decode_bytes(codec: str, text: str, expected: set[str], tmp_path: Path) -> None:
    data = text.encode(codec)
    decoded, encoding = decode_bytes(data)
    assert decoded == text
    assert encoding in expected
    path = tmp_path / "story.txt"
    path.write_bytes(data)
    assert read_text(path) == (decoded, encoding)


BAD_BYTES = [
    ("empty", b"", "empty"),
    ("whitespace", b" \n\t\n", "empty"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    ("zeros", b"\x00" * 64, "binary"),
    ("controls", bytes(range(1, 9)) * 40, "binary"),
    ("utf16-blank", "   \n".encode("utf-16"), "empty"),
]


@pytest.mark.parametrize(("label", "data", "word"), BAD_BYTES)
def test_read_text_rejects(label: str, data: bytes, word: str, tmp_path: Path) -> None:
    path = tmp_path / f"{label}.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_text(path)
    message = str(info.value)
    assert word in message
    assert str(path) in message
    assert "\n" not in message


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        (BAD / "empty.txt", "the file is empty"),
        (BAD / "blank.md", "the file is empty"),
        (BAD / "scan.txt", "binary file"),
        (BAD / "bad_front_matter.md", "YAML front matter is invalid"),
        (BAD / "script_only.html", "no article text found"),
        (FIXTURES / "no_such_story.txt", "no such file or folder"),
    ],
)
def test_bad_input_fails_with_one_line_that_names_the_file(path: Path, fragment: str) -> None:
    result = ingest([path, ARTICLES / "quake_wire.txt"])
    assert [s.id for s in result.sources] == ["quake_wire"]  # the good one still goes through
    (failure,) = result.failures
    assert failure.path == str(path)
    assert fragment in failure.reason
    assert path.name in failure.reason
    assert "\n" not in failure.reason
    assert ";" in failure.reason  # "...; what to do"


def test_jsonl_bad_lines_name_file_and_line() -> None:
    result = ingest([BAD / "broken.jsonl"])
    assert [s.id for s in result.sources] == ["broken-1"]
    reasons = {f.path.rsplit(":", 1)[1]: f.reason for f in result.failures}
    assert set(reasons) == {"2", "3", "4"}
    assert "not valid JSON" in reasons["2"]
    assert '"text"' in reasons["3"]
    assert "JSON object" in reasons["4"]
    assert all("broken.jsonl:" in r for r in reasons.values())


def test_folder_without_articles(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("Storm hits coast.\n", encoding="utf-8")
    result = ingest([tmp_path])
    assert result.sources == ()
    (failure,) = result.failures
    assert "has no articles" in failure.reason and str(tmp_path) in failure.reason


def test_whole_bad_folder_reports_every_file() -> None:
    result = ingest([BAD, ARTICLES])
    failed = {Path(f.path.split(".jsonl:")[0]).stem for f in result.failures}
    assert failed == {"empty", "blank", "scan", "bad_front_matter", "script_only", "broken"}
    assert len(result.sources) == 1 + 7 + 2  # broken.jsonl:1, 7 articles, 2 jsonl records


# --------------------------------------------------------------------------- folders and ids


def test_folder_recursion_order_hidden_and_duplicate_ids(tmp_path: Path) -> None:
    for rel in ["b/wildfire.txt", "a/wildfire.txt", "a/zeta.md", ".git/x.txt", "a/.draft.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"Fire crews fought a blaze near {rel} on Friday.\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = ingest([tmp_path, tmp_path / "a" / "zeta.md"])  # zeta passed twice: read once
    assert result.failures == ()
    assert [s.id for s in result.sources] == ["wildfire", "zeta", "wildfire-2"]
    assert [Path(s.path).relative_to(tmp_path).as_posix() for s in result.sources] == [
        "a/wildfire.txt",
        "a/zeta.md",
        "b/wildfire.txt",
    ]


# --------------------------------------------------------------------------- header and title

HEADER_CASES = [
    ("date: 2025-07-01\nStorm Ana hit Lisbon.", D(2025, 7, 1), "Storm Ana"),
    (" date 2024-03-03 A magnitude 6.8 earthquake struck.", D(2024, 3, 3), "A magnitude"),
    ("Date: July 1, 2025\n\nVoters in Ohio went to the polls.", D(2025, 7, 1), "Voters"),
    ("Published: 1 July 2025 10:42 BST\nShares fell 4%.", D(2025, 7, 1), "Shares"),
    ("Posted on: Tue, 02 Jan 2024\nThe ferry sank.", D(2024, 1, 2), "The ferry"),
    ("DATED 12.03.2023\nTrains were cancelled.", D(2023, 3, 12), "Trains"),
    ("2024-05-06\nPolls closed at 10pm.", D(2024, 5, 6), "Polls"),
    ("Updated: 07/04/2024 6:15 p.m. EDT\nFireworks were banned.", D(2024, 7, 4), "Fireworks"),
    (
        "Title: Dam breach floods valley\nSource: River News\nDate: 5 May 2024\n\nThe dam failed.",
        D(2024, 5, 5),
        "The dam",
    ),
    # a title line before or after the date line is part of the header
    ("Dam breach floods valley\ndate: 2024-05-05\n\nThe dam failed.", D(2024, 5, 5), "The dam"),
    ("date: 2024-05-05\nDam breach floods valley\nThe dam failed.", D(2024, 5, 5), "The dam"),
    (
        "date: 2010-01-12\n(untitled; archive doc 17)\nHaiti lies on a fault.",
        D(2010, 1, 12),
        "Haiti",
    ),
    # not headers
    ("Storm Ana hits Lisbon\nStorm Ana hit Lisbon on Monday.\n", None, "Storm Ana hits"),
    ("2024 was a record year for floods.\nMore rain fell.", None, "2024 was"),
    ("Date palms are dying in Basra.\nFarmers blame salt.", None, "Date palms"),
    ("July 1, 2025 was the hottest day on record in Madrid.", None, "July 1"),
    ("Published reports say 12 died.\nRescue continues.", None, "Published reports"),
]


@pytest.mark.parametrize(("text", "published", "story_start"), HEADER_CASES)
def test_parse_header(text: str, published: dt.date | None, story_start: str) -> None:
    header = parse_header(text)
    assert header.published == published
    assert text[header.end :].startswith(story_start)


def test_header_fields() -> None:
    text = (
        "Title: Dam breach floods valley\nSource: River News\nURL: https://r.example/d\n\nIt broke."
    )
    fields = parse_header(text).fields
    assert fields == {
        "title": "Dam breach floods valley",
        "outlet": "River News",
        "url": "https://r.example/d",
    }


def test_plain_text_header_fields_reach_the_source(tmp_path: Path) -> None:
    path = tmp_path / "dam.txt"
    path.write_text("Title: Dam breach floods valley\nSource: River News\n\nThe dam failed.\n")
    src = _one(path)
    assert (src.title, src.outlet, src.published_from) == (
        "Dam breach floods valley",
        "River News",
        DateOrigin.UNKNOWN,
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Dam breach floods valley\ndate: 2024-05-05\n\nThe dam failed.\n",
            "Dam breach floods valley",
        ),
        (
            "date: 2024-05-05\nDam breach floods valley\nThe dam failed.\n",
            "Dam breach floods valley",
        ),
        ("date: 2010-01-12\n(untitled; archive doc 17)\nHaiti lies on a fault line.\n", None),
        ("Title: (untitled)\ndate: 2010-01-12\n\nHaiti lies on a fault line.\n", None),
    ],
)
def test_title_and_date_lines_are_a_header(tmp_path: Path, text: str, title: str | None) -> None:
    path = tmp_path / "dam-report_3f2a9c1d7e5b.txt"
    path.write_text(text, encoding="utf-8")
    src = _one(path)
    assert (src.title, src.published, src.published_from) == (
        title,
        dt.date.fromisoformat(text.split("date: ")[1][:10]),
        DateOrigin.HEADER,
    )
    assert published_text(src).endswith("(from the date line)")
    story = src.text[src.header_end :]
    assert story.startswith(("The dam", "Haiti")) and "untitled" not in story
    assert source_name(src) == (title or "dam-report")  # a placeholder is no name


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Floods force 2,000 from homes in Bavaria\nHeavy rain ...",
            "Floods force 2,000 from homes in Bavaria",
        ),
        ("# Central bank holds rates\n\nThe bank held.", "Central bank holds rates"),
        ("Is the ceasefire holding?\nShelling resumed.", None),
        ("The river rose 3 metres overnight.\nMore rain is due.", None),
        ("Only one line, no newline", None),
        ("quiet lowercase start\nText.", None),
        ("Kyiv – In a symbolic counterstrike, a drone hit a plant.\nMore.", None),
    ],
)
def test_headline_at(text: str, title: str | None) -> None:
    assert headline_at(text, 0) == title


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-10-24", D(2024, 10, 24)),
        ("2024-10-24T08:00:00Z", D(2024, 10, 24)),
        ("October 24, 2024", D(2024, 10, 24)),
        ("Sept. 3, 2023", D(2023, 9, 3)),
        ("3rd of September 2023", D(2023, 9, 3)),
        ("Thu, 24 Oct 2024 08:00:00 +0000", D(2024, 10, 24)),
        ("13/02/2024", D(2024, 2, 13)),
        (dt.datetime(2024, 1, 5, 9, 30), D(2024, 1, 5)),
        (D(2024, 1, 5), D(2024, 1, 5)),
        ("2024-02-30", None),
        ("yesterday", None),
        (20240105, None),
    ],
)
def test_parse_written_date(value: object, expected: dt.date | None) -> None:
    assert parse_written_date(value) == expected


@pytest.mark.parametrize(
    "written",
    ["June 1, 2025", "1 June 2025", "1st of June 2025", "2025-06-01", "06/01/2025", "01.06.2025"],
)
def test_a_date_as_written_reads_as_the_same_date_in_prose(written: str) -> None:
    """One grammar: a header's date and the same words in a story name the same day."""
    assert parse_written_date(written) == D(2025, 6, 1)
    resolved = resolve_expression(written, D(2030, 1, 1))
    assert resolved is not None
    assert (resolved.start, resolved.precision) == (D(2025, 6, 1), Precision.DAY)
    header = parse_header(f"Published: {written.upper()} 10:42 BST\nThe ferry sank.\n")
    assert header.published == D(2025, 6, 1)


def test_inference_ignores_dates_in_appended_junk(tmp_path: Path) -> None:
    path = tmp_path / "ferry.txt"
    path.write_text(
        "A ferry carrying 300 passengers ran aground off Crete, the coastguard said.\n"
        "All passengers were rescued.\n"
        "Related Articles\n"
        "Harbour Gazette\n13 minutes ago\n"
        "Port strike ends 07/01/2025 04:30 PM EDT\n",
        encoding="utf-8",
    )
    src = _one(path)
    assert src.published is None
    assert src.published_from is DateOrigin.UNKNOWN


# --------------------------------------------------------------------------- --published


def test_published_override_by_id_and_file_name() -> None:
    result = ingest(
        [ARTICLES / "quake_wire.txt", ARTICLES / "besancon_latin1.txt"],
        published={"quake_wire": D(2024, 3, 4), "besancon_latin1.txt": D(2024, 6, 3)},
    )
    assert result.failures == ()
    assert [(s.published, s.published_from) for s in result.sources] == [
        (D(2024, 3, 4), DateOrigin.CLI),
        (D(2024, 6, 3), DateOrigin.CLI),
    ]


def test_published_override_for_unknown_id_is_a_failure() -> None:
    result = ingest([ARTICLES / "quake_wire.txt"], published={"quake": D(2024, 3, 4)})
    assert result.sources[0].published_from is DateOrigin.HEADER
    (failure,) = result.failures
    assert "quake_wire" in failure.reason and "--published quake" in failure.reason


# --------------------------------------------------------------------------- seeds


def test_seeds_ingest() -> None:
    result = ingest([SEEDS])
    assert result.failures == ()
    by_id = {s.id[:3]: s for s in result.sources}
    assert sorted(by_id) == ["000", "001", "002", "003", "004"]
    s000 = by_id["000"]
    assert (s000.published, s000.published_from) == (D(2025, 7, 1), DateOrigin.HEADER)
    assert s000.text[: s000.header_end] == " date 2025-07-01 "
    assert s000.text[s000.header_end :].startswith("A Ukrainian drone")
    s004 = by_id["004"]
    assert s004.published_from is DateOrigin.INFERRED
    assert s004.published in (D(2025, 6, 1), D(2025, 6, 2))
    assert by_id["001"].title == (
        "Ukrainian drone hits a plant deep inside Russia after record Russian drone attacks in June"
    )
    # 001 has no date of its own; its "said Tuesday" / "late Monday" agree with 000's
    # Tuesday 2025-07-01, so it borrows that date from the run.
    assert (by_id["001"].published, by_id["001"].published_from) == (
        D(2025, 7, 1),
        DateOrigin.RUN,
    )
    for key in ("002", "003"):
        src = by_id[key]
        assert src.published_from in (DateOrigin.UNKNOWN, DateOrigin.INFERRED, DateOrigin.RUN)
        if src.published is not None:
            assert D(2025, 6, 1) <= src.published <= D(2025, 7, 2)
    assert all(s.encoding == "utf-8" for s in result.sources)


def test_jsonl_written_round_trip(tmp_path: Path) -> None:
    records = [
        {"id": 7, "text": "Parliament passed the budget on Tuesday.", "date": "2024-12-10"},
        {"id": 7, "text": "The opposition walked out.", "date": "not a date"},
    ]
    path = tmp_path / "budget.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = ingest([path])
    assert [s.id for s in result.sources] == ["7", "7-2"]
    assert result.sources[1].published_from is DateOrigin.UNKNOWN


def test_inference_takes_an_explicit_date_whose_weekday_agrees(tmp_path: Path) -> None:
    path = tmp_path / "talks.txt"
    path.write_text(
        "Negotiators met in Geneva on Friday (March 8, 2024) and again on 9 March 2024.\n",
        encoding="utf-8",
    )
    src = _one(path)
    assert (src.published, src.published_from) == (D(2024, 3, 8), DateOrigin.INFERRED)


# --------------------------------------------------------------------------- fuzz


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".txt", ".md", ".jsonl", ".html"]))
def test_random_bytes_never_crash_ingest(data: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    result = ingest([path])
    assert result.sources or result.failures
    for failure in result.failures:
        assert "\n" not in failure.reason and "fuzz" in failure.reason
    for src in result.sources:
        assert 0 <= src.header_end <= len(src.text)
        cleaned = clean(src)
        assert all(0 <= k.start <= k.end <= len(src.text) for k in cleaned.kept)


def test_seed_001_alone_has_no_date() -> None:
    (path,) = SEEDS.glob("001_*.txt")
    src = _one(path)  # the teaser's "07/01/2025 04:30 PM" is junk and is not used
    assert (src.published, src.published_from) == (None, DateOrigin.UNKNOWN)


def test_undated_article_borrows_an_agreeing_date_from_the_run(tmp_path: Path) -> None:
    (tmp_path / "a_wire.txt").write_text(
        "date: 2024-03-05\nThe Senate passed the farm bill on Tuesday, 61 to 39.\n"
    )
    (tmp_path / "b_paper.txt").write_text(
        "The Senate passed the farm bill, its leader said Tuesday.\n"
        "Negotiators reached a deal late Monday after a week of talks.\n"
    )
    (tmp_path / "c_blog.txt").write_text("The farm bill is the largest in a decade.\n")
    (tmp_path / "d_old.txt").write_text("date: 2024-02-10\nFarmers protested on Saturday.\n")
    by_id = {s.id: s for s in ingest([tmp_path]).sources}
    assert (by_id["b_paper"].published, by_id["b_paper"].published_from) == (
        D(2024, 3, 5),
        DateOrigin.RUN,
    )
    assert by_id["c_blog"].published_from is DateOrigin.UNKNOWN


def test_bytes_that_look_like_utf16_but_are_not_fail_as_binary(tmp_path: Path) -> None:
    """NULs in every other byte but a lone surrogate (found by test_fuzz): a one-line
    failure, not a UnicodeDecodeError."""
    path = tmp_path / "odd.txt"
    path.write_bytes(b"\x01\x00\x01\xd8")
    result = ingest([path])
    assert not result.sources
    assert "binary" in result.failures[0].reason

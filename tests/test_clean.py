"""Tests for summarizer.stages.clean: junk rules, aggregator tails, offsets, the inspect report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.models import CleanedSource, DateOrigin, Source
from summarizer.stages.clean import Line, classify_line, clean, format_inspection, split_lines
from summarizer.stages.ingest import ingest

SEEDS = Path(__file__).parent.parent / "seeds"


def _line(text: str) -> Line:
    return Line(0, len(text), text)


def _source(text: str, header_end: int = 0) -> Source:
    return Source(id="t", path="t.txt", text=text, header_end=header_end)


def _seed(prefix: str) -> Source:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return ingest([path]).sources[0]


# --------------------------------------------------------------------------- single lines

JUNK_LINES = [
    # aggregator blocks
    ("Hashtags", "hashtags"),
    ("#Floods #Bavaria #ClimateCrisis", "hashtags"),
    ("Tags:", "hashtags"),
    ("Comments", "comments"),
    ("No comments yet...", "comments"),
    ("12 comments", "comments"),
    ("Be the first to comment on this story", "comments"),
    ("Join the conversation", "comments"),
    ("Try Our AI Features", "promo"),
    ("Explore what NewsPulse AI can do for you:", "promo"),
    ("Advertisement", "promo"),
    ("Story continues below advertisement", "promo"),
    ("Download our free app for breaking news alerts", "promo"),
    # share, subscribe
    ("Share this article", "share-prompt"),
    ("Facebook | Twitter | Email", "share-prompt"),
    ("Follow us on Instagram for more stories", "share-prompt"),
    ("Subscribe to our newsletter for the latest election results.", "subscribe-prompt"),
    ("Sign up for the Morning Briefing", "subscribe-prompt"),
    ("Get our daily newsletter delivered to your inbox", "subscribe-prompt"),
    (
        "Our free climate newsletter lands in your inbox every Friday. Sign up here.",
        "subscribe-prompt",
    ),
    # related links, timestamps, copyright
    ("READ MORE: Five things to know about the Bavarian floods", "related-link"),
    ("Related: Chile copper output falls for a third month", "related-link"),
    ("13 minutes ago", "timestamp"),
    ("Updated 2 hours ago", "timestamp"),
    ("© 2024 The Associated Press. All rights reserved.", "copyright"),
    ("This material may not be published, broadcast, rewritten or redistributed.", "copyright"),
    # photo captions
    ("Rescue workers search a collapsed house in Arequipa (Martin Mejia/AP)", "photo-caption"),
    ("Chancellor Olaf Scholz visits Passau (Sven Hoppe/dpa)", "photo-caption"),
    ("Flood water in Passau's old town. (Reuters)", "photo-caption"),
    ("Photo: Lukas Barth/Getty Images", "photo-caption"),
    ("Photograph by Jane Lee for The Guardian", "photo-caption"),
    ("Voters queue in Accra. Photograph: Nipah Dennis/AFP", "photo-caption"),
    (
        "A man wades through a street in Valencia | Jose Jordan/AFP via Getty Images",
        "photo-caption",
    ),
    ("![Flooded street](images/passau.jpg)", "photo-caption"),
    ("Smoke rises over the harbour, via Reuters", "photo-caption"),
    ("Smoke rises over the harbour (Reuters photo)", None),
    # bylines
    ("By Jane Doe", "byline"),
    ("By MARIA CHENG and JOHN LEICESTER", "byline"),
    ("By Kwame Mensah, Associated Press", "byline"),
    ("Novikov and Burrows write for the Associated Press.", "byline"),
    ("Luis Ortega writes for Reuters.", "byline"),
    ("Associated Press writer Ana Lopez in Lima contributed to this report.", "byline"),
    ("Reporting by Tom Bergin; Editing by Alex Richardson", "byline"),
    ("(Additional reporting by Sarah Marsh in Berlin)", "byline"),
    ("Priya Nair is a staff reporter for the Mumbai Mirror.", "byline"),
]

STORY_LINES = [
    "By Monday, rescuers had reached the village of Sankt Veit.",
    "By the end of the year, exports had doubled to 4 billion euros.",
    "Subscribers to the streaming service rose 4% to 260 million in the quarter.",
    "The company's newsletter said profits fell 12% in the third quarter.",
    "More than 2,000 people were evacuated from Passau on Sunday.",
    "Related charges were filed against two executives, prosecutors said.",
    "Comments by the minister angered opposition lawmakers.",
    "Share prices in Tokyo fell 3% after the announcement.",
    "The ministry said 14 people died (including two children) in the floods.",
    "The river is expected to peak at 9.8 metres (32 feet) on Tuesday.",
    "Lopez writes for the first time about her years in prison in a new memoir.",
    "Zelensky said the drones struck 41 bombers (Reuters reported 40).",
    "Photographers were barred from the courtroom on Monday.",
    "The flood hotline now runs around the clock (24/7)",
    "Copyright lawyers say the ruling will be appealed.",
    "Categories of aid were cut",
    "Topics covered",
    "Emergency crews worked through the night (rescue/recovery)",
    "Water levels rose on the A9 motorway/bypass",
    "Sign language interpreters stood beside the minister.",
    "Floods force 2,000 from homes in Bavaria",
    "Kyiv Ramps Up Long-Range Counterattacks",
    "“We are asking people to leave now,” said Karen Hollis, the flood duty manager.",
    "He said on Telegram late Monday that the strike was a success.",
]


@pytest.mark.parametrize(("text", "reason"), JUNK_LINES)
def test_junk_lines_are_dropped(text: str, reason: str) -> None:
    assert classify_line(_line(text)) == reason


@pytest.mark.parametrize("text", STORY_LINES)
def test_story_lines_are_kept(text: str) -> None:
    assert classify_line(_line(text)) is None


# --------------------------------------------------------------------------- whole articles

STORY = (
    "Floods force 2,000 from homes in Bavaria\n"
    "More than 2,000 people were evacuated in Passau on Sunday as the Danube rose to 9.8 m.\n\n"
    "Flood water in the old town (Lukas Barth/Reuters)\n\n"
    "Chancellor Olaf Scholz said the federal government would help. “We will not leave "
    "anyone alone,” he said.\n"
    "By Anna Weber\n"
    "The Danube is expected to peak on Tuesday, the flood centre said.\n"
)

TAIL_CASES = [
    ("Related Articles\n\nHarbour Gazette\n13 minutes ago\n- Harbour Gazette\nPort strike ends\n"),
    ("More from Alpine News\nSki resorts report record snow\nResorts in Tyrol said 2 m fell.\n"),
    ("Read more\nSki resorts report record snow\n"),
    ("Recommended for you:\nMarkets rally as inflation cools\nShares rose 2%.\n"),
    ("You may also like\nHow to prepare your home for floods\n"),
    ("Alpine News\n27 minutes ago\nSki resorts report record snow as Tyrol braces for snow\n"),
    ("Most Read\n1. Ski resorts report record snow\n2. Markets rally\n"),
    ("More on this story\nSki resorts report record snow\n"),
]


@pytest.mark.parametrize("tail", TAIL_CASES)
def test_aggregator_tail_is_dropped_and_story_kept(tail: str) -> None:
    text = STORY + "Hashtags\n#Floods\nComments\nNo comments yet...\n" + tail
    cleaned = clean(_source(text))
    kept = cleaned.kept_text()
    assert "Ski resorts" not in kept and "Port strike" not in kept and "Markets rally" not in kept
    assert "How to prepare" not in kept and "ago" not in kept and "Hashtags" not in kept
    assert "Lukas Barth" not in kept and "Anna Weber" not in kept
    for story_line in (
        "Floods force 2,000 from homes in Bavaria",
        "More than 2,000 people were evacuated",
        "“We will not leave anyone alone,” he said.",
        "The Danube is expected to peak on Tuesday, the flood centre said.",
    ):
        assert story_line in kept
    last = cleaned.dropped[-1]
    assert last.reason == "related-articles"
    assert text[last.end :].strip() == ""


def test_tail_heading_before_any_story_does_not_wipe_the_article() -> None:
    text = "Related\nMore than 2,000 people were evacuated in Passau on Sunday.\nThe river rose.\n"
    cleaned = clean(_source(text))
    assert "More than 2,000 people" in cleaned.kept_text()
    assert "The river rose." in cleaned.kept_text()


def test_header_is_neither_kept_nor_dropped() -> None:
    text = " date 2024-03-03 A magnitude 6.8 earthquake struck Peru.\n\nFour people died.\n"
    cleaned = clean(_source(text, header_end=17))
    assert cleaned.kept[0].start == 17
    assert cleaned.kept_text() == "A magnitude 6.8 earthquake struck Peru.\nFour people died."


def test_crlf_line_endings() -> None:
    text = "Storm hits Lisbon.\r\nBy Rui Costa\r\n\r\nTrees fell on 40 cars.\r\n"
    cleaned = clean(_source(text))
    assert cleaned.kept_text() == "Storm hits Lisbon.\nTrees fell on 40 cars."
    assert [(text[d.start : d.end], d.reason) for d in cleaned.dropped] == [
        ("By Rui Costa", "byline")
    ]


# --------------------------------------------------------------------------- seeds


def test_seed_001_related_articles_are_gone_and_story_is_whole() -> None:
    src = _seed("001")
    cleaned = clean(src)
    kept = cleaned.kept_text()
    for junk in (
        "Kim Jong Un",
        "Pentagon",
        "Boston Globe",
        "Politico",
        "Hashtags",
        "Comments",
        "Try Our AI Features",
        "Daily8",
        "minutes ago",
        "write for the Associated Press",
    ):
        assert junk not in kept, junk
    assert kept.endswith("the institute said last month.")
    story_end = src.text.index("the institute said last month.") + len(
        "the institute said last month."
    )
    story_lines = [ln.text for ln in split_lines(src.text[:story_end])]
    assert len(story_lines) == 19
    assert kept.split("\n") == story_lines
    reasons = [d.reason for d in cleaned.dropped]
    assert reasons == ["byline", "hashtags", "promo", "comments", "related-articles"]


def test_seed_000_captions_dropped_quotes_kept() -> None:
    src = _seed("000")
    cleaned = clean(src)
    kept = cleaned.kept_text()
    assert "Efrem Lukatsky" not in kept and "Jaimi Joy" not in kept
    assert "date 2025-07-01" not in kept
    assert kept.startswith("A Ukrainian drone has struck")
    assert "he said late on Monday" in kept
    assert [d.reason for d in cleaned.dropped] == ["photo-caption", "photo-caption"]


@pytest.mark.parametrize("prefix", ["002", "003", "004"])
def test_seeds_without_junk_keep_everything(prefix: str) -> None:
    src = _seed(prefix)
    cleaned = clean(src)
    assert cleaned.dropped == ()
    assert cleaned.kept_text() == "\n".join(ln.text for ln in split_lines(src.text))


# --------------------------------------------------------------------------- offsets (property)

JUNK_SNIPPETS = [
    "Related Articles",
    "13 minutes ago",
    "Hashtags",
    "By Jane Doe",
    "A flooded street (Jose Jordan/AFP)",
    "Comments",
    "Share this article",
]
paragraphs = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
    st.sampled_from(JUNK_SNIPPETS),
    st.sampled_from(["Floods hit Passau.", "", "   ", "\u2028", "\t"]),
)
separators = st.sampled_from(["\n", "\r\n", "\n\n", "\r", " "])


def _check_offsets(cleaned: CleanedSource) -> None:
    text = cleaned.source.text
    header_end = min(max(cleaned.source.header_end, 0), len(text))
    spans = sorted(
        [(k.start, k.end) for k in cleaned.kept] + [(d.start, d.end) for d in cleaned.dropped]
    )
    covered = [False] * len(text)
    for i in range(header_end):
        covered[i] = True
    prev_end = header_end
    for start, end in spans:
        assert header_end <= start <= end <= len(text)
        assert start >= prev_end, "ranges overlap"
        prev_end = end
        for i in range(start, end):
            covered[i] = True
    for i, ch in enumerate(text):
        assert covered[i] or ch.isspace(), f"char {i} {ch!r} neither kept, dropped nor space"
    for k in cleaned.kept:
        piece = text[k.start : k.end]
        assert piece == piece.strip() and piece


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(paragraphs, separators), max_size=12), st.integers(-5, 400))
def test_offsets_stay_inside_and_cover_the_text(
    parts: list[tuple[str, str]], header_end: int
) -> None:
    text = "".join(p + s for p, s in parts)
    source = Source(id="p", path="p.txt", text=text, header_end=max(0, min(header_end, len(text))))
    _check_offsets(clean(source))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_any_text_cleans_without_error(text: str) -> None:
    _check_offsets(clean(_source(text)))


# --------------------------------------------------------------------------- inspect


def test_format_inspection_on_seed_001() -> None:
    src = _seed("001").model_copy(
        update={"published": dt.date(2025, 7, 1), "published_from": DateOrigin.CLI}
    )
    report = format_inspection(clean(src))
    assert "id:        001_d3990826fc62feba" in report
    assert "title:     Ukrainian drone hits a plant" in report
    assert "published: 2025-07-01 (given with --published)" in report
    assert "encoding:  utf-8" in report
    kept_part, dropped_part = report.split("--- dropped ---")
    assert "Kellogg said on the social platform X late Monday" in kept_part
    assert "Pentagon" not in kept_part
    dropped_lines = dropped_part.strip().splitlines()
    assert (
        dropped_lines[0].startswith("[")
        and "] byline: Novikov and Burrows write" in dropped_lines[0]
    )
    last = dropped_lines[-1]
    assert "] related-articles: Related Articles New York Post 13 minutes ago" in last
    assert last.endswith("...")
    start, end = last[1 : last.index("]")].split(":")
    assert src.text[int(start) : int(end)].startswith("Related Articles")


def test_format_inspection_shows_header_and_nothing_dropped() -> None:
    source = Source(
        id="quake",
        path="quake.txt",
        text="date: 2024-03-03\nA quake struck Peru.\n",
        header_end=17,
    )
    report = format_inspection(clean(source))
    assert "published: unknown (pass --published quake=YYYY-MM-DD)" in report
    assert "header:    [0:17] date: 2024-03-03" in report
    assert "(nothing dropped)" in report
    assert "A quake struck Peru." in report


@pytest.mark.parametrize(
    "subhead",
    ["More from the hearing", "Related concerns", "Most read passages", "Recommended dose"],
)
def test_story_subheadings_do_not_start_a_tail(subhead: str) -> None:
    text = (
        "The inquiry into the Riverton levee opened on Monday.\n"
        f"{subhead}\n"
        "Engineers told the inquiry they had warned about the levee in 2023.\n"
    )
    cleaned = clean(_source(text))
    assert cleaned.dropped == ()
    assert "warned about the levee in 2023." in cleaned.kept_text()

"""Dates resolved in code: expressions, sentences, publication-date inference, events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.models import (
    AlignmentStatus,
    Engine,
    Event,
    Precision,
    ResolvedDate,
    Source,
    SourceExtraction,
)
from summarizer.stages.dates import (
    date_events,
    find_temporal_expressions,
    infer_from_related,
    infer_publication_date,
    resolve_expression,
    resolve_sentence_date,
)

D = dt.date
TUE_2025_07_01 = D(2025, 7, 1)  # a Tuesday
FRI_2025_01_03 = D(2025, 1, 3)  # a Friday
WED_2025_12_10 = D(2025, 12, 10)
SUN_2024_03_10 = D(2024, 3, 10)
MON_2023_11_06 = D(2023, 11, 6)

DAY, MONTH, YEAR, RANGE = Precision.DAY, Precision.MONTH, Precision.YEAR, Precision.RANGE


def _seed(seeds_dir: Path, prefix: str) -> str:
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


# (expression, published, expected iso(), expected iso_end(), precision)
EXPRESSION_CASES = [
    # weekdays, past reference
    ("late Monday", TUE_2025_07_01, "2025-06-30", None, DAY),
    ("late on Monday", TUE_2025_07_01, "2025-06-30", None, DAY),
    ("on Tuesday", TUE_2025_07_01, "2025-07-01", None, DAY),
    ("Sunday afternoon", TUE_2025_07_01, "2025-06-29", None, DAY),
    ("early Saturday", SUN_2024_03_10, "2024-03-09", None, DAY),
    ("on Friday night", MON_2023_11_06, "2023-11-03", None, DAY),
    ("last Monday", MON_2023_11_06, "2023-10-30", None, DAY),
    # "last" before a weekday earlier in the publication's own week: the week before's
    ("last Monday", WED_2025_12_10, "2025-12-01", None, DAY),
    ("last Tuesday's", D(2025, 12, 13), "2025-12-02", None, DAY),  # a Saturday
    ("last Friday", WED_2025_12_10, "2025-12-05", None, DAY),  # last week's anyway
    ("last Sunday", WED_2025_12_10, "2025-12-07", None, DAY),  # the weekend just past
    ("last Wednesday", SUN_2024_03_10, "2024-03-06", None, DAY),  # a Sunday: its week
    ("this past Monday", WED_2025_12_10, "2025-12-08", None, DAY),
    ("this past Sunday", TUE_2025_07_01, "2025-06-29", None, DAY),
    # weekdays, future
    ("next Monday", TUE_2025_07_01, "2025-07-07", None, DAY),
    ("next Friday", FRI_2025_01_03, "2025-01-10", None, DAY),
    ("will meet on Monday", TUE_2025_07_01, "2025-07-07", None, DAY),
    ("is due to vote on Thursday", TUE_2025_07_01, "2025-07-03", None, DAY),
    # a statement still to come is future too (a past one dates the statement)
    ("will be announced on Friday", TUE_2025_07_01, "2025-07-04", None, DAY),
    ("will be formally announced on 18 January", WED_2025_12_10, "2026-01-18", None, DAY),
    ("was announced on Friday", TUE_2025_07_01, "2025-06-27", None, DAY),
    # day words
    ("overnight", TUE_2025_07_01, "2025-07-01", None, DAY),
    ("during the night", SUN_2024_03_10, "2024-03-10", None, DAY),
    ("yesterday", FRI_2025_01_03, "2025-01-02", None, DAY),
    ("late yesterday", D(2024, 3, 1), "2024-02-29", None, DAY),
    ("today", MON_2023_11_06, "2023-11-06", None, DAY),
    ("last night", D(2025, 1, 1), "2024-12-31", None, DAY),
    ("tomorrow", D(2024, 12, 31), "2025-01-01", None, DAY),
    ("the day before yesterday", TUE_2025_07_01, "2025-06-29", None, DAY),
    # weeks, months, years relative to publication
    ("this week", TUE_2025_07_01, "2025-06-30", "2025-07-01", RANGE),
    ("later this week", TUE_2025_07_01, "2025-07-01", "2025-07-06", RANGE),
    ("last week", TUE_2025_07_01, "2025-06-23", "2025-06-29", RANGE),
    ("next week", WED_2025_12_10, "2025-12-15", "2025-12-21", RANGE),
    ("last weekend", TUE_2025_07_01, "2025-06-28", "2025-06-29", RANGE),
    ("in the past week", TUE_2025_07_01, "2025-06-24", "2025-07-01", RANGE),
    ("last month", TUE_2025_07_01, "2025-06", None, MONTH),
    ("last month", FRI_2025_01_03, "2024-12", None, MONTH),
    ("earlier this month", MON_2023_11_06, "2023-11", None, MONTH),
    ("next month", WED_2025_12_10, "2026-01", None, MONTH),
    ("last year", TUE_2025_07_01, "2024", None, YEAR),
    ("late last year", FRI_2025_01_03, "2024", None, YEAR),
    ("earlier this year", MON_2023_11_06, "2023", None, YEAR),
    ("next year", WED_2025_12_10, "2026", None, YEAR),
    # months without a year
    ("in May last year", TUE_2025_07_01, "2024-05", None, MONTH),
    ("In March this year", MON_2023_11_06, "2023-03", None, MONTH),
    ("in May", TUE_2025_07_01, "2025-05", None, MONTH),
    ("in December", FRI_2025_01_03, "2024-12", None, MONTH),
    ("in July", TUE_2025_07_01, "2025-07", None, MONTH),
    ("will meet in May", TUE_2025_07_01, "2026-05", None, MONTH),
    ("plans to reopen in September", TUE_2025_07_01, "2025-09", None, MONTH),
    ("in early June", TUE_2025_07_01, "2025-06", None, MONTH),
    ("mid-October", MON_2023_11_06, "2023-10", None, MONTH),
    ("at the end of January", FRI_2025_01_03, "2025-01", None, MONTH),
    ("last August", TUE_2025_07_01, "2024-08", None, MONTH),
    ("last June", TUE_2025_07_01, "2025-06", None, MONTH),
    # ranges
    ("between March and April", TUE_2025_07_01, "2025-03-01", "2025-04-30", RANGE),
    ("between March and April", FRI_2025_01_03, "2024-03-01", "2024-04-30", RANGE),
    ("from November to February", TUE_2025_07_01, "2024-11-01", "2025-02-28", RANGE),
    ("between 2019 and 2022", TUE_2025_07_01, "2019-01-01", "2022-12-31", RANGE),
    ("from June 3 to June 9, 2024", TUE_2025_07_01, "2024-06-03", "2024-06-09", RANGE),
    ("in January and February 2024", TUE_2025_07_01, "2024-01-01", "2024-02-29", RANGE),
    # "ago"
    ("nearly a month ago", TUE_2025_07_01, "2025-06", None, MONTH),
    ("two weeks ago", TUE_2025_07_01, "2025-06-17", None, DAY),
    ("three days ago", D(2024, 3, 2), "2024-02-28", None, DAY),
    ("about six months ago", FRI_2025_01_03, "2024-07", None, MONTH),
    ("a year ago", TUE_2025_07_01, "2024", None, YEAR),
    ("a few days ago", TUE_2025_07_01, "2025-06-27", "2025-06-29", RANGE),
    ("two hours ago", TUE_2025_07_01, "2025-07-01", None, DAY),
    ("48 hours ago", TUE_2025_07_01, "2025-06-29", None, DAY),
    # years and months with years
    ("in 2022", TUE_2025_07_01, "2022", None, YEAR),
    # a decade is its ten years, not its first one
    ("in the 1990s", TUE_2025_07_01, "1990-01-01", "1999-12-31", RANGE),
    ("the 2000s", TUE_2025_07_01, "2000-01-01", "2009-12-31", RANGE),
    ("since June 2022", TUE_2025_07_01, "2022-06", None, MONTH),
    ("February 2022", TUE_2025_07_01, "2022-02", None, MONTH),
    ("in Sept. 2021", TUE_2025_07_01, "2021-09", None, MONTH),
    # explicit dates
    ("July 1, 2025", None, "2025-07-01", None, DAY),
    ("1 July 2025", None, "2025-07-01", None, DAY),
    ("2025-07-01", None, "2025-07-01", None, DAY),
    ("07/01/2025", None, "2025-07-01", None, DAY),
    ("25/12/2024", None, "2024-12-25", None, DAY),
    ("03.04.2024", None, "2024-04-03", None, DAY),
    ("the 4th of July, 1976", None, "1976-07-04", None, DAY),
    ("on Sunday (June 1, 2025)", TUE_2025_07_01, "2025-06-01", None, DAY),
    ("Saturday, March 9, 2024", None, "2024-03-09", None, DAY),
    ("on June 30", TUE_2025_07_01, "2025-06-30", None, DAY),
    ("on Dec. 24", FRI_2025_01_03, "2024-12-24", None, DAY),
    ("on Jan. 20", WED_2025_12_10, "2025-01-20", None, DAY),
    ("will be sworn in on Jan. 20", WED_2025_12_10, "2026-01-20", None, DAY),
    # dateparser fallback for explicit forms outside the table
    ("July the 1st, 2025", None, "2025-07-01", None, DAY),
]


@pytest.mark.parametrize(("expr", "published", "iso", "iso_end", "precision"), EXPRESSION_CASES)
def test_resolve_expression(
    expr: str, published: dt.date | None, iso: str, iso_end: str | None, precision: Precision
) -> None:
    resolved = resolve_expression(expr, published or TUE_2025_07_01)
    assert resolved is not None, expr
    assert (resolved.iso(), resolved.iso_end(), resolved.precision) == (iso, iso_end, precision)
    assert resolved.expression == expr
    assert not resolved.from_publication


@pytest.mark.parametrize(
    "expr", ["", "   ", "soon", "for months", "the may be a storm", "in recent weeks", "1,600"]
)
def test_unresolvable_expressions(expr: str) -> None:
    assert resolve_expression(expr, TUE_2025_07_01) is None


def test_explicit_dates_need_no_publication_date() -> None:
    resolved = resolve_sentence_date("The treaty was signed on March 9, 2024 in Geneva.", None)
    assert resolved is not None and resolved.iso() == "2024-03-09"
    assert resolve_sentence_date("It happened on Monday.", None) is None


# (sentence, published, expected iso, expected expression or None for publication date)
SENTENCE_CASES = [
    (
        "The electoral commission said on Tuesday that turnout had reached 71 percent overnight.",
        MON_2023_11_06,
        "2023-11-06",
        "overnight",
    ),
    (
        "The governor said the levee failed on Saturday, officials said on Monday.",
        MON_2023_11_06,
        "2023-11-04",
        "on Saturday",
    ),
    (
        "“We will not give up,” the fire chief said late on Monday.",
        TUE_2025_07_01,
        "2025-06-30",
        "late on Monday",
    ),
    (
        "Unemployment fell for the first time since June 2022, the statistics office said "
        "last month.",
        TUE_2025_07_01,
        "2025-06",
        "last month",
    ),
    (
        "Investors cheered the company's February 2022 merger with its rival.",
        TUE_2025_07_01,
        "2025-07-01",
        None,
    ),
    (
        "Athletes arrived for the 2024 Paris Olympics on Friday.",
        MON_2023_11_06,
        "2023-11-03",
        "on Friday",
    ),
    (
        "The central bank will meet on Thursday to decide on rates.",
        TUE_2025_07_01,
        "2025-07-03",
        "on Thursday",
    ),
    (
        "Between March and April, the ministry shipped no new vaccines.",
        TUE_2025_07_01,
        "2025-03-01",
        "Between March and April",
    ),
    (
        "Rescue teams pulled 14 survivors from the rubble.",
        SUN_2024_03_10,
        "2024-03-10",
        None,
    ),
    (
        "The airline reported record profits on Sunday (March 10, 2024), its chief executive said.",
        SUN_2024_03_10,
        "2024-03-10",
        "on Sunday (March 10, 2024)",
    ),
    (
        "Prices have risen every month since January, the agency said on Friday.",
        MON_2023_11_06,
        "2023-11-03",
        "on Friday",
    ),
    (
        "The senator announced she would travel to Kyiv on Wednesday.",
        SUN_2024_03_10,
        "2024-03-13",
        "on Wednesday",
    ),
    (
        "The port reopened, officials said, after a cyclone closed it last month.",
        TUE_2025_07_01,
        "2025-07-01",
        None,
    ),
    (
        "While talks were held nearly a month ago, fighting has since intensified.",
        TUE_2025_07_01,
        "2025-07-01",
        None,
    ),
    (
        "After talks on Monday, the two unions called off the strike.",
        TUE_2025_07_01,
        "2025-06-30",
        "on Monday",
    ),
    (
        "Shares slumped on Friday, while the bond market rallied.",
        MON_2023_11_06,
        "2023-11-03",
        "on Friday",
    ),
    (
        "In May last year, floods destroyed the bridge, local officials claimed on Tuesday.",
        TUE_2025_07_01,
        "2024-05",
        "In May last year",
    ),
    (
        "The Sunday Courier reported on Friday that the harbour would close.",
        TUE_2025_07_01,
        "2025-06-27",
        "on Friday",
    ),
    (
        "The ferry sailed on the Sunday before the storm.",
        TUE_2025_07_01,
        "2025-06-29",
        "on the Sunday",
    ),
    (
        "The harbour, silted up since the 1980s, was dredged in the 1990s.",
        TUE_2025_07_01,
        "1990-01-01",
        "in the 1990s",
    ),
]


@pytest.mark.parametrize(("sentence", "published", "iso", "expression"), SENTENCE_CASES)
def test_resolve_sentence_date(
    sentence: str, published: dt.date, iso: str, expression: str | None
) -> None:
    resolved = resolve_sentence_date(sentence, published, offset=100)
    assert resolved is not None
    assert resolved.iso() == iso
    assert resolved.expression == expression
    assert resolved.from_publication is (expression is None)
    if expression is not None:
        assert resolved.expression_start is not None
        local = resolved.expression_start - 100
        assert sentence[local : resolved.expression_end - 100] == expression  # type: ignore[operator]


def test_find_temporal_expressions_offsets_and_prefix() -> None:
    text = "Since June 2022 the port has been shut; it reopened late on Monday."
    found = find_temporal_expressions(text, offset=50)
    assert [(m.text, m.kind) for m in found] == [
        ("Since June 2022", "month_year"),
        ("late on Monday", "weekday"),
    ]
    assert found[0].is_reference and not found[1].is_reference
    assert all(text[m.start - 50 : m.end - 50] == m.text for m in found)


@pytest.mark.parametrize(
    "text",
    [
        "Officials may release the figures later.",  # modal "may" is not the month
        "The 1,600 households lost power.",
        "Drones flew 2,022 km.",
        "Temperatures hit 40.5 degrees.",
        "He told the Sunday Herald that the harbour would stay shut.",  # a paper's name
        "Allegations made by the Sunday Courier were denied.",
    ],
)
def test_no_false_expressions(text: str) -> None:
    assert find_temporal_expressions(text) == []


# ----------------------------------------------------------------- publication date inference

INFER_CASES = [
    ("Officials told reporters on Sunday (June 1, 2025) that the dam held.", D(2025, 6, 1)),
    ("By Ana Ruiz 07/01/2025 04:30 PM EDT\nThe port reopened.", D(2025, 7, 1)),
    ("Published: March 3, 2024\n\nThe vote was delayed.", D(2024, 3, 3)),
    ("LIMA, Peru — Saturday, March 9, 2024 — Protesters marched.", D(2024, 3, 9)),
    # a weekday that does not agree with the date: unsure
    ("Officials spoke on Monday (June 1, 2025) about the dam.", None),
    # only relative references: unsure
    ("The dam burst late on Monday, officials said.", None),
    # a future date is never the publication date
    ("x " * 300 + "The summit will be held on Friday, October 3, 2025.", None),
    # a historical date deep in the story is not a dateline
    ("x " * 300 + "The company was founded on May 4, 1998 in Ohio.", None),
]


@pytest.mark.parametrize(("text", "expected"), INFER_CASES)
def test_infer_publication_date(text: str, expected: dt.date | None) -> None:
    assert infer_publication_date(text, today=D(2026, 1, 1)) == expected


def test_infer_weekday_month_day_without_year() -> None:
    text = "Rescuers worked through Sunday, June 1, as rain continued."
    assert infer_publication_date(text, today=D(2025, 9, 1)) == D(2025, 6, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The mayor said Tuesday the river crested late Monday.", D(2025, 7, 1)),
        ("Rescuers searched through Sunday; on Saturday the dam failed.", D(2025, 6, 1)),
        ("The vote will be held on Tuesday.", None),  # future: no evidence
        ("No weekday at all in this story.", None),
        ("Crews worked on Monday.", None),  # agrees with both candidates: a tie
    ],
)
def test_infer_from_related(text: str, expected: dt.date | None) -> None:
    # 2025-07-01 is a Tuesday, 2025-06-01 a Sunday, 2025-06-03 a Tuesday (Monday the day before)
    candidates = [D(2025, 7, 1), D(2025, 6, 1)]
    if "Crews" in text:
        candidates = [D(2025, 7, 1), D(2025, 6, 3)]
    assert infer_from_related(text, candidates) == expected


def test_infer_from_related_seed_001(seeds_dir: Path) -> None:
    text = _seed(seeds_dir, "001")
    assert infer_from_related(text, [D(2025, 7, 1), D(2025, 6, 1)]) == D(2025, 7, 1)


# ----------------------------------------------------------------- events


def _source(text: str, published: dt.date | None) -> Source:
    return Source(id="s1", path="s1.txt", text=text, published=published)


def _event(source: Source, quote: str, **kw: object) -> Event:
    start = source.text.index(quote)
    return Event(
        source_id=source.id,
        text=quote,
        quote=quote,
        start=start,
        end=start + len(quote),
        **kw,  # type: ignore[arg-type]
    )


def _extraction(*events: Event) -> SourceExtraction:
    return SourceExtraction(source_id="s1", summary=(), events=events, engine=Engine.LLM)


def test_date_events_from_quote_with_offsets() -> None:
    text = "Header.\nThe mayor said late on Monday that the bridge would reopen."
    source = _source(text, TUE_2025_07_01)
    quote = "The mayor said late on Monday that the bridge would reopen."
    (event,) = date_events(_extraction(_event(source, quote)), source).events
    assert event.date is not None and event.date.iso() == "2025-06-30"
    start, end = event.date.expression_start, event.date.expression_end
    assert start is not None and end is not None and text[start:end] == "late on Monday"


def test_date_events_model_expression_and_note() -> None:
    text = "Floodwater reached the old town late Monday, police said."
    source = _source(text, TUE_2025_07_01)
    event = _event(
        source,
        text,
        temporal_expression="late Monday",
        model_date="2025-07-01",
        engine=Engine.LLM,
    )
    (dated,) = date_events(_extraction(event), source).events
    assert dated.date is not None and dated.date.iso() == "2025-06-30"
    assert dated.date_note == "model said 2025-07-01; resolved in code to 2025-06-30"
    assert text[dated.date.expression_start : dated.date.expression_end] == "late Monday"


def test_date_events_model_agrees_no_note() -> None:
    text = "In May last year, a landslide blocked the pass."
    source = _source(text, TUE_2025_07_01)
    event = _event(source, text, temporal_expression="In May last year", model_date="2024-05")
    (dated,) = date_events(_extraction(event), source).events
    assert dated.date is not None
    assert (dated.date.iso(), dated.date.precision) == ("2024-05", MONTH)
    assert dated.date_note is None


def test_date_events_model_expression_outside_quote() -> None:
    text = "Kyiv officials claimed the radar was hit."
    source = _source(text, TUE_2025_07_01)
    event = _event(source, text, temporal_expression="in May last year", model_date="2025-05")
    (dated,) = date_events(_extraction(event), source).events
    assert dated.date is not None and dated.date.iso() == "2024-05"
    assert dated.date.expression == "in May last year"
    assert dated.date.expression_start is None
    assert dated.date_note == "model said 2025-05; resolved in code to 2024-05"


def test_date_events_unresolvable_model_expression_falls_back() -> None:
    text = "Talks stalled recently, a diplomat said."
    source = _source(text, TUE_2025_07_01)
    event = _event(source, text, temporal_expression="recently")
    (dated,) = date_events(_extraction(event), source).events
    assert dated.date is not None and dated.date.from_publication
    assert dated.date.iso() == "2025-07-01"


def test_date_events_unaligned_quote_and_no_expression() -> None:
    source = _source("Totally different text.", TUE_2025_07_01)
    event = Event(
        source_id="s1",
        text="x",
        quote="Crews restored power yesterday.",
        start=0,
        end=0,
        alignment=AlignmentStatus.NONE,
    )
    (dated,) = date_events(_extraction(event), source).events
    assert dated.date is not None and dated.date.iso() == "2025-06-30"
    assert dated.date.expression_start is None


def test_date_events_without_publication_date() -> None:
    source = _source("The levee broke on Monday.", None)
    (dated,) = date_events(_extraction(_event(source, "The levee broke on Monday.")), source).events
    assert dated.date is None


def test_date_events_falls_back_to_publication() -> None:
    source = _source("Crews cleared the road.", SUN_2024_03_10)
    (dated,) = date_events(_extraction(_event(source, "Crews cleared the road.")), source).events
    assert dated.date == ResolvedDate(start=SUN_2024_03_10, precision=DAY, from_publication=True)


# ----------------------------------------------------------------- seeds


@pytest.mark.parametrize(
    ("prefix", "sentence_start", "iso", "precision"),
    [
        ("000", "“The priority is drones", "2025-06-30", DAY),
        ("000", "“We urge an immediate ceasefire", "2025-06-30", DAY),
        ("001", "'We urge an immediate ceasefire", "2025-06-30", DAY),
        ("001", "'The priority is drones", "2025-06-30", DAY),
        ("000", "In May last year", "2024-05", MONTH),
        ("001", "In May last year", "2024-05", MONTH),
        ("000", "Between March and April", "2025-03-01", RANGE),
    ],
)
def test_seed_sentences(
    seeds_dir: Path, prefix: str, sentence_start: str, iso: str, precision: Precision
) -> None:
    text = _seed(seeds_dir, prefix)
    start = text.index(sentence_start)
    end = text.index("\n", start) if "\n" in text[start:] else len(text)
    resolved = resolve_sentence_date(text[start:end], TUE_2025_07_01, offset=start)
    assert resolved is not None
    assert (resolved.iso(), resolved.precision) == (iso, precision)
    assert resolved.expression_start is not None and resolved.expression_end is not None
    assert text[resolved.expression_start : resolved.expression_end] == resolved.expression


def test_seed_004_inferred_publication_date(seeds_dir: Path) -> None:
    assert infer_publication_date(_seed(seeds_dir, "004")) == D(2025, 6, 1)


# ----------------------------------------------------------------- never raises


_WORDS = st.sampled_from(
    [
        "late",
        "on",
        "Monday",
        "next",
        "last",
        "May",
        "June",
        "between",
        "and",
        "2022",
        "31",
        "February",
        "30",
        "ago",
        "a",
        "few",
        "weeks",
        "overnight",
        "will",
        "since",
        "(June 1, 2025)",
        "13/13/2025",
        "9999-99-99",
        "Sunday,",
        "year",
        "this",
        "month",
        "in",
        "early",
        "-",
        "to",
    ]
)


def _check_precision(resolved: ResolvedDate | None) -> None:
    if resolved is None:
        return
    if resolved.precision is RANGE:
        assert resolved.end is not None and resolved.end >= resolved.start
    else:
        assert resolved.end is None


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(_WORDS, max_size=12),
    noise=st.text(max_size=40),
    published=st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)),
)
def test_never_raises_and_respects_precision(
    words: list[str], noise: str, published: dt.date
) -> None:
    text = " ".join(words) + noise
    _check_precision(resolve_sentence_date(text, published))
    _check_precision(resolve_sentence_date(text, None))
    _check_precision(resolve_expression(text, published))
    for match in find_temporal_expressions(text, 7):
        assert text[match.start - 7 : match.end - 7] == match.text
    infer_publication_date(text)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=80), st.dates())
def test_arbitrary_text_and_extreme_dates(text: str, published: dt.date) -> None:
    _check_precision(resolve_sentence_date(text, published))
    _check_precision(resolve_expression("last week " + text, published))
    _check_precision(resolve_expression("3 days ago", published))

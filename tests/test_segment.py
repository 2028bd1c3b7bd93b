"""Sentence segmentation: offsets, abbreviations, quotations, headlines, paragraphs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.models import CharInterval, CleanedSource, Source
from summarizer.stages import segment as segment_module
from summarizer.stages.segment import segment


def _cleaned(text: str, kept: list[tuple[int, int]] | None = None, **kw: object) -> CleanedSource:
    source = Source(id="t", path="t.txt", text=text, **kw)  # type: ignore[arg-type]
    ranges = kept if kept is not None else [(0, len(text))]
    return CleanedSource(source=source, kept=tuple(CharInterval(start=s, end=e) for s, e in ranges))


def _texts(text: str) -> list[str]:
    return [s.text for s in segment(_cleaned(text))]


SPLIT_CASES = [
    pytest.param(
        "Lt. Gen. Maria Ortiz inspected the flood barriers. She said more pumps were coming.",
        [
            "Lt. Gen. Maria Ortiz inspected the flood barriers.",
            "She said more pumps were coming.",
        ],
        id="military-titles",
    ),
    pytest.param(
        "Before the vote, Sens. Jane Roe and Ann Poe met the mayor. They left at noon.",
        [
            "Before the vote, Sens. Jane Roe and Ann Poe met the mayor.",
            "They left at noon.",
        ],
        id="plural-title",
    ),
    pytest.param(
        "The U.S. Geological Survey put the quake at magnitude 6.4. Aftershocks followed.",
        ["The U.S. Geological Survey put the quake at magnitude 6.4.", "Aftershocks followed."],
        id="us-and-decimal",
    ),
    pytest.param(
        "Turnout rose 1.5 points. Mr. Okafor conceded at 11 p.m. on Sunday.",
        ["Turnout rose 1.5 points.", "Mr. Okafor conceded at 11 p.m. on Sunday."],
        id="decimal-mr-pm-mid",
    ),
    pytest.param(
        "Aid was flown in from the U.S. The first plane landed at dawn.",
        ["Aid was flown in from the U.S.", "The first plane landed at dawn."],
        id="us-at-sentence-end",
    ),
    pytest.param(
        "Dr. Chen of St. Mary's hospital treated 12 patients. Two were critical.",
        ["Dr. Chen of St. Mary's hospital treated 12 patients.", "Two were critical."],
        id="dr-st",
    ),
    pytest.param(
        "The vote is set for Jan. 15 in District No. 5. Polls open at 7 a.m. local time.",
        [
            "The vote is set for Jan. 15 in District No. 5.",
            "Polls open at 7 a.m. local time.",
        ],
        id="jan-no-am",
    ),
    pytest.param(
        "The novel by J. R. R. Tolkien sold out. George W. Bush attended the launch.",
        ["The novel by J. R. R. Tolkien sold out.", "George W. Bush attended the launch."],
        id="initials",
    ),
    pytest.param(
        "Shares of Acme Corp. fell 4% on Monday. Acme Inc. The rival gained.",
        ["Shares of Acme Corp. fell 4% on Monday.", "Acme Inc.", "The rival gained."],
        id="corp-inc",
    ),
    pytest.param(
        "'We will rebuild every bridge,' the mayor said. 'Nobody will be left behind.' "
        "Crews began work.",
        [
            "'We will rebuild every bridge,' the mayor said.",
            "'Nobody will be left behind.'",
            "Crews began work.",
        ],
        id="single-quotes-end-inside",
    ),
    pytest.param(
        "“The dam held,” the engineer said. “We were lucky.” Rain stopped by noon.",
        ["“The dam held,” the engineer said.", "“We were lucky.”", "Rain stopped by noon."],
        id="curly-quotes",
    ),
    pytest.param(
        '"Why now?" she asked. "Because the river is still rising!" he replied.',
        ['"Why now?" she asked.', '"Because the river is still rising!" he replied.'],
        id="question-inside-quote-continues",
    ),
    pytest.param(
        "The count went on... and on. Results came at dawn.",
        ["The count went on... and on.", "Results came at dawn."],
        id="ellipsis-lowercase",
    ),
    pytest.param(
        "The firm (which was founded in 1998.) Closed its doors.",
        ["The firm (which was founded in 1998.)", "Closed its doors."],
        id="bracket-closer",
    ),
    pytest.param(
        "“The water came fast. We lost everything,” said farmer Ana Lima, 54. Her barn collapsed.",
        [
            "“The water came fast. We lost everything,” said farmer Ana Lima, 54.",
            "Her barn collapsed.",
        ],
        id="attributed-multi-sentence-quote-kept-whole",
    ),
    pytest.param(
        "'Stay indoors. Boil your water,' the council warned. Schools stayed shut.",
        ["'Stay indoors. Boil your water,' the council warned.", "Schools stayed shut."],
        id="attributed-straight-single-quote",
    ),
    pytest.param(
        '"Stay indoors. Boil your water," the council warned. Schools stayed shut.',
        ['"Stay indoors. Boil your water," the council warned.', "Schools stayed shut."],
        id="attributed-straight-double-quote",
    ),
    pytest.param(
        'Gauge 5"Stay indoors. Boil your water," it read. Schools stayed shut.',
        ['Gauge 5"Stay indoors.', 'Boil your water," it read.', "Schools stayed shut."],
        id="straight-quote-after-a-word-is-no-quotation",
    ),
    pytest.param(
        "He said: “Nobody expected it. The river rose in minutes.” Roads closed.",
        [
            "He said: “Nobody expected it.",
            "The river rose in minutes.”",
            "Roads closed.",
        ],
        id="quote-ending-in-full-stop-splits",
    ),
    pytest.param(
        "Prices rose 2.75% in March, e.g. Fuel and rent.",
        ["Prices rose 2.75% in March, e.g. Fuel and rent."],
        id="eg-never-splits",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES)
def test_splits(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


LINE_CASES = [
    pytest.param(
        "Floods sweep northern Italy as rivers burst banks\n"
        "Rescuers in Emilia-Romagna evacuated 3,000 people on Tuesday.",
        [
            "Floods sweep northern Italy as rivers burst banks",
            "Rescuers in Emilia-Romagna evacuated 3,000 people on Tuesday.",
        ],
        id="headline-then-paragraph",
    ),
    pytest.param(
        "Election results\n\nThe ruling party lost its majority.\n\nWhat comes next\n"
        "Coalition talks start on Monday.",
        [
            "Election results",
            "The ruling party lost its majority.",
            "What comes next",
            "Coalition talks start on Monday.",
        ],
        id="subheadings",
    ),
    pytest.param(
        "The storm knocked out power to\nmore than 40,000 homes on the coast.",
        ["The storm knocked out power to\nmore than 40,000 homes on the coast."],
        id="soft-wrap-lowercase",
    ),
    pytest.param(
        "The central bank raised its main rate by a quarter point on\n"
        "Thursday, its third increase this year, and signalled that it\n"
        "could go further if inflation does not ease. The governor said\n"
        "the decision was unanimous.\n",
        [
            "The central bank raised its main rate by a quarter point on\n"
            "Thursday, its third increase this year, and signalled that it\n"
            "could go further if inflation does not ease.",
            "The governor said\nthe decision was unanimous.",
        ],
        id="hard-wrapped-paragraph",
    ),
    pytest.param(
        "Key points\n- Two dead\n- Bridge closed",
        ["Key points", "- Two dead", "- Bridge closed"],
        id="list-items",
    ),
]


@pytest.mark.parametrize(("text", "expected"), LINE_CASES)
def test_lines_and_paragraphs(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_headline_flag_and_paragraph_index() -> None:
    text = (
        "Quake hits Chile coast\n"
        "A 7.1 quake struck off Chile on Monday. No tsunami was issued.\n\n"
        "Aftershocks\n"
        "Officials counted 40 aftershocks."
    )
    sents = segment(_cleaned(text))
    assert [s.is_headline for s in sents] == [True, False, False, True, False]
    assert [s.paragraph for s in sents] == [0, 1, 1, 2, 3]
    assert [s.index for s in sents] == [0, 1, 2, 3, 4]


# A title, stamp or credit that runs into the first sentence: (text, heading, rest).
_RUN_IN_SUBHEADINGS = [
    (
        "Rescue efforts in the south On Monday, divers reached the cave.",
        "Rescue efforts in the south",
        "On Monday, divers reached the cave.",
    ),
    (
        "Markets react According to traders, oil fell 3%.",
        "Markets react",
        "According to traders, oil fell 3%.",
    ),
]
# A page's time stamp ends the title block.
_STAMPS = [
    (
        "Flood defences fail in the valley as the river keeps rising and the council "
        "admits its pumps were never tested Tuesday 4 March 2025 08.43 GMT The river "
        "Vale burst its banks in Marlow on Monday.",
        "Flood defences fail in the valley as the river keeps rising and the council "
        "admits its pumps were never tested Tuesday 4 March 2025 08.43 GMT",
        "The river Vale burst its banks in Marlow on Monday.",
    ),
    (
        "September 19, 2008 4:53 PM Lawmakers met late into the night.",
        "September 19, 2008 4:53 PM",
        "Lawmakers met late into the night.",
    ),
    (  # a blog's byline and stamp, the clock after a semicolon, a zone
        "By Jane Roe | March 3, 2024; 9:15 AM ET The harbour board voted to close the "
        "east quay on Monday.",
        "By Jane Roe | March 3, 2024; 9:15 AM ET",
        "The harbour board voted to close the east quay on Monday.",
    ),
    (  # the clock first, then the day
        "Jane Roe | 14:19 UK time, Monday, 4 March 2024 Ferries to the island were "
        "cancelled for a second day.",
        "Jane Roe | 14:19 UK time, Monday, 4 March 2024",
        "Ferries to the island were cancelled for a second day.",
    ),
]
# A labelled photo credit has no closing mark: it ends with the word holding the slash.
_CREDITS = [
    (
        "Photograph: Jane Roe/VW Images of the flooded quay were shown to the inquiry yesterday.",
        "Photograph: Jane Roe/VW",
        "Images of the flooded quay were shown to the inquiry yesterday.",
    ),
    (
        "Photo: Jane Roe/AFP/Valley Thirty homes were flooded in Marlow on Monday.",
        "Photo: Jane Roe/AFP/Valley",
        "Thirty homes were flooded in Marlow on Monday.",
    ),
]


@pytest.mark.parametrize(
    ("text", "heading", "rest"),
    [
        *(pytest.param(*case, id=f"subheading-{i}") for i, case in enumerate(_RUN_IN_SUBHEADINGS)),
        *(pytest.param(*case, id=f"stamp-{i}") for i, case in enumerate(_STAMPS)),
        *(pytest.param(*case, id=f"credit-{i}") for i, case in enumerate(_CREDITS)),
    ],
)
def test_a_run_in_heading_is_cut_from_its_sentence(text: str, heading: str, rest: str) -> None:
    sents = segment(_cleaned(text))
    assert [(s.text, s.is_headline) for s in sents] == [(heading, True), (rest, False)]


def test_a_slash_in_a_sentence_is_no_credit() -> None:
    text = "Photographs of the quay, taken by Jane Roe/Valley Wire, were shown on Monday."
    assert _texts(text) == [text]


def test_a_time_in_a_sentence_is_no_stamp() -> None:
    text = "The quake struck at 16:53 local time on 12 January 2010, officials said."
    assert _texts(text) == [text]
    text = "The last ferry, 10:30, Monday, 4 March 2024 having left, was cancelled."
    assert _texts(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Delegates met in On Air studios on Monday.",  # "in" joins: no run-in heading
        "Officials told The Associated Press on Sunday that the dam held.",
    ],
)
def test_no_false_run_in_heading(text: str) -> None:
    sents = segment(_cleaned(text))
    assert [s.text for s in sents] == [text]
    assert not sents[0].is_headline


def test_long_unpunctuated_line_is_not_a_headline() -> None:
    line = " ".join(["word"] * 40)
    (sent,) = segment(_cleaned(line))
    assert not sent.is_headline


def test_offsets_index_source_text_across_kept_ranges() -> None:
    # the first kept range lies inside the header and is clipped away
    text = "date: 2025-03-02\nJunk teaser here.\nThe river peaked at 8.2 m. Crews held."
    junk_end = text.index("The river")
    sents = segment(_cleaned(text, kept=[(0, 10), (junk_end, len(text))], header_end=17))
    assert [s.text for s in sents] == ["The river peaked at 8.2 m.", "Crews held."]
    for s in sents:
        assert text[s.start : s.end] == s.text
        assert s.start >= junk_end


def test_nothing_from_dropped_ranges() -> None:
    text = "Story line one.\nRelated Articles\nTeaser about something else.\nStory line two."
    first_end = text.index("\nRelated")
    second = text.index("Story line two")
    sents = segment(_cleaned(text, kept=[(0, first_end), (second, len(text))]))
    assert [s.text for s in sents] == ["Story line one.", "Story line two."]
    assert [s.paragraph for s in sents] == [0, 1]


def test_empty_and_blank() -> None:
    assert segment(_cleaned("")) == ()
    assert segment(_cleaned("   \n\n  ")) == ()


def _seed(seeds_dir: Path, prefix: str) -> str:
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def test_seed_001_headline_and_lt_gen(seeds_dir: Path) -> None:
    text = _seed(seeds_dir, "001")
    sents = segment(_cleaned(text))
    assert sents[0].is_headline
    assert sents[0].text.startswith("Ukrainian drone hits a plant")
    assert sents[1].text.startswith("Both sides in the more than three-year war")
    kellogg = [s for s in sents if "Lt. Gen. Keith Kellogg" in s.text]
    assert len(kellogg) == 1 and kellogg[0].text.endswith("on a peace settlement.")
    ending = [s.text for s in sents if s.text.endswith("countermeasures.'")]
    assert ending == ["We are preparing our countermeasures.'"]


def test_seed_002_us_mid_and_end(seeds_dir: Path) -> None:
    sents = _texts(_seed(seeds_dir, "002"))
    assert any(s.endswith("65 billion euros from the U.S.") for s in sents)
    assert any(s.startswith("For Kyiv, the situation remains tense") for s in sents)
    assert any("continued U.S. support, Kyiv is turning" in s for s in sents)


def test_seed_003_attributed_quote_and_subheads(seeds_dir: Path) -> None:
    sents = segment(_cleaned(_seed(seeds_dir, "003")))
    quote = [s for s in sents if "three fatalities" in s.text]
    assert len(quote) == 1 and "said Udmurt Republic Governor Alexander Brechalov" in quote[0].text
    heads = [s.text for s in sents if s.is_headline]
    assert heads == [
        "Kyiv Ramps Up Long-Range Counterattacks",
        "Stalled Peace Talks and International Involvement",
    ]


def test_seed_004_mr_and_pm(seeds_dir: Path) -> None:
    sents = _texts(_seed(seeds_dir, "004"))
    assert "Pressure from the north" in sents
    assert any(
        s.startswith("The assault occurred on the same day that Mr. Zelenskyy") for s in sents
    )
    assert any(s.endswith("which took place at 12:50 p.m.") for s in sents)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab. A?!\n'\"”“()U.S1 ")), max_size=200))
def test_offsets_always_exact(text: str) -> None:
    for s in segment(_cleaned(text)):
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text


def test_the_alnum_pattern_is_str_isalnum_for_every_code_point() -> None:
    """A span is kept when it holds a letter or digit: ``segment._ALNUM`` reads that in the
    text without copying the span, and must agree with ``str.isalnum`` everywhere."""
    pattern = segment_module._ALNUM
    differ = [
        c for c in range(sys.maxunicode + 1) if bool(pattern.match(chr(c))) != chr(c).isalnum()
    ]
    assert differ == []


_HEAD_PIECES = [
    "Pressure",
    "from",
    "the",
    "north",
    "On",
    "In",
    "However",
    "Sunday",
    "x",
    ",",
    ".",
    ":",
    "“",
    '"',
    "\n",
    "On,",
    "Once",
    "ab" * 40,
    "É",
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_HEAD_PIECES), max_size=30),
    st.lists(st.sampled_from([" ", "", "  ", "\t"]), min_size=1, max_size=30),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=3),
)
def test_the_inline_heading_prefilter_never_skips_a_heading(
    pieces: list[str], gaps: list[str], lead: int, cut: int
) -> None:
    """The heading's pattern is tried only where its opener is found before a character a
    heading cannot hold: the same match as trying it everywhere."""
    text = "x" * lead + "".join(p + gaps[i % len(gaps)] for i, p in enumerate(pieces))
    end = max(lead, len(text) - cut)
    found = segment_module._inline_heading(text, lead, end)
    expected = segment_module._INLINE_HEADING.match(text, lead, end)
    assert (found and (found.span(), found.groupdict())) == (
        expected and (expected.span(), expected.groupdict())
    )


def test_an_inline_heading_is_still_found_after_the_prefilter() -> None:
    text = "Pressure from the north On Sunday, the rebels moved."
    found = segment_module._inline_heading(text, 0, len(text))
    assert found is not None and found.group("head") == "Pressure from the north"

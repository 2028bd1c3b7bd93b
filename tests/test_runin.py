"""Run-in pieces: a title, caption, byline or day stamp glued to the lede is cut off
as a headline piece; capitalised words inside sentences are left alone."""

from __future__ import annotations

import pytest

from summarizer.models import CharInterval, CleanedSource, Sentence, Source
from summarizer.stages.segment import segment

# A later paragraph in which the document writes some words in lower case, as articles
# do: the evidence the document-centred rule reads.
TAIL = (
    "\n\nVolunteers filled sandbags through the night and heavy lorries carried them "
    "to the river, where the water kept rising."
)


def _sentences(text: str) -> tuple[Sentence, ...]:
    source = Source(id="t", path="t.txt", text=text)
    sents = segment(CleanedSource(source=source, kept=(CharInterval(start=0, end=len(text)),)))
    for s in sents:
        assert text[s.start : s.end] == s.text  # offsets index the source exactly
    return sents


def _pieces(text: str) -> list[tuple[str, bool]]:
    """The first paragraph's sentences and whether each is a headline piece."""
    sents = _sentences(text)
    return [(s.text, s.is_headline) for s in sents if s.paragraph == 0]


@pytest.mark.parametrize(
    ("text", "heads", "lede"),
    [
        pytest.param(
            "Ferry strike strands islanders The ferry company cancelled every sailing "
            "to Arran on Tuesday.",
            ["Ferry strike strands islanders"],
            "The ferry company cancelled every sailing to Arran on Tuesday.",
            id="title-then-the",
        ),
        pytest.param(
            "River bursts its banks in the night Thousands of residents left their homes "
            "on Tuesday.",
            ["River bursts its banks in the night"],
            "Thousands of residents left their homes on Tuesday.",
            id="title-then-a-quantity",
        ),
        pytest.param(
            "Storm floods valley towns Sandbags are stacked outside the library "
            "Heavy rain flooded three towns in the Vale valley on Monday, officials said." + TAIL,
            ["Storm floods valley towns", "Sandbags are stacked outside the library"],
            "Heavy rain flooded three towns in the Vale valley on Monday, officials said.",
            id="title-caption-lede-open-class",
        ),
        pytest.param(
            "Jane Doe | 09:15 UK time, Tuesday, 4 March 2025 Councillors voted to close "
            "the old bridge.",
            ["Jane Doe | 09:15 UK time, Tuesday, 4 March 2025"],
            "Councillors voted to close the old bridge.",
            id="byline-and-clock-first-stamp",
        ),
        pytest.param(
            "Council Faces A Hard Choice On Bridges The council must decide by Friday "
            "whether to close two bridges.",
            ["Council Faces A Hard Choice On Bridges"],
            "The council must decide by Friday whether to close two bridges.",
            id="title-case-heading-kept-whole",
        ),
        pytest.param(
            "0832 The river reached 4.2 metres at the Vale gauge, the agency said.",
            ["0832"],
            "The river reached 4.2 metres at the Vale gauge, the agency said.",
            id="live-page-clock",
        ),
        pytest.param(
            '"We have never seen water like it" Residents of Marlow spent the night '
            "on their upper floors." + "\n\nMany residents said the water rose fast.",
            ['"We have never seen water like it"'],
            "Residents of Marlow spent the night on their upper floors.",
            id="quoted-caption-then-lower-case-word-elsewhere",
        ),
    ],
)
def test_run_in_pieces_are_cut_off_the_lede(text: str, heads: list[str], lede: str) -> None:
    assert _pieces(text) == [(h, True) for h in heads] + [(lede, False)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Officials told The Associated Press on Sunday that the dam held.", id="told-the"
        ),
        pytest.param(
            "On Monday, the mayor attacked The Times for its report on the bridge.",
            id="a-title-after-a-sentence-start",
        ),
        pytest.param(
            "A US Senate committee will examine the dam's design next month.",
            id="a-name-after-a-capital",
        ),
        pytest.param(
            'The mayor said "we are ready The crews will work all night" on Monday.',
            id="inside-an-open-quotation",
        ),
        pytest.param(
            "The director of Vale Water appeared on the Today program to defend the dam.",
            id="today-in-a-name",
        ),
        pytest.param(
            # a live page's day stamp dates the sentence after it: it stays on it
            "Flood diary: your messages Thursday 6 March Up to 200 homes were evacuated "
            "overnight in Marlow.",
            id="day-stamp-stays",
        ),
        pytest.param(
            "Flood diary: your messages Friday 7 March The river fell by a metre overnight.",
            id="day-stamp-stays-before-an-opener",
        ),
        pytest.param(
            "Volunteers from No 10 Downing Street joined the effort on Sunday.",
            id="no-before-a-number",
        ),
        pytest.param(
            "Crews from the Thousands Oaks depot joined the effort on Sunday.",
            id="a-quantity-in-a-name",
        ),
    ],
)
def test_sentences_with_capitalised_words_are_not_cut(text: str) -> None:
    first = text.split("\n\n")[0]
    assert _pieces(text) == [(first, False)]


def test_a_capitalised_word_the_document_uses_as_a_name_is_no_opener() -> None:
    # "Sandbags" opens a sentence after "towns" only while the document never writes it
    # capitalised inside a sentence; here it is a name (of a charity) elsewhere.
    text = (
        "Storm floods valley towns Sandbags are stacked outside the library.\n\n"
        "Volunteers from the charity Sandbags for Schools filled sandbags all night."
    )
    assert _pieces(text) == [
        ("Storm floods valley towns Sandbags are stacked outside the library.", False)
    ]


def test_only_an_articles_opening_paragraphs_have_open_class_pieces() -> None:
    paragraphs = [f"Paragraph {n} says the water rose again on day {n}." for n in range(4)]
    glued = "People waited for aid all day Sandbags were stacked at the station."
    opening = _sentences("\n\n".join([glued, *paragraphs]) + TAIL)
    later = _sentences("\n\n".join([*paragraphs, glued]) + TAIL)
    assert [s.text for s in opening if s.paragraph == 0] == [
        "People waited for aid all day",
        "Sandbags were stacked at the station.",
    ]
    assert [s.text for s in later if s.paragraph == 4] == [glued]


def test_past_the_opening_a_closed_class_opener_after_a_lower_case_word_is_cut() -> None:
    paragraphs = [f"Paragraph {n} says the water rose again on day {n}." for n in range(4)]
    glued = "Aid is arriving, but many are still waiting There were prayers for the dead."
    sents = _sentences("\n\n".join([*paragraphs, glued]))
    last = [(s.text, s.is_headline) for s in sents if s.paragraph == 4]
    assert last == [
        ("Aid is arriving, but many are still waiting", True),
        ("There were prayers for the dead.", False),
    ]


def test_a_headline_piece_is_no_event() -> None:
    from summarizer.engines import extractive

    text = (
        "Ferry strike strands islanders The ferry company cancelled every sailing to "
        "Arran on Tuesday, the union said."
    )
    sents = _sentences(text)
    usable = [s.text for s in sents if extractive._usable(s)]
    assert usable == [
        "The ferry company cancelled every sailing to Arran on Tuesday, the union said."
    ]


def _later(paragraph: str) -> list[tuple[str, bool]]:
    """The sentences of ``paragraph`` placed past an article's opening paragraphs."""
    paragraphs = [f"Paragraph {n} says the water rose again on day {n}." for n in range(4)]
    sents = _sentences("\n\n".join([*paragraphs, paragraph]))
    return [(s.text, s.is_headline) for s in sents if s.paragraph == 4]


@pytest.mark.parametrize(
    ("paragraph", "heads", "lede"),
    [
        pytest.param(
            "(Jane Roe - Vale Press) Firefighters pulled two people from the river on Monday.",
            ["(Jane Roe - Vale Press)"],
            "Firefighters pulled two people from the river on Monday.",
            id="credit",
        ),
        pytest.param(
            "(Vale Press Photo/Jane Roe, Pool) (Jane Roe - Vale Press) Mayor Ann Cole, left, "
            "visits the flooded library on Monday.",
            ["(Vale Press Photo/Jane Roe, Pool) (Jane Roe - Vale Press)"],
            "Mayor Ann Cole, left, visits the flooded library on Monday.",
            id="two-credits",
        ),
        pytest.param(
            "Council Backs Bridge Plan VALE, March 4 -- The council voted on Tuesday to "
            "rebuild the old bridge.",
            ["Council Backs Bridge Plan"],
            "VALE, March 4 -- The council voted on Tuesday to rebuild the old bridge.",
            id="title-before-dateline",
        ),
        pytest.param(
            "Towns Along the River Count the Cost NORTH VALE, Westshire, Sept. 5 -- Shops "
            "reopened on Friday.",
            ["Towns Along the River Count the Cost"],
            "NORTH VALE, Westshire, Sept. 5 -- Shops reopened on Friday.",
            id="title-before-dateline-with-region",
        ),
        pytest.param(
            "(Jane Roe - Vale Press) VALE, March 4 -- The council voted on Tuesday to "
            "rebuild the old bridge.",
            ["(Jane Roe - Vale Press)"],
            "VALE, March 4 -- The council voted on Tuesday to rebuild the old bridge.",
            id="credit-then-dateline",
        ),
        pytest.param(
            "(Vale Press video) Firefighters pulled two people from the river on Monday.",
            ["(Vale Press video)"],
            "Firefighters pulled two people from the river on Monday.",
            id="clip-credit",
        ),
    ],
)
def test_pieces_told_by_their_form_are_cut_anywhere(
    paragraph: str, heads: list[str], lede: str
) -> None:
    expected = [(h, True) for h in heads] + [(lede, False)]
    assert _pieces(paragraph) == expected
    assert _later(paragraph) == expected


@pytest.mark.parametrize(
    "paragraph",
    [
        pytest.param(
            "(Read more here) Councillors voted to rebuild the old bridge.", id="bracket-prose"
        ),
        pytest.param(
            "(March 9, 2000) Councillors voted to rebuild the old bridge.", id="bracket-date"
        ),
        pytest.param(
            "(Jane Roe - Vale Press) firefighters pulled two people from the river.",
            id="credit-before-lower-case",
        ),
        pytest.param(
            "(watch the video) Councillors voted to rebuild the old bridge.",
            id="bracket-prose-naming-a-medium",
        ),
        pytest.param(
            "The deal was signed in VALE, March 4 -- and the council voted on Tuesday.",
            id="dateline-after-a-preposition",
        ),
    ],
)
def test_brackets_and_capitals_in_sentences_are_not_cut(paragraph: str) -> None:
    assert _later(paragraph) == [(paragraph, False)]


LIVE = [
    "0915 The river is rising at the Vale gauge, officials say.",
    "1030 Rescuers say two people were pulled from a car near the bridge.",
    "1645 Ann Cole, the mayor, says the shelters are full.",
]


def test_a_live_pages_clock_times_are_cut_off_its_items() -> None:
    sents = _sentences("Flood live: latest updates\n\n" + "\n\n".join([*LIVE, *LIVE[:2]]))
    last = [(s.text, s.is_headline) for s in sents if s.paragraph == 5]
    assert last == [
        ("1030", True),
        ("Rescuers say two people were pulled from a car near the bridge.", False),
    ]


def test_years_opening_lines_are_no_clock_times() -> None:
    years = [
        "1914 The bridge was closed to traffic during the war.",
        "1939 Engineers rebuilt the bridge after a flood.",
        "1953 Ann Cole opened the new bridge to traffic.",
        "1958 Ann Cole opened the river museum beside it.",
    ]
    sents = _sentences("\n\n".join(years))
    assert [s.text for s in sents if s.paragraph == 3] == [years[3]]


def test_a_live_item_run_into_the_one_before_starts_its_own() -> None:
    glued = (
        "1700 Officials say the water may reach the old bridge by evening "
        "1745 Ann Cole, the mayor, says the shelters are full"
    )
    sents = _sentences("Flood live: latest updates\n\n" + "\n\n".join([*LIVE, glued]))
    assert [(s.text, s.is_headline) for s in sents[-4:]] == [
        ("1700", True),
        ("Officials say the water may reach the old bridge by evening", False),
        ("1745", True),
        ("Ann Cole, the mayor, says the shelters are full", False),
    ]


def test_a_clock_time_before_a_capital_off_a_live_page_stays_in_its_sentence() -> None:
    line = "The water may reach the old bridge by evening 1745 Ann Cole said."
    sents = _sentences(line + TAIL)
    assert sents[0].text == line


def test_a_year_after_a_preposition_on_a_live_page_is_no_item() -> None:
    line = "Officials say the river was this high in 2005 The Vale Gazette reported floods."
    sents = _sentences("Flood live: latest updates\n\n" + "\n\n".join([*LIVE, "1700 " + line]))
    assert sents[-1].text == line

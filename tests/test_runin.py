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

"""The cheap gate before the date rules (``daterules.text_features``): the same kinds
as listing the text's words, on ASCII and other text; and the remembered finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.stages import dates
from summarizer.stages.daterules import _features_of_words, text_features

_PIECES = [
    "Monday", "monday", "Mondays", "XMonday", "Sunday_", "May", "Mayor", "mayday", "Jan.",
    "January", "Janu", "Sept", "Septem", "week", "WEEKEND", "weekends", "Month", "months",
    "yEaR", "years", "yesterday", "Today", "todays", "tonight", "tomorrow", "Overnight",
    "midnight", "night", "morning", "afternoon", "evening", "ago", "Ago", "agog", "sago",
    "2025", "202", "12345", "\u0662\u0660\u0662\u0665", "week\u212a", "\u212aweek", "caf\u00e9",
    "\u201cMonday\u201d", "d\u00e9jour", "a", "the", "-", "\u2013", ",", ".", "'", "(", "1",
    "/", "07/01/2025", "2025-07-01", "3.4.2009", "\u0663-\u0664",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=8), st.lists(st.sampled_from(" -,x9\n"), max_size=8)
)
def test_text_features_agree_with_the_words_of_the_text(pieces: list[str], glue: list[str]) -> None:
    text = "".join(p + (glue[i] if i < len(glue) else "") for i, p in enumerate(pieces))
    assert text_features(text) == _features_of_words(text)


def test_text_features_examples() -> None:
    assert text_features("He left on Monday, May 3, 2021.") == {"weekday", "month", "year4"}
    assert text_features("left on 07/01/2025") == {"year4", "numeric"}
    assert text_features("on 2025-07-01") == {"year4", "numeric"}
    assert text_features("12-7 in 2025") == {"year4", "numeric"}  # a superset: no date here
    assert text_features("2025/") == {"year4"}
    assert text_features("The Mayor met Mondays.") == set()
    assert text_features("two WEEKS AGO, last Year") == {"period", "ago"}
    assert text_features("this afternoon") == {"day_word"}
    assert text_features("XMonday sago weekends") == set()
    assert text_features("caf\u00e9 on Monday") == {"weekday"}  # not ASCII: by its words


def test_a_remembered_text_gives_the_same_matches_at_another_offset() -> None:
    text = "Officials said on Tuesday that the talks of May 2 would resume next week."
    first = dates.find_temporal_expressions(text)
    again = dates.find_temporal_expressions(text, 100)
    assert [m.text for m in first] == ["on Tuesday", "of May 2", "next week"]
    assert [(m.start + 100, m.end + 100, m.kind, m.prefix) for m in first] == [
        (m.start, m.end, m.kind, m.prefix) for m in again
    ]

"""A statement the next sentence's quote continues takes that quote's day.

"Mayor X criticised the ferry company ... “We expect better,” she said late on Monday.":
the first sentence reports what she said on Monday, as "said on Monday" in the sentence
itself would date it. Small articles written for these tests (published Wednesday
2025-03-12).
"""

from __future__ import annotations

import datetime as dt

from summarizer.models import Engine, Event, Source, SourceExtraction
from summarizer.stages.dates import date_events

WEDNESDAY = dt.date(2025, 3, 12)


def _dated(text: str, sentence: str) -> tuple[str, bool, str | None]:
    source = Source(id="s1", path="s1.txt", text=text, published=WEDNESDAY)
    start = text.index(sentence)
    event = Event(
        source_id="s1", text=sentence, quote=sentence, start=start, end=start + len(sentence)
    )
    extraction = SourceExtraction(source_id="s1", summary=(), events=(event,), engine=Engine.LLM)
    (out,) = date_events(extraction, source).events
    assert out.date is not None
    return out.date.iso(), out.date.from_publication, out.date.expression


def test_pronoun_quote_dates_the_statement_before_it() -> None:
    first = (
        "Harbour master Ines Varga criticised the ferry company for cancelling every "
        "crossing to Kelby."
    )
    text = f"{first}\n\n“We expect a timetable by the weekend,” she said late on Monday.\n"
    assert _dated(text, first) == ("2025-03-10", False, "late on Monday")


def test_named_quote_dates_the_statement_before_it() -> None:
    first = "Varga said the harbour at Kelby would stay shut until the sea wall is repaired."
    text = f"{first} 'Nobody sails until it is safe,' Varga told reporters on Tuesday."
    assert _dated(text, first) == ("2025-03-11", False, "on Tuesday")


def test_no_statement_no_borrowed_day() -> None:
    """A sentence that reports nobody saying anything keeps its publication day."""
    first = "Waves flooded the coast road at Kelby."
    text = f"{first} “It is a mess,” she said on Monday."
    assert _dated(text, first) == ("2025-03-12", True, None)


def test_another_speaker_no_borrowed_day() -> None:
    """The quote's speaker is neither a pronoun nor named in the sentence."""
    first = "Varga said the harbour at Kelby would stay shut."
    text = f"{first} “We will help,” Mayor Osei said on Monday."
    assert _dated(text, first) == ("2025-03-12", True, None)


def test_own_day_wins() -> None:
    """A sentence with its own day keeps it."""
    first = "Varga said on Tuesday the harbour would stay shut."
    text = f"{first} “Nobody sails,” she said on Monday."
    assert _dated(text, first)[0] == "2025-03-11"


def test_later_day_is_no_statement_of_the_past() -> None:
    """A quote dated after publication (a plan) does not date the statement."""
    first = "Varga said the harbour would stay shut."
    text = f"{first} “We will reopen,” she said she would announce on Friday."
    assert _dated(text, first) == ("2025-03-12", True, None)

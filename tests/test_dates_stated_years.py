"""A month-day without a year takes the year its article writes it with elsewhere.

"The storm of October 29, 2012 ..." then "since October 29" or "the October 29 storm":
the article means that day, not the latest October 29 before its publication. Without
the full date in the article, the rule of the latest such day still holds. Small
articles written for these tests.
"""

from __future__ import annotations

import datetime as dt

from summarizer.models import CharInterval, CleanedSource, Engine, Event, Source, SourceExtraction
from summarizer.pipeline.sources import mentions
from summarizer.stages.dates import (
    date_events,
    date_mentions,
    resolve_sentence_date,
    stated_years,
)

PUBLISHED = dt.date(2015, 3, 4)

ARTICLE = (
    "Harbour towns still bear the scars of the storm of October 29, 2012, which flooded "
    "the old port.\n\n"
    "Since October 29 the council has rebuilt three sea walls.\n\n"
    "The October 29 storm destroyed 40 fishing boats in Tarrow harbour, the council said.\n"
)


def _source(text: str) -> Source:
    return Source(id="s1", path="s1.txt", text=text, published=PUBLISHED)


def test_stated_years_reads_full_dates_and_leaves_out_ambiguous_ones() -> None:
    assert stated_years(ARTICLE) == {(10, 29): 2012}
    assert stated_years("on 29 October 2012 and again on October 29, 2013") == {}
    assert stated_years("on 4 June 2025, and 5 June") == {(6, 4): 2025}
    assert stated_years("No dates here.") == {}


def test_a_month_day_takes_the_year_its_article_gives_it() -> None:
    years = stated_years(ARTICLE)
    sentence = "The October 29 storm destroyed 40 fishing boats in Tarrow harbour."
    # the article's own year, not the latest October 29 before March 2015
    resolved = resolve_sentence_date("The boats sank on October 29.", PUBLISHED, years=years)
    assert resolved is not None and resolved.iso() == "2012-10-29"
    days = [r.iso() for _, r in date_mentions(sentence, PUBLISHED, years=years)]
    assert days == ["2012-10-29"]
    # without the article's context the latest October 29 on or before publication
    alone = resolve_sentence_date("The boats sank on October 29.", PUBLISHED)
    assert alone is not None and alone.iso() == "2014-10-29"
    # a month-day the article does not write in full keeps the usual rule
    other = resolve_sentence_date("The walls were finished on January 12.", PUBLISHED, years=years)
    assert other is not None and other.iso() == "2015-01-12"


def test_events_and_mentions_use_the_article_year() -> None:
    source = _source(ARTICLE)
    quote = "The October 29 storm destroyed 40 fishing boats in Tarrow harbour, the council said."
    start = ARTICLE.index(quote)
    event = Event(source_id="s1", text=quote, quote=quote, start=start, end=start + len(quote))
    extraction = SourceExtraction(
        source_id="s1", summary=(), events=(event,), engine=Engine.EXTRACTIVE
    )
    (dated,) = date_events(extraction, source).events
    # "The October 29 storm" is a modifier: the fact falls back to the publication day,
    # but the article's mentions count the storm's own day
    assert dated.date is not None and dated.date.iso() == PUBLISHED.isoformat()
    found = mentions(
        source, CleanedSource(source=source, kept=(CharInterval(start=0, end=len(ARTICLE)),))
    )
    assert ("2012-10-29", None) in found and ("2014-10-29", None) not in found

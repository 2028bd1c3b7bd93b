"""Shared piece of the lede tests (tests/test_next_morning.py, tests/test_deep_ledes.py):
one merged entry dated by its paper's publication, with one quote at a known place among
its article's usable sentences."""

from __future__ import annotations

import datetime as dt
from typing import Any

from summarizer.models import Evidence, MergedEvent, Precision, ResolvedDate


def entry(
    eid: str,
    day: dt.date,
    text: str,
    source: str,
    place: int | None,
    importance: float = 1.25,
    **date: Any,
) -> MergedEvent:
    """An entry of ``day`` (undated: its day is its paper's unless ``date`` says otherwise)
    whose one quote (``text``, from ``source``) is its article's usable sentence ``place``."""
    return MergedEvent(
        id=eid,
        date=ResolvedDate(start=day, precision=Precision.DAY, **{"from_publication": True, **date}),
        text=text,
        sources=(source,),
        evidence=(Evidence(source=source, quote=text, start=10, end=99, sentence_place=place),),
        importance=importance,
    )

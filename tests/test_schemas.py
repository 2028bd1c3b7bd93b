"""The answer models: bounds that re-ask, and hints that are dropped instead."""

from __future__ import annotations

import jsonschema
import pytest
from pydantic import ValidationError

from summarizer.transport.schemas import (
    DATE_LEN,
    EVENT_SCHEMA,
    EXPR_LEN,
    QUOTE_LEN,
    TEXT_LEN,
    EventOut,
)

BASE = {"text": "Floods forced 1,200 people from their homes.", "quote": "forced 1,200 people"}


@pytest.mark.parametrize(
    ("field", "value", "kept"),
    [
        ("temporal_expression", "on Monday", "on Monday"),
        ("temporal_expression", "x" * EXPR_LEN, "x" * EXPR_LEN),
        (
            "temporal_expression",
            "Killed 350 people in Valencia, Spain, on a rainy and windy March 21st, police said.",
            None,
        ),
        ("date", "2024-03-11", "2024-03-11"),
        ("date", "March 28, 2024, probably", None),
        ("date", None, None),
    ],
)
def test_overlong_hints_are_absent_not_errors(
    field: str, value: str | None, kept: str | None
) -> None:
    event = EventOut.model_validate({**BASE, field: value})
    assert getattr(event, field) == kept


@pytest.mark.parametrize(
    ("field", "length"),
    [("text", TEXT_LEN + 1), ("quote", QUOTE_LEN + 1)],
)
def test_overlong_text_and_quote_still_fail(field: str, length: int) -> None:
    with pytest.raises(ValidationError, match=field):
        EventOut.model_validate({**BASE, field: "y" * length})


@pytest.mark.parametrize(
    ("date", "fits"),
    [
        ("2024-03-11", True),
        ("2024-03", True),
        ("2024-03-11T08:00", False),
        ("11 March 2024", False),
    ],
)
def test_the_date_bound_admits_an_iso_day_and_no_more(date: str, fits: bool) -> None:
    """The schema sent to the model and the model that reads the answer agree: an ISO day
    fits both; anything longer breaks the sent schema and is dropped as a hint on reading."""
    event: dict[str, object] = {**BASE, "temporal_expression": None, "date": date}
    event["quantities"] = []
    assert jsonschema.Draft202012Validator(EVENT_SCHEMA).is_valid(event) is fits
    assert EventOut.model_validate(event).date == (date if fits else None)
    assert (len(date) <= DATE_LEN) is fits

"""Records made without validation (``Frozen.trusted``, for the ones a stage makes by the
ten thousand from its own values) are the records validation makes: same values, same
field order (the JSON's), same shared set of given fields, same pickles; a field left
out, one too many or the fields out of order is an error, not a different record."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer.models import (
    CharInterval,
    CleanedSource,
    DroppedRange,
    Frozen,
    Sentence,
    Source,
)
from summarizer.pipeline import parallel
from summarizer.stages.clean import clean
from summarizer.stages.segment import segment

_SENTENCES = st.tuples(
    st.text(min_size=1, max_size=8),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.text(max_size=40),
    st.booleans(),
    st.integers(0, 10**4),
).map(lambda t: dict(zip(Sentence.model_fields, t, strict=True)))  # in declared order


def _same(trusted: Frozen, validated: Frozen) -> None:
    assert trusted == validated
    assert type(trusted) is type(validated)
    assert trusted.__getstate__() == validated.__getstate__()
    assert trusted.__pydantic_fields_set__ is validated.__pydantic_fields_set__
    assert list(trusted.__dict__) == list(validated.__dict__)
    assert trusted.model_dump_json() == validated.model_dump_json()
    assert pickle.dumps(trusted) == pickle.dumps(validated)
    assert pickle.loads(pickle.dumps(trusted)) == validated


@given(_SENTENCES)
def test_trusted_sentence_is_the_validated_one(values: dict[str, Any]) -> None:
    _same(Sentence.trusted(**values), Sentence(**values))


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.text(max_size=20))
def test_trusted_ranges_are_the_validated_ones(a: int, n: int, reason: str) -> None:
    _same(CharInterval.trusted(start=a, end=a + n), CharInterval(start=a, end=a + n))
    _same(
        DroppedRange.trusted(start=a, end=a + n, reason=reason),
        DroppedRange(start=a, end=a + n, reason=reason),
    )


def test_every_field_in_order_or_an_error() -> None:
    with pytest.raises(TypeError, match="start, end"):
        CharInterval.trusted(start=1)
    with pytest.raises(TypeError):
        CharInterval.trusted(end=2, start=1)  # out of order: JSON would change
    with pytest.raises(TypeError):
        CharInterval.trusted(start=1, end=2, extra=3)
    with pytest.raises(TypeError):  # defaults too: validation would leave them unset
        Sentence.trusted(source_id="a", index=0, start=0, end=1, text="x")


def test_trusted_record_is_frozen() -> None:
    record = CharInterval.trusted(start=1, end=2)
    with pytest.raises(ValueError):
        record.start = 5
    assert record.model_copy(update={"end": 3}) == CharInterval(start=1, end=3)


_ARTICLE = (
    "Storm hits the coast\n\n"
    "By Jane Roe\n\n"
    "The storm reached the coast on Monday. Dr. Smith said 3.5 m of rain fell.\n"
    "Officials said the road \u201cwill reopen,\u201d he said. It did not.\n\n"
    "Share this article\n"
)


def test_cleaned_and_segmented_as_if_validated() -> None:
    source = Source(id="a", path="a.txt", text=_ARTICLE)
    cleaned = clean(source)
    again = CleanedSource(
        source=source,
        kept=tuple(CharInterval(start=k.start, end=k.end) for k in cleaned.kept),
        dropped=tuple(DroppedRange(**d.model_dump()) for d in cleaned.dropped),
    )
    _same(cleaned, again)
    sentences = segment(cleaned)
    assert len(sentences) > 3
    for sentence in sentences:
        _same(sentence, Sentence(**sentence.model_dump()))


def test_stored_result_as_if_validated() -> None:
    source = Source(id="a", path="a.txt", text=_ARTICLE)
    result = parallel.ParallelResult()
    parallel._store(source, (((0, 5), (7, 9)), ((5, 7, "byline"),), None, {}, ()), result)
    cleaned = result.outcomes["a"][1]  # type: ignore[index]
    _same(
        cleaned,
        CleanedSource(
            source=source,
            kept=(CharInterval(start=0, end=5), CharInterval(start=7, end=9)),
            dropped=(DroppedRange(start=5, end=7, reason="byline"),),
        ),
    )

"""The recurring keys of a corpus (stages/recurrence.py) against a plain count of every
key: the set operations that replace the count find the same keys and counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from summarizer.stages.recurrence import tally

DAYS = [None, dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5), dt.date(2025, 3, 6)]


def _counted(
    published: list[dt.date | None], articles: list[list[int]], least: int, days: int
) -> tuple[set[int], Counter[int], Counter[int], Counter[int]]:
    """Every key counted, then filtered (what the boilerplate stage did before)."""
    in_articles: Counter[int] = Counter()
    on_days: Counter[int] = Counter()
    occurrences: Counter[int] = Counter()
    seen: dict[dt.date, set[int]] = {}
    for day, keys in zip(published, articles, strict=True):
        occurrences.update(keys)
        in_articles.update(set(keys))
        if day is not None:
            seen.setdefault(day, set()).update(keys)
    for same_day in seen.values():
        on_days.update(same_day)
    recurring = {k for k, n in in_articles.items() if n >= least and on_days[k] >= days}
    return recurring, in_articles, on_days, occurrences


@given(
    st.lists(
        st.tuples(st.sampled_from(DAYS), st.lists(st.integers(0, 12), max_size=10)),
        max_size=14,
    ),
    st.integers(-1, 4),
    st.integers(-1, 4),
)
def test_the_recurring_keys_and_their_counts_are_those_of_a_plain_count(
    corpus: list[tuple[dt.date | None, list[int]]], least: int, days: int
) -> None:
    published = [day for day, _ in corpus]
    articles = [keys for _, keys in corpus]
    found = tally(published, articles.__getitem__, least, days)
    recurring, in_articles, on_days, occurrences = _counted(published, articles, least, days)
    assert found.keys == recurring
    for key in recurring:
        assert found.articles[key] == in_articles[key]
        assert found.days[key] == on_days[key]
        assert found.occurrences[key] == occurrences[key]
    assert found.holders == {i for i, keys in enumerate(articles) if recurring & set(keys)}
    assert found.repeated(2) == {k for k in recurring if occurrences[k] >= 2 * in_articles[k]}


def test_a_key_in_three_articles_on_three_days_recurs() -> None:
    published = [DAYS[1], DAYS[2], DAYS[3], DAYS[3], None]
    articles = [[7, 1], [7, 7, 2], [7], [8, 8], [8]]
    found = tally(published, articles.__getitem__, 3, 3)
    assert found.keys == {7}  # 8: three articles, one day
    assert (found.articles[7], found.days[7], found.occurrences[7]) == (3, 3, 4)
    assert found.holders == {0, 1, 2}
    assert found.repeated(2) == set()

"""The recurring keys of a corpus (stages/recurrence.py) against a plain count of every
key: the set operations that replace the count find the same keys and counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from summarizer.stages.recurrence import tally, tally_groups

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


@given(
    st.lists(st.lists(st.integers(0, 12), max_size=6), min_size=1, max_size=6),
    st.lists(
        st.tuples(st.sampled_from(DAYS), st.lists(st.integers(0, 5), max_size=5)), max_size=14
    ),
    st.integers(-1, 4),
    st.integers(-1, 4),
)
def test_counted_per_group_the_tally_is_that_of_the_articles_spelled_out(
    groups: list[list[int]],
    corpus: list[tuple[dt.date | None, list[int]]],
    least: int,
    days: int,
) -> None:
    published = [day for day, _ in corpus]
    members = [[g % len(groups) for g in mine] for _, mine in corpus]
    articles = [[k for g in mine for k in groups[g]] for mine in members]
    found = tally_groups(published, members, groups, least, days)
    assert found == tally(published, articles.__getitem__, least, days)


def test_a_key_of_two_groups_counts_the_articles_of_both() -> None:
    published = [DAYS[1], DAYS[2], DAYS[3], DAYS[3]]
    groups = [[5, 6, 6], [6, 7], [8]]
    members = [[0], [1], [1, 1, 2], [2]]
    found = tally_groups(published, members, groups, 3, 3)
    assert found.keys == {6}  # 5 and 7 alone: too few articles; 8: two articles, one day
    assert (found.articles[6], found.days[6], found.occurrences[6]) == (3, 3, 5)  # 2 + 3 times
    assert found.holders == {0, 1, 2}

"""Which keys recur across a corpus' articles and days: the counting behind
:mod:`~summarizer.stages.boilerplate`.

Each article gives a list of keys (hashes of runs of its words). A key recurs when it
is in at least so many articles published on at least so many distinct days; for those
keys only, how many articles and days hold each, and how often it occurs in all. Most of
a corpus' keys occur once, so they are not counted one by one: the keys in at least
``n`` of the sets seen so far are kept as sets (:func:`_at_least`), updated with set
operations, which run in C; only the recurring keys are then counted. (A counter of
every key, filtered by a loop in Python over the corpus' distinct keys, was most of the
boilerplate decision's time on a real corpus: the step that runs alone, between the
worker processes' two phases.)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Recurring:
    """The keys in at least so many articles on so many days (``keys``), and how many
    articles and distinct publication days hold each of those, and how often it occurs
    in all (repeats within an article included)."""

    keys: set[int]
    articles: Counter[int] = field(default_factory=Counter)
    days: Counter[int] = field(default_factory=Counter)
    occurrences: Counter[int] = field(default_factory=Counter)
    holders: set[int] = field(default_factory=set)  # the articles holding one of them

    def repeated(self, times: int) -> set[int]:
        """Those that articles also repeat within themselves, ``times`` per article on
        average."""
        return {k for k in self.keys if self.occurrences[k] >= times * self.articles[k]}


def _at_least(least: int) -> Callable[[set[int]], set[int]]:
    """A tally of key sets: each call adds one set and returns the keys in at least
    ``least`` of those added so far (one set per count up to ``least``)."""
    levels: list[set[int]] = [set() for _ in range(max(least, 1))]

    def add(keys: set[int]) -> set[int]:
        keys = keys - levels[-1]  # in a redundant corpus most keys are there already
        for n in range(len(levels) - 1, 0, -1):
            levels[n] |= levels[n - 1] & keys
        levels[0] |= keys
        return levels[-1]

    return add


def tally(
    published: Sequence[dt.date | None],
    keys_of: Callable[[int], list[int]],
    min_articles: int,
    min_days: int,
) -> Recurring:
    """The keys ``keys_of`` gives for each article (its position; ``published``: its
    publication date, None if unknown) in at least ``min_articles`` articles published on
    at least ``min_days`` days (an undated article adds no day), with their counts. Each
    article's keys are asked for twice: to find those keys, then to count them."""
    by_day: dict[dt.date | None, list[int]] = {}
    for i, day in enumerate(published):
        by_day.setdefault(day, []).append(i)
    in_articles, on_days = _at_least(min_articles), _at_least(min_days)
    often: set[int] = set()
    dated: set[int] = set()
    for day, members in by_day.items():
        seen: set[int] = set()
        for i in members:
            keys = set(keys_of(i))
            often = in_articles(keys)
            seen |= keys
        if day is not None:
            dated = on_days(seen)
    found = Recurring(often & dated if min_days > 0 else often)
    for day, members in by_day.items():
        seen = set()
        for i in members:
            every = keys_of(i)
            keys = found.keys.intersection(every)
            if keys:
                found.holders.add(i)
                found.articles.update(keys)
                found.occurrences.update(filter(keys.__contains__, every))
                seen |= keys
        if day is not None:
            found.days.update(seen)
    return found


def tally_groups(
    published: Sequence[dt.date | None],
    members: Sequence[Sequence[int]],
    groups: Sequence[Sequence[int]],
    min_articles: int,
    min_days: int,
) -> Recurring:
    """:func:`tally` of a corpus whose articles are made of groups of keys: article ``i``'s
    keys are those of the groups ``members[i]`` (positions in ``groups``; repeats
    included), in any order. Counted per distinct group, not per article: a redundant
    corpus repeats the same sentences (one story at 5,000 articles: 30,586 flagged
    sentences, 5,420 distinct, 666k keys, 28k distinct), and keys held by the same groups
    have the same counts."""
    holding: list[list[int]] = [[] for _ in groups]
    for i, held in enumerate(members):
        for g in held:
            holding[g].append(i)
    arts = [set(h) for h in holding]
    owner: dict[int, int] = {}  # each key's first group, and the keys of several groups:
    shared: dict[int, list[int]] = {}
    repeats = [False] * len(groups)  # the groups holding a key twice
    for g, keys in enumerate(groups):
        if holding[g]:
            present = dict.fromkeys(keys, g)
            repeats[g] = len(present) < len(keys)
            for k in owner.keys() & present.keys():
                shared.setdefault(k, [owner[k]]).append(g)
            owner.update(present)
    by_groups: dict[tuple[int, ...], set[int]] = {}  # the keys held by the same groups
    for g, keys in enumerate(groups):
        if holding[g] and (alone := set(keys).difference(shared)):
            by_groups[(g,)] = alone
    for k, holders in shared.items():
        by_groups.setdefault(tuple(holders), set()).add(k)
    found = Recurring(set())
    least = max(min_articles, 1)  # (a key in no article is in none of the counts)
    for gs, alike in by_groups.items():
        a = arts[gs[0]] if len(gs) == 1 else set().union(*(arts[g] for g in gs))
        if len(a) < least:
            continue
        d = {day for i in a if (day := published[i]) is not None}
        if len(d) < min_days:
            continue
        found.keys.update(alike)
        dict.update(found.articles, dict.fromkeys(alike, len(a)))  # (new keys: nothing to add)
        dict.update(found.days, dict.fromkeys(alike, len(d)))
        dict.update(found.occurrences, _occurrences(alike, gs, groups, holding, repeats))
        found.holders.update(a)
    return found


def _occurrences(
    keys: set[int],
    gs: Sequence[int],
    groups: Sequence[Sequence[int]],
    holding: Sequence[Sequence[int]],
    repeats: Sequence[bool],
) -> dict[int, int]:
    """How often ``keys``, each in every group of ``gs``, occur in all (a group once per
    time an article holds it)."""
    total = dict.fromkeys(keys, sum(len(holding[g]) for g in gs if not repeats[g]))
    for g in gs:
        if repeats[g]:
            for k, n in Counter(groups[g]).items():
                if k in keys:
                    total[k] += n * len(holding[g])
    return total

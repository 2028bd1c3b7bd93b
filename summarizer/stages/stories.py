"""Which articles tell one story (used by :mod:`summarizer.stages.merge`).

A sentence such as "The company plans to cut 400 jobs by March." or "Police said the
investigation was continuing." can be printed, word for word and on the same day, by
two unrelated stories; the names in each article tell them apart. Articles of one
story name at least one common person, place or organisation, so two articles tell one
story unless both name at least ``STORY_NAMES`` and they share none of them (an
article's names: the corpus-capitalised stems of its sentences,
:class:`~summarizer.stages.similarity.Text`). Too few names tell nothing: one story.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TypeVar

STORY_NAMES = 2  # names each of two articles gives before sharing none makes two stories
TELLERS = 8  # articles of one group looked at when a new article is placed

T = TypeVar("T")


class Stories:
    """The names of each article, and whether two articles tell one story."""

    def __init__(self, names: Mapping[str, Collection[str]]) -> None:
        self.names = {s: frozenset(n) for s, n in names.items()}

    def same(self, a: str, b: str) -> bool:
        """``a`` and ``b`` tell one story (or too few names to tell them apart)."""
        x, y = self.names.get(a), self.names.get(b)
        if a == b or x is None or y is None or len(x) < STORY_NAMES or len(y) < STORY_NAMES:
            return True
        return not x.isdisjoint(y)

    def partition(self, items: Iterable[T], article: Callable[[T], str]) -> list[list[T]]:
        """``items`` in groups of one story each: an item joins the first group one of
        whose (first ``TELLERS``) articles tells its article's story, in input order."""
        groups: list[tuple[list[str], list[T]]] = []
        for item in items:
            source = article(item)
            home = next((g for g in groups if any(self.same(source, t) for t in g[0])), None)
            if home is None:
                groups.append(([source], [item]))
                continue
            tellers, members = home
            if source not in tellers and len(tellers) < TELLERS:
                tellers.append(source)
            members.append(item)
        return [members for _, members in groups]

"""Which pairs of texts merge compares at all: blocking through an inverted index.

Scoring every pair of a run's texts is quadratic, and heavy coverage of one story
makes the posting lists of its common words long. Each text looks up only its
``BLOCK_TERMS`` heaviest features (of :class:`~summarizer.stages.similarity.Text`'s
TF-IDF vector), takes at most the last ``MAX_POSTING`` texts of each posting list, and
keeps its ``CANDIDATES`` best partners by partial dot product: a constant number of
exact comparisons per text, so near-linear in the number of texts. Merge scores only
the pairs whose texts share a day (:func:`near_pairs`: most do not, on a corpus
spanning months), in order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

from summarizer.stages.similarity import Text

Pairs = set[tuple[int, int]]
Near = list[tuple[int, int]]  # candidate pairs whose texts share a day, in order
Days = Sequence[tuple[dt.date, dt.date]]  # each text's days: its first and last possible
# How merge starts the search for candidate pairs and later takes its result, in parts
# (:func:`near_parts`): the search needs only the texts' vectors and days, so the run
# may start it on a second core while the texts' names and clauses are made, and score
# the first parts while the last are searched for (the runner's
# summarizer.beside.beside_items); by default it runs as its parts are asked for.
Parts = Callable[[], Iterator[Near]]
Later = Callable[[Parts], Parts]
Start = Callable[[Sequence[Text]], None]  # given the texts with their vectors
PART_TEXTS = 1000  # texts whose pairs make one part


def when_asked(step: Parts) -> Parts:
    """:data:`Later` in this process: the step itself, run when its result is asked for."""
    return step


def search(later: Later, days: Days) -> tuple[Start, Parts]:
    """(start: given the texts with their vectors, start :func:`near_parts` through
    ``later``; the parts found, once started)."""
    started: list[Parts] = []

    def start(texts: Sequence[Text]) -> None:
        started.append(later(lambda: near_parts(texts, days)))

    return start, lambda: started[0]()


def near_parts(texts: Sequence[Text], days: Days) -> Iterator[Near]:
    """:func:`near_pairs` of :func:`candidate_pairs`, in parts: those of each
    ``PART_TEXTS`` texts' new pairs (a pair is found once, at its later text)."""
    found: Pairs = set()
    for n, pairs in enumerate(_best_partners(texts), start=1):
        found.update(pairs)
        if n % PART_TEXTS == 0 or n == len(texts):
            yield near_pairs(found, days)
            found = set()


def near_pairs(pairs: Pairs, days: Days) -> Near:
    """The pairs whose two texts have a day in common, sorted: a pair of texts with no
    day in common makes no entry, so it is not scored (and, found on a second core, is
    not sent back)."""
    return sorted((i, j) for i, j in pairs if days[i][0] <= days[j][1] and days[j][0] <= days[i][1])


MAX_POSTING = 32  # cap on candidates taken from one feature's posting list
BLOCK_TERMS = 12  # heaviest features per text used for blocking
CANDIDATES = 12  # best partners per text kept for exact comparison


def candidate_pairs(texts: Sequence[Text]) -> Pairs:
    """Pairs of texts sharing distinctive terms, through a capped inverted index.

    Each text looks up the posting lists of its ``BLOCK_TERMS`` heaviest terms (the
    last ``MAX_POSTING`` entries of each), accumulates the partial dot product over
    those terms, and keeps its ``CANDIDATES`` best partners: at most a constant
    number of exact comparisons per text.
    """
    pairs: Pairs = set()
    for found in _best_partners(texts):
        pairs.update(found)
    return pairs


def _best_partners(texts: Sequence[Text]) -> Iterator[list[tuple[int, int]]]:
    """Each text's pairs with its best partners among the texts before it."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for text in texts:
        top = sorted([(-v, t) for t, v in text.vec.items()])[:BLOCK_TERMS]  # heaviest first
        partial: dict[int, float] = {}
        for negative, t in top:
            plist = postings[t]
            for other, w in plist[-MAX_POSTING:]:
                partial[other] = partial.get(other, 0.0) - negative * w
            plist.append((text.idx, -negative))
        best = sorted([(v, -other) for other, v in partial.items()], reverse=True)[:CANDIDATES]
        yield [(-other, text.idx) for _, other in best]  # best sums; ties: first texts

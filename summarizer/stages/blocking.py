"""Which pairs of texts merge compares at all: blocking through an inverted index.

Scoring every pair of a run's texts is quadratic, and heavy coverage of one story
makes the posting lists of its common words long. Each text looks up only its
``BLOCK_TERMS`` heaviest features (of :class:`~summarizer.stages.similarity.Text`'s
TF-IDF vector), takes at most the last ``MAX_POSTING`` texts of each posting list, and
keeps its ``CANDIDATES`` best partners by partial dot product: a constant number of
exact comparisons per text, so near-linear in the number of texts.
"""

from __future__ import annotations

from collections import defaultdict

from summarizer.stages.similarity import Text

MAX_POSTING = 32  # cap on candidates taken from one feature's posting list
BLOCK_TERMS = 12  # heaviest features per text used for blocking
CANDIDATES = 12  # best partners per text kept for exact comparison


def candidate_pairs(texts: list[Text]) -> set[tuple[int, int]]:
    """Pairs of texts sharing distinctive terms, through a capped inverted index.

    Each text looks up the posting lists of its ``BLOCK_TERMS`` heaviest terms (the
    last ``MAX_POSTING`` entries of each), accumulates the partial dot product over
    those terms, and keeps its ``CANDIDATES`` best partners: at most a constant
    number of exact comparisons per text.
    """
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    pairs: set[tuple[int, int]] = set()
    for text in texts:
        top = sorted([(-v, t) for t, v in text.vec.items()])[:BLOCK_TERMS]  # heaviest first
        partial: dict[int, float] = {}
        for negative, t in top:
            plist = postings[t]
            for other, w in plist[-MAX_POSTING:]:
                partial[other] = partial.get(other, 0.0) - negative * w
            plist.append((text.idx, -negative))
        best = sorted([(v, -other) for other, v in partial.items()], reverse=True)[:CANDIDATES]
        pairs.update((-other, text.idx) for _, other in best)  # best sums; ties: first texts
    return pairs

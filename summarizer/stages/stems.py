"""One cached Snowball English stemmer (``snowballstemmer``) for the stages that compare
words by their stems.

Merge's similarity (:mod:`summarizer.stages.similarity`) and the brief's ranking
(:mod:`summarizer.stages.select`) stem many of the same words. In a run on worker
processes the brief's order is made in a process forked after merge
(:mod:`summarizer.beside`): with one cache it finds the words merge stemmed
already stemmed, instead of stemming them again on the way to the brief.
"""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 17)
def stemmed(word: str) -> str:
    """The Snowball English stem of ``word`` (given in lower case)."""
    return str(_STEMMER.stemWord(word))

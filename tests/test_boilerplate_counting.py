"""The boilerplate decision's shortcuts give what the plain computation gave: a corpus
counted per distinct sentence decides as one counted per article; tokens read with the
ASCII classes, and without the normalising pass when nothing in them is normalised, are
the normalised tokens; a flagged sentence's recurring runs (:func:`_hits`) are the
merged spans of its recurring shingles, as the former code computed them."""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Sequence
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.models import Sentence
from summarizer.stages import boilerplate as bp
from summarizer.stages import shingles as sk
from summarizer.stages import stretches

# Sentences a corpus is made of: long ones (shingled), short ones (one key), stamps, figures
_POOL = [
    "The Riverside Gazette has covered the valley towns since 1911 and relies on readers",
    "The Riverside Gazette has covered the valley towns since 1912 and relies on readers",
    "Posted by Ana Ruiz at 10:30 GMT on Monday 3 March | Report abuse",
    "Posted by Tom Ede at 11:45 GMT on Tuesday 4 March | Report abuse",
    "Rescuers pulled 14 people from flooded homes in Marlow on Monday after the river rose",
    "Rescuers pulled 14 people from flooded homes in Harlow on Monday after the river rose",
    "Water levels kept rising.",
    "Letters go to the desk on Mill Street, open weekdays from nine until five o'clock "
    "and on Saturday mornings when the paper's office is staffed by volunteers",
    "Letters go to the desk on Mill Street, open weekdays from nine until five o'clock "
    "and on Saturday mornings when the paper's office is staffed by volunteers 08.43 BST",
    "Valdodra said the bridge would stay closed until the water level drops below two metres.",
    "Café owners in Straße said they would reopen on 5 March.",
    "",
    # reader comments in a site template's wrapper (its stamp recurs, within pages too)
    "The council should have acted sooner. Posted by: Ana | 10:30 GMT | Report abuse",
    "My street has been under water for two days now. Posted by: Ana | 11:02 GMT | Report abuse",
    "Thanks to every volunteer out there tonight. Posted by: Ana | 09:15 GMT | Report abuse",
]
_DAYS = [None, *(dt.date(2025, 3, d) for d in range(3, 8))]
_ARTICLE = st.tuples(
    st.sampled_from(_DAYS),
    st.sampled_from([None, "gazette", "courier"]),
    st.lists(st.integers(0, len(_POOL) - 1), min_size=1, max_size=6),
)


def _decide(corpus: Sequence[tuple[dt.date | None, str | None, list[int]]]) -> list[bp.Drops]:
    ids: dict[str, int] = {}
    case = bp.new_case()
    texts = [[_POOL[k] for k in picks] for _, _, picks in corpus]
    units = [bp.sentence_units(_sentences(t), ids, case) for t in texts]
    return bp.decide(
        [day for day, _, _ in corpus],
        texts,
        units,
        case,
        outlets=[outlet for _, outlet, _ in corpus],
        tails=[1] * len(corpus),
    )


def _sentences(texts: list[str]) -> list[Sentence]:
    out, start = [], 0
    for i, text in enumerate(texts):
        out.append(
            Sentence.trusted(
                source_id="a",
                index=i,
                start=start,
                end=start + len(text),
                text=text,
                is_headline=False,
                paragraph=0,
            )
        )
        start += len(text) + 1
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(_ARTICLE, max_size=14))
def test_counted_per_distinct_sentence_the_decision_is_the_same(
    corpus: list[tuple[dt.date | None, str | None, list[int]]],
) -> None:
    with mock.patch.object(bp, "GROUPED_BELOW", 0.0):  # never grouped
        per_article = _decide(corpus)
    with mock.patch.object(bp, "GROUPED_BELOW", 1.01):  # always grouped
        grouped = _decide(corpus)
    assert grouped == per_article


def test_repeated_furniture_is_dropped_either_way() -> None:
    corpus = [(_DAYS[d], None, [0, 4, 7]) for d in (1, 2, 3, 4)]  # footer, news, letters
    corpus += [
        (_DAYS[d], None, [(9, 10, 6)[d - 1], 12 + d % 3, 12 + (d + 1) % 3]) for d in (1, 2, 3)
    ]
    for share in (0.0, 1.01):
        with mock.patch.object(bp, "GROUPED_BELOW", share):
            drops = _decide(corpus)
        dropped = [[j for j, _, _ in d] for d in drops]
        assert dropped == [[0, 1, 2]] * 4 + [[1, 2]] * 3  # the comments by their wrapper


_PIECES = ["the", "The", "Monday", "march", "MAY", "at", "12", "5", "2010", "14:30", "9.45"]
_PIECES += ["3.", "am", "GMT", "café", "\u0130stanbul", "\u212aelvin", "\u0663\u0664", "²", "x_y"]
_TEXT = st.lists(
    st.tuples(st.sampled_from(_PIECES), st.sampled_from(["", " ", "-", ", ", "\n"])), max_size=20
).map(lambda parts: "".join(p + g for p, g in parts))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_tokens_are_the_normalised_tokens(text: str) -> None:
    assert sk.tokens(text) == sk.normalise(sk.TOKEN.findall(text.lower()))


def _former_hits(full: sk.Full, recurring: set[int]) -> tuple[list[int], list[tuple[int, int]]]:
    """The recurring shingles' keys and merged spans as the verdict computed them."""
    keys, n = full[0]
    spans = [(0, n)] if n < sk.SHINGLE and keys else [(m, m + sk.SHINGLE) for m in range(len(keys))]
    hits = [(k, a, b) for k, (a, b) in zip(keys, spans, strict=True) if k in recurring]
    return [k for k, _, _ in hits], stretches.merged((a, b) for _, a, b in hits)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=40), st.sets(st.integers(0, 6)))
def test_a_flagged_sentences_runs_are_its_recurring_spans_merged(
    toks: list[int], recurring: set[int]
) -> None:
    shingled = len(toks) >= sk.SHINGLE  # (else a short sentence: one key)
    keys = toks[: len(toks) - sk.SHINGLE + 1] if shingled else toks[:1]
    full: sk.Full = ((array("q", keys), len(toks) if keys else 0), ())
    assert bp._hits(full, recurring) == _former_hits(full, recurring)

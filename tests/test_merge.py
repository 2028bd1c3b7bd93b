"""Merge: one entry per fact across sources; timeline selection."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from summarizer.models import (
    Engine,
    Event,
    MergedEvent,
    Precision,
    ResolvedDate,
    Source,
    SourceExtraction,
)
from summarizer.stages.quantities import annotate

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


# --------------------------------------------------------------------------- helpers


def story(
    articles: Mapping[str, str],
    published: dt.date = dt.date(2024, 3, 12),
    dates: Mapping[str, ResolvedDate] | None = None,
) -> tuple[list[SourceExtraction], dict[str, Source]]:
    """Sources and extractions from short articles: one event per sentence.

    ``dates`` maps a phrase to the date of any sentence containing it; other
    sentences take the publication date, marked as such.
    """
    sources: dict[str, Source] = {}
    extractions: list[SourceExtraction] = []
    for sid, text in articles.items():
        sources[sid] = Source(id=sid, path=f"{sid}.txt", text=text, published=published)
        events = []
        for m in re.finditer(r"[^.!?\s](?:[^.!?]|\.(?=\d))*[.!?]", text):
            date = next(
                (d for phrase, d in (dates or {}).items() if phrase in m.group(0)),
                ResolvedDate(start=published, precision=Precision.DAY, from_publication=True),
            )
            events.append(
                Event(
                    source_id=sid,
                    text=m.group(0),
                    quote=m.group(0),
                    start=m.start(),
                    end=m.end(),
                    date=date,
                    salience=0.5,
                )
            )
        ext = SourceExtraction(
            source_id=sid, summary=(), events=tuple(events), engine=Engine.EXTRACTIVE
        )
        extractions.append(annotate(ext))
    return extractions, sources


def entry_with(events: tuple[MergedEvent, ...], phrase: str) -> MergedEvent:
    hits = [e for e in events if any(phrase in ev.quote for ev in e.evidence)]
    assert len(hits) == 1, [e.text for e in hits]
    return hits[0]


def seed_pipeline() -> tuple[tuple[MergedEvent, ...], dict[str, Source]]:
    """The real stages on seeds/: ingest, clean, segment, extract, (dates), quantities, merge."""
    from summarizer.engines.extractive import extract
    from summarizer.stages.clean import clean
    from summarizer.stages.dates import date_events
    from summarizer.stages.ingest import ingest
    from summarizer.stages.merge import merge
    from summarizer.stages.segment import segment

    result = ingest([SEEDS])
    sources = {s.id: s for s in result.sources}
    extractions = []
    for source in result.sources:
        cleaned = clean(source)
        ext = extract(cleaned, segment(cleaned))
        if date_events is not None:
            ext = date_events(ext, source)
        extractions.append(annotate(ext))
    return merge(extractions, sources), sources


# --------------------------------------------------------------------------- clustering

EARTHQUAKE = {
    "wire": (
        "A magnitude 6.1 earthquake struck the Anatolian town of Malatya, killing 12 people. "
        "The governor of Malatya province said rescue teams were searching collapsed buildings. "
        "Schools in the region will stay closed until Monday, the education ministry announced."
    ),
    "daily": (
        "At least 15 people died when a strong earthquake hit Malatya early on Tuesday. "
        "Rescue teams searched collapsed buildings through the night, the Malatya governor said. "
        "Turkey's central bank left interest rates unchanged at its meeting on Tuesday."
    ),
    "radio": (
        "The Malatya earthquake killed 12 people and injured dozens, officials said. "
        "Aftershocks rattled the town for hours afterwards."
    ),
}


def test_one_entry_per_fact_across_sources() -> None:
    events = merge_story(EARTHQUAKE)
    quake = entry_with(events, "magnitude 6.1")
    assert quake.sources == ("daily", "radio", "wire")
    rescue = entry_with(events, "searching collapsed")
    assert rescue.sources == ("daily", "wire")
    assert rescue.id != quake.id


@pytest.mark.parametrize(
    "phrase",
    ["central bank", "Aftershocks", "Schools in the region"],
)
def test_unrelated_sentences_stay_alone(phrase: str) -> None:
    events = merge_story(EARTHQUAKE)
    assert len(entry_with(events, phrase).sources) == 1


def merge_story(articles: Mapping[str, str], **kw: object) -> tuple[MergedEvent, ...]:
    from summarizer.stages.merge import merge

    extractions, sources = story(articles, **kw)  # type: ignore[arg-type]
    return merge(extractions, sources)


ELECTION = {
    "a": (
        "The Labour candidate Maria Lind won the Harrowgate by-election with 14,210 votes. "
        "Turnout was 41 percent, the returning officer said."
    ),
    "b": (
        "Maria Lind of Labour won the Harrowgate by-election on Thursday, taking 14,210 votes. "
        "The Conservative candidate conceded shortly after midnight."
    ),
    "c": (
        "Turnout in Harrowgate was 41 percent. "
        "Labour's Maria Lind won the by-election with more than 14,000 votes."
    ),
}


def test_two_facts_of_an_election_are_two_entries() -> None:
    events = merge_story(ELECTION)
    win = entry_with(events, "Conservative")  # only b reports the concession
    assert win.sources == ("b",)
    result = entry_with(events, "returning officer")
    assert result.sources == ("a", "c")
    votes = [e for e in events if any("14,210" in ev.quote for ev in e.evidence)]
    assert len(votes) == 1 and set(votes[0].sources) == {"a", "b", "c"}


def test_events_on_different_days_do_not_merge() -> None:
    day1 = ResolvedDate(start=dt.date(2024, 3, 4), precision=Precision.DAY, expression="Monday")
    day2 = ResolvedDate(start=dt.date(2024, 3, 9), precision=Precision.DAY, expression="Saturday")
    articles = {
        "x": "Protesters marched through the capital against the pension reform on Monday.",
        "y": "Protesters marched through the capital against the pension reform on Saturday.",
    }
    events = merge_story(articles, dates={"Monday": day1, "Saturday": day2})
    assert len(events) == 2
    same_day = merge_story(articles)
    assert len(same_day) == 1


def test_evidence_keeps_every_quote_with_offsets() -> None:
    extractions, sources = story(EARTHQUAKE)
    from summarizer.stages.merge import merge

    for event in merge(extractions, sources):
        for ev in event.evidence:
            assert sources[ev.source].text[ev.start : ev.end] == ev.quote


def test_ids_are_stable_and_unique() -> None:
    first = merge_story(EARTHQUAKE)
    second = merge_story(EARTHQUAKE)
    assert [e.id for e in first] == [e.id for e in second]
    assert len({e.id for e in first}) == len(first)


def test_merged_date_prefers_explicit_expressions() -> None:
    from summarizer.stages.merge import merged_date

    pub = ResolvedDate(start=dt.date(2025, 7, 1), precision=Precision.DAY, from_publication=True)
    monday = ResolvedDate(
        start=dt.date(2025, 6, 30), precision=Precision.DAY, expression="late Monday"
    )
    month = ResolvedDate(start=dt.date(2024, 5, 1), precision=Precision.MONTH, expression="May")

    def ev(date: ResolvedDate) -> Event:
        return Event(source_id="s", text="t", quote="t", start=0, end=1, date=date)

    assert merged_date([ev(pub), ev(monday)], None) == monday
    assert merged_date([ev(month), ev(month)], None) == month
    # one explicit month against four sources dated only by publication: the day wins
    assert merged_date([ev(month)] + [ev(pub)] * 4, None) == pub
    fallback = merged_date([], dt.date(2024, 1, 2))
    assert fallback.start == dt.date(2024, 1, 2) and fallback.from_publication


def test_undated_source_takes_the_corpus_publication_day() -> None:
    from summarizer.stages.merge import merge

    extractions, sources = story({"blog": "Volunteers rebuilt the Ashford footbridge."})
    undated = {"blog": sources["blog"].model_copy(update={"published": None})}
    events = [e.model_copy(update={"date": None}) for e in extractions[0].events]
    extraction = extractions[0].model_copy(update={"events": tuple(events)})
    other = Source(id="paper", path="p.txt", text="x", published=dt.date(2024, 3, 9))
    (entry,) = merge([extraction], {**undated, "paper": other})
    assert entry.date.start == dt.date(2024, 3, 9)
    assert entry.date.from_publication


def test_quantities_are_kept_by_source() -> None:
    quake = entry_with(merge_story(EARTHQUAKE), "magnitude 6.1")
    assert [q.value for q in quake.quantities["daily"] if q.kind == "killed"] == [15]
    assert [q.value for q in quake.quantities["wire"] if q.kind == "killed"] == [12]


def test_importance_grows_with_sources() -> None:
    events = merge_story(EARTHQUAKE)
    quake = entry_with(events, "magnitude 6.1")
    alone = entry_with(events, "Aftershocks")
    assert quake.importance > alone.importance


def _synthetic(n: int) -> list[SourceExtraction]:
    """``n`` distinct sentences over 50 sources sharing many terms (heavy blocking)."""
    events: dict[str, list[Event]] = {}
    for i in range(n):
        text = (
            f"Town{i % 97} council approved budget{i % 31} plan{i} worth {i} "
            f"million for roads{i % 13} and schools in district{i % 7}."
        )
        sid = f"s{i % 50}"
        events.setdefault(sid, []).append(
            Event(source_id=sid, text=text, quote=text, start=i, end=i + len(text))
        )
    return [
        SourceExtraction(source_id=s, summary=(), events=tuple(e), engine=Engine.EXTRACTIVE)
        for s, e in events.items()
    ]


def test_candidate_pairs_grow_linearly() -> None:
    """Blocking keeps the number of compared pairs near-linear in the number of texts."""
    from summarizer.stages.blocking import CANDIDATES, candidate_pairs, when_asked
    from summarizer.stages.merge import _texts_and_nodes

    def pairs_for(n: int) -> int:
        texts, _, _, _ = _texts_and_nodes(_synthetic(n), None, when_asked)
        assert len(texts) == n
        return len(candidate_pairs(texts))

    small, large = pairs_for(2000), pairs_for(4000)
    assert large <= 4000 * CANDIDATES
    assert large <= small * 2.5  # twice the texts: about twice the pairs, not four times


def test_only_candidate_pairs_sharing_a_day_are_kept_in_order() -> None:
    """Texts with no day in common are never one entry: their pairs are not scored."""
    from summarizer.stages.blocking import near_pairs

    day = dt.date(2025, 3, 3)
    days = [
        (day, day),
        (day + dt.timedelta(days=1), day + dt.timedelta(days=3)),
        (day - dt.timedelta(days=9), day),  # ends on the first text's day
        (day + dt.timedelta(days=4), day + dt.timedelta(days=4)),
    ]
    pairs = {(1, 3), (0, 2), (0, 1), (2, 3), (1, 2), (0, 3)}
    assert near_pairs(pairs, days) == [(0, 2)]
    days[3] = (day - dt.timedelta(days=30), day + dt.timedelta(days=30))  # a month
    assert near_pairs(pairs, days) == [(0, 2), (0, 3), (1, 3), (2, 3)]


def test_the_pairs_in_parts_are_the_pairs_sharing_a_day() -> None:
    from summarizer.stages import blocking
    from summarizer.stages.merge import _texts_and_nodes

    texts, _, _, _ = _texts_and_nodes(_synthetic(2500), None, blocking.when_asked)
    days = [(dt.date(2025, 3, 1 + t.idx % 5), dt.date(2025, 3, 1 + t.idx % 5)) for t in texts]
    parts = list(blocking.near_parts(texts, days))
    assert len(parts) == 3  # 1,000 texts' pairs a part
    whole = blocking.near_pairs(blocking.candidate_pairs(texts), days)
    assert sorted(p for part in parts for p in part) == whole and len(whole) > 1000


def test_no_pair_of_texts_is_scored_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.stages import merge as merge_stage
    from summarizer.stages import similarity

    calls: list[tuple[int, int]] = []
    score = similarity.Scores._score

    def counted(a: object, b: object) -> float:
        calls.append((min(a.idx, b.idx), max(a.idx, b.idx)))  # type: ignore[attr-defined]
        return score(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(similarity.Scores, "_score", staticmethod(counted))
    extractions, sources = story({**EARTHQUAKE, **ELECTION})
    merge_stage.merge(extractions * 3, sources)  # every text three times over
    assert calls and len(calls) == len(set(calls))


def test_statements_tokenised_beforehand_give_the_same_entries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run reads each source's statements into tokens as its worker sends them
    (terms.Tokenised); merge then reads none again and makes the same entries."""
    from summarizer.stages import merge as merge_stage
    from summarizer.stages import similarity, terms
    from summarizer.stages.dates import find_temporal_expressions

    extractions, sources = story({**EARTHQUAKE, **ELECTION})
    alone = merge_stage.merge(extractions, sources)
    known = terms.Tokenised()
    for ext in extractions:
        known.add(e.text for e in ext.events)
    assert known and all(e.text in known for x in extractions for e in x.events)
    texts = [e.text for x in extractions for e in x.events]
    spans = [tuple((m.start, m.end) for m in find_temporal_expressions(t)) for t in texts]
    assert any(spans)  # the story's statements give days
    with monkeypatch.context() as patch:  # as the worker processes send them: not found again
        patch.setattr(terms, "find_temporal_expressions", lambda text: 1 / 0)
        given = terms.Tokenised()
        given.add(texts, spans)
    assert given == known

    def unread(text: str) -> object:
        raise AssertionError(f"tokenised again: {text}")

    monkeypatch.setattr(similarity, "tokenise", unread)
    assert merge_stage.merge(extractions, sources, known) == alone


# --------------------------------------------------------------------------- select_timeline


def _event(eid: str, day: dt.date, importance: float) -> MergedEvent:
    return MergedEvent(
        id=eid,
        date=ResolvedDate(start=day, precision=Precision.DAY),
        text=eid,
        sources=("a",),
        evidence=(),
        importance=importance,
    )


FLOOD_TIMELINE = (
    _event("rain", dt.date(2024, 9, 12), 1.0),
    _event("levee", dt.date(2024, 9, 13), 3.0),
    _event("evacuate", dt.date(2024, 9, 13), 2.5),
    _event("curfew", dt.date(2024, 9, 13), 1.2),
    _event("aid", dt.date(2024, 9, 15), 2.0),
    _event("inquiry", dt.date(2024, 9, 20), 1.1),
)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, ["rain", "levee", "evacuate", "curfew", "aid", "inquiry"]),
        ({"max_dates": 2}, ["levee", "evacuate", "curfew", "aid"]),
        ({"per_date": 1}, ["rain", "levee", "aid", "inquiry"]),
        ({"max_dates": 2, "per_date": 2}, ["levee", "evacuate", "aid"]),
        ({"day": dt.date(2024, 9, 15)}, ["aid", "rain", "levee", "evacuate", "curfew"]),
        ({"day": dt.date(2024, 9, 15), "max_dates": 2}, ["aid", "levee", "evacuate", "curfew"]),
        ({"day": dt.date(2024, 9, 14)}, ["rain", "levee", "evacuate", "curfew"]),
    ],
)
def test_select_timeline(kwargs: dict[str, object], expected: list[str]) -> None:
    from summarizer.stages.select import select_timeline

    assert [e.id for e in select_timeline(FLOOD_TIMELINE, **kwargs)] == expected  # type: ignore[arg-type]


# --------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seeds() -> tuple[tuple[MergedEvent, ...], dict[str, Source]]:
    return seed_pipeline()


def test_seed_izhevsk_strike_cites_each_outlet_for_what_it_states(
    seeds: tuple[tuple[MergedEvent, ...], dict[str, Source]],
) -> None:
    """The strike and its toll is one entry citing the three outlets whose quotes state
    it; 002's differently worded lead ("a long-range drone hit a major Russian arms
    plant ... roughly 1,300 kilometers from the Ukrainian border") is one entry with
    000's lead ("800 miles from Ukraine"), not cited on the toll it never gives."""
    events, sources = seeds
    strike = [e for e in events if any("injuring 35" in ev.quote for ev in e.evidence)]
    assert len(strike) == 1
    assert [s[:3] for s in strike[0].sources] == ["000", "001", "003"]
    quotes = " ".join(ev.quote for ev in strike[0].evidence)
    assert "injuring several people" in quotes
    assert "targeting the industrial city of Izhevsk" in quotes
    lead = [e for e in events if any("roughly 1,300" in ev.quote for ev in e.evidence)]
    assert len(lead) == 1 and [s[:3] for s in lead[0].sources] == ["000", "002"]
    assert any("800 miles from Ukraine" in ev.quote for ev in lead[0].evidence)
    for entry in (*strike, *lead):
        for ev in entry.evidence:
            assert sources[ev.source].text[ev.start : ev.end] == ev.quote


def test_seed_related_article_teasers_never_merge(
    seeds: tuple[tuple[MergedEvent, ...], dict[str, Source]],
) -> None:
    events, _ = seeds
    text = " ".join(ev.quote for e in events for ev in e.evidence)
    assert "Kim Jong" not in text and "Pentagon" not in text

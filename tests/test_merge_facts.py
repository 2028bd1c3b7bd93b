"""Merge promises on small multi-day stories: one fact per entry, days kept apart,
citations only where the quote states the fact, no cross-story merges, and heavy
coverage collapsing into few entries. Dates are resolved by the real dates stage."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Mapping

from summarizer.models import Engine, Event, MergedEvent, Source, SourceExtraction
from summarizer.stages.dates import resolve_sentence_date
from summarizer.stages.disagree import find_disagreements
from summarizer.stages.merge import merge
from summarizer.stages.quantities import annotate

SUN, MON, TUE, WED = (dt.date(2024, 5, d) for d in (5, 6, 7, 8))
_SENTENCE = re.compile(r"[^.!?\s](?:[^.!?]|\.(?=\d))*[.!?]")


def dated_story(
    articles: Mapping[str, tuple[dt.date, str]],
) -> tuple[list[SourceExtraction], dict[str, Source]]:
    """One event per sentence, each dated by the dates stage against its article."""
    sources: dict[str, Source] = {}
    extractions: list[SourceExtraction] = []
    for sid, (published, text) in articles.items():
        sources[sid] = Source(id=sid, path=f"{sid}.txt", text=text, published=published)
        events = tuple(
            Event(
                source_id=sid,
                text=m.group(0),
                quote=m.group(0),
                start=m.start(),
                end=m.end(),
                date=resolve_sentence_date(m.group(0), published, m.start()),
                salience=0.5,
            )
            for m in _SENTENCE.finditer(text)
        )
        ext = SourceExtraction(source_id=sid, summary=(), events=events, engine=Engine.EXTRACTIVE)
        extractions.append(annotate(ext))
    return extractions, sources


def run(articles: Mapping[str, tuple[dt.date, str]]) -> tuple[MergedEvent, ...]:
    return merge(*dated_story(articles))


def entry_citing(events: tuple[MergedEvent, ...], phrase: str) -> MergedEvent:
    hits = [e for e in events if any(phrase in ev.quote for ev in e.evidence)]
    assert len(hits) == 1, [e.text for e in hits]
    return hits[0]


def quotes(event: MergedEvent) -> list[str]:
    return [ev.quote for ev in event.evidence]


# --------------------------------------------------------------------------- days

HARBOUR = {
    "coastwatch": (
        TUE,
        "The harbour at Kelmport was closed on Monday as the storm approached, the port "
        "authority said. Ferries to the Skerry islands were cancelled on Tuesday, the "
        "operator said.",
    ),
    "gazette": (
        TUE,
        "Ferry sailings to the Skerry islands were cancelled on Tuesday, the operator said. "
        "Kelmport harbour had been closed on Monday because of the storm.",
    ),
}


def test_facts_of_different_days_are_different_entries() -> None:
    events = run(HARBOUR)
    closed = entry_citing(events, "harbour at Kelmport was closed")
    ferries = entry_citing(events, "Ferries to the Skerry islands")
    assert closed is not ferries
    assert closed.date.start == MON and ferries.date.start == TUE
    for entry in events:
        days = {ev.date_expression for ev in entry.evidence}
        assert not {"on Monday", "on Tuesday"} <= days, quotes(entry)


def test_the_same_statement_by_two_outlets_is_one_entry_citing_both() -> None:
    events = run(HARBOUR)
    ferries = entry_citing(events, "Ferries to the Skerry islands")
    assert ferries.sources == ("coastwatch", "gazette")
    assert entry_citing(events, "Ferry sailings") is ferries
    closed = entry_citing(events, "harbour at Kelmport was closed")
    assert closed.sources == ("coastwatch", "gazette")


BLAST = {
    "sunday": (
        SUN,
        "A gas explosion destroyed a bakery in Dornfeld on Sunday morning, killing two "
        "people, police said.",
    ),
    "monday": (
        MON,
        "The explosion at the Dornfeld bakery on Sunday killed two people, police said. "
        "On Monday the mayor of Dornfeld ordered gas inspections of every bakery in the "
        "old town.",
    ),
    "tuesday": (
        TUE,
        "Dornfeld's mayor ordered gas inspections of all bakeries in the old town on "
        "Monday, officials confirmed.",
    ),
}


def test_a_later_order_is_not_folded_into_the_event_before_it() -> None:
    events = run(BLAST)
    blast = entry_citing(events, "gas explosion destroyed")
    order = entry_citing(events, "mayor of Dornfeld ordered")
    assert blast is not order
    assert blast.date.start == SUN and blast.sources == ("monday", "sunday")
    assert order.date.start == MON and order.sources == ("monday", "tuesday")


DRONES = {
    "wire": (
        TUE,
        "The air force said on Tuesday that Russia fired 52 drones at the country overnight.",
    ),
    "daily": (
        WED,
        "The air force said on Wednesday that Russia fired 68 drones at the country overnight.",
    ),
}


def test_the_same_wording_on_another_day_is_another_fact() -> None:
    events = run(DRONES)
    assert len(events) == 2
    assert {e.date.start for e in events} == {TUE, WED}
    assert all(len(e.sources) == 1 for e in events)


# --------------------------------------------------------------------------- citations

KREMLIN = {
    "wire": (
        TUE,
        "Kremlin spokesman Ivo Tarkan on Tuesday thanked Washington for its efforts to "
        "revive the peace talks.",
    ),
    "herald": (
        TUE,
        "Tarkan thanked Washington on Tuesday for trying to revive the peace negotiations.",
    ),
    "follow": (
        WED,
        "Kremlin spokesman Ivo Tarkan vowed on Wednesday that Moscow would respond to the "
        "drone strike on Velsk.",
    ),
    "weekly": (
        WED,
        "Tarkan thanked Washington for its efforts to revive the peace talks, the agency said.",
    ),
}


def test_a_source_is_cited_only_for_what_its_quote_states() -> None:
    events = run(KREMLIN)
    thanks = entry_citing(events, "on Tuesday thanked Washington")
    assert thanks.sources == ("herald", "weekly", "wire")
    # the Wednesday paper's undated repeat joins Tuesday's fact and does not move it
    assert thanks.date.start == TUE and not thanks.date.from_publication
    vow = entry_citing(events, "vowed on Wednesday")
    assert vow.sources == ("follow",) and vow.date.start == WED


FLOOD = {
    "a": (MON, "The Vessa dam burst on Monday, flooding the village of Orrin."),
    "b": (
        MON,
        "Water flooding the village of Orrin also swept away the railway line to Tesk, "
        "engineers said.",
    ),
    "c": (MON, "The railway line to Tesk was swept away, engineers said on Monday."),
}


def test_no_chaining_through_a_third_sentence() -> None:
    """a ~ b (Orrin flooded) and b ~ c (railway swept away), but a and c share nothing:
    no entry cites both a's dam and c's railway."""
    events = run(FLOOD)
    for entry in events:
        assert set(entry.sources) != {"a", "b", "c"}, quotes(entry)
        assert not {"a", "c"} <= set(entry.sources), quotes(entry)


def test_every_cited_quote_is_the_source_text() -> None:
    extractions, sources = dated_story({**HARBOUR, **KREMLIN})
    for entry in merge(extractions, sources):
        for ev in entry.evidence:
            assert sources[ev.source].text[ev.start : ev.end] == ev.quote


# --------------------------------------------------------------------------- stories

TWO_TOWNS = {
    "arnsby_post": (
        MON,
        "A fire destroyed a furniture warehouse in Arnsby on Monday, firefighters said. "
        "Mayor Hella Brunn said the town would pay for temporary storage.",
    ),
    "arnsby_radio": (
        MON,
        "Firefighters said a fire destroyed an Arnsby furniture warehouse on Monday.",
    ),
    "colmere_news": (
        MON,
        "A fire destroyed a furniture warehouse in Colmere on Monday, firefighters said. "
        "Mayor Otto Lanz said the town would pay for temporary storage.",
    ),
}


def test_unrelated_stories_are_never_merged() -> None:
    events = run(TWO_TOWNS)
    for entry in events:
        towns = {sid.split("_")[0] for sid in entry.sources}
        assert len(towns) == 1, quotes(entry)
    fire = entry_citing(events, "warehouse in Arnsby")
    assert fire.sources == ("arnsby_post", "arnsby_radio")


# --------------------------------------------------------------------------- coverage

FACTS = [
    "Rescue crews pulled {n} miners from the flooded Brakvik pit on Tuesday, the operator said.",
    "The Brakvik pit flooded after a pump failed late on Monday, according to the union.",
    "Three miners are still missing in the Brakvik pit, the regional governor said.",
    "The energy minister Sanna Voll visited Brakvik on Tuesday and promised an inquiry.",
    "Brakvik families gathered outside the mine gates through the night.",
]
WORDINGS = [
    "{fact}",
    "Officials said: {fact}",
    "Update: {fact}",
]


def test_heavy_coverage_of_one_story_merges_into_few_entries() -> None:
    """300 articles reshuffling five facts (three wordings each) on one day: a handful
    of entries, each citing many outlets."""
    rng = random.Random(11)
    articles: dict[str, tuple[dt.date, str]] = {}
    for i in range(300):
        picked = rng.sample(FACTS, k=rng.randint(2, 5))
        text = " ".join(rng.choice(WORDINGS).format(fact=f.format(n=12)) for f in picked)
        articles[f"outlet{i:03d}"] = (WED, text)
    events = run(articles)
    cited = sorted((len(e.sources) for e in events), reverse=True)
    assert len(events) <= 3 * len(FACTS), cited
    assert sum(cited[: len(FACTS)]) >= 0.9 * sum(cited), cited
    assert cited[len(FACTS) - 1] >= 100, cited


def test_an_entry_is_dated_on_a_day_all_its_members_allow() -> None:
    """Three Wednesday papers repeating Tuesday's fact without a date do not outvote
    the one outlet that says "on Tuesday": their publication day is outside the days
    the entry's members share."""
    from summarizer.models import Precision, ResolvedDate
    from summarizer.stages.merge import merged_date

    tuesday = ResolvedDate(start=TUE, precision=Precision.DAY, expression="on Tuesday")
    wednesday = ResolvedDate(start=WED, precision=Precision.DAY, from_publication=True)

    def ev(date: ResolvedDate) -> Event:
        return Event(source_id="s", text="t", quote="t", start=0, end=1, date=date)

    events = [ev(tuesday)] + [ev(wednesday)] * 3
    assert merged_date(events, None) == wednesday  # votes alone
    assert merged_date(events, None, within=(TUE, TUE)) == tuesday


# --------------------------------------------------------------------------- figures


def test_counts_the_disagreement_stage_compares_share_an_entry_and_are_listed() -> None:
    # Two outlets give different counts of the people a cancellation stranded: one
    # entry, and the disagreement is shown (no outlet silently cited for the other's).
    events = run(
        {
            "tidings": (
                TUE,
                "Ferry sailings to the Skerry islands were cancelled on Tuesday, leaving "
                "about 1,800 passengers stranded, the operator said.",
            ),
            "herald": (
                TUE,
                "About 2,000 people were stranded after ferries to the Skerry islands were "
                "cancelled on Tuesday, the islands council said.",
            ),
        }
    )
    entry = entry_citing(events, "1,800 passengers")
    assert entry.sources == ("herald", "tidings")
    disagreements, _ = find_disagreements(events)
    (found,) = disagreements
    assert found.event == entry.id
    assert sorted(c.source for c in found.claims) == ["herald", "tidings"]


def test_a_count_and_the_sentence_naming_what_it_counts_are_compared() -> None:
    wire = (
        WED,
        "The number of homes without power in Kelmport climbed to 65,000 on "
        "Wednesday, the grid operator said.",
    )
    # "60,000 homes had no power": the disagreement stage cannot tell its state, so the
    # differing counts are never one entry (one outlet's quote would contradict it)
    events = run(
        {
            "wire": wire,
            "radio": (
                WED,
                "The grid operator said about 60,000 homes in Kelmport had no power on Wednesday.",
            ),
        }
    )
    assert entry_citing(events, "65,000") is not entry_citing(events, "60,000 homes")
    # "60,000 homes in Kelmport were without power": the same state, read past the
    # place; one entry may hold both because the disagreement is listed
    events = run(
        {
            "wire": wire,
            "radio": (
                WED,
                "The grid operator said about 60,000 homes in Kelmport were without power "
                "on Wednesday.",
            ),
        }
    )
    entry = entry_citing(events, "65,000")
    if entry is entry_citing(events, "60,000 homes"):
        disagreements, _ = find_disagreements(events, {"wire": WED, "radio": WED})
        (found,) = disagreements
        assert found.event == entry.id
        assert sorted(c.source for c in found.claims) == ["radio", "wire"]


def test_the_same_figures_stated_twice_are_still_one_entry() -> None:
    events = run(
        {
            "tidings": (
                TUE,
                "About 2,000 passengers were stranded after ferries to the Skerry islands "
                "were cancelled on Tuesday, the operator said.",
            ),
            "herald": (
                TUE,
                "Ferries to the Skerry islands were cancelled on Tuesday, leaving about "
                "2,000 passengers stranded, the operator said.",
            ),
        }
    )
    entry = entry_citing(events, "were cancelled on Tuesday, leaving")
    assert entry.sources == ("herald", "tidings")


# --------------------------------------------------------------------------- stories


def test_one_sentence_printed_by_two_stories_is_two_entries() -> None:
    # Word for word the same closing line, the same day, in two unrelated stories: the
    # names of each article tell the stories apart.
    line = "Police said the investigation was continuing."
    events = run(
        {
            "north": (
                MON,
                "A warehouse fire in Arnsby destroyed a furniture depot on Monday, the "
                "Arnsby fire brigade said. Harold Pemberton, the depot's owner, said "
                f"nobody was hurt. {line}",
            ),
            "south": (
                MON,
                "Two paintings were stolen from the Colmere museum on Monday, curator "
                f"Lucia Ferrandi said. The Colmere museum will stay closed this week. {line}",
            ),
        }
    )
    cited = [e for e in events if any(line in q for q in quotes(e))]
    assert len(cited) == 2
    assert sorted(e.sources for e in cited) == [("north",), ("south",)]


def test_one_sentence_printed_by_two_outlets_of_one_story_is_one_entry() -> None:
    line = "Police said the investigation was continuing."
    events = run(
        {
            "north": (
                MON,
                "A warehouse fire in Arnsby destroyed a furniture depot on Monday. Harold "
                f"Pemberton, the depot's owner, said nobody was hurt. {line}",
            ),
            "east": (
                MON,
                "Fire destroyed a furniture depot in Arnsby on Monday, its owner Harold "
                f"Pemberton said. {line}",
            ),
        }
    )
    entry = entry_citing(events, line)
    assert entry.sources == ("east", "north")


def test_a_number_in_place_of_another_is_another_fact() -> None:
    # "district 4" and "district 5" are no figures the disagreement stage compares:
    # two districts, two facts.
    events = run(
        {
            "wire": (
                MON,
                "Schools in district 4 of Kelmport were closed on Monday, the mayor said.",
            ),
            "radio": (
                MON,
                "Schools in district 5 of Kelmport were closed on Monday, the mayor said.",
            ),
        }
    )
    assert entry_citing(events, "district 4") is not entry_citing(events, "district 5")


# --------------------------------------------------------------------------- who says it


def test_who_says_it_does_not_make_two_statements_one() -> None:
    """The harbour master's quote and the closure he announced share his name and title,
    not their fact: "..., the harbour master said, with ..." and "“...,” Tarn's harbour
    master said" are who says it, so the closure is not cited on the quote's entry
    (while the quote printed by two outlets still is one entry)."""
    events = run(
        {
            "gazette": (
                MON,
                '"This is the worst gale we have had in twenty years," Tarnby\'s harbour '
                "master said on Monday.",
            ),
            "islandnews": (
                MON,
                "The harbour at Tarnby was closed on Monday as the gale reached the coast, "
                "the harbour master said, with gusts of up to 80 mph forecast overnight. "
                '"This is the worst gale we have had in twenty years," harbour master Ewan '
                "Rusk said.",
            ),
        }
    )
    quote = entry_citing(events, 'the worst gale we have had in twenty years," Tarnby')
    assert sorted(quote.sources) == ["gazette", "islandnews"]
    assert not any("was closed" in q for q in quotes(quote))
    closed = entry_citing(events, "The harbour at Tarnby was closed")
    assert closed.sources == ("islandnews",)


def test_a_statement_and_the_quote_continuing_it_are_one_entry() -> None:
    """One outlet's "X on Tuesday thanked ..." and the next sentence's "“We are grateful
    ...,” X said." are one statement: one entry citing both quotes. The outlet's other
    quote, by someone else, stays apart."""
    events = run(
        {
            "herald": (
                TUE,
                "Port spokesman Ivo Marek on Tuesday thanked the Dunmore council and its "
                "volunteers for their help with the evacuation of the harbour district. "
                "“We are certainly grateful for the help the Dunmore council and its "
                "volunteers gave us during the evacuation,” Marek said. "
                "“The sea wall held, but only just,” engineer Lea Vos said.",
            ),
        }
    )
    thanks = entry_citing(events, "thanked the Dunmore council")
    assert len(quotes(thanks)) == 2 and any("grateful" in q for q in quotes(thanks))
    assert not any("sea wall" in q for q in quotes(thanks))

"""Revisions over time: a later figure for the same thing is old -> new, not a dispute.

Small stories written for these tests: a chemical plant blast in "Riverton" (three
killed on Monday, four by Tuesday's follow-up), drone attacks on two nights, a flood.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from summarizer.config import Config, EngineChoice
from summarizer.models import (
    BriefLine,
    Changes,
    Engine,
    Evidence,
    MergedEvent,
    Precision,
    Report,
    ResolvedDate,
    Revision,
    RunInfo,
    RunStats,
)
from summarizer.output.html import render_html
from summarizer.output.lines import note_text, notes, plain_markers
from summarizer.output.render import render_brief_md, render_timeline_md, revision_marks
from summarizer.output.report_json import render_json
from summarizer.pipeline import run
from summarizer.stages.disagree import NOT_MENTIONED, compare
from summarizer.stages.quantities import extract_quantities
from summarizer.stages.wording import brief_line

MON, TUE, WED = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)


def entry(event_id: str, day: dt.date, *quotes: tuple[str, str]) -> MergedEvent:
    """One timeline entry: (source, sentence) quotes, each at offset 0 of its source."""
    evidence = tuple(Evidence(source=s, quote=q, start=0, end=len(q)) for s, q in quotes)
    return MergedEvent(
        id=event_id,
        date=ResolvedDate(start=day, precision=Precision.DAY),
        text=quotes[0][1],
        sources=tuple(sorted({s for s, _ in quotes})),
        evidence=evidence,
        quantities={s: extract_quantities(q) for s, q in quotes},
    )


# --------------------------------------------------------------------------- the stage


def test_later_article_with_a_new_toll_is_a_revision_not_a_disagreement() -> None:
    blast = entry(
        "e1",
        MON,
        ("gazette", "An explosion at the Riverton chemical plant killed three workers."),
        ("valley", "An explosion at the Riverton chemical plant killed four workers."),
    )
    found = compare([blast], {"gazette": MON, "valley": TUE})
    assert not found.disagreements
    (revision,) = found.revisions
    assert revision.topic == "killed"
    assert [(c.source, c.value, c.published) for c in revision.old] == [
        ("gazette", "three killed", MON)
    ]
    assert [(c.source, c.value, c.published) for c in revision.new] == [
        ("valley", "four killed", TUE)
    ]
    assert revision.note == "three killed (2025-03-03) → four killed (2025-03-04)"


def test_same_day_conflicting_figures_stay_a_disagreement() -> None:
    blast = entry(
        "e1",
        MON,
        ("gazette", "An explosion at the Riverton chemical plant killed three workers."),
        ("valley", "An explosion at the Riverton chemical plant killed four workers."),
    )
    found = compare([blast], {"gazette": MON, "valley": MON})
    assert not found.revisions
    (item,) = found.disagreements
    assert item.topic == "killed"


def test_figures_weeks_apart_are_not_updates_of_one_report() -> None:
    blast = entry(
        "e1",
        MON,
        ("gazette", "An explosion at the Riverton chemical plant killed three workers."),
        ("valley", "An explosion at the Riverton chemical plant killed four workers."),
    )
    found = compare([blast], {"gazette": MON, "valley": MON + dt.timedelta(days=30)})
    # a month apart: neither an update nor one news cycle's conflicting reports
    assert not found.revisions and not found.disagreements


def test_non_casualty_count_revised_by_a_later_report() -> None:
    flood = entry(
        "f",
        MON,
        ("gazette", "The flood in Portwell left 2,000 people stranded, the mayor said."),
        ("valley", "The flood in Portwell left 1,800 people stranded, the mayor said."),
    )
    (revision,) = compare([flood], {"gazette": MON, "valley": TUE}).revisions
    assert revision.topic == "people stranded"
    assert (
        revision.note == "2,000 people stranded (2025-03-03) → 1,800 people stranded (2025-03-04)"
    )


def test_undated_sources_are_not_ordered_by_date() -> None:
    blast = entry(
        "e1",
        MON,
        ("gazette", "An explosion at the Riverton chemical plant killed three workers."),
        ("valley", "An explosion at the Riverton chemical plant killed four workers."),
    )
    found = compare([blast], {"gazette": MON, "valley": None})
    assert not found.revisions and found.disagreements


def test_revision_language_on_the_same_day_is_a_revision() -> None:
    blast = entry(
        "e1",
        MON,
        ("gazette", "An explosion at the Riverton chemical plant killed three workers."),
        ("valley", "The death toll from the Riverton chemical plant explosion has risen to four."),
    )
    found = compare([blast], {"gazette": MON, "valley": MON})
    assert not found.disagreements
    (revision,) = found.revisions
    assert {c.source for c in revision.new} == {"valley"}


def test_one_source_stating_the_change_is_a_revision() -> None:
    blast = entry(
        "e1",
        TUE,
        ("valley", "The death toll from the Riverton blast rose from three to four overnight."),
    )
    (revision,) = compare([blast], {"valley": TUE}).revisions
    assert [c.value for c in revision.old] == ["three killed"]
    assert [c.value for c in revision.new] == ["four killed"]


def test_follow_up_entry_revises_the_earlier_entry() -> None:
    blast = entry(
        "monday",
        MON,
        (
            "gazette",
            "An explosion at the Halvorsen chemical plant in Riverton killed three workers.",
        ),
        ("valley", "Three workers died in an explosion at the Halvorsen plant in Riverton."),
    )
    follow_up = entry(
        "tuesday",
        TUE,
        (
            "post",
            "The death toll from the Halvorsen plant explosion in Riverton has risen to four.",
        ),
    )
    other = entry(
        "harbour", TUE, ("post", "The harbour in Portwell reopened after repairs to the pier.")
    )
    published = {"gazette": MON, "valley": MON, "post": TUE}
    found = compare([blast, follow_up, other], published)
    (revision,) = found.revisions
    assert (revision.event, revision.earlier_event) == ("tuesday", "monday")
    assert {c.source for c in revision.old} == {"gazette", "valley"}
    assert [c.value for c in revision.new] == ["four killed"]


def test_a_later_report_revises_an_entry_dated_after_its_own_and_not_a_part_of_it() -> None:
    """Thursday's "has risen to four" was dated Tuesday (by a clause of its sentence);
    Wednesday's report of three dead is still the earlier report it updates, and the
    toll is three, not the "two fishermen" the sentence names as a part of it."""
    three = entry(
        "wednesday",
        WED,
        (
            "island",
            "Three people have died in Storm Orla, police said, after two fishermen were "
            "found dead near Port Ellis.",
        ),
    )
    four = entry(
        "tuesday",
        TUE,
        (
            "island-thu",
            "The death toll from Storm Orla has risen to four after a woman injured on "
            "Tuesday died in hospital, police said.",
        ),
    )
    published = {"island": WED, "island-thu": WED + dt.timedelta(days=1)}
    (revision,) = compare([three, four], published).revisions
    assert (revision.event, revision.earlier_event) == ("tuesday", "wednesday")
    assert [c.value for c in revision.old] == ["three killed"]
    assert [c.value for c in revision.new] == ["four killed"]


def test_timeline_marks_the_follow_up_and_the_entry_it_revises() -> None:
    blast = entry(
        "monday",
        MON,
        (
            "gazette",
            "An explosion at the Halvorsen chemical plant in Riverton killed three workers.",
        ),
    )
    follow_up = entry(
        "tuesday",
        TUE,
        (
            "post",
            "The death toll from the Halvorsen plant explosion in Riverton has risen to four.",
        ),
    )
    found = compare([blast, follow_up], {"gazette": MON, "post": TUE})
    report = Report(
        sources=(),
        events=(blast, follow_up),
        disagreements=found.disagreements,
        revisions=found.revisions,
        stats=RunStats(engine=Engine.EXTRACTIVE),
    )
    note = "three killed (2025-03-03) → four killed (2025-03-04)"
    assert revision_marks(report) == {
        "tuesday": [f"figure revised: {note}"],
        "monday": [f"figure later revised: {note}"],
    }
    lines = [line for line in render_timeline_md(report).splitlines() if line.startswith("- ")]
    (monday,) = [line for line in lines if "killed three workers" in line]
    (tuesday,) = [line for line in lines if "has risen to four" in line]
    assert f"_(figure later revised: {note})_" in monday
    assert f"_(figure revised: {note})_" in tuesday
    events = {e["id"]: e["revised"] for e in json.loads(render_json(report))["events"]}
    assert events == {
        "monday": [f"figure later revised: {note}"],
        "tuesday": [f"figure revised: {note}"],
    }
    # --since-last: the follow-up is a new event, with the same marks
    previous = RunInfo(id=1, created_at=dt.datetime(2025, 3, 3, 18, 0), command="brief")
    changes = Changes(previous=previous, new_events=(follow_up,))
    since = json.loads(render_json(report, changes))["since_last"]
    assert [e["revised"] for e in since["new_events"]] == [[f"figure revised: {note}"]]


def test_follow_up_count_of_people_stranded_revises_the_earlier_entry() -> None:
    flood = entry(
        "sunday",
        MON,
        ("gazette", "The flood in Portwell left 2,000 people stranded on the coast road."),
    )
    update = entry(
        "monday",
        TUE,
        ("post", "The number of people stranded by the Portwell flood has risen to 2,500."),
    )
    (revision,) = compare([flood, update], {"gazette": MON, "post": TUE}).revisions
    assert (revision.topic, revision.earlier_event) == ("people stranded", "sunday")
    assert [c.value for c in revision.new] == ["2,500 people stranded"]


def test_a_state_stated_now_is_not_a_revision_of_another_state() -> None:
    before = entry("a", MON, ("army", "Army lawyers have examined 77 cases of alleged abuse."))
    after = entry(
        "b", TUE, ("mod", "Nine cases of alleged abuse by army soldiers are now complete.")
    )
    assert not compare([before, after], {"army": MON, "mod": TUE}).revisions


def test_different_nights_without_revision_language_are_two_facts() -> None:
    tuesday = entry(
        "t", TUE, ("air", "Russia fired 52 drones at Ukraine overnight, the air force said.")
    )
    wednesday = entry(
        "w", WED, ("air2", "Russia fired 68 drones at Ukraine overnight, the air force said.")
    )
    found = compare([tuesday, wednesday], {"air": TUE, "air2": WED})
    assert not found.revisions and not found.disagreements


def test_unrelated_entry_is_not_revised() -> None:
    blast = entry(
        "b", MON, ("gazette", "An explosion at the Riverton chemical plant killed three workers.")
    )
    crash = entry(
        "c",
        TUE,
        ("post", "The death toll from the coach crash on the Alpine motorway has risen to four."),
    )
    assert not compare([blast, crash], {"gazette": MON, "post": TUE}).revisions


# --------------------------------------------------------------------------- wording


def _notes(line: BriefLine) -> list[str]:
    return [note_text(n, plain_markers) for n in notes(line)]


def test_a_line_stating_an_old_figure_keeps_its_sentence_and_gets_a_revision_note() -> None:
    blast = entry(
        "e1",
        MON,
        ("gazette", "An explosion at the Riverton chemical plant killed three workers on Monday."),
        ("valley", "An explosion at the Riverton chemical plant killed four workers on Monday."),
    )
    found = compare([blast], {"gazette": MON, "valley": TUE})
    line = brief_line(blast.text, [blast], found.revisions, found.disagreements)
    assert line.text == blast.text  # the gazette's sentence, never edited
    # the valley's quote says four: it is cited in the note, not on a line saying three
    assert line.event == "e1" and line.sources == ("gazette",)
    assert _notes(line) == [
        "Revised: three killed [gazette] (2025-03-03) → four killed [valley] (2025-03-04)"
    ]
    latest = brief_line(
        "The plant explosion killed four workers.", [blast], found.revisions, found.disagreements
    )
    assert latest.text == "The plant explosion killed four workers."
    assert latest.event == "e1" and len(_notes(latest)) == 1
    assert latest.sources == ("valley",)


def test_disputed_figure_gets_a_note_with_each_side_attributed() -> None:
    flood = entry(
        "f",
        MON,
        ("gazette", "The flood in Portwell left 2,000 people stranded, the mayor said."),
        ("valley", "The flood in Portwell left 1,800 people stranded, the mayor said."),
    )
    found = compare([flood], {"gazette": MON, "valley": MON})
    assert found.disagreements and not found.revisions
    line = brief_line(flood.text, [flood], found.revisions, found.disagreements)
    assert line.text == flood.text
    assert _notes(line) == [
        "Disputed: 2,000 people stranded [gazette] vs 1,800 people stranded [valley]"
    ]
    # a citation never claims more than its quote says: the valley is cited beside
    # the line, with its own figure, not on a line saying 2,000
    assert line.sources == ("gazette",)


def test_silence_on_deaths_is_noted_as_not_mentioned() -> None:
    blast = entry(
        "e1",
        MON,
        ("gazette", "An explosion at the Riverton plant killed three workers and injured 12."),
        ("valley", "An explosion at the Riverton plant injured 12 workers."),
    )
    found = compare([blast], {"gazette": MON, "valley": MON})
    (item,) = [d for d in found.disagreements if d.topic == "killed"]
    assert [c.value for c in item.claims if c.source == "valley"] == [NOT_MENTIONED]
    line = brief_line(blast.text, [blast], found.revisions, found.disagreements)
    assert line.text == blast.text
    assert _notes(line) == ["Deaths not mentioned by [valley]"]
    assert line.sources == ("gazette",)  # the valley's quote states no deaths
    injuries = brief_line(
        "An explosion at the Riverton plant injured 12 workers.",
        [blast],
        found.revisions,
        found.disagreements,
    )
    assert injuries.sources == ("gazette", "valley")  # both state 12 injured


def test_line_about_another_fact_gets_no_entry_and_no_note() -> None:
    blast = entry(
        "e1",
        MON,
        ("gazette", "An explosion at the Riverton chemical plant killed three workers."),
        ("valley", "An explosion at the Riverton chemical plant killed four workers."),
    )
    found = compare([blast], {"gazette": MON, "valley": TUE})
    text = "Three people were killed in a coach crash on the Alpine motorway."
    line = brief_line(text, [blast], found.revisions, found.disagreements)
    assert line.text == text and line.event is None and not _notes(line)


def test_only_the_figure_of_the_revised_thing_gets_a_note() -> None:
    """One sentence with the new turnout and the last election's: the revision is of this
    election's turnout; nothing is spliced into the sentence and the last election's
    figure is no side of the note."""
    estimate = entry("t1", MON, ("courier", "Turnout in the Vastmere election was 61 percent."))
    final = entry(
        "t2",
        MON,
        (
            "post",
            "Turnout in the Vastmere election was 58 percent, the commission said in its "
            "final figures, down from 63 percent at the last election.",
        ),
    )
    found = compare([estimate, final], {"courier": MON, "post": TUE})
    line = brief_line(final.text, [final, estimate], found.revisions, found.disagreements)
    assert line.text == final.text
    assert all("63" not in n for n in _notes(line))
    for revision in found.revisions:
        assert "63" not in revision.note


def test_model_line_cites_its_sources_and_finds_its_entry() -> None:
    blast = entry(
        "e1",
        MON,
        ("gazette", "An explosion at the Riverton chemical plant killed three workers on Monday."),
        ("valley", "An explosion at the Riverton chemical plant killed four workers on Monday."),
    )
    other = entry("e2", MON, ("valley", "Mayor Ilse Brandt ordered an inspection of all plants."))
    found = compare([blast, other], {"gazette": MON, "valley": TUE})
    line = brief_line(
        "Four workers were killed in the Riverton chemical plant explosion [valley]",
        [other, blast],
        found.revisions,
        found.disagreements,
        known_sources={"gazette", "valley"},
    )
    assert line.text == "Four workers were killed in the Riverton chemical plant explosion"
    assert line.event == "e1" and line.sources == ("valley",)
    assert len(_notes(line)) == 1


# --------------------------------------------------------------------------- the whole run


@pytest.fixture
def blast_story(tmp_path: Path) -> Path:
    folder = tmp_path / "riverton"
    folder.mkdir()
    (folder / "gazette.txt").write_text(
        "date: 2025-03-03\nTitle: Blast at Riverton chemical plant kills three\n"
        "Source: Riverton Gazette\n\n"
        "An explosion at the Halvorsen chemical plant in Riverton killed three workers on "
        "Monday, the fire service said.\n\n"
        "Twelve other workers were injured in the blast, fire chief Dana Okafor told reporters.\n",
        encoding="utf-8",
    )
    (folder / "valley.txt").write_text(
        "date: 2025-03-03\nTitle: Three dead in Riverton plant explosion\nSource: Valley News\n\n"
        "Three workers were killed on Monday when an explosion tore through the Halvorsen "
        "chemical plant in Riverton, the fire service said.\n\n"
        "The plant's owner said production had been halted and an investigation opened.\n",
        encoding="utf-8",
    )
    (folder / "followup.txt").write_text(
        "date: 2025-03-04\nTitle: Riverton explosion: fourth worker dies\n"
        "Source: Riverton Gazette\n\n"
        "The death toll from Monday's explosion at the Halvorsen chemical plant in Riverton has "
        "risen to four after an injured worker died in hospital, the fire service said on "
        "Tuesday.\n\n"
        "Mayor Ilse Brandt ordered an inspection of all chemical plants in Riverton on Tuesday.\n",
        encoding="utf-8",
    )
    return folder


def _killed(revisions: tuple[Revision, ...]) -> Revision:
    (revision,) = [r for r in revisions if r.topic == "killed"]
    return revision


def test_revision_in_the_headline_and_every_output(blast_story: Path) -> None:
    report = run([blast_story], Config(engine=EngineChoice.EXTRACTIVE))
    revision = _killed(report.revisions)
    assert {(c.value.lower(), c.published) for c in revision.old} == {("three killed", MON)}
    assert [(c.value, c.source, c.published) for c in revision.new] == [
        ("four killed", "followup", TUE)
    ]
    assert not [d for d in report.disagreements if d.topic == "killed"]
    # every line is a source's sentence as written, cited; the revision is a note beside
    # the lines that state the revised toll (three or four killed), never spliced in
    head = report.headline_line
    assert head is not None and head.text == report.headline
    lines = [head, *report.development_lines]
    quotes = [ev.quote for e in report.events for ev in e.evidence]
    for line in lines:
        assert "earlier reported" not in line.text
        assert any(line.text in q for q in quotes) and line.sources
        # the toll as each outlet words it: the gazette's and valley's three, the follow-up's four
        tolls = ("killed three workers", "Three workers were killed", "risen to four")
        states_toll = any(toll in line.text for toll in tolls)
        assert line.revisions == ((revision,) if states_toll else ())
    assert "risen to four" in head.text or "killed three workers" in head.text
    brief = render_brief_md(report)
    section = brief.split("## Revised figures", 1)[1].split("## Where sources disagree", 1)[0]
    assert "- was **three killed**" in section and "published 2025-03-03" in section
    assert "- now **four killed**" in section and "published 2025-03-04" in section
    assert NOT_MENTIONED not in brief and "no deaths reported" not in brief
    headline_section = brief.split("## Headline", 1)[1].split("##", 1)[0]
    assert report.headline in headline_section
    number = {sr.source.id: i for i, sr in enumerate(report.sources, start=1)}
    old = "".join(f"[[{n}]](#source-{n})" for n in sorted([number["gazette"], number["valley"]]))
    new = f"[[{number['followup']}]](#source-{number['followup']})"
    assert (
        f"_Revised: three killed {old} (2025-03-03) → four killed {new} (2025-03-04)_"
        in headline_section
    )

    data = json.loads(render_json(report))
    (item,) = [r for r in data["revisions"] if r["topic"] == "killed"]
    assert [c["published"] for c in item["new"]] == ["2025-03-04"]
    assert {c["normalized"] for c in item["old"]} == {3.0}
    assert {c["normalized"] for c in item["new"]} == {4.0}
    line = data["headline_line"]
    assert line["text"] == report.headline and line["sources"] == list(head.sources)
    assert line["event"] == head.event
    assert [(n["kind"], n["topic"], n["event"]) for n in line["notes"]] == [
        ("revised", "killed", revision.event)
    ]
    assert len(data["key_development_lines"]) == len(data["key_developments"])

    # the timeline marks both entries with the same old -> new note as the brief
    note = revision.note
    assert note.lower() == "three killed (2025-03-03) → four killed (2025-03-04)"
    timeline = render_timeline_md(report)
    texts = {e.id: e.text for e in report.events}
    revised = [line for line in timeline.splitlines() if "(figure revised:" in line]
    assert len(revised) == 1 and texts[revision.event] in revised[0] and note in revised[0]
    earlier = [line for line in timeline.splitlines() if "(figure later revised:" in line]
    if revision.earlier_event not in (None, revision.event):  # a follow-up entry of its own
        assert len(earlier) == 1 and texts[revision.earlier_event] in earlier[0]
    else:
        assert not earlier
    html = render_html(report)
    assert f"figure revised: {note}" in html


# --------------------------------------------------------------------------- audit stories


def test_a_share_rise_does_not_revise_a_pay_offer() -> None:
    """A 3 percent offer on Tuesday and a 6 percent rise of shares on Thursday are
    percentages of two things: neither a revision nor a disagreement."""
    strike = entry(
        "strike",
        TUE,
        ("wire", "The Kessel Ports operators said they would not raise their offer of 3 percent."),
        ("ledger", "Shares in Kessel Ports rose 6 percent on Thursday after the deal."),
    )
    found = compare([strike], {"wire": TUE, "ledger": TUE + dt.timedelta(days=2)})
    assert not found.revisions and not found.disagreements
    offer = entry("offer", TUE, ("wire", strike.evidence[0].quote))
    shares = entry(
        "shares",
        TUE + dt.timedelta(days=2),
        ("ledger", "Shares in Kessel Ports have risen to 6 percent above their offer price."),
    )
    found = compare([offer, shares], {"wire": TUE, "ledger": TUE + dt.timedelta(days=2)})
    assert not found.revisions and not found.disagreements


def test_a_margin_is_not_compared_with_a_vote_count_but_two_counts_are() -> None:
    """ "won by 187 votes" is a margin; each outlet's total of the winner's votes is
    compared with the other's: 41,960 vs 41,690 is a disagreement, the margin agrees."""
    count = entry(
        "count",
        TUE,
        ("nbn", "The Moss Party won by 187 votes, with 41,960 votes to the Reds 41,773."),
        ("courier", "The Moss Party won by 187 votes, with 41,690 votes to the Reds 41,503."),
    )
    found = compare([count], {"nbn": TUE, "courier": TUE})
    assert not found.revisions
    (civic, item) = sorted(found.disagreements, key=lambda d: d.topic, reverse=True)
    assert item.topic == "votes"
    assert item.note == "41,690 vs 41,960"
    assert {c.value for c in item.claims} == {"41,960 votes", "41,690 votes"}
    assert (civic.topic, civic.note) == ("votes of Reds", "41,503 vs 41,773")


def test_an_update_revises_an_earlier_day_and_disputes_a_rival_of_its_own_day() -> None:
    """Tuesday: 40,000 homes lost power. Wednesday: one outlet says about 60,000 homes
    were without power, the other that the number "climbed to 65,000 overnight": the
    update revises Tuesday's figure, and the two Wednesday figures disagree."""
    tuesday = entry(
        "tue",
        TUE,
        (
            "isles-tue",
            "About 40,000 homes lost power on the Varra islands, the grid operator said.",
        ),
    )
    rival = entry(
        "wed-a",
        WED,
        ("post", "The Varra grid operator said about 60,000 homes were without power."),
    )
    update = entry(
        "wed-b",
        WED,
        (
            "isles-wed",
            "The number of Varra homes without power climbed to 65,000, the grid operator said.",
        ),
    )
    published = {"isles-tue": TUE, "isles-wed": WED, "post": WED}
    found = compare([tuesday, rival, update], published)
    (revision,) = found.revisions
    assert (revision.event, revision.earlier_event) == ("wed-b", "tue")
    assert revision.note == (
        "about 40,000 homes without power (2025-03-04) → 65,000 homes without power (2025-03-05)"
    )
    (item,) = found.disagreements
    assert {c.value for c in item.claims} == {
        "about 60,000 homes without power",
        "65,000 homes without power",
    }
    # merged into one entry, the same-day figures are still a disagreement, not a revision
    wednesday = entry(
        "wed",
        WED,
        (rival.evidence[0].source, rival.evidence[0].quote),
        (update.evidence[0].source, update.evidence[0].quote),
    )
    found = compare([tuesday, wednesday], published)
    assert [r.earlier_event for r in found.revisions] == ["tue"]
    assert [d.event for d in found.disagreements] == ["wed"]


def test_a_figure_of_gdp_and_one_of_gross_domestic_product_are_compared() -> None:
    """An acronym and its words are one subject: 71 vs 74 percent of Norland's debt."""
    debt = entry(
        "debt",
        TUE,
        ("wire", "Norland's public debt reached 71 percent of GDP, the finance ministry said."),
        (
            "ledger",
            "Norland public debt reached 74 percent of gross domestic product, officials said.",
        ),
    )
    (item,) = compare([debt], {"wire": TUE, "ledger": TUE}).disagreements
    assert item.note == "74 percent vs 71 percent"
    other = debt.model_copy(
        update={
            "quantities": {
                "wire": extract_quantities("Its debt reached 71 percent of GDP."),
                "ledger": extract_quantities("Its deficit reached 74 percent of net revenue."),
            }
        }
    )
    assert not compare([other], {"wire": TUE, "ledger": TUE}).disagreements


def test_an_update_does_not_replace_a_rival_state_count_of_its_own_day() -> None:
    """Only Wednesday's two reports: "climbed to 65,000 overnight" does not replace
    another outlet's "about 60,000 homes were without power on Wednesday", a count of
    that day's state; they disagree. A toll's day is its event's: "has risen to four"
    still revises a same-day "killed three" (test above)."""

    def dated(event: MergedEvent, expression: str) -> MergedEvent:
        evidence = tuple(
            e.model_copy(update={"date_expression": expression}) for e in event.evidence
        )
        return event.model_copy(update={"evidence": evidence})

    rival = dated(
        entry("wed-a", WED, ("post", "About 60,000 Varra homes were without power on Wednesday.")),
        "on Wednesday",
    )
    update = dated(
        entry(
            "wed-b",
            WED,
            ("isles", "The number of Varra homes without power climbed to 65,000 on Wednesday."),
        ),
        "on Wednesday",
    )
    found = compare([rival, update], {"isles": WED, "post": WED})
    assert not found.revisions
    (item,) = found.disagreements
    assert {c.value for c in item.claims} == {
        "about 60,000 homes without power",
        "65,000 homes without power",
    }


# --------------------------------------------------------------------------- multi-day stories

STORM = {
    "coast-tue.txt": (
        "2026-02-10",
        "Ice storm cuts power on the Marrow coast",
        "Coast Courier",
        "An ice storm left about 40,000 homes without power on the Marrow coast on Tuesday, "
        "the utility Northgrid said.\n\n"
        "Schools in Pellam and Ostry closed early as freezing rain brought down lines across "
        "the region.",
    ),
    "coast-wed.txt": (
        "2026-02-11",
        "Marrow coast outages climb overnight",
        "Coast Courier",
        "The number of homes without power on the Marrow coast climbed to 65,000 overnight, "
        "Northgrid said on Wednesday.\n\n"
        "Northgrid said repair crews from three neighbouring regions had arrived in Pellam.",
    ),
    "herald-wed.txt": (
        "2026-02-11",
        "Thousands still in the dark after Marrow ice storm",
        "Ostry Herald",
        "About 58,000 homes on the Marrow coast were without power on Wednesday morning, "
        "Northgrid said.\n\n"
        "About 300 travellers were stranded at Pellam station on Wednesday as trains were "
        "halted, the rail operator said.",
    ),
    "coast-wed2.txt": (
        "2026-02-11",
        "Pellam station crowds grow",
        "Coast Courier",
        "The number of travellers stranded at Pellam station rose to 450 on Wednesday, the "
        "rail operator said.",
    ),
    "coast-thu.txt": (
        "2026-02-12",
        "Power returning on the Marrow coast",
        "Coast Courier",
        "Northgrid said power had been restored to all but 12,000 homes on the Marrow coast by "
        "Thursday evening.\n\n"
        "Trains between Pellam and Ostry ran again on Thursday, the rail operator said.",
    ),
}

ELECTION = {
    "nbn-mon.txt": (
        "2026-10-05",
        "Dunmere mayoral race too close to call",
        "NBN",
        "With most ballots counted in the Dunmere mayoral race, Aldo Fenn held a lead of 412 "
        "votes over Mira Sato of the Greens on Monday.\n\n"
        "Sato told supporters in Dunmere that every postal ballot had to be counted.",
    ),
    "nbn-tue.txt": (
        "2026-10-06",
        "Fenn's lead in Dunmere shrinks",
        "NBN",
        "Fenn's lead in the Dunmere mayoral race narrowed to 187 votes on Tuesday as postal "
        "ballots were counted, the election office said.\n\n"
        "Fenn had 41,960 votes to the Greens' 41,773 when the Dunmere count closed, the "
        "election office said.",
    ),
    "courier-tue.txt": (
        "2026-10-06",
        "Fenn wins Dunmere by a whisker",
        "Dunmere Courier",
        "Aldo Fenn had 41,690 votes to the Greens' 41,503 when the Dunmere count closed on "
        "Tuesday, the election office said.\n\n"
        "Sato said she would not ask for a recount in Dunmere.",
    ),
}


def _story(folder: Path, files: dict[str, tuple[str, str, str, str]]) -> Path:
    folder.mkdir()
    for name, (day, title, outlet, body) in files.items():
        (folder / name).write_text(
            f"date: {day}\nTitle: {title}\nSource: {outlet}\n\n{body}\n", encoding="utf-8"
        )
    return folder


def test_a_storm_s_outages_revised_over_three_days_and_same_day_counts_disputed(
    tmp_path: Path,
) -> None:
    """Tuesday 40,000 homes without power; Wednesday one outlet's update "climbed to
    65,000" and another's "about 58,000 ... on Wednesday morning" (a disagreement of one
    day, as are 450 vs about 300 travellers stranded that Wednesday: any count, not only
    a "without" state); Thursday "power had been restored to all but 12,000 homes" is
    the homes still without power, the latest figure, and the headline says what it
    replaced."""
    report = run([_story(tmp_path / "storm", STORM)], Config(engine=EngineChoice.EXTRACTIVE))
    revised = {r.note: r for r in report.revisions}
    assert set(revised) == {
        "about 40,000 homes without power (2026-02-10) → 65,000 homes without power (2026-02-11)",
        "about 58,000 homes without power (2026-02-11) / 65,000 homes without power (2026-02-11)"
        " → 12,000 homes without power (2026-02-12)",
    }
    latest = next(r for r in report.revisions if "12,000" in r.note)
    assert [(c.source, c.value) for c in latest.new] == [
        ("coast-thu", "12,000 homes without power")
    ]
    disputed = sorted((d.topic, d.note) for d in report.disagreements)
    assert disputed == [
        ("homes without power", "65,000 vs about 58,000"),
        ("travellers stranded", "450 vs about 300"),
    ]
    head = report.headline_line
    assert head is not None and "all but 12,000 homes" in head.text
    assert latest in head.revisions
    assert "→ 12,000 homes without power" in render_brief_md(report).split("## Key", 1)[0]


def test_a_narrowing_lead_is_revised_and_not_compared_with_vote_totals(tmp_path: Path) -> None:
    """Monday "a lead of 412 votes", Tuesday "the lead narrowed to 187 votes": a lead's
    revision, never a vote total; the two outlets' totals of each side disagree,
    the second side's written "the Greens' 41,773" (a bare apostrophe)."""
    report = run([_story(tmp_path / "vote", ELECTION)], Config(engine=EngineChoice.EXTRACTIVE))
    (revision,) = report.revisions
    assert (revision.topic, revision.note) == (
        "votes (lead)",
        "412 votes (lead) (2026-10-05) → 187 votes (lead) (2026-10-06)",
    )
    disputed = sorted((d.topic, d.note) for d in report.disagreements)
    assert disputed == [("votes", "41,690 vs 41,960"), ("votes of Greens", "41,503 vs 41,773")]


def test_an_update_in_one_entry_with_a_rival_count_of_its_own_day_is_a_disagreement() -> None:
    """One entry, both Wednesday: "rose to 450" does not replace another outlet's "about
    300 travellers were stranded ... on Wednesday" (a count of that day, whatever the
    state); no earlier report. Without the rival's own day it stays a revision."""
    quotes = (
        ("post", "About 300 travellers were stranded at Pellam station on Wednesday."),
        ("isles", "The number of travellers stranded at Pellam station rose to 450 on Wednesday."),
    )
    merged = entry("wed", WED, *quotes)
    dated = merged.model_copy(
        update={
            "evidence": tuple(
                e.model_copy(update={"date_expression": "on Wednesday"}) for e in merged.evidence
            )
        }
    )
    found = compare([dated], {"post": WED, "isles": WED})
    assert not found.revisions
    (item,) = found.disagreements
    assert item.note == "450 vs about 300"
    (revision,) = compare([merged], {"post": WED, "isles": WED}).revisions
    assert revision.note.endswith("→ 450 travellers stranded (2025-03-05)")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Ulharquin Foods", "Draashsel Systems"),  # no name in common
        ("Marlisrin Systems", "Zenbravi Systems"),  # one name put for another
    ],
)
def test_one_company_s_figure_does_not_revise_or_dispute_another_s(first: str, second: str) -> None:
    """Two companies report results on one day: the second's "profit rose to" is its own
    figure, not an update of the first's, and the two are not rival reports; the same
    company's later figure still revises its earlier one."""
    a = entry(
        "a", TUE, ("daily", f"{first} reported a quarterly net profit of 491 million dollars.")
    )
    b = entry(
        "b",
        TUE,
        (
            "post",
            f"{second} said on Tuesday that its quarterly net profit rose to 684 million dollars.",
        ),
    )
    published = {"daily": TUE, "post": TUE}
    found = compare([a, b], published)
    assert (found.revisions, found.disagreements) == ((), ())
    later = entry(
        "c",
        WED,
        (
            "wire",
            f"{first} said on Wednesday that its quarterly net profit rose to 520 million dollars.",
        ),
    )
    found = compare([a, b, later], {**published, "wire": WED})
    assert [(r.event, r.earlier_event) for r in found.revisions] == [("c", "a")]

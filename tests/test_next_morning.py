"""The next morning's ledes: with --per-date, an undated sentence among the first usable
sentences of an article published on day p is also a candidate for day p-1 (news-tls'
window after a date), shown there once, labelled, under its own id."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lede_entries import entry
from typer.testing import CliRunner

from summarizer import cli, pipeline
from summarizer.config import Config, EngineChoice
from summarizer.engines import extractive
from summarizer.engines.llm.answers import placed
from summarizer.models import (
    AlignmentStatus,
    Engine,
    Event,
    Evidence,
    MergedEvent,
    Precision,
    Report,
    ResolvedDate,
    Sentence,
)
from summarizer.output.html import render_html
from summarizer.output.render import render_brief_md, render_timeline_md
from summarizer.output.report_json import render_json
from summarizer.stages import select

MON, TUE, WED = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)

DOCKS = "Dock workers at the port of Varna walked out over pay, halting all container traffic"
MEDIATE = "The port authority said on Tuesday that it had asked the government to mediate"
# Monday's own news is a council vote; Tuesday's papers open with the dock strike
# (undated: it happened the day before) and then Tuesday's news, which states its day.
STORY = {
    "gazette-mon": (
        MON,
        "The town council postponed a vote on the budget of the library on Monday, a "
        "spokesman for the mayor said.",
    ),
    "wire-tue": (TUE, f"{DOCKS}, the union said. {MEDIATE} in the dispute."),
    "courier-tue": (TUE, f"{DOCKS}, the union said. {MEDIATE} in the dispute with the dockers."),
}


@pytest.fixture(scope="module")
def docks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docks")
    for name, (day, body) in STORY.items():
        (folder / f"{name}.txt").write_text(
            f"date: {day.isoformat()}\n{name}\n\n{body}\n", encoding="utf-8"
        )
    return folder


def _run(folder: Path, **options: Any) -> Report:
    config = Config(engine=EngineChoice.EXTRACTIVE, quiet=True, workers=1)
    return pipeline.run([folder], replace(config, **options))


def _dock(report: Report) -> list[MergedEvent]:
    return [e for e in report.events if e.text.startswith("Dock workers")]


def test_with_per_date_the_lede_is_shown_the_day_before_once(docks: Path) -> None:
    whole = _run(docks)
    (own,) = _dock(whole)
    assert own.date.start == TUE and own.date.from_publication
    assert not own.date.reported_next_morning  # no per-date cap: every entry on its own day

    cut = _run(docks, per_date=1)
    (shown,) = _dock(cut)  # once: on Monday, not on Tuesday as well
    assert shown.id == own.id  # the same entry for --since-last
    assert shown.date.start == MON and shown.date.reported_next_morning
    assert shown.date.from_publication and not shown.date.assumed
    tuesday = [e.text for e in cut.events if e.date.start == TUE]
    assert len(tuesday) == 1 and tuesday[0].startswith("The port authority")


def test_the_outputs_say_the_entry_was_reported_the_next_morning(docks: Path) -> None:
    cut = _run(docks, per_date=1)
    events = json.loads(render_json(cut))["events"]
    (dock,) = [e for e in events if e["text"].startswith("Dock workers")]
    assert dock["date"] == "2025-03-03" and dock["date_from_publication"] is True
    assert dock["date_reported_next_morning"] == "2025-03-04"
    assert all("date_reported_next_morning" not in e for e in events if e is not dock)
    label = "_(undated: reported the next morning, 2025-03-04)_"
    for markdown in (render_timeline_md(cut), render_brief_md(cut)):
        (line,) = [s for s in markdown.splitlines() if s.startswith("- Dock workers")]
        assert line.endswith(label)
        assert markdown.index("2025-03-03") < markdown.index("- Dock workers")
    assert "undated: reported the next morning (2025-03-04)" in render_html(cut)

    whole = _run(docks)  # on its own day: dated by publication, as before
    (dock,) = [e for e in json.loads(render_json(whole))["events"] if e["text"] == dock["text"]]
    assert dock["date"] == "2025-03-04" and "date_reported_next_morning" not in dock
    assert "reported the next morning" not in render_timeline_md(whole)


def test_the_brief_does_not_lead_with_or_repeat_a_copy(docks: Path) -> None:
    brief = _run(docks, per_date=1, daily=True)
    assert any(e.date.reported_next_morning for e in brief.events)  # in its timeline
    lines = [brief.headline, *brief.key_developments]
    assert brief.headline.startswith("The port authority")
    assert not any(line.startswith("Dock workers") for line in lines)
    assert brief.headline_line is not None
    copies = {e.id for e in brief.events if e.date.reported_next_morning}
    assert brief.headline_line.event not in copies
    assert not {line.event for line in brief.development_lines} & copies


def test_the_sentence_places_cross_the_worker_processes(docks: Path) -> None:
    def places(report: Report) -> list[tuple[str, str, int | None]]:
        return sorted(
            (q.source, q.quote[:8], q.sentence_place) for e in report.events for q in e.evidence
        )

    serial = places(_run(docks))
    assert ("wire-tue", "Dock wor", 0) in serial  # the title line is no usable sentence
    assert ("wire-tue", "The port", 1) in serial
    assert places(_run(docks, workers=2)) == serial


def test_since_last_sees_the_entry_shown_the_day_before_as_the_same_entry(
    docks: Path, tmp_path: Path
) -> None:
    store = tmp_path / "history.sqlite"
    args = ["timeline", str(docks), "--per-date", "1", "--store", str(store), "--since-last"]
    first = CliRunner().invoke(cli.app, args)
    assert first.exit_code == 0, first.stderr
    again = CliRunner().invoke(cli.app, [*args, "-f", "json"])
    assert again.exit_code == 0, again.stderr
    document = json.loads(again.stdout)
    assert any("date_reported_next_morning" in e for e in document["events"])
    changes = document["since_last"]
    assert changes["new_events"] == [] and changes["gone_events"] == []


# --------------------------------------------------------------------------- the rule


def _lede(
    eid: str, day: dt.date, text: str, place: int | None, source: str = "tue", **date: Any
) -> MergedEvent:
    return entry(eid, day, text, source, place, **date)


def _dated(eid: str, day: dt.date, text: str, source: str) -> MergedEvent:
    return MergedEvent(
        id=eid,
        date=ResolvedDate(start=day, precision=Precision.DAY, expression="on Tuesday"),
        text=text,
        sources=(source,),
        evidence=(Evidence(source=source, quote=text, start=200, end=299),),
        importance=1.25,
    )


PUBLISHED = {"mon": MON, "tue": TUE, "wed": WED}
COUNCIL = _lede("c", MON, "The town council postponed a vote on the library budget.", 0, "mon")
PORT = _dated("p", TUE, "The port authority asked the government to mediate with dockers.", "tue")


def _kept(events: Sequence[MergedEvent], per_date: int | None = 1) -> dict[str, MergedEvent]:
    return {e.id: e for e in select.select_timeline(events, per_date=per_date, published=PUBLISHED)}


@pytest.mark.parametrize(("place", "moves"), [(0, True), (4, True), (5, False), (None, False)])
def test_only_a_lede_among_the_first_five_usable_sentences_moves(
    place: int | None, moves: bool
) -> None:
    strike = _lede("d", TUE, "Dockers at the port walked out over pay, the union said.", place)
    kept = _kept([COUNCIL, PORT, strike])
    assert ("d" in kept) is moves
    if moves:
        assert kept["d"].date.start == MON and kept["d"].date.reported_next_morning
        assert "c" not in kept  # it took Monday's place
    else:
        assert kept["c"].date.start == MON


def test_a_dated_or_assumed_entry_or_another_days_paper_does_not_move() -> None:
    text = "Dockers at the port walked out over pay, the union said."
    for strike in (
        _lede("d", TUE, text, 0, from_publication=False, expression="on Tuesday"),
        _lede("d", TUE, text, 0, assumed=True),
        _lede("d", TUE, text, 0, source="wed"),  # the quote's paper is Wednesday's
    ):
        kept = _kept([COUNCIL, PORT, strike])
        assert all(not e.date.reported_next_morning for e in kept.values())


def test_a_lede_is_not_a_candidate_without_a_cap_or_where_no_day_has_entries() -> None:
    strike = _lede("d", TUE, "Dockers at the port walked out over pay, the union said.", 0)
    assert _kept([COUNCIL, PORT, strike], per_date=None)["d"].date.start == TUE
    assert _kept([PORT, strike])["p"].date.start == TUE  # no Monday entries: no copy
    assert all(not e.date.reported_next_morning for e in _kept([PORT, strike]).values())


def test_a_lede_picked_on_its_own_day_is_not_shown_the_day_before() -> None:
    strike = _lede("d", TUE, "Dockers at the port walked out over pay, the union said.", 0)
    kept = select.select_timeline([COUNCIL, PORT, strike], per_date=2, published=PUBLISHED)
    assert [(e.id, e.date.start) for e in kept] == [("c", MON), ("p", TUE), ("d", TUE)]


def test_the_days_kept_do_not_change() -> None:
    strike = _lede("d", TUE, "Dockers at the port walked out over pay, the union said.", 0)
    events = [COUNCIL, PORT, strike]
    with_copy = select.select_timeline(events, max_dates=1, per_date=1, published=PUBLISHED)
    assert {e.date.start for e in with_copy} == {
        e.date.start for e in select.select_timeline(events, max_dates=1, published=PUBLISHED)
    }


# --------------------------------------------------------------------------- the places


def _sentence(i: int, text: str, headline: bool = False) -> Sentence:
    return Sentence(
        source_id="a",
        index=i,
        start=100 * i,
        end=100 * i + len(text),
        text=text,
        is_headline=headline,
    )


SENTENCES = [
    _sentence(0, "Dockers strike at Varna port", headline=True),
    _sentence(1, "Dock workers at the port of Varna walked out over pay, the union said."),
    _sentence(2, "Pictured: the port."),
    _sentence(3, "The port authority asked the government to mediate in the dispute."),
]


def test_a_sentences_place_counts_only_the_usable_sentences() -> None:
    assert extractive.sentence_places(SENTENCES) == [None, 0, None, 1]


def test_the_model_events_take_their_quotes_sentence_place() -> None:
    def event(start: int, alignment: AlignmentStatus = AlignmentStatus.EXACT) -> Event:
        return Event(
            source_id="a",
            text="x",
            quote="x",
            start=start,
            end=start + 5,
            alignment=alignment,
            engine=Engine.LLM,
        )

    found = placed([event(310), event(105), event(0), event(310, AlignmentStatus.NONE)], SENTENCES)
    assert [e.sentence_place for e in found] == [1, 0, None, None]


def _lines_after(markdown: str, heading: str, text: str) -> list[str]:
    """The lines holding ``text`` in the block that opens at ``heading``."""
    block = markdown[markdown.index(heading) :].split("\n\n#", 1)[0]
    return [line for line in block.splitlines() if text in line]


LABEL = "_(undated: reported the next morning, 2025-03-04)_"


def test_the_brief_labels_a_copy_among_what_one_source_alone_reports(docks: Path) -> None:
    cut = _run(docks, per_date=1)
    (dock,) = _dock(cut)
    sources = [
        s.model_copy(update={"unique_events": (dock.id,)}) if s.source.id == "wire-tue" else s
        for s in cut.sources
    ]
    markdown = render_brief_md(cut.model_copy(update={"sources": sources}))
    (line,) = _lines_after(markdown, "Only this source reports:", "Dock workers")
    assert line.startswith("- 2025-03-03: Dock workers") and line.endswith(LABEL)


@pytest.mark.parametrize("form", ["md", "html"])
def test_since_last_labels_a_new_entry_shown_the_day_before(
    docks: Path, tmp_path: Path, form: str
) -> None:
    store, folder = tmp_path / "history.sqlite", tmp_path / "story"
    folder.mkdir()
    names = ["gazette-mon.txt"], ["wire-tue.txt", "courier-tue.txt"]
    args = ["timeline", str(folder), "--per-date", "1", "--store", str(store), "--since-last"]
    for added in names:  # Monday's paper, then Tuesday's two
        for name in added:
            (folder / name).write_text((docks / name).read_text("utf-8"), "utf-8")
        done = CliRunner().invoke(cli.app, [*args, "-f", form])
        assert done.exit_code == 0, done.stderr
    if form == "md":
        (line,) = _lines_after(done.stdout, "### New events", "Dock workers")
        assert line.startswith("- 2025-03-03: Dock workers") and line.endswith(LABEL)
    else:
        new = done.stdout[done.stdout.index("<h3>New events</h3>") :]
        item = new[: new.index("</li>")]
        assert "Dock workers" in item and "2025-03-03: " in item
        assert "undated: reported the next morning (2025-03-04)</span>" in item

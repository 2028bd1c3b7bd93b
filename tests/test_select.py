"""The days that matter and the brief's lead (stages/select.py), on small multi-day stories
written for these tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from summarizer import pipeline
from summarizer.config import Config
from summarizer.models import Engine, Evidence, MergedEvent, Precision, ResolvedDate, Source
from summarizer.output import render
from summarizer.pipeline import runner
from summarizer.stages import dateranking, select
from summarizer.stages.dates import date_mentions

MON, TUE, WED = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)


def _write(folder: Path, articles: Mapping[str, tuple[dt.date, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (day, body) in articles.items():
        (folder / f"{name}.txt").write_text(
            f"date: {day.isoformat()}\n{name}\n\n{body}\n", encoding="utf-8"
        )
    return folder


# A dam burst on Monday; on Wednesday, a heavy publication day, five articles follow up,
# each referring back to Monday; Wednesday's own news is minor.
DAM = {
    "gazette-mon": (
        MON,
        "The Kessel dam burst on Monday, flooding the village of Orla and forcing 800 "
        "people from their homes, the regional governor said.",
    ),
    **{
        f"outlet{i}-wed": (
            WED,
            f"Engineers said the Kessel dam, which burst on Monday, had shown cracks for "
            f"years, outlet {i} reported. A council meeting about the budget for road "
            f"repairs number {i} was postponed, a spokesman said.",
        )
        for i in range(5)
    },
}


@pytest.fixture
def dam(tmp_path: Path) -> Path:
    return _write(tmp_path / "dam", DAM)


def test_the_referred_to_day_outranks_a_heavy_publication_day(dam: Path) -> None:
    report = pipeline.run([dam], Config(max_dates=1, per_date=2, quiet=True))
    assert report.events
    assert {e.date.start for e in report.events} == {MON}


def test_a_daily_briefs_dates_keep_the_day_it_leads_with(dam: Path) -> None:
    # the latest developments matter to a daily brief: of two dates, one is the brief's
    report = pipeline.run([dam], Config(max_dates=2, per_date=2, daily=True, quiet=True))
    assert {e.date.start for e in report.events} == {MON, WED}
    assert report.headline in {e.text for e in report.events if e.date.start == WED}
    report = pipeline.run([dam], Config(max_dates=1, per_date=2, daily=True, quiet=True))
    assert {e.date.start for e in report.events} == {WED}


def test_date_signals_count_articles_not_sentences() -> None:
    text = "The dam burst on Monday. On Monday night the village was evacuated."
    mentions = [r for _, r in date_mentions(text, WED)]
    assert len(mentions) == 2 and {m.start for m in mentions} == {MON}
    signals = dateranking.date_signals([(WED, mentions), (WED, []), (MON, mentions[:1])])
    # two articles, three mentions: the later article counts fully, the day's own half
    assert signals.mentions[(MON.isoformat(), None)] == 1 + dateranking.SAME_DAY_WEIGHT
    assert signals.published == {WED: 2, MON: 1}
    day = ResolvedDate(start=MON, precision=Precision.DAY)
    assert signals.score(day) == 1 + dateranking.SAME_DAY_WEIGHT + dateranking.PUBLISHED_WEIGHT * 1


def test_a_page_time_stamp_is_not_a_mention() -> None:
    text = "Wednesday 5 March 2025 08.43 GMT The dam burst on Monday."
    assert [r.start for _, r in date_mentions(text, WED)] == [MON]


def test_a_month_competes_by_its_mentions_per_day() -> None:
    month = ResolvedDate(start=dt.date(2025, 3, 1), precision=Precision.MONTH)
    day = ResolvedDate(start=MON, precision=Precision.DAY)
    signals = dateranking.DateSignals(mentions={("2025-03", None): 10, (MON.isoformat(), None): 2})
    assert signals.score(month) < signals.score(day)


def _entry(
    eid: str, day: dt.date, text: str, sources: Sequence[str] = ("a",), salience: float = 0.5
) -> MergedEvent:
    return MergedEvent(
        id=eid,
        date=ResolvedDate(start=day, precision=Precision.DAY),
        text=text,
        sources=tuple(sources),
        evidence=(),
        importance=len(sources) + 0.5 * salience,
    )


def test_history_outside_the_coverage_comes_after_the_covered_days() -> None:
    old = dt.date(2001, 9, 11)
    events = [
        _entry("e1", old, "The towers fell in New York.", ("a", "b", "c")),
        _entry("e2", TUE, "Floodwater reached the old town of Orla."),
    ]
    signals = dateranking.DateSignals(
        mentions={(old.isoformat(), None): 9, (TUE.isoformat(), None): 1},
        published={TUE: 3},
        first=TUE,
        last=WED,
    )
    kept = select.select_timeline(events, max_dates=1, signals=signals)
    assert [e.id for e in kept] == ["e2"]


def test_a_day_and_a_range_starting_on_it_are_two_dates() -> None:
    week = ResolvedDate(start=MON, end=dt.date(2025, 3, 9), precision=Precision.RANGE)
    events = [
        _entry("e1", MON, "Floodwater reached the old town of Orla."),
        MergedEvent(id="e2", date=week, text="Rain fell all week.", sources=("b",), evidence=()),
    ]
    kept = select.select_timeline(events, max_dates=2, per_date=1, day=MON)
    assert [e.id for e in kept] == ["e1", "e2"]
    assert [e.id for e in select.select_timeline(events, max_dates=2)] == ["e1", "e2"]


def test_per_date_keeps_the_central_entries_and_skips_repeats() -> None:
    events = [
        _entry("e1", TUE, "Floodwater reached the old town of Orla on Tuesday.", ("a", "b")),
        _entry("e2", TUE, "Floodwater reached the old town of Orla, officials said.", ("c",)),
        _entry("e3", TUE, "Rescuers evacuated the Orla hospital as floodwater rose.", ("a",)),
        _entry("e4", TUE, "A local bakery celebrated its centenary with free cakes.", ("d",)),
    ]
    kept = select.select_timeline(events, per_date=2)
    assert len(kept) == 2
    texts = " ".join(e.text for e in kept)
    assert "bakery" not in texts
    assert "hospital" in texts  # the repeat of e1/e2 is passed over for the next fact


def test_brief_order_puts_a_standalone_fact_of_the_day_first() -> None:
    events = [
        _entry("e1", MON, "The Kessel dam burst, flooding the village of Orla.", ("a", "b", "c")),
        _entry("e2", TUE, "He said the water was still rising in Orla.", ("a", "b", "c")),
        _entry("e3", TUE, "Meanwhile, the army sent 200 soldiers to Orla.", ("a", "b")),
    ]
    order = select.brief_order(events, None, TUE)
    assert order[0].id == "e3"  # e2 starts with a pronoun: it does not stand alone
    assert {e.id for e in select.leading_events(order)} == {"e2", "e3"}
    assert select.trim_connective(order[0].text) == "The army sent 200 soldiers to Orla."


def test_brief_order_reads_the_terms_read_beforehand(monkeypatch: pytest.MonkeyPatch) -> None:
    events = [
        _entry("e1", MON, "The Kessel dam burst, flooding the village of Orla.", ("a", "b", "c")),
        _entry("e2", TUE, "He said the water was still rising in Orla.", ("a", "b", "c")),
        _entry("e3", TUE, "Meanwhile, the army sent 200 soldiers to Orla.", ("a", "b")),
        _entry("e4", TUE, "The army sent 200 soldiers to Orla on Tuesday.", ("c",)),
    ]
    expected = [e.id for e in select.brief_order(events, None, TUE)]
    terms = select.Terms()
    steps = terms.reading([e.text for e in events] + [events[0].text])
    assert len(list(steps)) == 4  # a step per new text
    assert terms[events[3].text]["soldier"] == 1

    def unread(text: str) -> Any:
        raise AssertionError(f"read again: {text}")

    monkeypatch.setattr(select, "_terms", unread)
    assert [e.id for e in select.brief_order(events, None, TUE, terms=terms)] == expected


def test_brief_order_without_entries_on_the_day_takes_the_latest_day_before() -> None:
    events = [
        _entry("e1", MON, "The Kessel dam burst, flooding the village of Orla.", ("a", "b")),
        _entry("e2", TUE, "The army sent 200 soldiers to Orla.", ("a",)),
    ]
    assert select.brief_order(events, None, WED)[0].id == "e2"


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        ("At the same time, four drones struck the city of Orla.", True),
        ("They said the drones struck the city of Orla.", False),
        ("“We will rebuild,” the mayor of Orla said on Tuesday.", False),
        ("The mayor of Orla said the city would rebuild.", True),
    ],
)
def test_stands_alone(text: str, alone: bool) -> None:
    assert select.stands_alone(text) is alone


# The brief's headline, end to end: the latest day's lead, without its connective.
FLOOD = {
    "courier-mon": (MON, "The river Vale burst its banks in Marlow on Monday, flooding 300 homes."),
    "courier-tue": (
        TUE,
        "Meanwhile, the army sent 200 soldiers to Marlow on Tuesday to build flood barriers, "
        "the defence ministry said.",
    ),
    "post-tue": (
        TUE,
        "Meanwhile, the army sent 200 soldiers to Marlow on Tuesday to build flood barriers, "
        "the defence ministry said.\n\nSchools in Marlow stayed closed on Tuesday.",
    ),
}


@pytest.fixture
def flood(tmp_path: Path) -> Path:
    return _write(tmp_path / "flood", FLOOD)


def test_headline_is_the_brief_days_fact_standing_alone(flood: Path) -> None:
    report = pipeline.run([flood], Config(quiet=True))
    assert report.headline.startswith("The army sent 200 soldiers to Marlow")
    lead = next(e for e in report.events if "200 soldiers" in e.text)
    assert lead.date.start == TUE
    assert all(ev.quote.startswith("Meanwhile, the army") for ev in lead.evidence)


def test_headline_with_day_is_a_fact_of_that_day(flood: Path) -> None:
    report = pipeline.run([flood], Config(day=MON, quiet=True))
    assert "burst its banks in Marlow" in report.headline


@dataclass
class _ModelRunner:
    """A scripted stand-in for the llm engine's synthesis (kind LLM, fixed answer)."""

    headline: str
    kind: Engine = Engine.LLM
    model: str | None = "scripted"

    def synthesize(
        self, events: Sequence[MergedEvent], sources: Mapping[str, Source]
    ) -> tuple[str, tuple[str, ...]]:
        return self.headline, ()


def test_a_model_headline_off_the_days_leads_is_replaced() -> None:
    events = select.brief_order(
        [
            _entry("e1", MON, "The Kessel dam burst, flooding the village of Orla.", ("a", "b")),
            _entry("e2", TUE, "The army sent 200 soldiers to Orla on Tuesday.", ("a",)),
        ],
        None,
        TUE,
    )
    config = Config(quiet=True)
    stale = _ModelRunner("The Kessel dam burst, flooding the village of Orla.")
    headline, _, failure = runner._synthesize(stale, events, {}, config)  # type: ignore[arg-type]
    assert failure is None
    assert headline == "The army sent 200 soldiers to Orla on Tuesday."
    fresh = _ModelRunner("The army sent 200 soldiers to Orla on Tuesday.")
    headline, _, _ = runner._synthesize(fresh, events, {}, config)  # type: ignore[arg-type]
    assert headline == fresh.headline


def test_the_headline_is_a_fact_of_the_day_not_a_plan_announced_before_it() -> None:
    plan = _entry(
        "e1", WED, "The ferry company said it hoped to run a reduced service on Wednesday.", "ac"
    )
    deal = _entry("e2", WED, "The dock strike at Marlow ended on Wednesday after a pay deal.", "b")
    published = {"a": MON, "c": MON, "b": WED}
    assert select.brief_order([plan, deal], None, WED)[0].id == "e1"  # two sources
    order = select.brief_order([plan, deal], None, WED, published)
    assert select.is_announcement(plan, published) and not select.is_announcement(deal, published)
    assert [e.id for e in order] == ["e2", "e1"]


def test_the_headline_is_the_days_fact_closest_to_the_story() -> None:
    verdict = "A jury found Dunmore Foods liable for contaminated formula and awarded the Harwell"
    events = [
        _entry("e1", MON, f"{verdict} family $4 million on Monday.", "abc"),
        _entry("e2", MON, "The Harwell family's lawyer said the jury verdict on formula was fair."),
        _entry("e3", TUE, "Shares in Dunmore fell 3 percent on Tuesday.", salience=0.6),
        _entry("e4", TUE, "Dunmore Foods said it would appeal the jury's formula verdict."),
    ]
    ranked = select.rank(events).entries[(TUE.isoformat(), None)]
    assert ranked[0].id == "e3"  # the day's own ranking puts the share price first
    assert select.brief_order(events, None, TUE)[0].id == "e4"


def test_a_day_without_events_is_said_so(flood: Path) -> None:
    report = pipeline.run([flood], Config(day=WED, quiet=True))
    assert any(
        note.startswith("No event found dated 2025-03-05 (--day); the brief leads with 2025-03-04")
        for note in report.stats.notes
    )
    assert "200 soldiers" in report.headline
    assert not any(
        "No event found" in n
        for n in pipeline.run([flood], Config(day=TUE, quiet=True)).stats.notes
    )


def test_the_timeline_for_a_day_starts_with_that_day(flood: Path) -> None:
    shown = render.render_timeline_md(pipeline.run([flood], Config(day=TUE, quiet=True)))
    assert shown.index("## 2025-03-04") < shown.index("## 2025-03-03")
    assert shown.count("## 2025-03-04") == 1


def test_a_brief_for_a_day_summarises_only_articles_published_by_then(flood: Path) -> None:
    report = pipeline.run([flood], Config(day=MON, quiet=True))
    brief = render.render_brief_md(report)
    summaries = brief.split("## Per-source summaries")[1].split("## Timeline")[0]
    assert summaries.count("\n### ") == 1 and "courier-mon" in summaries
    assert "2 later articles (published after 2025-03-03) not summarised" in summaries
    assert "flood/courier-tue.txt" in brief.split("## Sources")[1]  # still numbered


def test_a_brief_for_a_day_does_not_know_a_later_revised_figure(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "storm",
        {
            "post-mon": (MON, "Three people died in the storm in Marlow on Monday, police said."),
            "post-wed": (
                WED,
                "The death toll from the storm in Marlow has risen to four, police said on "
                "Wednesday.",
            ),
        },
    )
    latest = pipeline.run([folder], Config(quiet=True))
    assert latest.revisions  # without --day, four replaces three
    then = pipeline.run([folder], Config(day=MON, quiet=True))
    assert not then.revisions
    assert "earlier reported" not in then.headline and "Three people died" in then.headline


def _quoted(
    eid: str, text: str, quotes: Sequence[tuple[str, int]], sources: int = 1
) -> MergedEvent:
    """An entry dated Tuesday quoting (source, offset) pairs."""
    evidence = tuple(
        Evidence(source=s, quote=text, start=start, end=start + len(text)) for s, start in quotes
    )
    return MergedEvent(
        id=eid,
        date=ResolvedDate(start=TUE, precision=Precision.DAY, from_publication=True),
        text=text,
        sources=tuple(dict.fromkeys(s for s, _ in quotes)),
        evidence=evidence,
        importance=sources + 0.25,
    )


def test_lead_positions_count_each_articles_quotes_in_order() -> None:
    events = [
        _quoted("late", "The mayor said the water was still rising.", [("a", 300)]),
        _quoted("lede", "The river burst its banks at Orla.", [("a", 10), ("b", 500)]),
        _quoted("second", "Rescuers reached the old town.", [("b", 40), ("a", 120)]),
    ]
    # a: lede 10, second 120, late 300; b: second 40, lede 500 -> best over the sources
    assert select.lead_positions(events) == {"late": 2, "lede": 0, "second": 0}
    assert select.lead_positions([_entry("x", TUE, "No quote kept.")]) == {}


def test_a_day_prefers_the_sentence_its_article_leads_with(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each article opens with what happened and quotes the mayor further down; one
    # quote shares the most words with the day's entries, but the day shows a lede.
    events = [
        _quoted(
            "lede",
            "The river Orla burst its banks on Tuesday, flooding 300 homes in the old town.",
            [("a", 0)],
        ),
        _quoted(
            "quote",
            "The mayor said the river was high and the old town homes were at risk.",
            [("a", 400)],
        ),
        _quoted(
            "lede2",
            "Rescuers evacuated 300 homes in the old town as the river Orla rose.",
            [("b", 0)],
        ),
        _quoted("quote2", "The mayor said the river was higher than ever.", [("b", 500)]),
    ]
    assert [e.id for e in select.select_timeline(events, per_date=1)] == ["lede2"]
    monkeypatch.setattr(select, "LEAD_WEIGHT", 0.0)  # the setup: without it, the quote wins
    assert [e.id for e in select.select_timeline(events, per_date=1)] == ["quote"]


def test_a_day_prefers_a_sentence_that_states_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both say what happened, each first in its article; one says when ("on Tuesday"),
    # the other, closer to the day's other entries, took its article's date.
    stated = ResolvedDate(start=TUE, precision=Precision.DAY, expression="on Tuesday")
    events = [
        _quoted("undated", "Floodwater reached the old town of Orla.", [("a", 0)]),
        _quoted("dated", "Floodwater reached Orla's hospital on Tuesday.", [("b", 0)]),
        _quoted("other", "Shops in the old town of Orla stayed shut.", [("c", 0)]),
    ]
    events[1] = events[1].model_copy(update={"date": stated})
    assert [e.id for e in select.select_timeline(events, per_date=1)] == ["dated"]
    monkeypatch.setattr(select, "DATED_WEIGHT", 0.0)  # the setup: without it, the other wins
    assert [e.id for e in select.select_timeline(events, per_date=1)] == ["undated"]


def test_entries_reported_the_next_day_are_the_ones_a_later_article_gives() -> None:
    stated = ResolvedDate(start=TUE, precision=Precision.DAY, expression="yesterday")
    month = ResolvedDate(start=dt.date(2025, 3, 1), precision=Precision.MONTH)
    events = [
        _quoted("same-day", "Floodwater reached the old town of Orla.", [("tue", 0)]),
        _quoted("next-day", "Floodwater closed Orla's hospital.", [("wed", 0)]),
        _quoted("two-days", "Shops in Orla stayed shut.", [("thu", 0)]),
        _quoted("month", "It was the wettest month on record.", [("wed", 90)]),
    ]
    events[1] = events[1].model_copy(update={"date": stated})
    events[3] = events[3].model_copy(update={"date": month})
    published = {"tue": TUE, "wed": WED, "thu": dt.date(2025, 3, 6)}
    assert select.reported_next_day(events, published) == {"next-day"}
    assert select.reported_next_day(events, {}) == set()


def test_a_day_prefers_what_the_next_days_coverage_reports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Three articles each open with a Tuesday fact; two came out on Tuesday, while the
    # storm was still going on, one on Wednesday, when the day's outcome was known.
    # The Tuesday pair share the most words, yet the day shows Wednesday's account.
    stated = ResolvedDate(start=TUE, precision=Precision.DAY, expression="on Tuesday")
    events = [
        _quoted("first", "Floodwater reached the old town of Orla on Tuesday.", [("a", 0)]),
        _quoted(
            "outcome", "The flood closed Orla's hospital and 300 homes on Tuesday.", [("b", 0)]
        ),
        _quoted("other", "Shops in the old town of Orla stayed shut on Tuesday.", [("c", 0)]),
    ]
    events = [e.model_copy(update={"date": stated}) for e in events]
    published = {"a": TUE, "b": WED, "c": TUE}
    picked = select.select_timeline(events, per_date=1, published=published)
    assert [e.id for e in picked] == ["outcome"]
    # a timeline as of Tuesday has not read Wednesday's paper
    picked = select.select_timeline(events, per_date=1, published=published, day=TUE)
    assert [e.id for e in picked] == ["first"]
    monkeypatch.setattr(select, "NEXT_DAY_WEIGHT", 0.0)  # the setup: without it, "first" wins
    picked = select.select_timeline(events, per_date=1, published=published)
    assert [e.id for e in picked] == ["first"]


def test_a_brief_line_states_the_entry_whose_text_it_is_whatever_its_spacing() -> None:
    from summarizer.stages import wording

    events = [
        _entry("e1", TUE, "Rescuers evacuated the Orla hospital as floodwater rose."),
        _entry("e2", TUE, "The army sent\u00a0 200 soldiers\nto Orla."),
        _entry("e3", TUE, "  The army sent 200 soldiers to Orla on Tuesday."),
        _entry("e4", TUE, "The army sent 200 soldiers to Orla."),
    ]
    assert wording.event_for("The army sent 200 soldiers to Orla.", events) is events[1]
    assert wording.event_for(" The  army sent 200 soldiers to Orla.", events[2:]) is events[3]
    held = wording.event_for("sent 200 soldiers to orla", events)  # the first that holds it
    assert held is events[1]
    assert wording.event_for("The army sent 200 soldiers", events[2:]) is events[2]

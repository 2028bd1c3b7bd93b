"""A fact's sentence as a line of its own (stages/standalone.py): datelines and leading
connectives leave the headline and key developments, the evidence keeps them."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer import pipeline
from summarizer.config import Config
from summarizer.output import render
from summarizer.stages.standalone import (
    display_text,
    stands_alone,
    statement_start,
    strip_dateline,
)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "MARLOW, March 4 — The river Vale burst its banks on Tuesday.",
            "The river Vale burst its banks on Tuesday.",
        ),
        (
            "MARLOW (KVLE) — Firefighters held the line overnight.",
            "Firefighters held the line overnight.",
        ),
        (
            "MARLOW, Aug 18 (Vale Wire) — A fire has burned about 7,500 hectares.",
            "A fire has burned about 7,500 hectares.",
        ),
        (
            "ST. ORLA, Valeland, March 3 (Reuters) - Shares fell on Monday.",
            "Shares fell on Monday.",
        ),
        ("Orla (AP) -- The council met on Monday evening.", "The council met on Monday evening."),
        ("MARLOW — Meanwhile, the army sent 200 soldiers.", "The army sent 200 soldiers."),
        (
            "four people died in the storm, police said.",
            "Four people died in the storm, police said.",
        ),
        # not datelines: an acronym in a sentence, a name with a party, too little left
        (
            "NATO — a military alliance — met on Tuesday.",
            "NATO — a military alliance — met on Tuesday.",
        ),
        (
            "Ruiz (Labour) — the MP for Orla — resigned.",
            "Ruiz (Labour) — the MP for Orla — resigned.",
        ),
        ("MARLOW — Floods.", "MARLOW — Floods."),
        (
            "U.S. officials said on Tuesday talks would resume.",
            "U.S. officials said on Tuesday talks would resume.",
        ),
    ],
)
def test_display_text(text: str, shown: str) -> None:
    assert display_text(text) == shown


def test_a_dateline_alone_is_left_to_the_connective_rule() -> None:
    assert strip_dateline("MARLOW — Meanwhile, the army sent 200 soldiers.") == (
        "Meanwhile, the army sent 200 soldiers."
    )
    assert stands_alone("MARLOW — The army sent 200 soldiers to Orla.")
    assert not stands_alone("MARLOW — They sent 200 soldiers to Orla.")


def test_the_brief_shows_its_lines_without_datelines_and_keeps_their_citations(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "flood"
    folder.mkdir()
    articles = {
        "courier-mon": (
            "2025-03-03",
            "MARLOW, March 3 — The river Vale burst its banks in Marlow on Monday, "
            "flooding 300 homes, the council said.",
        ),
        "post-tue": (
            "2025-03-04",
            "MARLOW (Valley Post) — Meanwhile, the army sent 200 soldiers to Marlow on "
            "Tuesday to build flood barriers, the defence ministry said.",
        ),
    }
    for name, (day, body) in articles.items():
        (folder / f"{name}.txt").write_text(f"date: {day}\n{name}\n\n{body}\n", encoding="utf-8")
    report = pipeline.run([folder], Config(quiet=True))
    assert report.headline.startswith("The army sent 200 soldiers to Marlow on Tuesday")
    assert report.key_developments[0].startswith("The river Vale burst its banks")
    quotes = [ev.quote for e in report.events for ev in e.evidence]
    assert any(q.startswith("MARLOW, March 3 — The river Vale") for q in quotes)  # verbatim
    brief = render.render_brief_md(report)
    assert "- The river Vale burst its banks in Marlow on Monday" in brief
    development = next(line for line in brief.splitlines() if line.startswith("- The river Vale"))
    assert development.endswith("[[1]](#source-1)")


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        (
            "(By Jane Roe -- The Valley Courier) MARLOW, Jan. 16 -- The river burst its banks "
            "on Monday.",
            "The river burst its banks on Monday.",
        ),
        (
            "(Valley Photo/Jane Roe) Rescuers reached the farm at dawn.",
            "Rescuers reached the farm at dawn.",
        ),
        (
            "Tuesday, March 5, 2024; 4:30 PM Just a day after the vote, the board met again.",
            "Just a day after the vote, the board met again.",
        ),
        (
            "MARLOW (Valley Wire) - Ferries were cancelled for a second day.",
            "Ferries were cancelled for a second day.",
        ),
        ("(Jane Roe - Valley Wire) Rescuers reached the farm.", "Rescuers reached the farm."),
        (
            "Thursday, March 7, 2024; Page A01 Employers in the valley cut 400 jobs.",
            "Employers in the valley cut 400 jobs.",
        ),
        (  # a live page's heading and its section's day
            "Valley floods: Your photos Tuesday 4 March Up to 300 homes were flooded in Marlow.",
            "Up to 300 homes were flooded in Marlow.",
        ),
        (  # a credit, then a stamp: both go
            "(Jane Roe - Valley Wire) Tuesday, March 5, 2024; 4:30 PM Just a day after the "
            "vote, the board met again.",
            "Just a day after the vote, the board met again.",
        ),
        # nothing to trim, or what is left is no sentence: the text stays whole
        ("The river burst its banks on Monday.", "The river burst its banks on Monday."),
        (  # a date in prose is no heading
            "The ferry sailed on Tuesday 4 March Up the coast from Marlow.",
            "The ferry sailed on Tuesday 4 March Up the coast from Marlow.",
        ),
        (
            "(For details, see the Courier of March 4.)",
            "(For details, see the Courier of March 4.)",
        ),
        ("(By Jane Roe -- The Courier) the end.", "(By Jane Roe -- The Courier) the end."),
    ],
)
def test_statement_start_skips_credit_stamp_and_dateline(text: str, statement: str) -> None:
    assert text[statement_start(text) :] == statement

"""Corpus-level boilerplate (stages/boilerplate.py), on a small flood story written for
these tests: four days of coverage by a local paper and two other outlets."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer import pipeline
from summarizer.config import Config
from summarizer.models import CleanedSource, Sentence, Source
from summarizer.pipeline.sources import prepare_source
from summarizer.stages.boilerplate import drop_boilerplate, outlet_of, tokens
from summarizer.stages.ingest import ingest

FOOTER = (
    "The Riverside Gazette has covered the valley towns since 1911 and relies on readers "
    "like you to keep going."
)
STAMPS = {  # the page's time stamp and letters line: the same but for the date and time
    "2025-03-03": "Monday 3 March 2025 08.43 GMT Letters for the Gazette go to the desk on "
    "Mill Street, open weekdays.",
    "2025-03-04": "Tuesday 4 March 2025 17.02 GMT Letters for the Gazette go to the desk on "
    "Mill Street, open weekdays.",
    "2025-03-05": "Wednesday 5 March 2025 09.15 GMT Letters for the Gazette go to the desk on "
    "Mill Street, open weekdays.",
    "2025-03-06": "Thursday 6 March 2025 11.30 GMT Letters for the Gazette go to the desk on "
    "Mill Street, open weekdays.",
}
MAYOR = (
    "Mayor Ana Ruiz said the Old Bridge would stay closed until the water level drops "
    "below two metres."
)
RESCUE = "Rescuers pulled 14 people from flooded homes in Marlow on Monday."

ARTICLES = {
    "gazette-mon": (
        "2025-03-03",
        [
            STAMPS["2025-03-03"],
            "The river Vale burst its banks in Marlow on Monday, flooding 300 homes.",
            RESCUE,
            FOOTER,
        ],
    ),
    "gazette-tue": (
        "2025-03-04",
        [
            STAMPS["2025-03-04"],
            "Water levels in Marlow kept rising on Tuesday as more rain fell upstream.",
            RESCUE,
            MAYOR,
            FOOTER,
        ],
    ),
    "courier-tue": (
        "2025-03-04",
        ["Traffic was diverted around Marlow on Tuesday after the flood.", MAYOR],
    ),
    "post-tue": (
        "2025-03-04",
        ["Engineers inspected the Old Bridge in Marlow on Tuesday morning.", MAYOR],
    ),
    "gazette-wed": (
        "2025-03-05",
        [
            STAMPS["2025-03-05"],
            "The council opened a second shelter at the Marlow sports hall on Wednesday.",
            FOOTER,
        ],
    ),
    "gazette-thu": (
        "2025-03-06",
        [
            STAMPS["2025-03-06"],
            "Clean-up crews began clearing mud from the Marlow high street on Thursday.",
            FOOTER,
        ],
    ),
}


def _write(folder: Path, articles: dict[str, tuple[str, list[str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (day, lines) in articles.items():
        body = "\n\n".join(lines)
        (folder / f"{name}.txt").write_text(
            f"date: {day}\n{name} flood report\n\n{body}\n", encoding="utf-8"
        )
    return folder


@pytest.fixture
def story(tmp_path: Path) -> Path:
    return _write(tmp_path / "flood", ARTICLES)


def _prepared(folder: Path) -> list[tuple[CleanedSource, tuple[Sentence, ...]]]:
    out = []
    for source in ingest([folder]).sources:
        cleaned, sentences = prepare_source(source)
        out.append((cleaned, tuple(sentences)))
    return out


def _kept_and_dropped(folder: Path) -> tuple[str, list[str]]:
    kept, dropped = [], []
    for cleaned, sentences in drop_boilerplate(_prepared(folder)):
        kept += [s.text for s in sentences]
        text = cleaned.source.text
        dropped += [
            text[d.start : d.end] for d in cleaned.dropped if d.reason.startswith("boilerplate")
        ]
    return "\n".join(kept), dropped


def test_furniture_recurring_across_days_is_dropped(story: Path) -> None:
    kept, dropped = _kept_and_dropped(story)
    assert FOOTER not in kept
    assert dropped.count(FOOTER) == 4


def test_near_duplicates_differing_in_date_and_time_are_dropped(story: Path) -> None:
    kept, dropped = _kept_and_dropped(story)
    assert "Letters for the Gazette" not in kept
    assert sum("Letters for the Gazette" in d for d in dropped) == 4


def test_a_statement_several_outlets_quote_on_one_day_stays(story: Path) -> None:
    kept, _ = _kept_and_dropped(story)
    assert kept.count(MAYOR) == 3


def test_a_sentence_repeated_on_two_days_stays(story: Path) -> None:
    kept, _ = _kept_and_dropped(story)
    assert kept.count(RESCUE) == 2


def test_the_news_itself_stays(story: Path) -> None:
    kept, _ = _kept_and_dropped(story)
    for name, (_, lines) in ARTICLES.items():
        assert lines[1] in kept or lines[0] in kept, name


def test_kept_ranges_no_longer_cover_dropped_sentences(story: Path) -> None:
    for cleaned, _ in drop_boilerplate(_prepared(story)):
        for drop in cleaned.dropped:
            assert all(k.end <= drop.start or k.start >= drop.end for k in cleaned.kept)
        assert FOOTER not in cleaned.kept_text()


def test_comment_wrappers_of_a_site_template_are_dropped(tmp_path: Path) -> None:
    days = ["2025-03-03", "2025-03-04", "2025-03-05"]
    articles = {}
    for i, day in enumerate(days):
        comments = [
            f"Reader view number {i}{j} on the flood response Posted by: reader{i}{j} | "
            f"March {3 + i}, 2025 {j + 1}:0{j} PM | Report abuse"
            for j in range(3)
        ]
        news = f"The water board released {100 + i} million litres from the Vale reservoir."
        articles[f"blog-{day}"] = (day, [news, *comments])
    kept, dropped = _kept_and_dropped(_write(tmp_path / "blog", articles))
    assert "Report abuse" not in kept
    assert sum("Report abuse" in d for d in dropped) == 9


def test_a_long_footer_glued_to_each_articles_last_words_is_dropped(tmp_path: Path) -> None:
    footer = (
        "Letters for publication should be sent to the letters desk of the Riverside Gazette "
        "at its Mill Street office and must include a full postal address and a daytime "
        "telephone number"
    )
    bios = ["Ana Ruiz is a hydrologist", "Tom Okafor teaches history", "Lena Vogel farms"]
    articles = {
        f"column-{i}": (
            day,
            [f"The valley flooded again on {day}, the column says.", bio + " " + footer],
        )
        for i, (day, bio) in enumerate(
            zip(["2025-03-03", "2025-03-04", "2025-03-05"], bios, strict=True)
        )
    }
    kept, dropped = _kept_and_dropped(_write(tmp_path / "columns", articles))
    assert "Letters for publication" not in kept
    assert sum(footer in d for d in dropped) == 3
    assert kept.count("the column says") == 3


def test_sentences_differing_in_a_name_are_different_facts(tmp_path: Path) -> None:
    towns = ["Orla", "Kessel", "Marlow", "Vantry"]
    articles = {
        f"quake-{town.lower()}": (
            day,
            [f"The {town} quake was felt 300 kilometres away, the seismology institute said."],
        )
        for town, day in zip(
            towns, ["2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06"], strict=True
        )
    }
    kept, dropped = _kept_and_dropped(_write(tmp_path / "quakes", articles))
    assert not dropped
    assert all(f"The {town} quake" in kept for town in towns)


def test_a_daily_figure_update_is_news_not_furniture(tmp_path: Path) -> None:
    articles = {
        f"update-{i}": (day, [f"The water board released {100 + i} million litres on {day}."])
        for i, day in enumerate(["2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06"])
    }
    kept, dropped = _kept_and_dropped(_write(tmp_path / "updates", articles))
    assert not dropped
    for i in range(4):
        assert f"released {100 + i} million litres" in kept


def test_a_run_drops_the_furniture_and_reports_it(story: Path) -> None:
    report = pipeline.run([story], Config(quiet=True))
    quotes = " ".join(ev.quote for e in report.events for ev in e.evidence)
    assert "Riverside Gazette has covered" not in quotes
    assert "Ana Ruiz" in quotes
    reasons = [d.reason for sr in report.sources for d in sr.cleaned.dropped]
    assert any(r.startswith("boilerplate (4 articles, 4 days)") for r in reasons)


def test_inspect_of_a_folder_shows_the_boilerplate_ranges(story: Path) -> None:
    shown = pipeline.inspect(story)
    assert "boilerplate (4 articles, 4 days): The Riverside Gazette has covered" in shown


def test_tokens_normalise_digits_and_calendar_words() -> None:
    assert tokens("Tuesday 4 March 2025 08.43 GMT") == tokens("Friday 17 June 1999 23.01 GMT")
    assert tokens("rose to 50") != tokens("rose to 70")
    assert tokens("Flood!") == ["flood"]


# --------------------------------------------------------------------------- outlets

WIRE_BACKGROUND = (
    "The Vale first burst its banks near the Marlow weir on Sunday evening, the river "
    "authority said."
)
PROMO = "Follow the Marlow Echo for live flood updates. Get our app for alerts."


def _write_outlets(folder: Path, articles: dict[str, tuple[str, str, list[str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (outlet, day, lines) in articles.items():
        body = "\n\n".join(lines)
        (folder / f"{name}.txt").write_text(
            f"Title: {name} flood report\nOutlet: {outlet}\nDate: {day}\n\n{body}\n",
            encoding="utf-8",
        )
    return folder


def test_a_sentence_different_outlets_print_on_different_days_is_news(tmp_path: Path) -> None:
    articles = {
        f"{outlet.split()[-1].lower()}-{day}": (
            outlet,
            day,
            [f"The water reached the Marlow market square on {day}.", WIRE_BACKGROUND],
        )
        for outlet, day in (
            ("Marlow Echo", "2025-03-03"),
            ("Valley Post", "2025-03-04"),
            ("Riverside Gazette", "2025-03-05"),
        )
    }
    kept, dropped = _kept_and_dropped(_write_outlets(tmp_path / "wire", articles))
    assert kept.count(WIRE_BACKGROUND) == 3
    assert not dropped


def test_the_same_sentences_unnamed_outlets_print_on_three_days_are_dropped(
    tmp_path: Path,
) -> None:  # without outlet names the corpus is one outlet, as before
    articles = {
        f"page-{day}": (day, [f"The water reached the Marlow market square on {day}.", PROMO])
        for day in ("2025-03-03", "2025-03-04", "2025-03-05")
    }
    kept, dropped = _kept_and_dropped(_write(tmp_path / "unnamed", articles))
    assert "Get our app" not in kept
    assert len(dropped) == 6


def test_one_outlets_closing_promo_on_two_days_is_dropped(tmp_path: Path) -> None:
    articles = {
        "echo-mon": ("Marlow Echo", "2025-03-03", ["The Vale flooded 300 homes on Monday.", PROMO]),
        "echo-wed": ("Marlow Echo", "2025-03-05", ["The water fell 40 cm on Wednesday.", PROMO]),
        "post-tue": ("Valley Post", "2025-03-04", ["Schools in Marlow shut on Tuesday.", PROMO]),
    }
    folder = _write_outlets(tmp_path / "promo", articles)
    kept, dropped = _kept_and_dropped(folder)
    assert kept.count("Get our app") == 1  # the Valley Post's one copy is not the Echo's template
    assert dropped.count("Follow the Marlow Echo for live flood updates.") == 2
    shown = pipeline.inspect(folder)
    assert "boilerplate (2 articles, 2 days, the outlet's closing line)" in shown


def test_a_closing_line_one_outlet_repeats_on_the_same_day_stays(tmp_path: Path) -> None:
    articles = {
        "echo-am": ("Marlow Echo", "2025-03-03", ["The Vale rose on Monday morning.", PROMO]),
        "echo-pm": ("Marlow Echo", "2025-03-03", ["The Vale fell on Monday evening.", PROMO]),
    }
    kept, dropped = _kept_and_dropped(_write_outlets(tmp_path / "sameday", articles))
    assert kept.count("Get our app") == 2
    assert not dropped


def test_a_line_an_outlet_repeats_inside_two_articles_stays(tmp_path: Path) -> None:
    articles = {
        "echo-mon": ("Marlow Echo", "2025-03-03", [WIRE_BACKGROUND, "Rain fell on Monday."]),
        "echo-tue": ("Marlow Echo", "2025-03-04", [WIRE_BACKGROUND, "Rain eased on Tuesday."]),
    }
    kept, dropped = _kept_and_dropped(_write_outlets(tmp_path / "background", articles))
    assert kept.count(WIRE_BACKGROUND) == 2
    assert not dropped


def test_outlet_of_names_the_publisher_or_the_urls_host() -> None:
    named = Source(id="a", path="a.txt", text="x", outlet="  The Marlow  Echo ")
    hosted = Source(id="b", path="b.txt", text="x", url="https://www.echo.example/flood/1")
    assert outlet_of(named) == "the marlow echo"
    assert outlet_of(hosted) == "echo.example"
    assert outlet_of(Source(id="c", path="c.txt", text="x")) is None


# --------------------------------------------------------------------------- glued runs

HELP = (
    "If you need help with the site write to the help desk of the Riverside Gazette or call "
    "the main Gazette switchboard:"
)
GLUED = {  # the footer glued to a different line on each page
    "2025-03-03": "Ana Ruiz: the valley needs a new flood wall before next winter",
    "2025-03-04": "Tom Okafor: why the Old Bridge must be rebuilt in stone this year",
    "2025-03-05": "Lena Vogel: farmers along the Vale count the cost of the flood",
}


def _glued_story(tmp_path: Path, extra: dict[str, tuple[str, list[str]]]) -> Path:
    articles = {
        f"page-{day}": (day, [f"The river fell again in Marlow on {day}.", f"{HELP} {line}"])
        for day, line in GLUED.items()
    }
    return _write(tmp_path / "glued", {**articles, **extra})


def test_a_footer_glued_to_other_text_is_cut_out_and_the_rest_stays(tmp_path: Path) -> None:
    kept, dropped = _kept_and_dropped(_glued_story(tmp_path, {}))
    assert "help desk" not in kept
    for line in GLUED.values():
        assert line in kept.split("\n")  # the rest is a sentence of its own
    assert sum(d.startswith("If you need help") for d in dropped) == 3
    for cleaned, sentences in drop_boilerplate(_prepared(_glued_story(tmp_path, {}))):
        text = cleaned.source.text
        assert all(text[s.start : s.end] == s.text for s in sentences)  # offsets exact
        assert all(
            k.end <= d.start or k.start >= d.end for d in cleaned.dropped for k in cleaned.kept
        )


def test_a_footer_glued_to_a_time_stamp_is_dropped_whole(tmp_path: Path) -> None:
    stamped = {"page-2025-03-06": ("2025-03-06", [f"{HELP} 11.36 GMT on Thursday 6 March 2025."])}
    kept, dropped = _kept_and_dropped(_glued_story(tmp_path, stamped))
    assert "11.36 GMT" not in kept
    # (the stamp ends the footer's span: its full stop is no sentence of its own)
    assert f"{HELP} 11.36 GMT on Thursday 6 March 2025" in [d.rstrip(".") for d in dropped]


def test_a_background_line_differing_in_its_figures_stays_whole(tmp_path: Path) -> None:
    background = (
        "The flood, which began when the Vale burst its banks at Marlow on Sunday, was "
        "followed by two surges of {} and {} metres"
    )
    figures = [(1.2, 0.8), (1.4, 0.9), (1.1, 0.7)]
    articles = {
        f"report-{i}": (day, [f"Crews cleared mud on {day}.", background.format(*f) + "."])
        for i, (day, f) in enumerate(zip(GLUED, figures, strict=True))
    }
    kept, _ = _kept_and_dropped(_write(tmp_path / "background", articles))
    for f in figures:
        assert background.format(*f) + "." in kept

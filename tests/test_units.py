"""Areas, speeds, masses, volumes and temperatures are read in their units, converted and
compared like distances: a grass fire on "Harlow Creek" and a gale at "Dunmore Point",
stories written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.config import Config, EngineChoice
from summarizer.models import Report
from summarizer.pipeline import run
from summarizer.stages.quantities import describe, extract_quantities, same_figure


def _one(text: str) -> tuple[str, float, str | None]:
    (q,) = extract_quantities(text)
    return q.kind, round(q.value, 2), q.unit


def test_units_are_read_and_normalised() -> None:
    assert _one("The fire burned 8,000 acres.") == ("area", 3237.49, "ha")
    assert _one("The fire burned some 3,200 hectares.") == ("area", 3200.0, "ha")
    assert _one("Floodwater covered 12 square miles.") == ("area", 3107.99, "ha")
    assert _one("Floodwater covered 30 sq km of farmland.") == ("area", 3000.0, "ha")
    assert _one("Winds gusted to 70 mph on Tuesday.") == ("speed", 112.65, "km/h")
    assert _one("Winds gusted to 113 km/h on Tuesday.") == ("speed", 113.0, "km/h")
    assert _one("Winds reached 60 knots offshore.") == ("speed", 111.12, "km/h")
    assert _one("Crews removed 40 tonnes of debris.") == ("mass", 40.0, "t")
    assert _one("Crews removed 900 kg of debris.") == ("mass", 0.9, "t")
    assert _one("The tanker spilled 2,000 litres of diesel.") == ("volume", 2000.0, "l")
    assert _one("The tanker spilled 500 barrels of crude.") == ("volume", 79493.65, "l")
    assert _one("It was 41 °C in the shade.") == ("temperature", 41.0, "°C")
    assert _one("It was 104 degrees Fahrenheit in the shade.") == ("temperature", 40.0, "°C")


def test_a_speed_in_km_per_hour_is_not_a_distance() -> None:
    kinds = [q.kind for q in extract_quantities("Gusts of 145 km/h hit the coast.")]
    assert kinds == ["speed"]


def test_an_ambiguous_unit_is_a_range() -> None:
    (q,) = extract_quantities("The ship carried 500 tons of grain.")
    assert q.kind == "mass" and q.low is not None and q.high is not None
    assert round(q.low) == 454 and round(q.high) == 508  # short ton .. long ton
    (tonnes,) = extract_quantities("The ship carried 480 tonnes of grain.")
    assert same_figure(q, tonnes)


def test_what_a_measure_is_of() -> None:
    (fire,) = extract_quantities("a 9,000-acre fire")
    assert fire.subject == "fire" and fire.kind == "area"
    (load,) = extract_quantities("about 80 tonnes of ammonium nitrate were stored")
    assert load.noun == "ammonium nitrate"
    (wind,) = extract_quantities("Forecasters warned of 90 mph winds.")
    assert wind.noun == "winds"


def test_measures_are_shown_with_their_conversion() -> None:
    assert [describe(q) for q in extract_quantities("It burned 8,000 acres.")] == [
        "8,000 acres (3,237 ha)"
    ]
    assert [describe(q) for q in extract_quantities("Gusts hit 70 mph.")] == ["70 mph (113 km/h)"]
    assert [describe(q) for q in extract_quantities("It burned 3,200 hectares.")] == [
        "3,200 hectares"
    ]


def _story(folder: Path, first: str, second: str) -> Path:
    folder.mkdir()
    (folder / "a.txt").write_text(
        f"Title: Harlow Creek fire\nOutlet: Harlow Courier\nDate: 2025-07-08\n\n{first}\n",
        encoding="utf-8",
    )
    (folder / "b.txt").write_text(
        f"Title: Harlow Creek fire\nOutlet: Plains Wire\nDate: 2025-07-08\n\n{second}\n",
        encoding="utf-8",
    )
    return folder


def _report(folder: Path) -> Report:
    return run([folder], Config(engine=EngineChoice.EXTRACTIVE))


@pytest.mark.parametrize(
    ("first", "second", "topic"),
    [
        (
            "The Harlow Creek fire burned 8,000 acres by Tuesday night, the county fire "
            "service said.",
            "The Harlow Creek fire burned some 5,000 hectares by Tuesday night, the county "
            "fire service said.",
            "area",
        ),
        (
            "Winds gusted to 70 mph at Dunmore Point on Tuesday night, forecasters said.",
            "Winds gusted to 160 km/h at Dunmore Point on Tuesday night, forecasters said.",
            "speed",
        ),
    ],
)
def test_figures_in_different_units_that_differ_are_a_disagreement(
    tmp_path: Path, first: str, second: str, topic: str
) -> None:
    report = _report(_story(tmp_path / "story", first, second))
    assert [d.topic for d in report.disagreements] == [topic]
    assert not report.agreements


def test_figures_in_different_units_that_agree_are_listed_as_agreeing(tmp_path: Path) -> None:
    report = _report(
        _story(
            tmp_path / "story",
            "The Harlow Creek fire burned 8,000 acres by Tuesday night, the county fire "
            "service said. Winds gusted to 70 mph at Dunmore Point on Tuesday night, "
            "forecasters said.",
            "The Harlow Creek fire burned about 3,200 hectares by Tuesday night, the county "
            "fire service said. Winds gusted to 113 km/h at Dunmore Point on Tuesday night, "
            "forecasters said.",
        )
    )
    assert not report.disagreements
    notes = sorted((a.topic, a.note) for a in report.agreements)
    assert notes == [
        ("area", "8,000 acres = 3,237 ha; agrees with about 3,200 hectares"),
        ("speed", "70 mph = 113 km/h; agrees with 113 km/h"),
    ]


def test_a_length_along_a_road_is_compared(tmp_path: Path) -> None:
    report = _report(
        _story(
            tmp_path / "story",
            "Tailbacks stretched for 4 miles along the Harlow bypass on Tuesday, drivers said.",
            "Tailbacks stretched for 12 km along the Harlow bypass on Tuesday, drivers said.",
        )
    )
    assert [d.topic for d in report.disagreements] == ["distance along harlow bypass"]

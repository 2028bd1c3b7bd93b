"""The pipeline end to end: failure isolation, unique events, selection, determinism,
and the seed checks the issue asks for (Izhevsk, casualties, units, junk, dates)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from summarizer import pipeline
from summarizer.config import Config, EngineChoice
from summarizer.engines.base import Extracted, PlannedRequest, Prepared, SourceDone
from summarizer.engines.extractive import ExtractiveEngine
from summarizer.engines.llm import LLMEngine
from summarizer.errors import BackendError, InputError, ReplayMissError, SummarizerError
from summarizer.models import (
    CleanedSource,
    DateOrigin,
    Engine,
    MergedEvent,
    Precision,
    Report,
    Sentence,
    Source,
    SourceExtraction,
)
from summarizer.output import render, report_json
from summarizer.stages import clean as clean_stage
from summarizer.stages import ingest as ingest_stage

# A story that is not the seeds: an earthquake reported by three outlets.
ARTICLES = {
    "wire.txt": (
        "date: 2024-01-02\n"
        "Powerful earthquake kills dozens in central Japan\n\n"
        "A magnitude 7.5 earthquake struck the Noto peninsula on Monday, "
        "the Japan Meteorological Agency said.\n\n"
        "At least 48 people were killed, the Ishikawa prefecture said on Tuesday.\n\n"
        "Prime Minister Fumio Kishida said rescuers were racing against time.\n"
    ),
    "daily.txt": (
        "date: 2024-01-02\n"
        "Quake toll rises on Noto peninsula\n\n"
        "A 7.5-magnitude earthquake hit the Noto peninsula on Monday afternoon, "
        "the Japan Meteorological Agency said.\n\n"
        "Ishikawa prefecture said on Tuesday that 55 people had been killed.\n\n"
        "More than 32,000 people were staying in evacuation centres, officials said.\n"
    ),
    "local.md": (
        "---\ntitle: Wajima fire destroys market street\n"
        "date: 2024-01-03\noutlet: Hokuriku Post\n---\n"
        "A fire that broke out in Wajima after the earthquake on Monday destroyed about "
        "200 buildings, the fire department said on Wednesday.\n\n"
        "The city's famous morning market street burned for hours, residents said.\n"
    ),
}


@pytest.fixture()
def story(tmp_path: Path) -> Path:
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _config(**kw: object) -> Config:
    return Config(engine=EngineChoice.EXTRACTIVE, **kw)  # type: ignore[arg-type]


def _check_offsets(report: Report) -> None:
    texts = {sr.source.id: sr.source.text for sr in report.sources}
    for event in report.events:
        for ev in event.evidence:
            assert texts[ev.source][ev.start : ev.end] == ev.quote


def test_story_runs_offsets_hold_and_sources_are_sorted(story: Path) -> None:
    report = pipeline.run([story], _config())
    assert [sr.source.id for sr in report.sources] == ["daily", "local", "wire"]
    assert report.failures == ()
    assert report.events and report.headline
    assert report.stats.engine is Engine.EXTRACTIVE
    _check_offsets(report)


def test_bad_file_fails_alone(story: Path) -> None:
    (story / "empty.txt").write_bytes(b"")
    report = pipeline.run([story, story / "missing.txt"], _config())
    assert len(report.sources) == 3
    failed = {Path(f.path).name: f.stage for f in report.failures}
    assert failed == {"empty.txt": "ingest", "missing.txt": "ingest"}


class _FailingEngine(ExtractiveEngine):
    """The extractive engine, except that one source raises the given error."""

    def __init__(self, victim: str, error: Exception) -> None:
        super().__init__()
        self.victim = victim
        self.error = error

    def extract(self, cleaned: CleanedSource, sentences: Sequence[Sentence]) -> SourceExtraction:
        if cleaned.source.id == self.victim:
            raise self.error
        return super().extract(cleaned, sentences)


@pytest.mark.parametrize(
    ("error", "stage"),
    [
        (SummarizerError("the model answered nonsense; retry later"), "extract"),
        (BackendError("server error 503 after 5 attempts; check the server"), "model"),
    ],
)
def test_a_source_failing_in_a_stage_becomes_a_failure(
    story: Path, error: Exception, stage: str
) -> None:
    report = pipeline.run([story], _config(), engine=_FailingEngine("daily", error))
    assert [sr.source.id for sr in report.sources] == ["local", "wire"]
    assert len(report.failures) == 1
    failure = report.failures[0]
    assert (Path(failure.path).name, failure.stage) == ("daily.txt", stage)
    assert failure.reason == str(error)
    assert all("daily" not in e.sources for e in report.events)


class _SynthesisFails(ExtractiveEngine):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def synthesize(
        self, events: Sequence[MergedEvent], sources: Mapping[str, Source]
    ) -> tuple[str, tuple[str, ...]]:
        raise self.error


def test_failed_model_synthesis_falls_back_and_is_reported(story: Path) -> None:
    error = BackendError("server error 503 after 5 attempts; check the server")
    report = pipeline.run([story], _config(), engine=_SynthesisFails(error))
    expected = pipeline.run([story], _config())
    assert (report.headline, report.key_developments) == (
        expected.headline,
        expected.key_developments,
    )
    assert [(f.path, f.stage) for f in report.failures] == [(pipeline.SYNTHESIS_PATH, "model")]
    assert "503" in report.failures[0].reason and "extractive" in report.failures[0].reason


def test_replay_miss_in_synthesis_fails_the_run(story: Path) -> None:
    miss = ReplayMissError("request POST /v1/chat/completions has no recording in x.yaml")
    with pytest.raises(ReplayMissError):
        pipeline.run([story], _config(), engine=_SynthesisFails(miss))


class _ComposedEngine:
    """An engine that subclasses neither engine: the pipeline sees only the protocol."""

    kind = Engine.EXTRACTIVE
    model = None
    backend = None

    def __init__(self) -> None:
        self.inner = ExtractiveEngine()
        self.batches: list[list[str]] = []

    def extract_all(
        self, prepared: Sequence[Prepared], on_done: SourceDone | None = None
    ) -> list[Extracted]:
        self.batches.append([cleaned.source.id for cleaned, _ in prepared])
        return self.inner.extract_all(prepared, on_done)

    def synthesize(
        self, events: Sequence[MergedEvent], sources: Mapping[str, Source]
    ) -> tuple[str, tuple[str, ...]]:
        return self.inner.synthesize(events, sources)

    def requests(self, prepared: Sequence[Prepared]) -> list[PlannedRequest]:
        return []

    def synthesis_requests(self, events: Sequence[MergedEvent]) -> list[PlannedRequest]:
        return []


def test_the_pipeline_sees_only_the_engine_protocol(story: Path) -> None:
    engine = _ComposedEngine()
    report = pipeline.run([story], _config(), engine=engine)
    assert len(engine.batches) == 1  # every prepared source in one extract_all call
    assert sorted(engine.batches[0]) == sorted(sr.source.id for sr in report.sources)
    assert report_json.render_json(report) == report_json.render_json(
        pipeline.run([story], _config())
    )


def test_each_source_is_cleaned_once(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest cleans an undated story to infer its date; the pipeline reuses that."""
    (story / "undated.txt").write_text(
        "Rescuers reached Wajima on Thursday (January 4, 2024), officials said.\n"
        "Aftershocks rattled the peninsula again, residents said.\n",
        encoding="utf-8",
    )
    real = clean_stage.clean
    cleaned: list[str] = []

    def counting(source: Source) -> CleanedSource:
        cleaned.append(source.id)
        return real(source)

    monkeypatch.setattr(clean_stage, "clean", counting)
    monkeypatch.setattr(ingest_stage, "clean", counting)
    report = pipeline.run([story], _config())
    undated = next(sr.source for sr in report.sources if sr.source.id == "undated")
    assert (undated.published, undated.published_from) == (dt.date(2024, 1, 4), DateOrigin.INFERRED)
    assert sorted(cleaned) == sorted(sr.source.id for sr in report.sources)  # once each
    monkeypatch.setattr(clean_stage, "clean", real)
    monkeypatch.setattr(ingest_stage, "clean", real)
    ingested = ingest_stage.ingest([story])
    assert [c.source.id for c in ingested.cleaned] == ["undated"]
    reused, _ = pipeline.prepare_all(ingested.sources, ingested.cleaned)
    assert reused == pipeline.prepare_all(ingested.sources)[0]  # as if cleaned again


def test_unexpected_errors_are_not_swallowed(story: Path) -> None:
    with pytest.raises(ZeroDivisionError):
        pipeline.run([story], _config(), engine=_FailingEngine("wire", ZeroDivisionError()))


def test_unique_events_are_single_source(story: Path) -> None:
    report = pipeline.run([story], _config())
    by_id = {e.id: e for e in report.events}
    seen = set()
    for sr in report.sources:
        for event_id in sr.unique_events:
            assert by_id[event_id].sources == (sr.source.id,)
            seen.add(event_id)
    assert seen == {e.id for e in report.events if len(e.sources) == 1}
    local = next(sr for sr in report.sources if sr.source.id == "local")
    assert any("morning market" in by_id[i].text for i in local.unique_events)


@pytest.mark.parametrize(("max_dates", "per_date"), [(1, None), (2, 1), (None, 1)])
def test_selection_limits_dates_and_entries(
    story: Path, max_dates: int | None, per_date: int | None
) -> None:
    full = pipeline.run([story], _config())
    report = pipeline.run([story], _config(max_dates=max_dates, per_date=per_date))
    dates: dict[str, int] = {}
    for e in report.events:
        dates[e.date.iso()] = dates.get(e.date.iso(), 0) + 1
    if max_dates is not None:
        assert len(dates) == min(max_dates, len({e.date.iso() for e in full.events}))
    if per_date is not None:
        assert max(dates.values()) <= per_date
    ids = {e.id for e in report.events}
    assert all(d.event in ids for d in report.disagreements)
    assert all(i in ids for sr in report.sources for i in sr.unique_events)


def test_output_is_deterministic(story: Path) -> None:
    first = pipeline.run([story], _config())
    second = pipeline.run([story], _config())
    assert report_json.render_json(first) == report_json.render_json(second)
    assert render.render_brief_md(first) == render.render_brief_md(second)
    assert render.render_timeline_md(first) == render.render_timeline_md(second)


def test_undated_sources_are_named_in_the_notes(story: Path) -> None:
    (story / "undated.txt").write_text(
        "Aftershocks rattled Wajima again on Thursday, residents said.\n", encoding="utf-8"
    )
    report = pipeline.run([story], _config())
    assert any("undated" in note and "--published" in note for note in report.stats.notes)
    dated = pipeline.run([story], _config(published={"undated": dt.date(2024, 1, 4)}))
    assert dated.stats.notes == ()


def test_published_override_reaches_the_sources(story: Path) -> None:
    report = pipeline.run([story], _config(published={"wire": dt.date(2024, 1, 5)}))
    wire = next(sr.source for sr in report.sources if sr.source.id == "wire")
    assert wire.published == dt.date(2024, 1, 5)


def test_llm_engine_uses_the_given_backend_seam() -> None:
    class Stub:
        name = "stub-model"

    config = Config(engine=EngineChoice.LLM)
    runner = pipeline.make_engine(config, backend=Stub())  # type: ignore[arg-type]
    assert isinstance(runner, LLMEngine)
    assert (runner.kind, runner.model) == (Engine.LLM, "stub-model")
    assert isinstance(pipeline.make_engine(_config()), ExtractiveEngine)


def test_inspect(story: Path) -> None:
    text = pipeline.inspect(story / "local.md")
    assert "2024-01-03 (from the front matter)" in text
    assert "morning market street" in text
    with pytest.raises(InputError, match=r"nope\.txt"):
        pipeline.inspect(story / "nope.txt")


# --------------------------------------------------------------------------- seeds

SEED_IDS = {
    "000": "000_f0c46d1c1a81e5b6",
    "001": "001_d3990826fc62feba",
    "002": "002_6c1b38ed5a5f23a6",
    "003": "003_abadb6bfc1eeddde",
    "004": "004_71c4a9c4df9b7655",
}
STRIKE = {  # each outlet's sentence about the Izhevsk strike
    "000": "a Ukrainian drone hit an industrial plant in Izhevsk",
    "001": "a Ukrainian drone hit an industrial plant in Izhevsk",
    "002": "a Ukrainian long-range drone hit a major Russian arms plant in the city of Izhevsk",
    "003": "targeting the industrial city of Izhevsk",
}
JUNK = ("Kim Jong", "Pentagon halting", "Elbridge Colby", "Hashtags", "Related Articles")


@pytest.fixture(scope="module")
def seeds_report(seeds_dir: Path) -> Report:
    return pipeline.run([seeds_dir], _config())


def _events_quoting(report: Report, source: str, fragment: str) -> list[MergedEvent]:
    return [
        e
        for e in report.events
        for ev in e.evidence
        if ev.source == source and fragment in ev.quote
    ]


def test_seeds_all_read_and_offsets_hold(seeds_report: Report) -> None:
    assert [sr.source.id for sr in seeds_report.sources] == sorted(SEED_IDS.values())
    assert seeds_report.failures == ()
    _check_offsets(seeds_report)


def test_seeds_izhevsk_strike_cites_each_outlet_for_what_it_states(
    seeds_report: Report,
) -> None:
    """000, 001 and 003 state the strike and its toll in one entry; 002's own wording
    of the strike ("long-range drone hit a major Russian arms plant ... roughly 1,300
    kilometers") is one entry with 000's lead (800 miles, the same distance): each
    outlet is cited for what its quote states, and every strike quote is cited."""
    toll = {
        e.id
        for key in ("000", "001", "003")
        for e in _events_quoting(seeds_report, SEED_IDS[key], STRIKE[key])
    }
    assert len(toll) == 1, "the strike is split over several entries"
    (entry,) = [e for e in seeds_report.events if e.id in toll]
    assert {SEED_IDS[k] for k in ("000", "001", "003")} <= set(entry.sources)
    (lead,) = _events_quoting(seeds_report, SEED_IDS["002"], STRIKE["002"])
    assert set(lead.sources) == {SEED_IDS["000"], SEED_IDS["002"]}


def test_seeds_casualty_disagreement_has_both_quotes(seeds_report: Report) -> None:
    injured = [d for d in seeds_report.disagreements if "injur" in d.topic]
    assert injured, "no injured disagreement"
    claims = [c for d in injured for c in d.claims]
    several = [c for c in claims if "several" in c.value]
    thirty_five = [c for c in claims if "35" in c.value]
    assert several and thirty_five
    assert any("injuring several people" in c.quote for c in several)
    assert any("killing three people and injuring 35" in c.quote for c in thirty_five)


def test_seeds_800_miles_and_1300_km_do_not_conflict(seeds_report: Report) -> None:
    for d in seeds_report.disagreements:
        raws = " ".join(c.quote for c in d.claims)
        assert not ("800 miles" in raws and "1,300 kilometers" in raws), d


def test_seeds_related_article_text_appears_nowhere(seeds_report: Report) -> None:
    outputs = (
        render.render_brief_md(seeds_report),
        render.render_timeline_md(seeds_report),
        # the source text itself is not in the JSON; summaries, events and claims are
        report_json.render_json(seeds_report),
    )
    for text in outputs:
        for junk in JUNK:
            assert junk not in text


def test_seeds_late_monday_is_the_day_before_publication(seeds_report: Report) -> None:
    published = {sr.source.id: sr.source.published for sr in seeds_report.sources}
    assert published[SEED_IDS["000"]] == dt.date(2025, 7, 1)
    assert published[SEED_IDS["001"]] == dt.date(2025, 7, 1)
    found = 0
    for e in seeds_report.events:
        for ev in e.evidence:
            if published[ev.source] == dt.date(2025, 7, 1) and re.search(
                r"late (on )?Monday", ev.quote
            ):
                found += 1
                assert e.date.iso() == "2025-06-30", (ev.quote, e.date)
    assert found >= 2


def test_seeds_orsk_radar_is_dated_may_2024(seeds_report: Report) -> None:
    orsk = [e for e in seeds_report.events if any("Orsk" in ev.quote for ev in e.evidence)]
    assert orsk
    for e in orsk:
        assert (e.date.iso(), e.date.precision) == ("2024-05", Precision.MONTH)


def test_seeds_json_schema(seeds_report: Report) -> None:
    data = json.loads(report_json.render_json(seeds_report))
    assert data["schema_version"] == "1"
    for event in data["events"]:
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", event["date"])
        assert (event["date_end"] is None) == (event["precision"] != "range")


def test_the_readme_command_works(seeds_dir: Path, tmp_path: Path) -> None:
    """`summarizer brief seeds/` as a user runs it: a separate process, offline."""
    done = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", "brief", str(seeds_dir)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Daily brief: 2025-07-01")
    assert "engine: extractive" in done.stderr
    for junk in JUNK:
        assert junk not in done.stdout


def test_a_fact_only_an_undated_source_reports_says_its_date_is_assumed(tmp_path: Path) -> None:
    (tmp_path / "wire.txt").write_text(
        "date: 2024-09-03\nA landslide blocked the Serra do Mar highway, police said.\n",
        encoding="utf-8",
    )
    (tmp_path / "blog.txt").write_text(
        "A landslide blocked the Serra do Mar highway, police said.\n"
        "Firefighters rescued 14 people from buried cars near Cubatao, the mayor said.\n",
        encoding="utf-8",
    )
    report = pipeline.run([tmp_path], _config())
    shared = _events_quoting(report, "wire", "landslide blocked")
    alone = _events_quoting(report, "blog", "rescued 14")
    assert len(shared) == 1 and len(alone) == 1
    assert shared[0].date.iso() == "2024-09-03" and not shared[0].date.assumed
    assert alone[0].date.iso() == "2024-09-03" and alone[0].date.assumed  # borrowed, and said
    doc = json.loads(report_json.render_json(report))
    flags = {e["id"]: e["date_assumed"] for e in doc["events"]}
    assert flags == {shared[0].id: False, alone[0].id: True}
    timeline = render.render_timeline_md(report)
    assert "rescued 14" in timeline and "_(date assumed:" in timeline

"""The ``summarizer`` command: exit codes, atomic -o, --format json, inspect, flag errors.

Most tests replace :func:`summarizer.pipeline.run` with a hand-built report so
they check the CLI's own behaviour; the end-to-end runs live in test_pipeline.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from summarizer import cli, pipeline
from summarizer.config import Config, EngineChoice
from summarizer.errors import EXIT_BACKEND, EXIT_CONFIG, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
from summarizer.io import write_atomic
from summarizer.models import (
    CharInterval,
    CleanedSource,
    Engine,
    Evidence,
    InputFailure,
    MergedEvent,
    Precision,
    Report,
    ResolvedDate,
    RunStats,
    Source,
    SourceExtraction,
    SourceReport,
)

QUAKE = (
    "date: 2024-01-02\n"
    "A magnitude 7.5 earthquake struck the Noto peninsula on Monday, the agency said.\n"
    "At least 48 people were killed, the prefecture said on Tuesday.\n"
)


def _report(failures: tuple[InputFailure, ...] = (), with_source: bool = True) -> Report:
    src = Source(
        id="quake", path="in/quake.txt", text=QUAKE, title="Quake", published=dt.date(2024, 1, 2)
    )
    quote = "At least 48 people were killed, the prefecture said on Tuesday."
    start = QUAKE.index(quote)
    event = MergedEvent(
        id="e1",
        date=ResolvedDate(
            start=dt.date(2024, 1, 2), precision=Precision.DAY, expression="on Tuesday"
        ),
        text=quote,
        sources=("quake",),
        evidence=(Evidence(source="quake", quote=quote, start=start, end=start + len(quote)),),
    )
    sr = SourceReport(
        source=src,
        cleaned=CleanedSource(source=src, kept=(CharInterval(start=17, end=len(QUAKE)),)),
        extraction=SourceExtraction(
            source_id="quake", summary=(), events=(), engine=Engine.EXTRACTIVE
        ),
    )
    return Report(
        sources=(sr,) if with_source else (),
        events=(event,) if with_source else (),
        disagreements=(),
        failures=failures,
        stats=RunStats(engine=Engine.EXTRACTIVE),
    )


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def fake_run(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace the pipeline with a canned report; records the Config it was given."""
    seen: dict[str, Any] = {"report": _report()}

    def run(paths: Any, config: Config, backend: Any = None) -> Report:
        seen["paths"] = list(paths)
        seen["config"] = config
        report: Report = seen["report"]
        return report

    monkeypatch.setattr(pipeline, "run", run)
    return seen


def test_brief_to_stdout_says_which_engine_ran(runner: CliRunner, fake_run: dict[str, Any]) -> None:
    result = runner.invoke(cli.app, ["brief", "in/"])
    assert result.exit_code == EXIT_OK, result.stderr
    assert result.stdout.startswith("# Daily brief: 2024-01-02")
    assert "engine: extractive (no model configured)" in result.stderr


@pytest.mark.parametrize("command", ["brief", "timeline"])
def test_format_json_parses(runner: CliRunner, fake_run: dict[str, Any], command: str) -> None:
    result = runner.invoke(cli.app, [command, "in/", "--format", "json"])
    assert result.exit_code == EXIT_OK
    data = json.loads(result.stdout)
    assert data["schema_version"] == "1"
    assert data["events"][0]["date"] == "2024-01-02"


def test_output_file_is_written_atomically(
    runner: CliRunner, fake_run: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "brief.md"
    out.write_text("yesterday's brief\n")
    result = runner.invoke(cli.app, ["timeline", "in/", "-o", str(out)])
    assert result.exit_code == EXIT_OK
    assert out.read_text().startswith("# Timeline")
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.md"]  # no temp file left


def test_output_into_missing_directory_is_a_usage_error(
    runner: CliRunner, fake_run: dict[str, Any], tmp_path: Path
) -> None:
    result = runner.invoke(cli.app, ["brief", "in/", "-o", str(tmp_path / "nope" / "b.md")])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith("summarizer: error: ")
    assert "does not exist" in result.stderr


def test_some_sources_failed_exit_1_output_still_written(
    runner: CliRunner, fake_run: dict[str, Any], tmp_path: Path
) -> None:
    fake_run["report"] = _report(
        failures=(
            InputFailure(path="in/empty.txt", reason="in/empty.txt: the file is empty; remove it"),
            InputFailure(path="in/x.bin", reason="binary file, not text", stage="clean"),
        )
    )
    out = tmp_path / "b.json"
    result = runner.invoke(cli.app, ["brief", "in/", "-o", str(out), "--format", "json"])
    assert result.exit_code == EXIT_PARTIAL
    assert json.loads(out.read_text())["failures"][0]["path"] == "in/empty.txt"
    assert "failed (ingest): in/empty.txt: the file is empty" in result.stderr
    assert "failed (clean): in/x.bin: binary file, not text" in result.stderr


@pytest.mark.parametrize(
    ("stage", "code"),
    [("ingest", EXIT_USAGE), ("model", EXIT_BACKEND)],
)
def test_nothing_usable_exit_code(
    runner: CliRunner, fake_run: dict[str, Any], tmp_path: Path, stage: str, code: int
) -> None:
    fake_run["report"] = _report(
        failures=(InputFailure(path="in/a.txt", reason="in/a.txt: failed", stage=stage),),
        with_source=False,
    )
    out = tmp_path / "b.md"
    result = runner.invoke(cli.app, ["brief", "in/", "-o", str(out)])
    assert result.exit_code == code
    assert not out.exists()
    expected = "for every source" if code == EXIT_BACKEND else "no article could be read"
    assert expected in result.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--published", "quake"], EXIT_USAGE, "write ID=YYYY-MM-DD"),
        (["--published", "quake=2024-13-01"], EXIT_USAGE, "is not a date"),
        (["--day", "yesterday"], EXIT_USAGE, "--day 'yesterday' is not a date"),
        (["--engine", "llm"], EXIT_CONFIG, "needs a model"),
        (["--record", "a.yaml", "--replay", "b.yaml"], EXIT_USAGE, "exclude each other"),
    ],
)
def test_bad_flags_one_line_and_exit_code(
    runner: CliRunner, fake_run: dict[str, Any], args: list[str], code: int, message: str
) -> None:
    result = runner.invoke(cli.app, ["brief", "in/", *args], env={"SUMMARIZER_MODEL": ""})
    assert result.exit_code == code
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("summarizer: error: ")
    assert message in lines[-1]
    assert "Traceback" not in result.stderr


def test_debug_adds_the_traceback_and_keeps_the_exit_code(
    runner: CliRunner, fake_run: dict[str, Any]
) -> None:
    result = runner.invoke(cli.app, ["brief", "in/", "--day", "nope", "--debug"])
    assert result.exit_code == EXIT_USAGE
    assert "Traceback" in result.stderr and "InputError" in result.stderr
    assert "summarizer: error: --day 'nope' is not a date" in result.stderr


def test_internal_error_is_one_line(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: Any, **__: Any) -> Report:
        raise RuntimeError("kaput")

    monkeypatch.setattr(pipeline, "run", boom)
    result = runner.invoke(cli.app, ["brief", "in/"])
    assert result.exit_code == cli.EXIT_INTERNAL
    assert "internal error: RuntimeError: kaput (rerun with --debug" in result.stderr


def test_flags_reach_the_config(runner: CliRunner, fake_run: dict[str, Any]) -> None:
    result = runner.invoke(
        cli.app,
        [
            "brief",
            "a.txt",
            "b/",
            "--published",
            "a=2025-07-01",
            "--published",
            "b=2025-06-30",
            "--day",
            "2025-07-01",
            "--max-dates",
            "3",
            "--per-date",
            "2",
            "--engine",
            "extractive",
        ],
    )
    assert result.exit_code == EXIT_OK, result.stderr
    config: Config = fake_run["config"]
    assert dict(config.published) == {"a": dt.date(2025, 7, 1), "b": dt.date(2025, 6, 30)}
    assert (config.day, config.max_dates, config.per_date) == (dt.date(2025, 7, 1), 3, 2)
    assert config.resolved_engine() is EngineChoice.EXTRACTIVE
    assert [str(p) for p in fake_run["paths"]] == ["a.txt", "b"]


def test_environment_is_read_at_the_edge(runner: CliRunner, fake_run: dict[str, Any]) -> None:
    result = runner.invoke(
        cli.app, ["brief", "in/", "--dry-run"], env={"SUMMARIZER_ENGINE": "bogus"}
    )
    assert result.exit_code == EXIT_CONFIG
    assert "SUMMARIZER_ENGINE='bogus'" in result.stderr


def test_quiet_prints_nothing_on_stderr(runner: CliRunner, fake_run: dict[str, Any]) -> None:
    result = runner.invoke(cli.app, ["brief", "in/", "--quiet"])
    assert result.exit_code == EXIT_OK
    assert result.stderr == ""


def test_extractive_dry_run_makes_no_output(runner: CliRunner, fake_run: dict[str, Any]) -> None:
    result = runner.invoke(cli.app, ["brief", "in/", "--dry-run", "--engine", "extractive"])
    assert result.exit_code == EXIT_OK
    assert "makes no model calls" in result.stderr
    assert "config" not in fake_run  # the pipeline did not run


# --------------------------------------------------------------------------- inspect


def test_inspect_shows_kept_dropped_and_date(runner: CliRunner, tmp_path: Path) -> None:
    article = tmp_path / "flood.txt"
    article.write_text(
        "date: 2024-04-03\n"
        "Floodwaters breached the Riverton levee on Tuesday, officials said.\n\n"
        "Four people died and 120 homes were flooded, the mayor said.\n\n"
        "Related Articles\n\n"
        "Ten best picnic spots this spring\n\n"
        "Why your cat ignores you\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli.app, ["inspect", str(article)])
    assert result.exit_code == EXIT_OK, result.stderr
    assert "2024-04-03 (from the date line)" in result.stdout
    kept, dropped = result.stdout.split("--- dropped ---", 1)
    assert "Floodwaters breached" in kept
    assert "picnic" not in kept
    assert "Related Articles" in dropped


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"", "empty.txt"), (b"\x00\x01\x02\xff" * 64, "blob.txt"), (None, "missing.txt")],
)
def test_inspect_bad_input(
    runner: CliRunner, tmp_path: Path, content: bytes | None, name: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(cli.app, ["inspect", str(path)])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith("summarizer: error: ")
    assert name in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- write_atomic


def test_write_atomic_replaces_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomic(target, "new – ünïcode\n")
    assert target.read_text(encoding="utf-8") == "new – ünïcode\n"
    assert (target.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_write_atomic_failure_leaves_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.md"
    target.write_text("previous brief")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "half a brief")
    assert target.read_text() == "previous brief"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_write_atomic_writes_pieces_and_a_failing_piece_keeps_the_previous_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.json"
    write_atomic(target, iter(["{\n", '  "a": "ü"', "\n}\n"]))
    assert target.read_text(encoding="utf-8") == '{\n  "a": "ü"\n}\n'

    def pieces() -> Iterator[str]:
        yield "half a document"
        raise ValueError("rendering failed")

    with pytest.raises(ValueError, match="rendering failed"):
        write_atomic(target, pieces())
    assert target.read_text(encoding="utf-8") == '{\n  "a": "ü"\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_json_output_written_in_pieces_is_render_json(tmp_path: Path) -> None:
    from summarizer.cli.run import emit
    from summarizer.output.report_json import json_parts, render_json

    report = _report()
    target = tmp_path / "out.json"
    emit(json_parts(report), target)
    assert target.read_text(encoding="utf-8") == render_json(report)


# --------------------------------------------------------------------------- llm engine via the CLI

BREACH = "Floodwaters breached the Riverton levee on Tuesday, officials said."
FLOOD = (
    "date: 2024-04-03\n"
    f"{BREACH}\n\n"
    "Four people died and 120 homes were flooded, the mayor said on Wednesday.\n"
)


def _fake_model(body: dict[str, Any]) -> str:
    """A scripted test model behind the fake server: grounded events plus one invented."""
    text = " ".join(m["content"] for m in body["messages"])
    if "headline" not in text.lower():  # an extract request (only synthesis asks for one)
        return json.dumps(
            {
                "articles": [
                    {
                        "id": "flood",
                        "summary": [BREACH],
                        "events": [
                            {
                                "text": "The Riverton levee was breached.",
                                "quote": BREACH,
                                "temporal_expression": "on Tuesday",
                                "date": "2024-04-02",
                                "quantities": [],
                            },
                            {
                                "text": "Four people died.",
                                "quote": "Four people died and 120 homes were flooded",
                                "temporal_expression": None,
                                "date": None,
                                "quantities": [{"what": "killed", "number": 4, "unit": None}],
                            },
                            {
                                "text": "The army rebuilt the levee overnight.",
                                "quote": "The army rebuilt the levee overnight in record time.",
                                "temporal_expression": "overnight",
                                "date": "2024-04-03",
                                "quantities": [],
                            },
                        ],
                    }
                ]
            }
        )
    return json.dumps(
        {
            "headline": "The Riverton levee failed; four people died.",
            "key_developments": [{"text": "The levee was breached.", "sources": ["s1"]}],
        }
    )


def test_llm_engine_record_then_replay_is_byte_identical(runner: CliRunner, tmp_path: Path) -> None:
    from summarizer.testing.fakeserver import FakeOpenAIServer

    (tmp_path / "flood.txt").write_text(FLOOD, encoding="utf-8")
    cassette = tmp_path / "run.yaml"
    recorded, replayed = tmp_path / "recorded.md", tmp_path / "replayed.md"
    with FakeOpenAIServer(responder=_fake_model) as server:
        args = ["brief", str(tmp_path / "flood.txt"), "--engine", "llm", "--model", "fake"]
        result = runner.invoke(
            cli.app,
            [*args, "--base-url", server.base_url, "--record", str(cassette), "-o", str(recorded)],
        )
        assert result.exit_code == EXIT_OK, result.stderr
        base_url = server.base_url
    assert "engine: llm (model fake at " in result.stderr
    brief = recorded.read_text(encoding="utf-8")
    assert "Engine: llm, model fake" in brief
    assert "1 of 3 model events had no support in the source and were dropped." in brief
    assert "rebuilt the levee" not in brief.split("---")[0]
    assert "- The levee was breached. [[1]](#source-1)" in brief
    # the server is gone: the replay answers from the cassette alone
    result = runner.invoke(
        cli.app, [*args, "--base-url", base_url, "--replay", str(cassette), "-o", str(replayed)]
    )
    assert result.exit_code == EXIT_OK, result.stderr
    assert replayed.read_bytes() == recorded.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["brief"], "Missing argument 'PATH...'"),
        (["brief", "x", "--format", "pdf"], "'pdf' is not one of 'md', 'json'"),
        (["timeline", "x", "--per-date", "0"], "--per-date"),
        (["inspect"], "Missing argument"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(args)
    assert exited.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("summarizer: error: ")
    assert message in err


def test_main_runs_a_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    article = tmp_path / "quake.txt"
    article.write_text(QUAKE, encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        cli.main(["inspect", str(article)])
    assert exited.value.code == EXIT_OK
    assert "2024-01-02 (from the date line)" in capsys.readouterr().out


def test_format_html_and_chart(runner: CliRunner, fake_run: dict[str, Any], tmp_path: Path) -> None:
    page = runner.invoke(cli.app, ["brief", "in/", "--format", "html"])
    assert page.exit_code == EXIT_OK, page.stderr
    assert page.stdout.lstrip().lower().startswith("<!doctype html>")
    svg = tmp_path / "chart.svg"
    result = runner.invoke(cli.app, ["chart", "in/", "-o", str(svg)])
    assert result.exit_code == EXIT_OK, result.stderr
    assert svg.read_text(encoding="utf-8").startswith("<svg")


def test_dry_run_needs_no_api_key(runner: CliRunner, fake_run: dict[str, Any]) -> None:
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "SUMMARIZER_BASE_URL": ""}
    args = ["brief", str(Path(__file__).parent.parent / "seeds"), "--engine", "llm"]
    result = runner.invoke(cli.app, [*args, "--model", "gpt-4o-mini", "--dry-run"], env=env)
    assert result.exit_code == EXIT_OK, result.stderr
    assert "dry run: no model calls made" in result.stdout
    assert "config" not in fake_run  # nothing ran
    without = runner.invoke(cli.app, [*args, "--model", "gpt-4o-mini"], env=env)
    assert without.exit_code == EXIT_CONFIG
    assert "OPENAI_API_KEY" in without.stderr


def test_verbose_reports_each_source(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "quake.txt").write_text(QUAKE, encoding="utf-8")
    result = runner.invoke(cli.app, ["timeline", str(tmp_path), "--verbose"])
    assert result.exit_code == EXIT_OK, result.stderr
    assert "quake: " in result.stderr and "(published 2024-01-02, from header)" in result.stderr
    quiet = runner.invoke(cli.app, ["timeline", str(tmp_path)])
    assert "quake: " not in quiet.stderr


def test_bad_files_cost_only_themselves_end_to_end(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "quake.txt").write_text(QUAKE, encoding="utf-8")
    (folder / "heat.txt").write_bytes(
        "date: 2024-07-10\nSevilla registró 44 °C el martes, según la Aemet; "
        "los médicos atendieron a 120 personas por golpes de calor.\n".encode("cp1252")
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.txt").write_bytes(bytes(range(256)) * 16)
    out = tmp_path / "out.json"
    result = runner.invoke(cli.app, ["brief", str(folder), "--format", "json", "-o", str(out)])
    assert result.exit_code == EXIT_PARTIAL, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {s["id"] for s in data["sources"]} == {"quake", "heat"}
    heat = next(s for s in data["sources"] if s["id"] == "heat")
    assert heat["encoding"].lower().replace("-", "") in {
        "cp1252",
        "windows1252",
        "latin1",
        "iso88591",
    }
    failed = {Path(f["path"]).name for f in data["failures"]}
    assert failed == {"empty.txt", "scan.txt"}
    for name in ("empty.txt", "scan.txt"):
        lines = [line for line in result.stderr.splitlines() if name in line]
        assert len(lines) == 1 and lines[0].startswith("summarizer: failed (ingest): ")


def test_logger_state_is_restored_after_a_command(
    runner: CliRunner, fake_run: dict[str, Any]
) -> None:
    import logging

    logger = logging.getLogger("summarizer")
    before = (logger.level, logger.propagate, list(logger.handlers))
    result = runner.invoke(cli.app, ["brief", "in/", "--debug"])
    assert result.exit_code == EXIT_OK
    assert (logger.level, logger.propagate, list(logger.handlers)) == before

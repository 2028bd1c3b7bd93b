"""User errors through the real CLI (issue 10 items 5 and 7): one line, the documented exit
code, and the same code with ``--debug`` (which adds a traceback, nothing else).

Repros kept as tests: ``summarizer brief nowhere/ --debug`` exited 1 instead of 2; a
truncated or garbage ``--replay`` cassette and ``--cache-dir`` pointing at a file were
internal errors (exit 70, a multi-line ScannerError message).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from isolation import isolated_env
from reliability_helpers import (
    FLOOD,
    VOTE,
    RoutedFakeServer,
    llm_args,
    run_cli,
    write_articles,
)

from summarizer import cli
from summarizer.errors import EXIT_BACKEND, EXIT_CONFIG, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE

LLM = ["--engine", "llm", "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--no-store"]


def _article(tmp_path: Path) -> Path:
    path = tmp_path / "flood.txt"
    path.write_text(FLOOD, encoding="utf-8")
    return path


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``summarizer ARGS`` in this process: (exit code, stderr)."""
    with pytest.raises(SystemExit) as stop:
        cli.main(args)
    code = stop.value.code
    return (code if isinstance(code, int) else EXIT_OK), capsys.readouterr().err


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("summarizer: error:")]


# --------------------------------------------------------------------------- item 5


def _cases(tmp_path: Path) -> dict[str, tuple[list[str], int]]:
    article = str(_article(tmp_path))
    return {
        "missing path": (["brief", str(tmp_path / "nowhere"), "--no-store"], EXIT_USAGE),
        "bad --day": (["brief", article, "--day", "tuesday", "--no-store"], EXIT_USAGE),
        "no model": (["brief", article, "--engine", "llm", "--no-store"], EXIT_CONFIG),
    }


@pytest.mark.parametrize("case", ["missing path", "bad --day", "no model"])
def test_debug_keeps_the_exit_code(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("SUMMARIZER_MODEL", raising=False)
    args, expected = _cases(tmp_path)[case]
    plain_code, plain_err = _main(args, capsys)
    debug_code, debug_err = _main([*args, "--debug"], capsys)
    assert plain_code == expected, plain_err
    assert debug_code == expected, debug_err
    assert len(_error_lines(plain_err)) == 1
    assert _error_lines(debug_err) == _error_lines(plain_err)
    assert "Traceback" in debug_err and "Traceback" not in plain_err


def test_debug_keeps_exit_4_when_the_backend_fails(tmp_path: Path) -> None:
    """In a real process: exit 4, not 1, with --debug. Since issue 13 a model that fails
    every call still leaves the extractive brief (exit 1), so the backend failure here is
    a --replay cassette that the run does not play in full (recorded, through the fake
    server, for another article)."""
    recorded = write_articles(tmp_path / "recorded", {"delta-flood": FLOOD})
    other = write_articles(tmp_path / "in", {"port-avery-vote": VOTE})
    cassette = tmp_path / "run.yaml"
    with RoutedFakeServer({}) as server:
        base = llm_args(server.base_url)
        made = run_cli(["brief", str(recorded), *base, "--record", str(cassette), "--no-store"])
        assert made.exit_code == EXIT_OK, made.stderr
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "summarizer.cli",
            "brief",
            str(other),
            *base,
            "--replay",
            str(cassette),
            "--no-store",
            "--debug",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=isolated_env(OPENAI_API_KEY="sk-test", PATH="/usr/bin:/bin"),
    )
    assert done.returncode == EXIT_BACKEND, done.stderr
    assert "Traceback" in done.stderr


def test_debug_keeps_exit_70_for_a_bug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarizer import pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(pipeline, "run", broken)
    args = ["brief", str(_article(tmp_path)), "--no-store"]
    plain_code, plain_err = _main(args, capsys)
    debug_code, debug_err = _main([*args, "--debug"], capsys)
    assert plain_code == debug_code == cli.EXIT_INTERNAL
    (line,) = _error_lines(plain_err)
    assert "a bug over two lines" in line
    assert "Traceback" in debug_err


# --------------------------------------------------------------------------- item 7

CASSETTES = {
    "truncated yaml": 'interactions:\n- request: {body: "x',
    "garbage bytes": "\x00\x9f\x12 binary junk ::: [",
    "a yaml list": "[1, 2]\n",
    "no interactions": "version: 1\n",
    "interaction without a response": "interactions:\n- request: {}\nversion: 1\n",
}


@pytest.mark.parametrize("content", list(CASSETTES.values()), ids=list(CASSETTES))
def test_a_damaged_replay_cassette_is_a_config_error(content: str, tmp_path: Path) -> None:
    cassette = tmp_path / "run.yaml"
    cassette.write_text(content, encoding="utf-8", errors="surrogateescape")
    result = run_cli(["brief", str(_article(tmp_path)), *LLM, "--replay", str(cassette)])
    assert result.exit_code == EXIT_CONFIG, result.stderr
    (line,) = _error_lines(result.stderr)
    assert f"--replay {cassette}" in line and "not a cassette" in line
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("command", ["brief", "cache stats", "cache clear"])
def test_cache_dir_pointing_at_a_file(command: str, tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder", encoding="utf-8")
    args = [*command.split(), "--cache-dir", str(afile)]
    if command == "brief":
        args[1:1] = [str(_article(tmp_path)), *LLM]
    result = run_cli(args)
    assert result.exit_code == EXIT_CONFIG, result.stderr
    (line,) = _error_lines(result.stderr)
    assert str(afile) in line and "--cache-dir" in line
    assert "internal error" not in result.stderr
    assert afile.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("where", ["parent is a file", "a folder"])
def test_an_unusable_record_path_is_a_config_error(where: str, tmp_path: Path) -> None:
    """Found probing item 7: ``--record afile/x.yaml`` was an internal error (exit 70,
    NotADirectoryError) once the run had done all its work."""
    afile = tmp_path / "afile"
    afile.write_text("not a folder", encoding="utf-8")
    folder = tmp_path / "cassettes"
    folder.mkdir()
    target = afile / "x.yaml" if where == "parent is a file" else folder
    result = run_cli(["brief", str(_article(tmp_path)), *LLM, "--record", str(target)])
    assert result.exit_code == EXIT_CONFIG, result.stderr
    (line,) = _error_lines(result.stderr)
    assert f"--record {target}" in line
    assert "internal error" not in result.stderr


def test_a_malformed_url_is_one_failure_not_a_crash(tmp_path: Path) -> None:
    """Found probing item 7: ``summarizer brief 'http://[::1'`` was an internal error."""
    result = run_cli(["brief", "http://[::1", str(_article(tmp_path)), "--no-store"])
    assert result.exit_code == EXIT_PARTIAL, result.stderr
    assert "failed (fetch): http://[::1: not a valid URL" in result.stderr
    assert "internal error" not in result.stderr

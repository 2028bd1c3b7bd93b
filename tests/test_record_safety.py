"""``--record`` never replaces a good cassette with a failed run (issue 10 item 4).

Repros kept as tests: Ctrl-C during ``--record`` turned a 4-exchange cassette into an
empty one (28 bytes) while the CLI said nothing was written, and a run ending in exit 4
replaced a good cassette with recorded 503s. The cassette is now written atomically
at the end of a run whose model calls all succeeded; otherwise the recording is
discarded, the old file stays byte for byte, and one line says so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from reliability_helpers import (
    ARTICLES,
    FAILING,
    RoutedFakeServer,
    interruptible_command,
    llm_args,
    run_cli,
    small_caps,
    write_articles,
)

from summarizer.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL
from summarizer.testing.fakeserver import FakeReply
from summarizer.transport.cassette import check_cassette


def _record(folder: Path, cassette: Path, base_url: str) -> list[str]:
    return ["brief", str(folder), *llm_args(base_url), "--no-store", "--record", str(cassette)]


def _good_cassette(folder: Path, cassette: Path) -> bytes:
    with RoutedFakeServer({}) as server:
        result = run_cli(_record(folder, cassette, server.base_url), env={"OPENAI_API_KEY": "k"})
    assert result.exit_code == EXIT_OK, result.stderr
    assert len(check_cassette(cassette)) >= len(ARTICLES)
    return cassette.read_bytes()


def _leftovers(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        # every source failing still writes the extractive brief (issue 13): exit 1 too
        ({name: [FakeReply(status=503)] for name in ARTICLES}, EXIT_PARTIAL),
        ({FAILING: [FakeReply(status=503)]}, EXIT_PARTIAL),
    ],
    ids=["every source fails", "one source fails"],
)
def test_a_failed_run_leaves_the_cassette_as_it_was(
    faults: dict[str, list[FakeReply]],
    expected: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = write_articles(tmp_path / "articles")
    cassette = tmp_path / "cassettes" / "run.yaml"
    good = _good_cassette(folder, cassette)
    small_caps(monkeypatch)
    with RoutedFakeServer(faults) as server:
        result = run_cli(_record(folder, cassette, server.base_url), env={"OPENAI_API_KEY": "k"})
    assert result.exit_code == expected, result.stderr
    assert cassette.read_bytes() == good
    assert f"--record: {cassette} was left as it was" in result.stderr
    assert _leftovers(cassette.parent) == []


def test_ctrl_c_during_record_leaves_the_cassette_as_it_was(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles")
    cassette = tmp_path / "cassettes" / "run.yaml"
    good = _good_cassette(folder, cassette)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    env.update(OPENAI_API_KEY="k")
    with RoutedFakeServer({FAILING: [FakeReply(delay=30)]}) as server:
        proc = subprocess.Popen(
            [*interruptible_command(), *_record(folder, cassette, server.base_url)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while not server.requests_for(FAILING) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1.0)
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == EXIT_INTERRUPTED, stderr
    assert cassette.read_bytes() == good
    assert _leftovers(cassette.parent) == []


def test_a_first_recording_that_fails_writes_no_cassette(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_articles(tmp_path / "articles")
    cassette = tmp_path / "run.yaml"
    small_caps(monkeypatch)
    faults = {name: [FakeReply(status=503)] for name in ARTICLES}
    with RoutedFakeServer(faults) as server:
        result = run_cli(_record(folder, cassette, server.base_url), env={"OPENAI_API_KEY": "k"})
    assert result.exit_code == EXIT_PARTIAL, result.stderr  # the extractive brief (issue 13)
    assert not cassette.exists()
    assert "--record: nothing was recorded" in result.stderr

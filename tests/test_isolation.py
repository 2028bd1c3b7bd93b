"""The test suite writes only under tmp paths: conftest gives every test a private HOME
and XDG folders, and removes the user's model settings, for subprocesses too."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import storage_directory
from isolation import isolated_env

STORY = (
    "date: 2024-05-14\nOutlet: Lake Courier\n\n"
    "The ferry Aurora ran aground near Kell Island on Monday, the coast guard said.\n\n"
    "All 84 passengers were brought ashore by Tuesday morning, officials said.\n"
)


def test_the_home_and_settings_are_private() -> None:
    basetemp = Path(os.environ["HOME"]).parents[1]
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        assert Path(os.environ[name]).is_relative_to(basetemp), name
    for name in ("SUMMARIZER_CACHE_DIR", "SUMMARIZER_STORE"):
        assert Path(os.environ[name]).is_relative_to(basetemp), name
    assert Path.home() == Path(os.environ["HOME"])
    for name in ("SUMMARIZER_MODEL", "SUMMARIZER_ENGINE", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        assert name not in os.environ


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_subprocess_without_summarizer_variables_writes_under_tmp(tmp_path: Path) -> None:
    """The CLI's defaults (XDG folders, else HOME) are the test's tmp folders."""
    (tmp_path / "ferry.txt").write_text(STORY, encoding="utf-8")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    done = _run(["brief", str(tmp_path / "ferry.txt")], inherited)
    assert done.returncode == 0, done.stderr
    assert (Path(os.environ["XDG_DATA_HOME"]) / "summarizer" / "store.sqlite").is_file()
    done = _run(["cache", "stats"], isolated_env())
    assert done.returncode == 0, done.stderr
    assert os.environ["XDG_CACHE_HOME"] in done.stdout


def test_without_xdg_folders_the_home_is_the_tmp_one(tmp_path: Path) -> None:
    (tmp_path / "ferry.txt").write_text(STORY, encoding="utf-8")
    env = {"PATH": os.environ["PATH"], "HOME": os.environ["HOME"]}
    done = _run(["brief", str(tmp_path / "ferry.txt")], env)
    assert done.returncode == 0, done.stderr
    store = Path(os.environ["HOME"]) / ".local" / "share" / "summarizer" / "store.sqlite"
    assert store.is_file()


@pytest.fixture(scope="module")
def module_home() -> Path:
    """HOME as a fixture of module scope sees it (made before any per-test fixture)."""
    return Path(os.environ["HOME"])


def test_a_module_fixture_sees_a_private_home(
    module_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert module_home.is_relative_to(tmp_path_factory.getbasetemp())


def test_hypothesis_and_pytest_keep_nothing_in_the_checkout(
    repo_root: Path, request: pytest.FixtureRequest
) -> None:
    """Hypothesis's database and caches live in the session's temporary folder, and
    pytest's cache plugin is off: a run leaves no ``.hypothesis`` or ``.pytest_cache``
    state in the checkout that a later run would read."""
    where = storage_directory("examples", intent_to_write=False).path
    assert not where.is_relative_to(repo_root)
    assert Path(tempfile.gettempdir()).resolve() in where.resolve().parents
    assert request.config.pluginmanager.get_plugin("cacheprovider") is None

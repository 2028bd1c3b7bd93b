"""Shared pytest fixtures: paths to the repository's sample data, and a private home.

Every test runs with HOME, the XDG folders and the summarizer's own cache and store
variables pointing at a fresh tmp folder, and without the user's model settings, so no
test reads or writes the user's files (``~/.cache/summarizer``, the run store, the
calibration data) or depends on their environment. Subprocesses inherit ``os.environ``,
so they are isolated too; a test that gives a subprocess an environment of its own
starts from :func:`isolation.isolated_env`.

Hypothesis keeps its example database and caches in ``.hypothesis`` under the working
directory unless told otherwise; for the session they live in a temporary folder, removed
at the end, so a run writes nothing in the checkout and does not replay an earlier run's
failures (a failing property test prints its own reproduction). pytest's cache plugin is
off in pyproject's ``addopts`` for the same reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

ROOT = Path(__file__).resolve().parent.parent

# Variables a developer's shell may set that would change what a test does.
USER_SETTINGS = (
    "SUMMARIZER_ENGINE",
    "SUMMARIZER_MODEL",
    "SUMMARIZER_BASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "LOCALAPPDATA",
)


_HYPOTHESIS_HOME = "summarizer_hypothesis_home"


def pytest_configure(config: pytest.Config) -> None:
    """Point Hypothesis's storage at a fresh temporary folder for this session."""
    home = tempfile.mkdtemp(prefix="summarizer-hypothesis-")
    setattr(config, _HYPOTHESIS_HOME, home)
    set_hypothesis_home_dir(home)
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = home


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's Hypothesis folder."""
    home = getattr(config, _HYPOTHESIS_HOME, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout."""
    return ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five sample articles in seeds/."""
    return ROOT / "seeds"


def _point_home_at(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME, XDG_*_HOME, SUMMARIZER_CACHE_DIR and SUMMARIZER_STORE under ``root``, and
    the user's model settings unset."""
    home = root / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "xdg-config"))
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(root / "response-cache"))
    monkeypatch.setenv("SUMMARIZER_STORE", str(root / "run-store" / "store.sqlite"))
    for name in USER_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return root


@pytest.fixture(scope="session", autouse=True)
def _private_home_for_the_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The same for fixtures of a wider scope than a test (a module's fixture runs before
    the per-test one below, and would otherwise see the user's real home)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield _point_home_at(tmp_path_factory.mktemp("session-user"), monkeypatch)


@pytest.fixture(autouse=True)
def _private_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """HOME, XDG_*_HOME, SUMMARIZER_CACHE_DIR and SUMMARIZER_STORE under a fresh tmp folder."""
    return _point_home_at(tmp_path_factory.mktemp("user"), monkeypatch)

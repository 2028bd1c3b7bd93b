"""Shared pytest fixtures: paths to the repository's sample data, and a private home.

Every test runs with HOME, the XDG folders and the summarizer's own cache and store
variables pointing at a fresh tmp folder, and without the user's model settings, so no
test reads or writes the user's files (``~/.cache/summarizer``, the run store, the
calibration data) or depends on their environment. Subprocesses inherit ``os.environ``,
so they are isolated too; a test that gives a subprocess an environment of its own
starts from :func:`isolation.isolated_env`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout."""
    return ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five sample articles in seeds/."""
    return ROOT / "seeds"


@pytest.fixture(autouse=True)
def _private_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """HOME, XDG_*_HOME, SUMMARIZER_CACHE_DIR and SUMMARIZER_STORE under a fresh tmp folder."""
    root = tmp_path_factory.mktemp("user")
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

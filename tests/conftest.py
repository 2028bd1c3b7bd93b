"""Shared pytest fixtures (kept minimal: paths to the repository's sample data)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout."""
    return ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five sample articles in seeds/."""
    return ROOT / "seeds"


@pytest.fixture(autouse=True)
def _isolated_response_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the user's response cache (~/.cache/summarizer)."""
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path_factory.mktemp("response-cache")))


@pytest.fixture(autouse=True)
def _isolated_run_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the user's run store (~/.local/share/summarizer).

    XDG_DATA_HOME too: some tests run the CLI in a subprocess without SUMMARIZER_* vars.
    """
    folder = tmp_path_factory.mktemp("run-store")
    monkeypatch.setenv("SUMMARIZER_STORE", str(folder / "store.sqlite"))
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "xdg-data"))

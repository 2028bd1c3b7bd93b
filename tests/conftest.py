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

"""A damaged cache file is set aside and rebuilt (issue 10 item 6).

Repro kept as a test: garbage in ``responses.sqlite3`` made every command, ``cache
clear`` included, fail with exit 70, "database disk image is malformed". Now the file
is renamed beside itself (its bytes kept), a one-line note says so, and a new cache
is started; the same for the calibration side table. (The run store is not a cache:
a damaged one is refused with a message, ``tests/test_store.py``.)
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from reliability_helpers import FLOOD, RoutedFakeServer, llm_args, run_cli, write_articles

from summarizer.errors import EXIT_OK
from summarizer.transport.cache import CACHE_FILE, ResponseCache
from summarizer.transport.calibration import CALIBRATION_FILE, CalibrationStore


def _garbage(path: Path) -> bytes:
    data = b"this is not a database\n" * 200
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def _truncated(path: Path) -> bytes:
    """A real cache with answers in it, cut in half (as by a full disk or a bad copy)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE responses (key TEXT PRIMARY KEY, content TEXT NOT NULL)")
    conn.executemany(
        "INSERT INTO responses VALUES (?, ?)", ((str(i), "answer " * 400) for i in range(300))
    )
    conn.commit()
    conn.close()
    data = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(data)
    return data


DAMAGE = {"garbage": _garbage, "truncated": _truncated}


def _set_aside(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.damaged-*"))


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("command", ["cache clear", "cache stats"])
def test_cache_commands_work_on_a_damaged_cache(command: str, damage: str, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    data = DAMAGE[damage](cache_dir / CACHE_FILE)
    result = run_cli([*command.split(), "--cache-dir", str(cache_dir)])
    assert result.exit_code == EXIT_OK, result.stderr
    (aside,) = _set_aside(cache_dir / CACHE_FILE)
    assert aside.read_bytes() == data  # nothing thrown away
    notes = [line for line in result.stderr.splitlines() if "damaged" in line]
    assert len(notes) == 1 and str(aside) in notes[0]
    assert len(ResponseCache(cache_dir / CACHE_FILE)) == 0  # a new, working cache


def test_a_run_on_a_damaged_cache_rebuilds_it(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in", {"delta-flood": FLOOD})
    cache_dir = tmp_path / "cache"
    _garbage(cache_dir / CACHE_FILE)
    _garbage(cache_dir / CALIBRATION_FILE)
    with RoutedFakeServer({}) as server:
        args = ["brief", str(folder), *llm_args(server.base_url), "--no-store"]
        args = [a for a in args if a != "--no-cache"] + ["--cache-dir", str(cache_dir)]
        first = run_cli([*args, "-f", "json"], env={"OPENAI_API_KEY": "sk-test"})
        asked = len(server.requests)
        second = run_cli([*args, "-f", "json"], env={"OPENAI_API_KEY": "sk-test"})
        assert len(server.requests) == asked  # the rebuilt cache answered the rerun
    assert first.exit_code == EXIT_OK, first.stderr
    assert second.exit_code == EXIT_OK, second.stderr
    assert len(_set_aside(cache_dir / CACHE_FILE)) == 1
    assert len(_set_aside(cache_dir / CALIBRATION_FILE)) == 1
    assert json.loads(first.stdout)["sources"]
    assert "damaged" not in second.stderr


def test_a_damaged_calibration_table_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / CALIBRATION_FILE
    _garbage(path)
    store = CalibrationStore(path)
    store.observe("http://h/v1", "m", 10, 12)
    assert store.get("http://h/v1", "m") is not None
    store.close()
    assert len(_set_aside(path)) == 1

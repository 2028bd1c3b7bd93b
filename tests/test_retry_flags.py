"""The retry caps as command-line flags: --max-attempts, --max-wait, --timeout.

Against the local fake server, through the real CLI (no monkeypatched policy):
the caps the user sets are the caps the run keeps.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from reliability_helpers import (
    ARTICLES,
    FAILING,
    RoutedFakeServer,
    llm_args,
    run_cli,
    write_articles,
)

from summarizer.errors import EXIT_PARTIAL
from summarizer.fakeserver import FakeReply


def _brief(tmp_path: Path, server: RoutedFakeServer, *flags: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    folder = write_articles(tmp_path / "articles")
    out = tmp_path / "out.json"
    result = run_cli(
        [
            "brief",
            str(folder),
            *llm_args(server.base_url),
            "--format",
            "json",
            "-o",
            str(out),
            *flags,
        ]
    )
    return result.exit_code, json.loads(out.read_text(encoding="utf-8")), result.stderr


def test_max_attempts_caps_the_retries_of_a_5xx(tmp_path: Path) -> None:
    with RoutedFakeServer({FAILING: [FakeReply(status=503)]}) as server:
        code, doc, stderr = _brief(tmp_path, server, "--max-attempts", "2", "--max-wait", "2")
        asked = len(server.requests_for(FAILING))
    assert asked == 2
    assert code == EXIT_PARTIAL, stderr
    reasons = [f["reason"] for f in doc["failures"] if FAILING in f["path"]]
    assert reasons and "after 2 attempts" in reasons[0]
    assert {s["id"] for s in doc["sources"]} == set(ARTICLES) - {FAILING}


def test_timeout_flag_bounds_one_call(tmp_path: Path) -> None:
    with RoutedFakeServer({FAILING: [FakeReply(delay=5)]}) as server:
        started = time.monotonic()
        code, doc, stderr = _brief(tmp_path, server, "--timeout", "1", "--max-attempts", "1")
        elapsed = time.monotonic() - started
        asked = len(server.requests_for(FAILING))
    assert asked == 1
    assert code == EXIT_PARTIAL, stderr
    assert elapsed < 4.5  # the 5 s answer was not waited for
    reasons = [f["reason"] for f in doc["failures"] if FAILING in f["path"]]
    assert reasons and re.search(r"within the 1(\.0)?s timeout", reasons[0]), reasons

"""The retry caps as command-line flags: --max-attempts, --max-wait, --timeout.

Against the local fake server, through the real CLI (no monkeypatched policy):
the caps the user sets are the caps the run keeps.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from reliability_helpers import (
    ARTICLES,
    FAILING,
    RoutedFakeServer,
    llm_args,
    run_cli,
    write_articles,
)

from summarizer.errors import EXIT_PARTIAL
from summarizer.testing.fakeserver import FakeReply


def _brief(
    tmp_path: Path, server: RoutedFakeServer, *flags: str
) -> tuple[int, dict[str, Any], str]:
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


def test_usage_line_counts_retries_and_time_waited(tmp_path: Path) -> None:
    """The end-of-run usage line: every attempt, the retry, and the seconds waited."""
    reply = FakeReply(status=429, headers={"Retry-After": "1"})
    with RoutedFakeServer({FAILING: [reply]}, persistent=False) as server:
        code, _, stderr = _brief(tmp_path, server)
        asked = len(server.requests)
    assert code == 0, stderr
    usage = re.search(
        r"usage: (\d+) calls?, (\d+) retr(?:y|ies), \d+ prompt \+ \d+ completion tokens, "
        r"([\d.]+)s in model calls \(summed",
        stderr,
    )
    assert usage is not None, stderr
    calls, retries, seconds = int(usage.group(1)), int(usage.group(2)), float(usage.group(3))
    assert calls == asked  # the 429 attempt is counted as a call
    assert retries == 1
    assert seconds >= 1.0  # the Retry-After wait is model time

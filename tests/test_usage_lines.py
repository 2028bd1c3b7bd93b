"""The run report's usage lines count what they say (issue 13).

After a resume (a run whose earlier attempt failed on one source, started again
with the response cache), ``prompt tokens / article tokens`` compares every call's
prompt tokens, the cached answers' included, with every article: the same ratio
as one uninterrupted run. Counts are singular when they are one; under
``--verbose`` each failed source is printed once.
"""

from __future__ import annotations

import re
from pathlib import Path

from reliability_helpers import ARTICLES, FAILING, RoutedFakeServer, run_cli, write_articles

from summarizer.errors import EXIT_OK, EXIT_PARTIAL
from summarizer.testing.fakeserver import FakeReply

TWO = {name: text for name, text in ARTICLES.items() if name in {"delta-flood", FAILING}}
RATIO = re.compile(r"prompt tokens / article tokens: ([\d.]+) \((\d+) / (\d+)")


def _args(folder: Path, base_url: str, cache: Path) -> list[str]:
    return [
        "brief",
        str(folder),
        "--engine",
        "llm",
        "--model",
        "fake",
        "--base-url",
        base_url,
        "--pack-tokens",
        "0",
        "--max-attempts",
        "1",
        "--cache-dir",
        str(cache),
        "--no-store",
        "--verbose",
        "-o",
        str(folder.parent / "brief.md"),
    ]


def _ratio(stderr: str) -> tuple[str, int, int]:
    match = RATIO.search(stderr)
    assert match is not None, stderr
    return match.group(1), int(match.group(2)), int(match.group(3))


def test_after_a_resume_the_token_ratio_compares_like_with_like(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", TWO)
    with RoutedFakeServer({}) as server:
        whole = run_cli(_args(folder, server.base_url, tmp_path / "cache-a"))
    assert whole.exit_code == EXIT_OK, whole.stderr
    with RoutedFakeServer({FAILING: [FakeReply(status=503)]}, persistent=True) as server:
        first = run_cli(_args(folder, server.base_url, tmp_path / "cache-b"))
        server.clear_faults()
        resumed = run_cli(_args(folder, server.base_url, tmp_path / "cache-b"))
    assert first.exit_code == EXIT_PARTIAL, first.stderr
    assert resumed.exit_code == EXIT_OK, resumed.stderr
    assert "cache: 1 answer from the response cache" in resumed.stderr
    assert _ratio(resumed.stderr) == _ratio(whole.stderr)
    usage = re.search(r"usage: (\d+) calls", resumed.stderr)
    assert usage is not None and int(usage.group(1)) == 2  # the failed source and synthesis
    cached = re.search(r"; (\d+) of them in answers from the cache", resumed.stderr)
    fresh = re.search(r"(\d+) prompt \+ \d+ completion tokens", resumed.stderr)
    assert cached is not None and fresh is not None
    assert int(cached.group(1)) + int(fresh.group(1)) == _ratio(resumed.stderr)[1]


def test_verbose_prints_each_failed_source_once(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", TWO)
    with RoutedFakeServer({FAILING: [FakeReply(status=503)]}, persistent=True) as server:
        result = run_cli(_args(folder, server.base_url, tmp_path / "cache"))
    assert result.exit_code == EXIT_PARTIAL, result.stderr
    path = str(folder / f"{FAILING}.txt")
    lines = [line for line in result.stderr.splitlines() if path in line]
    assert len(lines) == 1 and lines[0].startswith("summarizer: failed (model): "), lines

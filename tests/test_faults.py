"""Fault injection (issue 5): each fault against the local fake server, through the real CLI.

Three sources (a flood, an election, an earthquake); only the earthquake's requests
fail. For every fault the table says whether it is retried (transport), re-asked
(the answer), or neither, and how many requests the failing source may cost under
the small caps of :mod:`reliability_helpers` (3 attempts, 0.5 s timeout) and the
engine's re-ask cap (2).

* persistent: the source is marked failed (stage ``model``) with a reason naming
  the fault, the other two sources complete, the JSON output is written and
  lists the failure, the exit code is 1 (partial);
* transient (the fault once, then a good answer): retried or re-asked faults
  recover and the run exits 0; faults that are not retried (a refusal, an empty
  choices list) fail the source after one request even though a good answer
  was waiting.

The product does not stream (one JSON response per call), so "a stream that stops"
is a response body that stops: cut mid-way behind a full Content-Length, and a
connection reset mid-body. docs/reliability.md lists each row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import (
    ARTICLES,
    ATTEMPTS,
    FAILING,
    LEADS,
    REASKS,
    TIMEOUT,
    RoutedFakeServer,
    llm_args,
    run_cli,
    small_caps,
    source_of,
    write_articles,
)

from summarizer.errors import EXIT_OK, EXIT_PARTIAL
from summarizer.testing.fakeserver import FakeReply

GOOD = json.loads(
    '{"id": "x", "object": "chat.completion", "created": 0, "model": "fake", "choices": []}'
)
CUT_JSON = json.dumps(
    {"id": "x", "object": "chat.completion", "choices": [{"index": 0, "message": {}}]}
).encode()[:40]
BAD_SCHEMA = json.dumps(
    {"articles": [{"id": FAILING, "summary": "one string, not a list", "events": [{"text": ""}]}]}
)
TOO_MANY = json.dumps(
    {
        "articles": [
            {
                "id": FAILING,
                "summary": [],
                "events": [
                    {"text": f"event {i}", "quote": "x", "quantities": []} for i in range(40)
                ],
            }
        ]
    }
)


@dataclass(frozen=True)
class Fault:
    """One row of the fault table."""

    name: str
    reply: FakeReply
    handling: str  # "retried", "re-asked" or "not retried"
    requests: int  # requests the failing source costs when the fault persists
    reason: str  # words of the failure reason
    recovers: bool  # a single occurrence, then a good answer: does the source succeed?


FAULTS = [
    Fault(
        "429 without Retry-After",
        FakeReply(status=429),
        "retried",
        ATTEMPTS,
        "still rate-limiting (HTTP 429) after 3 attempts",
        True,
    ),
    Fault(
        "429 with Retry-After beyond the wait cap",
        FakeReply(status=429, headers={"Retry-After": "60"}),
        "retried",
        1,
        "asked to wait 60s more, beyond the 3s cap",
        False,  # not waited out: the source fails at once
    ),
    Fault("500", FakeReply(status=500), "retried", ATTEMPTS, "HTTP 500 after 3 attempts", True),
    Fault("502", FakeReply(status=502), "retried", ATTEMPTS, "HTTP 502 after 3 attempts", True),
    Fault("503", FakeReply(status=503), "retried", ATTEMPTS, "HTTP 503 after 3 attempts", True),
    Fault(
        "read timeout",
        FakeReply(delay=TIMEOUT + 1.0),
        "retried",
        ATTEMPTS,
        f"no answer from http://127.0.0.1:PORT/v1 within the {TIMEOUT:g}s timeout",
        True,
    ),
    Fault(
        "connection reset mid-body",
        FakeReply(truncate=True),
        "retried",
        ATTEMPTS,
        "cannot connect to",
        True,
    ),
    Fault(
        "connection dropped before any response",
        FakeReply(drop=True),
        "retried",
        ATTEMPTS,
        "cannot connect to",
        True,
    ),
    Fault(
        "body stops mid-way (stream that stops)",
        FakeReply(raw=CUT_JSON),
        "retried",
        ATTEMPTS,
        "sent a malformed response",
        True,
    ),
    Fault(
        "HTML error page instead of JSON",
        FakeReply(raw=b"<html><body>502 Bad Gateway</body></html>"),
        "retried",
        ATTEMPTS,
        "sent a malformed response",
        True,
    ),
    Fault(
        "truncated completion (finish_reason length)",
        FakeReply(content='{"summary": ["The Kestrel', finish_reason="length"),
        "re-asked",
        REASKS + 1,
        "cut off at the token limit",
        True,
    ),
    Fault(
        "invalid JSON in the answer",
        FakeReply(content="Sure! Here are the events: {summary: [oops"),
        "re-asked",
        REASKS + 1,
        "not valid JSON",
        True,
    ),
    Fault(
        "valid JSON breaking the schema",
        FakeReply(content=BAD_SCHEMA),
        "re-asked",
        REASKS + 1,
        "schema violation",
        True,
    ),
    Fault(
        "valid JSON over the schema's bounds",
        FakeReply(content=TOO_MANY),
        "re-asked",
        REASKS + 1,
        "schema violation: articles.0.events",
        True,
    ),
    Fault(
        "refusal",
        FakeReply(content="", refusal="I can't help with that."),
        "not retried",
        1,
        "the model refused the extract request: I can't help with that.",
        False,
    ),
    Fault(
        "empty choices list",
        FakeReply(body=GOOD),
        "not retried",
        1,
        "answered with no choices",
        False,
    ),
]
IDS = [f.name for f in FAULTS]


def _run(tmp_path: Path, server: RoutedFakeServer) -> tuple[Any, Path]:
    articles = write_articles(tmp_path / "articles")
    out = tmp_path / "out.json"
    args = ["brief", str(articles), *llm_args(server.base_url), "--format", "json", "-o", str(out)]
    return run_cli(args), out


def _healthy_sources_complete(doc: dict[str, Any]) -> None:
    ids = {s["id"] for s in doc["sources"]}
    assert {"delta-flood", "port-avery-vote"} <= ids
    quotes = {ev["quote"] for e in doc["events"] for ev in e["evidence"]}
    assert LEADS["delta-flood"] in quotes and LEADS["port-avery-vote"] in quotes


@pytest.mark.parametrize("fault", FAULTS, ids=IDS)
def test_persistent_fault_fails_one_source_and_the_run_goes_on(
    fault: Fault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_caps(monkeypatch)
    with RoutedFakeServer({FAILING: [fault.reply]}, persistent=True) as server:
        result, out = _run(tmp_path, server)
        port = server.port
        failing_requests = len(server.requests_for(FAILING))
    assert result.exit_code == EXIT_PARTIAL, result.stderr
    # Bounded by the caps, not by a clock: the attempts are counted here, and the reason
    # names the cap that ended them (the timeout, the wait cap, the attempts).
    assert failing_requests == fault.requests  # retried / re-asked / not, within the caps
    doc = json.loads(out.read_text(encoding="utf-8"))  # partial output written
    _healthy_sources_complete(doc)
    assert FAILING not in {s["id"] for s in doc["sources"]}
    (failure,) = doc["failures"]
    assert failure["stage"] == "model" and failure["path"].endswith(f"{FAILING}.txt")
    assert fault.reason.replace("PORT", str(port)) in failure["reason"]
    assert f"failed (model): {failure['path']}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fault", FAULTS, ids=IDS)
def test_single_fault_is_retried_or_reasked(
    fault: Fault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_caps(monkeypatch)
    with RoutedFakeServer({FAILING: [fault.reply]}, persistent=False) as server:
        result, out = _run(tmp_path, server)
        failing_requests = len(server.requests_for(FAILING))
    doc = json.loads(out.read_text(encoding="utf-8"))
    _healthy_sources_complete(doc)
    if fault.recovers:
        assert result.exit_code == EXIT_OK, result.stderr
        assert failing_requests == 2  # the fault, then the answer that worked
        assert FAILING in {s["id"] for s in doc["sources"]}
        assert not doc["failures"]
    else:
        assert result.exit_code == EXIT_PARTIAL, result.stderr
        assert failing_requests == 1
        assert [f["stage"] for f in doc["failures"]] == ["model"]


def test_429_retry_after_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small_caps(monkeypatch)
    reply = FakeReply(status=429, headers={"Retry-After": "1"})
    with RoutedFakeServer({FAILING: [reply]}, persistent=False) as server:
        result, out = _run(tmp_path, server)
        first, second = server.requests_for(FAILING)
    assert result.exit_code == EXIT_OK, result.stderr
    assert second.at - first.at >= 1.0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["stats"]["retries"] == 1
    assert doc["stats"]["calls"] == len(ARTICLES) + 1 + 1  # extracts, the retry, synthesis


def test_every_source_failing_writes_the_extractive_brief_with_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: when every model call fails, the run still writes the extractive brief of
    the same sources, marked as such, lists the failures and exits 1 (exit 4 is left for
    a run that produced nothing). The synthesis is the extractive engine's too: no
    model call is made for it."""
    small_caps(monkeypatch)
    out = tmp_path / "out.json"
    out.write_text("yesterday's brief", encoding="utf-8")
    faults = {name: [FakeReply(status=503)] for name in ARTICLES}
    with RoutedFakeServer(faults, persistent=True) as server:
        result, _ = _run(tmp_path, server)
        counts = [len(server.requests_for(name)) for name in ARTICLES]
        synthesis = [r for r in server.requests if source_of(r.body) is None]
    assert result.exit_code == EXIT_PARTIAL, result.stderr
    assert counts == [ATTEMPTS] * len(ARTICLES)
    assert synthesis == []
    assert result.stderr.count("failed (model):") == len(ARTICLES)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["stats"]["engine"] == "extractive"
    assert any(note.startswith("Every model call failed") for note in doc["stats"]["notes"])
    assert {s["id"] for s in doc["sources"]} == set(ARTICLES)
    assert [f["stage"] for f in doc["failures"]] == ["model"] * len(ARTICLES)
    assert all("HTTP 503" in f["reason"] for f in doc["failures"])
    quotes = {ev["quote"] for e in doc["events"] for ev in e["evidence"]}
    assert set(LEADS.values()) <= quotes  # every source's lead, quoted from the article


def test_synthesis_failure_falls_back_to_extractive_synthesis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_caps(monkeypatch)
    with RoutedFakeServer({"": [FakeReply(status=500)]}, persistent=True) as server:
        result, out = _run(tmp_path, server)
        synthesis = [r for r in server.requests if source_of(r.body) is None]
    assert len(synthesis) == ATTEMPTS
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["sources"]) == len(ARTICLES)
    # every source went through; the synthesis failure is reported, and is the only failure
    assert [f["path"] for f in doc["failures"]] == ["(synthesis)"]
    assert result.exit_code == EXIT_PARTIAL, result.stderr
    # the extractive engine's choice stands in: a sentence of the brief day's article as written
    assert doc["headline"] and doc["headline"] in ARTICLES[FAILING]


def _footer(tmp_path: Path, faults: dict[str, list[FakeReply]], fmt: str) -> str:
    """The output (``fmt``) of a run whose model calls get ``faults``, from its footer on."""
    articles = write_articles(tmp_path / "articles")
    out = tmp_path / f"out.{fmt}"
    with RoutedFakeServer(faults, persistent=True) as server:
        args = ["brief", str(articles), *llm_args(server.base_url), "-f", fmt, "-o", str(out)]
        result = run_cli(args)
    assert result.exit_code == EXIT_PARTIAL, result.stderr
    text = out.read_text(encoding="utf-8")
    return text[text.rindex("\n---\n") :] if fmt == "md" else text


EVERY_SOURCE = {name: [FakeReply(status=503)] for name in ARTICLES}


def test_the_fallback_brief_lists_model_calls_not_sources_as_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every model call failed, so the extractive engine wrote the brief of every source:
    none of them is missing, and the footer says which model calls failed (it said
    "Sources that failed:" above the sources the brief had just cited)."""
    small_caps(monkeypatch)
    footer = _footer(tmp_path / "md", EVERY_SOURCE, "md")
    assert "Sources that failed" not in footer
    listed = footer.split("Model calls that failed:\n", 1)[1]
    for name in ARTICLES:
        assert f"{name}.txt: " in listed
    assert "Every model call failed" in footer
    report = _footer(tmp_path / "html", EVERY_SOURCE, "html")
    assert "failed input" not in report and "Inputs that failed" not in report
    assert f"{len(ARTICLES)} failed model calls" in report and "No input failed." in report


def test_a_source_that_failed_is_listed_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_caps(monkeypatch)
    footer = _footer(tmp_path, {FAILING: [FakeReply(status=503)]}, "md")
    failed = footer.split("Sources that failed:\n", 1)[1]
    assert f"{FAILING}.txt: " in failed and "delta-flood" not in failed
    assert "Model calls that failed" not in footer


def test_a_failed_synthesis_is_a_model_call_not_a_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_caps(monkeypatch)
    footer = _footer(tmp_path, {"": [FakeReply(status=500)]}, "md")
    assert "Sources that failed" not in footer
    assert "Model calls that failed:\n\n- (synthesis): " in footer

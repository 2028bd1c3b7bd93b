"""Secrets (issue 5): the API key never appears in any file written, on stdout or on stderr.

Each run uses a recognisable fake key against the local fake server, which checks
that the key was really sent (so the searches below are meaningful), then every
file under the run's folder (outputs, the --record cassette, any cache under the
redirected HOME / XDG cache dir, logs) and the captured stdout and stderr are
searched for the key and for its distinctive middle part.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_helpers import (
    ARTICLES,
    FAILING,
    RoutedFakeServer,
    llm_args,
    run_cli,
    small_caps,
    write_articles,
)

from summarizer.errors import EXIT_OK, EXIT_PARTIAL
from summarizer.testing.fakeserver import FakeReply

KEY = "sk-test-LEAKCHECK-0123456789abcdef"
NEEDLES = (KEY, "LEAKCHECK-0123456789abcdef", "0123456789abcdef")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env.update(
        OPENAI_API_KEY=KEY,
        HOME=str(tmp_path / "home"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        SUMMARIZER_CACHE_DIR=str(tmp_path / "cache" / "summarizer"),
        PYTHONUNBUFFERED="1",
    )
    return env


def _leaks(tmp_path: Path, *streams: str) -> list[str]:
    """Every place under ``tmp_path`` (and in ``streams``) that holds the key."""
    found = []
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {n}" for n in NEEDLES if n.encode() in data]
    for i, stream in enumerate(streams):
        found += [f"stream {i}: {n}" for n in NEEDLES if n in stream]
    return found


def _cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer.cli", *args],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _key_was_sent(server: RoutedFakeServer) -> bool:
    return any(r.headers.get("authorization") == f"Bearer {KEY}" for r in server.requests)


def test_record_output_and_debug_logs_hold_no_key(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles")
    out, cassette = tmp_path / "out" / "brief.md", tmp_path / "cassettes" / "run.yaml"
    out.parent.mkdir()
    cassette.parent.mkdir()
    with RoutedFakeServer({}) as server:
        base = ["brief", str(folder), *llm_args(server.base_url), "--debug", "--verbose"]
        recorded = _cli([*base, "--record", str(cassette), "-o", str(out)], tmp_path)
        assert _key_was_sent(server)
    assert recorded.returncode == EXIT_OK, recorded.stderr
    assert out.exists() and cassette.exists()
    assert "Authorization" not in cassette.read_text(encoding="utf-8")
    assert _leaks(tmp_path, recorded.stdout, recorded.stderr) == []


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug traceback"])
def test_rejected_key_error_path_holds_no_key(tmp_path: Path, debug: bool) -> None:
    folder = write_articles(tmp_path / "articles")
    faults = {name: [FakeReply(status=401)] for name in ARTICLES}
    with RoutedFakeServer(faults) as server:
        args = ["brief", str(folder), *llm_args(server.base_url), "-o", str(tmp_path / "o.md")]
        if debug:  # a traceback: in a real process, as a user would see it
            done = _cli([*args, "--debug"], tmp_path)
            code, stdout, stderr = done.returncode, done.stdout, done.stderr
        else:
            result = run_cli(args, env=_env(tmp_path))
            code, stdout, stderr = result.exit_code, result.stdout, result.stderr
        assert _key_was_sent(server)
    # every source failing leaves the extractive brief since issue 13: exit 1, no traceback;
    # with --debug the failures are logged in full (debug level) and must hold no key either
    assert code == EXIT_PARTIAL, stderr
    assert "rejected the API key (HTTP 401); check OPENAI_API_KEY" in stderr
    assert _leaks(tmp_path, stdout, stderr) == []


def test_retried_errors_and_server_echo_hold_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server whose error message echoes the key back: the message is redacted."""
    small_caps(monkeypatch)
    echo = FakeReply(status=500, body={"error": {"message": f"bad token {KEY} for org"}})
    folder = write_articles(tmp_path / "articles")
    out = tmp_path / "partial.json"
    with RoutedFakeServer({FAILING: [echo]}) as server:
        args = ["brief", str(folder), *llm_args(server.base_url), "-f", "json", "-o", str(out)]
        result = run_cli([*args, "--verbose"], env={"OPENAI_API_KEY": KEY})
        assert _key_was_sent(server)
    assert result.exit_code == EXIT_PARTIAL, result.stderr
    assert "HTTP 500" in out.read_text(encoding="utf-8")
    assert _leaks(tmp_path, result.stdout, result.stderr) == []


# --------------------------------------------------------------------------- issue 10 item 9

URL_SECRET = "URLPASS-7f3a9c2e5b"


def _with_credentials(base_url: str) -> str:
    return base_url.replace("http://", f"http://analyst:{URL_SECRET}@", 1)


def _url_leaks(tmp_path: Path, *streams: str) -> list[str]:
    found = [
        f"{path}"
        for path in sorted(tmp_path.rglob("*"))
        if path.is_file() and URL_SECRET.encode() in path.read_bytes()
    ]
    return found + [f"stream {i}" for i, s in enumerate(streams) if URL_SECRET in s]


@pytest.mark.parametrize("run", ["record", "dry run", "server down"])
def test_credentials_in_the_base_url_are_masked(run: str, tmp_path: Path) -> None:
    """``--base-url http://user:KEY@host/v1``: KEY is shown nowhere (the "engine:" line
    printed it), neither in the cassette, the output, the cache nor the --debug logs."""
    folder = write_articles(tmp_path / "articles")
    out, cassette = tmp_path / "out" / "brief.md", tmp_path / "cassettes" / "run.yaml"
    out.parent.mkdir()
    cassette.parent.mkdir()
    with RoutedFakeServer({}) as server:
        base_url = _with_credentials(server.base_url)
        args = ["brief", str(folder), *llm_args(base_url), "--debug", "--verbose", "-o", str(out)]
        extra = {
            "record": ["--record", str(cassette)],
            "dry run": ["--dry-run"],
            "server down": ["--max-attempts", "1"],
        }[run]
        if run == "server down":
            server.stop()
        done = _cli([*args, *extra], tmp_path)
        if run == "record":
            assert server.requests, done.stderr
    assert "analyst:***@" in done.stderr  # the engine line says where, masked
    assert _url_leaks(tmp_path, done.stdout, done.stderr) == []
    if run == "record":
        assert done.returncode == EXIT_OK, done.stderr
        assert cassette.exists() and out.exists()


def test_a_short_placeholder_key_masks_no_letters_inside_words() -> None:
    """Found in round 3: with ``OPENAI_API_KEY=k`` (a local server ignores the key), the
    failure lines read "fa***e server" and "chec*** the server": every "k" was masked."""
    from summarizer.transport.retry import redact

    assert redact("fake server: HTTP 503; check the server", ("k",)) == (
        "fake server: HTTP 503; check the server"
    )
    assert redact("the key k was refused", ("k",)) == "the key *** was refused"
    assert redact("nonexistent model; key none", ("none",)) == "nonexistent model; key ***"
    leaked = f"Incorrect API key provided: {KEY}. Authorization: Bearer {KEY}; ?key={KEY}&a=1"
    assert KEY not in redact(leaked, (KEY,))
    assert redact(leaked, (KEY,)).count("***") == 3

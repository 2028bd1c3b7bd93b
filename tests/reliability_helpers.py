"""Shared pieces of the reliability suite (issue 5): articles, a scripted test model
behind the fake server, a fake server that fails one source's requests, and a CLI runner.

The three articles are invented (a river flood, a harbour-town election, a mountain
earthquake), not the seeds. The fake server's answers come from a scripted test
model (:func:`scripted_answer`): it quotes each article verbatim, so a healthy run
keeps every event, and the faults are the only thing that can make a source fail.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from summarizer import cli
from summarizer.config import LLMConfig
from summarizer.testing.fakeserver import FakeOpenAIServer, FakeReply, ReceivedRequest
from summarizer.transport import factory
from summarizer.transport.retry import RetryPolicy

# small caps so every fault is given up on in well under a second
FAST = RetryPolicy(max_attempts=3, max_total_wait=3.0, timeout=0.5, backoff_initial=0.01)
ATTEMPTS = FAST.max_attempts
REASKS = LLMConfig().max_reasks  # the engine's re-ask cap (not a CLI flag)
TIMEOUT = 0.5

FLOOD_LEAD = "The Marlow river burst its banks on Tuesday, flooding 340 homes, officials said."
FLOOD = (
    "date: 2024-04-03\n"
    f"{FLOOD_LEAD}\n\n"
    "Emergency crews moved 1,200 residents to shelters overnight, mayor Ana Ruiz said on "
    "Wednesday.\n"
)
VOTE_LEAD = "Voters in Port Avery elected Grace Lin as mayor on Sunday with 54 percent of the vote."
VOTE = (
    "date: 2024-05-06\n"
    f"{VOTE_LEAD}\n\n"
    "Turnout reached 61 percent, the election commission said on Monday.\n"
)
QUAKE_LEAD = "A magnitude 6.1 earthquake struck the Kestrel valley on Friday, killing 12 people."
QUAKE = (
    "date: 2024-06-08\n"
    f"{QUAKE_LEAD}\n\n"
    "Rescue teams pulled 30 survivors from collapsed houses on Saturday, police said.\n"
)
ARTICLES = {"delta-flood": FLOOD, "port-avery-vote": VOTE, "kestrel-quake": QUAKE}
LEADS = {"delta-flood": FLOOD_LEAD, "port-avery-vote": VOTE_LEAD, "kestrel-quake": QUAKE_LEAD}
FAILING = "kestrel-quake"  # the source whose requests the fault tests break

_ARTICLE_ID = re.compile(r'<article id="([^"]+)"')
_ENTRY = re.compile(r"^- \S+ \[([^\]]+)\] (.+)$", re.MULTILINE)


def sources_of(body: Any) -> list[str]:
    """The source ids an extract request carries (a packed call carries several)."""
    if not isinstance(body, dict):
        return []
    users = [m.get("content", "") for m in body.get("messages") or [] if m.get("role") == "user"]
    return [i for u in users[:1] for i in _ARTICLE_ID.findall(str(u))]


def source_of(body: Any) -> str | None:
    """The (first) source id an extract request is about; None for synthesis and others.

    The fault tests run with ``--pack-tokens 0`` (see :func:`llm_args`): one source a call.
    """
    ids = sources_of(body)
    return ids[0] if ids else None


def extract_entry(source_id: str) -> dict[str, Any]:
    """A good answer about one of :data:`ARTICLES`: the lead, quoted verbatim."""
    lead = LEADS.get(source_id, "")
    event = {"text": lead, "quote": lead, "temporal_expression": None, "date": None}
    return {"id": source_id, "summary": [lead], "events": [{**event, "quantities": []}]}


def extract_answer(*source_ids: str) -> str:
    """A good extract answer for the articles of one call."""
    return json.dumps({"articles": [extract_entry(s) for s in source_ids]})


def synthesis_answer(body: dict[str, Any]) -> str:
    """Headline: the first timeline entry that is an article's lead, citing that entry's ids."""
    users = [m for m in body.get("messages") or [] if m.get("role") == "user"]
    entries = _ENTRY.findall(str(users[0].get("content", ""))) if users else []
    for ids, text in entries:
        if text.strip() in LEADS.values():
            cited = [i.strip() for i in ids.split(",")]
            development = {"text": text.strip(), "sources": cited}
            return json.dumps({"headline": text.strip(), "key_developments": [development]})
    lead = LEADS["delta-flood"]
    return json.dumps({"headline": lead, "key_developments": []})


def scripted_answer(body: dict[str, Any]) -> str:
    """The scripted test model behind the fake server."""
    sources = sources_of(body)
    if sources:
        return extract_answer(*sources)
    return synthesis_answer(body)


class RoutedFakeServer(FakeOpenAIServer):
    """The fake server, with a fault schedule per source id.

    ``faults[source_id]`` lists the replies that source's requests get in turn;
    with ``persistent`` the last one repeats for ever, otherwise the scripted
    test model answers once the list is used up. Every other request (other
    sources, synthesis) gets the scripted model's good answer.
    """

    def __init__(
        self,
        faults: Mapping[str, Sequence[FakeReply]],
        *,
        persistent: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("responder", scripted_answer)
        super().__init__(**kwargs)
        self.persistent = persistent
        self._faults = {k: list(v) for k, v in faults.items()}
        self._fault_lock = threading.Lock()

    def _record(self, request: ReceivedRequest, *, scheduled: bool = True) -> FakeReply:
        default = super()._record(request, scheduled=scheduled)
        source = source_of(request.body)
        with self._fault_lock:
            steps = self._faults.get(source or "")
            if not steps:
                return default
            if self.persistent and len(steps) == 1:
                return steps[0]
            return steps.pop(0)

    def clear_faults(self) -> None:
        """From now on every request gets the scripted model's good answer."""
        with self._fault_lock:
            self._faults = {}

    def requests_for(self, source_id: str) -> list[ReceivedRequest]:
        return [r for r in self.requests if source_of(r.body) == source_id]


def write_articles(folder: Path, articles: Mapping[str, str] = ARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def small_caps(monkeypatch: pytest.MonkeyPatch, **overrides: Any) -> None:
    """Make the real backend factory use :data:`FAST` caps and a short client timeout."""
    real = factory.make_backend

    def make(config: LLMConfig, **kwargs: Any) -> Any:
        config = replace(config, timeout=TIMEOUT, **overrides)
        kwargs.setdefault("policy", FAST)
        return real(config, **kwargs)

    monkeypatch.setattr(factory, "make_backend", make)


def cli_options(command: str = "brief") -> set[str]:
    """The option names a CLI command accepts in this build."""
    group = typer.main.get_command(cli.app)
    params = group.commands[command].params  # type: ignore[attr-defined]
    return {opt for param in params for opt in getattr(param, "opts", [])}


def cache_args() -> list[str]:
    """``--no-cache`` when this build has a response cache (a cached answer hides a fault)."""
    return ["--no-cache"] if "--no-cache" in cli_options() else []


def pack_args() -> list[str]:
    """``--pack-tokens 0`` when this build packs articles: the fault tests route a fault to
    one source's calls, so each call must carry one source."""
    return ["--pack-tokens", "0"] if "--pack-tokens" in cli_options() else []


def llm_args(base_url: str) -> list[str]:
    return [
        "--engine",
        "llm",
        "--model",
        "fake",
        "--base-url",
        base_url,
        *cache_args(),
        *pack_args(),
    ]


def run_cli(args: Sequence[str], env: Mapping[str, str] | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(cli.app, list(args), env=dict(env or {}), catch_exceptions=False)


_AS_FROM_A_TERMINAL = (
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from summarizer.cli.app import main; main()"
)


def interruptible_command() -> list[str]:
    """The ``summarizer`` command for a subprocess that a test will Ctrl-C (SIGINT).

    A process inherits ignored signals, and Python keeps SIGINT ignored when it starts
    with it ignored. A test run started in the background of a non-interactive shell
    (``pytest ... &``, as a script or a detached whole-suite run does) has SIGINT
    ignored, so a plain ``python -m summarizer.cli`` child never sees the Ctrl-C and a
    test waits on the slow fake server until it times out (the intermittent hang of
    test_interrupt and test_record_safety). This command installs Python's own SIGINT
    handler first, as Python does at start-up in a terminal, whatever the test run
    inherited; it then runs the same entry point as ``summarizer``.
    """
    return [sys.executable, "-c", _AS_FROM_A_TERMINAL]

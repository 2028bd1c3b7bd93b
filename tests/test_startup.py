"""Start-up: an extractive run loads none of the model transport (issue 11).

Checked in a fresh interpreter, by what ``sys.modules`` holds after the command ran:
a module imported at the top of any module on the extractive path (the openai SDK,
its HTTP client, the retry library, the tokenizer) would show up here. Timing is
measured in bench/bench_startup.py, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

MODEL_TRANSPORT = ("openai", "httpx", "httpx2", "tenacity", "tiktoken", "vcr")

RUN_AND_LIST_MODULES = """
import json, sys
from summarizer.cli import main
try:
    main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
sys.stdout.flush()
print()
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

STORY = (
    "Published 3 March 2025\n\n"
    "A ferry ran aground off Ystad on Monday, the coast guard said. "
    "All 212 passengers were taken ashore by noon, officials said on Tuesday.\n"
)


def _run(args: list[str], home: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZER_", "OPENAI_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "c"))
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        timeout=120,
        check=False,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _packages(result: dict[str, object]) -> set[str]:
    """The top-level packages the run imported."""
    modules = result["modules"]
    assert isinstance(modules, list)
    return {str(m).split(".")[0] for m in modules}


def _story(home: Path) -> None:
    (home / "story").mkdir()
    (home / "story" / "ferry.txt").write_text(STORY, encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [["brief", "story"], ["timeline", "story", "--format", "json"], ["--help"]],
    ids=["brief", "timeline-json", "help"],
)
def test_an_extractive_run_imports_no_model_transport(tmp_path: Path, args: list[str]) -> None:
    _story(tmp_path)
    result = _run(args, tmp_path)
    assert result["code"] == 0
    modules = _packages(result)
    assert "summarizer" in modules
    assert [m for m in MODEL_TRANSPORT if m in modules] == []


def test_a_json_run_renders_no_template_and_fetches_nothing(tmp_path: Path) -> None:
    """jinja2 is for markdown and prompts, urllib.request (ssl, http.client) for URL
    inputs; the markdown brief still loads jinja2, as the check shows."""
    _story(tmp_path)
    modules = _run(["timeline", "story", "--format", "json"], tmp_path)["modules"]
    assert isinstance(modules, list) and "summarizer.output.report_json" in modules
    assert [m for m in ("jinja2", "urllib.request", "ssl", "http.client") if m in modules] == []
    assert "jinja2" in _packages(_run(["brief", "story"], tmp_path))


def test_the_check_sees_what_a_run_loads(tmp_path: Path) -> None:
    """A dry run of the llm engine counts tokens: the same check finds tiktoken there
    (and still no openai: planning sends nothing)."""
    _story(tmp_path)
    llm = ["--engine", "llm", "--model", "m", "--base-url", "http://127.0.0.1:9/v1"]
    result = _run(["brief", "story", *llm, "--dry-run"], tmp_path)
    assert result["code"] == 0
    modules = _packages(result)
    assert "tiktoken" in modules and "openai" not in modules

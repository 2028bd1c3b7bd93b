"""Token-count calibration (summarizer.transport.calibration) and the calibrated --dry-run estimate.

The last test is the issue's check with real data: the calibration is learned
from the scenario cassettes (a story other than the seeds, recorded from the
llama.cpp server), then ``--dry-run`` on seeds/ must come within 10 % of the
prompt tokens the server reported in the recorded seeds run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import llm_scenarios as sc
import pytest
import yaml

from summarizer.engines import llm
from summarizer.errors import BackendError
from summarizer.stages import clean, segment
from summarizer.transport.backend import ChatRequest, ChatResponse, ScriptedBackend
from summarizer.transport.cache import CachingBackend
from summarizer.transport.calibration import (
    MIN_CALLS,
    CalibratingBackend,
    Calibration,
    CalibrationStore,
    calibration_path,
    load,
)
from summarizer.transport.factory import make_backend
from summarizer.transport.tokens import count_messages

ROOT = Path(__file__).resolve().parent.parent
URL = "http://127.0.0.1:8080/v1"


def _request(text: str) -> ChatRequest:
    return ChatRequest(messages=({"role": "user", "content": text},))


@pytest.mark.parametrize(
    ("counted", "reported", "calls", "factor", "trusted"),
    [
        (1000, 1130, 5, 1.13, True),
        (1000, 900, 3, 0.9, True),
        (1000, 1500, MIN_CALLS - 1, 1.5, False),  # too few observations
        (0, 0, 10, 1.0, False),
    ],
)
def test_calibration_factor_and_trust(
    counted: int, reported: int, calls: int, factor: float, trusted: bool
) -> None:
    cal = Calibration(counted, reported, calls)
    assert cal.factor == pytest.approx(factor)
    assert cal.trusted is trusted
    assert cal.scale(2000) == round(2000 * factor)


def test_every_answered_call_is_observed_per_endpoint_and_model(tmp_path: Path) -> None:
    store = CalibrationStore(calibration_path(tmp_path))
    script = [ChatResponse(content="{}", prompt_tokens=n) for n in (120, 0, 95)]
    backend = CalibratingBackend(ScriptedBackend(script), store, base_url=URL, model="m")
    texts = ["first request text", "no usage reported", "third one"]
    for text in texts:
        backend.complete(_request(text))
    counted = sum(count_messages(_request(t).messages, "m").n for t in (texts[0], texts[2]))
    assert store.get(URL, "m") == Calibration(counted, 215, 2)  # the call without usage skipped
    assert store.get(URL, "other-model") is None
    assert store.get("http://127.0.0.1:9999/v1", "m") is None
    backend.close()


def test_cache_hits_are_not_observations(tmp_path: Path) -> None:
    store = CalibrationStore(calibration_path(tmp_path))
    inner = CalibratingBackend(
        ScriptedBackend([ChatResponse(content="{}", prompt_tokens=50)]),
        store,
        base_url=URL,
        model="m",
    )
    with CachingBackend(inner, tmp_path / "responses.sqlite3", base_url=URL, model="m") as cached:
        cached.complete(_request("same"))
        cached.complete(_request("same"))  # answered from the cache
        assert cached.usage.cache_hits == 1
    store = CalibrationStore(calibration_path(tmp_path))
    found = store.get(URL, "m")
    assert found is not None and found.calls == 1
    store.close()


def test_load_needs_enough_calls(tmp_path: Path) -> None:
    assert load(tmp_path, URL, "m") is None  # no table at all
    store = CalibrationStore(calibration_path(tmp_path))
    for _ in range(MIN_CALLS - 1):
        store.observe(URL, "m", 100, 110)
    store.close()
    assert load(tmp_path, URL, "m") is None
    store = CalibrationStore(calibration_path(tmp_path))
    store.observe(URL, "m", 100, 110)
    store.close()
    found = load(tmp_path, URL, "m")
    assert found is not None and found.factor == pytest.approx(1.1)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    return subprocess.run(
        [sys.executable, "-m", "summarizer.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _dry_run(cache_dir: Path) -> str:
    done = _cli(
        "brief",
        "seeds/",
        "--engine",
        "llm",
        "--base-url",
        sc.RECORD_URL,
        "--model",
        sc.MODEL,
        "--dry-run",
        "--cache-dir",
        str(cache_dir),
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_dry_run_says_when_it_is_calibrated(tmp_path: Path) -> None:
    assert "calibrated" not in _dry_run(tmp_path)
    store = CalibrationStore(calibration_path(tmp_path))
    for _ in range(4):
        store.observe(sc.RECORD_URL, sc.MODEL, 1000, 1200)
    store.close()
    out = _dry_run(tmp_path)
    total = int(re.search(r"about ([\d,]+) prompt tokens \(re-asks", out).group(1).replace(",", ""))  # type: ignore[union-attr]
    calibrated = re.search(r"calibrated: about ([\d,]+) prompt tokens.*x1\.200, from 4 ", out)
    assert calibrated is not None, out
    assert int(calibrated.group(1).replace(",", "")) == round(total * 1.2)


def _first_attempt_prompt_tokens(cassette: Path) -> int:
    """Prompt tokens the server reported for each planned call's first attempt.

    Re-asks (the conversation grows past system + user) and retries of the
    same body are not planned calls, and a dry run cannot foresee them.
    """
    data = yaml.safe_load(cassette.read_text(encoding="utf-8"))
    seen: set[str] = set()
    total = 0
    for interaction in data["interactions"]:
        body = interaction["request"]["body"]
        request = json.loads(body)
        if len(request["messages"]) > 2 or body in seen:
            continue
        seen.add(body)
        total += json.loads(interaction["response"]["body"]["string"])["usage"]["prompt_tokens"]
    return total


SEEDS_CASSETTE = ROOT / "cassettes" / "seeds-brief.yaml"


def _replay_scenario(name: str, store: CalibrationStore) -> None:
    """Replay one scenario cassette through the calibration layer."""
    config = sc.replay_config(name)
    cleaned = clean.clean(sc.quake_source())
    sentences = segment.segment(cleaned)
    inner = make_backend(config)
    backend = CalibratingBackend(inner, store, base_url=sc.RECORD_URL, model=sc.MODEL)
    try:
        llm.extract(cleaned, sentences, backend=backend, config=config)
    except BackendError:
        pass  # some scenarios end in an error on purpose (a re-ask given up)
    finally:
        inner.close()


def test_calibrated_dry_run_is_within_ten_percent_of_the_recorded_seeds_run(
    tmp_path: Path,
) -> None:
    # learn the factor from the scenario cassettes: another story, the same real server
    store = CalibrationStore(calibration_path(tmp_path))
    for name in sc.SCENARIOS:
        _replay_scenario(name, store)
    store.close()
    out = _dry_run(tmp_path)
    raw = int(re.search(r"about ([\d,]+) prompt tokens \(re-asks", out).group(1).replace(",", ""))  # type: ignore[union-attr]
    calibrated = re.search(r"calibrated: about ([\d,]+) prompt tokens", out)
    assert calibrated is not None, out
    estimate = int(calibrated.group(1).replace(",", ""))
    recorded = _first_attempt_prompt_tokens(SEEDS_CASSETTE)
    print(
        f"\nseeds dry run: {raw:,} counted (cl100k), {estimate:,} calibrated; recorded {recorded:,}"
    )
    assert abs(estimate - recorded) / recorded <= 0.10

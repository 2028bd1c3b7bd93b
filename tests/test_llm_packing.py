"""Packing several articles into one extract call (issue 4: token efficiency).

The model is the scripted test model (:class:`~summarizer.transport.backend.ScriptedBackend`):
:func:`_echo` answers every article fenced in a call with its first sentence,
quoted verbatim, under the article's id. The articles are invented (a harbour
fire, a dam, a ferry strike, a landslide), not the seeds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from summarizer import pipeline
from summarizer.config import Config, EngineChoice, LLMConfig, StructuredMode
from summarizer.engines import llm
from summarizer.engines.llm import packing, synthesis
from summarizer.errors import BackendError, ReplayMissError
from summarizer.models import CleanedSource, Engine, Sentence, Source
from summarizer.pipeline import plan
from summarizer.stages import clean, segment
from summarizer.transport import tokens
from summarizer.transport.backend import ChatRequest, ChatResponse, ScriptedBackend
from summarizer.transport.cache import CachingBackend
from summarizer.transport.retry import BackendCallError
from summarizer.transport.schemas import MAX_PACK_ARTICLES

URL = "http://127.0.0.1:8080/v1"
LOCAL = LLMConfig(model="local", base_url=URL, max_reasks=1)

STORIES = {
    "harbour-post": (
        "A fire destroyed three warehouses in the port of Aveiro on Sunday, firefighters said. "
        "Nobody was injured."
    ),
    "dam-watch": (
        "Engineers lowered the reservoir behind the Alqueva dam by 2 metres on Monday. "
        "The operator said the dam was safe."
    ),
    "ferry-news": (
        "Ferry crews in Lisbon began a 48-hour strike on Tuesday, the union said. "
        "About 60,000 commuters were affected."
    ),
    "hill-times": (
        "A landslide blocked the road to Sintra late on Wednesday, police said. "
        "Crews cleared one lane by Thursday morning."
    ),
}
PUBLISHED = dt.date(2025, 3, 13)
_FENCE = re.compile(r'<article id="([^"]+)"[^>]*>\n(.*?)\n</article>', re.DOTALL)


def _fenced(request: ChatRequest) -> list[tuple[str, str]]:
    """(id, text) of every article fenced in an extract request's first user message."""
    return _FENCE.findall(request.messages[1]["content"])


def _first_sentence(text: str) -> str:
    match = re.match(r"\s*(.*?[.!?])(?=\s|$)", text, re.DOTALL)
    assert match is not None
    return match.group(1)


def _entry(source_id: str, text: str) -> dict[str, Any]:
    first = _first_sentence(text)
    event = {"text": first, "quote": first, "temporal_expression": None, "date": None}
    return {"id": source_id, "summary": [first], "events": [{**event, "quantities": []}]}


def _echo(request: ChatRequest) -> str:
    if request.purpose == "synthesis":
        return json.dumps({"headline": "x", "key_developments": []})
    entries = [_entry(i, text) for i, text in _fenced(request)]
    return json.dumps({"articles": list(reversed(entries))})  # any order


def _prepared(
    stories: dict[str, str] = STORIES,
) -> list[tuple[CleanedSource, list[Sentence]]]:
    prepared = []
    for sid, text in stories.items():
        cleaned = clean.clean(Source(id=sid, path=f"{sid}.txt", text=text, published=PUBLISHED))
        prepared.append((cleaned, list(segment.segment(cleaned))))
    return prepared


def _model_quotes(ext: Any) -> list[str]:
    return [e.quote for e in ext.events if e.engine is Engine.LLM]


# --------------------------------------------------------------------------- routing


def test_short_articles_share_one_call_and_each_answer_goes_to_its_source() -> None:
    model = ScriptedBackend([_echo])
    results = llm.extract_all(_prepared(), backend=model, config=LOCAL)
    assert len(model.requests) == 1
    request = model.requests[0]
    assert [i for i, _ in _fenced(request)] == list(STORIES)  # ingest order, fenced one by one
    assert 'published="2025-03-13"' in request.messages[1]["content"]
    assert request.response_format is not None
    articles = request.response_format["schema"]["properties"]["articles"]
    assert articles["items"]["properties"]["id"]["enum"] == list(STORIES)
    assert articles["minItems"] == articles["maxItems"] == len(STORIES)
    assert request.max_tokens == LOCAL.max_output_tokens * len(STORIES)
    for (cleaned, _), ext in zip(_prepared(), results, strict=True):
        assert not isinstance(ext, Exception)
        assert ext.source_id == cleaned.source.id
        lead = _first_sentence(STORIES[ext.source_id])
        assert _model_quotes(ext) == [lead]  # its own event, not a neighbour's
        assert ext.summary[0].text.startswith(lead)  # a summary per source
        assert ext.proposed_events == 1 and ext.dropped_events == 0


def test_unknown_id_is_dropped_and_counted_like_an_ungrounded_event(tmp_path: Path) -> None:
    def answer(request: ChatRequest) -> str:
        if request.purpose == "synthesis":
            return json.dumps({"headline": "x", "key_developments": []})
        entries = [_entry(i, text) for i, text in _fenced(request)]
        stray = _entry("reuters", STORIES["dam-watch"])  # a real sentence, a foreign id
        stray["events"].append(dict(stray["events"][0], quote="The dam burst."))
        return json.dumps({"articles": [*entries, stray]})

    for sid, text in STORIES.items():
        (tmp_path / f"{sid}.txt").write_text(f"date: {PUBLISHED}\n{text}", encoding="utf-8")
    config = Config(engine=EngineChoice.LLM, llm=LOCAL, quiet=True)
    report = pipeline.run([tmp_path], config, backend=ScriptedBackend([answer] * 2))
    assert not report.failures
    # 4 routed events kept; the stray entry's 2 events dropped and counted as proposed
    assert (report.stats.model_events_proposed, report.stats.model_events_dropped) == (6, 2)
    first = report.sources[0].extraction  # the call's first source carries the count
    assert first.source_id == "dam-watch" and first.dropped_events == 2
    assert any("2 model events named an article id that was not" in n for n in first.notes)
    for sr in report.sources:
        assert len([e for e in sr.extraction.events if e.engine is Engine.LLM]) == 1


def test_an_article_left_out_of_the_answer_keeps_its_extractive_events() -> None:
    def partial(request: ChatRequest) -> str:
        fenced = [(i, t) for i, t in _fenced(request) if i != "ferry-news"]
        return json.dumps({"articles": [_entry(i, t) for i, t in fenced]})

    results = llm.extract_all(_prepared(), backend=ScriptedBackend([partial]), config=LOCAL)
    ferry = next(r for r in results if not isinstance(r, Exception) and r.source_id == "ferry-news")
    assert ferry.proposed_events == 0
    assert ferry.events and all(e.engine is Engine.EXTRACTIVE for e in ferry.events)
    assert any("left this article out" in note for note in ferry.notes)


# --------------------------------------------------------------------------- the budget


def _many(n: int) -> dict[str, str]:
    return {
        f"outlet-{i:02d}": (
            f"Storm Nadia cut power to {1000 + i} homes in district {i} on Friday, the grid "
            f"operator said. Repairs in district {i} were expected to take {i + 2} days."
        )
        for i in range(n)
    }


@pytest.mark.parametrize("pack_tokens", [150, 400, 900])
def test_packs_stay_within_the_budget_in_ingest_order(pack_tokens: int) -> None:
    stories = _many(20)
    config = dataclasses.replace(LOCAL, pack_tokens=pack_tokens)
    model = ScriptedBackend([_echo] * 20)
    results = llm.extract_all(_prepared(stories), backend=model, config=config)
    assert all(not isinstance(r, Exception) for r in results)
    sent = [i for r in model.requests for i, _ in _fenced(r)]
    assert sent == list(stories)  # each article once, in order
    assert 1 < len(model.requests) < len(stories)
    for request in model.requests:
        fenced = tokens.count_tokens(request.messages[1]["content"], config.model).n
        assert fenced <= pack_tokens or len(_fenced(request)) == 1
        assert tokens.count_messages(request.messages, config.model).n <= config.max_input_tokens


def test_pack_tokens_zero_sends_one_article_per_call() -> None:
    config = dataclasses.replace(LOCAL, pack_tokens=0)
    model = ScriptedBackend([_echo] * len(STORIES))
    llm.extract_all(_prepared(), backend=model, config=config)
    assert [len(_fenced(r)) for r in model.requests] == [1] * len(STORIES)
    assert {r.max_tokens for r in model.requests} == {LOCAL.max_output_tokens}


def test_a_call_holds_at_most_the_schema_bound_of_articles() -> None:
    stories = {f"brief-{i:02d}": f"Council {i} met on Monday." for i in range(40)}
    config = dataclasses.replace(LOCAL, pack_tokens=100_000, max_input_tokens=100_000)
    model = ScriptedBackend([_echo] * 40)
    llm.extract_all(_prepared(stories), backend=model, config=config)
    assert max(len(_fenced(r)) for r in model.requests) == MAX_PACK_ARTICLES
    assert {r.max_tokens for r in model.requests} == {packing.PACK_OUTPUT_CAP}  # capped


def _long(n: int) -> str:
    return "\n\n".join(
        f"Rescue team {i} reached village {i} in the Jajarkot district on Saturday, a police "
        f"spokesman said, and found {i + 3} damaged houses."
        for i in range(1, n + 1)
    )


def test_long_article_is_chunked_and_never_packed_beyond_the_budget() -> None:
    stories = {"harbour-post": STORIES["harbour-post"], "kathmandu-post": _long(40)}
    stories["ferry-news"] = STORIES["ferry-news"]
    config = dataclasses.replace(LOCAL, max_input_tokens=900, pack_tokens=600)
    model = ScriptedBackend([_echo] * 10)
    results = llm.extract_all(_prepared(stories), backend=model, config=config)
    assert all(not isinstance(r, Exception) for r in results)
    calls = [[i for i, _ in _fenced(r)] for r in model.requests]
    assert sum(c.count("kathmandu-post") for c in calls) >= 3  # chunked
    for call, request in zip(calls, model.requests, strict=True):
        assert len(call) == len(set(call))  # never two chunks of one article in a call
        assert tokens.count_messages(request.messages, config.model).n <= 900
    contents = [r.messages[1]["content"] for r in model.requests]
    first_part = '<article id="kathmandu-post" published="2025-03-13" part="1/'
    assert any(first_part in c for c in contents)
    assert max(len(c) for c in calls) > 1  # the short articles still share calls


# --------------------------------------------------------------------------- failures


def _bad_for(source_id: str) -> Any:
    """The scripted model: a call carrying ``source_id`` gets an unusable answer."""

    def answer(request: ChatRequest) -> str:
        if any(i == source_id for i, _ in _fenced(request)):
            return "I cannot summarise these articles."
        return _echo(request)

    return answer


def test_a_failed_pack_is_asked_again_article_by_article() -> None:
    model = ScriptedBackend([_bad_for("dam-watch")] * 20)
    results = llm.extract_all(_prepared(), backend=model, config=LOCAL)
    by_id = dict(zip(STORIES, results, strict=True))
    assert isinstance(by_id["dam-watch"], BackendError)
    assert "not valid JSON" in str(by_id["dam-watch"])
    for sid in ("harbour-post", "ferry-news", "hill-times"):
        ext = by_id[sid]
        assert not isinstance(ext, Exception) and len(_model_quotes(ext)) == 1
    sizes = [len(_fenced(r)) for r in model.requests]
    attempts = LOCAL.max_reasks + 1
    # the pack (and its re-asks), then each article alone (the failing one re-asked too)
    assert sizes == [4] * attempts + [1] + [1] * attempts + [1, 1]


def test_pipeline_marks_only_the_failing_source(tmp_path: Path) -> None:
    for sid, text in STORIES.items():
        (tmp_path / f"{sid}.txt").write_text(f"date: {PUBLISHED}\n{text}", encoding="utf-8")
    config = Config(engine=EngineChoice.LLM, llm=LOCAL, quiet=True)
    report = pipeline.run([tmp_path], config, backend=ScriptedBackend([_bad_for("dam-watch")] * 20))
    assert [f.path for f in report.failures] == [str(tmp_path / "dam-watch.txt")]
    assert report.failures[0].stage == "model"
    assert [s.source.id for s in report.sources] == ["ferry-news", "harbour-post", "hill-times"]


@pytest.mark.parametrize(
    "error",
    [
        BackendCallError("HTTP 503 after 5 attempts", status=503, retryable=True),
        BackendCallError("rejected the API key (HTTP 401)", status=401),
        ReplayMissError("request has no recording in run.yaml"),
    ],
    ids=["503-after-retries", "401", "replay-miss"],
)
def test_an_endpoint_failure_marks_exactly_the_pack_failed(error: BackendError) -> None:
    stories = _many(6)
    config = dataclasses.replace(LOCAL, pack_tokens=200)

    def answer(request: ChatRequest) -> ChatResponse | str:
        if any(i == "outlet-00" for i, _ in _fenced(request)):
            raise error
        return _echo(request)

    model = ScriptedBackend([answer] * 10)
    results = llm.extract_all(_prepared(stories), backend=model, config=config, workers=1)
    first_call = [i for i, _ in _fenced(model.requests[0])]
    assert len(first_call) > 1  # a packed call
    for sid, result in zip(stories, results, strict=True):
        if sid in first_call:
            assert result is error  # failed with the call's reason, not asked again
        else:
            assert not isinstance(result, Exception)
    assert sum("outlet-00" in r.messages[1]["content"] for r in model.requests) == 1


# --------------------------------------------------------------------------- cache, modes


def test_rerun_is_answered_from_the_cache(tmp_path: Path) -> None:
    def cached_run() -> tuple[int, int]:
        inner = ScriptedBackend([_echo] * 2)
        with CachingBackend(inner, tmp_path / "cache.sqlite3", base_url=URL, model="local") as b:
            llm.extract_all(_prepared(), backend=b, config=LOCAL)
            return len(inner.requests), b.usage.cache_hits

    assert cached_run() == (1, 0)
    assert cached_run() == (0, 1)
    # the key covers every article in the call: change one, the packed call is asked again
    changed = dict(STORIES, **{"ferry-news": STORIES["ferry-news"].replace("48", "72")})
    inner = ScriptedBackend([_echo])
    with CachingBackend(inner, tmp_path / "cache.sqlite3", base_url=URL, model="local") as b:
        llm.extract_all(_prepared(changed), backend=b, config=LOCAL)
    assert len(inner.requests) == 1


def test_prompt_mode_spells_out_the_call_schema_with_its_ids() -> None:
    config = dataclasses.replace(LOCAL, structured=StructuredMode.PROMPT)
    model = ScriptedBackend([_echo])
    llm.extract_all(_prepared(), backend=model, config=config)
    request = model.requests[0]
    assert request.response_format is None
    system = request.messages[0]["content"]
    assert json.dumps(list(STORIES), separators=(",", ":")) in system  # the id enum


# --------------------------------------------------------------------------- dry run


def test_plan_lists_packed_calls_with_their_sources(tmp_path: Path) -> None:
    prepared = _prepared()
    calls = plan.plan(prepared, Config(engine=EngineChoice.LLM, llm=LOCAL))
    assert len(calls) == 1
    assert calls[0].source_ids == tuple(STORIES)
    model = ScriptedBackend([_echo])
    llm.extract_all(prepared, backend=model, config=LOCAL)
    assert calls[0].prompt_tokens == tokens.count_messages(model.requests[0].messages).n
    for sid, text in STORIES.items():
        (tmp_path / f"{sid}.txt").write_text(f"date: {PUBLISHED}\n{text}", encoding="utf-8")
    config = Config(engine=EngineChoice.LLM, llm=LOCAL)
    lines = plan.plan_run([str(tmp_path)], config).splitlines()
    extract = [line for line in lines if line.strip().startswith("extract")]
    assert len(extract) == 1 and all(sid in extract[0] for sid in STORIES)
    unpacked = Config(engine=EngineChoice.LLM, llm=dataclasses.replace(LOCAL, pack_tokens=0))
    lines = plan.plan_run([str(tmp_path)], unpacked).splitlines()
    assert sum(line.strip().startswith("extract") for line in lines) == len(STORIES)


def test_dry_run_plans_from_the_sources_a_run_reads(tmp_path: Path) -> None:
    """A duplicate copy is not planned for: the run drops it before any model call."""
    for sid, text in STORIES.items():
        (tmp_path / f"{sid}.txt").write_text(f"date: {PUBLISHED}\n{text}", encoding="utf-8")
    first = next(iter(STORIES))
    (tmp_path / "zz-copy.txt").write_text(f"date: {PUBLISHED}\n{STORIES[first]}", encoding="utf-8")
    unpacked = Config(engine=EngineChoice.LLM, llm=dataclasses.replace(LOCAL, pack_tokens=0))
    lines = plan.plan_run([str(tmp_path)], unpacked).splitlines()
    extract = [line for line in lines if line.strip().startswith("extract")]
    assert len(extract) == len(STORIES)
    assert not any("zz-copy" in line for line in extract)


def test_synthesis_sees_a_bounded_view_of_the_timeline(tmp_path: Path) -> None:
    stories = _many(60)
    for sid, text in stories.items():
        (tmp_path / f"{sid}.txt").write_text(f"date: {PUBLISHED}\n{text}", encoding="utf-8")
    config = Config(engine=EngineChoice.LLM, llm=LOCAL, quiet=True)
    model = ScriptedBackend([_echo] * 20)
    report = pipeline.run([tmp_path], config, backend=model)
    (asked,) = [r for r in model.requests if r.purpose == "synthesis"]
    lines = [x for x in asked.messages[1]["content"].splitlines() if x.startswith("- ")]
    assert len(report.events) > synthesis.MAX_TIMELINE == len(lines)
    for line in lines:
        ids = line.split("[", 1)[1].split("]", 1)[0].split(", ")
        assert len(ids) <= synthesis.TIMELINE_SOURCES and all(re.fullmatch(r"s\d+", i) for i in ids)
        assert len(line.split("] ", 1)[1]) <= synthesis.TIMELINE_TEXT


def test_clip_cuts_on_a_word_boundary() -> None:
    assert synthesis.clip("short text", 40) == "short text"
    clipped = synthesis.clip("Floodwaters forced 1,200 residents from their homes in Valencia", 30)
    assert clipped == "Floodwaters forced 1,200…" and len(clipped) <= 30

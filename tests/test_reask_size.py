"""Re-asks stay within the model's context; the hints fit the mode in use.

A re-ask is the first request, the unusable answer cut to a few hundred tokens
(less when the server reported its context), and the instruction with the error;
each re-ask replaces the previous one, so a conversation never grows with the
answers. Against the fake server with a context limit (refusing a larger request
with HTTP 400 as llama-cpp-python does), the old way, appending each whole
cut-off answer, would not fit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from summarizer.config import LLMConfig, StructuredMode
from summarizer.engines import llm
from summarizer.engines.llm.client import REASK_ANSWER_TOKENS
from summarizer.errors import BackendError
from summarizer.models import CleanedSource, Sentence, Source
from summarizer.stages import clean, segment
from summarizer.testing.fakeserver import FakeOpenAIServer, FakeReply, extraction_responder
from summarizer.transport.backend import ChatRequest, ChatResponse, ScriptedBackend
from summarizer.transport.factory import make_backend
from summarizer.transport.retry import BackendCallError, RetryPolicy
from summarizer.transport.tokens import count_messages, count_tokens

FLOOD = (
    "Floodwaters forced 1,200 residents from their homes in Valencia on Monday, "
    "the mayor said.\n\n"
    "Rainfall reached 90 mm in 24 hours, the weather agency said on Tuesday.\n"
)
LOCAL = LLMConfig(model="local", base_url="http://127.0.0.1:8080/v1", max_reasks=2)
ONCE = RetryPolicy(max_attempts=1, max_total_wait=1, timeout=10)
RAMBLING = "The flood " + "and the rain kept falling over the valley " * 150  # ~1,300 tokens


def prepared() -> tuple[CleanedSource, list[Sentence]]:
    source = Source(id="valencia-times", path="v.txt", text=FLOOD, published=dt.date(2024, 3, 12))
    cleaned = clean.clean(source)
    return cleaned, list(segment.segment(cleaned))


def valid() -> str:
    quote = "Rainfall reached 90 mm in 24 hours"
    event = {"text": quote, "quote": quote, "temporal_expression": None, "date": None}
    entry = {"id": "valencia-times", "summary": [], "events": [{**event, "quantities": []}]}
    return json.dumps({"articles": [entry]})


def tokens_of(request: ChatRequest) -> int:
    return count_messages(request.messages).n


def test_a_reask_carries_the_error_not_the_whole_cut_off_answer() -> None:
    cut_off = ChatResponse(content=RAMBLING, finish_reason="length")
    model = ScriptedBackend([cut_off, cut_off, valid()])
    cleaned, sentences = prepared()
    llm.extract(cleaned, sentences, backend=model, config=LOCAL)
    first, second, third = model.requests
    assert count_tokens(RAMBLING).n > 1000
    assert second.messages[: len(first.messages)] == first.messages
    shown = second.messages[-2]
    assert shown["role"] == "assistant" and count_tokens(shown["content"]).n <= REASK_ANSWER_TOKENS
    assert "cut off at the token limit" in second.messages[-1]["content"]
    # the instruction and a bounded excerpt, however long the answer was
    assert tokens_of(second) - tokens_of(first) <= REASK_ANSWER_TOKENS + 80
    assert tokens_of(third) == tokens_of(second)  # the second re-ask replaces the first


def test_the_reask_fits_a_context_the_server_reports() -> None:
    """Context 1,900 tokens: the first request and its answer budget fit; appending the
    cut-off answer would not. The re-ask is sized to fit, so the server answers it."""
    config = replace(LOCAL, structured=StructuredMode.JSON_OBJECT, max_output_tokens=900)
    cut_off = FakeReply(content=RAMBLING, finish_reason="length")
    with FakeOpenAIServer([cut_off], responder=extraction_responder, context=1900) as server:
        backend = make_backend(replace(config, base_url=server.base_url), policy=ONCE)
        cleaned, sentences = prepared()
        ext = llm.extract(cleaned, sentences, backend=backend, config=config)
        backend.close()
        bodies = [r.body for r in server.requests]
    assert ext.events and len(bodies) == 2
    for body in bodies:
        assert count_messages(body["messages"]).n + body["max_tokens"] <= 1900
    appended = [*bodies[0]["messages"], {"role": "assistant", "content": RAMBLING}]
    assert count_messages(appended).n + bodies[0]["max_tokens"] > 1900  # the old way


def test_a_request_too_long_for_the_context_says_so_and_does_not_switch_modes() -> None:
    """A 400 for the context is not an unsupported response_format: auto mode does not
    retry in plain prompts (longer still), and the message names the context, not
    --structured."""
    with FakeOpenAIServer(responder=extraction_responder, context=300) as server:
        config = replace(LOCAL, base_url=server.base_url)
        backend = make_backend(config, policy=ONCE)
        cleaned, sentences = prepared()
        with pytest.raises(BackendCallError) as info:
            llm.extract(cleaned, sentences, backend=backend, config=config)
        backend.close()
        assert server.count("/v1/chat/completions") == 1
    message = str(info.value)
    assert "longer than the model's context" in message
    assert "maximum context length is 300 tokens" in message
    assert "--max-input-tokens" in message and "--structured" not in message
    assert info.value.too_long and info.value.context_limit == 300


@pytest.mark.parametrize(
    ("mode", "hint", "not_hint"),
    [
        (StructuredMode.PROMPT, "try another model", "--structured"),
        (StructuredMode.JSON_OBJECT, "try --structured prompt", "json_object"),
        (StructuredMode.JSON_SCHEMA, "try --structured json_object", "--structured prompt"),
    ],
)
def test_the_hint_after_unusable_answers_fits_the_mode(
    mode: StructuredMode, hint: str, not_hint: str
) -> None:
    config = replace(LOCAL, structured=mode, max_reasks=1)
    model = ScriptedBackend(["not json", "still not json"])
    cleaned, sentences = prepared()
    with pytest.raises(BackendError) as info:
        llm.extract(cleaned, sentences, backend=model, config=config)
    tail = str(info.value).split(");", 1)[1]
    assert hint in tail and not_hint not in tail


def test_cut_off_answers_point_at_the_size_of_each_call() -> None:
    cut_off = ChatResponse(content='{"articles": [', finish_reason="length")
    model = ScriptedBackend([cut_off, cut_off])
    cleaned, sentences = prepared()
    with pytest.raises(BackendError, match=r"smaller --pack-tokens or --max-input-tokens"):
        llm.extract(cleaned, sentences, backend=model, config=replace(LOCAL, max_reasks=1))


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("json_schema", "try --structured json_object or prompt"),
        ("json_object", "try --structured prompt"),
        (None, "a plain prompt, so try another model or server"),
    ],
)
def test_a_rejected_request_suggests_only_other_modes(kind: str | None, hint: str) -> None:
    import httpx2
    import openai

    from summarizer.transport.retry import to_backend_error

    request = httpx2.Request("POST", "http://127.0.0.1:8080/v1/chat/completions")
    body = {"error": {"message": "unexpected field", "type": "invalid_request_error"}}
    response = httpx2.Response(400, json=body, request=request)
    exc = openai.BadRequestError("unexpected field", response=response, body=body)
    error = to_backend_error(
        exc, endpoint="e", attempts=1, waited=0.0, policy=ONCE, structured=kind
    )
    assert hint in str(error)
    assert not error.too_long

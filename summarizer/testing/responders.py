"""A small valid answer to the llm engine's prompts, read from what the prompt fences.

:func:`extraction_responder` is the fake server's usual responder in tests and
benchmarks (:class:`summarizer.testing.fakeserver.FakeOpenAIServer`): a fixture,
not a model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_ARTICLE = re.compile(r"<article id=\"([^\"]*)\"[^>]*>\n?(.*?)\n?</article>", re.DOTALL)
_TIMELINE_ENTRY = re.compile(r"^- \S+ \[([^\]]+)\] (.+)$", re.MULTILINE)
_FIRST_SENTENCE = re.compile(r"\S.*?[.!?](?=\s|$)", re.DOTALL)


def _user_text(body: Mapping[str, Any]) -> str:
    """The first user message: the prompt itself, not a later re-ask."""
    for message in body.get("messages") or []:
        if isinstance(message, Mapping) and message.get("role") == "user":
            return str(message.get("content") or "")
    return ""


def _first_sentence(text: str, limit: int = 270) -> str:
    match = _FIRST_SENTENCE.search(text)
    sentence = " ".join((match.group(0) if match else text).split())
    return sentence[:limit].strip()


def _article_entry(article_id: str, text: str) -> dict[str, Any]:
    first = _first_sentence(text)
    if not first:
        return {"id": article_id, "summary": [], "events": []}
    event: dict[str, Any] = {
        "text": first,
        "quote": first,
        "temporal_expression": None,
        "date": None,
        "quantities": [],
    }
    return {"id": article_id, "summary": [first], "events": [event]}


def extraction_responder(body: Mapping[str, Any]) -> str:
    """A small valid answer to the extract and synthesis prompts (for benches and tests).

    Extract: for each fenced article (a call may carry several), an entry under
    its id with the article's first sentence as the one summary item and the one
    event, quoted verbatim. Synthesis: the first timeline entry as
    the headline and one development citing its sources. It reads what the
    prompt fences, so the answers are grounded, deterministic and cheap; it is
    a fixture of the fake server, not a model.
    """
    user = _user_text(body)
    articles = _ARTICLE.findall(user)
    if articles:
        return json.dumps({"articles": [_article_entry(i, text) for i, text in articles]})
    entry = _TIMELINE_ENTRY.search(user)
    if entry is not None:
        sources = [s.strip() for s in entry.group(1).split(",")]
        text = entry.group(2).strip()[:250]
        development = {"text": text, "sources": sources[:8]}
        return json.dumps({"headline": text, "key_developments": [development]})
    return json.dumps({"verdict": "unclear", "reason": "fake server"})

"""Grounding: align every quote to its source and gate what has no support.

After google/langextract, each quote gets a character interval into
``Source.text`` and an alignment status:

* ``exact``: the quote occurs verbatim (the occurrence nearest ``hint_start`` wins);
* ``fuzzy``: the quote matches after normalising quotes, dashes, whitespace and
  case, or, failing that, a source span scores at least :data:`FUZZY_THRESHOLD`
  with rapidfuzz's partial ratio. The returned interval is the source span, and
  :func:`ground_extraction` replaces the event's quote with that span, so
  ``source.text[start:end] == quote`` holds for every event that leaves this stage;
* ``none``: nothing in the source supports it. :func:`ground_extraction` drops
  such events and counts them (``dropped_events`` of ``proposed_events``).

The same stage runs for both engines; extractive quotes align exactly by
construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rapidfuzz import fuzz

from summarizer.models import (
    AlignmentStatus,
    CharInterval,
    Engine,
    Event,
    Grounding,
    Source,
    SourceExtraction,
    SummarySentence,
)

FUZZY_THRESHOLD = 90.0  # minimum rapidfuzz score for a fuzzy alignment
MIN_FUZZY_CHARS = 12  # shorter quotes must match exactly (after normalisation)

_CHAR_MAP = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
}
_WORD = re.compile(r"\w", re.UNICODE)

NONE = Grounding(interval=None, status=AlignmentStatus.NONE, score=0.0)


# --------------------------------------------------------------------------- normalising


def _norm_char(ch: str) -> str:
    mapped = _CHAR_MAP.get(ch, ch)
    if mapped.isspace():
        return " "
    lower = mapped.lower()
    return lower if len(lower) == len(mapped) else mapped


def normalize(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index in ``text``.

    Quotes, dashes and ellipses become ASCII, case is folded, and every run of
    whitespace becomes one space (leading and trailing whitespace is removed).
    """
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        mapped = _norm_char(ch)
        if mapped == " " and (not chars or chars[-1] == " "):
            continue
        for piece in mapped:
            chars.append(piece)
            index.append(i)
    if chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return "".join(chars), index


# --------------------------------------------------------------------------- aligning


def _occurrences(needle: str, haystack: str) -> Iterator[int]:
    start = haystack.find(needle)
    while start != -1:
        yield start
        start = haystack.find(needle, start + 1)


def _nearest(positions: Iterator[int], hint: int | None) -> int | None:
    best: int | None = None
    for pos in positions:
        if hint is None:
            return pos
        if best is None or abs(pos - hint) < abs(best - hint):
            best = pos
    return best


def _nearest_exact(quote: str, text: str, hint: int | None) -> int | None:
    """The occurrence of ``quote`` nearest ``hint`` (the earlier on a tie), in linear time.

    Only the last occurrence before the hint and the first at or after it can be
    nearest, so a quote repeated thousands of times costs two searches, not a scan.
    """
    if hint is None:
        found = text.find(quote)
        return None if found == -1 else found
    hint = max(0, min(hint, len(text)))
    after = text.find(quote, hint)
    before = text.rfind(quote, 0, hint - 1 + len(quote)) if hint > 0 else -1
    candidates = [p for p in (before, after) if p != -1]
    return _nearest(iter(candidates), hint)


def _exact(quote: str, text: str, hint: int | None) -> Grounding | None:
    start = _nearest_exact(quote, text, hint)
    if start is None:
        return None
    return Grounding(
        interval=CharInterval(start=start, end=start + len(quote)),
        status=AlignmentStatus.EXACT,
        score=100.0,
    )


def _span_grounding(text: str, start: int, end: int, quote_norm: str) -> Grounding:
    span_norm, _ = normalize(text[start:end])
    score = round(float(fuzz.ratio(quote_norm, span_norm)), 2)
    return Grounding(
        interval=CharInterval(start=start, end=end), status=AlignmentStatus.FUZZY, score=score
    )


def _normalized(quote: str, text: str, hint: int | None) -> Grounding | None:
    quote_norm, _ = normalize(quote)
    text_norm, index = normalize(text)
    if not quote_norm:
        return None
    norm_hint = None
    if hint is not None:
        norm_hint = next((k for k, i in enumerate(index) if i >= hint), len(index))
    pos = _nearest(_occurrences(quote_norm, text_norm), norm_hint)
    if pos is None:
        return None
    start, end = index[pos], index[pos + len(quote_norm) - 1] + 1
    return _span_grounding(text, start, end, quote_norm)


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole words and trim surrounding whitespace."""
    while start > 0 and _WORD.match(text[start - 1]) and _WORD.match(text[start]):
        start -= 1
    while end < len(text) and end > 0 and _WORD.match(text[end]) and _WORD.match(text[end - 1]):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _fuzzy(quote: str, text: str, threshold: float) -> Grounding | None:
    quote_norm, _ = normalize(quote)
    text_norm, index = normalize(text)
    if len(quote_norm) < MIN_FUZZY_CHARS or len(quote_norm) > len(text_norm):
        return None
    found = fuzz.partial_ratio_alignment(quote_norm, text_norm, score_cutoff=threshold)
    if found is None or found.dest_end <= found.dest_start:
        return None
    start = index[found.dest_start]
    end = index[found.dest_end - 1] + 1
    start, end = _snap(text, start, end)
    if end <= start:
        return None
    grounding = _span_grounding(text, start, end, quote_norm)
    return grounding if grounding.score >= threshold else None


def align(
    quote: str,
    text: str,
    *,
    hint_start: int | None = None,
    threshold: float = FUZZY_THRESHOLD,
) -> Grounding:
    """Align ``quote`` to ``text``: exact, then normalised, then fuzzy, else ``none``.

    For ``exact``, ``text[start:end] == quote``; for ``fuzzy`` the interval is the
    source span that supports the quote (use it in place of the quote).
    """
    if not quote or not quote.strip():
        return NONE
    return (
        _exact(quote, text, hint_start)
        or _exact(quote.strip(), text, hint_start)
        or _normalized(quote, text, hint_start)
        or _fuzzy(quote, text, threshold)
        or NONE
    )


# --------------------------------------------------------------------------- the gate


def _ground_event(event: Event, text: str) -> Event | None:
    hint = event.start if event.end > event.start else None
    grounding = align(event.quote, text, hint_start=hint)
    if grounding.interval is None:
        return None
    start, end = grounding.interval.start, grounding.interval.end
    return event.model_copy(
        update={
            "quote": text[start:end],
            "start": start,
            "end": end,
            "alignment": grounding.status,
        }
    )


def _ground_summary(item: SummarySentence, text: str) -> SummarySentence | None:
    if text[item.start : item.end] == item.text:
        return item
    grounding = align(item.text, text, hint_start=item.start)
    if grounding.interval is None:
        return None
    start, end = grounding.interval.start, grounding.interval.end
    return SummarySentence(text=text[start:end], start=start, end=end)


def _model_events(ext: SourceExtraction) -> int:
    """Events a model proposed (the llm engine also carries extractive ones)."""
    return sum(e.engine is Engine.LLM for e in ext.events)


def ground_extraction(ext: SourceExtraction, source: Source) -> SourceExtraction:
    """Re-align every quote to ``source.text``; drop and count what has no support.

    Events keep their wording in ``text``; their ``quote``, ``start`` and ``end``
    become the supporting source span. Duplicate spans collapse to one event.
    ``proposed_events`` counts events before any gate ran (idempotent on reruns).
    """
    kept: list[Event] = []
    seen: set[tuple[int, int]] = set()
    dropped = 0
    for event in ext.events:
        grounded = _ground_event(event, source.text)
        if grounded is None:
            dropped += 1
            continue
        if (grounded.start, grounded.end) in seen:
            continue
        seen.add((grounded.start, grounded.end))
        kept.append(grounded)
    summary = tuple(
        s for s in (_ground_summary(item, source.text) for item in ext.summary) if s is not None
    )
    notes = ext.notes
    if dropped and ext.engine is Engine.LLM:
        total = max(ext.proposed_events, _model_events(ext) + ext.dropped_events)
        notes = (
            *notes,
            f"{dropped + ext.dropped_events} of {total} model events had no support "
            "in the source and were dropped",
        )
    return ext.model_copy(
        update={
            "events": tuple(kept),
            "summary": summary,
            "dropped_events": ext.dropped_events + dropped,
            "proposed_events": max(ext.proposed_events, _model_events(ext) + ext.dropped_events)
            if ext.engine is Engine.LLM
            else ext.proposed_events,
            "notes": notes,
        }
    )

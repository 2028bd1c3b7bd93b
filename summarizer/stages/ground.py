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

The gate then checks the claim, not only the quote (:mod:`summarizer.stages.claims`):

* a quote is read with its sentence: a fragment widens to whole clauses of it
  (the sentence itself when the fragment is a complement, "...report that X");
* a sentence addressed to a model as an instruction is never an event (nor a summary
  sentence): it is listed in ``SourceExtraction.suspected_instructions``, together with
  every other such sentence of the article;
* an event's ``text`` is its quote or a rewording whose content words, names and
  numbers all come from the quote's sentence; otherwise the sentence stands in and
  ``rewrites_dropped`` counts it.

Sentences are found by :func:`summarizer.stages.segment.segment`, one paragraph
(blank-line block) at a time and only where an event or an instruction is, so the
stage stays linear in the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from rapidfuzz import fuzz

from summarizer.models import (
    AlignmentStatus,
    CharInterval,
    CleanedSource,
    Engine,
    Event,
    Grounding,
    Sentence,
    Source,
    SourceExtraction,
    SummarySentence,
    SuspectedInstruction,
)
from summarizer.stages import claims
from summarizer.stages.segment import segment

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


# --------------------------------------------------------------------------- sentences

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


class Sentences:
    """The sentences of a source's text, segmented one paragraph at a time on demand."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(source.text)]
        self._cache: dict[int, tuple[Sentence, ...]] = {}

    def _paragraph(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.breaks, pos)
        start = self.breaks[i - 1] if i > 0 else 0
        end = self.breaks[i] if i < len(self.breaks) else len(self.source.text)
        return start, end

    def _in_paragraph(self, pos: int) -> tuple[Sentence, ...]:
        start, end = self._paragraph(pos)
        if start not in self._cache:
            kept = (CharInterval(start=start, end=end),)
            self._cache[start] = segment(CleanedSource(source=self.source, kept=kept))
        return self._cache[start]

    def covering(self, start: int, end: int) -> tuple[int, int]:
        """The span of the sentences that ``[start, end)`` touches (itself if none)."""
        first, last = start, end
        pos = start
        while pos < max(end, start + 1):
            found = self._in_paragraph(pos)
            touched = [s for s in found if s.start < max(end, start + 1) and s.end > start]
            if touched:
                first = min(first, touched[0].start)
                last = max(last, touched[-1].end)
            _, paragraph_end = self._paragraph(pos)
            pos = max(paragraph_end, pos + 1)
        return first, last

    def at(self, pos: int) -> tuple[int, int] | None:
        """The sentence holding ``pos``."""
        for sentence in self._in_paragraph(pos):
            if sentence.start <= pos < sentence.end:
                return sentence.start, sentence.end
        return None


def suspected_instructions(source: Source, sentences: Sentences) -> list[SuspectedInstruction]:
    """Every sentence of the source that reads as an instruction to a model, in order."""
    found: dict[int, SuspectedInstruction] = {}
    for candidate in claims.instruction_candidates(source.text):
        span = sentences.at(candidate)
        if span is None or span[0] in found:
            continue
        text = source.text[span[0] : span[1]]
        if claims.is_instruction(text):
            found[span[0]] = SuspectedInstruction(text=text, start=span[0], end=span[1])
    return [found[k] for k in sorted(found)]


def _sentence_of(event: Event, sentences: Sentences) -> tuple[int, int]:
    """The span of the event's sentence(s): the extractive engine's events are sentences
    (``sentence_index`` set, quote unchanged by the gate); others are looked up."""
    if event.engine is Engine.EXTRACTIVE and event.sentence_index is not None:
        return event.start, event.end
    return sentences.covering(event.start, event.end)


def _overlaps(start: int, end: int, spans: list[SuspectedInstruction]) -> bool:
    return any(start < s.end and s.start < end for s in spans)


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


def _whole_clauses(event: Event, text: str, sentence: tuple[int, int]) -> Event:
    """The event's quote widened to whole clauses of its sentence (the sentence itself
    when the clauses cover all of it)."""
    s_start, s_end = sentence
    body = text[s_start:s_end]
    a, b = claims.clause_span(body, event.start - s_start, event.end - s_start)
    a, b = a + s_start, b + s_start
    if text[s_start:a].strip(claims.EDGE) == "" and text[b:s_end].strip(claims.EDGE) == "":
        a, b = s_start, s_end
    if (a, b) == (event.start, event.end):
        return event
    return event.model_copy(update={"quote": text[a:b], "start": a, "end": b})


def _checked_claim(event: Event, text: str, sentence: tuple[int, int]) -> tuple[Event, bool]:
    """The event with its wording checked against its sentence; True if the wording was
    replaced by the sentence (it said more than the sentence does)."""
    body = text[sentence[0] : sentence[1]]
    if claims.rewording_supported(event.text, event.quote, body):
        return event, False
    update = {"text": " ".join(body.split()), "quote": body}
    return event.model_copy(update={**update, "start": sentence[0], "end": sentence[1]}), True


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
    sentences = Sentences(source)
    instructions = suspected_instructions(source, sentences)
    kept: list[Event] = []
    seen: set[tuple[int, int]] = set()
    dropped = rewritten = 0
    for event in ext.events:
        grounded = _ground_event(event, source.text)
        if grounded is None:
            dropped += 1
            continue
        sentence = _sentence_of(grounded, sentences)
        if _overlaps(*sentence, instructions):
            continue  # an instruction to a model, not news (listed, never an event)
        grounded, replaced = _checked_claim(
            _whole_clauses(grounded, source.text, sentence), source.text, sentence
        )
        rewritten += replaced
        if (grounded.start, grounded.end) in seen:
            continue
        seen.add((grounded.start, grounded.end))
        kept.append(grounded)
    summary = tuple(
        s
        for s in (_ground_summary(item, source.text) for item in ext.summary)
        if s is not None and not _overlaps(s.start, s.end, instructions)
    )
    notes = ext.notes
    if dropped and ext.engine is Engine.LLM:
        total = max(ext.proposed_events, _model_events(ext) + ext.dropped_events)
        notes = (
            *notes,
            f"{dropped + ext.dropped_events} of {total} model events had no support "
            "in the source and were dropped",
        )
    if rewritten:
        notes = (
            *notes,
            f"{rewritten} event {'wording said' if rewritten == 1 else 'wordings said'} more "
            "than the source sentence; the sentence is shown instead",
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
            "rewrites_dropped": ext.rewrites_dropped + rewritten,
            "suspected_instructions": tuple(instructions),
        }
    )

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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

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
from summarizer.stages.clean import size_cut
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
    if text.startswith(quote, hint):  # at the hint: nothing is nearer (the usual case)
        return hint
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
MAX_LISTED = 50  # suspected instructions listed per source, at most
_WINDOW = 5_000  # characters either side of a position, at most, segmented to find its sentence


class Sentences:
    """The sentences of a source's text, segmented one block at a time on demand.

    A block is a paragraph (blank-line delimited); in a huge paragraph, a window of
    about :data:`_WINDOW` characters either side of the position asked about, cut at
    line breaks where it can, so a 100 MB one-line file is never segmented whole for
    one sentence. Blocks are cached and reused for later positions well inside them:
    positions asked in order cost one pass over the text.
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self.breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(source.text)]
        self._starts: list[int] = []  # sorted starts of the cached blocks
        self._blocks: dict[int, tuple[int, bool, tuple[Sentence, ...]]] = {}

    def _block(self, pos: int) -> tuple[int, int, bool]:
        """(start, end, whole paragraph?) of the block to segment for ``pos``."""
        i = bisect.bisect_right(self.breaks, pos)
        start = self.breaks[i - 1] if i > 0 else 0
        end = self.breaks[i] if i < len(self.breaks) else len(self.source.text)
        if end - start <= 2 * _WINDOW:
            return start, end, True
        text = self.source.text
        low, high = max(start, pos - _WINDOW), min(end, pos + _WINDOW)
        line_start = text.rfind("\n", low, pos)
        line_end = text.find("\n", pos, high)
        return (
            line_start + 1 if line_start != -1 else low,
            line_end if line_end != -1 else high,
            False,
        )

    def _cached(self, pos: int) -> tuple[int, tuple[Sentence, ...]] | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return None
        start = self._starts[i]
        end, whole, found = self._blocks[start]
        margin = 0 if whole else _WINDOW // 5  # a window's edge may cut a sentence
        if start + (margin if start > 0 else 0) <= pos < end - margin:
            return end, found
        return None

    def in_block(self, pos: int) -> tuple[int, tuple[Sentence, ...]]:
        """The end of the block holding ``pos`` and the block's sentences."""
        cached = self._cached(pos)
        if cached is not None:
            return cached
        start, end, whole = self._block(pos)
        kept = (CharInterval(start=start, end=end),)
        found = segment(CleanedSource(source=self.source, kept=kept))
        if start not in self._blocks:
            bisect.insort(self._starts, start)
        self._blocks[start] = (end, whole, found)
        return end, found

    def covering(self, start: int, end: int) -> tuple[int, int]:
        """The span of the sentences that ``[start, end)`` touches (itself if none)."""
        first, last = start, end
        stop = max(end, start + 1)
        pos = start
        while pos < stop:
            block_end, found = self.in_block(pos)
            touched = [s for s in found if s.start < stop and s.end > start]
            if touched:
                first = min(first, touched[0].start)
                last = max(last, touched[-1].end)
            pos = max(block_end, pos + 1)
        return first, last

    def at(self, pos: int) -> tuple[int, int] | None:
        """The sentence holding ``pos``."""
        _, found = self.in_block(pos)
        i = bisect.bisect_right([s.start for s in found], pos) - 1
        if i >= 0 and found[i].start <= pos < found[i].end:
            return found[i].start, found[i].end
        return None


def suspected_instructions(source: Source, sentences: Sentences) -> list[SuspectedInstruction]:
    """The sentences of the source that read as instructions to a model, in order: at
    most :data:`MAX_LISTED`, in the text the cleaner reads (:func:`clean.size_cut`).
    Events are checked one by one as well (:func:`ground_extraction`), so the caps bound
    the listing, never the protection."""
    found: dict[int, SuspectedInstruction] = {}
    limit = size_cut(source.text, source.header_end)
    checked_until = -1  # candidates come in order: one check per sentence
    for candidate in claims.instruction_candidates(source.text[:limit]):
        if len(found) >= MAX_LISTED:
            break
        if candidate < checked_until:
            continue
        rough = _rough_sentence(source.text, candidate)
        checked_until = rough[1]
        if not claims.is_instruction(source.text[rough[0] : rough[1]]):
            continue  # most candidates: no segmenting needed
        span = sentences.at(candidate)
        if span is None and candidate < source.header_end:
            span = _header_line(source.text, candidate)  # a title line read as header
        if span is None:
            continue
        checked_until = span[1]
        text = source.text[span[0] : span[1]]
        if claims.is_instruction(text):
            found[span[0]] = SuspectedInstruction(text=text, start=span[0], end=span[1])
    return [found[k] for k in sorted(found)]


def _header_line(text: str, pos: int) -> tuple[int, int]:
    """The line of the header holding ``pos``, without its line break."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


_ROUGH_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n")
_ROUGH_REACH = 2_000  # characters searched either side for a sentence end


def _rough_sentence(text: str, pos: int) -> tuple[int, int]:
    """From the sentence end before ``pos`` to the one after it, by punctuation alone
    (a cheap first look; the segmenter has the last word)."""
    low = max(0, pos - _ROUGH_REACH)
    start = max(text.rfind(mark, low, pos) for mark in ".!?…\n") + 1 or low
    after = _ROUGH_END.search(text, pos, min(len(text), pos + _ROUGH_REACH))
    end = after.end() if after else min(len(text), pos + _ROUGH_REACH)
    return start, end


def _sentence_of(event: Event, sentences: Sentences) -> tuple[int, int]:
    """The span of the event's sentence(s): the extractive engine's events are sentences
    (``sentence_index`` set, quote unchanged by the gate); others are looked up."""
    if event.engine is Engine.EXTRACTIVE and event.sentence_index is not None:
        return event.start, event.end
    return sentences.covering(event.start, event.end)


def _overlaps(start: int, end: int, spans: list[SuspectedInstruction]) -> bool:
    return any(start < s.end and s.start < end for s in spans)


def _is_instruction(
    sentence: tuple[int, int],
    text: str,
    listed: list[SuspectedInstruction],
    verdicts: Mapping[str, bool] | None = None,
) -> bool:
    """Is the sentence an instruction to a model? (Listed if it was not yet.)
    ``verdicts``: :func:`claims.is_instruction` of some texts, found beforehand."""
    if _overlaps(*sentence, listed):
        return True
    body = text[sentence[0] : sentence[1]]
    verdict = verdicts.get(body) if verdicts is not None else None
    if not (claims.is_instruction(body) if verdict is None else verdict):
        return False
    if len(listed) < MAX_LISTED:
        listed.append(SuspectedInstruction(text=body, start=sentence[0], end=sentence[1]))
        listed.sort(key=lambda i: i.start)
    return True


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


@dataclass(frozen=True)
class Known:
    """What grounding a source reads that does not depend on its extraction, found
    beforehand (a worker process waiting for the corpus' boilerplate drops: see
    :mod:`~summarizer.pipeline.sharing`): its :func:`suspected_instructions`, and
    :func:`claims.is_instruction` of its sentences' texts."""

    instructions: tuple[SuspectedInstruction, ...]
    verdicts: Mapping[str, bool]

    @classmethod
    def of(cls, source: Source, texts: Sequence[str]) -> Known:
        """``source``'s, with the verdicts of ``texts`` (its sentences')."""
        listed = suspected_instructions(source, Sentences(source))
        return cls(tuple(listed), {t: claims.is_instruction(t) for t in texts})


def ground_extraction(
    ext: SourceExtraction, source: Source, known: Known | None = None
) -> SourceExtraction:
    """Re-align every quote to ``source.text``; drop and count what has no support.

    Events keep their wording in ``text``; their ``quote``, ``start`` and ``end``
    become the supporting source span. Duplicate spans collapse to one event.
    ``proposed_events`` counts events before any gate ran (idempotent on reruns).
    ``known``: what :class:`Known` holds, when found already.
    """
    sentences = Sentences(source)
    if known is None:
        instructions, verdicts = suspected_instructions(source, sentences), None
    else:
        instructions, verdicts = list(known.instructions), known.verdicts
    kept: list[Event] = []
    seen: set[tuple[int, int]] = set()
    dropped = rewritten = 0
    for event in ext.events:
        grounded = _ground_event(event, source.text)
        if grounded is None:
            dropped += 1
            continue
        sentence = _sentence_of(grounded, sentences)
        if _is_instruction(sentence, source.text, instructions, verdicts):
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
        if s is not None
        and not _is_instruction((s.start, s.end), source.text, instructions, verdicts)
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

"""``summarizer eval``: score a system timeline (JSON) against a hand-written gold file.

Metrics (see docs/gold-format.md for the gold format and for how each is read):

* **date F1**: precision, recall and F1 of the set of timeline dates (tilse's
  ``evaluate_dates``): a date counts when the same date, at the same precision, is in
  both timelines.
* **alignment-based ROUGE-1 and ROUGE-2 F** in the *align+ m:1* variant of Martschat
  and Markert (2017, 2018), as implemented in tilse
  (``TimelineRougeEvaluator.evaluate_align_date_content_costs_many_to_one``): every
  system date is aligned to the gold date of least cost ``(1 - 1/(d+1)) *
  (1 - approxROUGE1)`` (``d`` the distance in days, the second factor a unigram F1
  of the two daily summaries), and for recall every gold date to the system date of
  least cost; the ROUGE n-gram hits of each aligned pair are weighted by
  ``1/(d+1)``; precision divides the weighted hits by all system n-grams, recall by
  all gold n-grams. Tokens as ROUGE-1.5.5 with ``-m -s``: lowercased alphanumeric
  tokens, stopwords removed, Porter-stemmed (words longer than three letters).
* **exact evidence share**: of all evidence quotes in the system JSON, the share
  with ``source_text[start:end] == quote``.
* **disagreement recall**: the share of gold disagreements (topic + the sources
  that conflict) that the system lists; gold "not a disagreement" items (figures
  that agree after unit conversion) the system lists anyway are counted as false
  conflicts.

Pure functions on typed data: the system document is read through
:class:`~summarizer.output.contract.EvalSystem` (the part of the v1 JSON contract that is
scored), the gold file stays plain data; reading files is left to :func:`load_json`,
:func:`check_system` and :func:`source_texts`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer
from pydantic import ValidationError

from summarizer.errors import InputError
from summarizer.output.contract import EvalDisagreement, EvalSystem

# A common-English stop list in the spirit of ROUGE-1.5.5's smart_common_words.txt
# (which is not redistributed here): function words, auxiliaries, pronouns.
_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves according while whilst upon
    within without may might must shall us also however although though yet since ago
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_NON_WORD = re.compile(r"[^A-Za-z0-9\-]")
_WORD_START = re.compile(r"^[a-z0-9$]")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


# --------------------------------------------------------------------------- tokens


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("porter")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word)) if len(word) > 3 else word


def raw_tokens(text: str) -> list[str]:
    """ROUGE-1.5.5's text preprocessing: ``-`` split off, non-alphanumerics to spaces, lowercase."""
    spaced = _NON_WORD.sub(" ", text.replace("-", " - "))
    return [t for t in spaced.lower().split() if _WORD_START.match(t)]


def rouge_tokens(text: str) -> list[str]:
    """Tokens as ROUGE-1.5.5 ``-m -s`` counts them: stopwords dropped, Porter-stemmed."""
    return [_stem(t) for t in raw_tokens(text) if t not in STOPWORDS]


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True)
class RougeCounts:
    """ROUGE-N raw counts of one summary against one reference (ROUGE ``-t 2``)."""

    hits: int  # clipped n-gram matches
    system: int  # n-grams in the system summary (precision denominator)
    reference: int  # n-grams in the reference (recall denominator)


def rouge_counts(system: Sequence[str], reference: Sequence[str], n: int) -> RougeCounts:
    """Counts of ``n``-grams over the sentences of each summary, joined as one text."""
    sys_grams = ngrams(rouge_tokens(" ".join(system)), n)
    ref_grams = ngrams(rouge_tokens(" ".join(reference)), n)
    hits = sum(min(c, ref_grams[g]) for g, c in sys_grams.items())
    return RougeCounts(hits, sum(sys_grams.values()), sum(ref_grams.values()))


def approx_rouge1(system: Sequence[str], reference: Sequence[str]) -> float:
    """tilse's ``compute_rouge_approximation``: unigram F1 of unstemmed tokens."""
    sys_counts = Counter(t for s in system for t in raw_tokens(s))
    ref_counts = Counter(t for s in reference for t in raw_tokens(s))
    match = sum(min(c, ref_counts[t]) for t, c in sys_counts.items())
    sys_total, ref_total = sum(sys_counts.values()), sum(ref_counts.values())
    precision = match / sys_total if sys_total else 0.0
    recall = match / ref_total if ref_total else 0.0
    return f_score(precision, recall)


def f_score(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True, order=True)
class Period:
    """A timeline date: a day, a month, a year or a range of days (inclusive)."""

    first: dt.date
    last: dt.date
    label: str  # "2025-06-30", "2024-05", "2024", "2025-03-01/2025-04-30"

    @property
    def middle(self) -> float:
        return (self.first.toordinal() + self.last.toordinal()) / 2


def parse_period(value: str, end: str | None = None) -> Period:
    """Parse ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or a range (``A/B`` or ``end`` given)."""
    value = value.strip()
    if "/" in value and end is None:
        value, end = (part.strip() for part in value.split("/", 1))
    first, last, label = _single(value)
    if end:
        _, last, _ = _single(end)
        if last < first:
            raise InputError(f"date range {value}/{end} ends before it starts: fix the file")
        label = f"{first.isoformat()}/{last.isoformat()}"
    return Period(first, last, label)


def _single(value: str) -> tuple[dt.date, dt.date, str]:
    try:
        if match := _YEAR.match(value):
            year = int(match.group(1))
            return dt.date(year, 1, 1), dt.date(year, 12, 31), value
        if match := _MONTH.match(value):
            year, month = int(match.group(1)), int(match.group(2))
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last), value
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(
            f"bad timeline date {value!r}: write YYYY-MM-DD, YYYY-MM, YYYY or A/B"
        ) from exc
    return day, day, day.isoformat()


def distance(a: Period, b: Period) -> float:
    """Days between the middles of two periods (for two days: tilse's ``|d|``)."""
    return abs(a.middle - b.middle)


# --------------------------------------------------------------------------- timelines

Timeline = dict[Period, list[str]]  # date -> the day's summary sentences


def system_timeline(system: EvalSystem) -> Timeline:
    """Date -> event texts, from the JSON of ``summarizer timeline --format json``."""
    timeline: Timeline = {}
    for event in system.events:
        period = parse_period(event.date, event.date_end)
        timeline.setdefault(period, []).append(event.text)
    return timeline


def gold_timeline(gold: Mapping[str, Any]) -> Timeline:
    """Date -> gold sentences (``timeline[].date``, ``date_end``, ``texts``)."""
    timeline: Timeline = {}
    for entry in gold.get("timeline", []):
        period = parse_period(str(entry["date"]), entry.get("date_end"))
        texts = entry.get("texts") or [entry.get("text", "")]
        timeline.setdefault(period, []).extend(str(t) for t in texts)
    return timeline


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, precision: float, recall: float) -> PRF:
        return cls(precision, recall, f_score(precision, recall))


def date_f1(system: Iterable[Period], gold: Iterable[Period]) -> PRF:
    """tilse's date evaluation: exact matches of date labels."""
    sys_labels = {p.label for p in system}
    gold_labels = {p.label for p in gold}
    both = sys_labels & gold_labels
    precision = len(both) / len(sys_labels) if sys_labels else 0.0
    recall = len(both) / len(gold_labels) if gold_labels else 0.0
    return PRF.of(precision, recall)


def _cost(sys_texts: Sequence[str], gold_texts: Sequence[str], days: float) -> float:
    date_factor = 1 - 1 / (days + 1)
    return date_factor * (1 - approx_rouge1(sys_texts, gold_texts))


def align_many_to_one(
    sources: Timeline, targets: Timeline, *, sources_are_system: bool
) -> dict[Period, Period]:
    """Each date of ``sources`` -> the ``targets`` date of least cost (first on ties).

    The cost always compares the system day's texts with the gold day's texts, as
    tilse's ``_get_date_content_costs`` does for both directions.
    """
    ordered = sorted(targets)
    mapping: dict[Period, Period] = {}
    if not ordered:
        return mapping
    for period in sorted(sources):
        costs = []
        for target in ordered:
            sys_texts, gold_texts = (
                (sources[period], targets[target])
                if sources_are_system
                else (targets[target], sources[period])
            )
            costs.append(_cost(sys_texts, gold_texts, distance(period, target)))
        mapping[period] = ordered[costs.index(min(costs))]
    return mapping


def align_rouge(system: Timeline, gold: Timeline, n: int) -> PRF:
    """Alignment-based ROUGE-``n`` (align+ m:1)."""
    if not system or not gold:
        return PRF(0.0, 0.0, 0.0)
    p_num = p_den = r_num = r_den = 0.0
    for sys_day, gold_day in align_many_to_one(system, gold, sources_are_system=True).items():
        counts = rouge_counts(system[sys_day], gold[gold_day], n)
        p_num += counts.hits / (distance(sys_day, gold_day) + 1)
        p_den += counts.system
    for gold_day, sys_day in align_many_to_one(gold, system, sources_are_system=False).items():
        counts = rouge_counts(system[sys_day], gold[gold_day], n)
        r_num += counts.hits / (distance(sys_day, gold_day) + 1)
        r_den += counts.reference
    return PRF.of(p_num / p_den if p_den else 0.0, r_num / r_den if r_den else 0.0)


@dataclass(frozen=True)
class EvidenceCheck:
    exact: int
    total: int
    missing_source: int  # quotes whose source text was not available

    @property
    def share(self) -> float | None:
        return self.exact / self.total if self.total else None


def evidence_exactness(system: EvalSystem, texts: Mapping[str, str]) -> EvidenceCheck:
    """How many evidence quotes are exact spans ``text[start:end]`` of their source."""
    exact = total = missing = 0
    for event in system.events:
        for ev in event.evidence:
            total += 1
            text = texts.get(str(ev.source))
            if text is None:
                missing += 1
                continue
            start, end = ev.start, ev.end
            if start is not None and end is not None and 0 <= start <= end:
                exact += text[start:end] == ev.quote
    return EvidenceCheck(exact, total, missing)


def _topics(item: Mapping[str, Any]) -> set[str]:
    names = [item.get("topic", ""), *item.get("topics", [])]
    return {str(t).strip().lower() for t in names if str(t).strip()}


def _matches(gold_item: Mapping[str, Any], sys_item: EvalDisagreement) -> bool:
    if sys_item.topic.strip().lower() not in _topics(gold_item):
        return False
    sys_sources = {str(c.source) for c in sys_item.claims}
    return set(map(str, gold_item.get("sources", []))) <= sys_sources


@dataclass(frozen=True)
class DisagreementCheck:
    found: int
    total: int
    missed: tuple[str, ...]  # readable gold items the system did not list
    false_conflicts: tuple[str, ...]  # gold "agree" items the system listed as disagreements
    unmatched_system: int  # system disagreements matching no gold item

    @property
    def recall(self) -> float | None:
        return self.found / self.total if self.total else None


def _describe(item: Mapping[str, Any]) -> str:
    return f"{item.get('topic')}: {', '.join(map(str, item.get('sources', [])))}"


def disagreement_recall(system: EvalSystem, gold: Mapping[str, Any]) -> DisagreementCheck:
    listed = system.disagreements
    expected = list(gold.get("disagreements", []))
    agreeing = list(gold.get("not_disagreements", []))
    found = [g for g in expected if any(_matches(g, s) for s in listed)]
    missed = tuple(_describe(g) for g in expected if g not in found)
    false = tuple(_describe(g) for g in agreeing if any(_matches(g, s) for s in listed))
    unmatched = sum(1 for s in listed if not any(_matches(g, s) for g in expected))
    return DisagreementCheck(len(found), len(expected), missed, false, unmatched)


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class EvalResult:
    """All scores of one system timeline against one gold file."""

    dates: PRF
    rouge1: PRF
    rouge2: PRF
    evidence: EvidenceCheck | None
    disagreements: DisagreementCheck
    system_dates: int
    gold_dates: int
    system_events: int
    alignment: dict[str, str] = field(default_factory=dict)  # system date -> gold date

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.evidence is not None:
            data["evidence"]["share"] = self.evidence.share
        data["disagreements"]["recall"] = self.disagreements.recall
        return data


def evaluate(
    system: EvalSystem,
    gold: Mapping[str, Any],
    sources_text: Mapping[str, str] | None = None,
) -> EvalResult:
    """Score ``system`` (timeline JSON) against ``gold`` (docs/gold-format.md).

    ``sources_text`` maps source ids to their decoded text; without it the exact
    evidence share is not computed (``evidence`` is None).
    """
    sys_tl, gold_tl = system_timeline(system), gold_timeline(gold)
    alignment = align_many_to_one(sys_tl, gold_tl, sources_are_system=True)
    return EvalResult(
        dates=date_f1(sys_tl, gold_tl),
        rouge1=align_rouge(sys_tl, gold_tl, 1),
        rouge2=align_rouge(sys_tl, gold_tl, 2),
        evidence=evidence_exactness(system, sources_text) if sources_text is not None else None,
        disagreements=disagreement_recall(system, gold),
        system_dates=len(sys_tl),
        gold_dates=len(gold_tl),
        system_events=len(system.events),
        alignment={s.label: g.label for s, g in sorted(alignment.items())},
    )


def _prf_line(name: str, prf: PRF) -> str:
    return f"{name:<26} P {prf.precision:.3f}  R {prf.recall:.3f}  F1 {prf.f1:.3f}"


def format_eval(result: EvalResult) -> str:
    """A short text report of the scores (what ``summarizer eval`` prints)."""
    lines = [
        f"system: {result.system_events} events on {result.system_dates} dates; "
        f"gold: {result.gold_dates} dates",
        _prf_line("date F1", result.dates),
        _prf_line("ROUGE-1 (align+ m:1)", result.rouge1),
        _prf_line("ROUGE-2 (align+ m:1)", result.rouge2),
    ]
    ev = result.evidence
    if ev is None or ev.share is None:
        lines.append(f"{'exact evidence quotes':<26} not computed (no source texts or no quotes)")
    else:
        extra = f", {ev.missing_source} without source text" if ev.missing_source else ""
        lines.append(f"{'exact evidence quotes':<26} {ev.exact}/{ev.total} = {ev.share:.3f}{extra}")
    dis = result.disagreements
    if dis.recall is None:
        lines.append(f"{'disagreement recall':<26} no gold disagreements")
    else:
        lines.append(f"{'disagreement recall':<26} {dis.found}/{dis.total} = {dis.recall:.3f}")
    lines += [f"  missed: {m}" for m in dis.missed]
    lines += [f"  false conflict (gold says they agree): {m}" for m in dis.false_conflicts]
    if dis.unmatched_system:
        lines.append(f"  system disagreements not in gold: {dis.unmatched_system}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- files


def load_json(path: str | Path, what: str) -> dict[str, Any]:
    """Read a JSON object; a one-line :class:`InputError` if that fails."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read the {what} file ({exc.strerror}): check the path"
        ) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: the {what} file is not valid JSON (line {exc.lineno}): fix or regenerate it"
        ) from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: the {what} file must hold a JSON object")
    return data


_SYSTEM_FIX = "regenerate it with summarizer timeline --format json"
_GOLD_FIX = "fix it as docs/gold-format.md describes"
_ORDER = "usage: summarizer eval SYSTEM.json GOLD.json"


def _period_at(path: str | Path, where: str, value: object, end: object) -> None:
    """Check one date of a file; the error names the file and the entry."""
    if not isinstance(value, str) or (end is not None and not isinstance(end, str)):
        raise InputError(f'{path}: {where} has no "date" string; write YYYY-MM-DD, YYYY-MM or YYYY')
    try:
        parse_period(value, end)
    except InputError as exc:
        raise InputError(f"{path}: {where}: {exc}") from None


def _list_of_objects(path: str | Path, data: Mapping[str, Any], key: str, fix: str) -> list[Any]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InputError(f'{path}: "{key}" must be a list of objects; {fix}')
    return items


def _where(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a JSON path: ``events[0].evidence``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def check_system(data: dict[str, Any], path: str | Path) -> EvalSystem:
    """The part of the system JSON ``eval`` reads, typed; else a one-line InputError."""
    if not isinstance(data.get("events"), list):
        swapped = " (it looks like a gold file)" if "timeline" in data else ""
        raise InputError(
            f'{path}: no "events" list, so not a summarizer JSON{swapped}; {_SYSTEM_FIX} ({_ORDER})'
        )
    for i, event in enumerate(_list_of_objects(path, data, "events", _SYSTEM_FIX)):
        _period_at(path, f"events[{i}]", event.get("date"), event.get("date_end"))
    try:
        return EvalSystem.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(
            f"{path}: {_where(first['loc'])}: {first['msg'].lower()}; {_SYSTEM_FIX}"
        ) from None


def check_gold(data: dict[str, Any], path: str | Path) -> dict[str, Any]:
    """The gold file if it has the documented shape, else a one-line InputError."""
    timeline = data.get("timeline")
    if not isinstance(timeline, list) or not timeline:
        swapped = " (it looks like a system JSON)" if "events" in data else ""
        raise InputError(
            f'{path}: no "timeline" list of dated entries{swapped}; {_GOLD_FIX} ({_ORDER})'
        )
    for i, entry in enumerate(_list_of_objects(path, data, "timeline", _GOLD_FIX)):
        _period_at(path, f"timeline[{i}]", entry.get("date"), entry.get("date_end"))
        texts = entry.get("texts", [entry.get("text")])
        if not isinstance(texts, list) or not all(isinstance(t, str) and t for t in texts):
            raise InputError(f'{path}: timeline[{i}] needs "texts", a list of sentences')
    for key in ("disagreements", "not_disagreements"):
        for i, item in enumerate(_list_of_objects(path, data, key, _GOLD_FIX)):
            if not item.get("topic") or not isinstance(item.get("sources"), list):
                raise InputError(f'{path}: {key}[{i}] needs a "topic" and a "sources" list')
    return data


_JSONL_RECORD = re.compile(r"^(?P<file>.*\.jsonl):\d+$")


def _readable(path: str) -> str | None:
    """A source path that can be re-read (a .jsonl record's ``FILE:LINE`` gives the file)."""
    if Path(path).exists():
        return path
    record = _JSONL_RECORD.match(path)
    return record.group("file") if record and Path(record.group("file")).exists() else None


def source_texts(system: EvalSystem, paths: Sequence[str | Path] = ()) -> dict[str, str]:
    """Source id -> the decoded text the pipeline saw, re-ingested from ``paths``
    (default: the ``path`` of each source in the system JSON). Unreadable ones are left out,
    and so are URLs: ``eval`` works offline."""
    # Imported here for start-up time only: ingest is needed to re-read sources alone.
    from summarizer.stages.ingest import (
        ingest,  # the ingest stage decodes exactly as the pipeline did
    )

    if not paths:
        named = {s.path for s in system.sources if s.path}
        paths = sorted({p for p in map(_readable, named) if p is not None})
    if not paths:
        return {}
    return {s.id: s.text for s in ingest(list(paths)).sources}

"""Corpus-level boilerplate: text that recurs across many articles published on different days.

Per-source cleaning (:mod:`summarizer.stages.clean`) recognises junk by its form
("Share this article", "Related Articles"). Page furniture that has no telltale form
(a site's promotional blurb, its letters-page footer, "To play this content JavaScript
must be turned on") is recognised by the corpus instead: the same sentence, exactly
or nearly, in at least ``min_articles`` articles published on at least ``min_days``
different days. A statement that several outlets quote on the same day is news and
stays (one day); so does a sentence two consecutive follow-ups repeat (two days).

How "nearly" is measured (normalised hashing rather than a similarity search, so the
stage is linear in the corpus): each sentence is reduced to lower-case word tokens,
with digits, weekday and month names normalised (a footer's date and time change
from page to page); a sentence shorter than :data:`SHINGLE` tokens is one key, a
longer one is covered by overlapping :data:`SHINGLE`-token shingles. A deterministic
sample of the shingles (those whose first token's checksum is divisible by
:data:`SAMPLE`, so the same text always yields the same sample) is counted, which
keeps memory small on 20,000 articles; a sentence is boilerplate when the recurring
sampled shingles cover at least :data:`COVERAGE` of what its sampled shingles cover,
or one unbroken stretch of at least :data:`LONG_RUN` tokens (a letters-page footer
glued to the article's last sentence: a news sentence shares a phrase, not 24 words).
A news sentence that merely shares a phrase with others ("the 7.0-magnitude
earthquake that struck ...") keeps most of its words unshared and is kept. One more
kind of furniture is only part of a sentence: a site template's time-stamped wrapper
around each user item ("Posted by: NAME | <date> <time> | Report abuse" after every
reader comment, "At <time> on <date>, NAME wrote:"). The words around its clock time
(:data:`STAMP_BEFORE` before, :data:`STAMP_AFTER` after) recur across articles and
days and, unlike a time a news report mentions, also within pages (on average
:data:`TEMPLATE_REPEATS` times per article): a sentence holding such a stamp is
dropped too.

Dropped sentences leave the kept ranges and are listed as dropped ranges with the
reason ``boilerplate (N articles, M days)``, like other junk (``summarizer inspect``).
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from summarizer.models import CharInterval, CleanedSource, DroppedRange, Sentence
from summarizer.stages.dategrammar import MONTHS, WEEKDAYS

SHINGLE = 8  # tokens per shingle
SAMPLE = 4  # about one shingle in SAMPLE is counted
COVERAGE = 0.8  # share of a sentence's sampled tokens in recurring shingles
LONG_RUN = 24  # tokens: a recurring run this long is copy, whatever surrounds it
MIN_ARTICLES = 3
MIN_DAYS = 3
TEMPLATE_REPEATS = 2  # a template's run occurs this many times per article on average
STAMP_BEFORE, STAMP_AFTER = 3, 3  # the words around a clock time that make a stamp's key
REASON = "boilerplate"

_TOKEN = re.compile(r"\d+(?:[:.]\d+)?|[^\W\d_]+")
_CALENDAR = frozenset(WEEKDAYS) | frozenset(MONTHS)  # the date stage's vocabulary
_CLOCK = re.compile(r"\d{1,2}:\d{2}|\d{1,2}\.\d{2}")
_CLOCK_AFTER = frozenset({"am", "pm", "gmt", "bst", "utc", "cet", "cest", "et", "est", "edt"})
_YEAR = re.compile(r"(?:1[89]|2[01])\d\d")
_DAY = re.compile(r"\d{1,2}")

Prepared = tuple[CleanedSource, Sequence[Sentence]]


def _normalise(found: list[str]) -> list[str]:
    """Stamps read alike: calendar words, the day and year beside them and clock times
    become placeholders; every other figure stays as written, so "the toll rose to 50"
    and "... to 70" on the next day are different sentences."""
    out = ["<cal>" if t in _CALENDAR else t for t in found]
    for i, token in enumerate(out):
        if not token[0].isdigit():
            continue
        after = out[i + 1] if i + 1 < len(out) else ""
        beside = {out[i - 1] if i else "", after}
        if _CLOCK.fullmatch(token) and (":" in token or after in _CLOCK_AFTER):
            out[i] = "<time>"
        elif _YEAR.fullmatch(token):
            out[i] = "<year>"
        elif _DAY.fullmatch(token) and "<cal>" in beside:
            out[i] = "<day>"
    return out


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, with stamps normalised (:func:`_normalise`)."""
    return _normalise(_TOKEN.findall(text.lower()))


def _token_ids(found: Sequence[str], ids: dict[str, int]) -> list[int]:
    """Each token as a deterministic 32-bit checksum (cached in ``ids``)."""
    get = ids.get
    out = [get(t, -1) for t in found]
    for i, value in enumerate(out):
        if value == -1:
            out[i] = ids[found[i]] = zlib.crc32(found[i].encode("utf-8"))
    return out


def _key(ids: Sequence[int]) -> int:
    """A key for a run of tokens: the hash of a tuple of ints, which, unlike the hash
    of a string, is the same in every process (so the sample is deterministic)."""
    return hash(tuple(ids))


@dataclass(frozen=True)
class _Unit:
    """One sentence's keys: ``(key, first token, last token + 1)`` of its sampled
    shingles (or one whole-sentence key), and a key for the words around each clock
    time in it (``stamps``: how a template's time-stamped wrapper is recognised)."""

    keys: tuple[tuple[int, int, int], ...]
    stamps: tuple[int, ...] = ()


_TIME_ID = zlib.crc32(b"<time>")
_STAMP_SALT = -1  # stamp keys never equal shingle keys


def _stamps(toks: Sequence[int]) -> tuple[int, ...]:
    return tuple(
        _key((_STAMP_SALT, *toks[max(i - STAMP_BEFORE, 0) : i + STAMP_AFTER + 1]))
        for i, t in enumerate(toks)
        if t == _TIME_ID
    )


def _shingles(toks: Sequence[int]) -> list[tuple[int, int, int]]:
    if len(toks) < SHINGLE:
        return [(_key(toks), 0, len(toks))]
    keys = [
        (_key(toks[i : i + SHINGLE]), i, i + SHINGLE)
        for i in range(len(toks) - SHINGLE + 1)
        if toks[i] % SAMPLE == 0
    ]
    return keys or [(_key(toks), 0, len(toks))]  # no sampled shingle: one key


def _unit(text: str, ids: dict[str, int]) -> _Unit:
    found = tokens(text)
    if not found:
        return _Unit(())
    toks = _token_ids(found, ids)
    return _Unit(tuple(_shingles(toks)), _stamps(toks))


@dataclass(frozen=True)
class _Counts:
    """How many articles, and on how many distinct publication days, each key occurs."""

    articles: Counter[int]
    days: Counter[int]
    occurrences: Counter[int]  # in all, repeats within an article included

    def recurring(self, key: int, min_articles: int, min_days: int) -> bool:
        return self.articles[key] >= min_articles and self.days[key] >= min_days

    def template(self, key: int, min_articles: int, min_days: int) -> bool:
        """A recurring run that pages also repeat within themselves: a site template's
        wrapper around each item (a comment's "Posted by ... | Report abuse")."""
        return (
            self.recurring(key, min_articles, min_days)
            and self.occurrences[key] >= TEMPLATE_REPEATS * self.articles[key]
        )


def _count(prepared: Sequence[Prepared], units: Sequence[Sequence[_Unit]]) -> _Counts:
    """Count keys per article and per publication day (an undated article adds no day)."""
    articles: Counter[int] = Counter()
    days: Counter[int] = Counter()
    occurrences: Counter[int] = Counter()
    by_day: dict[dt.date | None, list[int]] = {}
    for i, (cleaned, _) in enumerate(prepared):
        by_day.setdefault(cleaned.source.published, []).append(i)
    for day, members in by_day.items():
        seen: set[int] = set()
        for i in members:
            every = [k for unit in units[i] for k, _, _ in unit.keys]
            every += [k for unit in units[i] for k in unit.stamps]
            occurrences.update(every)
            keys = set(every)
            articles.update(keys)
            seen |= keys
        if day is not None:
            days.update(seen)
    return _Counts(articles, days, occurrences)


def _covered(spans: Iterable[tuple[int, int]]) -> int:
    total, reach = 0, 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def _longest_run(spans: Iterable[tuple[int, int]]) -> int:
    """The longest stretch of tokens the (overlapping or touching) spans cover."""
    best, start, reach = 0, -1, -1
    for a, b in sorted(spans):
        if a > reach:
            start = a
        reach = max(reach, b)
        best = max(best, reach - start)
    return best


def _recurring(unit: _Unit, counts: _Counts, min_articles: int, min_days: int) -> bool:
    """Is the sentence furniture: mostly recurring runs, one long recurring run (a footer
    glued to the article's last words), or holding a template's stamp?"""
    if not unit.keys:
        return False
    if any(counts.template(k, min_articles, min_days) for k in unit.stamps):
        return True
    hits = [(a, b) for k, a, b in unit.keys if counts.recurring(k, min_articles, min_days)]
    if not hits:
        return False
    if _longest_run(hits) >= LONG_RUN:
        return True
    return _covered(hits) >= COVERAGE * _covered((a, b) for _, a, b in unit.keys)


def _subtract(kept: Sequence[CharInterval], holes: Sequence[tuple[int, int]]) -> list[CharInterval]:
    """``kept`` minus the ``holes`` (both sorted, non-overlapping), in one pass over
    both; untouched intervals are the same objects."""
    out: list[CharInterval] = []
    h = 0
    for interval in kept:
        while h < len(holes) and holes[h][1] <= interval.start:
            h += 1
        start, touched, j = interval.start, False, h
        while j < len(holes) and holes[j][0] < interval.end:
            hs, he = holes[j]
            if hs > start:
                out.append(CharInterval(start=start, end=hs))
            start, touched, j = max(start, he), True, j + 1
        if not touched:
            out.append(interval)
        elif start < interval.end:
            out.append(CharInterval(start=start, end=interval.end))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without surrounding whitespace; ``None`` if only whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _apply(
    cleaned: CleanedSource, sentences: Sequence[Sentence], drop: Sequence[tuple[Sentence, str]]
) -> Prepared:
    if not drop:
        return cleaned, sentences
    gone = {s.index for s, _ in drop}
    holes = sorted((s.start, s.end) for s, _ in drop)
    kept = [
        k if span == (k.start, k.end) else CharInterval(start=span[0], end=span[1])
        for k in _subtract(cleaned.kept, holes)
        if (span := _strip(cleaned.source.text, k.start, k.end)) is not None
    ]
    dropped = sorted(
        [*cleaned.dropped, *(DroppedRange(start=s.start, end=s.end, reason=r) for s, r in drop)],
        key=lambda d: (d.start, d.end),
    )
    new = cleaned.model_copy(update={"kept": tuple(kept), "dropped": tuple(dropped)})
    return new, tuple(s for s in sentences if s.index not in gone)


def drop_boilerplate(
    prepared: Sequence[Prepared],
    *,
    min_articles: int = MIN_ARTICLES,
    min_days: int = MIN_DAYS,
) -> list[Prepared]:
    """Every source with the corpus' recurring boilerplate sentences dropped.

    ``prepared`` holds each source's cleaned text and its sentences; the result is in
    the same order, with the dropped sentences removed from both and listed in
    ``CleanedSource.dropped``.
    """
    ids: dict[str, int] = {}
    units = [[_unit(s.text, ids) for s in sentences] for _, sentences in prepared]
    counts = _count(prepared, units)
    out: list[Prepared] = []
    for (cleaned, sentences), article_units in zip(prepared, units, strict=True):
        drop = []
        for sentence, unit in zip(sentences, article_units, strict=True):
            if _recurring(unit, counts, min_articles, min_days):
                best = max((k for k, _, _ in unit.keys), key=lambda k: counts.articles[k])
                n, days = counts.articles[best], counts.days[best]
                drop.append((sentence, f"{REASON} ({n} articles, {days} days)"))
        out.append(_apply(cleaned, sentences, drop))
    return out

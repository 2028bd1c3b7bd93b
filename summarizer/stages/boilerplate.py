"""Corpus-level boilerplate: text one outlet's pages repeat across days.

Per-source cleaning (:mod:`summarizer.stages.clean`) recognises junk by its form
("Share this article", "Related Articles"). Page furniture that has no telltale form
(a site's promotional blurb, its letters-page footer, "To play this content JavaScript
must be turned on") is recognised by the corpus instead. Furniture is a property of a
site's template (the same outlet, many pages, any topic), so sentences are compared
within one outlet only (:func:`outlet_of`: the article's outlet name, else its URL's
host; the articles whose outlet is unknown are compared with each other): the same
sentence, exactly or nearly, in at least ``min_articles`` of the outlet's articles
published on at least ``min_days`` different days. A sentence that different outlets
print, on one day or several (a wire background line, a statement several outlets
quote), is news and stays; so does a sentence two consecutive follow-ups repeat in
their text (two days). A known outlet's closing line, though, is its template's
slot: the same last line (:func:`closing_line`) on :data:`TAIL_ARTICLES` of its pages
published on different days is dropped too (a promo the outlet prints under each of
its articles, in a story it covered only twice).

How "nearly" is measured (:mod:`~summarizer.stages.shingles`; normalised hashing rather
than a similarity search, so the stage is linear in the corpus): each sentence is reduced
to lower-case word tokens,
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
reason ``boilerplate (N articles, M days)``, like other junk (``summarizer inspect``);
so are the recurring runs cut out of a kept sentence they are glued into
(:mod:`summarizer.stages.stretches`: a footer glued to a promo or a page's stamp).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, islice
from urllib.parse import urlsplit

from summarizer.models import CharInterval, CleanedSource, DroppedRange, Sentence, Source
from summarizer.stages import stretches
from summarizer.stages.recurrence import Recurring, tally, tally_groups
from summarizer.stages.shingles import (
    ASCII_TOKEN,
    CALENDAR_IDS,
    DIGIT,
    EMPTY,
    END,
    SHINGLE,
    TOKEN,
    Full,
    Seen,
    Unit,
    all_shingles,
    article_words,
    line_unit,
    normalise,
    salted,
    sampled_shingles,
    stamp_keys,
    token_ids,
    tokens,
)

COVERAGE = 0.8  # share of a sentence's sampled tokens in recurring shingles
LONG_RUN = 24  # tokens: a recurring run this long is copy, whatever surrounds it
MIN_ARTICLES = 3
MIN_DAYS = 3
TAIL_ARTICLES = 2  # a known outlet's pages ending on the same line: its template's slot
TEMPLATE_REPEATS = 2  # a template's run occurs this many times per article on average
REASON = "boilerplate"
# A corpus is counted per distinct sentence when fewer than this share of its first 10,000
# sentences are distinct (t17: 85-99 %; one story at 5,000 articles: 37 %), else per article.
GROUPED_BELOW = 0.5

Prepared = tuple[CleanedSource, Sequence[Sentence]]


@dataclass
class _Case:
    """How often the corpus writes each word in lower case, and capitalised inside a
    sentence: a name is written capitalised at least as often as not."""

    lower: Counter[str] = field(default_factory=Counter)
    inner_upper: Counter[str] = field(default_factory=Counter)
    # words added, not yet sorted into the two: every one as written, and sentences' firsts
    _words: Counter[str] = field(default_factory=Counter)
    _firsts: Counter[str] = field(default_factory=Counter)

    def add(self, words: list[str], starts: Iterable[int]) -> None:
        """An article's ``words`` (:func:`article_words`; ``starts``: each sentence's first)."""
        self._words.update(words)
        self._firsts.update(map(words.__getitem__, starts))

    def settle(self) -> _Case:
        """The words added so far sorted into the two counts: each distinct word is read
        once per tally (in a pass over every word as each article came, most of the cost)."""
        for word, n in self._words.items():
            if word.islower():
                self.lower[word] += n
            elif word.istitle() and (inner := n - self._firsts[word]):
                self.inner_upper[word.lower()] += inner
        self._words.clear()
        self._firsts.clear()
        return self

    def __getstate__(self) -> dict[str, object]:
        return self.settle().__dict__  # (sent settled: the parts are merged as counts)

    def is_name(self, word: str) -> bool:
        low = word.lower()
        return word[0].isupper() and self.lower[low] <= self.inner_upper[low]


def _names(found: Sequence[str], stamped: Container[int], case: _Case) -> list[int]:
    """Positions of what makes a sentence one fact rather than another: its figures
    (``stamped``: the positions of its stamps' placeholders, aside) and its names
    (:class:`_Case`: "Officials" opening a sentence is no name, "Valdodra" is)."""
    out = []
    for i, word in enumerate(found):
        if i in stamped:
            continue
        if word[0].isdigit() or case.is_name(word):
            out.append(i)
    return out


def outlet_of(source: Source) -> str | None:
    """Who published a source, as far as it says: its outlet name, else its URL's host
    (``www.`` aside), else None."""
    if source.outlet and source.outlet.strip():
        return " ".join(source.outlet.casefold().split())
    if source.url:
        host = (urlsplit(source.url).hostname or "").lower()
        return host.removeprefix("www.") or None
    return None


def closing_line(text: str, spans: Sequence[tuple[int, int]]) -> int:
    """How many of an article's sentences (``spans`` in ``text``, in reading order) are
    on its last line: where a site's template puts the promo under every article."""
    if not spans:
        return 0
    line_start = text.rfind("\n", 0, spans[-1][0]) + 1
    return sum(1 for start, _ in spans if start >= line_start)


def _salts(outlets: Sequence[str | None]) -> list[int]:
    """Each article's outlet as a number: 0 for every unknown outlet, else one number
    per name (so keys are counted within an outlet)."""
    numbers: dict[str, int] = {}
    return [0 if o is None else numbers.setdefault(o, len(numbers) + 1) for o in outlets]


def _hits(full: Full, recurring: set[int]) -> tuple[list[int], list[tuple[int, int]]]:
    """The recurring keys among a flagged sentence's shingles (``full``), in order, and
    the token ranges they cover (overlapping or touching shingles joined), in order."""
    keys, n = full[0]
    if n < SHINGLE:
        return ([keys[0]], [(0, n)]) if keys and keys[0] in recurring else ([], [])
    at = list(compress(range(len(keys)), map(recurring.__contains__, keys)))
    runs: list[tuple[int, int]] = []
    for m in at:
        if runs and m <= runs[-1][1]:
            runs[-1] = (runs[-1][0], m + SHINGLE)
        else:
            runs.append((m, m + SHINGLE))
    return [keys[m] for m in at], runs


def _keys_of(units: Iterable[Unit]) -> list[int]:
    """An article's keys (its sentences' sampled keys, then their stamps)."""
    units = list(units)
    return [k for keys, _ in units for k in keys] + [k for _, stamps in units for k in stamps]


@dataclass(frozen=True)
class _Found:
    """Keys that recur (:func:`~summarizer.stages.recurrence.tally`), and those of them a
    site template's wrapper around each item repeats within pages too (a comment's
    "Posted by ... | Report abuse"; phase 1's stamps only)."""

    counts: Recurring
    template: set[int] = field(default_factory=set)

    @property
    def recurring(self) -> set[int]:
        return self.counts.keys


def _flagged(unit: Unit, sampled: _Found) -> bool:
    """Phase 1: does any sampled key of the sentence recur (or its stamp repeat)?"""
    keys, stamps = unit
    recurring, template = sampled.recurring, sampled.template
    return not recurring.isdisjoint(keys) or not template.isdisjoint(stamps)


def _verdict(
    text: str,
    full: Full,
    sampled: Unit,
    counts: tuple[_Found, _Found],
    case: _Case,
    hits: tuple[list[int], list[tuple[int, int]]],
) -> str | None:
    """Phase 2: the drop reason for a flagged sentence, or None to keep it.

    ``full``: its :func:`all_shingles` (``hits``: their :func:`_hits`); ``counts``: phase
    1's (sampled keys, stamps) and phase 2's (every shingle of the flagged sentences). A
    template's stamp; or one recurring run of :data:`LONG_RUN` tokens; or recurring
    shingles covering :data:`COVERAGE` of the sentence and every name and figure in it
    (a sentence that differs in a name or a figure is another fact, not a copy).
    """
    sampled_found, full_found = counts
    template = [k for k in sampled[1] if k in sampled_found.template]
    if template:
        return _reason(sampled_found.counts, template)
    keys, runs = hits
    if not keys:
        return None
    if max(b - a for a, b in runs) < LONG_RUN:
        found = (ASCII_TOKEN if text.isascii() else TOKEN).findall(text)
        if sum(b - a for a, b in runs) < COVERAGE * len(found):
            return None
        inside = {i for a, b in runs for i in range(a, b)}
        if any(i not in inside for i in _names(found, full[1], case)):
            return None
    return _reason(full_found.counts, keys)


def _tail_verdict(unit: Unit, closing: _Found) -> str | None:
    """The drop reason for a known outlet's closing line that its other pages end on
    too (on other days), or None."""
    keys = [k for k in unit[0] if k in closing.recurring]
    if not keys:
        return None
    return _reason(closing.counts, keys, "the outlet's closing line")


def _reason(counts: Recurring, keys: Sequence[int], where: str = "") -> str:
    best = max(keys, key=lambda k: (counts.articles[k], counts.days[k]))
    extra = f", {where}" if where else ""
    return f"{REASON} ({counts.articles[best]} articles, {counts.days[best]} days{extra})"


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without surrounding whitespace; ``None`` if only whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _apply(
    cleaned: CleanedSource,
    sentences: Sequence[Sentence],
    drop: Sequence[tuple[Sentence, str, tuple[tuple[int, int], ...]]],
) -> Prepared:
    if not drop:
        return cleaned, sentences
    text = cleaned.source.text
    cut: list[tuple[int, int, str]] = []  # (start, end, reason) in the source's text
    pieces: dict[int, list[Sentence]] = {}  # what is left of each sentence cut
    for s, reason, holes in drop:
        holes = holes or ((0, len(s.text)),)
        cut += [(s.start + a, s.start + b, reason) for a, b in holes]
        pieces[s.index] = stretches.left(text, s, holes)
    spans = sorted((a, b) for a, b, _ in cut)
    kept = [
        k if span == (k.start, k.end) else CharInterval(start=span[0], end=span[1])
        for k in stretches.subtract(cleaned.kept, spans)
        if (span := _strip(text, k.start, k.end)) is not None
    ]
    dropped = sorted(
        [*cleaned.dropped, *(DroppedRange(start=a, end=b, reason=r) for a, b, r in cut)],
        key=lambda d: (d.start, d.end),
    )
    new = cleaned.model_copy(update={"kept": tuple(kept), "dropped": tuple(dropped)})
    return new, tuple(chain.from_iterable(pieces.get(s.index, [s]) for s in sentences))


# The stage in three steps, so that the per-article ones can run where the article's
# sentences are (:mod:`summarizer.pipeline.parallel`): :func:`sentence_units` per article,
# :func:`decide` over the corpus, :func:`apply_drops` per article.

# (position of the sentence in its article's list, reason, the character ranges of its text
# cut out of it: () for the whole sentence)
Drops = list[tuple[int, str, tuple[tuple[int, int], ...]]]


def sentence_units(sentences: Sequence[Sentence], ids: dict[str, int], case: _Case) -> list[Unit]:
    """Each sentence's sampled keys; the words' case goes to ``case`` (``ids``: a token
    checksum cache). Only a sentence with a figure or a calendar word is normalised
    (:func:`normalise` changes no other)."""
    texts = [s.text for s in sentences]
    words, ascii = article_words(texts)
    every = token_ids(words, ids)
    out: list[Unit] = []
    starts = []
    start = 0
    for text in texts:
        end = words.index(END, start)
        starts.append(start)
        toks = every[start:end]
        figure = toks and (min(words[start:end]) < "A" if ascii else DIGIT.search(text))
        if figure or not CALENDAR_IDS.isdisjoint(toks):  # (or a crc32 collision)
            toks = token_ids(normalise(list(map(str.lower, words[start:end]))), ids)
        out.append((sampled_shingles(toks), stamp_keys(toks)) if toks else EMPTY)
        start = end + 1
    case.add(words, starts)
    return out


def new_case() -> _Case:
    """An empty tally of how the corpus writes its words (:func:`sentence_units`)."""
    return _Case()


def merge_cases(parts: Iterable[_Case]) -> _Case:
    """One corpus tally from the tallies of its parts (counts add up)."""
    total = _Case()
    for part in parts:
        part.settle()
        total.lower.update(part.lower)
        total.inner_upper.update(part.inner_upper)
    return total


def decide(
    published: Sequence[dt.date | None],
    texts: Sequence[Sequence[str]],
    units: Sequence[Sequence[Unit]],
    case: _Case,
    *,
    outlets: Sequence[str | None] | None = None,
    tails: Sequence[int] | None = None,
    min_articles: int = MIN_ARTICLES,
    min_days: int = MIN_DAYS,
) -> list[Drops]:
    """Per article (its publication date, its sentences' texts and units, its outlet
    (:func:`outlet_of`; None: unknown) and how many of its last sentences are on its
    last line (:func:`closing_line`)), the sentences that are its outlet's recurring
    boilerplate, with the reason. ``texts`` is read only for the sentences the sampled
    keys flag and the closing lines of known outlets."""
    ids: dict[str, int] = {}
    case.settle()  # (a tally merged from the workers' is settled already)
    salts = _salts(outlets if outlets is not None else [None] * len(units))
    units = [
        [salted(u, s) for u in article] if s else article
        for article, s in zip(units, salts, strict=True)
    ]
    sampled, flagged = _first_count(published, units, min_articles, min_days)
    # A flagged sentence's shingles and verdict follow from its text and outlet (its keys too):
    # made, and counted, once per distinct sentence (one story at 5,000 articles: 5,420
    # distinct of 30,586 flagged); ``full``: per article, its flagged ones' places in ``fulls``.
    made: dict[Seen, int] = {}
    fulls: list[Full] = []
    full = [
        {j: all_shingles(texts[i][j], ids, salts[i], made, fulls) for j in js}
        for i, js in enumerate(flagged)
    ]
    held = [list(article.values()) for article in full]
    found_in = tally_groups(published, held, [f[0][0] for f in fulls], min_articles, min_days)
    full_found = _Found(found_in)
    closing = [
        {j: line_unit(texts[i][j], ids, salts[i]) for j in range(len(units[i]) - n, len(units[i]))}
        if salts[i]
        else {}
        for i, n in enumerate(tails if tails is not None else [0] * len(units))
    ]
    tail_keys = [_keys_of(article.values()) for article in closing]
    closing_found = _Found(tally(published, tail_keys.__getitem__, TAIL_ARTICLES, TAIL_ARTICLES))
    out: list[Drops] = []
    verdicts: dict[int, _Cut] = {}
    found = (sampled, full_found)
    for i, js in enumerate(flagged):
        drop: Drops = []
        for j in sorted({*js, *closing[i]}):
            reason, holes = None, _WHOLE
            if (g := full[i].get(j)) is not None:
                if g not in verdicts:
                    verdicts[g] = _cut(texts[i][j], fulls[g], units[i][j], found, case)
                reason, holes = verdicts[g]
            if reason is None and j in closing[i] and closing[i][j][0]:
                reason = _tail_verdict(closing[i][j], closing_found)
            if reason is not None:
                drop.append((j, reason, holes))
        out.append(drop)
    return out


def _first_count(
    published: Sequence[dt.date | None],
    units: Sequence[Sequence[Unit]],
    min_articles: int,
    min_days: int,
) -> tuple[_Found, list[list[int]]]:
    """The sampled keys' and stamps' counts, and per article the sentences they flag. Only
    its flagged sentences and its closing line are then read: an article none of whose keys
    recurs has none flagged (stamps flag in ``template``, part of ``recurring``). A corpus
    that repeats its sentences (a sample of them) is counted per distinct sentence."""
    sample = list(islice(chain.from_iterable(units), 10_000))
    if len(set(sample)) >= GROUPED_BELOW * len(sample):
        counted = tally(published, lambda i: _keys_of(units[i]), min_articles, min_days)
        sampled = _Found(counted, counted.repeated(TEMPLATE_REPEATS))
        return sampled, [
            [] if i not in counted.holders else [j for j, u in enumerate(a) if _flagged(u, sampled)]
            for i, a in enumerate(units)
        ]
    distinct: dict[Unit, int] = {}
    members = [[distinct.setdefault(u, len(distinct)) for u in article] for article in units]
    counted = tally_groups(published, members, [k + s for k, s in distinct], min_articles, min_days)
    sampled = _Found(counted, counted.repeated(TEMPLATE_REPEATS))
    flags = [_flagged(u, sampled) for u in distinct]
    return sampled, [
        [] if i not in counted.holders else [j for j, g in enumerate(m) if flags[g]]
        for i, m in enumerate(members)
    ]


_Cut = tuple[str | None, tuple[tuple[int, int], ...]]  # a reason and the holes (() whole)
_WHOLE: tuple[tuple[int, int], ...] = ()


def _cut(text: str, full: Full, sampled: Unit, counts: tuple[_Found, _Found], case: _Case) -> _Cut:
    """A flagged sentence's :func:`_verdict`; a kept one's recurring runs as holes
    (:mod:`~summarizer.stages.stretches`; all of it when nothing else is left)."""
    hits = _hits(full, counts[1].recurring)
    reason = _verdict(text, full, sampled, counts, case, hits)
    long = full[0][1] >= stretches.PART_RUN and not reason
    runs = [(a, b) for a, b in hits[1] if b - a >= stretches.PART_RUN] if long else []
    holes = stretches.holes(text, runs, TOKEN, tokens) if runs else ()
    if not holes:
        return reason, _WHOLE
    reason = _reason(counts[1].counts, hits[0])
    return reason, holes if stretches.remains(text, holes) else _WHOLE


def apply_drops(cleaned: CleanedSource, sentences: Sequence[Sentence], drops: Drops) -> Prepared:
    """One article with the sentences :func:`decide` named dropped."""
    return _apply(cleaned, sentences, [(sentences[j], r, holes) for j, r, holes in drops])


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
    case = _Case()
    units = [sentence_units(sentences, ids, case) for _, sentences in prepared]
    drops = decide(
        [cleaned.source.published for cleaned, _ in prepared],
        [[s.text for s in sentences] for _, sentences in prepared],
        units,
        case,
        outlets=[outlet_of(cleaned.source) for cleaned, _ in prepared],
        tails=[
            closing_line(cleaned.source.text, [(s.start, s.end) for s in sentences])
            for cleaned, sentences in prepared
        ],
        min_articles=min_articles,
        min_days=min_days,
    )
    return [
        apply_drops(cleaned, sentences, drop)
        for (cleaned, sentences), drop in zip(prepared, drops, strict=True)
    ]

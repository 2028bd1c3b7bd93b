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
reason ``boilerplate (N articles, M days)``, like other junk (``summarizer inspect``);
so are the recurring runs cut out of a kept sentence they are glued into
(:mod:`summarizer.stages.stretches`: a footer glued to a promo or a page's stamp).
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, filterfalse
from urllib.parse import urlsplit

from summarizer.models import CharInterval, CleanedSource, DroppedRange, Sentence, Source
from summarizer.stages import stretches
from summarizer.stages.dategrammar import MONTHS, WEEKDAYS
from summarizer.stages.recurrence import Recurring, tally

SHINGLE = 8  # tokens per shingle
SAMPLE = 4  # about one shingle in SAMPLE is counted
COVERAGE = 0.8  # share of a sentence's sampled tokens in recurring shingles
LONG_RUN = 24  # tokens: a recurring run this long is copy, whatever surrounds it
MIN_ARTICLES = 3
MIN_DAYS = 3
TAIL_ARTICLES = 2  # a known outlet's pages ending on the same line: its template's slot
TEMPLATE_REPEATS = 2  # a template's run occurs this many times per article on average
STAMP_BEFORE, STAMP_AFTER = 3, 3  # the words around a clock time that make a stamp's key
REASON = "boilerplate"

_TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[:.]\d+)?")  # (words first: most tokens are)
# An article's sentences in one pass, each then _END (\W: in no token); in ASCII text _TOKEN's
# classes are these ASCII ones (which sre tests faster).
_END = "\x00"
_WORDS = re.compile(_TOKEN.pattern + "|\x00")
_ASCII_WORDS = re.compile(r"[A-Za-z]+|[0-9]+(?:[:.][0-9]+)?|\x00")
_DIGIT = re.compile(r"\d")  # what every figure token (and so every stamp) holds
_CALENDAR = frozenset(WEEKDAYS) | frozenset(MONTHS)  # the date stage's vocabulary
_CLOCK = re.compile(r"\d{1,2}:\d{2}|\d{1,2}\.\d{2}")
_CLOCK_AFTER = frozenset({"am", "pm", "gmt", "bst", "utc", "cet", "cest", "et", "est", "edt"})
_YEAR = re.compile(r"(?:1[89]|2[01])\d\d")
_DAY = re.compile(r"\d{1,2}")
_DATE_PARTS = frozenset({"<cal>", "<day>"})

Prepared = tuple[CleanedSource, Sequence[Sentence]]


def _normalise(found: list[str]) -> list[str]:
    """Stamps read alike: calendar words, the day and year beside them and clock times
    become placeholders; every other figure stays as written, so "the toll rose to 50"
    and "... to 70" on the next day are different sentences, and "since 2009" is not
    "since 2015"."""
    out = ["<cal>" if t in _CALENDAR else t for t in found]
    figures = [i for i, t in enumerate(out) if t[0].isdigit()]
    for i in figures:
        token = out[i]
        after = out[i + 1] if i + 1 < len(out) else ""
        beside = {out[i - 1] if i else "", after}
        if _CLOCK.fullmatch(token) and (":" in token or after in _CLOCK_AFTER):
            out[i] = "<time>"
        elif _YEAR.fullmatch(token) and beside & _DATE_PARTS:
            out[i] = "<year>"
        elif _DAY.fullmatch(token) and "<cal>" in beside:
            out[i] = "<day>"
    return out


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, with stamps normalised (:func:`_normalise`)."""
    return _normalise(_TOKEN.findall(text.lower()))


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
        """An article's ``words`` (:func:`_article_words`; ``starts``: each sentence's first)."""
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


def _token_ids(found: Sequence[str], ids: dict[str, int]) -> list[int]:
    """Each token as the deterministic 32-bit checksum of its lower case (cached in ``ids``,
    for words as written and lower-cased ones alike: ``str.lower`` is idempotent)."""
    try:
        return list(map(ids.__getitem__, found))  # (most sentences: every token seen)
    except KeyError:
        for token in filterfalse(ids.__contains__, found):  # (checked as the loop goes)
            ids[token] = zlib.crc32(token.lower().encode("utf-8"))
        return list(map(ids.__getitem__, found))


def _key(ids: Sequence[int]) -> int:
    """A key for a run of tokens: the hash of a tuple of ints, which, unlike the hash
    of a string, is the same in every process (so the sample is deterministic)."""
    return hash(tuple(ids))


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


# One sentence's keys: those of its sampled shingles (or one whole-sentence key), and a
# key for the words around each clock time in it (its stamps: how a template's
# time-stamped wrapper is recognised). A plain pair of tuples of ints, not a class: the
# worker processes send one per sentence of the corpus, and plain tuples are read back
# several times faster than instances.
_Unit = tuple[tuple[int, ...], tuple[int, ...]]

_EMPTY: _Unit = ((), ())


def _salted(unit: _Unit, salt: int) -> _Unit:
    """``unit`` with its keys those of its outlet (``salt`` 0, the unknown outlets: as is)."""
    if not salt:
        return unit
    keys, stamps = unit
    return (
        tuple(_key((salt, k)) for k in keys),
        tuple(_key((salt, k)) for k in stamps),
    )


def _line_unit(text: str, ids: dict[str, int], salt: int) -> _Unit:
    """One whole-sentence key, in its outlet."""
    toks = _token_ids(tokens(text), ids)
    return _salted(((_key(toks),), ()), salt) if toks else _EMPTY


_TIME_ID = zlib.crc32(b"<time>")
_STAMP_SALT = -1  # stamp keys never equal shingle keys


def _stamps(toks: Sequence[int]) -> tuple[int, ...]:
    if _TIME_ID not in toks:
        return ()
    return tuple(
        _key((_STAMP_SALT, *toks[max(i - STAMP_BEFORE, 0) : i + STAMP_AFTER + 1]))
        for i, t in enumerate(toks)
        if t == _TIME_ID
    )


def _shingles(toks: list[int]) -> tuple[int, ...]:
    """The keys of the shingles opening at a sampled token (the positions whose token
    ``% SAMPLE`` is 0, picked by ``compress`` rather than a loop over every token)."""
    if len(toks) >= SHINGLE:
        sampled = map(operator.not_, map(SAMPLE.__rmod__, toks))
        opening = compress(range(len(toks) - SHINGLE + 1), sampled)
        whole = tuple(toks)  # (its slices are tuples: each key is a _key)
        keys = tuple(hash(whole[i : i + SHINGLE]) for i in opening)
        if keys:
            return keys
    return (_key(toks),)  # a short sentence, or no sampled shingle: one key


_CALENDAR_IDS = frozenset(zlib.crc32(word.encode("utf-8")) for word in _CALENDAR)


# Every shingle of a flagged sentence (not a sample): its keys (64-bit hashes) and its
# token count (shingle m covers tokens [m, m + SHINGLE), a shorter sentence is one key);
# then where its tokens are stamp placeholders. (key, first, last) tuples for each were
# most of a redundant corpus' peak memory (0.5 GB at 20,000 articles; an array: 1/8).
_Full = tuple[tuple["array[int]", int], tuple[int, ...]]
_NONE: _Full = ((array("q"), 0), ())
_Seen = tuple[str, int]  # a sentence's text and its outlet's salt


def _all_shingles(text: str, ids: dict[str, int], salt: int, made: dict[_Seen, _Full]) -> _Full:
    """Every shingle of a flagged sentence, in its outlet (``salt``); its :func:`tokens`
    are made once, for both parts; and once per distinct (text, salt) (kept in ``made``)."""
    if (text, salt) in made:
        return made[text, salt]
    normal = tokens(text)
    toks = _token_ids(normal, ids)
    if len(toks) < SHINGLE:
        keys = [_key(toks)] if toks else []
    else:
        keys = [_key(toks[i : i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1)]
    if salt:
        keys = [_key((salt, k)) for k in keys]
    stamps = tuple(i for i, t in enumerate(normal) if t[0] == "<")
    made[text, salt] = full = (array("q", keys), len(toks)), stamps
    return full


def _spans(full: _Full) -> Iterable[tuple[int, int]]:
    """The tokens each key of ``full`` covers, in order."""
    keys, n = full[0]
    if n < SHINGLE:
        return [(0, n)] if keys else []
    return ((m, m + SHINGLE) for m in range(len(keys)))


def _keys_of(units: Iterable[_Unit]) -> list[int]:
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


def _flagged(unit: _Unit, sampled: _Found) -> bool:
    """Phase 1: does any sampled key of the sentence recur (or its stamp repeat)?"""
    keys, stamps = unit
    recurring, template = sampled.recurring, sampled.template
    return not recurring.isdisjoint(keys) or not template.isdisjoint(stamps)


def _verdict(
    text: str,
    full: _Full,
    sampled: _Unit,
    counts: tuple[_Found, _Found],
    case: _Case,
) -> str | None:
    """Phase 2: the drop reason for a flagged sentence, or None to keep it.

    ``full``: its :func:`_all_shingles`; ``counts``: phase 1's (sampled keys,
    stamps) and phase 2's (every shingle of the flagged sentences). Furniture: a
    template's stamp; or one recurring run of :data:`LONG_RUN` tokens; or recurring
    shingles covering :data:`COVERAGE` of the sentence and every name and figure in it
    (a sentence that differs in a name or a figure is another fact, not a copy).
    """
    sampled_found, full_found = counts
    template = [k for k in sampled[1] if k in sampled_found.template]
    if template:
        return _reason(sampled_found.counts, template)
    recurring = full_found.recurring
    hits = [(k, a, b) for k, (a, b) in zip(full[0][0], _spans(full), strict=True) if k in recurring]
    if not hits:
        return None
    spans = [(a, b) for _, a, b in hits]
    if stretches.longest_run(spans) < LONG_RUN:
        found = _TOKEN.findall(text)
        covered = stretches.covered(spans)
        if covered < COVERAGE * len(found):
            return None
        inside = {i for a, b in spans for i in range(a, b)}
        if any(i not in inside for i in _names(found, full[1], case)):
            return None
    return _reason(full_found.counts, [k for k, _, _ in hits])


def _tail_verdict(unit: _Unit, closing: _Found) -> str | None:
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


def _article_words(texts: Sequence[str]) -> tuple[list[str], bool]:
    """An article's words as written, each sentence's (``texts``) then :data:`_END`, in one
    pass (one per text if one holds _END); and whether all is ASCII (a figure opens below "A")."""
    joined = _END.join(texts) + _END
    if joined.count(_END) == len(texts):
        ascii = joined.isascii()
        return (_ASCII_WORDS if ascii else _WORDS).findall(joined), ascii
    return [w for t in texts for w in (*_TOKEN.findall(t), _END)], False


def sentence_units(sentences: Sequence[Sentence], ids: dict[str, int], case: _Case) -> list[_Unit]:
    """Each sentence's sampled keys; the words' case goes to ``case`` (``ids``: a token
    checksum cache). Only a sentence with a figure or a calendar word is normalised
    (:func:`_normalise` changes no other)."""
    texts = [s.text for s in sentences]
    words, ascii = _article_words(texts)
    every = _token_ids(words, ids)
    out: list[_Unit] = []
    starts = []
    start = 0
    for text in texts:
        end = words.index(_END, start)
        starts.append(start)
        toks = every[start:end]
        figure = toks and (min(words[start:end]) < "A" if ascii else _DIGIT.search(text))
        if figure or not _CALENDAR_IDS.isdisjoint(toks):  # (or a crc32 collision)
            toks = _token_ids(_normalise(list(map(str.lower, words[start:end]))), ids)
        out.append((_shingles(toks), _stamps(toks)) if toks else _EMPTY)
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
    units: Sequence[Sequence[_Unit]],
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
        [_salted(u, s) for u in article] if s else article
        for article, s in zip(units, salts, strict=True)
    ]
    counted = tally(published, lambda i: _keys_of(units[i]), min_articles, min_days)
    sampled = _Found(counted, counted.repeated(TEMPLATE_REPEATS))
    # Per article, only its flagged sentences and its closing line are read: an article none
    # of whose keys recurs has none flagged (stamps flag in ``template``, part of ``recurring``).
    flagged = [
        [] if i not in counted.holders else [j for j, u in enumerate(a) if _flagged(u, sampled)]
        for i, a in enumerate(units)
    ]
    # A flagged sentence's shingles and verdict follow from its text, outlet and keys: made once
    # per distinct sentence (one story at 5,000 articles: 5,420 distinct of 30,586 flagged).
    made: dict[_Seen, _Full] = {}
    full = [
        {j: _all_shingles(texts[i][j], ids, salts[i], made) for j in js}
        for i, js in enumerate(flagged)
    ]
    full_keys = [[k for (ks, _), _ in article.values() for k in ks] for article in full]
    full_found = _Found(tally(published, full_keys.__getitem__, min_articles, min_days))
    closing = [
        {j: _line_unit(texts[i][j], ids, salts[i]) for j in range(len(units[i]) - n, len(units[i]))}
        if salts[i]
        else {}
        for i, n in enumerate(tails if tails is not None else [0] * len(units))
    ]
    tail_keys = [_keys_of(article.values()) for article in closing]
    closing_found = _Found(tally(published, tail_keys.__getitem__, TAIL_ARTICLES, TAIL_ARTICLES))
    out: list[Drops] = []
    verdicts: dict[tuple[str, int, _Unit], _Cut] = {}
    found = (sampled, full_found)
    for i, js in enumerate(flagged):
        drop: Drops = []
        for j in sorted({*js, *closing[i]}):
            reason, holes = None, _WHOLE
            if j in full[i]:
                seen = (texts[i][j], salts[i], units[i][j])
                if seen not in verdicts:
                    verdicts[seen] = _cut(seen[0], full[i][j], seen[2], found, case)
                reason, holes = verdicts[seen]
            if reason is None and j in closing[i] and closing[i][j][0]:
                reason = _tail_verdict(closing[i][j], closing_found)
            if reason is not None:
                drop.append((j, reason, holes))
        out.append(drop)
    return out


_Cut = tuple[str | None, tuple[tuple[int, int], ...]]  # a reason and the holes (() whole)
_WHOLE: tuple[tuple[int, int], ...] = ()


def _cut(
    text: str, full: _Full, sampled: _Unit, counts: tuple[_Found, _Found], case: _Case
) -> _Cut:
    """A flagged sentence's :func:`_verdict`; a kept one's recurring runs as holes
    (:mod:`~summarizer.stages.stretches`; all of it when nothing else is left)."""
    reason = _verdict(text, full, sampled, counts, case)
    recurring = counts[1].recurring
    runs = [] if reason else stretches.runs(full[0][0], full[0][1], recurring, SHINGLE)
    holes = stretches.holes(text, runs, _TOKEN, tokens) if runs else ()
    if not holes:
        return reason, _WHOLE
    reason = _reason(counts[1].counts, [k for k in full[0][0] if k in recurring])
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

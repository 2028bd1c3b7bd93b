"""Ingest: read article files and folders into :class:`~summarizer.models.Source` records.

Supported inputs: ``.txt``, ``.md``/``.markdown`` (YAML front matter), ``.html``/``.htm``
(main text extracted with trafilatura), ``.jsonl`` (one article per line), RSS and Atom
feeds (``.rss``, ``.atom``, ``.xml``: one article per entry, read with feedparser) and
``http(s)://`` URLs (fetched by :mod:`summarizer.stages.fetch`: an HTML page, or a feed by its
content type or its first bytes). Folders are searched recursively in sorted order;
hidden files and folders are skipped (:mod:`summarizer.stages.paths`).

This module is the stage: it picks a reader by suffix (or, for a URL, by what the server
sends), gives repeated ids a suffix and dates the sources. The readers live in
:mod:`summarizer.stages.readers`, one module per kind of input: ``decode`` (bytes to
text), ``text`` (plain text and markdown: the header block, front matter), ``html``,
``jsonl``, ``feeds`` and ``urls``, with what they share in ``common``.

What ``Source.text`` holds (every offset in the pipeline indexes it):

* ``.txt`` and ``.md``: the whole decoded file, including any date line or front
  matter; ``Source.header_end`` is the offset where the story starts.
* ``.html``/``.htm``: the main text trafilatura extracts from the page. That
  extracted text *is* the source text: quotes and offsets index it, not the HTML.
* ``.jsonl``: the record's ``text`` field.
* feed entries: the entry's content (else its summary), HTML turned into text with
  trafilatura; ``Source.path`` is the feed's file or URL, so re-ingesting it gives the
  same texts. Ids are the feed's stem (a file) or :func:`~summarizer.stages.fetch.url_slug`
  (a URL) plus a slug of the entry's title (else its number).
* URLs: as ``.html`` files, the text trafilatura extracts from the page.

Publication date, in order of precedence: ``--published ID=DATE`` (``cli``), then a
date the file states (``header``, ``front_matter``, ``html_meta``, ``jsonl``, ``feed``),
then a date inferred (``inferred``), else ``unknown``. Dates as written are read with
the one date grammar of :mod:`summarizer.stages.dategrammar` (``parse_written_date``).
Inference runs on the *cleaned* story text, so a date inside an appended aggregator
teaser is never used: first :func:`summarizer.stages.dates.infer_publication_date` (an
explicit full date, or agreeing weekday references), then, for a story still undated,
the date of another article in the same run that its past-tense weekday references
agree with (:func:`summarizer.stages.dates.infer_from_related`). The sources cleaned for
this are returned with the result (``IngestResult.cleaned``): each source is cleaned once.

Bad input never stops the run: each failure is an :class:`InputFailure` whose reason
is one line naming the file and what to do, and the other sources still go through.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from summarizer.config import FetchConfig
from summarizer.errors import InputError
from summarizer.models import CleanedSource, DateOrigin, IngestResult, InputFailure, Source
from summarizer.stages.clean import clean
from summarizer.stages.dates import infer_from_related, infer_publication_date
from summarizer.stages.paths import (
    FEED_SUFFIXES,
    article_files,
    expand,
)
from summarizer.stages.readers.common import Loaded, fail
from summarizer.stages.readers.decode import read_decoded
from summarizer.stages.readers.feeds import from_feed_file
from summarizer.stages.readers.html import from_html
from summarizer.stages.readers.jsonl import from_jsonl
from summarizer.stages.readers.text import from_markdown, from_plain
from summarizer.stages.readers.urls import load_url

_DEFAULT_FETCH = FetchConfig()

_NO_OVERRIDES: Mapping[str, dt.date] = MappingProxyType({})


def _load_file(path: Path, forced: str | None = None) -> Loaded:
    """Read one file of any supported kind (``forced``: the encoding of a file that is
    not UTF-8, ``--encoding``); errors become failures."""
    out = Loaded()
    try:
        suffix = path.suffix.lower()
        if suffix in FEED_SUFFIXES:
            return from_feed_file(path)
        decoded = read_decoded(path, forced)
        text, encoding = decoded.text, decoded.encoding
        if decoded.note:
            out.notes.append(f"{path}: {decoded.note}; {_encoding_hint(decoded.other)}.")
        if suffix == ".jsonl":
            loaded = from_jsonl(path, text, encoding)
            loaded.notes.extend(out.notes)
            return loaded
        if suffix in (".md", ".markdown"):
            out.sources.append(from_markdown(path, text, encoding))
        elif suffix in (".html", ".htm"):
            out.sources.append(from_html(path, text, encoding))
        else:
            out.sources.append(from_plain(path, text, encoding, base={}))
    except InputError as exc:
        out.failures.append(fail(str(path), str(exc)))
    return out


def _encoding_hint(other: str | None) -> str:
    """How to read a file whose encoding was a guess in another one."""
    name = other or "NAME"
    return f"if letters look wrong, pass --encoding {name} or save the file as UTF-8"


def iter_article_files(folder: Path) -> list[Path]:
    """Article files under ``folder``, recursively, sorted (see :mod:`summarizer.stages.paths`)."""
    return article_files(folder)


def _unique_ids(sources: list[Source]) -> list[Source]:
    """Keep ids stable; a repeated id gets ``-2``, ``-3``... in input order."""
    taken: set[str] = set()
    out = []
    for s in sources:
        new_id, n = s.id, 1
        while new_id in taken:
            n += 1
            new_id = f"{s.id}-{n}"
        taken.add(new_id)
        out.append(s if new_id == s.id else s.model_copy(update={"id": new_id}))
    return out


_INFER_WINDOW = 20_000  # the lead carries the date; bounds the cost on huge files


class _Stories:
    """The cleaned story text of each source whose date is inferred, cleaned once.

    The date is inferred from the story (never from dropped junk); the cleaned
    sources are handed on in :attr:`~summarizer.models.IngestResult.cleaned`, so the
    pipeline does not clean them again.
    """

    def __init__(self) -> None:
        self.cleaned: dict[str, CleanedSource] = {}

    def text(self, source: Source) -> str:
        """The cleaned story text dates are inferred from (first 20,000 characters)."""
        if source.id not in self.cleaned:
            self.cleaned[source.id] = clean(source)
        return self.cleaned[source.id].kept_text()[:_INFER_WINDOW]

    def bound_to(self, sources: Sequence[Source]) -> tuple[CleanedSource, ...]:
        """The cleaned sources, each holding its source as ingest returns it (dated)."""
        return tuple(
            self.cleaned[s.id].model_copy(update={"source": s})
            for s in sources
            if s.id in self.cleaned
        )


def _resolve_overrides(
    sources: list[Source], published: Mapping[str, dt.date]
) -> tuple[dict[str, dt.date], list[InputFailure]]:
    """Map ``--published`` keys (an id or a file name) to source ids."""
    by_name = {Path(s.path).name: s.id for s in sources}
    ids = {s.id for s in sources}
    overrides: dict[str, dt.date] = {}
    failures = []
    for key, day in published.items():
        sid = key if key in ids else by_name.get(key)
        if sid is None:
            known = ", ".join(s.id for s in sources) or "none"
            failures.append(
                fail(
                    f"--published {key}",
                    f"--published {key}={day}: no source has the id {key!r}; use one of: {known}",
                )
            )
        else:
            overrides[sid] = day
    return overrides, failures


def _apply_dates(
    sources: list[Source], published: Mapping[str, dt.date]
) -> tuple[list[Source], list[InputFailure], tuple[CleanedSource, ...]]:
    """Overrides first; then dates the files state; then inference from each story
    (:func:`~summarizer.stages.dates.infer_publication_date`); then, for what is still
    undated, a date borrowed from the run whose weekdays the story agrees with
    (:func:`~summarizer.stages.dates.infer_from_related`). Also returns the sources
    cleaned for inference."""
    overrides, failures = _resolve_overrides(sources, published)
    stories = _Stories()
    out = []
    for s in sources:
        if s.id in overrides:
            s = s.model_copy(
                update={"published": overrides[s.id], "published_from": DateOrigin.CLI}
            )
        elif s.published is None:
            guess = infer_publication_date(stories.text(s))
            if guess is not None:
                s = s.model_copy(update={"published": guess, "published_from": DateOrigin.INFERRED})
        out.append(s)
    known = sorted({s.published for s in out if s.published is not None})
    for i, s in enumerate(out):
        if s.published is None and known:
            guess = infer_from_related(stories.text(s), known)
            if guess is not None:
                out[i] = s.model_copy(update={"published": guess, "published_from": DateOrigin.RUN})
    return out, failures, stories.bound_to(out)


def ingest(
    paths: Sequence[str | Path],
    published: Mapping[str, dt.date] = _NO_OVERRIDES,
    *,
    fetch: FetchConfig = _DEFAULT_FETCH,
    encoding: str | None = None,
) -> IngestResult:
    """Read files, folders and URLs into sources; failures are collected, never raised.

    ``published`` maps a source id (or file name) to a publication date that overrides
    whatever the file says (``--published ID=YYYY-MM-DD``). ``fetch`` says how URLs
    are downloaded (timeout, size cap, proxies). ``encoding`` is the encoding of input
    files that are not UTF-8 (``--encoding``; default: detected).
    """
    files, found = expand(paths)
    failures = list(found.failures)
    sources: list[Source] = []
    notes: list[str] = []
    for path in files:
        loaded = load_url(path, fetch) if isinstance(path, str) else _load_file(path, encoding)
        sources.extend(loaded.sources)
        failures.extend(loaded.failures)
        notes.extend(loaded.notes)
    dated, date_failures, cleaned = _apply_dates(_unique_ids(sources), published)
    return IngestResult(
        sources=tuple(dated),
        cleaned=cleaned,
        failures=tuple(failures + date_failures),
        notes=tuple(notes),
        skipped=tuple(found.skipped),
    )

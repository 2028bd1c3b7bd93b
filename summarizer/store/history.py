"""The run store: a sqlite history of ingested articles and built timelines, and what changed.

Every successful ``brief`` or ``timeline`` saves a :class:`StoredRun`: the articles it
read (id, path, sha256 of the text, title, outlet, publication date) and the merged
events it showed, with their evidence, quantities, disagreements and agreements, as the
pydantic JSON of :mod:`summarizer.models`. ``--since-last`` loads the previous run of the
same command on the same inputs (:func:`scope_of`) and :func:`diff_runs` says what
changed:

* new events: matched to no previous event. Two events match when evidence spans
  overlap in the same source with the same content hash (offsets are comparable only
  then); otherwise when they have the same date and their texts or quotes are similar
  (rapidfuzz ratio, figures masked, so "three killed" and "five killed" still match);
* newly confirmed events: a matched event now cited by an outlet that did not cite it;
* revised figures: a matched event whose figure on a topic (killed, injured, distance...)
  takes a value that the same source, or, for a new source, no source stated before;
  and the run's revisions over time (:class:`~summarizer.models.Revision`: a later
  report's new figure, such as a new follow-up's "the death toll has risen to four")
  that the previous run did not show;
* gone events, and new, updated (same id, different content hash) and removed articles.

Concurrency follows :mod:`summarizer.transport.cache`: WAL mode, a busy timeout, and each save is
one ``BEGIN IMMEDIATE`` transaction, so two runs can share one store file. The schema
is versioned with ``PRAGMA user_version``; a store written by a newer version is refused
with a message saying what to do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from rapidfuzz import fuzz

from summarizer.errors import ConfigError
from summarizer.models import (
    Agreement,
    Claim,
    Disagreement,
    Frozen,
    MergedEvent,
    Quantity,
    Report,
    Revision,
)
from summarizer.stages.disagree import claim_for, topic_of
from summarizer.stages.quantities import same_figure
from summarizer.store.sqlite import connect, make_folder

log = logging.getLogger("summarizer")

STORE_FILE = "store.sqlite"
SCHEMA_VERSION = 1  # PRAGMA user_version of a store this code writes
PAYLOAD_FORMAT = 1  # runs.payload_format: the StoredRun JSON layout
BUSY_TIMEOUT_MS = 30_000
TEXT_MATCH = 90.0  # rapidfuzz ratio (0-100) for the text fallback of event matching

_MIGRATIONS: tuple[str, ...] = (
    # version 0 -> 1
    """
    CREATE TABLE IF NOT EXISTS articles (
        source_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        path TEXT NOT NULL,
        title TEXT,
        outlet TEXT,
        published TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (source_id, content_hash)
    );
    CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        command TEXT NOT NULL,
        scope TEXT NOT NULL,
        engine TEXT NOT NULL,
        model TEXT,
        events INTEGER NOT NULL,
        payload_format INTEGER NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS runs_by_scope ON runs (command, scope, id);
    """,
)

_FIGURE = re.compile(
    r"\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|"
    r"several|a few|scores)\b",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")

T = TypeVar("T")


# --------------------------------------------------------------------------- locations


def default_store_path(env: Mapping[str, str], home: Path | None = None) -> Path:
    """``$XDG_DATA_HOME/summarizer/store.sqlite``, else ``~/.local/share/summarizer/...``.

    Takes the environment as a mapping: the CLI passes ``os.environ`` in.
    """
    xdg = env.get("XDG_DATA_HOME")
    if xdg:
        return Path(xdg) / "summarizer" / STORE_FILE
    local = env.get("LOCALAPPDATA")  # Windows
    if local:
        return Path(local) / "summarizer" / STORE_FILE
    return (home or Path.home()) / ".local" / "share" / "summarizer" / STORE_FILE


def scope_of(inputs: Iterable[str | Path], selection: Mapping[str, Any] | None = None) -> str:
    """The key of "the same inputs": sorted absolute paths (URLs as given), as JSON.

    ``selection`` holds what narrows the timeline shown (``--day``, ``--max-dates``,
    ``--per-date``): a brief cut differently is compared only with briefs cut the same
    way, or events it merely hides would show as gone.
    """
    keys = set()
    for item in inputs:
        text = str(item)
        keys.add(text if "://" in text else str(Path(text).expanduser().resolve()))
    chosen = {k: str(v) for k, v in sorted((selection or {}).items()) if v is not None}
    if not chosen:
        return json.dumps(sorted(keys), ensure_ascii=False)
    return json.dumps({"inputs": sorted(keys), "selection": chosen}, ensure_ascii=False)


def content_hash(text: str) -> str:
    """sha256 of an article's decoded text: same id and a new hash means "updated"."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- records


class ArticleRecord(Frozen):
    """One article as a run read it."""

    source_id: str
    path: str
    content_hash: str
    title: str | None = None
    outlet: str | None = None
    published: dt.date | None = None

    def outlet_key(self) -> str:
        """Who published it: the outlet when known, else the source id."""
        return _SPACE.sub(" ", self.outlet or self.source_id).strip().casefold()


class StoredArticle(ArticleRecord):
    """An article version in the store, with when runs first and last read it."""

    first_seen: dt.datetime
    last_seen: dt.datetime


class StoredRun(Frozen):
    """One brief or timeline: what it read and the events it showed."""

    id: int | None = None  # None until saved
    created_at: dt.datetime
    command: str
    scope: str
    engine: str
    model: str | None = None
    articles: tuple[ArticleRecord, ...]
    events: tuple[MergedEvent, ...]
    disagreements: tuple[Disagreement, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    revisions: tuple[Revision, ...] = ()

    def article(self, source_id: str) -> ArticleRecord | None:
        return next((a for a in self.articles if a.source_id == source_id), None)


def now() -> dt.datetime:
    """The current time in UTC, to the second (what the store records)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def snapshot(
    report: Report, *, command: str, scope: str, created_at: dt.datetime | None = None
) -> StoredRun:
    """The run record of ``report`` (not saved)."""
    articles = tuple(
        ArticleRecord(
            source_id=sr.source.id,
            path=sr.source.path,
            content_hash=content_hash(sr.source.text),
            title=sr.source.title,
            outlet=sr.source.outlet,
            published=sr.source.published,
        )
        for sr in report.sources
    )
    return StoredRun(
        created_at=created_at or now(),
        command=command,
        scope=scope,
        engine=report.stats.engine.value,
        model=report.stats.model,
        articles=articles,
        events=report.events,
        disagreements=report.disagreements,
        agreements=report.agreements,
        revisions=report.revisions,
    )


# --------------------------------------------------------------------------- changes


class ArticleChange(Frozen):
    article: ArticleRecord
    previous_hash: str | None = None  # set for updated articles


class Confirmation(Frozen):
    """A known event that an outlet cites for the first time."""

    event: MergedEvent  # as in the current run
    sources: tuple[str, ...]  # the newly citing source ids
    previous_sources: tuple[str, ...]


class FigureRevision(Frozen):
    """A known event whose figure on a topic changed: what was stated, what is now."""

    event: MergedEvent  # as in the current run
    topic: str  # "killed", "injured", "distance from ukraine", ...
    old: tuple[Claim, ...]  # quotes from the previous run
    new: tuple[Claim, ...]  # quotes from the current run


class RunInfo(Frozen):
    id: int | None
    created_at: dt.datetime
    command: str


class Changes(Frozen):
    """What :func:`diff_runs` found between a previous run and the current one."""

    previous: RunInfo
    new_events: tuple[MergedEvent, ...] = ()
    confirmations: tuple[Confirmation, ...] = ()
    revisions: tuple[FigureRevision, ...] = ()
    gone_events: tuple[MergedEvent, ...] = ()  # as in the previous run
    new_articles: tuple[ArticleChange, ...] = ()
    updated_articles: tuple[ArticleChange, ...] = ()
    removed_articles: tuple[ArticleChange, ...] = ()

    def is_empty(self) -> bool:
        return not (
            self.new_events
            or self.confirmations
            or self.revisions
            or self.gone_events
            or self.new_articles
            or self.updated_articles
            or self.removed_articles
        )


class NoPreviousRun(Frozen):
    """``--since-last`` on inputs the store has no earlier run of."""

    command: str


SinceLast = Changes | NoPreviousRun


def diff_runs(previous: StoredRun, current: StoredRun) -> Changes:
    """What changed from ``previous`` to ``current`` (a pure function of the two runs)."""
    matches = match_events(previous, current)
    matched_previous = {j for js in matches.values() for j in js}
    confirmations: list[Confirmation] = []
    revisions: list[FigureRevision] = []
    for i, event in enumerate(current.events):
        before = [previous.events[j] for j in sorted(matches.get(i, ()))]
        if not before:
            continue
        confirmation = _confirmation(event, before, previous, current)
        if confirmation is not None:
            confirmations.append(confirmation)
        revisions.extend(_revisions(event, before))
    revisions = _with_run_revisions(previous, current, revisions)
    new_articles, updated, removed = _article_changes(previous, current)
    return Changes(
        previous=RunInfo(id=previous.id, created_at=previous.created_at, command=previous.command),
        new_events=tuple(e for i, e in enumerate(current.events) if i not in matches),
        confirmations=tuple(confirmations),
        revisions=tuple(revisions),
        gone_events=tuple(e for j, e in enumerate(previous.events) if j not in matched_previous),
        new_articles=new_articles,
        updated_articles=updated,
        removed_articles=removed,
    )


def match_events(previous: StoredRun, current: StoredRun) -> dict[int, set[int]]:
    """Indices of ``current.events`` -> indices of the ``previous.events`` they continue.

    Overlapping evidence spans in an unchanged source decide first; an event with none
    falls back to the same date and similar text (:data:`TEXT_MATCH`).
    """
    spans = _spans(previous)
    unchanged = _unchanged_sources(previous, current)
    matches: dict[int, set[int]] = {}
    for i, event in enumerate(current.events):
        found = {
            j
            for ev in event.evidence
            if ev.source in unchanged
            for start, end, j in spans.get(ev.source, ())
            if start < ev.end and ev.start < end
        }
        if not found:
            found = {j for j, old in enumerate(previous.events) if _same_by_text(old, event)}
        if found:
            matches[i] = found
    return matches


def _spans(run: StoredRun) -> dict[str, list[tuple[int, int, int]]]:
    out: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for j, event in enumerate(run.events):
        for ev in event.evidence:
            out[ev.source].append((ev.start, ev.end, j))
    return out


def _unchanged_sources(previous: StoredRun, current: StoredRun) -> set[str]:
    before = {a.source_id: a.content_hash for a in previous.articles}
    return {a.source_id for a in current.articles if before.get(a.source_id) == a.content_hash}


def _masked(text: str) -> str:
    """Lower case, figures replaced by ``#``, whitespace collapsed: for text matching."""
    return _SPACE.sub(" ", _FIGURE.sub("#", text.lower())).strip()


def _texts(event: MergedEvent) -> set[str]:
    return {_masked(event.text)} | {_masked(ev.quote) for ev in event.evidence}


def _same_by_text(a: MergedEvent, b: MergedEvent) -> bool:
    if a.date.iso() != b.date.iso() or a.date.iso_end() != b.date.iso_end():
        return False
    return any(fuzz.ratio(x, y) >= TEXT_MATCH for x in _texts(a) for y in _texts(b))


def _outlets(run: StoredRun, source_ids: Iterable[str]) -> dict[str, str]:
    """Source id -> outlet key (the source id when the run does not know the article)."""
    out = {}
    for sid in source_ids:
        article = run.article(sid)
        out[sid] = article.outlet_key() if article else sid.casefold()
    return out


def _confirmation(
    event: MergedEvent, before: Sequence[MergedEvent], previous: StoredRun, current: StoredRun
) -> Confirmation | None:
    previous_sources = sorted({s for old in before for s in old.sources})
    known = set(_outlets(previous, previous_sources).values())
    fresh = tuple(s for s, key in _outlets(current, event.sources).items() if key not in known)
    if not fresh:
        return None
    return Confirmation(event=event, sources=fresh, previous_sources=tuple(previous_sources))


@dataclass(frozen=True)
class _Figure:
    source: str
    quantity: Quantity
    event: MergedEvent


def _figures(events: Iterable[MergedEvent]) -> dict[str, list[_Figure]]:
    """Compared figures by topic (:func:`summarizer.stages.disagree.topic_of`)."""
    out: dict[str, list[_Figure]] = defaultdict(list)
    for event in events:
        for source, quantities in sorted(event.quantities.items()):
            for q in quantities:
                topic = topic_of(q)
                if topic is not None:
                    out[topic].append(_Figure(source, q, event))
    return out


def _revisions(event: MergedEvent, before: Sequence[MergedEvent]) -> list[FigureRevision]:
    """Per topic stated before and now: figures no earlier statement supports."""
    old_by_topic = _figures(before)
    out = []
    for topic, figures in sorted(_figures([event]).items()):
        old = old_by_topic.get(topic)
        if not old:
            continue  # a figure on a new topic is not a revision of anything
        was: list[_Figure] = []
        now_: list[_Figure] = []
        for fig in figures:
            pool = [o for o in old if o.source == fig.source] or old
            if not any(same_figure(fig.quantity, o.quantity) for o in pool):
                now_.append(fig)
                for o in pool:
                    if o not in was:
                        was.append(o)
        if now_:
            out.append(
                FigureRevision(event=event, topic=topic, old=_claims(was), new=_claims(now_))
            )
    return out


def _figure_key(claims: Iterable[Claim]) -> frozenset[tuple[str, str, str]]:
    return frozenset((c.source, c.value.casefold(), c.quote) for c in claims)


def _with_run_revisions(
    previous: StoredRun, current: StoredRun, found: Sequence[FigureRevision]
) -> list[FigureRevision]:
    """``found`` plus the run's revisions over time (a later report's new figure) that the
    previous run did not show, e.g. a new follow-up's "the death toll has risen to four";
    a figure both find is shown once, as the run's revision (its claims are dated)."""
    shown = {(r.topic, _figure_key(r.new)) for r in previous.revisions}
    by_id = {e.id: e for e in current.events}
    fresh = []
    for r in current.revisions:
        event = by_id.get(r.event) or by_id.get(r.earlier_event or "")
        if event is not None and (r.topic, _figure_key(r.new)) not in shown:
            fresh.append(FigureRevision(event=event, topic=r.topic, old=r.old, new=r.new))
    covered = {(r.topic, _figure_key(r.new)) for r in fresh}
    return [r for r in found if (r.topic, _figure_key(r.new)) not in covered] + fresh


def _claims(figures: Iterable[_Figure]) -> tuple[Claim, ...]:
    out: list[Claim] = []
    for fig in figures:
        claim = _claim(fig)
        if claim is not None and claim not in out:
            out.append(claim)
    return tuple(out)


def _claim(fig: _Figure) -> Claim | None:
    return claim_for(fig.event, fig.source, fig.quantity)


def _article_changes(
    previous: StoredRun, current: StoredRun
) -> tuple[tuple[ArticleChange, ...], tuple[ArticleChange, ...], tuple[ArticleChange, ...]]:
    before = {a.source_id: a for a in previous.articles}
    now_ids = {a.source_id for a in current.articles}
    new = tuple(ArticleChange(article=a) for a in current.articles if a.source_id not in before)
    updated = tuple(
        ArticleChange(article=a, previous_hash=before[a.source_id].content_hash)
        for a in current.articles
        if a.source_id in before and before[a.source_id].content_hash != a.content_hash
    )
    removed = tuple(
        ArticleChange(article=a) for a in previous.articles if a.source_id not in now_ids
    )
    return new, updated, removed


# --------------------------------------------------------------------------- the store


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


class Store:
    """The sqlite store: one connection behind a lock, WAL, one transaction per save."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        make_folder(self.path.parent, what="store", fix="pass --store PATH or --no-store")
        conn: sqlite3.Connection | None = None
        try:  # a damaged store is refused, not set aside: it is the user's history
            conn = connect(self.path, busy_timeout_ms=BUSY_TIMEOUT_MS)
            _migrate(conn, self.path)
        except (sqlite3.DatabaseError, ConfigError) as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError(
                f"the run store {self.path} is unusable ({exc}); move it away, pass "
                "--store PATH, or --no-store"
            ) from exc
        return conn

    def _transaction(self, body: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = body(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise ConfigError(
                    f"cannot write to the run store {self.path} ({exc}); check the disk and "
                    "permissions, pass --store PATH, or --no-store"
                ) from exc
            return result

    # ------------------------------------------------------------------ writing

    def save_run(
        self,
        report: Report,
        *,
        command: str,
        scope: str,
        created_at: dt.datetime | None = None,
    ) -> StoredRun:
        """Save ``report`` as a run of ``command`` on ``scope``; returns it with its id."""
        return self.save(snapshot(report, command=command, scope=scope, created_at=created_at))

    def save(self, run: StoredRun) -> StoredRun:
        """Save a run record and upsert its articles, in one transaction."""
        payload = run.model_dump_json(exclude={"id"})
        when = _iso(run.created_at)

        def write(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO runs (created_at, command, scope, engine, model, events, "
                "payload_format, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    when,
                    run.command,
                    run.scope,
                    run.engine,
                    run.model,
                    len(run.events),
                    PAYLOAD_FORMAT,
                    payload,
                ),
            )
            conn.executemany(
                "INSERT INTO articles (source_id, content_hash, path, title, outlet, published, "
                "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(source_id, content_hash) DO UPDATE SET path = excluded.path, "
                "title = excluded.title, outlet = excluded.outlet, "
                "published = excluded.published, "
                "last_seen = MAX(articles.last_seen, excluded.last_seen)",
                [
                    (
                        a.source_id,
                        a.content_hash,
                        a.path,
                        a.title,
                        a.outlet,
                        a.published.isoformat() if a.published else None,
                        when,
                        when,
                    )
                    for a in run.articles
                ],
            )
            return int(cursor.lastrowid or 0)

        run_id = self._transaction(write)
        return run.model_copy(update={"id": run_id})

    # ------------------------------------------------------------------ reading

    def previous_run(
        self, *, command: str, scope: str, before: int | None = None
    ) -> StoredRun | None:
        """The latest readable run of ``command`` on ``scope`` (with an id below ``before``)."""
        query = "SELECT id, payload_format, payload FROM runs WHERE command = ? AND scope = ?"
        params: list[Any] = [command, scope]
        if before is not None:
            query += " AND id < ?"
            params.append(before)
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY id DESC", params)
            for run_id, fmt, payload in rows:
                run = _load(int(run_id), int(fmt), str(payload))
                if run is not None:
                    return run
        return None

    def run(self, run_id: int) -> StoredRun | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT payload_format, payload FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
        return _load(run_id, int(row[0]), str(row[1])) if row else None

    def run_count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def articles(self) -> tuple[StoredArticle, ...]:
        """Every article version the store has seen, by id then first sighting."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT source_id, content_hash, path, title, outlet, published, first_seen, "
                "last_seen FROM articles ORDER BY source_id, first_seen"
            ).fetchall()
        return tuple(
            StoredArticle(
                source_id=r[0],
                content_hash=r[1],
                path=r[2],
                title=r[3],
                outlet=r[4],
                published=dt.date.fromisoformat(r[5]) if r[5] else None,
                first_seen=dt.datetime.fromisoformat(r[6]),
                last_seen=dt.datetime.fromisoformat(r[7]),
            )
            for r in rows
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema to :data:`SCHEMA_VERSION`; refuse a newer one."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")  # one opener migrates; the others wait, then see it done
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise ConfigError(
                f"the run store {path} was written by a newer summarizer (schema {version}, "
                f"this one reads {SCHEMA_VERSION}); upgrade, or pass --store PATH or --no-store"
            )
        for script in _MIGRATIONS[version:]:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _load(run_id: int, fmt: int, payload: str) -> StoredRun | None:
    """A stored run, or None (logged) when this version cannot read it."""
    if fmt != PAYLOAD_FORMAT:
        log.warning("run %d in the store has format %d; skipped", run_id, fmt)
        return None
    try:
        return StoredRun.model_validate_json(payload).model_copy(update={"id": run_id})
    except ValidationError as exc:
        log.warning("run %d in the store cannot be read (%s); skipped", run_id, exc)
        return None


def open_store(path: Path) -> Store:
    """Open (creating if needed) the store at ``path``; a :class:`ConfigError` if unusable."""
    return Store(path)


# --------------------------------------------------------------------------- a command's history


@dataclass(frozen=True)
class RunHistory:
    """One command's use of the store: the previous run read at the start, saving at the end.

    The store is opened for each step and closed after it, so nothing stays open while
    the pipeline runs, and an unusable store fails the command before any work.
    """

    path: Path
    command: str
    scope: str
    since_last: bool
    previous: StoredRun | None

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        command: str,
        inputs: Iterable[str | Path],
        since_last: bool,
        selection: Mapping[str, Any] | None = None,
    ) -> RunHistory:
        scope = scope_of(inputs, selection)
        with open_store(path) as store:
            previous = store.previous_run(command=command, scope=scope) if since_last else None
        return cls(path, command, scope, since_last, previous)

    def record(self, report: Report) -> StoredRun:
        """This run's record (not saved yet): what :meth:`since` compares and :meth:`save` keeps."""
        return snapshot(report, command=self.command, scope=self.scope)

    def since(self, current: StoredRun) -> SinceLast | None:
        """What ``--since-last`` shows for this run; None without ``--since-last``."""
        if not self.since_last:
            return None
        if self.previous is None:
            return NoPreviousRun(command=self.command)
        return diff_runs(self.previous, current)

    def save(self, current: StoredRun) -> StoredRun:
        with open_store(self.path) as store:
            return store.save(current)

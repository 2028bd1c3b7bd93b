"""Revisions: a figure reported again later with a new value is an update, not a dispute.

News about one event is updated as it develops: "three people were killed" on Monday,
"the death toll has risen to four" on Tuesday. The later figure replaces the earlier
one. Two general signals decide it, never words of one story:

* publication order: a figure from an article published on a later day than every
  source of the other figure (a later article's different count of the same thing);
* revision language around the figure, the words of an update: "has risen to",
  "rose from three to four", "climbed to", "now stands at", "revised up to", "up from",
  "the latest toll" (:func:`revising`); the figure after "from" in "rose from three
  to four" is the old one (:func:`superseded`).

Inside one timeline entry (one fact, after :mod:`summarizer.stages.merge`), a topic's
figures that do not agree fall into groups; one group revises the others when it is
newer than each of them (:func:`is_newer`): published on a later day than all of the
other group's sources, or stated with revision language where the other is not and
published no earlier. Figures of the same day without revision language stay a
disagreement, a source without a publication date is ordered only by its language, and
figures published more than ``REVISION_DAYS`` apart are not updates of one report (a
long-running story's different tolls are different facts, or a merge's mistake).

Across entries (:func:`link_across`): a follow-up's "the death toll from Monday's blast
has risen to four" is its own entry, dated Tuesday. A figure stated with revision
language revises the differing figure on the same topic of an earlier entry about the
same thing: dated no later (or reported on an earlier day), from sources published no
later, and sharing enough of the
run's distinctive terms (:class:`Relatedness`: words weighted by how rare they are among
the run's entries with figures, corpus statistics rather than word lists) and naming
the same things (:func:`other_things`: one company's "profit rose to" is not an update
of another company's profit, nor its rival report).
Without revision language, two entries' different figures are two facts. An update
says what changed since an earlier report: when a figure reported on an earlier day is
there to be updated, that is the figure revised, and another outlet's different figure
of the update's own day is a rival report of the same moment (a disagreement: "about
60,000 homes without power" vs "climbed to 65,000 overnight", both on Wednesday, after
Tuesday's 40,000), not the figure the update replaced (:attr:`Link.rivals`); so is
another outlet's count of anything its sentence times to the update's own day
(:func:`of_update_day`: "300 travellers were stranded on Wednesday" vs "rose to 450 on
Wednesday"), even with no earlier report.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from summarizer.models import Evidence, MergedEvent, Quantity
from summarizer.stages.quantities import comparable, same_figure
from summarizer.stages.subjects import FUNCTION_WORDS

ABOUT = 0.5  # share of the smaller entry's term weight two entries must share (across entries)
MIN_SHARED = 2  # distinctive terms two related entries must share at least
REVISION_DAYS = 14  # figures published further apart are not updates of one report
SPELLING = 85  # rapidfuzz ratio of two spellings of one name (merge's similarity too)
_WINDOW = 100  # characters before a figure searched for revision language

_CHANGE = (
    r"(?:risen|rose|rises|rising|climbed|climbs|climbing|increased|increases|grown|grew|"
    r"jumped|soared|surged|fallen|fell|falls|dropped|declined|decreased|narrowed|widened|"
    r"shrank|shrunk|swelled|swollen|"
    r"revised(?:\s+(?:up|down)(?:wards?)?)?|updated|raised|lowered)"
)
_REVISING_BEFORE = re.compile(
    r"(?:\b" + _CHANGE + r"\b[^.;:!?]{0,60}?\b(?:to|at)"  # "has risen to", "rose from 3 to"
    r"|\bnow\s+(?:stands?\s+at|stood\s+at|at|totals?|numbers?|is|are)"  # "now stands at"
    r"|\bbringing\s+(?:the\s+)?[^.;:!?]{0,30}?\b(?:to|at)"  # "bringing the total to"
    r"|\b(?:restored|reconnected)\b[^.;:!?]{0,40}?\ball\s+but)\s+$"  # "restored to all but"
    r"|\b(?:latest|new|updated|revised)\s+(?:death\s+|casualty\s+)?"
    r"(?:tolls?|figures?|counts?|tally|tallies|totals?|estimates?)\b[^.;:!?]{0,40}$",
    re.IGNORECASE,
)
_REVISING_AFTER = re.compile(
    r"^[^.;:!?]{0,40}?\b(?:(?:up|down)\s+from|(?:have|has)\s+now)\b",
    re.IGNORECASE,
)
_SUPERSEDED_BEFORE = re.compile(
    r"(?:\b" + _CHANGE + r"\s+from|\b(?:up|down)\s+from|\bfrom\s+an?\s+(?:earlier|initial|"
    r"previous)\s+[a-z]+\s+of|\b(?:earlier|initially|previously|first)\s+(?:reported|put|given|"
    r"said|estimated)(?:\s+as|\s+at)?)\s+$",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(r"[.;!?]\s")
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W\d_]|[^\W\d_]")


@dataclass(frozen=True)
class Figure:
    """One source's figure on one entry, with what the code knows about its time."""

    event: MergedEvent
    source: str
    quantity: Quantity
    published: dt.date | None
    revising: bool = False  # stated as an update ("has risen to four")
    superseded: bool = False  # stated as the old side of a change ("from three")


def _context(
    event: MergedEvent, source: str, q: Quantity, quotes: Quotes | None = None
) -> tuple[str, str]:
    """The text of the figure's evidence quote before and after the figure (same sentence)."""
    ev = evidence_for(event, source, q, quotes)
    return ("", "") if ev is None else context_in(ev, q)


def context_in(ev: Evidence, q: Quantity) -> tuple[str, str]:
    """The text of ``ev``'s quote before (from the sentence start) and after ``q``."""
    start, end = q.start - ev.start, q.end - ev.start
    if not (0 <= start <= end <= len(ev.quote)) or ev.quote[start:end] != q.raw:
        found = ev.quote.find(q.raw)
        if found < 0:
            return "", ""
        start, end = found, found + len(q.raw)
    before = ev.quote[max(0, start - _WINDOW) : start]
    cuts = list(_BOUNDARY.finditer(before))
    if cuts:
        before = before[cuts[-1].end() :]
    return before, ev.quote[end : end + _WINDOW]


Quotes = Mapping[str, Sequence[Evidence]]  # an entry's quotes by source


def quotes_by_source(event: MergedEvent) -> dict[str, list[Evidence]]:
    """Each source's quotes in ``event``, in its order: picked out once an entry, since
    a heavily covered entry has thousands of quotes and each of its figures looks up its
    own (a scan of them all for each figure made comparing quadratic in coverage)."""
    out: dict[str, list[Evidence]] = {}
    for ev in event.evidence:
        out.setdefault(ev.source, []).append(ev)
    return out


def evidence_for(
    event: MergedEvent, source: str, q: Quantity, quotes: Quotes | None = None
) -> Evidence | None:
    """``source``'s quote in ``event`` holding ``q``, else its first quote there;
    ``quotes``: :func:`quotes_by_source` of ``event``, when already made."""
    mine = (
        [e for e in event.evidence if e.source == source]
        if quotes is None
        else quotes.get(source, ())
    )
    for ev in mine:
        if ev.start <= q.start and q.end <= ev.end:
            return ev
    return mine[0] if mine else None


def stated_change(before: str, after: str) -> bool:
    """Either side of a stated change: "three" or "four" in "rose from three to four"."""
    return superseded(before) or revising(before, after)


def revising(before: str, after: str) -> bool:
    """Revision language around a figure: "has risen to four", "four, up from three"."""
    return bool(_REVISING_BEFORE.search(before) or _REVISING_AFTER.match(after))


def superseded(before: str) -> bool:
    """The old side of a stated change: "three" in "rose from three to four"."""
    return bool(_SUPERSEDED_BEFORE.search(before))


def figure(
    event: MergedEvent,
    source: str,
    q: Quantity,
    published: Mapping[str, dt.date | None],
    quotes: Quotes | None = None,
) -> Figure:
    """``q`` as a :class:`Figure`, its time flags read from its quote (``quotes``:
    :func:`quotes_by_source` of ``event``, when already made)."""
    before, after = _context(event, source, q, quotes)
    old = superseded(before)
    return Figure(
        event=event,
        source=source,
        quantity=q,
        published=published.get(source),
        revising=not old and revising(before, after),
        superseded=old,
    )


def is_newer(group: Sequence[Figure], other: Sequence[Figure]) -> bool:
    """Whether ``group``'s figure replaces ``other``'s (see the module docstring)."""
    if not group or not other or any(f.superseded for f in group):
        return False
    if all(vague(f.quantity) for f in group) and not all(vague(f.quantity) for f in other):
        return False  # "tens of thousands" after "200,000": a looser restatement, no update
    if all(f.superseded for f in other):
        return True
    mine = [f.published for f in group]
    theirs = [f.published for f in other]
    dated_mine = [d for d in mine if d is not None]
    dated_theirs = [d for d in theirs if d is not None]
    all_dated = len(dated_mine) == len(mine) and len(dated_theirs) == len(theirs)
    if dated_mine and dated_theirs and _apart(dated_mine + dated_theirs) > REVISION_DAYS:
        return False  # weeks apart: not the updates of one report
    if all_dated and min(dated_mine) > max(dated_theirs) and not changes([*group, *other]):
        return True  # a later day's article
    if not any(f.revising for f in group) or any(f.revising for f in other):
        return False
    # stated as an update: it must not come from an article older than the other figure
    return not (dated_mine and dated_theirs and min(dated_mine) < max(dated_theirs))


def changes(figures: Sequence[Figure]) -> bool:
    """Whether the figures measure a change ("fell 700 points", "rose 5 percent"): a
    change is a fact of its day, so a later day's different change is another fact,
    not an update (only revision language makes it one)."""
    return any(f.quantity.predicate in {"up", "down"} for f in figures)


def vague(q: Quantity) -> bool:
    """A figure in words that name a range ("thousands", "several"), not a number."""
    return q.low is not None and q.high is not None and not re.search(r"\d", q.raw)


def _apart(days: Sequence[dt.date]) -> int:
    return (max(days) - min(days)).days


def newest(groups: Sequence[Sequence[Figure]]) -> int | None:
    """The index of the group newer than every other group, if there is one."""
    for i, group in enumerate(groups):
        if all(is_newer(group, other) for j, other in enumerate(groups) if j != i):
            return i
    return None


# --------------------------------------------------------------------------- across entries


def _fold(word: str) -> str:
    """A word's comparable form: lower case, a plural "s" dropped ("blasts" -> "blast").
    Cheap on purpose: relatedness runs over every entry with figures."""
    low = word.lower()
    return low[:-1] if len(low) > 4 and low.endswith("s") and not low.endswith("ss") else low


def text_terms(text: str) -> set[str]:
    """The words of a text, folded, numbers and function words ("the", "has") aside."""
    words = (w for w in _WORD.findall(text) if w.lower() not in FUNCTION_WORDS)
    return {t for t in map(_fold, words) if len(t) > 2}


def _terms(event: MergedEvent) -> set[str]:
    return set().union(*(text_terms(ev.quote) for ev in event.evidence), text_terms(event.text))


_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]*[^\W\d_]")
_OPENING = re.compile(r"(?:^|[.!?:;][\"”’)]*\s+|[\"“(\[]|[—–]\s*)$")  # a sentence, quotation opens
_CALENDAR = frozenset(
    w.lower() for w in (*calendar.day_name, *calendar.month_name, *calendar.month_abbr) if w
)


Names = dict[str, set[str]]  # a name (folded) -> the words beside it ("<in", ">system")


def text_names(text: str) -> Names:
    """The names a text gives, folded, each with the words beside it: capitalised words
    that do not open a sentence or a quotation, or that run on into another capitalised
    word ("Ulharquin Foods said"); days and months aside. Names are what two reports of
    one thing share even when their other words differ."""
    found = list(_CAPITALISED.finditer(text))
    names: Names = {}
    for i, m in enumerate(found):
        word = m.group().lower()
        if word in _CALENDAR or word in FUNCTION_WORDS:
            continue
        runs_on = i + 1 < len(found) and text[m.end() : found[i + 1].start()] == " "
        if runs_on or not _OPENING.search(text, 0, m.start()):
            names.setdefault(_fold(m.group()), set()).update(_beside(text, m.start(), m.end()))
    return names


def _beside(text: str, start: int, end: int) -> list[str]:
    """The content words just before and after a name, marked by side."""
    before = _WORD.findall(text, max(0, start - 30), start)
    after = _WORD.findall(text, end, end + 30)
    out = []
    if before and before[-1].lower() not in FUNCTION_WORDS:
        out.append("<" + _fold(before[-1]))
    if after and after[0].lower() not in FUNCTION_WORDS:
        out.append(">" + _fold(after[0]))
    return out


def _event_names(event: MergedEvent) -> Names:
    names: Names = {}
    for ev in event.evidence:
        for name, beside in text_names(ev.quote).items():
            names.setdefault(name, set()).update(beside)
    return names


def other_things(a: Names, b: Names) -> bool:
    """Two texts that both name things are about different things when they have no
    name in common ("Ulharquin Foods" and "Draashsel Systems"), or when one names
    something where the other names another, beside the same word ("Marlisrin Systems",
    "Zenbravi Systems"; "Russian forces", "Ukrainian forces"). Spellings of one name
    ("Zaporizhzhia", "Zaporizhzia") are one name (rapidfuzz ratio >= ``SPELLING``)."""
    if not a or not b:
        return False
    only_a = [(n, c) for n, c in a.items() if n not in b]
    only_b = [(n, c) for n, c in b.items() if n not in a]
    if len(only_a) == len(a) and not any(_spelling(n, m) for n, _ in only_a for m, _ in only_b):
        return True
    return any(
        not ca.isdisjoint(cb) and not _spelling(n, m) for n, ca in only_a for m, cb in only_b
    )


def _spelling(n: str, m: str) -> bool:
    return min(len(n), len(m)) >= 5 and fuzz.ratio(n, m) >= SPELLING


@dataclass
class Relatedness:
    """How much two entries are about the same thing, from the run's own term statistics.

    Each word (folded, function words aside) weighs its smoothed inverse document
    frequency over the run's entries, log((n + 1) / df), so words most entries have
    ("said") weigh little and a place or a name weighs much. Two entries' relatedness
    is the weight of the terms they share over the smaller entry's weight of shareable
    terms (those at least two entries of the run use: a word no other entry has cannot
    link anything), and is 0 unless they share at least ``MIN_SHARED`` such terms.
    """

    events: Sequence[MergedEvent]
    _terms: dict[str, set[str]] = field(default_factory=dict)
    _names_seen: dict[str, Names] = field(default_factory=dict)
    _idf: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        df: Counter[str] = Counter()
        for event in self.events:
            terms = _terms(event)
            self._terms[event.id] = terms
            df.update(terms)
        n = max(len(self.events), 1)
        self._idf = {t: math.log((n + 1) / d) for t, d in df.items() if d > 1}

    def _weight(self, terms: set[str]) -> float:
        # fsum: exactly rounded, so the same whatever order the set iterates in (a plain
        # sum followed the hash seed, and with it which entry a tie went to)
        return math.fsum(self._idf.get(t, 0.0) for t in terms)

    def score(self, a: MergedEvent, b: MergedEvent) -> float:
        """Relatedness of two entries of the run (0..1); 0 when they name different
        things (:func:`other_things`)."""
        if other_things(self._names_of(a), self._names_of(b)):
            return 0.0
        return self._share(self._terms.get(a.id) or _terms(a), self._terms.get(b.id) or _terms(b))

    def _names_of(self, event: MergedEvent) -> Names:
        # on demand: only entries a revising figure could update are ever compared
        names = self._names_seen.get(event.id)
        if names is None:
            names = self._names_seen[event.id] = _event_names(event)
        return names

    def score_text(self, text: str, event: MergedEvent) -> float:
        """Relatedness of a line (a headline) and an entry of the run (0..1)."""
        return self._share(text_terms(text), self._terms.get(event.id) or _terms(event))

    def _share(self, ta: set[str], tb: set[str]) -> float:
        shared = ta & tb
        if sum(1 for t in shared if self._idf.get(t, 0.0) > 0) < MIN_SHARED:
            return 0.0
        smaller = min(self._weight(ta), self._weight(tb))
        return self._weight(shared) / smaller if smaller > 0 else 0.0


@dataclass(frozen=True)
class Link:
    """A revising figure on one entry and the older figures it replaces on another."""

    new: tuple[Figure, ...]
    old: tuple[Figure, ...]
    rivals: tuple[Figure, ...] = ()  # other sources' differing figures of the same day


def reported_earlier(old: Figure, new: Figure) -> bool:
    """``old`` was published on a day before ``new``."""
    return bool(old.published and new.published and old.published < new.published)


def of_update_day(old: Figure, new: Figure) -> bool:
    """``old`` is another outlet's count of one thing ("homes were without power on
    Wednesday morning", "300 travellers were stranded on Wednesday") at a time its own
    sentence gives, the day ``new`` was published: as current as the update, so not the
    figure the update replaced. (A toll's day is its event's day, not the count's:
    "killed three workers on Monday" can still be updated that Monday.)"""
    q = old.quantity
    if not (_rival(old, new) and q.kind == "count"):
        return False
    ev = evidence_for(old.event, old.source, q)
    dated = ev is not None and ev.date_expression is not None
    return dated and not old.event.date.from_publication and old.event.date.start == new.published


def rivals_only(old: Sequence[Figure], new: Sequence[Figure]) -> bool:
    """An update's figures (``new``) in one entry with figures of its own day only, one
    of them another outlet's count dated to that day (:func:`of_update_day`): rival
    reports of one day, not figures the update replaced."""
    if any(reported_earlier(o, f) for o in old for f in new):
        return False
    return any(of_update_day(o, f) for o in old for f in new if f.revising)


def _rival(old: Figure, new: Figure) -> bool:
    """Another source's figure published the same day as ``new``."""
    return old.source != new.source and bool(old.published and old.published == new.published)


def _older_candidates(new: Figure, figures: Sequence[Figure]) -> list[Figure]:
    """Figures on other, earlier entries that state the same thing with another value."""
    out = []
    for old in figures:
        if old.event.id == new.event.id or old.superseded:
            continue
        reported_before = bool(new.published and old.published and old.published < new.published)
        if old.event.date.start > new.event.date.start and not reported_before:
            continue  # a later fact, not an earlier report (unless it was published earlier)
        if (
            new.published
            and old.published
            and not (0 <= (new.published - old.published).days <= REVISION_DAYS)
        ):
            continue
        q, r = new.quantity, old.quantity
        if comparable(q, r, strict=True) and not same_figure(q, r):
            out.append(old)
    return out


def _comparability(q: Quantity) -> tuple[str, str | None, str | None, str | None]:
    """What :func:`~summarizer.stages.quantities.comparable` (strict) requires two figures
    to share: kind, unit and, for counts and percentages, the counted thing (and state)."""
    subject = q.subject if q.kind in {"count", "percent"} else None
    return (q.kind, q.unit or None, subject, q.predicate if q.kind == "count" else None)


def _same_count(new: Figure, old: tuple[Figure, ...]) -> tuple[Figure, ...]:
    """The old figures that count what ``new`` counts: a toll of people in general ("has
    risen to four") revises the earlier general toll ("three people have died"), not a
    part of it the sentence names ("after two fishermen were found dead"); a named toll
    is taken only when the entry has no general one ("killed three workers")."""
    same = tuple(f for f in old if f.quantity.subject == new.quantity.subject)
    return same or old


def link_across(figures: Sequence[Figure], related: Relatedness) -> list[Link]:
    """Revising figures linked to the older entry they update (see the module docstring).

    Each revising figure looks only at the figures it could be comparable with (same
    :func:`_comparability`, in their order): not every figure of the run.
    """
    links: dict[tuple[str, str, str], Link] = {}
    alike: dict[tuple[str, str | None, str | None, str | None], list[Figure]] = {}
    for figure in figures:
        alike.setdefault(_comparability(figure.quantity), []).append(figure)
    for new in figures:
        if not new.revising:
            continue
        candidates = _older_candidates(new, alike[_comparability(new.quantity)])
        scored = [(related.score(new.event, c.event), c) for c in candidates]
        scored = [(s, c) for s, c in scored if s >= ABOUT]
        earlier = [(s, c) for s, c in scored if reported_earlier(c, new)]
        current = [(s, c) for s, c in scored if of_update_day(c, new)]
        rivals = tuple(c for _, c in (scored if earlier else current) if _rival(c, new))
        # "climbed to 65,000": since an earlier day's report, not since a rival's figure
        scored = earlier or [(s, c) for s, c in scored if (s, c) not in current]
        if not scored and not rivals:
            continue
        if scored:
            best = max(scored, key=lambda sc: (sc[0], sc[1].event.date.start, sc[1].event.id))
            old = _same_count(new, tuple(c for s, c in scored if c.event.id == best[1].event.id))
        else:
            best, old = (0.0, rivals[0]), ()  # only rivals: a disagreement, no revision
        q = new.quantity
        key = (new.event.id, best[1].event.id, f"{q.kind}|{q.unit}|{q.subject}")
        known = links.get(key)
        links[key] = Link(
            new=(*known.new, new) if known else (new,),
            old=known.old if known else old,
            rivals=(*known.rivals, *rivals) if known else rivals,
        )
    return list(links.values())


def explained(links: Sequence[Link]) -> frozenset[tuple[str, str, int]]:
    """Revising figures (entry id, source, start) that update an earlier day's figure,
    or that only rival other outlets' figures of their own day."""
    return frozenset(
        (f.event.id, f.source, f.quantity.start)
        for link in links
        for f in link.new
        if any(reported_earlier(o, f) for o in link.old) or not link.old
    )

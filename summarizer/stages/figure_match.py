"""Whether two figures are figures of the same thing, and which figures of an entry are.

:func:`comparable` answers it for a pair; :func:`comparable_components` groups the
figures of one timeline entry in linear time (an entry cited by thousands of sources,
or one huge sentence, holds thousands of figures), through the keys that
:func:`comparable` implies. What a figure is of comes from
:mod:`summarizer.stages.subjects`; a figure whose subject cannot be told
(:func:`has_subject`) is compared with nothing when the comparison is ``strict``
(disagreements, revisions, the headline's wording). A subject spelled out ("gross
domestic product") takes the acronym the run uses for it ("GDP": :func:`with_acronyms`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from summarizer.models import MergedEvent, Quantity
from summarizer.stages.subjects import stem
from summarizer.stages.units import KINDS as MEASURES

MEASURED = frozenset({"percent", "money"})
TOLLS = frozenset({"killed", "injured", "casualties"})
_GENERIC_STEMS = frozenset(stem(w) for w in ("people", "person", "persons", "others", "victims"))


def comparable(a: Quantity, b: Quantity, *, strict: bool = False) -> bool:
    """Same kind and unit, and about the same thing: worth comparing.

    Counts: the same head noun (stems: "households" and "household"). Distances: the
    same reference, word stems matching by prefix ("ukrain" of "Ukraine" and
    "ukrainian border"), or neither naming one.

    ``strict`` (disagreements, revisions, the headline's wording) asks for figures of
    the same thing, each with a subject that can be told (:func:`has_subject`): counts
    also in the same state ("stranded" vs "evacuated" people are two counts); sums and
    percentages of the same thing and, for a change, in the same direction ("Ford sales
    fell 31 percent" is not compared with "Toyota sales fell 34 percent", nor with
    "Ford's share is 31 percent"); tolls of the same people ("four of its peacekeepers"
    is not "14 UN personnel"). A toll of people in general ("the death toll has risen to
    four") is the entry's toll and compares with a toll that names whom it counts
    ("killed three workers"). Without ``strict`` (merge's evidence) sums, percentages
    and tolls compare by kind and unit only.
    """
    if a.kind != b.kind or (a.unit or None) != (b.unit or None):
        return False
    if strict and not (has_subject(a) and has_subject(b)):
        return False
    if a.kind == "distance":
        return same_reference(a.subject, b.subject)
    if a.kind in MEASURES:  # the entry's area, speed...: unless one names another thing
        return not strict or (a.subject == b.subject and a.predicate == b.predicate)
    if strict and a.kind == "count" and a.predicate and a.predicate == b.predicate:
        return a.subject == b.subject or _generic(a) != _generic(b)  # people / passengers
    if a.kind == "count" or (strict and a.kind in MEASURED):
        return a.subject == b.subject and (not strict or a.predicate == b.predicate)
    return not strict or a.subject == b.subject or a.subject is None or b.subject is None


def _generic(q: Quantity) -> bool:
    return q.subject in _GENERIC_STEMS


def has_subject(q: Quantity) -> bool:
    """Whether what the figure is of can be told: a sum or a percentage needs its subject
    (:func:`subjects.measured_subject`), a distance its reference, a count of people in
    general its state ("people stranded"; "2,000 people" alone could be anyone); a toll
    is the toll of its entry's event, an area, speed, mass, volume or temperature that
    names nothing else ("burned 12,000 acres") the entry's."""
    if q.kind in MEASURED or q.kind == "distance":
        return q.subject is not None
    if q.kind == "count":
        return q.subject is not None and (q.subject not in _GENERIC_STEMS or bool(q.predicate))
    return True


def same_reference(a: str | None, b: str | None) -> bool:
    """Two distance references name the same place: a shared word, stems matched by
    prefix (at least 4 letters), or neither given."""
    if a is None or b is None:
        return a is None and b is None
    return any(
        (min(len(x), len(y)) >= 4 and (x.startswith(y) or y.startswith(x))) or x == y
        for x in a.split()
        for y in b.split()
    )


def comparable_components(
    quantities: Sequence[Quantity], *, strict: bool = False
) -> list[list[int]]:
    """Groups of :func:`comparable` figures over ``quantities``: lists of indices, each in
    order, ordered by their first index.

    The connected components of :func:`comparable`, found without comparing every pair:
    figures are linked through the keys that :func:`comparable` implies (kind, unit, and
    the counted thing, the sum's or percentage's subject and direction when ``strict``;
    for distances each reference word, and its prefixes of 4+ letters that another
    figure's word equals). One exception keeps two named tolls apart: a toll of people in
    general joins the named toll of its kind only when there is exactly one ("killed
    three workers" and "the death toll has risen to four"), never bridging "four
    peacekeepers" and "14 UN personnel".
    """
    parent = list(range(len(quantities)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def link(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    first: dict[tuple[object, ...], int] = {}
    words: list[tuple[int, tuple[str, str | None], str]] = []
    general: list[int] = []  # strict tolls of people in general
    for i, q in enumerate(quantities):
        base = (q.kind, q.unit or None)
        if strict and not has_subject(q):
            continue  # compared with nothing
        if q.kind == "distance":
            if q.subject is None:
                link(i, first.setdefault((*base, "no reference"), i))
            for word in set(q.subject.split()) if q.subject else ():
                link(i, first.setdefault((*base, "word", word), i))
                words.append((i, base, word))
        elif strict and q.kind == "count" and _generic(q):
            general.append(i)  # "2,000 people stranded": joins the one other count stranded
        elif q.kind == "count" or (strict and q.kind in MEASURED | MEASURES):
            link(i, first.setdefault((*base, q.subject, q.predicate if strict else None), i))
        elif strict and q.kind in TOLLS and q.subject is None:
            general.append(i)
        else:
            link(i, first.setdefault((*base, "toll", q.subject if strict else None), i))
    for i, base, word in words:  # "ukrain" links "ukraine" (a prefix of 4+ letters)
        for n in range(4, len(word)):
            j = first.get((*base, "word", word[:n]))
            if j is not None:
                link(i, j)
    _join_general_tolls(quantities, general, first, link)
    groups: dict[int, list[int]] = {}
    for i in range(len(quantities)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _join_general_tolls(
    quantities: Sequence[Quantity],
    general: list[int],
    first: dict[tuple[object, ...], int],
    link: Callable[[int, int], None],
) -> None:
    """Link each toll of people in general to the one named toll of its kind, if one."""
    named: dict[tuple[object, ...], list[int]] = {}
    for key, i in first.items():
        if len(key) == 4 and key[2] == "toll":
            named.setdefault(key[:2], []).append(i)
        elif len(key) == 4 and key[0] == "count" and key[3] is not None:
            named.setdefault((*key[:2], key[3]), []).append(i)  # counts by their state
    for i in general:
        q = quantities[i]
        base = (q.kind, q.unit or None)
        if q.kind == "count":
            same = named.get((*base, q.predicate), [])
            own = first.setdefault((*base, q.subject, q.predicate), i)
            link(i, same[0] if len(same) == 1 and same[0] != own else own)
            continue
        tolls = named.get(base, [])
        link(i, tolls[0] if len(tolls) == 1 else first.setdefault((*base, "toll", None), i))


def with_acronyms(events: Sequence[MergedEvent]) -> Sequence[MergedEvent]:
    """The entries with each sum's or percentage's subject keyed by the acronym the run
    uses for it (:func:`spelled_out`): "74 percent of gross domestic product"
    is compared with "71 percent of GDP". One pass over the run's figures; unchanged
    when the run's subjects hold no acronym."""
    known = acronyms(
        q.noun or ""
        for e in events
        for qs in e.quantities.values()
        for q in qs
        if q.kind in MEASURED and q.subject
    )
    if not known:
        return events
    return [_keyed(e, known) for e in events]


def _keyed(event: MergedEvent, known: frozenset[str]) -> MergedEvent:
    changed = False
    quantities: dict[str, tuple[Quantity, ...]] = {}
    for source, qs in event.quantities.items():
        out = []
        for q in qs:
            key = (
                spelled_out(q.subject, q.noun, known)
                if q.kind in MEASURED and q.subject and q.noun
                else q.subject
            )
            changed = changed or key != q.subject
            out.append(q if key == q.subject else q.model_copy(update={"subject": key}))
        quantities[source] = tuple(out)
    return event.model_copy(update={"quantities": quantities}) if changed else event


# --------------------------------------------------------------------------- acronyms

_ACRONYM = re.compile(r"[A-Z]{2,6}")


def acronyms(written: Iterable[str]) -> frozenset[str]:
    """The all-capital words (2 to 6 letters) among subjects as written: "GDP", "IMF"."""
    return frozenset(w for text in written for w in text.split() if _ACRONYM.fullmatch(w))


def spelled_out(key: str, written: str, known: frozenset[str]) -> str:
    """The key of a subject whose phrase spells out an acronym the run also uses ("gross
    domestic product" when another figure is "of GDP"; "International Monetary Fund"
    and "IMF"): the words the acronym stands for (those ending the phrase, their
    initials) give way to it, so both are one subject ("General Motors sales" and "GM
    sales"). A two-letter acronym needs
    capitalised words ("General Motors", "GM"); otherwise ``key`` is returned."""
    base, at, when = key.partition(" @")
    words = written.split()
    spans = ((i, j) for i in range(len(words) - 1) for j in range(len(words), i + 1, -1))
    for i, j in spans:
        span = words[i:j]
        initials = "".join(w[0] for w in span).upper()
        if initials not in known or (len(initials) < 3 and not all(w[0].isupper() for w in span)):
            continue
        last = len(words) - 1  # the head stays in the key; other words if names
        kept = {
            stem(w) for k, w in enumerate(words) if not i <= k < j and (w[0].isupper() or k == last)
        }
        base = " ".join(sorted({*kept, stem(initials)}))
        break
    return f"{base}{at}{when}"

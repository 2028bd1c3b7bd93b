"""Render a :class:`~summarizer.models.Report` as the v1 JSON document.

The report is mapped onto the typed contract of :mod:`summarizer.output.contract`
(:class:`~summarizer.output.contract.ReportV1`), then written with :mod:`json`
(two-space indent, offset pairs on one line, a final newline; the items of the long
lists by pydantic's JSON writer, the same text faster: :func:`_item_text`). Like the markdown,
the output is deterministic: no timestamps or timings, except the previous run's
time in the ``--since-last`` object.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from summarizer.beside import MAX_QUOTES, available_cores, beside
from summarizer.models import (
    Agreement,
    ArticleChange,
    BriefLine,
    Changes,
    Claim,
    Disagreement,
    MergedEvent,
    Precision,
    Quantity,
    Report,
    Revision,
    SinceLast,
    SourceReport,
)
from summarizer.output import lines
from summarizer.output.contract import (
    SCHEMA_VERSION,
    AgreementV1,
    ArticleV1,
    BriefLineV1,
    ChangesV1,
    ClaimV1,
    ConfirmationV1,
    Contract,
    DisagreementV1,
    DroppedReasonV1,
    EventV1,
    EvidenceV1,
    FailureV1,
    FigureNoteV1,
    NoPreviousRunV1,
    PreviousRunV1,
    QuantityV1,
    ReportV1,
    RevisedFigureV1,
    RevisionV1,
    SourceV1,
    StatsV1,
    SummarySentenceV1,
    SuspectedInstructionV1,
)
from summarizer.output.names import source_name
from summarizer.output.render import one_line, revision_marks

_PAIR = re.compile(r"\[\s+(-?\d+),\s+(-?\d+)\s+\]")


def event_v1(event: MergedEvent, marks: Mapping[str, list[str]] | None = None) -> EventV1:
    """The entry as JSON; ``marks``: each entry's revised-figure marks
    (:func:`~summarizer.output.render.revision_marks`)."""
    date = event.date
    return EventV1(
        id=event.id,
        date=date.iso(),
        date_end=date.iso_end() if date.precision is Precision.RANGE else None,
        precision=date.precision,
        date_expression=date.expression,
        date_from_publication=date.from_publication,
        date_assumed=date.assumed,
        date_reported_next_morning=date.next_morning(),
        text=event.text,
        sources=list(event.sources),
        evidence=[
            EvidenceV1(
                source=ev.source,
                quote=ev.quote,
                start=ev.start,
                end=ev.end,
                alignment=ev.alignment,
                date_expression=ev.date_expression,
            )
            for ev in event.evidence
        ],
        quantities={
            sid: [_quantity_v1(q) for q in qs] for sid, qs in sorted(event.quantities.items())
        },
        importance=round(event.importance, 6),
        revised=list((marks or {}).get(event.id, [])),
    )


def _quantity_v1(q: Quantity) -> QuantityV1:
    return QuantityV1(
        kind=q.kind,
        value=q.value,
        unit=q.unit,
        low=q.low,
        high=q.high,
        approximate=q.approximate,
        raw=q.raw,
        start=q.start,
        end=q.end,
        subject=q.subject,
        predicate=q.predicate,
        noun=q.noun,
    )


def claim_v1(claim: Claim) -> ClaimV1:
    return ClaimV1(
        source=claim.source,
        value=claim.value,
        quote=claim.quote,
        start=claim.start,
        end=claim.end,
        normalized=claim.normalized,
        unit=claim.unit,
        published=claim.published,
    )


def _revision_v1(item: Revision) -> RevisionV1:
    return RevisionV1(
        event=item.event,
        earlier_event=item.earlier_event,
        topic=item.topic,
        old=[claim_v1(c) for c in item.old],
        new=[claim_v1(c) for c in item.new],
        note=item.note,
    )


def _disagreement_v1(item: Disagreement) -> DisagreementV1:
    claims = [claim_v1(c) for c in item.claims]
    return DisagreementV1(event=item.event, topic=item.topic, claims=claims, note=item.note)


def _agreement_v1(item: Agreement) -> AgreementV1:
    claims = [claim_v1(c) for c in item.claims]
    return AgreementV1(event=item.event, topic=item.topic, claims=claims, note=item.note)


def _source_v1(sr: SourceReport) -> SourceV1:
    src = sr.source
    ext = sr.extraction
    return SourceV1(
        id=src.id,
        name=source_name(src),
        path=src.path,
        title=src.title,
        outlet=src.outlet,
        url=src.url,
        published=src.published,
        published_from=src.published_from,
        encoding=src.encoding,
        summary=" ".join(one_line(s.text) for s in ext.summary),
        summary_sentences=[
            SummarySentenceV1(text=s.text, start=s.start, end=s.end) for s in ext.summary
        ],
        dropped=[(d.start, d.end) for d in sr.cleaned.dropped],
        dropped_reasons=[
            DroppedReasonV1(start=d.start, end=d.end, reason=d.reason) for d in sr.cleaned.dropped
        ],
        unique_events=list(sr.unique_events),
        engine=ext.engine,
        model_events_proposed=ext.proposed_events,
        model_events_dropped=ext.dropped_events,
        notes=list(ext.notes),
        model_rewrites_dropped=ext.rewrites_dropped,
        suspected_instructions=[
            SuspectedInstructionV1(text=i.text, start=i.start, end=i.end)
            for i in ext.suspected_instructions
        ],
    )


def _line_v1(line: BriefLine) -> BriefLineV1:
    return BriefLineV1(
        text=line.text,
        event=line.event,
        sources=list(line.sources),
        notes=[
            FigureNoteV1(
                kind=n.kind,
                topic=n.topic,
                event=n.event,
                note=lines.note_text(n, lines.plain_markers),
                sources=list(n.sources),
            )
            for n in lines.notes(line)
        ],
    )


def _stats_v1(report: Report) -> StatsV1:
    stats = report.stats
    return StatsV1(
        engine=stats.engine,
        model=stats.model,
        model_events_proposed=stats.model_events_proposed,
        model_events_dropped=stats.model_events_dropped,
        prompt_tokens=stats.prompt_tokens,
        completion_tokens=stats.completion_tokens,
        calls=stats.calls,
        retries=stats.retries,
        notes=list(stats.notes),
        model_rewrites_dropped=stats.model_rewrites_dropped,
    )


# The document's long lists: written one item at a time by :func:`render_json`.
_LONG = ("sources", "events", "disagreements", "agreements", "revisions")


def _long_items(
    report: Report, marks: Mapping[str, list[str]] | None = None, events: int | None = None
) -> dict[str, Iterator[Contract]]:
    """Each long list of the document, as its items are mapped (lazily); ``marks``: the
    revised-figure marks when already made; ``events``: how many of the entries (the
    rest are written elsewhere: :func:`_last_entries`)."""
    marks = revision_marks(report) if marks is None else marks
    return {
        "sources": (_source_v1(sr) for sr in report.sources),
        "events": (event_v1(e, marks) for e in report.events[:events]),
        "disagreements": (_disagreement_v1(d) for d in report.disagreements),
        "agreements": (_agreement_v1(a) for a in report.agreements),
        "revisions": (_revision_v1(r) for r in report.revisions),
    }


def _document(report: Report, since_last: SinceLast | None, long: dict[str, Any]) -> ReportV1:
    """The typed document with the long lists given (``long``, by field name)."""
    head, developments = lines.brief_lines(report)
    return ReportV1(
        schema_version=SCHEMA_VERSION,
        generated_for_day=report.generated_for_day,
        headline=report.headline,
        key_developments=list(report.key_developments),
        headline_line=_line_v1(head) if head is not None else None,
        key_development_lines=[_line_v1(line) for line in developments],
        sources=long["sources"],
        events=long["events"],
        disagreements=long["disagreements"],
        agreements=long["agreements"],
        revisions=long["revisions"],
        failures=[FailureV1(path=f.path, reason=f.reason, stage=f.stage) for f in report.failures],
        stats=_stats_v1(report),
        since_last=(
            since_last_v1(since_last, revision_marks(report)) if since_last is not None else None
        ),
    )


def report_v1(report: Report, since_last: SinceLast | None = None) -> ReportV1:
    """The report as the typed v1 document (``since_last`` only when given)."""
    return _document(
        report, since_last, {k: list(items) for k, items in _long_items(report).items()}
    )


def report_to_dict(report: Report, since_last: SinceLast | None = None) -> dict[str, Any]:
    """The JSON document as plain data."""
    return report_v1(report, since_last).model_dump(mode="json")


def _dumps(data: Any) -> str:
    """``data`` as written: two-space indent, offset pairs on one line."""
    return _PAIR.sub(r"[\1, \2]", json.dumps(data, ensure_ascii=False, indent=2))


def document_text(document: ReportV1) -> str:
    """The document as written: two-space indent, offset pairs on one line, final newline."""
    return _dumps(document.model_dump(mode="json")) + "\n"


def render_json(report: Report, since_last: SinceLast | None = None) -> str:
    """The v1 JSON document (docs/schema/report-v1.schema.json).

    With ``since_last`` the document has a ``since_last`` object (:func:`since_last_v1`).
    The same text as :func:`document_text` of :func:`report_v1`, written one item of the
    long lists at a time: a run of 20,000 articles holds its 170 MB document once, not
    also as typed models and plain data.
    """
    return "".join(json_parts(report, since_last))


def json_parts(report: Report, since_last: SinceLast | None = None) -> Iterator[str]:
    """:func:`render_json`'s text in pieces, made as they are asked for: a writer that
    writes each piece as it comes (``summarizer -f json``) never holds the document."""
    skeleton = _dumps(_document(report, since_last, {k: [] for k in _LONG}).model_dump(mode="json"))
    marks = revision_marks(report)
    here, last = _last_entries(report, marks)
    rest = skeleton
    for key, items in _long_items(report, marks, here).items():
        marker = f'\n  "{key}": []'
        before, found, rest = rest.partition(marker)
        if not found:  # pragma: no cover - the skeleton always has every long list
            raise AssertionError(f"no {key} list in the JSON skeleton")
        yield before
        yield f'\n  "{key}": '
        yield from _list_text(items, last if key == "events" else None)
    yield rest
    yield "\n"


# A long list of entries is written in two processes (:func:`summarizer.beside.beside`):
# this one writes the sources and the first entries while a forked one writes the rest
# (Finan: 3,473 entries, about 0.17 CPU s of the writer's 0.22). Only from this many
# entries (a fork costs about 0.01 s), on a machine with another core, and up to
# :data:`~summarizer.beside.MAX_QUOTES` quotes (the fork's memory).
BESIDE_MIN_ENTRIES = 500
HERE_SHARE = 0.3  # of the entries, written here (this process writes the sources too)


def _last_entries(
    report: Report, marks: Mapping[str, list[str]]
) -> tuple[int | None, Callable[[], str] | None]:
    """(how many entries this process writes: ``None``, all; the text of the others,
    each after its separator, written by a process beside this one)."""
    events = report.events
    if len(events) < BESIDE_MIN_ENTRIES or available_cores() < 2:
        return None, None
    if sum(len(e.evidence) for e in events) > MAX_QUOTES:
        return None, None
    here = max(int(len(events) * HERE_SHARE), 1)
    return here, beside(
        lambda: "".join(",\n    " + _indented(event_v1(e, marks)) for e in events[here:])
    )


# Where json and pydantic's JSON writer could write a number differently: a float in
# exponent form, below 1e-4 or from 1e16 (json '1e-05' and '1e+16', pydantic '0.00001'
# and '10000000000000000.0').
# A number is a value: after a key's ": " or first on its line (a list's item), searched
# in "\n" + the text: a newline rather than "^" lets the search skip to the next ":" or
# newline (a third of the writing time was spent trying every character of long quotes).
_NUMBER_FORMS = re.compile(r"(?:: |\n +)-?(?:\d+(?:\.\d+)?[eE]|0\.0000|\d{17})")


def _item_text(item: Contract) -> str:
    """``_dumps(item.model_dump(mode="json"))``, written by pydantic's JSON writer (in
    Rust, about ten times faster than :mod:`json` with an indent, which runs in Python):
    the same layout, key order and escapes; an item with a number the two could write
    differently (:data:`_NUMBER_FORMS`; or what looks like one in a text) or that pydantic cannot
    write is written by :mod:`json`, as before."""
    try:
        text = item.model_dump_json(indent=2)
    except ValueError:  # pydantic's serialisation error: a text it cannot encode
        text = ""
    if not text or _NUMBER_FORMS.search("\n" + text):
        return _dumps(item.model_dump(mode="json"))
    return _PAIR.sub(r"[\1, \2]", text)


def _indented(item: Contract) -> str:
    """An item of a top-level list as written there."""
    return _item_text(item).replace("\n", "\n    ")


def _list_text(items: Iterator[Contract], last: Callable[[], str] | None = None) -> Iterator[str]:
    """A top-level list as ``json.dumps(..., indent=2)`` writes it, item by item;
    ``last``: the text of its last items, each after its separator (after one item
    at least)."""
    first = True
    for item in items:
        yield ("[\n    " if first else ",\n    ") + _indented(item)
        first = False
    if last is not None:
        yield last()
    yield "[]" if first else "\n  ]"


# --------------------------------------------------------------------------- since the previous run


def _article_v1(change: ArticleChange) -> ArticleV1:
    article = change.article
    return ArticleV1(
        id=article.source_id,
        path=article.path,
        title=article.title,
        outlet=article.outlet,
        published=article.published,
        content_hash=article.content_hash,
        previous_hash=change.previous_hash,
    )


def since_last_v1(
    since_last: SinceLast, marks: Mapping[str, list[str]] | None = None
) -> ChangesV1 | NoPreviousRunV1:
    """The ``since_last`` object: ``previous_run`` is null when there was none; new
    events carry this run's revised-figure ``marks`` as the report's events do."""
    if not isinstance(since_last, Changes):
        return NoPreviousRunV1(previous_run=None)
    changes = since_last
    if changes.previous.id is None:  # the previous run comes from the store: it was saved
        raise ValueError("the previous run has no store id")
    return ChangesV1(
        previous_run=PreviousRunV1(
            id=changes.previous.id,
            created_at=changes.previous.created_at.isoformat(),
            command=changes.previous.command,
        ),
        new_articles=[_article_v1(a) for a in changes.new_articles],
        updated_articles=[_article_v1(a) for a in changes.updated_articles],
        removed_articles=[_article_v1(a) for a in changes.removed_articles],
        new_events=[event_v1(e, marks) for e in changes.new_events],
        confirmations=[
            ConfirmationV1(
                event=c.event.id,
                text=c.event.text,
                date=c.event.date.iso(),
                sources=list(c.sources),
                previous_sources=list(c.previous_sources),
            )
            for c in changes.confirmations
        ],
        revised_figures=[
            RevisedFigureV1(
                event=r.event.id,
                text=r.event.text,
                date=r.event.date.iso(),
                topic=r.topic,
                old=[claim_v1(c) for c in r.old],
                new=[claim_v1(c) for c in r.new],
            )
            for r in changes.revisions
        ],
        gone_events=[event_v1(e) for e in changes.gone_events],
    )

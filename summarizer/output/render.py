"""Render a :class:`~summarizer.models.Report` as a markdown brief or a markdown timeline.

Markdown goes through jinja2 templates in ``summarizer/output/templates/`` (loaded
with :class:`jinja2.PackageLoader`, ``StrictUndefined``). This module turns the report
into plain view data; the templates only lay it out. JSON is
:mod:`summarizer.output.report_json`.

Escaping: every value a template prints passes :func:`md_escape` (jinja2's ``finalize``)
unless it is :class:`Md`, markdown this module wrote (citation links, code spans).
Article text (quotes, titles, outlets, model wording, paths, failure reasons) can hold
HTML or markdown: ``<script>`` or ``![](http://tracker)`` must reach a markdown
renderer as text, never live. jinja2's own autoescape would not do: it writes HTML
entities for quotes and ampersands, which spoil the raw markdown a reader sees, and it
leaves markdown links alone; :func:`md_escape` touches only what a renderer would act on.

Output is deterministic: the same report renders to the same bytes (no
timestamps, no timings), so a replayed run can be compared byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from summarizer.models import (
    MODEL_STAGE,
    SYNTHESIS_PATH,
    ArticleChange,
    BriefLine,
    Changes,
    Claim,
    Engine,
    InputFailure,
    MergedEvent,
    Precision,
    Report,
    ResolvedDate,
    SinceLast,
    Source,
)
from summarizer.output import lines
from summarizer.output.names import headline, record_name, source_name

if TYPE_CHECKING:
    from jinja2 import Environment

QUOTE_LIMIT = 400  # characters of a quote shown in markdown (JSON keeps it whole)
UNIQUE_LIMIT = 5  # "only this source reports" entries shown per source in the brief
NAME_LIMIT = 60  # characters of a source's display name
_SPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------- environment


class Md(str):
    """Markdown written by this module (not article text): printed as it is."""

    __slots__ = ()


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")  # what CommonMark reads as raw HTML
_LINK_BRACKETS = re.compile(r"([\[\]])")
# a block marker at the start ("1." or "1)" only before a space: "0.6 miles" is no list)
_LINE_START = re.compile(r"^(\s*)([#>+*=|-]|\d+(?=[.)](?:\s|$)))")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def md_escape(text: str) -> str:
    """``text`` as inert markdown that reads the same in raw form: one line, raw HTML
    opened with ``&lt;``, link and image brackets backslash-escaped, a leading block
    marker (``#``, ``>``, ``-``, ``1.``) escaped, control characters shown as ``\\xNN``."""
    flat = " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text
    flat = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", flat)
    flat = _TAG_START.sub("&lt;", flat)
    flat = _LINK_BRACKETS.sub(r"\\\1", flat)
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", flat, count=1)


def code_span(text: str) -> Md:
    """``text`` in a markdown code span (contents literal), fenced past any backticks."""
    flat = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", " ".join(text.split()))
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return Md(f"{fence}{pad}{flat}{pad}{fence}")


def _finalize(value: Any) -> Any:
    """jinja2 ``finalize``: escape every printed string that is not :class:`Md`."""
    if isinstance(value, Md) or not isinstance(value, str):
        return value
    return md_escape(value)


def _join(items: Iterable[Any], separator: str = "") -> Md:
    """jinja2's ``join`` for markdown: items escaped unless :class:`Md`."""
    return Md(separator.join(str(_finalize(item)) for item in items))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Imported here for start-up time only: a JSON run (one_line, failure_text) needs
    # none of jinja2.
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("summarizer.output", "templates"),
        undefined=StrictUndefined,
        autoescape=False,  # markdown, escaped by _finalize (see the module docstring)
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["code"] = code_span
    env.filters["join"] = _join
    return env


def _render(template: str, **context: Any) -> str:
    text = _environment().get_template(template).render(**context)
    text = re.sub(r"\n{3,}", "\n\n", text)  # templates may leave blank runs
    return text.rstrip("\n") + "\n"


# --------------------------------------------------------------------------- helpers


def one_line(text: str, limit: int | None = None) -> str:
    """Collapse whitespace; cut at ``limit`` characters with an ellipsis."""
    flat = _SPACE.sub(" ", text).strip()
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def quoted(text: str) -> str:
    """Wrap a quote in curly double quotes (quotes inside it nest as written)."""
    return f"“{text}”"


def date_label(date: ResolvedDate) -> str:
    """A precision-aware heading.

    ``2025-06-30`` (day), ``2024-05`` (month), ``2024`` (year), ``2025-03-01 – 2025-04-30`` (range).
    """
    if date.precision is Precision.RANGE and date.end is not None:
        return f"{date.start.isoformat()} – {date.end.isoformat()}"
    return date.iso()


def date_key(date: ResolvedDate) -> tuple[dt.date, int, dt.date]:
    """Sort key: oldest first; coarser precision first on the same start."""
    order = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.RANGE: 2, Precision.DAY: 3}
    return (date.start, order[date.precision], date.end or date.start)


def _covers(date: ResolvedDate, day: dt.date) -> bool:
    if date.precision is Precision.DAY:
        return date.start == day
    if date.precision is Precision.RANGE and date.end is not None:
        return date.start <= day <= date.end
    return False


@dataclass(frozen=True)
class Citations:
    """Numbers the sources 1..N in report order and formats citation markers."""

    numbers: dict[str, int]

    @classmethod
    def of(cls, report: Report) -> Citations:
        return cls({sr.source.id: i for i, sr in enumerate(report.sources, start=1)})

    def marker(self, source_id: str) -> Md:
        number = self.numbers.get(source_id)
        if number is None:
            return Md(md_escape(f"[{source_id}]"))
        return Md(f"[[{number}]](#source-{number})")

    def markers(self, source_ids: Iterable[str]) -> Md:
        known = sorted(set(source_ids), key=lambda s: (self.numbers.get(s, 10**9), s))
        return Md("".join(self.marker(s) for s in known))


# --------------------------------------------------------------------------- view data


@dataclass
class EntryView:
    id: str
    text: str
    markers: str
    from_publication: bool
    assumed: bool
    next_morning: str | None = None  # the paper's day of an entry shown the day before
    quotes: list[dict[str, str]] = field(default_factory=list)


@dataclass
class DateGroup:
    label: str
    entries: list[EntryView]


def _entry(event: MergedEvent, cites: Citations, *, with_quotes: bool) -> EntryView:
    quotes: list[dict[str, str]] = []
    if with_quotes:
        for ev in sorted(
            event.evidence, key=lambda e: (cites.numbers.get(e.source, 10**9), e.start)
        ):
            quotes.append(
                {
                    "marker": cites.marker(ev.source),
                    "quote": quoted(one_line(ev.quote, QUOTE_LIMIT)),
                }
            )
    return EntryView(
        id=event.id,
        text=one_line(event.text),
        markers=cites.markers(event.sources),
        from_publication=event.date.from_publication,
        assumed=event.date.assumed,
        next_morning=event.date.next_morning(),
        quotes=quotes,
    )


def revision_marks(report: Report) -> dict[str, list[str]]:
    """What each timeline entry says about revised figures, worded as the brief's
    "Revised figures" section, the JSON ``revisions`` and the HTML cards give them: the
    entry with the latest figure "figure revised: three killed (2025-03-03) → four
    killed (2025-03-04)", the earlier entry it updates "figure later revised: ..."."""
    marks: dict[str, list[str]] = defaultdict(list)
    for revision in report.revisions:
        marks[revision.event].append(f"figure revised: {revision.note}")
        if revision.earlier_event and revision.earlier_event != revision.event:
            marks[revision.earlier_event].append(f"figure later revised: {revision.note}")
    return dict(marks)


def group_by_date(
    events: Sequence[MergedEvent], cites: Citations, *, with_quotes: bool
) -> list[DateGroup]:
    """Events grouped under precision-aware date headings, oldest first."""
    groups: dict[tuple[dt.date, int, dt.date], DateGroup] = {}
    for event in sorted(events, key=lambda e: (date_key(e.date), -e.importance, e.id)):
        key = date_key(event.date)
        if key not in groups:
            groups[key] = DateGroup(label=date_label(event.date), entries=[])
        groups[key].entries.append(_entry(event, cites, with_quotes=with_quotes))
    return [groups[k] for k in sorted(groups)]


def _claim_view(claim: Claim, report: Report, cites: Citations) -> dict[str, str]:
    return {
        "value": claim.value,
        "quote": quoted(one_line(claim.quote, QUOTE_LIMIT)),
        "source": _source_name(report, claim.source),
        "marker": cites.marker(claim.source),
    }


def _source_name(report: Report, source_id: str) -> str:
    for sr in report.sources:
        if sr.source.id == source_id:
            return source_name(sr.source, NAME_LIMIT)
    return source_id


def _disagreement_views(report: Report, cites: Citations) -> list[dict[str, Any]]:
    by_id = {e.id: e for e in report.events}
    views = []
    for item in report.disagreements:
        event = by_id.get(item.event)
        views.append(
            {
                "topic": item.topic,
                "event": one_line(event.text, 200) if event else item.event,
                "date": date_label(event.date) if event else "",
                "note": item.note or "",
                "claims": [_claim_view(c, report, cites) for c in item.claims],
            }
        )
    return views


def _dated_claim_view(claim: Claim, report: Report, cites: Citations) -> dict[str, str]:
    view = _claim_view(claim, report, cites)
    view["published"] = claim.published.isoformat() if claim.published else ""
    return view


def _revision_views(report: Report, cites: Citations) -> list[dict[str, Any]]:
    """The "Revised figures" section: each figure's earlier and latest values, dated."""
    by_id = {e.id: e for e in report.events}
    views = []
    for item in report.revisions:
        about = by_id.get(item.earlier_event or item.event) or by_id.get(item.event)
        views.append(
            {
                "topic": item.topic,
                "event": one_line(about.text, 200) if about else item.event,
                "date": date_label(about.date) if about else "",
                "note": item.note,
                "old": [_dated_claim_view(c, report, cites) for c in item.old],
                "new": [_dated_claim_view(c, report, cites) for c in item.new],
            }
        )
    return views


def _agreement_views(report: Report, cites: Citations) -> list[dict[str, str]]:
    return [
        {
            "topic": a.topic,
            "note": a.note,
            "markers": cites.markers(c.source for c in a.claims),
        }
        for a in report.agreements
    ]


def published_text(src: Source) -> str:
    """ "published 2025-07-01 (from the date line)", or "publication date unknown"."""
    if src.published is None:
        return "publication date unknown"
    return f"published {src.published.isoformat()} ({src.published_from.phrase})"


def _source_views(report: Report, cites: Citations) -> list[dict[str, Any]]:
    by_id = {e.id: e for e in report.events}
    views = []
    for sr in report.sources:
        src = sr.source
        unique = [by_id[i] for i in sr.unique_events if i in by_id]
        unique.sort(key=lambda e: (-e.importance, date_key(e.date), e.id))
        shown = sorted(unique[:UNIQUE_LIMIT], key=lambda e: (date_key(e.date), e.id))
        views.append(
            {
                "number": cites.numbers[src.id],
                "id": src.id,
                "title": headline(src),
                "outlet": src.outlet or "",
                "path": src.path,
                "published": src.published.isoformat() if src.published else "unknown",
                "published_text": published_text(src),
                "published_from": src.published_from.value,
                "summary": one_line(" ".join(s.text for s in sr.extraction.summary)),
                "instructions": [
                    quoted(one_line(i.text, QUOTE_LIMIT))
                    for i in sr.extraction.suspected_instructions
                ],
                "unique": [_change_entry(e, cites) for e in shown],
                "unique_more": len(unique) - len(shown),
                "dropped": len(sr.cleaned.dropped),
            }
        )
    return views


def _line_view(line: BriefLine, cites: Citations) -> dict[str, Any]:
    """A headline or key development: its text and markers, and the notes on its
    figures (:mod:`summarizer.output.lines`), each with its own markers."""
    text = md_escape(one_line(line.text))
    marks = cites.markers(line.sources)
    return {
        "text": Md(f"{text} {marks}" if marks else text),
        "notes": [Md(lines.note_text(n, cites.markers, md_escape)) for n in lines.notes(line)],
    }


def _line_views(report: Report, cites: Citations) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    head, developments = lines.brief_lines(report)
    view = _line_view(head, cites) if head else {"text": "", "notes": []}
    return view, [_line_view(line, cites) for line in developments]


def _footer(report: Report) -> dict[str, Any]:
    stats = report.stats
    lines = [f"Engine: {stats.engine.value}" + (f", model {stats.model}" if stats.model else "")]
    if stats.model_events_proposed:
        lines.append(
            f"{stats.model_events_dropped} of {stats.model_events_proposed} model events had no "
            "support in the source and were dropped."
        )
    if stats.model_rewrites_dropped:
        lines.append(
            f"{stats.model_rewrites_dropped} model event wordings said more than their source "
            "sentence; the sentence is shown instead."
        )
    if stats.calls:
        lines.append(
            f"Model usage: {usage_counts(stats.calls, stats.retries)}, "
            f"{stats.prompt_tokens} prompt and {stats.completion_tokens} completion tokens."
        )
    lines.extend(stats.notes)
    failed, calls = split_failures(report)
    return {
        "lines": lines,
        "failures": [f"{failure_text(f)} (stage: {f.stage})" for f in failed],
        "model_failures": [f"{failure_text(f)} (stage: {f.stage})" for f in calls],
    }


def split_failures(report: Report) -> tuple[list[InputFailure], list[InputFailure]]:
    """(the inputs that failed: not in this output, the model calls that failed for what
    the output still covers). A model call's failure is the second kind when it was the
    synthesis (the headline and key developments are extractive), or when every model call
    failed and the extractive engine wrote the output from the same sources: those
    sources are all in it, so they are no "sources that failed"."""
    fell_back = report.stats.engine is Engine.EXTRACTIVE

    def covered(failure: InputFailure) -> bool:
        return failure.stage == MODEL_STAGE and (fell_back or failure.path == SYNTHESIS_PATH)

    failed = [f for f in report.failures if not covered(f)]
    return failed, [f for f in report.failures if covered(f)]


def usage_counts(calls: int, retries: int) -> str:
    """``3 calls (1 retry)``: counts in the singular when they are one."""
    call_word = "call" if calls == 1 else "calls"
    retry_word = "retry" if retries == 1 else "retries"
    return f"{calls} {call_word} ({retries} {retry_word})"


def failure_text(failure: InputFailure) -> str:
    """The failure's reason, prefixed with its path unless the reason names it already."""
    if failure.path and failure.path not in failure.reason:
        return f"{failure.path}: {failure.reason}"
    return failure.reason


def _brief_date(report: Report) -> str:
    if report.generated_for_day is not None:
        return report.generated_for_day.isoformat()
    dates = [sr.source.published for sr in report.sources if sr.source.published]
    return max(dates).isoformat() if dates else "undated"


# --------------------------------------------------------------------------- markdown


def render_brief_md(
    report: Report, day: dt.date | None = None, since_last: SinceLast | None = None
) -> str:
    """The daily brief: headline, key developments, disagreements, per-source summaries,
    the timeline (with ``day``: that day's events first, earlier context after), sources.
    With ``since_last`` it starts with what changed since the previous brief."""
    day = day or report.generated_for_day
    cites = Citations.of(report)
    head, developments = _line_views(report, cites)
    after_day = {  # not summarised in a brief for an earlier day
        sr.source.id
        for sr in report.sources
        if day is not None and sr.source.published is not None and sr.source.published > day
    }
    if day is not None:
        today = [e for e in report.events if _covers(e.date, day)]
        earlier = [e for e in report.events if e not in today and e.date.start < day]
        later = [e for e in report.events if e not in today and e.date.start >= day]
        on_day = group_by_date(today, cites, with_quotes=False)
        for group in on_day:  # the section heading already names the day
            group.label = "" if group.label == day.isoformat() else group.label
        sections = [
            (f"On {day.isoformat()}", on_day),
            ("Earlier context", group_by_date(earlier, cites, with_quotes=False)),
            ("Later or expected", group_by_date(later, cites, with_quotes=False)),
        ]
    else:
        sections = [("", group_by_date(report.events, cites, with_quotes=False))]
    return _render(
        "brief.md.j2",
        brief_date=day.isoformat() if day else _brief_date(report),
        headline=head,
        developments=developments,
        disagreements=_disagreement_views(report, cites),
        agreements=_agreement_views(report, cites),
        revisions=_revision_views(report, cites),
        sources=_source_views(report, cites),
        summarised=[v for v in _source_views(report, cites) if v["id"] not in after_day],
        later=len(after_day),
        sections=[(title, groups) for title, groups in sections if groups],
        event_count=len(report.events),
        footer=_footer(report),
        since_last=since_last_view(since_last, report, cites),
    )


def render_timeline_md(report: Report, since_last: SinceLast | None = None) -> str:
    """The timeline grouped by date, oldest first, with quotes and citation markers; for
    ``--day``, that day's entries first, then the earlier context, oldest first."""
    cites = Citations.of(report)
    groups = group_by_date(report.events, cites, with_quotes=True)
    day = report.generated_for_day
    if day is not None:
        today = group_by_date(
            [e for e in report.events if _covers(e.date, day)], cites, with_quotes=True
        )
        labels = {g.label for g in today}
        groups = today + [g for g in groups if g.label not in labels]
    return _render(
        "timeline.md.j2",
        since_last=since_last_view(since_last, report, cites),
        groups=groups,
        sources=_source_views(report, cites),
        disagreement_events=sorted({d.event for d in report.disagreements}),
        revised=revision_marks(report),
        footer=_footer(report),
    )


# --------------------------------------------------------------------------- since the previous run


def run_time(moment: dt.datetime) -> str:
    """A stored run's time as shown in the brief: ``2025-07-01 08:15 UTC``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _change_entry(event: MergedEvent, cites: Citations) -> dict[str, str | None]:
    return {
        "date": date_label(event.date),
        "text": one_line(event.text),
        "markers": cites.markers(event.sources),
        "next_morning": event.date.next_morning(),  # shown the day before its paper's
    }


def _article_line(change: ArticleChange, report: Report, cites: Citations) -> str:
    article = change.article
    if article.source_id in cites.numbers:
        name = _source_name(report, article.source_id)
        return Md(f"{md_escape(name)} {cites.marker(article.source_id)}")
    name = record_name(
        title=article.title,
        outlet=article.outlet,
        source_id=article.source_id,
        path=article.path,
        limit=NAME_LIMIT,
    )
    return Md(f"{md_escape(name)} ({code_span(article.path)})")


def _figure_lines(claims: Iterable[Claim], cites: Citations) -> list[dict[str, str]]:
    return [
        {
            "value": c.value,
            "marker": cites.marker(c.source),
            "quote": quoted(one_line(c.quote, QUOTE_LIMIT)),
            "published": c.published.isoformat() if c.published else "",
        }
        for c in claims
    ]


def since_last_view(
    since_last: SinceLast | None, report: Report, cites: Citations
) -> dict[str, Any] | None:
    """What the "Since the previous brief" section shows, as plain data (None: no section)."""
    if since_last is None:
        return None
    if not isinstance(since_last, Changes):
        return {"command": since_last.command, "when": None}
    changes = since_last
    return {
        "command": changes.previous.command,
        "when": run_time(changes.previous.created_at),
        "empty": changes.is_empty(),
        "new_articles": [_article_line(a, report, cites) for a in changes.new_articles],
        "updated_articles": [_article_line(a, report, cites) for a in changes.updated_articles],
        "removed_articles": [_article_line(a, report, cites) for a in changes.removed_articles],
        "new_events": [_change_entry(e, cites) for e in changes.new_events],
        "confirmations": [
            dict(
                _change_entry(c.event, cites),
                new=cites.markers(c.sources),
                before=cites.markers(c.previous_sources),
            )
            for c in changes.confirmations
        ],
        "revisions": [
            dict(
                _change_entry(r.event, cites),
                topic=r.topic,
                old=_figure_lines(r.old, cites),
                new=_figure_lines(r.new, cites),
            )
            for r in changes.revisions
        ],
        "gone": [_change_entry(e, cites) for e in changes.gone_events],
    }

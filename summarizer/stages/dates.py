"""Dates, in code: find temporal expressions and resolve them against a publication date.

All date logic lives here and in three modules beside it: the grammar
(:mod:`summarizer.stages.dategrammar`: names, patterns, dates as files state them),
the rules (:mod:`summarizer.stages.daterules`) and the role of a date in its clause
(:mod:`summarizer.stages.dateclauses`). A table of rules (``RULES``) pairs a
regular expression with a resolver; :func:`find_temporal_expressions` runs the table
and keeps the longest non-overlapping matches, and the resolvers turn a match
into a :class:`~summarizer.models.ResolvedDate` with a precision.

Resolution rules against the publication date ``P`` (documented and tested):

* Weekdays ("late Monday", "on Tuesday", "Sunday afternoon"; not in a name: "the Sunday
  Times") refer to the past:
  the most recent such day on or before ``P`` (the weekday of ``P`` itself is
  ``P``). In a future context in their clause ("will meet on Monday", "hoped to run
  a reduced service on Thursday", "is expected to", "is due on", "scheduled for")
  or after "next" / "coming" they refer to the next such day (on or after ``P``;
  strictly after for "next"). When the sentence gives the statement's own day ("said
  on Monday it hoped to ... on Thursday"), they count from that day instead of ``P``.
  "last Monday" is strictly before ``P``, and the week before's when ``P`` is later in
  the same week ("last Tuesday" in a Thursday report; not on a Sunday, whose week ends).
* "overnight", "during the night", "tonight", "today", "this morning" -> ``P``:
  a news report's "overnight" is the night that ended on the publication
  morning, so it is dated the publication day. "last night" and "yesterday"
  -> ``P - 1``.
* "this/last/next week|weekend" -> a range; "this/last/next month" -> month
  precision; "this/last/next year" -> year precision.
* A month without a year ("in May", "in early June") is the most recent such
  month not after ``P``; in future tense the next one not before ``P``.
  "May last year" -> ``P.year - 1``. Month-day dates without a year likewise,
  unless the article writes that month-day with its year elsewhere ("the attacks of
  September 11, 2001" ... "since September 11"): then that year (:func:`stated_years`).
* "between March and April" -> a range from the first to the last day.
* "N days/weeks ago" -> day precision; "N months ago" -> month; "N years ago"
  -> year; vague counts ("a few", "several") -> a range. Hedges ("nearly",
  "about") are accepted and ignored.
* Explicit dates ("July 1, 2025", "1 July 2025", "2025-07-01", "2025/7/1",
  "07/01/2025") are used as written: slashed numeric dates are month/day/year unless the
  first number is above 12; dotted ones are day.month.year. A weekday with an
  explicit date ("on Sunday (June 1, 2025)") takes the explicit date.
* Years ("in 2022") -> year precision; decades ("in the 1990s") -> a range of their ten
  years; months with years ("February 2022") -> month precision.

Choosing a sentence's date (:func:`resolve_sentence_date`), by the role of each
expression in its clause: period bounds ("since June 2022", "until Friday", a clause
"since the first case was confirmed on May 29"), dates used as modifiers ("Russia's
February 2022 invasion"), background clauses (", after ... last month"; "While talks
were held a month ago, ...") and the other term of a comparison (", up from 48 on
Tuesday"; "nearly three times its size on Friday"; ", well above the figure its chief
executive gave on Monday") are skipped; "by Saturday evening" dates the state reached
then. Of the rest, a date that is not a statement's own ("said on Tuesday") wins, then
the statement's, then another event's day in the possessive ("from Monday's explosion"),
then the earliest. No usable expression: the publication date, marked ``from_publication``.

Dates a file states about itself (a header line, front matter, HTML, JSONL or feed
metadata: ``dategrammar.WRITTEN_DATE``, ``written_date``, ``parse_written_date``) use the
same grammar of explicit dates, in any letter case, maybe after a weekday ("Tue, 1 Jul
2025") and, for ISO dates, with a clock time ("2025-07-01T10:42:00Z"). Ingest reads
them with it; the publication date a file does not state is inferred here too
(:func:`infer_publication_date`, :func:`infer_from_related`).

Nothing here raises on any text: unparseable input gives no match or ``None``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping

from summarizer.models import (
    AlignmentStatus,
    Event,
    Precision,
    ResolvedDate,
    Source,
    SourceExtraction,
)
from summarizer.stages.dateclauses import (
    clause_breaks,
    clause_start,
    continued_statement,
    is_aside,
    is_attributive,
    is_background,
    is_comparison,
    is_future,
    is_period_bound,
    is_speech_date,
)
from summarizer.stages.dategrammar import (
    FULL_DATE_PATTERN,
    WEEKDAY_PATTERN,
    WEEKDAYS,
    Span,
    TemporalMatch,
    day_span,
    is_stamp,
    parse_explicit,
    safe_date,
    stamp_cue,
)
from summarizer.stages.daterules import (
    MONTH_HEAD,
    PREFIX_SEPARATORS,
    RULE_BY_KIND,
    RULES,
    is_title,
    rules_for,
    text_features,
)

# --------------------------------------------------------------------------- finding


def _candidates(
    text: str, kinds: frozenset[str] | None = None
) -> list[tuple[int, int, int, re.Match[str]]]:
    found = []
    for priority, rule in rules_for(frozenset(text_features(text)), kinds):
        if rule.needs is not None and not rule.needs.search(text):
            continue
        for match in rule.pattern.finditer(text):
            if match.end() > match.start() and not (rule.kind == "weekday" and is_title(match)):
                found.append((match.start(), match.end(), priority, match))
    return found


def _trim_prefix(text: str, match: re.Match[str]) -> str:
    prefix = match.groupdict().get("prefix")
    return PREFIX_SEPARATORS.sub(" ", prefix.strip().lower()) if prefix else ""


def _longest_non_overlapping(
    candidates: list[tuple[int, int, int, re.Match[str]]],
) -> list[tuple[int, int, int, re.Match[str]]]:
    """Greedy: longest first (then rule priority), skipping overlaps; in text order.

    Taken characters are marked in a byte map, so each candidate costs its own length
    (not the number already chosen): linear however many dates a long text holds.
    """
    taken = bytearray(max((c[1] for c in candidates), default=0))
    chosen: list[tuple[int, int, int, re.Match[str]]] = []
    for cand in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[2], c[0])):
        start, end = cand[0], cand[1]
        if taken.find(1, start, end) >= 0:
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append(cand)
    chosen.sort(key=lambda c: c[0])
    return chosen


def find_temporal_expressions(text: str, offset: int = 0) -> list[TemporalMatch]:
    """All temporal expressions in ``text``, longest first where they overlap, in order."""
    return _find(text, offset)


def _find(text: str, offset: int = 0, kinds: frozenset[str] | None = None) -> list[TemporalMatch]:
    """:func:`find_temporal_expressions`, optionally running only the rules of ``kinds``."""
    if not isinstance(text, str) or not text:
        return []
    whole = len(text) > 2000  # an article's whole text (asked once): not kept
    found = (_found.__wrapped__ if whole else _found)(text, kinds)
    return [TemporalMatch(text[s:e], s + offset, e + offset, k, p) for s, e, k, p in found]


@functools.lru_cache(maxsize=4096)
def _found(text: str, kinds: frozenset[str] | None) -> tuple[tuple[int, int, str, str], ...]:
    """``text``'s (start, end, kind, prefix) from 0; kept: a run asks about a quarter of its
    text twice (an event's quote, then the kept text for its mentions, or shared text)."""
    chosen = _longest_non_overlapping(_candidates(text, kinds))
    return tuple((s, e, RULES[p].kind, _trim_prefix(text, m)) for s, e, p, m in chosen)


# --------------------------------------------------------------------------- resolving


StatedYears = Mapping[tuple[int, int], int]  # (month, day) -> the year a text gives it
# A full date ends in its year: find the years (few), then read the date back from each.
# (no digit before: checked after the first two digits, so sre skips to each 1 or 2)
_YEAR_HIT = re.compile(r"(?:1[89]|2[01])(?<!\d..)\d\d(?!\d)")
_FULL_DATE_BEFORE = re.compile(rf"(?:{FULL_DATE_PATTERN})$")
_FULL_DATE_REACH = 32  # characters before a year a full date can start ("11th of September, ")


def stated_years(text: str) -> dict[tuple[int, int], int]:
    """The month-days a text writes with their year ("September 11, 2001"), each with
    that year; a month-day written with two different years is left out (ambiguous).

    An article that once writes "the attacks of September 11, 2001" means that day when
    it later writes "since September 11" or "the September 11 attacks"; without it, a
    month-day with no year is the latest one on or before the publication date."""
    years: dict[tuple[int, int], set[int]] = {}
    for year in _YEAR_HIT.finditer(text):
        window = text[max(0, year.start() - _FULL_DATE_REACH) : year.end()]
        # a full date holds a month name: a window without a month head holds none ("in 2008")
        found = _FULL_DATE_BEFORE.search(window) if MONTH_HEAD.search(window) else None
        point = parse_explicit(found.group()) if found else None
        if point and point.year and point.month and point.day:
            years.setdefault((point.month, point.day), set()).add(point.year)
    return {key: next(iter(ys)) for key, ys in years.items() if len(ys) == 1}


def _span_for(
    match: TemporalMatch,
    published: dt.date | None,
    future: bool,
    years: StatedYears | None = None,
) -> Span | None:
    for rule in RULE_BY_KIND.get(match.kind, []):
        found = rule.pattern.fullmatch(match.text)
        if found:
            try:
                stated = _stated_day(found, years) if years else None
                return stated or rule.resolve(found, published, future)
            except (ValueError, OverflowError, KeyError):
                return None
    return None


def _stated_day(found: re.Match[str], years: StatedYears) -> Span | None:
    """A month-day written without a year ("since September 11") that the same text
    writes elsewhere with its year: that year's day."""
    core = found.groupdict().get("core")
    point = parse_explicit(core) if core else None
    if point is None or point.year is not None or point.month is None or point.day is None:
        return None
    year = years.get((point.month, point.day))
    return day_span(safe_date(year, point.month, point.day)) if year else None


def _to_resolved(span: Span, match: TemporalMatch | None, expression: str) -> ResolvedDate:
    return ResolvedDate(
        start=span.start,
        end=span.end if span.precision is Precision.RANGE else None,
        precision=span.precision,
        expression=expression,
        expression_start=match.start if match else None,
        expression_end=match.end if match else None,
    )


def resolve_expression(expr: str, published: dt.date) -> ResolvedDate | None:
    """Resolve one temporal expression as written (e.g. from the llm engine)."""
    if not isinstance(expr, str) or not expr.strip():
        return None
    matches = find_temporal_expressions(expr)
    if matches:
        best = max(matches, key=lambda m: (m.end - m.start, -m.start))
        span = _span_for(best, published, is_future(expr, best.start, best))
        if span:
            return _to_resolved(span, None, expr.strip())
    span = _dateparser_fallback(expr, published)
    return _to_resolved(span, None, expr.strip()) if span else None


def _dateparser_fallback(expr: str, published: dt.date | None) -> Span | None:
    """Explicit full dates in forms the table lacks ("July the 1st, 2025")."""
    if len(expr) > 60 or not re.search(r"\d{4}", expr):
        return None
    try:
        # Imported here for start-up time only: dateparser for dates the rules do not read.
        import dateparser

        settings: dict[str, object] = {"STRICT_PARSING": True, "PREFER_DATES_FROM": "past"}
        if published is not None:
            settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time())
        parsed = dateparser.parse(expr, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if parsed is None or not 1800 <= parsed.year <= 2199:
        return None
    return day_span(parsed.date())


def _dates_the_fact(text: str, match: TemporalMatch, offset: int, breaks: list[int]) -> bool:
    """Whether ``match`` may be the day of the sentence's fact: not a period's bound, a
    modifier, a background clause's or a comparison's other term (stages/dateclauses)."""
    local_start, local_end = match.start - offset, match.end - offset
    if match.is_reference or is_attributive(text, match, local_end):
        return False
    if is_background(text, local_start, breaks):
        return False
    clause = clause_start(breaks, local_start)
    if is_comparison(text, clause, local_start):
        return False
    return not is_period_bound(text, clause, local_start)


def _statement_day(
    text: str, matches: list[TemporalMatch], published: dt.date | None, offset: int
) -> dt.date | None:
    """The day the sentence's statement was made ("said on Monday"), resolved against
    the publication date; ``None`` when it gives none (or only a vaguer time)."""
    if published is None:
        return None
    for match in matches:
        local = match.start - offset
        if is_speech_date(text, local) and not is_future(text, local, match):
            span = _span_for(match, published, False)
            if span is not None and span.precision is Precision.DAY:
                return span.start
    return None


def _future_anchor(
    text: str, matches: list[TemporalMatch], published: dt.date | None, offset: int
) -> dt.date | None:
    """What a forward-pointing expression counts from: the statement's own day when the
    sentence gives it ("said on Monday it hoped to reopen on Thursday", in a Friday
    article, is the Thursday after that Monday, the day before publication), else the
    publication date."""
    return _statement_day(text, matches, published, offset) or published


def _sentence_candidates(
    text: str, published: dt.date | None, offset: int, years: StatedYears | None = None
) -> list[tuple[tuple[int, int], TemporalMatch, Span]]:
    out = []
    matches = find_temporal_expressions(text, offset)
    breaks = clause_breaks(text) if matches else []  # most event sentences have no date
    for match in matches:
        local_start = match.start - offset
        if not _dates_the_fact(text, match, offset, breaks):
            continue
        future = is_future(text, local_start, match)
        anchor = _future_anchor(text, matches, published, offset) if future else published
        span = _span_for(match, anchor, future, years)
        if span is None:
            continue
        # a day the sentence points forward to is no statement's date ("said on Monday
        # it would strike next Monday")
        statement = not future and is_speech_date(text, local_start)
        role = 2 if is_aside(text, match.end - offset) else 1 if statement else 0
        rank = (role, local_start)
        out.append((rank, match, span))
    return out


def resolve_sentence_date(
    text: str, published: dt.date | None, offset: int = 0, *, years: StatedYears | None = None
) -> ResolvedDate | None:
    """The best date for a news sentence, or the publication date when it names none.

    Of several expressions, the one tied to the reported event wins: reference
    points ("since June 2022"), modifiers ("the February 2022 invasion") and
    background clauses (", after prices soared last month"; "While talks were held
    a month ago, ...") are skipped, and a statement's date ("said on Tuesday that
    ...") gives way to the event's own ("... overnight"). ``None`` only without a publication date.
    """
    if not isinstance(text, str):
        text = ""
    candidates = _sentence_candidates(text, published, offset, years)
    if candidates:
        _, match, span = min(candidates, key=lambda c: c[0])
        return _to_resolved(span, match, match.text)
    if published is None:
        return None
    return ResolvedDate(start=published, precision=Precision.DAY, from_publication=True)


def date_mentions(
    text: str, published: dt.date | None, offset: int = 0, *, years: StatedYears | None = None
) -> list[tuple[TemporalMatch, ResolvedDate]]:
    """Every date ``text`` refers to, resolved against ``published``: what the article
    talks about, for ranking days by how often articles refer to them.

    Unlike :func:`resolve_sentence_date` (which picks the one date of an event), every
    expression counts: a reference point ("since the January 12 earthquake"), a modifier
    ("the January 30 election") or a background clause still refers to that day. The
    page's own time stamp (:func:`is_stamp`) does not.
    """
    if not text_features(text):  # no rule can match (most of a run's kept text): say so cheaply
        return []
    out = []
    stamp_start: int | None = None  # where the stamp after the current match begins
    matches = find_temporal_expressions(text, offset)
    for match in reversed(matches):
        # "Tuesday 4 January 2005 08.43 GMT": the weekday belongs to the stamp after it
        joined = stamp_start is not None and not text[match.end - offset : stamp_start].strip(" ,")
        if joined or is_stamp(text, match, offset):
            stamp_start = match.start - offset
            continue
        stamp_start = None
        local = match.start - offset
        future = is_future(text, local, match)
        anchor = _future_anchor(text, matches, published, offset) if future else published
        span = _span_for(match, anchor, future, years)
        if span is not None:
            out.append((match, _to_resolved(span, match, match.text)))
    return out[::-1]


# --------------------------------------------------------------------------- publication date

DATELINE_CHARS = 400
_EXPLICIT_KINDS = frozenset({"weekday_date", "date"})
_WEEKDAY_KINDS = frozenset({"weekday_date", "weekday"})


def infer_publication_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """A publication date from the text itself, or ``None`` when unsure.

    Accepted evidence, strongest first: an explicit full date with a weekday that
    agrees ("on Sunday (June 1, 2025)"); an explicit full date in the dateline
    (the first 400 characters), after "Published"/"Updated", or followed by a
    clock time ("07/01/2025 04:30 PM"); a weekday with a month-day that agrees
    ("Sunday, June 1") in the most recent year, not after ``today``, where it does.
    A date in a future-tense context is never taken. Among several, the latest.
    """
    if not isinstance(text, str) or not text:
        return None
    try:
        return _infer(text, today or dt.date.today())
    except (ValueError, OverflowError):
        return None


def _infer(text: str, today: dt.date) -> dt.date | None:
    weekday_dates: list[dt.date] = []
    placed_dates: list[dt.date] = []
    for match in _find(text, 0, _EXPLICIT_KINDS):
        if match.is_reference or is_future(text, match.start, match):
            continue
        if match.kind == "weekday_date":
            day = _agreeing_weekday_date(match, today)
            if day:
                weekday_dates.append(day)
        elif match.kind == "date" and _is_dateline(text, match):
            span = _span_for(match, None, False)
            if span:
                placed_dates.append(span.start)
    for group in (weekday_dates, placed_dates):
        plausible = [d for d in group if d <= today]
        if plausible:
            return max(plausible)
    return None


def _is_dateline(text: str, match: TemporalMatch) -> bool:
    return match.start < DATELINE_CHARS or stamp_cue(text, match.start, match.end)


def _agreeing_weekday_date(match: TemporalMatch, today: dt.date) -> dt.date | None:
    found = RULE_BY_KIND["weekday_date"][0].pattern.fullmatch(match.text)
    if not found:
        return None
    weekday = WEEKDAYS[found.group("wd").lower()]
    point = parse_explicit(found.group("date"))
    if point is None or point.month is None or point.day is None:
        return None
    years = [point.year] if point.year else list(range(today.year, today.year - 7, -1))
    for year in years:
        day = safe_date(year, point.month, point.day)
        if day and day.weekday() == weekday and day <= today:
            return day
    return None


def infer_from_related(text: str, candidates: Iterable[dt.date]) -> dt.date | None:
    """Pick, among other sources' publication dates, the one this text's weekdays agree with.

    For an article with no date of its own, in a run whose other articles cover
    the same story: a candidate ``P`` agrees with each past-tense weekday the
    text names that is ``P``'s weekday or the day before ("said Tuesday",
    "late Monday" agree with Tuesday 2025-07-01). The candidate with the most
    agreeing mentions wins; none, or a tie between dates, gives ``None``.
    """
    try:
        weekdays = _past_weekdays(text if isinstance(text, str) else "")
        scores: dict[dt.date, int] = {}
        for day in set(candidates):
            agree = {day.weekday(), (day.weekday() - 1) % 7}
            scores[day] = sum(1 for w in weekdays if w in agree)
    except (ValueError, OverflowError, TypeError):
        return None
    best = max(scores.values(), default=0)
    winners = [day for day, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def _past_weekdays(text: str) -> list[int]:
    """Weekdays named in past-tense, unqualified references ("on Monday", "late Monday")."""
    out = []
    for match in _find(text, 0, _WEEKDAY_KINDS):
        if match.kind != "weekday" or match.is_reference:
            continue
        if is_future(text, match.start, match) or re.search(
            r"(?i)\b(?:last|next|this)\b", match.text
        ):
            continue
        found = re.search(WEEKDAY_PATTERN, match.text)
        if found:
            out.append(WEEKDAYS[found.group().lower()])
    return out


# --------------------------------------------------------------------------- events


def _quote_span(event: Event, source: Source) -> tuple[str, int] | None:
    """The event's quote as it stands in the source, with its offset, when aligned."""
    if event.alignment is AlignmentStatus.NONE:
        return None
    if 0 <= event.start < event.end <= len(source.text):
        return source.text[event.start : event.end], event.start
    return None


def _locate(expr: str, quote: str, offset: int) -> TemporalMatch | None:
    """The model's expression inside the quote, as a match with source offsets."""
    pos = quote.lower().find(expr.strip().lower())
    if pos < 0 or not expr.strip():
        return None
    matches = find_temporal_expressions(quote, offset)
    inside = [m for m in matches if m.start - offset <= pos + len(expr.strip())]
    inside = [m for m in inside if m.end - offset >= pos]
    if inside:
        return max(inside, key=lambda m: m.end - m.start)
    return TemporalMatch(expr.strip(), pos + offset, pos + offset + len(expr.strip()), "model")


def _resolve_model_expression(event: Event, source: Source) -> ResolvedDate | None:
    expr = event.temporal_expression or ""
    quoted = _quote_span(event, source)
    located = _locate(expr, quoted[0], quoted[1]) if quoted else None
    if quoted and located and located.kind != "model":
        local = located.start - quoted[1]
        span = _span_for(located, source.published, is_future(quoted[0], local, located))
        if span:
            return _to_resolved(span, located, expr.strip())
    if source.published is None:
        return None
    resolved = resolve_expression(expr, source.published)
    if resolved and located:
        return resolved.model_copy(
            update={"expression_start": located.start, "expression_end": located.end}
        )
    return resolved


def _same_as_model(model_date: str, resolved: ResolvedDate) -> bool:
    given = model_date.strip()
    return given in {resolved.iso(), resolved.start.isoformat()} or (
        resolved.end is not None and given == f"{resolved.iso()}/{resolved.iso_end()}"
    )


def _date_event(event: Event, source: Source, years: StatedYears) -> Event:
    resolved: ResolvedDate | None = None
    note: str | None = event.date_note
    if event.temporal_expression:
        resolved = _resolve_model_expression(event, source)
    if resolved is None:
        quoted = _quote_span(event, source)
        text, offset = quoted if quoted else (event.quote, 0)
        resolved = resolve_sentence_date(
            text, source.published, offset if quoted else 0, years=years
        )
        if not quoted and resolved is not None:
            resolved = resolved.model_copy(
                update={"expression_start": None, "expression_end": None}
            )
    if resolved is not None and resolved.from_publication and source.published is not None:
        resolved = _continued(event, source, source.published) or resolved
    if resolved and event.model_date and not _same_as_model(event.model_date, resolved):
        note = f"model said {event.model_date}; resolved in code to {resolved.iso()}"
    return event.model_copy(update={"date": resolved, "date_note": note})


def _continued(event: Event, source: Source, published: dt.date) -> ResolvedDate | None:
    """The day, on or before publication, of the quote continuing the sentence's statement
    (:func:`~summarizer.stages.dateclauses.continued_statement`: "... he said on Monday")."""
    span = _quote_span(event, source) and continued_statement(source.text, (event.start, event.end))
    start, end = span or (0, 0)
    said = source.text[start:end]
    for match in find_temporal_expressions(said, start):
        local = match.start - start
        if is_speech_date(said, local) and not is_future(said, local, match):
            day = _span_for(match, published, False)
            if day is not None and day.precision is Precision.DAY and day.start <= published:
                return _to_resolved(day, match, match.text)
    return None


def date_events(
    ext: SourceExtraction, source: Source, years: StatedYears | None = None
) -> SourceExtraction:
    """Set ``Event.date`` on every event of ``ext``, resolved in code against ``source``
    (``years``: :func:`stated_years` of its text, when already found)."""
    if years is None:
        years = stated_years(source.text) if ext.events else {}
    events = tuple(_date_event(event, source, years) for event in ext.events)
    return ext.model_copy(update={"events": events})

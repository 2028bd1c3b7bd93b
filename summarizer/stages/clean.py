"""Clean: separate the story from page and aggregator junk.

The unit is the paragraph (a non-blank line of ``Source.text`` after the header).
Each paragraph is kept or dropped by general, line-based rules:

* an aggregator tail: a "Related Articles" / "More from ..." / "Read more" /
  "Recommended" / "You may also like" heading, or a teaser block (an outlet line
  followed by a "13 minutes ago" line), drops that line and everything after it;
* single lines: "Hashtags" and hashtag lists, "Comments" / "No comments yet...",
  app and AI-feature promos, share / subscribe / newsletter prompts,
  "Advertisement", photo captions with a credit ("... (Efrem Lukatsky/AP)",
  "Photo: X/Getty Images"), bylines ("By Jane Doe", "X and Y write for Z",
  "X contributed to this report"), copyright lines, "READ MORE: <headline>" links.

Offsets index ``Source.text``: kept intervals and dropped ranges never leave it, never
overlap, and together with the header ``[0:header_end]`` and whitespace they cover it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.models import CharInterval, CleanedSource, DateOrigin, DroppedRange, Source

# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class Line:
    """A non-blank line, stripped: ``text == source.text[start:end]``."""

    start: int
    end: int
    text: str
    words: int = -1  # word count; computed from ``text`` when not given

    def __post_init__(self) -> None:
        if self.words < 0:
            object.__setattr__(self, "words", len(self.text.split()))


_LINE = re.compile(r"[^\r\n]+")


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Non-blank lines of ``text[start:end]`` with surrounding whitespace trimmed."""
    lines = []
    for m in _LINE.finditer(text, start, len(text) if end is None else end):
        raw = m.group()
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        s = m.start() + lead
        lines.append(Line(s, s + len(stripped), stripped))
    return lines


# --------------------------------------------------------------------------- size limit

# How much story text is read per source. News articles are 2-50 KB with a few hundred
# sentences; a file beyond 10 MB or 200,000 lines and sentences is a dump, not an article:
# the rest is dropped (reason OVERSIZE) and the run's notes say what was kept
# (:func:`oversize_note`), so one huge file can neither stall a run nor fill the memory
# (every line and sentence becomes a record downstream).
MAX_SOURCE_CHARS = 10_000_000
MAX_SOURCE_UNITS = 200_000  # line breaks and sentence ends (. ! ? …): bounds the records
OVERSIZE = "over-size-limit"
_UNIT_ENDS = "\n.!?…"
_UNIT_END = re.compile(f"[{_UNIT_ENDS}]")
_CUT_WINDOW = 100_000  # look this far back from the limit for a line, else a word, break


def size_cut(text: str, start: int) -> int:
    """Where the story text read from ``text`` (from ``start``) ends: ``len(text)`` when it
    fits the limits, else after the last unit end within :data:`MAX_SOURCE_UNITS`, or the
    last line break (failing that, space) within :data:`MAX_SOURCE_CHARS` characters."""
    hard = start + MAX_SOURCE_CHARS
    stop = min(hard, len(text))
    # each unit end is one character: counted in C first, found one by one only when over
    if sum(text.count(end, start, stop) for end in _UNIT_ENDS) >= MAX_SOURCE_UNITS:
        for units, m in enumerate(_UNIT_END.finditer(text, start, stop), 1):
            if units >= MAX_SOURCE_UNITS:
                return m.end()
    if len(text) <= hard:
        return len(text)
    floor = max(start, hard - _CUT_WINDOW)
    for sep in ("\n", " "):
        at = text.rfind(sep, floor, hard)
        if at > start:
            return at
    return hard


def oversize_note(cleaned: CleanedSource) -> str | None:
    """The note naming what was kept of a source cut at the size limit, if it was."""
    cut = next((d for d in cleaned.dropped if d.reason == OVERSIZE), None)
    if cut is None:
        return None
    text = cleaned.source.text
    read = cut.start
    while read > 0 and text[read - 1].isspace():
        read -= 1
    line = text.count("\n", 0, read) + 1  # the line of the last character read
    return (
        f"{cleaned.source.path}: only its first {read:,} of {len(text):,} characters were "
        f"read (up to line {line:,}): an article over {MAX_SOURCE_CHARS:,} characters or "
        f"{MAX_SOURCE_UNITS:,} lines and sentences is cut there."
    )


# --------------------------------------------------------------------------- rules

_I = re.IGNORECASE
_TAIL_HEADING = re.compile(
    r"^(?:related(?:\s+(?:articles?|stories|news|content|coverage|posts|links|reading|topics))?"
    r"|more\s+(?:on|about)\s+this\s+(?:story|topic)|more\s+(?:stories|news|articles|coverage)"
    r"|read\s+more|read\s+next|keep\s+reading|up\s+next|what\s+to\s+read\s+next"
    r"|recommended(?:\s+(?:for\s+you|stories|articles|reading|videos))?"
    r"|you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in|have\s+missed)"
    r"|most\s+(?:read|popular|viewed|shared)|trending(?:\s+now|\s+stories)?|top\s+stories"
    r"|latest\s+(?:news|stories|headlines)|editor'?s'?\s+picks|further\s+reading|see\s+also"
    r"|also\s+read|from\s+around\s+the\s+web|promoted\s+stories|sponsored\s+(?:content|stories))"
    r"\s*[:.»>]?$",
    _I,
)
_AGO = re.compile(
    r"^(?:(?:updated|published|posted)\s+)?(?:\d+|an?|one)\s*"
    r"(?:seconds?|secs?|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|months?|years?)\s+ago$",
    _I,
)
_RELATED_LINK = re.compile(
    r"^(?:read\s+more|related|see\s+also|also\s+read|read\s+also|read\s+next|more|watch|listen"
    r"|recommended|related\s+(?:coverage|story|article|video))\s*[:|»>–-]\s*\S.*$",
    _I,
)
_HASHTAG_HEADING = re.compile(
    r"^(?:hashtags|tags|topics|filed\s+under|categories)(?:\s*:.{0,120})?$", _I
)
_HASHTAGS = re.compile(r"^(?:#\w[\w-]*[\s,;]*)+$")
_COMMENTS = re.compile(
    r"^(?:comments?|\d+\s+comments?|no\s+comments?(?:\s+yet)?.*|be\s+the\s+first\s+to\s+comment.*"
    r"|(?:leave|add|post|write)\s+a\s+comment.*|(?:show|view|hide|load)\s+(?:all\s+)?comments.*"
    r"|join\s+the\s+(?:conversation|discussion).*|comment\s+on\s+this\s+(?:story|article).*"
    r"|(?:sign|log)\s+in\s+to\s+comment.*|comments\s+are\s+closed.*)$",
    _I,
)
_PROMO = re.compile(
    r"^(?:try\s+our\s+.{0,40}features?.*|explore\s+what\s+.{1,60}\s+can\s+do\s+for\s+you.*"
    r"|(?:download|get)\s+(?:our|the)\s+(?:free\s+)?app.*|listen\s+to\s+this\s+article.*"
    r"|advertisement|advertising|sponsored|story\s+continues\s+(?:below|after).*"
    r"|continue\s+reading\s+(?:below|the\s+main\s+story).*|skip\s+advert.*)$",
    _I,
)
_SHARE = re.compile(
    r"^(?:share(?:\s+this\s+(?:article|story|page))?(?:\s+(?:on|via)\s+\w+)?"
    r"|(?:facebook|twitter|x|linkedin|whatsapp|telegram|reddit|email|e-mail|print|copy\s+link"
    r"|share)(?:\s*[|/·•,]\s*(?:facebook|twitter|x|linkedin|whatsapp|telegram|reddit|email"
    r"|e-mail|print|copy\s+link|share))+"
    r"|click\s+(?:here\s+)?to\s+share.*|follow\s+us\s+on\b.*|(?:like|follow)\s+.{1,40}\s+on"
    r"\s+(?:facebook|twitter|x|instagram|linkedin|telegram)\.?)$",
    _I,
)
_SUBSCRIBE = re.compile(
    r"^(?:subscribe\b.*|sign\s+up\b.*|get\s+(?:our|the)\b.{0,60}\bnewsletter.*"
    r"|.{0,80}\bnewsletter\b.{0,80}\b(?:sign\s+up|subscribe|inbox|delivered|free)\b.*"
    r"|.{0,80}\b(?:sign\s+up|subscribe)\b.{0,80}\bnewsletter\b.*"
    r"|(?:already\s+a\s+subscriber|become\s+a\s+(?:member|subscriber)|support\s+(?:our|independent)"
    r"\s+journalism).*)$",
    _I,
)
_COPYRIGHT = re.compile(
    r"^(?:(?:copyright\s*(?:©|\(c\))?\s*\d{4}|©|\(c\)\s*\d{4}).{0,120}"
    r"|.{0,120}\ball\s+rights\s+reserved\.?"
    r"|this\s+material\s+may\s+not\s+be\s+published.*)$",
    _I,
)
_AGENCY = (
    r"(?:AP|AFP|Reuters|Getty(?:\s+Images)?|PA(?:\s+Wire)?|EPA(?:-EFE)?|EFE|Shutterstock|Bloomberg"
    r"|Alamy|Xinhua|Anadolu(?:\s+Agency)?|TASS|Sputnik|UPI|DPA|dpa|Pool|Handout|Supplied|NurPhoto"
    r"|SOPA\s+Images|ZUMA(?:\s+Press)?|Sipa|Kyodo|Yonhap|Ukrinform)"
)
_CREDIT_INNER = re.compile(
    rf"^(?:(?i:photo|photograph|image|picture|pic|credit|file|video|screenshot)s?\b.*"
    rf"|[A-Z][^()/]{{0,60}}/\s*(?:[A-Z]|{_AGENCY})[^()]{{0,60}}|{_AGENCY}"
    rf"|.{{1,60}}\bvia\s+{_AGENCY})$"
)
_CAPTION_PREFIX = re.compile(
    r"^\(?(?:photo|photograph|image|picture|pic|file\s+photo|photo\s+credit|credit|caption)s?"
    r"\s*(?:by\b|:)",
    _I,
)
# Each branch holds ":", "/" or "via" (_is_caption looks for them before searching).
_CAPTION_SUFFIX = re.compile(
    rf"(?:\b(?i:photo|photograph|image|picture|credit)\s*:\s*[^.]{{2,80}}"
    rf"|[A-Z]\S*\s*/\s*{_AGENCY}(?:\s+via\s+{_AGENCY})?|\bvia\s+{_AGENCY})\s*\)?$"
)
_CREDIT_END = re.compile(r"\(([^()]{1,120})\)\s*\.?$")  # a bracketed credit ending a line
_IMAGE_MD = re.compile(r"^!\[[^\]]*\]\([^)]*\)$")
_NAME = r"(?:[A-Z][A-Za-z'’.-]*|[A-Z]{2,})"
_NAMES = rf"{_NAME}(?:\s+{_NAME}){{0,3}}(?:\s*(?:,|and|&)\s*{_NAME}(?:\s+{_NAME}){{0,3}})*"
_BYLINE = re.compile(
    rf"^(?i:by|written\s+by|words\s+by|story\s+by)\s+(?P<names>{_NAMES})(?P<rest>.*)$"
)
_NOT_NAMES = re.compile(
    r"^(?:the|this|that|then|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january"
    r"|february|march|april|may|june|july|august|september|october|november|december|early|late"
    r"|mid|noon|midnight|now|far|contrast|comparison|law|design|default)\b",
    _I,
)
_REPORTING_BY = re.compile(
    r"^\(?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|research)\s+by\b.*$", _I
)
_CONTRIBUTED = re.compile(
    r"^.{0,200}\bcontributed(?:\s+reporting|\s+to\s+(?:this|the)\s+(?:report|story|article))"
    r"(?:\s+from\s+[^.]{1,60})?\.?\)?$",
    _I,
)
_WRITES_FOR = re.compile(
    rf"^(?P<names>{_NAMES})\s+(?:writes?|reports?|reported)\s+(?:for|from)\s+(?P<outlet>[^.!?]{{1,80}})\.?$"
)
_STAFF = re.compile(
    rf"^{_NAMES}\s+(?:is|are)\s+(?:an?\s+)?(?:[\w-]+\s+){{0,3}}(?:writer|reporter|correspondent"
    r"|columnist|editor|journalist|contributor)s?\b(?:\s+(?:for|at|with)\b.{0,80})?\.?$"
)


def _outlet_like(text: str) -> bool:
    """Capitalised words ("the Associated Press", "BBC News") as a publication name has."""
    words = re.sub(r"^the\s+", "", text.strip(), flags=_I).split()
    small = {"of", "and", "&", "the", "for", "in", "on", "de"}
    return 0 < len(words) <= 8 and all(
        w[0].isupper() or w[0].isdigit() or w in small for w in words
    )


def _is_caption(line: Line) -> bool:
    t = line.text
    if line.words > 40:
        return False
    if _IMAGE_MD.match(t) or _CAPTION_PREFIX.match(t):
        return True
    credit = _CREDIT_END.search(t) if ")" in t else None  # (it needs one: no search)
    if credit and _CREDIT_INNER.match(credit.group(1).strip()) and credit.start() > 0:
        return True
    if t.endswith((".", "!", "?", "”", '"')) or not ("/" in t or ":" in t or "via" in t):
        return False  # each caption suffix holds one of these: no search from every character
    return bool(_CAPTION_SUFFIX.search(t))


def _is_byline(line: Line, low: str | None = None) -> bool:
    """``low``: the line in lower case when it is ASCII (:func:`_may_match`)."""
    t = line.text
    if line.words > 40:
        return False
    by = _BYLINE.match(t)
    if by and line.words <= 15 and not _NOT_NAMES.match(by.group("names")):
        rest = by.group("rest")
        if not rest.rstrip().endswith(("!", "?")) and not re.search(r"\.\s*$", rest):
            return True
    if _REPORTING_BY.match(t):
        return True
    if low is not None and not _holds_any(low, _BY_WORDS):
        return False  # (most lines) the three patterns below each need one of these words
    if _may_match(_CONTRIBUTED_NEEDS, t, low) and _CONTRIBUTED.match(t):
        return True
    if _may_match(_STAFF_NEEDS, t, low) and _STAFF.match(t) and line.words <= 25:
        return True
    may_write = _may_match(_WRITES_FOR_NEEDS, t, low)
    writes = _WRITES_FOR.match(t) if may_write else None
    return bool(writes and line.words <= 16 and _outlet_like(writes.group("outlet")))


# What a line needs for a pattern to match it, where a pattern's branches are tried from
# many characters (".{0,80}\bnewsletter", names before "writes for"): the words a branch
# opens the line with, or one it holds somewhere. Checked first with substring tests, so
# most lines skip the search; same answers. For a case-insensitive pattern the test reads
# the line in lower case, and only an ASCII line (a non-ASCII letter may case-fold to an
# ASCII one: "ſ" is "s"); a case-sensitive one, the line as written.
# (whether the pattern ignores case, the words a branch opens with, the words one holds)
_Needs = tuple[bool, tuple[str, ...], tuple[str, ...]]


def _needs(pattern: re.Pattern[str], starts: tuple[str, ...], inside: tuple[str, ...]) -> _Needs:
    return bool(pattern.flags & re.IGNORECASE), starts, inside


_SUBSCRIBE_NEEDS = _needs(
    _SUBSCRIBE, ("subscribe", "sign", "get", "already", "become", "support"), ("newsletter",)
)
_COPYRIGHT_NEEDS = _needs(_COPYRIGHT, ("copyright", "(c)", "this"), ("reserved",))
_CONTRIBUTED_NEEDS = _needs(_CONTRIBUTED, (), ("contributed",))
_STAFF_NEEDS = _needs(
    _STAFF,
    (),
    ("writer", "reporter", "correspondent", "columnist", "editor", "journalist", "contributor"),
)
_WRITES_FOR_NEEDS = _needs(_WRITES_FOR, (), ("write", "report"))
# What one of the last three patterns of _is_byline needs in an ASCII line in lower case
# (each needed word holds one; a word in a line as written is in its lower case too).
_BY_WORDS = ("contribut", "write", "report", "correspondent", "columnist", "editor", "journalist")


def _holds_any(text: str, words: tuple[str, ...]) -> bool:
    # (a loop: see _may_match)
    for word in words:  # noqa: SIM110
        if word in text:
            return True
    return False


def _may_match(needs: _Needs, text: str, low: str | None) -> bool:
    """False only when the pattern of ``needs`` cannot match ``text`` (``low``:
    ``text.lower()`` when ``text`` is ASCII, else None)."""
    folded, starts, inside = needs
    if folded:
        if low is None:
            return True
        text = low
    if text.startswith(starts):
        return True
    # a loop: any() over a generator took twice as long (0.37 vs 0.17 us for one word, 0.64
    # vs 0.41 for seven), and this runs 4-5 times a line
    for word in inside:  # noqa: SIM110
        if word in text:
            return True
    return False


_SHORT = 30
_LINE_RULES: tuple[tuple[str, re.Pattern[str], _Needs | None], ...] = (
    ("hashtags", _HASHTAGS, None),
    ("comments", _COMMENTS, None),
    ("promo", _PROMO, None),
    ("share-prompt", _SHARE, None),
    ("subscribe-prompt", _SUBSCRIBE, _SUBSCRIBE_NEEDS),
    ("copyright", _COPYRIGHT, _COPYRIGHT_NEEDS),
    ("timestamp", _AGO, None),
    ("related-link", _RELATED_LINK, None),
)

_GUARDED_RULES = tuple(rule for rule in _LINE_RULES if rule[2] is not None)


def _any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str]:
    """One pattern that matches where one of ``patterns`` matches (each in its own group
    with its own case flag): one call tells a line none of them can match."""
    assert all(p.flags & ~(re.I | re.U) == 0 for p in patterns)
    return re.compile("|".join(f"(?{'i' if p.flags & re.I else ''}:{p.pattern})" for p in patterns))


# The unguarded line rules' patterns in one: most lines match none, and then only the
# guarded rules (their needs tested first) are tried, in the same order.
_UNGUARDED = _any_of([pattern for _, pattern, needs in _LINE_RULES if needs is None])


def classify_line(line: Line) -> str | None:
    """The reason to drop one paragraph, or ``None`` to keep it."""
    t = line.text
    if line.words <= 3 and _HASHTAG_HEADING.match(t):
        return "hashtags"
    low = t.lower() if t.isascii() else None
    if line.words <= _SHORT:
        rules = _LINE_RULES if _UNGUARDED.match(t) else _GUARDED_RULES
        for reason, pattern, needs in rules:
            if (needs is None or _may_match(needs, t, low)) and pattern.match(t):
                return reason
    if _is_caption(line):
        return "photo-caption"
    if _is_byline(line, low):
        return "byline"
    return None


# --------------------------------------------------------------------------- tail


def _headingish(line: Line) -> bool:
    """A short line without sentence punctuation: an outlet name or a heading."""
    return line.words <= 6 and not line.text.endswith((".", "!", "?", ",", ";"))


_MORE_FROM = re.compile(r"^more\s+(?:from|on|about|in)\s+(?P<what>.+?)\s*:?$", _I)


def _is_tail_heading(line: Line) -> bool:
    """ "Related Articles", "Read more", "More from Andes Daily" and the like."""
    if line.words > 12:
        return False
    if _TAIL_HEADING.match(line.text):
        return True
    more = _MORE_FROM.match(line.text)
    return bool(more and _outlet_like(more.group("what")))


def find_tail(lines: list[Line], reasons: list[str | None]) -> int | None:
    """Index of the line where the aggregator tail starts, if any.

    A tail heading (``Related Articles``...) or a teaser header (a "13 minutes ago" line
    next to an outlet line) starts it, provided some story was kept before it. One pass:
    linear in the number of lines.
    """
    first_kept = next((i for i, r in enumerate(reasons) if r is None), len(reasons))
    for i in range(first_kept + 1, len(lines)):  # some story must be kept before line i
        line = lines[i]
        if _is_tail_heading(line):
            return i
        if _AGO.match(line.text):
            prev_ok = reasons[i - 1] is None and _headingish(lines[i - 1])
            nxt = lines[i + 1].text if i + 1 < len(lines) else ""
            if prev_ok and first_kept < i - 1:
                return i - 1
            if re.match(r"^[-–—|•]\s*\S", nxt):
                return i
    return None


# --------------------------------------------------------------------------- clean


def _merge(drops: list[DroppedRange], text: str) -> list[DroppedRange]:
    """Join neighbouring drops with the same reason when only whitespace separates them."""
    merged: list[DroppedRange] = []
    for d in drops:
        last = merged[-1] if merged else None
        if last and last.reason == d.reason and not text[last.end : d.start].strip():
            merged[-1] = DroppedRange(start=last.start, end=d.end, reason=d.reason)
        else:
            merged.append(d)
    return merged


def clean(source: Source) -> CleanedSource:
    """Keep the story's paragraphs; drop junk with a reason for each dropped range."""
    text = source.text
    header_end = min(max(source.header_end, 0), len(text))
    cut = size_cut(text, header_end)
    lines = split_lines(text, header_end, cut)
    reasons = [classify_line(line) for line in lines]
    tail = find_tail(lines, reasons)
    body = lines if tail is None else lines[:tail]
    # a line's range is valid (0 <= start <= end), so its records need no validation
    kept = [
        CharInterval.trusted(start=ln.start, end=ln.end)
        for ln, r in zip(body, reasons, strict=False)
        if r is None
    ]
    drops = [
        DroppedRange.trusted(start=ln.start, end=ln.end, reason=r)
        for ln, r in zip(body, reasons, strict=False)
        if r is not None
    ]
    if tail is not None:
        drops.append(
            DroppedRange(start=lines[tail].start, end=lines[-1].end, reason="related-articles")
        )
    rest = _oversize(text, cut)
    if rest is not None:
        drops.append(rest)
    return CleanedSource(source=source, kept=tuple(kept), dropped=tuple(_merge(drops, text)))


_NON_SPACE = re.compile(r"\S")


def _oversize(text: str, cut: int) -> DroppedRange | None:
    """The text beyond the size cut, as one dropped range (``None`` when nothing is cut)."""
    first = _NON_SPACE.search(text, cut) if cut < len(text) else None
    if first is None:
        return None
    end = len(text)
    while end > first.start() and text[end - 1].isspace():
        end -= 1
    return DroppedRange(start=first.start(), end=end, reason=OVERSIZE)


# --------------------------------------------------------------------------- inspect


def _preview(s: str, width: int = 60) -> str:
    flat = " ".join(s.split())
    return flat if len(flat) <= width else flat[:width] + "..."


def format_inspection(cleaned: CleanedSource) -> str:
    """Plain-text report for ``summarizer inspect PATH``.

    Metadata (id, title, outlet, publication date and its origin, encoding), the
    header, then the kept text, then each dropped range as
    ``[start:end] reason: first 60 characters...``. The publication date is the one
    the article gives (its own text or metadata), the same whether the article is
    inspected alone or in a folder; a date borrowed from the other articles of a
    folder is shown on a line of its own (``run date:``).
    """
    s = cleaned.source
    borrowed = s.published is not None and s.published_from is DateOrigin.RUN
    published = (
        f"{s.published.isoformat()} ({s.published_from.phrase})"
        if s.published and not borrowed
        else f"unknown (pass --published {s.id}=YYYY-MM-DD)"
    )
    kept_chars = sum(k.end - k.start for k in cleaned.kept)
    dropped_chars = sum(d.end - d.start for d in cleaned.dropped)
    out = [
        f"id:        {s.id}",
        f"path:      {s.path}",
        f"title:     {s.title or '-'}",
        f"outlet:    {s.outlet or '-'}",
        f"url:       {s.url or '-'}",
        f"published: {published}",
    ]
    if borrowed and s.published:
        out.append(f"run date:  {s.published.isoformat()} ({s.published_from.phrase})")
    out.append(f"encoding:  {s.encoding}")
    if s.header_end:
        out.append(f"header:    [0:{s.header_end}] {_preview(s.text[: s.header_end])}")
    out.append(
        f"kept:      {len(cleaned.kept)} paragraphs, {kept_chars} chars; "
        f"dropped: {len(cleaned.dropped)} ranges, {dropped_chars} chars"
    )
    out += ["", "--- kept text ---", cleaned.kept_text(), "", "--- dropped ---"]
    if not cleaned.dropped:
        out.append("(nothing dropped)")
    for d in cleaned.dropped:
        out.append(f"[{d.start}:{d.end}] {d.reason}: {_preview(s.text[d.start : d.end])}")
    return "\n".join(out) + "\n"

"""What a quote claims: its clause, whether a rewording stays within its sentence, and
whether its sentence is an instruction to a model rather than news.

The grounding gate (:mod:`summarizer.stages.ground`) uses three checks, the same for
every engine:

* :func:`clause_span`: a quote is read as a whole clause of its sentence. A fragment
  ("the war has ended." out of "... and report that the war has ended.") widens to the
  smallest span that starts and ends at clause boundaries: the sentence's edges, and
  the points after ``,`` ``;`` ``:`` dashes and brackets (and a conjunction that follows
  one). A complement after "that" or "said" is not a clause of its own: its sentence
  stands in.
* :func:`rewording_supported`: a model's wording may restate its quote, but every
  content word, name and number in it must come from the quote's sentence (compared
  as snowball stems, number words as digits), and a negation in the sentence must not
  be dropped. Function words (articles, prepositions, pronouns, auxiliaries) are free.
  Why a closed list of function words: they carry no claim, and English has few; the
  list holds no story's words.
* :func:`claim_supported`: a headline or key development must be backed the same way
  by one timeline entry, or two together (their wording and their sources' quotes).
* :func:`is_instruction` / :func:`instruction_candidates`: a sentence addressed to a model
  or a reader as an instruction ("ignore all previous instructions", "report that...",
  "you are now...") is a prompt-injection attempt. It is never an event, a summary
  sentence, a headline or a key development; the report lists it per source as a
  suspected instruction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import snowballstemmer

from summarizer.stages.numberwords import SMALL, TENS

# --------------------------------------------------------------------------- instructions

_VERBS = (
    r"(?:report|say|state|write|output|print|respond|reply|answer|claim|declare|announce|"
    r"conclude|summari[sz]e|mention|include|repeat|describe)"
)
_OPEN = r"^[\"“'‘(]?"  # the start of the sentence, past an opening quote
_INSTRUCTION = re.compile(
    # "ignore all previous instructions", "disregard your rules", "forget everything above"
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:[\w'’-]+\s+){0,3}?"
    r"(?:all|any|previous|prior|above|earlier|preceding|your|system|original)\b"
    r"(?:\s+[\w'’-]+){0,3}?\s+(?:instructions?|prompts?|rules|directions|guidelines|"
    r"directives|context|messages?)\b"
    r"|\b(?:ignore|disregard|forget)\s+(?:everything|all|anything)\s+(?:above|before|earlier)\b"
    # talking to the model about itself
    r"|\b(?:system prompt|you are now|from now on,? you|as an ai(?: language)? model)\b"
    r"|\b(?:new|updated|real|actual|hidden) instructions?\s*:"
    # an imperative reporting directive opening the sentence: "Report that ..."
    rf"|(?:{_OPEN}|[;:]\s*)(?:please\s+)?{_VERBS}\s+(?:only\s+)?"
    r"(?:that(?=(?:\s+[\w'’-]+){3})|the following|only|with|instead)\b"
    # "Do not mention the ...", opening the sentence
    rf"|{_OPEN}(?:do not|don't|never)\s+(?:report|mention|summari[sz]e|include|reveal|disclose)\b"
    # addressed to a model by name: "AI assistants reading this must report ..."
    r"|\b(?:ai|language models?|llms?|assistants?|chatbots?|summari[sz]ers?)\b[^.!?\n]{0,40}?"
    r"\b(?:must|should|shall|need to|are to|have to)\s+(?:now\s+|instead\s+|only\s+)?"
    rf"(?:{_VERBS}|ignore|disregard|pretend|act|behave)\b",
    re.IGNORECASE | re.MULTILINE,
)


def is_instruction(text: str) -> bool:
    """Does ``text`` (a sentence) address a model or reader as an instruction?"""
    flat = " ".join(text.split())
    if flat.isascii() and not _may_instruct(flat):
        return False  # most sentences: no search of the whole pattern from every character
    return _INSTRUCTION.search(flat) is not None


# Words without which no instruction pattern matches (lower case), and where a
# sentence-opening directive can start; :func:`instruction_candidates` finds both with
# plain substring search and one cheap regex, so the scan stays fast on 100 MB.
_TRIGGERS = (
    "ignore",
    "disregard",
    "forget",
    "override",
    "bypass",
    "system prompt",
    "you are now",
    "from now on",
    "as an ai",
    "instruction",
    "language model",
    "llm",
    "chatbot",
    "assistant",
    "summariz",
    "summaris",
)
# What each branch of _INSTRUCTION needs, for ASCII text with single spaces (where
# lower() and case-insensitive matching agree): one of the :data:`_TRIGGERS` words, "ai"
# as a word, a ";" or ":" before a directive, or the directive opening the text.
_OPENING_VERBS = _VERBS[3:-1].replace("summari[sz]e", "summarise|summarize").split("|")
_OPENERS = (*_OPENING_VERBS, "please", "do not", "don't", "never")
_AI_WORD = re.compile(r"ai(?<!\wai)\b")  # on lower-cased text: sre skips to each "ai"


def _may_instruct(flat: str) -> bool:
    """Whether ASCII ``flat`` holds what some branch of :data:`_INSTRUCTION` needs."""
    if ";" in flat or ":" in flat:
        return True
    low = flat.lower()
    if any(word in low for word in _TRIGGERS) or _AI_WORD.search(low):
        return True
    return low.startswith(_OPENERS) or (low[:1] in "\"'(" and low[1:].startswith(_OPENERS))


# The letters a directive opens with (an opener's first): looked ahead for after each
# sentence end, so most sentences (opening otherwise) are not tried against every verb.
_DIRECTIVE_INITIALS = "".join(sorted({opener[0] for opener in _OPENERS}))
_OPENING_DIRECTIVE = re.compile(
    rf"[\n.!?:;][\"”’)]?[ \t]*[\"“'‘(]?(?=[{_DIRECTIVE_INITIALS}])"
    rf"(?:please\s+)?(?:(?:do not|don't|never)\s+)?{_VERBS}\b",
    re.IGNORECASE,
)
# \bais?\b on lower-cased text (the instruction pattern ignores case: "ai should mention"
# is one too), led by its letters: sre skips to each "ai"
_AI = re.compile(r"ai(?<!\wai)s?\b")


def instruction_candidates(text: str) -> list[int]:
    """Positions in ``text`` whose sentence may be an instruction (check each sentence
    with :func:`is_instruction`): every trigger word, the word "AI" in any case, and every
    sentence-opening reporting verb. A superset: each pattern of :func:`is_instruction`
    needs one of them."""
    lowered = text.lower()
    found: list[int] = []
    for trigger in _TRIGGERS:
        pos = lowered.find(trigger)
        while pos != -1:
            found.append(pos)
            pos = lowered.find(trigger, pos + 1)
    found += [m.start() for m in _AI.finditer(lowered)]
    found += [m.end() - 1 for m in _OPENING_DIRECTIVE.finditer(text)]
    lead = len(text) - len(text.lstrip())  # is_instruction reads the text from its first word
    if _INSTRUCTION.match(text[lead : lead + 200]):
        found.append(lead)
    return sorted(set(found))


# --------------------------------------------------------------------------- clauses

_CLAUSE_MARK = re.compile(
    r"[,;:()\[\]—–]\s*(?:(?:and|but|or|nor|so|yet|while|whereas|although|though|because)\s+)?"
    r"|\s[-–—]\s+"
)
EDGE = " \t\n\"'“”‘’.,;:!?…()[]—–-"


def clause_starts_and_ends(sentence: str) -> tuple[set[int], set[int]]:
    """Offsets (into ``sentence``) where a clause may start and where one may end."""
    starts = {len(sentence) - len(sentence.lstrip(EDGE))}
    ends = {len(sentence.rstrip(EDGE))}
    for m in _CLAUSE_MARK.finditer(sentence):  # no copy of the text per mark: linear
        end, start = m.start(), m.end()
        while end > 0 and sentence[end - 1] in EDGE:
            end -= 1
        while start < len(sentence) and sentence[start] in EDGE:
            start += 1
        ends.add(end)
        starts.add(start)
    return starts, ends


def clause_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The smallest span of whole clauses of ``sentence`` covering ``[start, end)``.

    Offsets are relative to ``sentence``. A span that already starts and ends at clause
    boundaries (give or take quotes, punctuation and spaces) is returned as it is.
    """
    inner_start = start + (len(sentence[start:end]) - len(sentence[start:end].lstrip(EDGE)))
    inner_end = start + len(sentence[start:end].rstrip(EDGE))
    first, last = len(sentence) - len(sentence.lstrip(EDGE)), len(sentence.rstrip(EDGE))
    if inner_start == first and inner_end == last:
        return start, end  # the whole sentence (an extractive event): its bounds always are
    starts, ends = clause_starts_and_ends(sentence)
    if inner_start in starts and inner_end in ends:
        return start, end
    new_start = max((s for s in starts if s <= inner_start), default=0)
    new_end = min((e for e in ends if e >= inner_end), default=len(sentence))
    return new_start, max(new_end, new_start)


# --------------------------------------------------------------------------- rewordings

# "over", "off", "out" and "up" are not here: "the war is over" claims something.
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "into",
        "onto",
        "under",
        "after",
        "before",
        "during",
        "about",
        "against",
        "between",
        "through",
        "across",
        "since",
        "until",
        "amid",
        "among",
        "upon",
        "via",
        "per",
        "within",
        "and",
        "or",
        "but",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "as",
        "while",
        "when",
        "where",
        "than",
        "then",
        "also",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "your",
        "them",
        "him",
        "us",
        "me",
        "this",
        "these",
        "those",
        "there",
        "here",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "some",
        "any",
        "each",
        "both",
        "all",
        "other",
        "such",
        "same",
        "so",
        "own",
        "s",
    ]
)
_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "without",
        "cannot",
        "n't",
        "nowhere",
    ]
)
_NUMBER_WORDS = {
    **{word: str(value) for word, value in (SMALL | TENS).items()},
    "hundred": "100",
    "thousand": "1000",
    "dozen": "12",
}
_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


def _terms(text: str) -> list[str]:
    """Lower-case tokens: numbers without separators, number words as digits,
    "n't" split off, possessive "'s" dropped."""
    out: list[str] = []
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        if token[0].isdigit():
            out.append(token.replace(",", "").rstrip("."))
            continue
        if token.endswith("n't"):
            out += [token[:-3] or "n't", "n't"]
            continue
        token = token.removesuffix("'s")
        out.append(_NUMBER_WORDS.get(token, token))
    return out


def _stems(terms: list[str]) -> set[str]:
    stem = _stemmer().stemWord
    return {t if t[0].isdigit() else stem(t) for t in terms}


def content_terms(text: str) -> set[str]:
    """The stems of ``text``'s content words, names and numbers (function words out)."""
    return _stems([t for t in _terms(text) if t not in _FUNCTION_WORDS])


_PREFIX_MIN = 5  # "flood" and "floodwaters" are one word; "war" and "warn" are not


def covered(needed: set[str], terms: set[str]) -> set[str]:
    """The needed stems that ``terms`` lack: not there, nor one word's stem the start of
    the other's (compounds: "flood" / "floodwat"), numbers exactly."""
    missing = needed - terms
    long_terms = [t for t in terms if len(t) >= _PREFIX_MIN and not t[0].isdigit()]
    return {
        term
        for term in missing
        if term[0].isdigit()
        or len(term) < _PREFIX_MIN
        or not any(t.startswith(term) or term.startswith(t) for t in long_terms)
    }


def negated(text: str) -> bool:
    return any(t in _NEGATIONS for t in _terms(text))


def rewording_supported(text: str, quote: str, sentence: str) -> bool:
    """May ``text`` stand for ``quote``? Yes if it is the quote (whitespace aside), or if
    every content word, name and number in it comes from the quote's ``sentence`` and
    it keeps the quote's negation."""
    flat = " ".join(text.split())
    if not flat:
        return False
    if flat == " ".join(quote.split()):
        return True
    if negated(quote) and not negated(flat):
        return False
    return not covered(content_terms(flat), content_terms(sentence))


def claim_supported(text: str, backing: Sequence[Sequence[str]]) -> bool:
    """May ``text`` (a headline, a key development) be stated on the strength of
    ``backing``, the texts of each timeline entry it may rest on (an entry's wording and
    its sources' quotes)? Yes if it is no instruction and one entry, or two together,
    hold every content word, name and number it uses (and a negation it uses)."""
    flat = " ".join(text.split())
    if not flat or is_instruction(flat):
        return False
    needed = content_terms(flat)
    entries = [content_terms(" ".join(texts)) for texts in backing]
    if not entries:
        return False
    best = max(entries, key=lambda terms: len(needed) - len(covered(needed, terms)))
    missing = covered(needed, best)
    return not missing or any(not covered(missing, terms) for terms in entries)

"""What a figure is about: the thing counted, measured, paid or changed by a percentage.

Two figures are compared only when they are figures of the same thing (see
:func:`summarizer.stages.quantities.comparable`); this module reads that thing from the
words around a number, by English grammar rather than by any story's vocabulary:

* counts: the head noun of the phrase after the number and the state it is in
  ("1,600 households without power", "people stranded", "fired 52 drones");
* casualties: whom the toll counts when the sentence says so ("four of its
  peacekeepers were killed"); people in general ("killing 12 people", "three dead") name
  no one in particular;
* distances: the place they are measured from ("800 miles from Ukraine");
* percentages and money (:func:`measured_subject`): what the percentage is of ("71
  percent of GDP"), the thing the figure names ("a $312 billion portfolio", "a 70
  percent drop in net income", "$306 billion in securities", "a flash appeal for $550m"),
  or what changed by it ("Ford sales fell 31 percent" is a fall of Ford sales; "the rate
  rose to 7.6 percent" is the rate's level, not a change). Numbers of a series carry their
  time ("71% in 1997" and "59% in 2001" are two facts, not a revision). When none of these
  can be told ("Eighteen percent said ...", "which rose 14 percent"), the figure has no
  subject and is not compared with anything.

The subject is a key of snowball stems: the head noun plus the names in its phrase
("General Motors sales" -> "general motor sale"), so "Ford sales" and "Toyota sales" are
two things; a percentage that changed something also records the direction ("up",
"down") or the verb, so a fall and a level of one index are two figures.

The closed-class words below (articles, prepositions, auxiliaries, the verbs of change
and of payment) are grammar written here because library stop-word lists also hold the
nouns that news counts (men, members, cases, home).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# Closed-class English words (articles, prepositions, conjunctions, auxiliaries,
# pronouns, quantifiers) that end a counted noun phrase. Written here because the
# stop-word lists of libraries mix in content nouns (men, members, cases, home) that
# are exactly what news counts; this is grammar, not the vocabulary of any story.
FUNCTION_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
        a an the and or but of in on at to from by for with without over under into onto
        about after before since during across near than then that which who whom whose were
        was is are be been being have has had will would could should may might can more
        most less other others further additional new said says say also not no its their
        his her this these those per each every all some any including within deep away ago
        as when where if so there here out up down off it they them we you he she our your
        what while because though although whether must shall everyone everybody anyone
        anybody someone somebody nobody none nothing something everything last next
        """,
    )
)
_AUXILIARY = re.compile(
    r"^\s+(?:(?:were|was|are|is|been|being|be|have|has|had|got|remain|remained|remains|still|"
    r"now|later|will|would|could|may|might|should|must|can|reportedly|feared|thought|believed|"
    r"expected|estimated|said|confirmed|known)\s+)+",
    re.IGNORECASE,
)
WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*")
PARTICIPLE = re.compile(r"[a-z][a-z'’-]*(?:ed|en)$")
# People in general: a count or toll of them names no one in particular.
_GENERIC = frozenset({"people", "person", "persons", "others", "victims", "individuals"})
# Nouns for a group of people that are not plural in form ("37 UN staff").
_COLLECTIVE = frozenset({"staff", "personnel", "crew", "police", "militia", "infantry"})
_CASUALTY_WORDS = re.compile(
    r"(?:killed|dead|died|deaths?|fatalit(?:y|ies)|lives|perished|injured|wounded|hurt|"
    r"injur(?:y|ies)|casualt(?:y|ies)|hospitali[sz]ed|bodies)$"
)


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """The snowball stem of a word, lower-cased ("households" -> "household")."""
    return str(_stemmer().stemWord(word.lower().replace("’", "'")))


# --------------------------------------------------------------------------- counted things


@dataclass(frozen=True)
class NounPhrase:
    """What a count counts: the noun phrase after the number and what happened to it."""

    head: str  # the head noun as written, lower-cased ("households")
    predicate: str | None = None  # "stranded", "without power", "fired" (as written)
    end: int = 0  # end of the head noun in the text after the number


_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,6}['’]?s")


def noun_phrase(after: str) -> NounPhrase | None:
    """The head noun of the phrase after a number, and the state it is in.

    The phrase runs over adjectives, names and nouns ("four Russian Shahed drones",
    "52 Shahed and decoy drones") up to a function word, a plural noun (its head), a
    participle or punctuation; its head is its last lowercase word, or an acronym's
    plural ("40 NGOs", "three MPs", kept in capitals). Names alone
    ("1328 Ban Ki-moon", "00.50 BST") are not counted things, and a phrase set off by a
    spaced dash ("Ena, 69 - rescued") is not the number's.
    """
    m = re.match(r"^(?:\s+of)?((?:(?:\s+|-)[A-Za-z'’][A-Za-z'’-]*){1,6})", after)
    if not m:
        return None
    head: re.Match[str] | None = None
    for word in WORDS.finditer(after, m.start(1), m.end()):
        low = word.group(0).lower()
        if low in {"and", "or"} and head is None:
            continue  # coordinated modifiers: "Shahed and decoy drones"
        if low in FUNCTION_WORDS or low.endswith("ly"):
            break
        if _PLURAL_ACRONYM.fullmatch(word.group(0)):
            head = word  # "40 NGOs", "three MPs": an acronym's plural is a counted noun
            break
        if word.group(0)[0].isupper():
            if head is not None:
                break
            continue  # a name or demonym modifying the head: "Russian", "Shahed"
        if head is not None and PARTICIPLE.fullmatch(low):
            break  # "people stranded": the state, not the head
        head = word
        if plural(low):
            break
    if head is None:
        return None
    written = head.group(0)
    written = written if _PLURAL_ACRONYM.fullmatch(written) else written.lower()
    return NounPhrase(written, state_after(after[head.end() :]), head.end())


_NOT_PLURAL_MEN = frozenset({"omen", "amen", "abdomen", "specimen", "regimen", "stamen"})


def plural(word: str) -> bool:
    """A plural noun: "-s" (not "-ss", "-us", "-is"), or "-men" ("fishermen", "women")
    and the other plural of people, "children"."""
    low = word.lower()
    if low.endswith("men") and low not in _NOT_PLURAL_MEN:
        return True
    return low == "children" or (low.endswith("s") and not low.endswith(("ss", "us", "is")))


_LOST = re.compile(
    r"^\s*(?:lost|lose|loses|losing)\s+(?:(?:their|its|all|the)\s+)?([A-Za-z][A-Za-z'’-]*)",
    re.IGNORECASE,
)


# A place between the counted things and their plural verb: "homes [on the Marrow coast]
# were", "[in Haiti] have been" (a singular verb after it agrees with something else: "the
# plan adopted by the 15 countries in the euro group was inspired")
_PLACE = re.compile(
    r"^\s+(?:in|on|at|across|along|near|around|throughout)\s+(?:the\s+)?"
    r"(?:[A-Za-z][\w'’-]*\s+){0,3}?[A-Za-z][\w'’-]*(?=\s+(?:were|are|remain(?:ed)?|"
    r"(?:have|had)\s+(?:been|lost))\b)"
)


def state_after(rest: str) -> str | None:
    """The state a counted phrase is in: "(were) stranded", "without power", also past
    a place ("homes on the coast were without power"); a loss is the state it leaves
    ("homes lost power" are homes "without power")."""
    place = _PLACE.match(rest)
    if place and not FUNCTION_WORDS.intersection(w.lower() for w in place.group(0).split()[2:]):
        return _state(rest[place.end() :], participle=True)  # not "on Tuesday as ballots"
    return _state(rest)


def _state(rest: str, participle: bool = False) -> str | None:
    """The state after the counted phrase; ``participle``: only a participle ("were
    stranded", "are still waiting") or a loss, not an adverb ("were thus ...")."""
    aux = _AUXILIARY.match(rest)
    tail = rest[aux.end() :] if aux else rest
    m = re.match(r"^\s*(without|lacking)\s+([A-Za-z][A-Za-z'’-]*)", tail, re.IGNORECASE)
    if m:
        return f"{m.group(1).lower()} {m.group(2).lower()}"
    m = _LOST.match(tail)
    if m:  # "40,000 homes lost power": the state the homes are left in, "without power"
        return f"without {m.group(1).lower()}"
    m = re.match(r"^\s*([a-z][a-z'’-]*)", tail)
    if not m or m.group(1) in FUNCTION_WORDS:
        return None
    word = m.group(1)
    if participle:
        return word if PARTICIPLE.fullmatch(word) or word.endswith("ing") else None
    return word if aux or PARTICIPLE.fullmatch(word) else None


_NUMBER_OF = re.compile(
    r"\bnumber\s+of\s+(?P<np>[^.;:!?\d]{2,60})\s+(?:has|have|had|is|was|now)?\s*"
    r"(?:\w+\s+){0,2}?(?:to|at|reached|hit|is|was|stands\s+at|stood\s+at)\s+$",
    re.IGNORECASE,
)


def number_of(before: str) -> NounPhrase | None:
    """The counted phrase of "the number of people stranded has risen to 2,500"."""
    m = _NUMBER_OF.search(before)
    if not m:
        return None
    phrase = noun_phrase(" " + m.group("np"))
    return NounPhrase(phrase.head, phrase.predicate, 0) if phrase else None


_FRAME = re.compile(
    r"\b(?:a|an|the|its|their|his|her|our)\s+(?:[a-z]+\s+)?(?P<frame>[a-z]+)\s+of\s+$",
    re.IGNORECASE,
)
_DIFFERENCE = re.compile(r"\b(?P<aux>[a-z]+\s+)?(?P<verb>[a-z][a-z'’-]*)\s+by\s+$")
# "the lead narrowed to 187 votes", "Fenn's majority grew to 412": the size of a thing
_CHANGED_TO = re.compile(
    r"(?:\b(?i:the|a|an|its|their|his|her|our)|[A-Z][\w’'-]*?['’]s?)\s+"
    r"(?:(?!ha[sdv]e?\b)[a-z]+\s+)?(?P<frame>(?!ha[sdv]e?\b)[a-z]+)\s+"
    r"(?:(?:in|of|over|on|for|at)\s+[^.;:!?,\d]{1,40}?\s+)?"  # "lead in the mayoral race"
    r"(?:(?:has|have|had)\s+(?:now\s+)?(?:been\s+)?)?"
    r"(?P<verb>[a-z]+)\s+(?:to|at)\s+$"
)
_RESIZED = re.compile(r"(?:narrow|widen|swell|stand|stood)\w*|shr[aiu]nk|swollen")
# Nouns of counting: "the total rose to 52,960 votes" is a count of votes, not of a total.
_COUNTING = frozenset({"number", "total", "tally", "count", "toll", "figure", "sum", "estimate"})
_PASSIVE = frozenset({"was", "were", "is", "are", "be", "been", "being", "get", "got"})


def _changed_to(before: str) -> re.Match[str] | None:
    """ "the lead narrowed to", "the crowd swelled to": a verb of change (not "the charity
    has responded to")."""
    m = _CHANGED_TO.search(before)
    verb = m.group("verb").lower() if m else ""
    return (
        m
        if m and (_UP.fullmatch(verb) or _DOWN.fullmatch(verb) or _RESIZED.fullmatch(verb))
        else None
    )


def frame_before(before: str) -> str | None:
    """What a count is a measure of, when the words before it say so: a difference
    ("won by 187 votes", "leads by 412": "difference") or the singular noun it is the
    size of ("a margin of 412 votes", "a crowd of 5,000 people": "margin", "crowd"; "the
    lead narrowed to 187 votes", "Fenn's majority grew to 412": "lead", "majority"), so
    a margin is never compared with a total of the same unit. A noun of counting ("the
    total rose to 52,960 votes", "the number of ...") is no frame. A passive's agent ("was
    hit by 40 rockets") and "the number of ..." (:func:`number_of`) are no frame."""
    m = _FRAME.search(before) or _changed_to(before)
    if m and not plural(m.group("frame")) and m.group("frame").lower() not in FUNCTION_WORDS:
        return None if m.group("frame").lower() in _COUNTING else m.group("frame").lower()
    m = _DIFFERENCE.search(before)
    if m is None or m.group("verb") in FUNCTION_WORDS:
        return None
    aux = (m.group("aux") or "").strip().lower()
    return None if aux in _PASSIVE else "difference"


_ELLIPSIS = re.compile(
    r"(?<![\w,.])\d[\d,.]*\s+(?P<head>[a-z]+)\s+to\s+(?:the\s+)?"
    r"(?P<owner>(?:[A-Z][\w'’&.-]*\s+){0,3}[A-Z][\w'’&.-]*?)(?:['’]s?)?\s+$"
)


def elliptical(before: str) -> NounPhrase | None:
    """The counted thing of a score's second number, which leaves its noun out: "52,960
    votes to the Civic Party's 52,773" counts votes of the Civic Party (a count of its
    own, not the first number's)."""
    m = _ELLIPSIS.search(before)
    if m is None or not plural(m.group("head")) or m.group("head") in FUNCTION_WORDS:
        return None
    return NounPhrase(m.group("head"), f"of {m.group('owner')}", 0)


def counted_before(before: str) -> NounPhrase | None:
    """What a number counts when the words before it say: :func:`number_of`, or
    :func:`elliptical`."""
    return number_of(before) or elliptical(before)


_ALL_BUT = re.compile(
    r"\b(?:(?P<thing>[a-z]+)\s+(?:(?:was|were|is|are|has|have|had|been|being|now|since|"
    r"fully|largely|mostly|then)\s+){0,4}(?:restored|reconnected)"
    r"|(?:restored|restoring|restores|restore|reconnected)\s+(?P<object>[a-z]+))"
    r"\s+(?:to|for)\s+all\s+but\s+$",
    re.IGNORECASE,
)


def left_without(before: str) -> str | None:
    """The state of what is left out of a restoration: "power was restored to all but
    12,000 homes" counts homes still "without power" (the state "40,000 homes lost
    power" began)."""
    m = _ALL_BUT.search(before)
    if m is None:
        return None
    thing = (m.group("thing") or m.group("object")).lower()
    return None if thing in FUNCTION_WORDS else f"without {thing}"


def verb_before(before: str) -> str | None:
    """A verb right before the number that says what happened to the counted things:
    "fired 52 drones", "stranding 2,000 people", "leaving 1,600 households"."""
    m = re.search(r"\b([a-z][a-z'’-]*(?:ed|ing))\s+$", before)
    return m.group(1) if m and m.group(1) not in FUNCTION_WORDS else None


def generic(head: str) -> bool:
    """People in general ("people", "others"): a count that names no one in particular."""
    return head.lower() in _GENERIC


def casualty_noun(after: str) -> str | None:
    """Whom a toll counts, when the sentence names them: "four of its peacekeepers were
    killed" -> "peacekeepers", "37 UN staff confirmed dead" -> "staff"; None for people
    in general ("killing 12 people", "three dead", "injuring 35")."""
    rest = re.sub(r"^\s+of\s+(?:its|their|the|his|her|our)\b", "", after, flags=re.IGNORECASE)
    phrase = noun_phrase(rest)
    if phrase is None or generic(phrase.head) or _CASUALTY_WORDS.fullmatch(phrase.head):
        return None
    return phrase.head if plural(phrase.head) or phrase.head in _COLLECTIVE else None


# --------------------------------------------------------------------------- distances


def distance_reference(after: str) -> tuple[str, str] | None:
    """What a distance is measured from, as stems and as written: "from the Ukrainian
    border" -> ("ukrainian border", "ukrainian border"); stems are compared by prefix
    ("ukrain" of "Ukraine" matches "ukrainian"). A length along or around something
    keeps the preposition in the written form: "3 miles along the coast road" ->
    ("coast road", "along coast road")."""
    rest = re.sub(r"^\s*\)?\s*(?:\([^)]*\))?\s*\)?", "", after)
    rest = re.split(r"[,.;:()\u2013\u2014]|\s-\s", rest, maxsplit=1)[0]
    m = re.search(
        r"\b(from|of|to|away\s+from|inside|into|along|around|across|through)\s+(?:the\s+)?"
        r"(.{2,40})$",
        rest,
        re.I,
    )
    along = None
    if m:
        phrase = m.group(2)
        low = m.group(1).lower()
        along = low if low in {"along", "around", "across", "through"} else None
    else:
        phrase = rest.strip()
        if not re.match(r"(?i)(?:[a-z]+\s+)?front[\s-]?line", phrase):
            return None
    if re.search(r"(?i)front[\s-]?lines?", phrase):
        return "front line", "front line"
    words: list[str] = []
    for word in (w.lower() for w in WORDS.findall(phrase)):
        if word in FUNCTION_WORDS:
            if words:
                break  # "the coast road on Monday": the phrase ends at "on"
            continue
        words.append(word)
    words = words[:3]
    if not words:
        return None
    written = " ".join(words)  # "along coast road": the length of what, not from where
    return " ".join(stem(w) for w in words), f"{along} {written}" if along else written


# --------------------------------------------------------------------------- percentages, money


@dataclass(frozen=True)
class Subject:
    """What a percentage or a sum is of."""

    key: str  # stems of the head noun and the names of its phrase, sorted, plus "@time"
    written: str  # the phrase as written ("Ford sales", "GDP")
    change: str | None = None  # "up", "down" or a verb's stem; None for a level or a thing


_UP = re.compile(
    r"(?:ris(?:e|es|en|ing)|rose|climb\w*|increas\w*|gr[eo]wn?|grows|growing|gain\w*|jump\w*|"
    r"surg\w*|soar\w*|rall(?:y|ied|ies|ying)|rebound\w*|advanc\w*|up|higher)"
)
_DOWN = re.compile(
    r"(?:f[ae]ll|falls|fallen|falling|drop\w*|declin\w*|decreas\w*|los(?:e|es|t|ing)|slid\w*|"
    r"slump\w*|plung\w*|plummet\w*|tumbl\w*|s[aiu]nk\w*|sinking|shr[aiu]nk\w*|contract\w*|"
    r"dipp?\w*|slipp?\w*|retreat\w*|eas(?:e|ed|es|ing)|shed\w*|down|lower|cut)"
)
# Verbs after which a figure is a level, a payment or a cost (not a change of something).
_OTHER_VERBS = re.compile(
    r"(?:spent|paid|lent|gave|given|sent|won|bought|sold|put|set|hit|made|took|taken|brought|"
    r"owe[sd]?|costs?|worth|totall?(?:ed|ing|s)?|stood|stands?|closed|ended|finished|traded|"
    r"reached|valued|estimated|\w+(?:ed|ing))"
)
_LINKS = frozenset(
    {"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "would",
     "could", "may", "might", "should", "now", "still", "already", "just", "only", "also",
     "nearly", "almost", "some", "roughly", "so", "far", "yet", "again", "reportedly",
     "then", "previously", "initially", "first"}
)  # fmt: skip
_PREPOSITIONS = frozenset({"by", "to", "at", "of", "for", "from", "on"})
_DETERMINERS = r"(?:the|a|an|its|their|his|her|our|this|that)\s+"
_CHANGE_NOUNS = re.compile(
    r"(?:drop|fall|decline|decrease|loss|rise|increase|gain|jump|surge|growth|cut|reduction|"
    r"slump|plunge|rebound|climb)s?"
)
# Heads that name a time or an idiom, not a thing ("in the third quarter", "in total").
_NOT_THINGS = frozenset(
    {"year", "years", "quarter", "quarters", "month", "months", "week", "weeks", "day", "days",
     "period", "session", "trading", "decade", "half", "total", "all", "exchange", "return",
     "later", "earlier", "higher", "lower", "apiece", "overall", "alone", "together",
     "combined", "respectively", "instead", "too", "far", "ago", "today", "yesterday",
     "tomorrow", "tonight", "annually", "more", "less"}
)  # fmt: skip
_MONTH_WORDS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)"
)
_WHEN = re.compile(
    r"^[^.;:!?]{0,30}?\b(?:in|by|since|for|during|as\s+of|at\s+the\s+end\s+of)\s+"
    r"(?:(?:early|late|mid)[\s-]+)?(?:the\s+)?(?P<when>(?:18|19|20)\d\d\b|"
    + _MONTH_WORDS
    + r"\b|(?:first|second|third|fourth|last|next|this|previous)\s+(?:quarter|half|year|month|"
    r"week)\b)"
    r"|^[^.;:!?]{0,20}?\b(?P<rel>(?:last|next|this)\s+year)\b",
    re.IGNORECASE,
)


def _phrase_words(text: str) -> list[str]:
    """The words of a noun phrase from its start, up to a function word or punctuation."""
    out: list[str] = []
    for m in re.finditer(r"\S+", text):
        token = m.group(0)
        word = token.strip("\"'“”‘’()[],;:.!?")
        low = word.lower()
        if not word or not re.fullmatch(r"[A-Za-z][\w'’&.-]*", word) or low in FUNCTION_WORDS:
            break
        out.append(re.sub(r"['’]s$", "", word))
        if (token != word and not token.endswith(("'s", "’s"))) or len(out) == 5:
            break
    return out


def _subject(words: list[str], change: str | None = None) -> Subject | None:
    """A phrase's subject: its head (last word) and its names, as stems."""
    if not words:
        return None
    head = words[-1]
    if head.lower() in _NOT_THINGS or generic(head) or re.search(r"\d", head):
        return None
    names = [w for w in words[:-1] if w[0].isupper()]
    key = " ".join(sorted({stem(w) for w in [*names, head]}))
    return Subject(key, " ".join(words), change)


def _of_after(after: str, preposition: str) -> Subject | None:
    """ "71 percent of GDP", "$306 billion in troubled securities" (not "in September")."""
    m = re.match(rf"^\s+{preposition}\s+(?:{_DETERMINERS})?", after, re.IGNORECASE)
    if not m:
        return None
    words = _phrase_words(after[m.end() :])
    if preposition == "in" and words and (words[0][0].isupper() or len(words) > 4):
        return None  # "in September", "in Japan": a time or a place, not what it is of
    return _subject(words)


def _named_after(after: str) -> Subject | None:
    """ "a $312 billion portfolio", "a 70 percent drop in net income", "a 5% stake"."""
    m = re.match(r"^[\s-]+(?=[a-z])", after)
    if not m:
        return None
    words = _phrase_words(after[m.end() :])
    if not words or PARTICIPLE.fullmatch(words[0]):
        return None  # "5 percent highlighted ...": a clause, not a phrase
    head_end = after.find(words[-1], m.end()) + len(words[-1])
    if _CHANGE_NOUNS.fullmatch(words[-1].lower()):
        direction = "down" if _DOWN.fullmatch(words[-1].lower()) else "up"
        changed = _of_after(after[head_end:], "in") or _of_after(after[head_end:], "of")
        return Subject(changed.key, changed.written, direction) if changed else None
    return _subject(words)


def _owner_before(before: str) -> Subject | None:
    """What changed by the figure, or whose level or sum it is: the noun phrase before a
    verb of change ("Ford sales fell 31 percent": down) or before a preposition ("the
    rate rose to 7.6 percent", "unemployment at 7 percent", "an appeal for $550m")."""
    clause = re.split(r"[.;:!?,()\"“”]|\s[-–—]\s", before)[-1]
    words = clause.split()
    i = len(words)
    preposition = words[i - 1].lower() if i and words[i - 1].lower() in _PREPOSITIONS else None
    i -= preposition is not None
    change: str | None = None
    verb = False
    while i and re.fullmatch(r"[a-z][a-z'’-]*", words[i - 1]):
        low = words[i - 1]
        if _UP.fullmatch(low) or _DOWN.fullmatch(low):
            change = change or ("up" if _UP.fullmatch(low) else "down")
        elif _OTHER_VERBS.fullmatch(low) and low not in FUNCTION_WORDS:
            change = change or stem(low)
        elif not (low in _LINKS or low.endswith("ly")):
            break
        verb = True
        i -= 1
    if not verb and preposition is None:
        return None  # "lend J.P. Morgan $29 billion": a name right before is no subject
    phrase = list(reversed(_reversed_phrase(words[:i])))
    if preposition in {"to", "at", "from", "of", "for", "on"} or not verb:
        change = None  # "rose to 7.6 percent": the level, not the change
    return _subject(phrase, change)


_PARTICLES = frozenset({"up", "down", "higher", "lower"})
_SETTLING = frozenset(
    {"closed", "ended", "finished", "opened", "traded", "was", "were", "is", "are", "been",
     "remained", "stood", "still"}
)  # fmt: skip


def direction_before(before: str) -> str | None:
    """The direction of a change a figure measures, from the verb right before it: "fell
    700 points" -> "down", "closed up 142 points" -> "up"; a particle of another verb
    is no change ("shot down 60 drones")."""
    words = re.split(r"[.;:!?,()\"“”]|\s[-–—]\s", before)[-1].split()
    if words and words[-1].lower() == "by":
        words = words[:-1]
    for k in range(len(words) - 1, max(-1, len(words) - 4), -1):
        low = words[k]
        if low in _PARTICLES:
            settled = k > 0 and words[k - 1].lower() in _SETTLING
            return ("up" if _UP.fullmatch(low) else "down") if settled else None
        if _UP.fullmatch(low) or _DOWN.fullmatch(low):
            return "up" if _UP.fullmatch(low) else "down"
        if not (low in _LINKS or low.endswith("ly")):
            return None
    return None


def _reversed_phrase(words: list[str]) -> list[str]:
    """The words of the noun phrase that ends ``words``, last first."""
    out: list[str] = []
    for word in reversed(words):
        bare = word.strip("\"'“”‘’")
        if not re.fullmatch(r"[A-Za-z][\w'’&.-]*", bare) or bare.lower() in FUNCTION_WORDS:
            break
        out.append(re.sub(r"['’]s$", "", bare))
        if len(out) == 5:
            break
    return out


def _when(after: str) -> str | None:
    """The time a figure of a series is for: "in 1997", "at the end of June", "this year"."""
    m = _WHEN.match(after)
    if not m:
        return None
    return re.sub(r"\s+", " ", (m.group("when") or m.group("rel")).lower())


def measure_subject(after: str, hyphenated: bool) -> Subject | None:
    """What an area, a speed, a mass, a volume or a temperature is of, when the phrase
    names it: "12,000 acres of forest", "80 tonnes of ammonium nitrate", "a 12,000-acre
    fire", "90 mph winds"; ``after`` starts right after the unit."""
    return (
        _of_after(after, "of")
        or (_named_after(after) if hyphenated else None)
        or (_named_after(after) if re.match(r"^\s+[a-z]+s\b", after) else None)
    )


def measured_subject(before: str, after: str, money: bool) -> Subject | None:
    """What a percentage or a sum is of (see the module docstring); None when it cannot
    be told. ``before`` ends right before the figure, ``after`` starts right after it."""
    after = re.sub(r"^\s*\([^()]{0,40}\)", "", after)  # "$10m (£6m) from ...": the conversion
    if re.match(r"^\s+of\s+(?:these|those|them|it|which|whom|us)\b", after, re.IGNORECASE):
        return None  # "40 percent of these": of what, the sentence does not say
    found = (
        _of_after(after, "of")
        or _named_after(after)
        or (_of_after(after, "in") if money else None)
        or _owner_before(before)
        or (None if money else _of_after(after, "in"))
    )
    if found is None:
        return None
    when = _when(after)
    return Subject(f"{found.key} @{when}", found.written, found.change) if when else found

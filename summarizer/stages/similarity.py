"""Which sentences state the same fact: similarity from the corpus' own statistics.

Used by :mod:`summarizer.stages.merge`. Nothing here is written for one story:

* **Terms** (read by :mod:`summarizer.stages.terms`). Snowball stems (``snowballstemmer``,
  the evaluation's stemmer too) of the
  words outside temporal expressions (``dates.find_temporal_expressions``: the day is
  compared as a date, by merge, not as a word) and outside the Snowball project's
  English stop list (package ``stopwords``: function words only); numbers keep their
  digits ("#5438"). Each pair of neighbouring stems of what is said is a feature of its
  own (``PAIR_WEIGHT``): "Russia launched" is not "Ukraine launched".
* **Names** are stems the corpus writes capitalised inside sentences at least as often
  as in lower case; they weigh ``NAME_WEIGHT`` times more. A name stem that extends a
  shorter one by at most three letters is that name ("Ukrainian" is "Ukraine"'s
  adjective, "Iraqi" "Iraq"'s): derivation found in the corpus, not a list of demonyms.
* **Who reports a fact is not the fact.** Words inside an attribution ("according to
  the Associated Press", "..., police said.", "told reporters") weigh
  ``ATTRIBUTION_WEIGHT``: two outlets quoting one agency about different things are
  not one fact, and the same fact credited to two agencies still is.
* **Weights** are TF-IDF with document frequencies counted over every event of the run
  (heavy coverage makes the story's common words cheap, as it should).

Similarity of two texts: the mean of the cosine and the weighted overlap coefficient
(a short sentence contained in a longer one matches it), or, when lower, of their best
pair of clauses less ``CLAUSE_DISCOUNT`` (a lead packing two facts can match each); scaled
down when names make up most of what they share (``CONTENT_SHARE``: the same people in
the same place are the same story, not yet the same fact); plus ``NUMBER_BONUS`` when
both state one distinctive figure, minus ``FIGURE_PENALTY`` when their figures of one
kind (not casualty tolls, which outlets disagree on) all differ; and -1, never the same
fact, when one names someone or somewhere where the other names another (see
:func:`_other_names`).

Cost: every distinct text is analysed once, each pair of texts scored at most once
(:class:`Scores` keeps a memo), and candidate pairs come from an inverted index
(:func:`summarizer.stages.blocking.candidate_pairs`): near-linear in the number of texts.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from summarizer.models import Quantity
from summarizer.stages import units
from summarizer.stages.disagree import topic_of
from summarizer.stages.quantities import comparable, same_figure
from summarizer.stages.revisions import SPELLING
from summarizer.stages.stems import stemmed
from summarizer.stages.terms import STOPWORDS, Token, says_what, tokenise

LINK = 0.35  # similarity of a member to its entry's centre text (used by merge too)
NUMBER_BONUS = 0.2
FIGURE_PENALTY = 0.3
CLAUSE_DISCOUNT = 0.05
CLAUSE_FROM = 0.1  # below this whole-sentence similarity, clauses are not compared
NAME_WEIGHT = 3.0  # names (corpus-capitalised stems) weigh this much more
PAIR_WEIGHT = 0.5  # neighbouring stems, as a feature of their own
ATTRIBUTION_WEIGHT = 0.3  # who reports a fact weighs less than the fact
CONTENT_SHARE = 0.5  # below this share of non-name words in what two texts share: scaled
MIN_CLAUSE_TERMS = 3
MAX_CLAUSES = 4

_NORMAL_RE = re.compile(r"[\W_]+")
_NON_DIGITS = re.compile(r"\D")
_CASUALTY_KINDS = frozenset({"killed", "injured", "casualties"})
_DIRECTIONS = frozenset({None, "up", "down"})  # a count's change is not its state
_CLAUSE_RE = re.compile(
    r",\s+(?=(?:after|while|as|but|and|according|which|who|killing|injuring|leaving|"
    r"targeting|starting|in\s+a)\b)|;|\s[\u2013\u2014-]\s|:\s"
)


# --------------------------------------------------------------------------- terms


def _clause_tokens(text: str, tokens: list[Token]) -> list[list[Token]]:
    """The tokens of each clause worth comparing on its own (3+ words of what is said),
    when the sentence has several clauses."""
    bounds = [0, *(m.end() for m in _CLAUSE_RE.finditer(text)), len(text) + 1]
    if len(bounds) < 3:
        return []
    starts = [t.start for t in tokens]  # in text order: each clause's tokens by bisection
    parts = [
        tokens[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]
        for lo, hi in itertools.pairwise(bounds)
    ]
    keep = [p for p in parts if sum(says_what(t) for t in p) >= MIN_CLAUSE_TERMS]
    return keep[:MAX_CLAUSES]


@dataclass(frozen=True)
class _Name:
    idf: float
    contexts: frozenset[str]  # the words around each run of names it is in
    mates: frozenset[str]  # the other names of those runs
    initials: frozenset[str]  # the initials of those runs ("us" for "United States")


class _Vocabulary:
    """Document frequencies, names and name derivations of one run's texts."""

    def __init__(
        self,
        tokens: Sequence[list[Token]],
        copies: Sequence[int],
        articles: Sequence[Collection[str]] | None = None,
    ) -> None:
        capital: Counter[str] = Counter()
        lower: Counter[str] = Counter()
        for toks in tokens:
            for t in toks:
                if t.case >= 0:
                    (capital if t.case else lower)[t.stem] += 1
        names = {s for s, c in capital.items() if c >= lower[s]}
        self.alias = _derivations(names, _Where(tokens, names, articles))
        self.names = {self.alias.get(s, s) for s in names}
        self.text_features = [self.features(toks) for toks in tokens]
        df: Counter[str] = Counter()
        for feats, n in zip(self.text_features, copies, strict=True):
            if n == 1:
                df.update(feats.keys())  # one each, counted in C
                continue
            for feature in feats:
                df[feature] += n
        total = max(sum(copies), 1)
        self.idf = {s: math.log((1 + total) / (1 + d)) + 1.0 for s, d in df.items()}

    def features(self, toks: Iterable[Token]) -> dict[str, float]:
        """Each stem (names as their shortest derivation) and each pair of neighbouring
        stems of what is said, not both names ("russia launch" is not "ukrain launch"),
        with its weight
        factor: names ``NAME_WEIGHT``, words of who says it ``ATTRIBUTION_WEIGHT``,
        pairs ``PAIR_WEIGHT``; counts are not kept (a sentence states a word once)."""
        out: dict[str, float] = {}
        previous: str | None = None
        alias, names, after_name = self.alias, self.names, False
        for t in toks:
            stem = alias.get(t.stem, t.stem)
            named = stem in names
            f = ATTRIBUTION_WEIGHT if t.attribution else NAME_WEIGHT if named else 1.0
            if out.get(stem, 0.0) < f:  # each weight is above 0: the highest one is kept
                out[stem] = f
            if t.attribution or t.stem.startswith("#"):  # not what is said (says_what)
                previous = None
                continue
            if previous is not None and not (after_name and named):
                out.setdefault(f"{previous} {stem}", PAIR_WEIGHT)
            previous, after_name = stem, named
        return out

    def names_of(self, toks: Sequence[Token]) -> dict[str, _Name]:
        """Each name of the text, with the words around its run of names ("in said":
        "in X said"; in "Mayor Otto Lanz said", "Otto" is between "" and "said") and
        the other names of that run."""
        runs: list[list[Token]] = []
        alias, names = self.alias, self.names
        for t in toks:
            if alias.get(t.stem, t.stem) not in names:
                continue
            if runs and t.position == runs[-1][-1].position + 1:
                runs[-1].append(t)
            else:
                runs.append([t])
        contexts: dict[str, set[str]] = {}
        mates: dict[str, set[str]] = {}
        initials: dict[str, set[str]] = {}
        for run in runs:
            stems = {self.alias.get(t.stem, t.stem) for t in run}
            context = f"{run[0].context[0]} {run[-1].context[1]}"
            letters = "".join(t.stem[0] for t in run)
            for stem in stems:
                contexts.setdefault(stem, set()).add(context)
                mates.setdefault(stem, set()).update(stems - {stem})
                initials.setdefault(stem, set()).add(letters)
        return {
            n: _Name(
                self.idf.get(n, 1.0), frozenset(c), frozenset(mates[n]), frozenset(initials[n])
            )
            for n, c in contexts.items()
        }

    def vector(self, features: Mapping[str, float]) -> dict[str, float]:
        """Unit TF-IDF vector of :meth:`features`."""
        weights = map(self.idf.get, features, itertools.repeat(1.0))  # f * idf, in C
        vec = dict(zip(features, map(operator.mul, features.values(), weights), strict=True))
        values = vec.values()  # the same squares summed in the same order, in C
        norm = math.sqrt(sum(map(operator.mul, values, values))) or 1.0
        return {s: v / norm for s, v in vec.items()}


class _Where:
    """Which articles each name is in, and whether two names belong to one story."""

    LOOK = 8  # articles of each name looked at

    def __init__(
        self,
        tokens: Sequence[list[Token]],
        names: set[str],
        articles: Sequence[Collection[str]] | None,
    ) -> None:
        self.found: dict[str, set[str]] = defaultdict(set)
        self.named: dict[str, set[str]] = defaultdict(set)  # article -> its names
        for toks, where in zip(tokens, articles or [()] * len(tokens), strict=True):
            for t in toks:
                if t.stem in names:
                    self.found[t.stem].update(where)
                    for article in where:
                        self.named[article].add(t.stem)
        self.known = articles is not None

    def one_story(self, x: str, y: str) -> bool:
        """``x`` and ``y`` are written in one article, or in two articles that name
        someone or somewhere else in common (their articles tell one story)."""
        if not self.known or not self.found[x].isdisjoint(self.found[y]):
            return True
        pair = {x, y}
        return any(
            not (self.named[a] - pair).isdisjoint(self.named[b] - pair)
            for a in sorted(self.found[x])[: self.LOOK]
            for b in sorted(self.found[y])[: self.LOOK]
        )


def _derivations(names: set[str], where: _Where | None = None) -> dict[str, str]:
    """Name stems that extend a shorter name stem by 1-3 letters ("ukrainian" ->
    "ukrain", "iraqi" -> "iraq"), mapped to the shortest such stem.

    With ``where``: only names of one story (:meth:`_Where.one_story`): a country and its
    adjective, "Udmurtia" and "Udmurt" in two outlets' reports of one strike; two towns
    or two people of unrelated stories whose names happen to extend each other
    ("Kenzen", "Kenzencro") are not one name.
    """
    alias: dict[str, str] = {}
    for name in names:
        for cut in range(len(name) - 3, len(name)):
            base = name[:cut]
            if cut >= 4 and base in names and (where is None or where.one_story(name, base)):
                alias[name] = base
                break
    return alias


# --------------------------------------------------------------------------- texts


@dataclass(frozen=True)
class _Vector:
    """A unit TF-IDF vector and the sum of its weights."""

    vec: dict[str, float]
    total: float

    @classmethod
    def of(cls, vec: dict[str, float]) -> _Vector:
        return cls(vec, sum(vec.values()))


@dataclass
class Text:
    """One distinct text (all its copies share it) with its vectors."""

    idx: int
    text: str
    quantities: tuple[Quantity, ...]
    vec: dict[str, float] = field(default_factory=dict)
    whole: _Vector = field(default_factory=lambda: _Vector({}, 0.0))  # vec, for scoring
    clauses: list[_Vector] = field(default_factory=list)
    names: dict[str, _Name] = field(default_factory=dict)
    numbers: dict[str, frozenset[str]] = field(default_factory=dict)  # bare: see _bare


def normal(text: str) -> str:
    return _NORMAL_RE.sub(" ", text.lower()).strip()


def _distinctive(q: Quantity) -> bool:
    """An exact figure that is not a round hundred or thousand ("5,438", "52", a toll of
    three): two texts stating it are likely stating one fact. Small counts of things
    ("two schools", "three ships") are said of many things, so a count needs ten or
    more; a toll is its event's."""
    if q.approximate or q.low is not None or q.high is not None:
        return False
    if q.value < 10 and q.kind not in _CASUALTY_KINDS:
        return False
    digits = re.sub(r"\D", "", q.raw.split(".")[0])
    return not digits or int(digits) < 100 or int(digits) % 100 != 0


def _converted(x: Quantity, y: Quantity) -> bool:
    """A distance given in miles by one and kilometres by the other (an area in acres
    and hectares, a speed in mph and km/h, ...)."""
    if x.kind in units.KINDS:
        return units.in_normal_unit(x.raw, x.unit or "") != units.in_normal_unit(
            y.raw, y.unit or ""
        )
    return x.kind == "distance" and ("mile" in x.raw.lower()) != ("mile" in y.raw.lower())


def _shares_figure(a: Sequence[Quantity], b: Sequence[Quantity]) -> bool:
    return any(
        (_distinctive(x) or _converted(x, y)) and comparable(x, y) and same_figure(x, y)
        for x in a
        for y in b
    )


def _conflicting_figures(a: Sequence[Quantity], b: Sequence[Quantity]) -> bool:
    """Both state figures of one kind (not casualties) and none of them agree.

    A different distance from the same place is a different place; 472 drones on a
    Sunday and 5,438 drones in June are two facts. Casualty counts are left out:
    different tolls for one attack are what disagreements are made of.
    """
    pairs = [(x, y) for x in a for y in b if x.kind not in _CASUALTY_KINDS and comparable(x, y)]
    return bool(pairs) and not any(same_figure(x, y) for x, y in pairs)


def hidden_conflict(a: Text, b: Text) -> bool:
    """``a`` and ``b`` state differing figures of what reads as one thing (not
    casualties) that the disagreement stage would not list side by side.

    In one entry, one outlet would be cited for a figure its quote contradicts and
    nobody would be told ("homes without power climbed to 65,000" and "60,000 homes
    were without power" when the stage does not compare them), so they are never one
    entry. Figures the stage compares (about 1,800 passengers and about 2,000 people
    stranded) may share an entry: the disagreement is shown.
    """
    pairs = [
        (x, y)
        for x in a.quantities
        for y in b.quantities
        if x.kind not in _CASUALTY_KINDS and _one_thing(x, y, a, b)
    ]
    if not pairs or any(same_figure(x, y) for x, y in pairs):
        return False
    return not any(_listed(x, y) for x, y in pairs)


def _listed(x: Quantity, y: Quantity) -> bool:
    """The disagreement stage would list ``x`` and ``y`` side by side when in one entry
    (its topics: figures it compares, strictly comparable)."""
    return topic_of(x) is not None and topic_of(y) is not None and comparable(x, y, strict=True)


def _one_thing(x: Quantity, y: Quantity, a: Text, b: Text) -> bool:
    """Figures of one thing, loosely: :func:`comparable`, or two counts (of one unit)
    in the same state ("stranded", "without power") or one of which counts what the
    other's sentence names ("homes without power" in "the number of homes without
    power climbed to 65,000")."""
    if comparable(x, y):
        return True
    if x.kind != "count" or y.kind != "count" or (x.unit or None) != (y.unit or None):
        return False
    state = x.predicate not in _DIRECTIONS and x.predicate == y.predicate
    return state or _counted_in(x, b) or _counted_in(y, a)


def _counted_in(q: Quantity, text: Text) -> bool:
    """Every word of what ``q`` counts ("homes without power") is in ``text``."""
    stems = [stemmed(w) for w in re.findall(r"[a-z]+", (q.noun or "").lower())]
    words = [w for w in stems if w not in STOPWORDS]
    return bool(words) and all(w in text.vec for w in words)


def _lexical(a: _Vector, b: _Vector, names: Collection[str] | None = None) -> float:
    """Mean of the cosine and the weighted overlap coefficient, in one pass.

    With ``names``: scaled down when names make up most of what the two share (below
    ``CONTENT_SHARE`` of the shared weight, names counted without their boost): the
    same people and places are the same story, not yet the same fact.
    """
    x, y = (a, b) if len(a.vec) <= len(b.vec) else (b, a)
    dot = shared = named = 0.0
    other = y.vec
    for t, v in x.vec.items():
        w = other.get(t)
        if w is not None:
            dot += v * w
            m = v if v < w else w
            shared += m
            if names is not None and t in names:
                named += m
    if not shared:
        return 0.0
    score = 0.5 * (dot + shared / (min(x.total, y.total) or 1.0))
    content = shared - named
    fraction = content / (content + named / NAME_WEIGHT)
    return score if fraction >= CONTENT_SHARE else score * fraction / CONTENT_SHARE


class Scores:
    """Similarity of two distinct texts, each pair computed at most once."""

    def __init__(self, texts: list[Text]) -> None:
        self.texts = texts
        self.memo: dict[tuple[int, int], float] = {}

    def __call__(self, i: int, j: int) -> float:
        if i == j:
            return 1.0
        key = (i, j) if i < j else (j, i)
        score = self.memo.get(key)
        if score is None:
            score = self.memo[key] = self._score(self.texts[i], self.texts[j])
        return score

    @staticmethod
    def _score(a: Text, b: Text) -> float:
        names = a.names  # a shared term is a name in both texts or in neither
        lexical = _lexical(a.whole, b.whole, names)
        if CLAUSE_FROM <= lexical < LINK and (a.clauses or b.clauses):
            left = a.clauses or [a.whole]
            right = b.clauses or [b.whole]
            best = max(_lexical(x, y, names) for x in left for y in right)
            lexical = max(lexical, best - CLAUSE_DISCOUNT)
        if lexical >= CLAUSE_FROM and (
            _other_names(a.names, b.names) or _other_numbers(a.numbers, b.numbers)
        ):
            return -1.0
        if a.quantities and b.quantities:
            if _shares_figure(a.quantities, b.quantities):
                lexical += NUMBER_BONUS
            elif hidden_conflict(a, b):
                return -1.0
            elif _conflicting_figures(a.quantities, b.quantities):
                lexical -= FIGURE_PENALTY
        return lexical


def _other_names(a: Mapping[str, _Name], b: Mapping[str, _Name]) -> bool:
    """One text names someone or somewhere where the other names another, between the
    same two words: a fire "in Arnsby on Monday" is not a fire "in Colmere on Monday",
    and "Pavel Valhar said" is not "Pavel Marlisfen said". Not a substitution: names
    only one text has in other places (a region, a speaker), spellings of one name
    ("Zaporizhzhia", "Zaporizhzia": rapidfuzz ratio >= ``SPELLING``), initials ("US",
    "United States"), and a title or first name beside a name both give that is about
    as rare ("President Trump", "Donald Trump"; but "Pavel" is no rarer than the many
    Pavels of the corpus)."""
    if not a or not b:
        return False
    only_b = [(n, y) for n, y in b.items() if n not in a and not _variant(y, a)]
    if not only_b:
        return False
    only_a = [(n, x) for n, x in a.items() if n not in b and not _variant(x, b)]
    return any(
        not x.contexts.isdisjoint(y.contexts) and not _same_name(n, x, m, y)
        for n, x in only_a
        for m, y in only_b
    )


def _other_numbers(a: Mapping[str, frozenset[str]], b: Mapping[str, frozenset[str]]) -> bool:
    """One text gives a number where the other gives another, between the same two
    words, and neither is a figure the quantities stage compares: "district 4 were"
    and "district 5 were", "take 6 days" and "take 7 days" are different facts.
    (Figures such as tolls and counts are compared by :func:`figure_conflict`, so that
    outlets disagreeing on them can be shown disagreeing.)"""
    if not a or not b:
        return False
    return any(
        n not in b and m not in a and not x.isdisjoint(y)
        for n, x in a.items()
        for m, y in b.items()
    )


def _same_name(n: str, x: _Name, m: str, y: _Name) -> bool:
    """Two spellings of one name, or a name and its initials."""
    spelling = min(len(n), len(m)) >= 5 and fuzz.ratio(n, m) >= SPELLING
    return spelling or n in y.initials or m in x.initials


def _variant(name: _Name, other: Mapping[str, _Name]) -> bool:
    """A name beside a name the other text gives, that is at most twice as common."""
    return any(m in other and other[m].idf >= name.idf - math.log(2) for m in name.mates)


def vectorise(
    texts: Sequence[Text],
    copies: Sequence[int],
    articles: Sequence[Collection[str]] | None = None,
    known: Mapping[str, list[Token]] | None = None,
    meanwhile: Callable[[Sequence[Text]], object] | None = None,
) -> None:
    """Fill every text's vectors, clauses, names and bare numbers; ``copies``: events
    per text; ``articles``: the articles each text is in (for name derivations);
    ``known``: texts already tokenised (:class:`Tokenised`); ``meanwhile``: called with
    the texts once they all have their vector, before the rest is made."""
    done = known or {}
    tokens = [done[t.text] if t.text in done else tokenise(t.text) for t in texts]
    vocab = _Vocabulary(tokens, copies, articles)
    for text, feats in zip(texts, vocab.text_features, strict=True):
        text.vec = vocab.vector(feats)
    if meanwhile is not None:
        meanwhile(texts)
    for text, toks in zip(texts, tokens, strict=True):
        text.whole = _Vector.of(text.vec)
        text.names = vocab.names_of(toks)
        text.numbers = _bare(toks, text.quantities)
        for clause in _clause_tokens(text.text, toks):
            text.clauses.append(_Vector.of(vocab.vector(vocab.features(clause))))


def _bare(toks: Iterable[Token], quantities: Sequence[Quantity]) -> dict[str, frozenset[str]]:
    """The text's numbers that are no figure of its quantities ("district 4", "take 6
    days"), each with the words around it."""
    figures = {_NON_DIGITS.sub("", q.raw) for q in quantities}
    out: dict[str, set[str]] = {}
    for t in toks:
        if t.stem.startswith("#") and _NON_DIGITS.sub("", t.stem) not in figures:
            out.setdefault(t.stem, set()).add(f"{t.context[0]} {t.context[1]}")
    return {n: frozenset(c) for n, c in out.items()}

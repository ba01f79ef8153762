"""Action antonyms: replace the action verbs of a caption with their opposites and flip its direction words.

"Pushing something from left to right" -> "Pulling something from right to left"; "#C C picks up the knife" ->
"#C C puts down the knife". As in the official ActionBench construction (a manual verb map first, WordNet otherwise,
tense kept, particles flipped), but the rules here are our own and need no parser:

1. ``keep_phrases`` (and the caller's ``keep``, e.g. the object names) are never changed ("in front of", "in the air").
2. A word is read as a verb when one of its lemmas (lemminflect) is a lexicon verb and its context allows a verb
   (not after a determiner; a bare base form only at the start, after a subject, "to", a modal, "let"/"and"/"then").
   - A *phrasal verb* ("pick ... up", "put ... on", "turn ... off") matches the verb and its particle, with up to
     ``MAX_PHRASAL_GAP`` object words between them, and is replaced as a unit ("put ... down" -> "pick ... up").
   - Otherwise a lexicon verb becomes its antonym phrase, whose first word takes the original's inflection
     ("pushes" -> "pulls", "approaching" -> "moving away from").
   - A verb listed in ``verbs_without_antonym`` is left alone and reported; any other verb asks WordNet when the
     optional ``nltk`` WordNet corpus is installed.
3. ``directions`` flip everywhere (up<->down, into<->out of, towards<->away from, clockwise<->counterclockwise).
4. ``sides`` (left<->right) flip only where they name a direction: not before a noun ("right hand") or an adverb
   ("right out"), and not right after a subject ("C left the room").

A replacement that ends in "of"/"from"/"to" drops that word at the end of a clause ("put in" -> "take out").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol

from lemminflect import getAllInflections, getAllInflectionsOOV, getInflection, getLemma

LEXICON_FILE = "antonyms.json"
MAX_PHRASAL_GAP = 4  # object words allowed between a phrasal verb and its particle: "puts [the red cup] down"

_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*|\S")

DETERMINERS = frozenset(
    "a an the this that these those his her their its my your our some any each every another no which whose".split()
)
PREPOSITIONS = frozenset(
    "about above across after against along among around at before behind below beneath beside between beyond by "
    "down during except for from in inside into like near of off on onto out outside over past through to toward "
    "towards under underneath until up upon with within without".split()
)
# Words after which a bare base form ("open", "put") is a verb: subjects, infinitive "to", modals, negation, "let".
BASE_FORM_CONTEXT = frozenset(
    "to and or then not also just please c i we you they he she it them let lets letting can could will would should "
    "must may might cannot can't don't doesn't didn't won't shouldn't".split()
)
SUBJECTS = frozenset("c i we you they he she it who x".split())
PASSIVE_AUXILIARIES = frozenset("is are was were be been being get gets got has have had".split())
# Words that end the object of a phrasal verb ("puts the cup [on] the table" keeps scanning; "with" stops it).
PHRASE_BOUNDARIES = PREPOSITIONS | frozenset("and or but so that then while because as if than when where".split())
# Words after which left/right still name a direction ("from left to right", "turn the camera left while ...").
SIDE_FOLLOWERS = frozenset("to of while and or then so until as".split())
TRAILING_PREPOSITIONS = frozenset({"of", "from", "to"})
VERB_TAG_ORDER = ("VBG", "VBZ", "VB", "VBD", "VBN")


class WordNetLike(Protocol):
    """The part of ``nltk.corpus.wordnet`` used here: ``synsets(word, pos)`` whose ``lemmas()`` have ``name()`` and
    ``antonyms()``. Tests inject a stub with this interface."""

    VERB: str

    def synsets(self, lemma: str, pos: str | None = None) -> Sequence[Any]: ...


def load_wordnet() -> WordNetLike | None:
    """``nltk.corpus.wordnet`` when nltk and its WordNet data are installed, else None.

    Install with ``pip install 'paxion-eval[wordnet]'`` and ``python -m nltk.downloader wordnet``.
    """
    try:
        from nltk.corpus import wordnet

        wordnet.synsets("open")  # the lazy corpus loader raises LookupError here when the data is missing
    except (ImportError, LookupError, OSError):
        return None
    return wordnet


class WordNetAntonyms:
    """Verb antonyms from WordNet: the first antonym of a synset lemma named exactly like the queried verb.

    (The official script took the first antonym of *any* lemma of the verb's synsets, i.e. sometimes the antonym of a
    synonym; requiring the same lemma name avoids that.)
    """

    def __init__(self, wordnet: WordNetLike) -> None:
        self._wordnet = wordnet
        self._cache: dict[str, str | None] = {}

    def verb_antonym(self, lemma: str) -> str | None:
        if lemma not in self._cache:
            self._cache[lemma] = self._lookup(lemma)
        return self._cache[lemma]

    def _lookup(self, lemma: str) -> str | None:
        for synset in self._wordnet.synsets(lemma, pos=self._wordnet.VERB):
            for entry in synset.lemmas():
                if entry.name().lower() != lemma:
                    continue
                for antonym in entry.antonyms():
                    return antonym.name().replace("_", " ").lower()
        return None


@dataclass(frozen=True)
class Token:
    text: str
    lower: str
    start: int  # character offsets [start, end)
    end: int
    is_word: bool


def tokenize(text: str) -> list[Token]:
    """Words (with inner hyphens/apostrophes: "counter-clockwise", "doesn't") and single punctuation marks."""
    matches = _TOKEN_RE.finditer(text)
    return [Token(m.group(), m.group().lower(), m.start(), m.end(), m.group()[0].isalnum()) for m in matches]


@dataclass(frozen=True)
class PhrasalEntry:
    particle: tuple[str, ...]
    antonym_verb: str
    antonym_particle: str  # may be empty: "plug ... in" -> "unplug ..."


@dataclass(frozen=True)
class AntonymResult:
    """What `AntonymLexicon.rewrite` did to one text.

    text: the antonym text, or None when nothing changed. verbs: lemmas read as verbs, in order. unmapped: those of
    them that have no antonym. sources: which rules changed something ("lexicon", "wordnet", "direction").
    first_verb_end: character offset just after the first verb (None without a verb), where the object is searched.
    """

    text: str | None
    verbs: tuple[str, ...]
    unmapped: tuple[str, ...]
    sources: frozenset[str]
    first_verb_end: int | None


@dataclass
class _Edit:
    start: int  # token indices [start, end)
    end: int
    replacement: str
    source: str


@dataclass(frozen=True)
class AntonymLexicon:
    """A verb-antonym lexicon plus direction words; see the module docstring for the rules.

    Build it with `AntonymLexicon.load` (the shipped JSON, a JSON of the same layout, or a mapping).
    """

    verbs: Mapping[str, str]
    phrasal_verbs: Mapping[str, tuple[PhrasalEntry, ...]]  # verb lemma -> entries, longest particle first
    verbs_without_antonym: frozenset[str]
    directions: Mapping[tuple[str, ...], str]
    sides: Mapping[str, str]
    keep_phrases: tuple[tuple[str, ...], ...]
    wordnet: WordNetAntonyms | None = None
    known_verbs: frozenset[str] = field(init=False, repr=False, compare=False)
    _max_direction_len: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        known = frozenset(self.verbs) | frozenset(self.phrasal_verbs) | self.verbs_without_antonym
        object.__setattr__(self, "known_verbs", known)  # every verb lemma decided here, with or without antonym
        object.__setattr__(self, "_max_direction_len", max((len(k) for k in self.directions), default=0))

    @classmethod
    def load(
        cls,
        source: str | Path | Mapping[str, Any] | None = None,
        *,
        wordnet: WordNetLike | Literal["auto"] | None = "auto",
    ) -> AntonymLexicon:
        """Lexicon from ``source`` (None: the shipped ``antonyms.json``; a path to such a JSON; or its mapping).

        wordnet: "auto" uses WordNet when nltk and its data are installed; None never; or an object with the
        ``nltk.corpus.wordnet`` interface.
        """
        where = str(source) if isinstance(source, (str, Path)) else LEXICON_FILE
        if source is None:
            data = json.loads(resources.files(__package__).joinpath(LEXICON_FILE).read_text(encoding="utf-8"))
        elif isinstance(source, (str, Path)):
            try:
                data = json.loads(Path(source).read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as err:
                raise ValueError(f"cannot read the antonym lexicon {source}: {err}") from err
        else:
            data = source
        wordnet_source = load_wordnet() if wordnet == "auto" else wordnet
        return cls._from_mapping(data, where, WordNetAntonyms(wordnet_source) if wordnet_source is not None else None)

    @classmethod
    def _from_mapping(cls, data: Mapping[str, Any], where: str, wordnet: WordNetAntonyms | None) -> AntonymLexicon:
        def section(name: str, kind: type) -> Any:
            value = data.get(name, kind())
            if not isinstance(value, kind) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"antonym lexicon {where}: '{name}' must be a JSON {kind.__name__} of strings")
            if kind is dict and not all(isinstance(v, str) and v.strip() for v in value.values()):
                raise ValueError(f"antonym lexicon {where}: every value of '{name}' must be a non-empty string")
            return value

        verbs = {k.lower(): v.lower() for k, v in section("verbs", dict).items()}
        without = frozenset(v.lower() for v in section("verbs_without_antonym", list))
        both = sorted(without & verbs.keys())
        if both:
            raise ValueError(f"antonym lexicon {where}: {both} are listed both in 'verbs' and 'verbs_without_antonym'")
        phrasal: dict[str, list[PhrasalEntry]] = {}
        for key, value in section("phrasal_verbs", dict).items():
            verb, *particle = key.lower().split()
            antonym_verb, *antonym_particle = value.lower().split()
            if not particle:
                raise ValueError(f"antonym lexicon {where}: phrasal verb '{key}' needs a verb and a particle")
            phrasal.setdefault(verb, []).append(PhrasalEntry(tuple(particle), antonym_verb, " ".join(antonym_particle)))
        directions = {tuple(k.lower().split()): v.lower() for k, v in section("directions", dict).items()}
        sides = {k.lower(): v.lower() for k, v in section("sides", dict).items()}
        identity = [k for k, v in (*verbs.items(), *sides.items()) if k == v]
        identity += [" ".join(k) for k, v in directions.items() if " ".join(k) == v]
        if identity:
            raise ValueError(f"antonym lexicon {where}: {identity} map to themselves")
        return cls(
            verbs=verbs,
            phrasal_verbs={v: tuple(sorted(e, key=lambda p: -len(p.particle))) for v, e in phrasal.items()},
            verbs_without_antonym=without,
            directions=directions,
            sides=sides,
            keep_phrases=tuple(tuple(p.lower().split()) for p in section("keep_phrases", list)),
            wordnet=wordnet,
        )

    def rewrite(self, text: str, verb: str | None = None, keep: Iterable[str] = ()) -> AntonymResult:
        """Apply the rules to ``text``. ``verb`` (any inflection), when given, is the only verb that may change and is
        read as a verb wherever it occurs; ``keep`` lists phrases that must stay as they are (e.g. object names)."""
        tokens = tokenize(text)
        blocked = self._blocked(tokens, [*self.keep_phrases, *(tuple(p.lower().split()) for p in keep if p.strip())])
        hint = _lemmas(verb.strip().lower())[0] if verb and verb.strip() else None
        edits: list[_Edit] = []
        taken = list(blocked)
        verbs: list[str] = []
        unmapped: list[str] = []
        first_verb_end: int | None = None
        last_verb = -2
        i = 0
        while i < len(tokens):
            if taken[i] or not tokens[i].is_word:
                i += 1
                continue
            reading = self._read_verb(tokens, i, last_verb, hint)
            if reading is not None:
                lemma, tag = reading
                verbs.append(lemma)
                last_verb = i
                if first_verb_end is None:
                    first_verb_end = tokens[i].end
                verb_edits = self._verb_edits(tokens, i, lemma, tag, taken)
                if verb_edits:
                    for edit in verb_edits:
                        taken[edit.start : edit.end] = [True] * (edit.end - edit.start)
                    edits.extend(verb_edits)
                else:
                    unmapped.append(lemma)
                i += 1
                continue
            edit = self._direction_edit(tokens, i, taken)
            if edit is not None:
                taken[edit.start : edit.end] = [True] * (edit.end - edit.start)
                edits.append(edit)
                i = edit.end
                continue
            i += 1
        new_text = _apply_edits(text, tokens, edits)
        return AntonymResult(
            text=new_text if new_text != text else None,
            verbs=tuple(verbs),
            unmapped=tuple(unmapped),
            sources=frozenset(e.source for e in edits),
            first_verb_end=first_verb_end,
        )

    # --- verbs -----------------------------------------------------------------------------------------------------

    def _read_verb(self, tokens: list[Token], i: int, last_verb: int, hint: str | None) -> tuple[str, str] | None:
        """(lemma, Penn tag) when token i is read as a verb the lexicon (or WordNet) decides about, else None."""
        word = tokens[i].lower
        if word in self.sides or not word[0].isalpha():
            return None
        lemmas = _lemmas(word)
        if hint is not None:
            lemma = hint if hint in lemmas else None
        else:
            lemma = next((lemma for lemma in lemmas if lemma in self.known_verbs), None)
            if lemma is None and self.wordnet is not None:
                lemma = next((lemma for lemma in lemmas if self.wordnet.verb_antonym(lemma)), None)
        if lemma is None:
            return None
        prev = tokens[i - 1] if i > 0 else None
        tag = _verb_tag(word, lemma, prev.lower if prev is not None else None)
        if tag is None or (hint is None and not _used_as_verb(prev, tag, follows_verb=last_verb == i - 1)):
            return None
        return lemma, tag

    def _verb_edits(self, tokens: list[Token], i: int, lemma: str, tag: str, taken: list[bool]) -> list[_Edit]:
        phrasal = self._match_phrasal(tokens, i, lemma, taken)
        if phrasal is not None:
            entry, start, end = phrasal
            particle = _trim_at_clause_end(entry.antonym_particle, tokens, end)
            return [
                _Edit(i, i + 1, _inflect(entry.antonym_verb, tag), "lexicon"),
                _Edit(start, end, particle, "lexicon"),
            ]
        if lemma in self.verbs:
            antonym, source = self.verbs[lemma], "lexicon"
        elif lemma not in self.verbs_without_antonym and self.wordnet is not None:
            antonym, source = self.wordnet.verb_antonym(lemma), "wordnet"
        else:
            return []
        if antonym is None:
            return []
        return [_Edit(i, i + 1, _trim_at_clause_end(_inflect(antonym, tag), tokens, i + 1), source)]

    def _match_phrasal(
        self, tokens: list[Token], i: int, lemma: str, taken: list[bool]
    ) -> tuple[PhrasalEntry, int, int] | None:
        entries = self.phrasal_verbs.get(lemma, ())
        j = i + 1
        while entries and j < len(tokens):
            for entry in entries:
                end = j + len(entry.particle)
                if _words(tokens, j, end) == entry.particle and not any(taken[j:end]):
                    return entry, j, end
            ends_object = tokens[j].lower in PHRASE_BOUNDARIES or self._direction_at(tokens, j, taken) is not None
            if j - i > MAX_PHRASAL_GAP or not tokens[j].is_word or ends_object:
                return None  # a boundary word or a direction ("turn it upside down") ends the object
            j += 1
        return None

    # --- directions ------------------------------------------------------------------------------------------------

    def _direction_at(self, tokens: list[Token], i: int, taken: list[bool]) -> tuple[int, str] | None:
        """(length, replacement) of the longest direction phrase starting at token i."""
        for length in range(min(self._max_direction_len, len(tokens) - i), 0, -1):
            replacement = self.directions.get(_words(tokens, i, i + length))
            if replacement is not None and not any(taken[i : i + length]):
                return length, replacement
        return None

    def _direction_edit(self, tokens: list[Token], i: int, taken: list[bool]) -> _Edit | None:
        direction = self._direction_at(tokens, i, taken)
        if direction is not None:
            length, replacement = direction
            return _Edit(i, i + length, _trim_at_clause_end(replacement, tokens, i + length), "direction")
        word = tokens[i].lower
        if word in self.sides and _names_a_direction(tokens, i):
            return _Edit(i, i + 1, self.sides[word], "direction")
        return None

    @staticmethod
    def _blocked(tokens: list[Token], phrases: Sequence[tuple[str, ...]]) -> list[bool]:
        """Which tokens lie inside one of ``phrases``."""
        by_first_word: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            by_first_word.setdefault(phrase[0], []).append(phrase)
        blocked = [False] * len(tokens)
        for i, token in enumerate(tokens):
            for phrase in by_first_word.get(token.lower, ()):
                if _words(tokens, i, i + len(phrase)) == phrase:
                    blocked[i : i + len(phrase)] = [True] * len(phrase)
        return blocked


def _words(tokens: list[Token], start: int, end: int) -> tuple[str, ...]:
    return tuple(t.lower for t in tokens[start:end])


@cache
def _lemmas(word: str) -> tuple[str, ...]:
    return getLemma(word, upos="VERB") or (word,)


@cache
def _verb_forms(lemma: str) -> Mapping[str, tuple[str, ...]]:
    return getAllInflections(lemma, upos="VERB") or getAllInflectionsOOV(lemma, upos="VERB")


@cache
def _verb_tag(word: str, lemma: str, prev: str | None) -> str | None:
    """Penn tag of ``word`` as a form of ``lemma``; VBN rather than VBD after a passive auxiliary ("was taken")."""
    forms = _verb_forms(lemma)
    tags = [tag for tag in VERB_TAG_ORDER if word in forms.get(tag, ())]
    if not tags:
        return "VB" if word == lemma else None
    if "VBN" in tags and prev in PASSIVE_AUXILIARIES:
        return "VBN"
    return tags[0]


def _used_as_verb(prev: Token | None, tag: str, follows_verb: bool) -> bool:
    """Whether the context allows a verb: "the open box", "with opened lid" and "C waters plants" say no."""
    prev_word = prev.lower if prev is not None and prev.is_word else None
    if prev_word in DETERMINERS or (follows_verb and tag != "VBG"):
        return False
    if tag == "VBG":
        return True
    if tag == "VB":
        return prev_word is None or prev_word in BASE_FORM_CONTEXT
    return prev_word not in PREPOSITIONS


def _names_a_direction(tokens: list[Token], i: int) -> bool:
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    if following is not None and following.is_word and following.lower not in SIDE_FOLLOWERS:
        return False  # "right hand", "right out", "left the room"
    return not (i > 0 and tokens[i - 1].lower in SUBJECTS)  # "C left."


@cache
def _inflect(phrase: str, tag: str) -> str:
    """Put the first word of a lemma phrase into ``tag``'s form: ("move away from", "VBG") -> "moving away from"."""
    first, *rest = phrase.split()
    if tag not in ("VB", "VBP"):
        first = (getInflection(first, tag) or (first,))[0]
    return " ".join([first, *rest])


def _trim_at_clause_end(replacement: str, tokens: list[Token], end: int) -> str:
    """Drop a trailing "of"/"from"/"to" when nothing follows in the clause: "put it in." -> "take it out."."""
    at_clause_end = end >= len(tokens) or not tokens[end].is_word
    words = replacement.split()
    if at_clause_end and len(words) > 1 and words[-1] in TRAILING_PREPOSITIONS:
        return " ".join(words[:-1])
    return replacement


def _apply_edits(text: str, tokens: list[Token], edits: list[_Edit]) -> str:
    """Splice the edits into ``text`` (right to left), keeping capitalisation; an empty replacement also removes the
    space before it."""
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        first = tokens[edit.start]
        replacement = edit.replacement
        if replacement and first.text[0].isupper():
            replacement = replacement[0].upper() + replacement[1:]
        start = first.start if replacement or edit.start == 0 else tokens[edit.start - 1].end
        text = text[:start] + replacement + text[tokens[edit.end - 1].end :]
    return text


@cache
def default_lexicon() -> AntonymLexicon:
    """The shipped lexicon, with WordNet when it is installed (loaded once)."""
    return AntonymLexicon.load()


def action_antonym(
    text: str, verb: str | None = None, *, keep: Iterable[str] = (), lexicon: AntonymLexicon | None = None
) -> str | None:
    """The action-antonym text of ``text``, or None when no rule applies.

    >>> action_antonym("Pushing something from left to right", lexicon=AntonymLexicon.load(wordnet=None))
    'Pulling something from right to left'

    verb: the action verb when known (any inflection): only it may change, wherever it occurs.
    keep: phrases left untouched (object names such as an SSv2 label's placeholders).
    lexicon: default `default_lexicon()` (the shipped lexicon, with WordNet when installed).
    """
    return (lexicon or default_lexicon()).rewrite(text, verb=verb, keep=keep).text

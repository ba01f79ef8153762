"""Object replacement: swap a caption's object noun for a noun of another category ("Book falling like a rock" ->
"Cellphone falling like a rock").

Nouns are grouped in a `NounTaxonomy`: the shipped ``objects.json`` or Ego4D's ``narration_noun_taxonomy.csv``
(columns ``label,group``; row k is noun class k of the narrations' ``tag_noun``).
"""

from __future__ import annotations

import ast
import csv
import json
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from lemminflect import getInflection, getLemma

from paxion_eval.actionbench.antonyms import tokenize

OBJECTS_FILE = "objects.json"


@dataclass(frozen=True)
class NounMatch:
    """An occurrence of a taxonomy noun in a text: characters [start, end), its category, and whether it is plural."""

    start: int
    end: int
    text: str
    category: str
    plural: bool


@dataclass(frozen=True)
class NounTaxonomy:
    """Categories of object nouns (lower case, singular; multi-word nouns allowed).

    indexed: True when the category order is meaningful as noun-class ids (Ego4D ``tag_noun`` indexes the rows of
    ``narration_noun_taxonomy.csv``).
    """

    categories: Mapping[str, tuple[str, ...]]
    indexed: bool = False
    _index: Mapping[tuple[str, ...], str] = field(init=False, repr=False, compare=False)
    _max_words: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, ...], str] = {}
        for category, nouns in self.categories.items():
            for noun in nouns:
                index.setdefault(tuple(noun.lower().split()), category)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_max_words", max((len(k) for k in index), default=0))

    @classmethod
    def default(cls) -> NounTaxonomy:
        """The shipped categories (``objects.json``)."""
        data = json.loads(resources.files(__package__).joinpath(OBJECTS_FILE).read_text(encoding="utf-8"))
        return cls({name: tuple(nouns) for name, nouns in data["categories"].items()})

    @classmethod
    def from_ego4d_csv(cls, path: str | Path) -> NounTaxonomy:
        """Ego4D's ``narration_noun_taxonomy.csv``: columns ``label`` and ``group`` (a Python list literal of nouns,
        words joined by "_"). Row order is kept: row k is ``tag_noun`` class k."""
        categories: dict[str, tuple[str, ...]] = {}
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = {"label", "group"} - set(reader.fieldnames or ())
            if missing:
                raise ValueError(f"{path}: noun taxonomy needs the columns label,group; missing {sorted(missing)}")
            for line, row in enumerate(reader, start=2):
                try:
                    group = ast.literal_eval(row["group"])
                except (ValueError, SyntaxError) as err:
                    raise ValueError(f"{path}: line {line}: 'group' is not a list literal: {row['group']!r}") from err
                if not isinstance(group, (list, tuple)) or not all(isinstance(n, str) for n in group):
                    raise ValueError(f"{path}: line {line}: 'group' must be a list of strings, got {row['group']!r}")
                nouns = tuple(n.replace("_", " ").lower() for n in group) or (row["label"].replace("_", " ").lower(),)
                categories[row["label"]] = nouns
        return cls(categories, indexed=True)

    def category_at(self, index: int) -> str:
        """Category of noun-class id ``index`` (Ego4D ``tag_noun``)."""
        if not self.indexed:
            raise ValueError("this noun taxonomy has no class ids; load narration_noun_taxonomy.csv for tag_noun")
        labels = list(self.categories)
        if not 0 <= index < len(labels):
            raise ValueError(f"noun class id {index} is outside the taxonomy's {len(labels)} classes")
        return labels[index]

    def find(self, text: str, start: int = 0, categories: Iterable[str] | None = None) -> NounMatch | None:
        """First occurrence (longest noun first) at or after character ``start`` of a noun of ``categories`` (all when
        None); a plural form matches its singular ("knives" -> knife)."""
        allowed = None if categories is None else set(categories)
        tokens = [t for t in tokenize(text) if t.start >= start]
        for i in range(len(tokens)):
            for length in range(min(self._max_words, len(tokens) - i), 0, -1):
                span = tokens[i : i + length]
                if not all(t.is_word for t in span):
                    continue
                *head, last = (t.lower for t in span)
                singular = _singular(last)
                category = self._index.get((*head, last)) or self._index.get((*head, singular))
                if category is not None and (allowed is None or category in allowed):
                    plural = (*head, last) not in self._index
                    return NounMatch(span[0].start, span[-1].end, text[span[0].start : span[-1].end], category, plural)
        return None

    def category_of(self, phrase: str) -> str | None:
        """Category of the first taxonomy noun in ``phrase`` ("a red cup" -> "drinkware"), else None."""
        match = self.find(phrase)
        return match.category if match is not None else None

    def nouns_outside(self, categories: Iterable[str]) -> list[str]:
        """Every noun whose category is not in ``categories``, in taxonomy order."""
        excluded = set(categories)
        return [noun for category, nouns in self.categories.items() if category not in excluded for noun in nouns]


@cache
def _singular(word: str) -> str:
    return (getLemma(word, upos="NOUN") or (word,))[0]


def pluralize(noun: str) -> str:
    """Plural of a (possibly multi-word) noun: "cutting board" -> "cutting boards"."""
    *head, last = noun.split()
    return " ".join([*head, (getInflection(last, "NNS") or (last + "s",))[0]])


def pick_replacement(obj: str, candidates: Sequence[str], rng: random.Random) -> str:
    """A candidate that differs from ``obj`` (case-insensitively), drawn with ``rng``."""
    pool = [c for c in candidates if c.strip() and c.strip().lower() != obj.strip().lower()]
    if not pool:
        raise ValueError(f"no replacement candidate differs from the object {obj!r}")
    return rng.choice(pool)


def find_object(text: str, obj: str, start: int = 0) -> tuple[int, int] | None:
    """Character span of the first whole-word, case-insensitive occurrence of ``obj`` at or after ``start``."""
    match = re.compile(rf"(?<!\w){re.escape(obj.strip())}(?!\w)", re.IGNORECASE).search(text, start)
    return (match.start(), match.end()) if match else None


def replace_object(text: str, obj: str, candidates: Sequence[str], rng: random.Random, *, start: int = 0) -> str:
    """``text`` with its first occurrence (at or after ``start``) of ``obj`` replaced by a candidate drawn with ``rng``
    that is not ``obj``.

    >>> replace_object("Book falling like a rock", "book", ["book", "cellphone"], random.Random(0))
    'cellphone falling like a rock'
    """
    span = find_object(text, obj, start)
    if span is None:
        raise ValueError(f"the object {obj!r} does not occur in {text!r}")
    return text[: span[0]] + pick_replacement(obj, candidates, rng) + text[span[1] :]

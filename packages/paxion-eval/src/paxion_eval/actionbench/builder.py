"""Build ActionBench annotation files (action-antonym and object-replaced texts) in the official formats.

- SSv2: the SSv2 annotation list (``id, label, template, placeholders``) -> records with ``label, template,
  placeholders, template_action_antonym_clip_text, label_action_antonym_clip_text, id,
  label_object_shuffled_clip_text``.
- Ego4D: EgoClip narration records (``clip_text, tag_noun, ...``) -> the same records with
  ``action_antonym_clip_text`` after ``clip_text`` and ``object_shuffled_clip_text`` at the end.
- NExT-QA: rows with ``a0..a4`` -> the same rows plus ``action_antonym_choices`` (a Python list literal of the
  choices that have an antonym, as the official CSV).

Records whose caption has no action antonym are dropped, as in the official files, and counted with examples in the
`BuildReport`; a record whose object cannot be found keeps ``None`` as its object-replaced text and is reported too.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lemminflect import getLemma

from paxion_eval.actionbench.antonyms import AntonymLexicon, AntonymResult, default_lexicon, tokenize
from paxion_eval.actionbench.objects import NounTaxonomy, find_object, pick_replacement, pluralize

FORMATS = ("ssv2", "ego4d", "nextqa")
NEXTQA_CHOICES = ("a0", "a1", "a2", "a3", "a4")
NO_KNOWN_VERB = "(no known verb)"
RESAMPLE_ATTEMPTS = 50  # draws per object before the object sampler falls back to filtering the whole vocabulary


class BuildInputError(ValueError):
    """A malformed input record: ``record`` is its 0-based position, ``key`` the offending field."""

    def __init__(self, record: int, key: str, message: str) -> None:
        super().__init__(f"record {record}: '{key}': {message}")
        self.record = record
        self.key = key
        self.message = message


@dataclass
class BuildReport:
    """Counts of one build, with examples of what could not be converted (never dropped silently)."""

    dataset: str
    wordnet: bool
    max_examples: int = 10
    records_in: int = 0
    records_out: int = 0
    texts: int = 0
    texts_without_antonym: int = 0
    no_antonym_examples: list[str] = field(default_factory=list)
    verbs_without_antonym: Counter[str] = field(default_factory=Counter)
    objects_replaced: int = 0
    objects_missing: int = 0
    no_object_examples: list[str] = field(default_factory=list)

    def add_text(self, text: str, result: AntonymResult) -> None:
        self.texts += 1
        if result.text is None:
            self.texts_without_antonym += 1
            self.verbs_without_antonym.update(result.unmapped or (_guess_verb(text),))
            _add_example(self.no_antonym_examples, text, self.max_examples)

    def add_object(self, text: str, replaced: bool) -> None:
        if replaced:
            self.objects_replaced += 1
        else:
            self.objects_missing += 1
            _add_example(self.no_object_examples, text, self.max_examples)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "wordnet": self.wordnet,
            "records_in": self.records_in,
            "records_out": self.records_out,
            "records_dropped": self.records_in - self.records_out,
            "texts": self.texts,
            "texts_without_antonym": self.texts_without_antonym,
            "no_antonym_examples": self.no_antonym_examples,
            "verbs_without_antonym": dict(self.verbs_without_antonym.most_common()),
            "objects_replaced": self.objects_replaced,
            "objects_missing": self.objects_missing,
            "no_object_examples": self.no_object_examples,
        }

    def format(self) -> str:
        """A human-readable summary."""
        lines = [
            f"{self.dataset}: {self.records_in} records in, {self.records_out} written, "
            f"{self.records_in - self.records_out} dropped",
            f"action antonyms: {self.texts - self.texts_without_antonym} of {self.texts} texts; "
            f"{self.texts_without_antonym} without an antonym (WordNet {'used' if self.wordnet else 'not available'})",
        ]
        if self.verbs_without_antonym:
            common = ", ".join(f"{verb} {count}" for verb, count in self.verbs_without_antonym.most_common(15))
            lines.append(f"  verbs of the texts without an antonym: {common}")
        lines += [f"  e.g. {text!r}" for text in self.no_antonym_examples]
        if self.objects_replaced or self.objects_missing:
            lines.append(
                f"object replacement: {self.objects_replaced} replaced, {self.objects_missing} without an object"
            )
            lines += [f"  e.g. {text!r}" for text in self.no_object_examples]
        return "\n".join(lines)


def _add_example(examples: list[str], text: str, limit: int) -> None:
    if len(examples) < limit and text not in examples:
        examples.append(text)


def _guess_verb(text: str) -> str:
    """For the report: the lemma of the first -ing/-s/-ed looking word, else the first word."""
    words = [t.lower for t in tokenize(text) if t.is_word and t.lower not in ("c", "o", "x")]
    for word in words:
        lemma = (getLemma(word, upos="VERB") or (word,))[0]
        if lemma != word:
            return lemma
    return words[0] if words else NO_KNOWN_VERB


def _require(record: Mapping[str, Any], index: int, key: str, kind: type | tuple[type, ...] = str) -> Any:
    if not isinstance(record, Mapping):
        raise BuildInputError(index, key, f"expected a JSON object, got {type(record).__name__}")
    if key not in record:
        raise BuildInputError(index, key, f"missing (the record has {sorted(record)})")
    value = record[key]
    if not isinstance(value, kind):
        raise BuildInputError(index, key, f"expected {getattr(kind, '__name__', kind)}, got {value!r}")
    return value


def clean_template(template: str) -> str:
    """SSv2 template without placeholder brackets: "Putting [something] onto [something]" -> "Putting something onto
    something"."""
    return re.sub(r"\[([^\]]*)\]", r"\1", template)


def build_ssv2(
    records: Sequence[Mapping[str, Any]],
    seed: int = 42,
    *,
    lexicon: AntonymLexicon | None = None,
    objects: Sequence[str] | None = None,
    taxonomy: NounTaxonomy | None = None,
    max_examples: int = 10,
) -> tuple[list[dict[str, Any]], BuildReport]:
    """ActionBench-SSv2 records from SSv2 annotations (see the module docstring for the fields).

    objects: names to draw replacement objects from (default: every placeholder of ``records``); a replacement is
    never one of the record's own objects nor, where ``taxonomy`` (default: the shipped one) knows both, of the same
    category. Deterministic for a given ``seed`` and record order.
    """
    lexicon = lexicon or default_lexicon()
    taxonomy = taxonomy or NounTaxonomy.default()
    report = BuildReport("ssv2", wordnet=lexicon.wordnet is not None, max_examples=max_examples)
    rng = random.Random(seed)
    parsed = []
    for index, record in enumerate(records):
        label = _require(record, index, "label")
        template = _require(record, index, "template")
        placeholders = _require(record, index, "placeholders", list)
        if not all(isinstance(p, str) for p in placeholders):
            raise BuildInputError(index, "placeholders", f"expected a list of strings, got {placeholders!r}")
        _require(record, index, "id", (str, int))
        parsed.append((record, label, clean_template(template), placeholders))
    vocabulary = _unique(objects if objects is not None else (p for _, _, _, ps in parsed for p in ps))
    categories = {name: taxonomy.category_of(name) for name in vocabulary}

    out = []
    report.records_in = len(parsed)
    for record, label, template, placeholders in parsed:
        template_result = lexicon.rewrite(template)
        label_result = lexicon.rewrite(label, keep=placeholders)
        report.add_text(template, template_result)
        report.add_text(label, label_result)
        if template_result.text is None or label_result.text is None:
            continue
        shuffled = _shuffle_ssv2_objects(label, placeholders, vocabulary, categories, taxonomy, rng)
        report.add_object(label, shuffled is not None)
        out.append(
            {
                "label": label,
                "template": template,
                "placeholders": list(placeholders),
                "template_action_antonym_clip_text": template_result.text,
                "label_action_antonym_clip_text": label_result.text,
                "id": record["id"],
                "label_object_shuffled_clip_text": shuffled,
            }
        )
    report.records_out = len(out)
    return out, report


def _unique(names: Iterable[str]) -> list[str]:
    """Distinct non-empty names, lower-cased, in first-seen order."""
    return list(dict.fromkeys(name.strip().lower() for name in names if name.strip()))


def _shuffle_ssv2_objects(
    label: str,
    placeholders: Sequence[str],
    vocabulary: Sequence[str],
    categories: Mapping[str, str | None],
    taxonomy: NounTaxonomy,
    rng: random.Random,
) -> str | None:
    """The label with each placeholder (in order) replaced by a distinct object of another category, or None."""
    own = {p.strip().lower() for p in placeholders}
    own_categories = {taxonomy.category_of(p) for p in placeholders} - {None}
    def allowed(name: str) -> bool:
        return name not in own and categories[name] not in own_categories

    chosen = _draw_objects(len(placeholders), vocabulary, allowed, rng)
    if not placeholders or chosen is None:
        return None
    text, position = label, 0
    for placeholder, new in zip(placeholders, chosen, strict=True):
        span = find_object(text, placeholder, position)
        if span is None:
            return None
        text = text[: span[0]] + new + text[span[1] :]
        position = span[0] + len(new)
    return text


def _draw_objects(
    count: int, vocabulary: Sequence[str], allowed: Callable[[str], bool], rng: random.Random
) -> list[str] | None:
    """``count`` distinct allowed names drawn uniformly with ``rng``; None when there are not enough.

    Rejection sampling keeps this O(count) on a large vocabulary (SSv2 has tens of thousands of object names); the
    full filter runs only when the allowed names are rare.
    """
    chosen: list[str] = []
    for _ in range(RESAMPLE_ATTEMPTS * count):
        if len(chosen) == count:
            return chosen
        name = rng.choice(vocabulary) if vocabulary else None
        if name is not None and name not in chosen and allowed(name):
            chosen.append(name)
    pool = [n for n in vocabulary if n not in chosen and allowed(n)]
    if len(chosen) + len(pool) < count:
        return None
    return chosen + rng.sample(pool, count - len(chosen))


def build_ego4d(
    records: Sequence[Mapping[str, Any]],
    seed: int = 42,
    *,
    lexicon: AntonymLexicon | None = None,
    taxonomy: NounTaxonomy | None = None,
    max_examples: int = 10,
) -> tuple[list[dict[str, Any]], BuildReport]:
    """ActionBench-Ego4D records from EgoClip narrations (see the module docstring for the fields).

    The object is the first taxonomy noun after the narration's first verb; with an indexed taxonomy (Ego4D's
    ``narration_noun_taxonomy.csv``) only the noun classes in the record's ``tag_noun`` count. It is replaced by a
    noun of another class (plural kept). Deterministic for a given ``seed`` and record order.
    """
    lexicon = lexicon or default_lexicon()
    taxonomy = taxonomy or NounTaxonomy.default()
    report = BuildReport("ego4d", wordnet=lexicon.wordnet is not None, max_examples=max_examples)
    rng = random.Random(seed)
    report.records_in = len(records)
    out = []
    for index, record in enumerate(records):
        text = _require(record, index, "clip_text")
        result = lexicon.rewrite(text)
        report.add_text(text, result)
        if result.text is None:
            continue
        allowed = _tagged_categories(record, index, taxonomy) if taxonomy.indexed else None
        match = taxonomy.find(text, start=result.first_verb_end or 0, categories=allowed)
        shuffled = None
        if match is not None:
            candidates = taxonomy.nouns_outside({match.category})
            new = pick_replacement(match.text, [pluralize(c) for c in candidates] if match.plural else candidates, rng)
            shuffled = text[: match.start] + new + text[match.end :]
        report.add_object(text, shuffled is not None)
        converted: dict[str, Any] = {}
        for key, value in record.items():
            converted[key] = value
            if key == "clip_text":
                converted["action_antonym_clip_text"] = result.text
        converted["object_shuffled_clip_text"] = shuffled
        out.append(converted)
    report.records_out = len(out)
    return out, report


def _tagged_categories(record: Mapping[str, Any], index: int, taxonomy: NounTaxonomy) -> list[str] | None:
    """Noun classes named by ``tag_noun`` ("[321, 268]" or a list); None (any class) when the record has none."""
    value = record.get("tag_noun")
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as err:
            message = f"expected a list of class ids like '[3, 17]', got {value!r}"
            raise BuildInputError(index, "tag_noun", message) from err
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        raise BuildInputError(index, "tag_noun", f"expected a list of class ids, got {value!r}")
    try:
        return [taxonomy.category_at(v) for v in value]
    except ValueError as err:
        raise BuildInputError(index, "tag_noun", str(err)) from err


def build_nextqa(
    records: Sequence[Mapping[str, Any]],
    *,
    lexicon: AntonymLexicon | None = None,
    max_examples: int = 10,
) -> tuple[list[dict[str, Any]], BuildReport]:
    """NExT-QA rows plus ``action_antonym_choices``: the antonym texts of the choices ``a0..a4`` that have one, as a
    Python list literal (e.g. "['unwind the handle', 'hit their feet']"); every row is kept."""
    lexicon = lexicon or default_lexicon()
    report = BuildReport("nextqa", wordnet=lexicon.wordnet is not None, max_examples=max_examples)
    report.records_in = len(records)
    out = []
    for index, record in enumerate(records):
        antonyms = []
        for key in NEXTQA_CHOICES:
            choice = _require(record, index, key)
            result = lexicon.rewrite(choice)
            report.add_text(choice, result)
            if result.text is not None:
                antonyms.append(result.text)
        out.append({**record, "action_antonym_choices": str(antonyms)})
    report.records_out = len(out)
    return out, report


def read_records(path: str | Path, dataset: str) -> list[dict[str, Any]]:
    """Records of an input file: SSv2 a JSON list, Ego4D JSON lines, NExT-QA a CSV with a header.

    Errors name the file and line.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if dataset == "ssv2":
        try:
            records = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}: line {err.lineno}: not valid JSON: {err.msg}") from err
        if not isinstance(records, list):
            raise ValueError(f"{path}: expected a JSON list of SSv2 annotations, got a {type(records).__name__}")
        return records
    if dataset == "ego4d":
        records = []
        for line_number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}: line {line_number}: not a JSON object: {err.msg}") from err
        return records
    if dataset == "nextqa":
        return list(csv.DictReader(io.StringIO(text, newline="")))
    raise ValueError(f"unknown ActionBench format {dataset!r}; expected one of {FORMATS}")


def record_location(path: str | Path, dataset: str, records: Sequence[Mapping[str, Any]], index: int) -> str:
    """Where record ``index`` of `read_records` is, for error messages: "FILE: line N" (a JSON list: its position)."""
    if dataset == "nextqa":
        return f"{path}: line {index + 2}"  # after the header; assumes no quoted newlines
    if dataset == "ego4d":
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        non_blank = [n for n, line in enumerate(lines, start=1) if line.strip()]
        return f"{path}: line {non_blank[index]}"
    record = records[index]
    return f"{path}: record {index} (id {record.get('id', '?') if isinstance(record, Mapping) else '?'})"


def write_records(path: str | Path, dataset: str, records: Sequence[Mapping[str, Any]]) -> None:
    """Write records in the official layout of ``dataset`` (see `read_records`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if dataset == "ssv2":
        path.write_text(json.dumps(list(records), indent=1) + "\n", encoding="utf-8")
    elif dataset == "ego4d":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    elif dataset == "nextqa":
        fieldnames = list(dict.fromkeys(key for record in records for key in record))
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fieldnames)
            writer.writeheader()
            writer.writerows(records)
    else:
        raise ValueError(f"unknown ActionBench format {dataset!r}; expected one of {FORMATS}")

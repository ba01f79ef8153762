"""Reading and validating the official annotation files (JSON list, JSON lines, CSV).

Every record carries where it came from, so a missing field or a bad value is reported as
`AnnotationError: <file>, line 12: field 'clip_relative_end': ...` at load time, not as a KeyError in a worker.
"""

from __future__ import annotations

import ast
import csv
import json
import math
import os
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any


class AnnotationError(ValueError):
    """An annotation file does not follow the official format. Names the file, the line or record, and the field."""

    def __init__(self, path: str | os.PathLike, location: str, field: str | None, problem: str) -> None:
        self.path = str(path)
        self.location = location
        self.field = field
        where = f"{self.path}, {location}" + (f": field {field!r}" if field is not None else "")
        super().__init__(f"{where}: {problem}")


def _require_file(path: str | os.PathLike) -> str:
    path = str(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"annotation file not found: {path}")
    return path


@dataclass(frozen=True)
class Record:
    """One annotation record and its place in the file (`line 7` for JSON lines/CSV, `record 3` for a JSON list)."""

    data: Mapping[str, Any]
    path: str
    location: str

    def error(self, field: str | None, problem: str) -> AnnotationError:
        return AnnotationError(self.path, self.location, field, problem)

    def require(self, fields: Collection[str]) -> None:
        """Raise for the first of `fields` that the record lacks."""
        for name in fields:
            if name not in self.data:
                raise self.error(name, f"missing (the record has: {', '.join(sorted(self.data)) or 'no fields'})")

    def _get(self, name: str) -> Any:
        if name not in self.data:
            raise self.error(name, "missing")
        return self.data[name]

    def text(self, name: str) -> str:
        """A non-empty string."""
        value = self._get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, f"expected a non-empty string, got {value!r}")
        return value

    def integer(self, name: str, choices: Collection[int] | None = None) -> int:
        """An int, or a string of digits (CSV cells, SSv2 ids)."""
        value = self._get(name)
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(name, f"expected an integer, got {value!r}")
        if choices is not None and value not in choices:
            raise self.error(name, f"expected one of {sorted(choices)}, got {value}")
        return value

    def number(self, name: str, minimum: float | None = None) -> float:
        """A finite number (int, float, or a numeric string), optionally >= minimum."""
        value = self._get(name)
        try:
            number = float(value) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or not math.isfinite(number):
            raise self.error(name, f"expected a finite number, got {value!r}")
        if minimum is not None and number < minimum:
            raise self.error(name, f"expected a value >= {minimum:g}, got {value!r}")
        return number

    def choice(self, name: str, choices: Collection[str]) -> str:
        value = self.text(name)
        if value not in choices:
            raise self.error(name, f"expected one of {sorted(choices)}, got {value!r}")
        return value

    def text_list(self, name: str, allow_empty: bool = False) -> list[str]:
        """A list of strings; in CSV cells a Python-literal list such as "['a', 'b']" (as the official files hold)."""
        value = self._get(name)
        if isinstance(value, str):
            try:
                value = ast.literal_eval(value)
            except (ValueError, SyntaxError) as error:
                raise self.error(name, f"expected a list literal such as ['a', 'b'], got {value!r}") from error
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(name, f"expected a list of strings, got {value!r}")
        if not value and not allow_empty:
            raise self.error(name, "expected a non-empty list")
        return value


def load_json(path: str | os.PathLike) -> Any:
    """Parse a JSON file; malformed JSON raises AnnotationError with the line and column."""
    path = _require_file(path)
    with open(path, encoding="utf-8") as handle:
        try:
            return json.load(handle)
        except json.JSONDecodeError as error:
            location = f"line {error.lineno} column {error.colno}"
            raise AnnotationError(path, location, None, f"malformed JSON: {error.msg}") from error


def read_json_list(path: str | os.PathLike) -> Iterator[Record]:
    """Records of a JSON file holding one list of objects; locations are `record <0-based index>`."""
    data = load_json(path)
    path = str(path)
    if not isinstance(data, list):
        raise AnnotationError(path, "top level", None, f"expected a JSON list of records, got {type(data).__name__}")
    for index, item in enumerate(data):
        location = f"record {index}"
        if not isinstance(item, dict):
            raise AnnotationError(path, location, None, f"expected a JSON object, got {type(item).__name__}")
        yield Record(item, path, location)


def read_json_lines(path: str | os.PathLike) -> Iterator[Record]:
    """Records of a JSON-lines file (one object per line; blank lines ignored); locations are `line <1-based>`."""
    path = _require_file(path)
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            location = f"line {line_number}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                problem = f"malformed JSON: {error.msg}"
                raise AnnotationError(path, f"{location} column {error.colno}", None, problem) from error
            if not isinstance(item, dict):
                raise AnnotationError(path, location, None, f"expected a JSON object, got {type(item).__name__}")
            yield Record(item, path, location)


def read_csv(path: str | os.PathLike, required_columns: Collection[str]) -> Iterator[Record]:
    """Rows of a CSV file with a header line, as records of strings; locations are `line <1-based>`.

    A header without one of `required_columns` raises an AnnotationError at line 1; a row with fewer cells than the
    header reports the first missing column.
    """
    path = _require_file(path)
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in required_columns:
            if column not in header:
                raise AnnotationError(path, "line 1 (header)", column, f"missing column; the header has {header}")
        for row in reader:
            record = Record(row, path, f"line {reader.line_num}")
            missing = [column for column in required_columns if row.get(column) is None]
            if missing:
                raise record.error(missing[0], "missing cell: the row is shorter than the header")
            yield record


def load_flags(path: str | os.PathLike) -> dict[str, bool]:
    """A state-change-salience file: JSON object sample id -> flag.

    A flag is 0/1, a bool, or the official `{"if_keep": bool, ...}` entry
    (state_change_heavy_instance_filtering_<split>.json).
    """
    data = load_json(path)
    path = str(path)
    if not isinstance(data, dict):
        raise AnnotationError(path, "top level", None, "expected a JSON object mapping sample id -> 0/1")
    flags = {}
    for key, value in data.items():
        flag = value.get("if_keep") if isinstance(value, dict) else value
        if not isinstance(flag, (bool, int)) or flag not in (0, 1):
            field = "if_keep" if isinstance(value, dict) else None
            raise AnnotationError(path, f"entry {key!r}", field, f"expected 0/1 or true/false, got {flag!r}")
        flags[str(key)] = bool(flag)
    return flags


def load_id_list(path: str | os.PathLike) -> set[str]:
    """Sample ids from a JSON list, or from a text file with one id per line (blank lines and `#` comments skipped)."""
    path = str(path)
    if path.endswith(".json"):
        data = load_json(path)
        if not isinstance(data, list):
            raise AnnotationError(path, "top level", None, "expected a JSON list of ids")
        return {str(item) for item in data}
    with open(_require_file(path), encoding="utf-8") as handle:
        content = handle.read()
    lines = (line.split("#", 1)[0].strip() for line in content.splitlines())
    return {line for line in lines if line}


_EGO4D_CAPTION_RULES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\. #unsure", ""),
        (r"the #unsure", "something"),
        (r"a #unsure", "something"),
        (r" #unsure", " something"),
        (r"#[a-z] ", ""),
        (r"# [a-z] ", ""),
        (r"[.!\"()*#:;~]", " "),
        (r"\s{2,}", " "),
    )
)


def clean_ego4d_caption(caption: str, max_words: int = 50) -> str:
    """The official Ego4D text processing (`vl_dynamic_ego4d_text`), rule for rule: lower-case, turn "#unsure"
    objects into "something", drop narrator tags such as "#C ", replace punctuation with spaces, squeeze runs of
    whitespace, keep at most `max_words` words.

    "#C C picks up the knife." -> "c picks up the knife"
    """
    text = caption.lower()
    for pattern, replacement in _EGO4D_CAPTION_RULES:
        text = pattern.sub(replacement, text)
    words = text.rstrip("\n").strip(" ").split(" ")
    return " ".join(words[:max_words])

"""ActionBench construction: action-antonym texts, object-replaced texts and the official annotation layouts.

Public API (imported lazily, so that `paxion --help` does not load lemminflect)::

    from paxion_eval.actionbench import action_antonym, replace_object, build_ssv2, build_ego4d, build_nextqa
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "AntonymLexicon": "antonyms",
    "AntonymResult": "antonyms",
    "WordNetAntonyms": "antonyms",
    "action_antonym": "antonyms",
    "default_lexicon": "antonyms",
    "load_wordnet": "antonyms",
    "NounTaxonomy": "objects",
    "replace_object": "objects",
    "BuildInputError": "builder",
    "BuildReport": "builder",
    "build_ego4d": "builder",
    "build_nextqa": "builder",
    "build_ssv2": "builder",
    "read_records": "builder",
    "write_records": "builder",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)

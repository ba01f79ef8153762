"""Scale configurations of the synthetic world, as data, and the content hash that names a generated world."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from typing import Any

#: bump when a change to the generator changes what it writes for the same configuration and seed
GENERATOR_VERSION = "4"

#: settings shared by every scale; a scale entry or an override replaces them key by key (nested dicts merge)
COMMON: dict[str, Any] = {
    "image_size": 32,  # frame width = height in pixels
    "supersample": 2,  # anti-aliasing: render at image_size * supersample, then average
    "fps": 5,
    "num_frames": [8, 16],  # frames of one action, inclusive range (the loaders sample 8 with linspace)
    # PyAV encoder: "mpeg4" (MPEG-4 Part 2, 4x faster to encode than "libx264" at 32 px, same quality after
    # yuv420p); every frame is an intra frame, so the coding never depends on frame order
    "codec": "mpeg4",
    "crf": 12,  # libx264 quality (lower is better); "mpeg4" runs at a fixed high bit rate instead
    "main_size": [0.26, 0.36],  # main object diameter, fraction of the frame width
    "distractor_size": [0.15, 0.21],
    "landmark_size": [0.22, 0.27],  # the second object of two-object actions and of the QA scenes
    "num_distractors": [1, 3],  # inclusive range
    "ego4d_pad_frames": [0, 2],  # static frames before/after the narrated window in an Ego4D-like clip file
    "ego4d_clips_per_video": [4, 10],  # Ego4D-like clips that share one `video_uid`
    "qa_num_frames": [12, 16],  # frames of a NExT-QA-like video (two action segments)
    "qa_antonym_choice_prob": 0.75,  # probability that a directional answer's antonym is among the candidates
    "pretrain_frames_per_clip": 3,  # (video, frame, caption) triples per training clip in pretrain.jsonl
    "language_lines": 20000,  # (text, paraphrase, antonym_text) lines of the text tower's corpus, language.jsonl
    "splits": {
        "ssv2": {"train": 4000, "val": 800, "test": 400},
        "ego4d": {"train": 2000, "val": 400, "test": 400},
        "nextqa": {"train": 1000, "val": 300, "test": 200},
    },
    "retrieval_val_videos": 500,  # SSv2-label/template retrieval val set, drawn from the SSv2-like val split
    "temporal_videos_per_text": 32,  # Temporal-SSv2-like set: val videos per paired template
}

#: the scale knob: each entry overrides COMMON
SCALES: dict[str, dict[str, Any]] = {
    "ci": {
        "splits": {
            "ssv2": {"train": 200, "val": 80, "test": 40},
            "ego4d": {"train": 100, "val": 40, "test": 40},
            "nextqa": {"train": 40, "val": 30, "test": 10},
        },
        "retrieval_val_videos": 60,
        "language_lines": 4000,
        "temporal_videos_per_text": 3,
    },
    "default": {},
    "large": {
        "splits": {
            "ssv2": {"train": 16000, "val": 3200, "test": 1600},
            "ego4d": {"train": 8000, "val": 1600, "test": 1600},
            "nextqa": {"train": 4000, "val": 1000, "test": 800},
        },
        "retrieval_val_videos": 2000,
        "temporal_videos_per_text": 48,
    },
}


def _merge(base: dict[str, Any], update: Mapping[str, Any], where: str) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if key not in merged:
            raise ValueError(f"unknown world setting '{where}{key}'; valid settings there: {sorted(merged)}")
        if isinstance(merged[key], dict):
            if not isinstance(value, Mapping):
                raise TypeError(f"world setting '{where}{key}' must be a mapping, got {value!r}")
            merged[key] = _merge(merged[key], value, f"{where}{key}.")
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolve_config(scale: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The full configuration of scale `scale` (a key of SCALES), with `overrides` merged on top."""
    if scale not in SCALES:
        raise ValueError(f"unknown world scale {scale!r}; choose one of {sorted(SCALES)}")
    config = _merge(_merge(COMMON, SCALES[scale], ""), overrides or {}, "")
    _validate(config)
    return config


def _validate(config: Mapping[str, Any]) -> None:
    low, high = config["num_frames"]
    if not 2 <= low <= high:
        raise ValueError(f"world setting 'num_frames' must be an increasing pair >= 2, got {config['num_frames']}")
    if config["image_size"] < 8 or config["image_size"] % 2:
        raise ValueError(f"world setting 'image_size' must be an even number >= 8 (yuv420p), "
                         f"got {config['image_size']}")
    for domain, splits in config["splits"].items():
        for split, count in splits.items():
            if count < 0:
                raise ValueError(f"world setting 'splits.{domain}.{split}' must be >= 0, got {count}")


def content_hash(config: Mapping[str, Any], seed: int) -> str:
    """sha256 over (generator version, full configuration, seed): the world's identity and cache key."""
    payload = json.dumps({"version": GENERATOR_VERSION, "config": config, "seed": int(seed)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()

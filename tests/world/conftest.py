"""Shared fixtures of the synthetic-world tests: one `ci` world (seed 0) per test session, and its metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paxion_eval.world import WorldInfo, generate_world


@pytest.fixture(scope="session")
def ci_world(tmp_path_factory: pytest.TempPathFactory) -> WorldInfo:
    return generate_world(tmp_path_factory.mktemp("worlds"), "ci", seed=0, progress=False)


def read_jsonl(path: Path) -> list[dict]:
    with path.open() as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="session")
def states(ci_world: WorldInfo) -> dict[str, dict[str, dict]]:
    """domain -> video id -> the generator's per-clip metadata record."""
    return {domain: {r["video_id"]: r for r in read_jsonl(ci_world.path(f"metadata/{domain}"))}
            for domain in ("ssv2", "ego4d", "nextqa")}

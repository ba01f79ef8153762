"""No single frame reveals the direction of an action; the order of the frames does (DESIGN §5).

Two-sample Kolmogorov-Smirnov tests on the generator's per-frame state (in memory, `sample_clip`), with one
independently drawn clip per sample so the test's independence assumption holds. Each family of comparisons is
held to a family-wise error of 1% (Bonferroni: every p-value must exceed 0.01 / number of comparisons), so a
correct generator fails with probability below 1% whatever the seed; the negative controls show the same tests
find differences where there are some.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import ks_2samp

from paxion_eval.world import domain_actions, resolve_config, sample_clip, sample_qa_clip

CONFIG = resolve_config("ci")
CLIPS_PER_MEMBER = 400
QUANTITIES = ("x", "y", "size", "angle", "cover")  # the main object's screen state (angle taken modulo 2 pi)
ALPHA = 0.01


def _pairs() -> list[tuple[str, str]]:
    return [(domain, action.kind) for domain in ("ssv2", "ego4d")
            for action in domain_actions(domain) if action.salient and action.member == 0]


def _window_states(action, seed: int) -> list[dict[str, np.ndarray]]:
    """Main-object screen state [T] over the narrated window of CLIPS_PER_MEMBER independent clips of `action`."""
    clips = []
    for index in range(CLIPS_PER_MEMBER):
        clip = sample_clip(action, np.random.default_rng([seed, index]), CONFIG)
        screen, (first, last) = clip.screen(), clip.window
        state = {key: screen[key][0][first : last + 1] for key in ("x", "y", "size", "angle")}
        state["cover"] = screen["cover"][first : last + 1]
        clips.append(state)
    return clips


@pytest.fixture(scope="module")
def pair_states() -> dict[tuple[str, str], tuple[list, list]]:
    """(domain, kind) -> (clips of member 0, clips of member 1), independently drawn."""
    states = {}
    for number, (domain, kind) in enumerate(_pairs()):
        actions = {a.member: a for a in domain_actions(domain) if a.kind == kind}
        states[(domain, kind)] = (_window_states(actions[0], 2 * number), _window_states(actions[1], 2 * number + 1))
    return states


def _value(state: dict[str, np.ndarray], quantity: str, frame: int) -> float:
    value = float(state[quantity][frame])
    return value % (2 * math.pi) if quantity == "angle" else value


def _one_random_frame(clips: list[dict], quantity: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.array([_value(c, quantity, int(rng.integers(len(c["x"])))) for c in clips])


def test_every_pair_has_the_same_per_frame_distribution(pair_states: dict) -> None:
    """A frame drawn at random from a clip: its state is distributed alike for both members of every pair."""
    comparisons = {(pair, q): ks_2samp(_one_random_frame(a, q, 7), _one_random_frame(b, q, 8)).pvalue
                   for pair, (a, b) in pair_states.items() for q in QUANTITIES}
    assert len(pair_states) == 16  # 9 SSv2-like pairs, 7 Ego4D-like pairs
    failing = {key: p for key, p in comparisons.items() if p <= ALPHA / len(comparisons)}
    assert failing == {}


def _order_features(state: dict[str, np.ndarray]) -> dict[str, float]:
    """Order-sensitive summaries of one clip: the state at the first, middle and last frame, and the change over
    the first and over the last step (raw angles: a change of angle keeps its sign)."""
    n = len(state["x"])
    features = {}
    for q in QUANTITIES:
        values = state[q]
        features.update({f"{q}@first": _value(state, q, 0), f"{q}@middle": _value(state, q, (n - 1) // 2),
                         f"{q}@last": _value(state, q, n - 1), f"{q}:first-step": float(values[1] - values[0]),
                         f"{q}:last-step": float(values[-1] - values[-2]), f"{q}:total": float(values[-1] - values[0])})
    return features


def _reverse(state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {key: value[::-1] for key, value in state.items()}


def _feature_pvalues(first: list[dict], second: list[dict]) -> dict[str, float]:
    a, b = [_order_features(s) for s in first], [_order_features(s) for s in second]
    return {name: ks_2samp([f[name] for f in a], [f[name] for f in b]).pvalue for name in a[0]}


def test_reversed_clips_are_distributed_like_their_antonym(pair_states: dict) -> None:
    """Member 0 played backwards is distributed like member 1, frame by frame and step by step."""
    comparisons = {(pair, name): p for pair, (a, b) in pair_states.items()
                   for name, p in _feature_pvalues([_reverse(s) for s in a], b).items()}
    failing = {key: p for key, p in comparisons.items() if p <= ALPHA / len(comparisons)}
    assert failing == {}


def test_frame_order_tells_the_members_apart(pair_states: dict) -> None:
    """Negative control: without reversal, the same tests separate the members of every pair."""
    for pair, (a, b) in pair_states.items():
        assert min(_feature_pvalues(a, b).values()) < 1e-10, pair


def test_ks_detects_different_action_types() -> None:
    """Negative control of the per-frame test: different action types do differ per frame, and the first frame of
    an action differs from its last frame."""
    actions = {a.name: a for a in domain_actions("ssv2")}
    zoom, hold = _window_states(actions["zoom:0"], 101), _window_states(actions["hold:0"], 102)
    assert ks_2samp(_one_random_frame(zoom, "size", 1), _one_random_frame(hold, "size", 2)).pvalue < 1e-10
    push = _window_states(actions["shift_x:0"], 103)
    first, last = [s["x"][0] for s in push], [s["x"][-1] for s in push]
    assert ks_2samp(first, last).pvalue < 1e-10


def test_qa_videos_do_not_reveal_the_order_in_a_frame() -> None:
    """NExT-QA-like videos: frames inside segments of one direction are distributed like frames inside segments of
    the opposite direction (the answer of a hard question and its antonym look alike frame by frame)."""
    frames: dict[tuple[str, int], list[list[float]]] = {}
    for index in range(1500):
        rng = np.random.default_rng([11, index])
        clip = sample_qa_clip(rng, CONFIG)
        screen = clip.screen()
        for segment in clip.segments:
            t = int(rng.integers(segment.start, segment.end + 1))
            frames.setdefault((segment.kind, segment.member), []).append(
                [screen["x"][0, t], screen["y"][0, t], screen["angle"][0, t] % (2 * math.pi)])
    kinds = sorted({kind for kind, member in frames if member == 1})
    assert kinds == ["approach", "rotate", "shift_x", "shift_y"]
    pvalues = [ks_2samp(np.array(frames[(k, 0)])[:, i], np.array(frames[(k, 1)])[:, i]).pvalue
               for k in kinds for i in range(3)]
    assert min(pvalues) > ALPHA / len(pvalues)

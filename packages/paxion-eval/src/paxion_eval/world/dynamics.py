"""Per-clip scene and per-frame state sampling (no pixels): the in-memory API of the synthetic world.

Coordinates are fractions of the frame width, y pointing down; angles are radians and grow clockwise on screen.
The world state of a clip is a set of per-frame arrays [T]: the main object's position, diameter and angle, the
fraction of it a cloth covers, and the camera's centre and zoom. Screen coordinates are
`(world - camera) * zoom + 0.5`.

Why no single frame reveals the direction of an action: every paired action samples the *canonical* (member 0)
trajectory and member 1 is that trajectory reversed in time, with everything else in the scene (objects,
background, distractors, camera shake, padding) drawn independently of the member. So the frames of member 1 are
exactly a permutation of frames distributed like member 0's frames: pooled over time, both members have the same
per-frame distribution, and only the order of the frames tells them apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from paxion_eval.world.vocab import COLOURS, NOUNS, QA_KINDS, SHAPES, Action

#: per-frame world-state arrays of a clip
STATE_KEYS: tuple[str, ...] = ("x", "y", "size", "angle", "cover", "cam_x", "cam_y", "zoom")
#: cloth sides, indexed by ClipState.cover_side
COVER_SIDES: tuple[str, ...] = ("left", "right", "top", "bottom")
_JITTER = 0.006  # std of the hand tremor of static actions (position)
_SHAKE = 0.008  # std of the Ego4D-like head-camera shake


@dataclass
class ObjectTrack:
    """One object: its noun and per-frame world state [T] (diameter `size`, `angle` its darker half points to)."""

    noun: str
    x: np.ndarray
    y: np.ndarray
    size: np.ndarray
    angle: np.ndarray

    @property
    def colour(self) -> str:
        return self.noun.split()[0]

    @property
    def shape(self) -> str:
        return self.noun.split()[1]


@dataclass
class Background:
    """A procedural texture evaluated at world coordinates (so camera pans and zooms move it)."""

    family: str  # "noise", "stripes", "checker", "wood" or "room"
    colours: np.ndarray  # [3, 3] RGB in [0, 1]
    params: dict[str, float]
    grid: np.ndarray  # [G, G] value-noise lattice in [0, 1] (periodic)


@dataclass
class Segment:
    """One action of a clip: `kind`, `member` and the frame range [start, end] (inclusive) it spans."""

    kind: str
    member: int
    start: int
    end: int


@dataclass
class ClipState:
    """Everything a clip shows, frame by frame. `objects[0]` is the main object; `objects[1]` is the landmark (the
    second object of two-object actions and of QA scenes) when `has_landmark`; the others are distractors."""

    style: str  # visual style: "ssv2" or "ego4d"
    segments: list[Segment]
    objects: list[ObjectTrack]
    cover: np.ndarray  # [T] covered fraction of the main object (0: none)
    cover_side: int  # index into COVER_SIDES
    cam_x: np.ndarray  # [T]
    cam_y: np.ndarray  # [T]
    zoom: np.ndarray  # [T]
    hand: bool  # draw the camera wearer's hand at the main object (Ego4D-like style)
    background: Background
    has_landmark: bool = False

    @property
    def num_frames(self) -> int:
        return int(self.cover.shape[0])

    @property
    def main(self) -> ObjectTrack:
        return self.objects[0]

    @property
    def window(self) -> tuple[int, int]:
        """First and last frame (inclusive) of the narrated action(s) in the clip file."""
        return self.segments[0].start, self.segments[-1].end

    def screen(self) -> dict[str, np.ndarray]:
        """What each frame shows, in screen coordinates: keys `x, y, size, angle` [N_objects, T] (row 0 the main
        object), `cover` [T], `zoom` [T], `cam_x` [T], `cam_y` [T]."""
        x = np.stack([(o.x - self.cam_x) * self.zoom + 0.5 for o in self.objects])
        y = np.stack([(o.y - self.cam_y) * self.zoom + 0.5 for o in self.objects])
        size = np.stack([o.size * self.zoom for o in self.objects])
        angle = np.stack([o.angle for o in self.objects])
        return {"x": x, "y": y, "size": size, "angle": angle, "cover": self.cover, "zoom": self.zoom,
                "cam_x": self.cam_x, "cam_y": self.cam_y}


# -- trajectories -----------------------------------------------------------------------------------------------
def _start_state(kind: str, rng: np.random.Generator, config: dict[str, Any]) -> dict[str, float]:
    """The canonical start of a single action of `kind` (member 0), chosen so the whole action stays in frame."""
    state = {"x": 0.5, "y": 0.5, "size": rng.uniform(*config["main_size"]), "angle": rng.uniform(0, 2 * math.pi),
             "cover": 0.0, "cam_x": 0.5, "cam_y": 0.5, "zoom": 1.0}
    x_range, y_range = (0.25, 0.75), (0.25, 0.75)
    if kind == "shift_x":
        x_range = (0.2, 0.4)
    elif kind == "shift_y":
        y_range = (0.6, 0.8)
    elif kind == "fall":
        y_range = (0.18, 0.3)
    elif kind in ("zoom", "pan", "cover"):
        x_range = y_range = (0.3, 0.7)
    elif kind == "show":
        x_range = y_range = (0.44, 0.56)
        state["size"] *= 1.25
    state["x"], state["y"] = rng.uniform(*x_range), rng.uniform(*y_range)
    if kind == "zoom":
        state["size"] *= 0.85
        state["cam_x"], state["cam_y"] = state["x"] + rng.normal(0, 0.04), state["y"] + rng.normal(0, 0.04)
    elif kind == "pan":
        state["cam_x"] = state["x"] + 0.5 - rng.uniform(0.2, 0.4)  # screen x starts in [0.2, 0.4]
        state["cam_y"] = state["y"] + 0.5 - rng.uniform(0.3, 0.7)
    elif kind == "approach":
        landmark = rng.uniform(0.3, 0.7, size=2)
        while True:
            theta, radius = rng.uniform(0, 2 * math.pi), rng.uniform(0.36, 0.46)
            x, y = landmark + radius * np.array([math.cos(theta), math.sin(theta)])
            if 0.15 <= x <= 0.85 and 0.15 <= y <= 0.85:
                break
        state["x"], state["y"] = float(x), float(y)
        state["landmark_x"], state["landmark_y"] = float(landmark[0]), float(landmark[1])
    return state


def _advance(kind: str, rng: np.random.Generator, state: dict[str, float], u: np.ndarray) -> dict[str, np.ndarray]:
    """The canonical (member 0) trajectory of `kind` from `state` at progress `u` [T] in [0, 1]."""
    traj = {key: np.full(u.shape, float(state[key])) for key in STATE_KEYS}
    if kind == "shift_x":  # pushed to the right
        traj["x"] = state["x"] + rng.uniform(0.28, 0.4) * u
    elif kind == "shift_y":  # moved up
        traj["y"] = state["y"] - rng.uniform(0.28, 0.4) * u
    elif kind == "fall":  # accelerating downwards; its reversal decelerates upwards
        traj["y"] = state["y"] + rng.uniform(0.42, 0.52) * u**2
    elif kind == "zoom":  # the camera approaches: everything grows about the camera centre
        traj["zoom"] = state["zoom"] * rng.uniform(1.5, 1.8) ** u
    elif kind == "pan":  # the camera turns left: the whole scene slides right on screen
        traj["cam_x"] = state["cam_x"] - rng.uniform(0.28, 0.4) * u
    elif kind == "rotate":  # clockwise
        traj["angle"] = state["angle"] + rng.uniform(math.pi / 2, math.pi) * u
    elif kind == "spin":  # spinning either way, slowing to a full stop at 60% of the clip; its reversal starts
        spun = np.minimum(u / 0.6, 1.0)  # progress of the spin, still from then on
        turn = rng.choice([-1.0, 1.0]) * rng.uniform(math.pi, 1.5 * math.pi)
        traj["angle"] = state["angle"] + turn * (2 * spun - spun**2)
    elif kind == "cover":  # a cloth slides over part of the object
        traj["cover"] = rng.uniform(0.45, 0.65) * u
    elif kind == "approach":  # moved straight towards the landmark
        dx, dy = state["x"] - state["landmark_x"], state["y"] - state["landmark_y"]
        radius = math.hypot(dx, dy)
        scale = 1.0 - rng.uniform(0.14, 0.22) / radius * u
        traj["x"], traj["y"] = state["landmark_x"] + dx * scale, state["landmark_y"] + dy * scale
    elif kind not in ("hold", "show"):
        raise ValueError(f"unknown motion kind {kind!r}")
    return traj


def _tremor(kind: str, rng: np.random.Generator, traj: dict[str, np.ndarray]) -> None:
    """Static actions: the holding hand trembles a little, independently in every frame."""
    if kind in ("hold", "show"):
        n = traj["x"].shape[0]
        traj["x"] = traj["x"] + rng.normal(0, _JITTER, n)
        traj["y"] = traj["y"] + rng.normal(0, _JITTER, n)
        traj["angle"] = traj["angle"] + rng.normal(0, 0.03, n)


def _reverse(traj: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {key: value[::-1].copy() for key, value in traj.items()}


def sample_trajectory(kind: str, member: int, num_frames: int, rng: np.random.Generator,
                      config: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Per-frame world state [T] of one action: the canonical trajectory, reversed in time for member 1.
    Returns (trajectory, start-state extras such as the landmark position)."""
    state = _start_state(kind, rng, config)
    traj = _advance(kind, rng, state, np.linspace(0.0, 1.0, num_frames))
    _tremor(kind, rng, traj)
    if member == 1:
        traj = _reverse(traj)
    extras = {key: value for key, value in state.items() if key.startswith("landmark")}
    return traj, extras


# -- scenes -----------------------------------------------------------------------------------------------------
def sample_background(style: str, rng: np.random.Generator) -> Background:
    """A textured background: muted tabletop textures (SSv2-like) or warm wood / room views (Ego4D-like)."""
    if style == "ssv2":
        family = str(rng.choice(["noise", "stripes", "checker"]))
        hue, sat, val = rng.uniform(0, 1), rng.uniform(0.04, 0.2), rng.uniform(0.45, 0.75)
        colours = [_hsv(hue, sat, val), _hsv(hue + rng.uniform(-0.05, 0.05), sat, val + rng.uniform(-0.18, 0.18)),
                   _hsv(hue, sat * 0.5, val)]
    else:
        family = str(rng.choice(["wood", "room"]))
        hue, sat, val = rng.uniform(0.04, 0.11), rng.uniform(0.2, 0.4), rng.uniform(0.28, 0.55)
        colours = [_hsv(hue, sat, val), _hsv(hue, sat, val * rng.uniform(0.65, 0.85)),
                   _hsv(rng.uniform(0, 1), rng.uniform(0.02, 0.1), rng.uniform(0.55, 0.8))]
    params = {"freq": float(rng.uniform(2.5, 6.0)), "theta": float(rng.uniform(0, math.pi)),
              "phase": float(rng.uniform(0, 2 * math.pi)), "horizon": float(rng.uniform(0.15, 0.35)),
              "warp": float(rng.uniform(0.3, 1.2))}
    grid = rng.uniform(0, 1, size=(int(rng.integers(3, 7)),) * 2)
    return Background(family, np.clip(np.array(colours), 0, 1), params, grid)


def _hsv(h: float, s: float, v: float) -> list[float]:
    h = (h % 1.0) * 6
    i, f = int(h), h - int(h)
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    return [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i % 6]


def _pick_nouns(rng: np.random.Generator, count: int, unique_shapes: bool) -> list[str]:
    """`count` distinct nouns (with pairwise distinct shapes when `unique_shapes`)."""
    if not unique_shapes:
        return [NOUNS[i] for i in rng.choice(len(NOUNS), size=count, replace=False)]
    shapes = rng.choice(list(SHAPES), size=count, replace=False)
    colours = rng.choice(list(COLOURS), size=count, replace=True)
    return [f"{c} {s}" for c, s in zip(colours, shapes, strict=True)]


def _mid(values: np.ndarray) -> float:
    """The value at the middle of the clip (mean of the two middle frames when T is even): reversal invariant."""
    n = values.shape[0]
    return float(values[(n - 1) // 2 : n // 2 + 1].mean())


def _static_track(noun: str, x: float, y: float, size: float, angle: float, n: int) -> ObjectTrack:
    return ObjectTrack(noun, np.full(n, x), np.full(n, y), np.full(n, size), np.full(n, angle))


def _assemble(style: str, segments: list[Segment], traj: dict[str, np.ndarray], extras: dict[str, float],
              nouns: list[str], has_landmark: bool, hand: bool, cover_side: int, rng: np.random.Generator,
              config: dict[str, Any]) -> ClipState:
    """Build the scene around the main object's trajectory: landmark, distractors (placed uniformly in the
    mid-clip view, which is reversal invariant), background, and the Ego4D-like camera shake."""
    n = traj["x"].shape[0]
    main = ObjectTrack(nouns[0], traj["x"], traj["y"], traj["size"], traj["angle"])
    objects = [main]
    cam_x, cam_y, zoom = _mid(traj["cam_x"]), _mid(traj["cam_y"]), _mid(traj["zoom"])
    others = nouns[1:]
    if has_landmark:
        size = rng.uniform(*config["landmark_size"])
        objects.append(_static_track(others[0], extras["landmark_x"], extras["landmark_y"], size,
                                     rng.uniform(0, 2 * math.pi), n))
        others = others[1:]
    for noun in others:
        sx, sy = rng.uniform(0.12, 0.88, size=2)
        objects.append(_static_track(noun, cam_x + (sx - 0.5) / zoom, cam_y + (sy - 0.5) / zoom,
                                     rng.uniform(*config["distractor_size"]), rng.uniform(0, 2 * math.pi), n))
    shake_x, shake_y = (rng.normal(0, _SHAKE, (2, n)) if style == "ego4d" else np.zeros((2, n)))
    return ClipState(style=style, segments=segments, objects=objects, cover=traj["cover"], cover_side=cover_side,
                     cam_x=traj["cam_x"] + shake_x, cam_y=traj["cam_y"] + shake_y, zoom=traj["zoom"], hand=hand,
                     background=sample_background(style, rng), has_landmark=has_landmark)


def _pad(traj: dict[str, np.ndarray], before: int, after: int) -> dict[str, np.ndarray]:
    """Hold the first and last states for `before` / `after` extra frames."""
    return {key: np.concatenate([np.full(before, v[0]), v, np.full(after, v[-1])]) for key, v in traj.items()}


def sample_clip(action: Action, rng: np.random.Generator, config: dict[str, Any]) -> ClipState:
    """One SSv2-like or Ego4D-like clip of `action` (a `vocab.Action`). Ego4D-like clip files hold a few static
    frames before and after the narrated window (`ClipState.window`); their counts are drawn independently."""
    num_frames = int(rng.integers(config["num_frames"][0], config["num_frames"][1] + 1))
    traj, extras = sample_trajectory(action.kind, action.member, num_frames, rng, config)
    start = 0
    if action.domain == "ego4d":
        before, after = (int(v) for v in rng.integers(config["ego4d_pad_frames"][0],
                                                      config["ego4d_pad_frames"][1] + 1, size=2))
        traj, start = _pad(traj, before, after), before
    segments = [Segment(action.kind, action.member, start, start + num_frames - 1)]
    n_distractors = int(rng.integers(config["num_distractors"][0], config["num_distractors"][1] + 1))
    nouns = _pick_nouns(rng, action.objects + n_distractors, unique_shapes=False)
    hand = action.hand and action.domain == "ego4d"
    return _assemble(action.domain, segments, traj, extras, nouns, action.objects == 2, hand,
                     int(rng.integers(len(COVER_SIDES))), rng, config)


def sample_qa_clip(rng: np.random.Generator, config: dict[str, Any]) -> ClipState:
    """One NExT-QA-like video: the main object performs two actions in a row (segments A then B, of different
    kinds from `vocab.QA_KINDS`, not both static) next to a landmark object, among 0-2 distractors; all objects have
    different shapes. The whole video is reversed with probability 1/2 (which swaps and inverts the segments), so
    its frames do not reveal the order either."""
    num_frames = int(rng.integers(config["qa_num_frames"][0], config["qa_num_frames"][1] + 1))
    first = num_frames // 2
    while True:
        kinds = rng.choice(len(QA_KINDS), size=2, replace=False)
        kinds = [QA_KINDS[k] for k in kinds]
        if "hold" in kinds and rng.uniform() < 0.5:
            continue  # fewer static segments: half of the (motion, static) draws are redrawn
        members = [0 if k == "hold" else int(rng.integers(2)) for k in kinds]
        state = {"x": rng.uniform(0.3, 0.7), "y": rng.uniform(0.3, 0.7), "size": rng.uniform(*config["main_size"]),
                 "angle": rng.uniform(0, 2 * math.pi), "cover": 0.0, "cam_x": 0.5, "cam_y": 0.5, "zoom": 1.0,
                 "landmark_x": rng.uniform(0.2, 0.8), "landmark_y": rng.uniform(0.2, 0.8)}
        parts = []
        for index, (kind, member) in enumerate(zip(kinds, members, strict=True)):
            count = first if index == 0 else num_frames - first
            u = np.linspace(0.0, 1.0, count) if index == 0 else np.arange(1, count + 1) / count
            part = _advance(kind, rng, state, u)
            _tremor(kind, rng, part)
            if member == 1:  # the opposite direction: the same displacement, mirrored about the start
                part.update({key: 2 * float(state[key]) - part[key] for key in ("x", "y", "angle")})
            parts.append(part)
            state = {**state, **{key: float(v[-1]) for key, v in part.items()}}
        traj = {key: np.concatenate([p[key] for p in parts]) for key in STATE_KEYS}
        segments = [Segment(kinds[0], members[0], 0, first - 1), Segment(kinds[1], members[1], first, num_frames - 1)]
        distance = np.hypot(traj["x"] - state["landmark_x"], traj["y"] - state["landmark_y"])
        inside = all(0.15 <= traj[key].min() and traj[key].max() <= 0.85 for key in ("x", "y"))
        if inside and distance.min() >= 0.18:
            break
    if rng.uniform() < 0.5:
        traj = _reverse(traj)
        segments = [Segment(s.kind, s.member if s.kind == "hold" else 1 - s.member, num_frames - 1 - s.end,
                            num_frames - 1 - s.start) for s in reversed(segments)]
    n_distractors = int(rng.integers(0, 3))
    nouns = _pick_nouns(rng, 2 + n_distractors, unique_shapes=True)
    extras = {"landmark_x": state["landmark_x"], "landmark_y": state["landmark_y"]}
    return _assemble("ssv2", segments, traj, extras, nouns, True, False, 0, rng, config)

"""Rasterise a `ClipState` into RGB frames (numpy, vectorised over time, supersampled for anti-aliasing).

Styles: "ssv2" (third-person tabletop: muted textures, soft drop shadows) and "ego4d" (head camera: warm wood and
room views, the camera wearer's hand and arm at the manipulated object, a vignette and a warm tint).
"""

from __future__ import annotations

import numpy as np

from paxion_eval.world.dynamics import Background, ClipState
from paxion_eval.world.vocab import COLOURS, SHAPES

_SKIN = np.array([0.87, 0.66, 0.53])
_SHADOW_OFFSET = (0.07, 0.09)  # fraction of the object's diameter
_DARK_HALF = 0.45  # brightness of the +u half of every object (its orientation)


def _value_noise(grid: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Smooth periodic value noise in [0, 1] with one lattice cell per unit of x and y."""
    g = grid.shape[0]
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = x - x0, y - y0
    fx, fy = fx * fx * (3 - 2 * fx), fy * fy * (3 - 2 * fy)
    i0, j0 = x0.astype(np.int64) % g, y0.astype(np.int64) % g
    i1, j1 = (i0 + 1) % g, (j0 + 1) % g
    top = grid[j0, i0] * (1 - fx) + grid[j0, i1] * fx
    bottom = grid[j1, i0] * (1 - fx) + grid[j1, i1] * fx
    return top * (1 - fy) + bottom * fy


def _mix(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    return a * (1 - t[..., None]) + b * t[..., None]


def render_background(background: Background, wx: np.ndarray, wy: np.ndarray) -> np.ndarray:
    """RGB [..., 3] of `background` at world coordinates `wx`, `wy` [...]."""
    p, c, grid = background.params, background.colours, background.grid
    cells = grid.shape[0]
    noise = 0.65 * _value_noise(grid, wx * cells, wy * cells) + 0.35 * _value_noise(grid.T, wx * cells * 2.3 + 1.7,
                                                                                      wy * cells * 2.3 + 0.3)
    family = background.family
    if family == "noise":
        return _mix(c[0], c[1], noise)
    if family == "stripes":
        axis = np.cos(p["theta"]) * wx + np.sin(p["theta"]) * wy
        stripes = np.clip(1.5 * np.sin(2 * np.pi * p["freq"] * axis + p["phase"]) + 0.5, 0, 1)
        return _mix(_mix(c[0], c[1], stripes), c[2], 0.3 * noise)
    if family == "checker":
        checks = 0.5 + 0.5 * np.tanh(4 * np.sin(np.pi * p["freq"] * wx) * np.sin(np.pi * p["freq"] * wy))
        return _mix(_mix(c[0], c[1], checks), c[2], 0.25 * noise)
    wood = 0.5 + 0.5 * np.sin(2 * np.pi * p["freq"] * 1.5 * (wy + p["warp"] * 0.3 * noise) + p["phase"])
    table = _mix(c[0], c[1], wood)
    if family == "wood":
        return table
    if family == "room":
        wall = c[2] * (0.85 + 0.3 * noise[..., None])
        return np.where((wy < p["horizon"])[..., None], wall, table)
    raise ValueError(f"unknown background family {family!r}")


def shape_mask(shape: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Inside-test of `shape` in its own coordinates (u, v in half-sizes; +u is the darker half's side)."""
    au, av = np.abs(u), np.abs(v)
    if shape == "circle":
        return u * u + v * v <= 1.0
    if shape == "square":
        return np.maximum(au, av) <= 0.82
    if shape == "diamond":
        return au + av <= 1.0
    if shape == "ring":
        r2 = u * u + v * v
        return (r2 <= 1.0) & (r2 >= 0.55**2)
    if shape == "cross":
        return ((au <= 0.34) & (av <= 0.95)) | ((av <= 0.34) & (au <= 0.95))
    if shape == "triangle":  # apex on +u
        return (u >= -0.6) & (av <= (1.0 - u) * 0.5625)
    raise ValueError(f"unknown shape {shape!r}; known shapes: {sorted(SHAPES)}")


def _local(gx: np.ndarray, gy: np.ndarray, x: np.ndarray, y: np.ndarray, size: np.ndarray, angle: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Pixel grid (gx [1, 1, w], gy [1, h, 1]) in an object's own coordinates [T, h, w] (half-sizes, rotated by
    its per-frame angle [T]; x, y, size [T] are the object's screen state)."""
    half = (size / 2)[:, None, None]
    dx, dy = (gx - x[:, None, None]) / half, (gy - y[:, None, None]) / half
    cos, sin = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    return dx * cos + dy * sin, -dx * sin + dy * cos


def _capsule(gx: np.ndarray, gy: np.ndarray, ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray,
             radius: np.ndarray) -> np.ndarray:
    """Pixels [T, h, w] within `radius` [T] of the segment a-b (all per frame [T])."""
    ax, ay, bx, by, radius = (v[:, None, None] for v in (ax, ay, bx, by, radius))
    ex, ey = bx - ax, by - ay
    t = np.clip(((gx - ax) * ex + (gy - ay) * ey) / (ex * ex + ey * ey), 0, 1)
    return (gx - ax - t * ex) ** 2 + (gy - ay - t * ey) ** 2 <= radius**2


class _Canvas:
    """The supersampled frames [T, n, n, 3] being drawn, with helpers to paint only near an object."""

    def __init__(self, image: np.ndarray) -> None:
        self.image = image
        self.n = image.shape[1]
        self.coords = ((np.arange(self.n) + 0.5) / self.n).astype(np.float32)

    def window(self, x: np.ndarray, y: np.ndarray, reach: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(gx [1, 1, w], gy [1, h, 1], view [T, h, w, 3]) of the pixel box holding every frame's disc of radius
        `reach` [T] around (x, y) [T], or None when it lies outside the frame."""
        n = self.n
        x0, x1 = int(np.floor((x - reach).min() * n)), int(np.ceil((x + reach).max() * n))
        y0, y1 = int(np.floor((y - reach).min() * n)), int(np.ceil((y + reach).max() * n))
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, n), min(y1, n)
        if x0 >= x1 or y0 >= y1:
            return None
        return self.coords[None, None, x0:x1], self.coords[None, y0:y1, None], self.image[:, y0:y1, x0:x1]

    def paint(self, view: np.ndarray, mask: np.ndarray, colour: np.ndarray) -> None:
        np.copyto(view, colour.astype(np.float32), where=mask[..., None])


def _background_frames(background: Background, clip: ClipState, n: int) -> np.ndarray:
    """The background of every frame [T, n, n, 3]: the texture is evaluated once on a world-space canvas covering
    all the camera's views, then looked up per frame (nearest texel, texel = one pixel at the highest zoom)."""
    t = clip.num_frames
    half_view = 0.5 / clip.zoom
    left, right = (clip.cam_x - half_view).min(), (clip.cam_x + half_view).max()
    top, bottom = (clip.cam_y - half_view).min(), (clip.cam_y + half_view).max()
    texel = 1.0 / (n * clip.zoom.max())
    width, height = int(np.ceil((right - left) / texel)) + 1, int(np.ceil((bottom - top) / texel)) + 1
    wx = (left + (np.arange(width) + 0.5) * texel).astype(np.float32)
    wy = (top + (np.arange(height) + 0.5) * texel).astype(np.float32)
    texture = render_background(background, wx[None, :], wy[:, None]).astype(np.float32)
    coords = (np.arange(n) + 0.5) / n - 0.5
    moving = np.ptp(clip.cam_x) > 0 or np.ptp(clip.cam_y) > 0 or np.ptp(clip.zoom) > 0
    frames = range(t) if moving else range(1)
    cols = np.stack([np.clip(((coords / clip.zoom[i] + clip.cam_x[i] - left) / texel).astype(np.int64), 0, width - 1)
                     for i in frames])
    rows = np.stack([np.clip(((coords / clip.zoom[i] + clip.cam_y[i] - top) / texel).astype(np.int64), 0, height - 1)
                     for i in frames])
    image = texture[rows[:, :, None], cols[:, None, :]]
    return image.copy() if moving else np.repeat(image, t, axis=0)


def _once_if_still(*states: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per-frame states [T] as they are, or their first frame [1] when none changes over time: masks are then
    computed once and broadcast over the frames (most objects never move on screen)."""
    if all(np.ptp(state) == 0 for state in states):
        return tuple(state[:1] for state in states)
    return states


def render_clip(clip: ClipState, image_size: int = 32, supersample: int = 2) -> np.ndarray:
    """Frames of `clip` as uint8 RGB [T, image_size, image_size, 3]."""
    canvas = _Canvas(_background_frames(clip.background, clip, image_size * supersample))
    screen = {key: np.asarray(value, dtype=np.float32) for key, value in clip.screen().items()}
    order = list(range(1, len(clip.objects))) + [0]  # the main object on top
    for index in order:
        obj = clip.objects[index]
        x, y, size, angle = _once_if_still(*(screen[key][index] for key in ("x", "y", "size", "angle")))
        if clip.style == "ssv2":
            sx, sy = x + _SHADOW_OFFSET[0] * size, y + _SHADOW_OFFSET[1] * size
            box = canvas.window(sx, sy, 0.6 * size)
            if box is not None:
                gx, gy, view = box
                u, v = _local(gx, gy, sx, sy, size, angle)
                np.multiply(view, np.float32(0.62), out=view, where=shape_mask(obj.shape, u, v)[..., None])
        if index == 0 and clip.hand:
            hx, hy = x + 0.42 * size, y + 0.46 * size
            box = canvas.window(np.concatenate([hx, hx + 1.0]), np.concatenate([hy, hy + 1.3]), np.tile(0.45 * size, 2))
            if box is not None:
                gx, gy, view = box
                u, v = _local(gx, gy, hx, hy, 0.8 * size, np.full_like(size, 0.9))
                hand = _capsule(gx, gy, hx, hy, hx + 0.9, hy + 1.2, 0.2 * size) | (u * u + (v * 1.4) ** 2 <= 1.0)
                canvas.paint(view, hand, _SKIN)
        box = canvas.window(x, y, 0.6 * size)
        if box is not None:
            gx, gy, view = box
            u, v = _local(gx, gy, x, y, size, angle)
            colour = np.array(COLOURS[obj.colour])
            mask = shape_mask(obj.shape, u, v)
            canvas.paint(view, mask, colour)
            canvas.paint(view, mask & (u > 0), colour * _DARK_HALF)
    image = canvas.image
    _draw_cloth(clip, screen, canvas)
    if clip.style == "ego4d":
        g = canvas.coords - 0.5
        vignette = 1.0 - 0.55 * (g[None, :] ** 2 + g[:, None] ** 2)
        image *= vignette[None, :, :, None] * np.array([1.04, 1.0, 0.9], dtype=np.float32)
    return _to_uint8(image, supersample)


def _to_uint8(image: np.ndarray, supersample: int) -> np.ndarray:
    """Average supersample x supersample pixel blocks of [T, n, n, 3] floats and quantise to uint8."""
    blocks = [image[:, i::supersample, j::supersample] for i in range(supersample) for j in range(supersample)]
    total = blocks[0].copy()
    for block in blocks[1:]:
        total += block
    return np.clip(np.rint(total * (255.0 / len(blocks))), 0, 255).astype(np.uint8)


def _draw_cloth(clip: ClipState, screen: dict[str, np.ndarray], canvas: _Canvas) -> None:
    """A striped grey cloth band from the frame edge on `clip.cover_side`, over `cover` of the main object."""
    if not np.any(clip.cover > 0):
        return
    gx, gy, image = canvas.coords[None, None, :], canvas.coords[None, :, None], canvas.image
    x, y, size = (screen[key][0][:, None, None] for key in ("x", "y", "size"))
    r, f = size / 2, screen["cover"][:, None, None]
    side = clip.cover_side
    along, across, centre = (gx, gy, y) if side < 2 else (gy, gx, x)
    edge = (x if side < 2 else y) + (1 if side % 2 else -1) * (r - 2 * r * f)
    inside = (along >= edge) if side % 2 else (along <= edge)
    band = inside & (np.abs(across - centre) <= 1.3 * r)
    weave = 0.8 + 0.08 * np.sign(np.sin(2 * np.pi * 14 * (along - edge + across)))
    cloth = (weave[..., None] * np.array([0.97, 0.97, 0.94])).astype(np.float32)
    np.copyto(image, np.broadcast_to(cloth, image.shape), where=band[..., None])

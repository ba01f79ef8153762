"""Fixtures for the data-layer tests: small real videos whose frames encode their own index."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

from paxion_core.data import write_video

INTENSITY_STEP = 15  # frame i is filled with grey level 15 * i (lossy codecs move it by a few levels)


def index_frames(num_frames: int, height: int = 32, width: int = 32) -> np.ndarray:
    """uint8 [num_frames, H, W, 3], frame i uniformly grey at INTENSITY_STEP * i."""
    levels = (np.arange(num_frames) * INTENSITY_STEP).astype(np.uint8)
    return np.broadcast_to(levels[:, None, None, None], (num_frames, height, width, 3)).copy()


def decoded_indices(frames: torch.Tensor) -> list[int]:
    """Frame indices read back from decoded index frames (uint8 [T, H, W, 3], or float [T, 3, H, W] in [0, 1])."""
    if frames.dtype == torch.uint8:
        means = frames.float().mean(dim=(1, 2, 3))
    else:
        means = frames.mean(dim=(1, 2, 3)) * 255.0
    return [int(round(m / INTENSITY_STEP)) for m in means.tolist()]


@pytest.fixture
def frame_indices() -> Callable[[torch.Tensor], list[int]]:
    """The `decoded_indices` helper, as a fixture (test modules do not import conftest)."""
    return decoded_indices


@pytest.fixture
def make_index_video(tmp_path: Path) -> Callable[..., Path]:
    """Write an index-encoded video: make_index_video(name, num_frames=16, fps=5, codec="libx264") -> path."""

    def make(name: str, num_frames: int = 16, fps: float = 5, codec: str = "libx264", size: int = 32) -> Path:
        return write_video(tmp_path / name, index_frames(num_frames, size, size), fps, codec=codec)

    return make

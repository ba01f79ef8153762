"""Frame sampling and decoding (paxion_core.data.video)."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from paxion_core.data import VideoReadError, read_frames, sample_frame_indices


@pytest.mark.parametrize(
    ("num_video_frames", "expected"),
    [
        (16, [1, 3, 5, 7, 9, 11, 13, 15]),  # official whole-video range: frame 1 .. last
        (20, [1, 3, 6, 8, 11, 13, 16, 19]),
        (1, [0] * 8),
    ],
)
def test_whole_video_indices(num_video_frames, expected):
    assert sample_frame_indices(num_video_frames, 8).tolist() == expected


@pytest.mark.parametrize(
    ("window", "fps", "expected"),
    [
        ((2.0, 5.0), 5, [10, 12, 14, 16, 18, 20, 22, 25]),  # linspace(int(2*5), int(5*5), 8)
        ((1.0, 1.1), 5, [5, 5, 5, 5, 5, 5, 5, 6]),  # collapsed window widened by one frame
        ((0.0, 100.0), 5, [0, 14, 28, 42, 56, 70, 84, 99]),  # end clamped to the last frame
    ],
)
def test_window_indices(window, fps, expected):
    assert sample_frame_indices(100, 8, window, fps).tolist() == expected


def test_window_errors():
    with pytest.raises(ValueError, match="starts at frame 50"):
        sample_frame_indices(20, 8, (10.0, 12.0), 5)
    with pytest.raises(ValueError, match="positive fps"):
        sample_frame_indices(20, 8, (1.0, 2.0), None)


@pytest.mark.parametrize("codec", ["libx264", "mpeg4"])
def test_read_frames_decodes_the_sampled_frames(make_index_video, frame_indices, codec):
    path = make_index_video(f"clip_{codec}.mp4", num_frames=16, codec=codec)
    frames = read_frames(path, 8)
    assert frames.shape == (8, 32, 32, 3) and frames.dtype == torch.uint8
    assert frame_indices(frames) == [1, 3, 5, 7, 9, 11, 13, 15]


def test_read_frames_window_uses_video_fps_by_default(make_index_video, frame_indices):
    path = make_index_video("clip.mp4", num_frames=16, fps=5)
    # 1.0-2.0 s at the video's 5 fps: frames 5..10
    assert frame_indices(read_frames(path, 8, window=(1.0, 2.0))) == [5, 5, 6, 7, 7, 8, 9, 10]
    # an explicit fps overrides it: 10 fps -> frames 10..15 (end clamped)
    assert frame_indices(read_frames(path, 8, window=(1.0, 2.0), fps=10)) == [10, 10, 11, 12, 12, 13, 14, 15]


def test_missing_video_names_the_path(tmp_path):
    path = tmp_path / "nowhere" / "123.mp4"
    with pytest.raises(VideoReadError, match="file not found") as info:
        read_frames(path)
    assert info.value.path == str(path) and str(path) in str(info.value)


def test_corrupt_video_names_the_path(tmp_path):
    path = tmp_path / "corrupt.mp4"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(VideoReadError) as info:
        read_frames(path)
    assert str(path) in str(info.value)


def test_window_past_the_end_is_a_read_error(make_index_video):
    path = make_index_video("short.mp4", num_frames=16)
    with pytest.raises(VideoReadError, match="only 16 frames") as info:
        read_frames(path, 8, window=(10.0, 11.0))
    assert info.value.path == os.fspath(path)

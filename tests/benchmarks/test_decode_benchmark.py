"""Decode throughput: 8 sampled frames with decord `get_batch` vs decoding the whole clip.

Run with `pytest tests/benchmarks --benchmark-only`. Both benchmarks decode the same generated clip (64 frames,
224x224, 5 fps, H.264) in the same run, opening a fresh `VideoReader` per clip as a dataset's `__getitem__` does;
each records its clips/s in `benchmark.extra_info` (compare the two within one run: absolute timings are noisy).
"""

from __future__ import annotations

import decord
import numpy as np
import pytest

from paxion_core.data import read_frames, write_video

NUM_FRAMES, SIZE, FPS = 64, 224, 5


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """A 64-frame 224x224 clip: a bright square sliding over a colour gradient, with mild noise."""
    rng = np.random.default_rng(0)
    ys, xs = np.mgrid[0:SIZE, 0:SIZE]
    background = np.stack([xs, ys, (xs + ys) // 2], axis=-1).astype(np.float32) * (255 / SIZE)
    frames = []
    for t in range(NUM_FRAMES):
        frame = background + rng.normal(0, 4, background.shape)
        left = 8 + 2 * t
        frame[80:140, left : left + 60] = (250, 240, 30)
        frames.append(np.clip(frame, 0, 255).astype(np.uint8))
    return write_video(tmp_path_factory.mktemp("decode") / "clip.mp4", np.stack(frames), FPS)


def record_throughput(benchmark) -> None:
    if benchmark.stats is None:  # --benchmark-disable: the function ran once, untimed
        return
    benchmark.extra_info["clips_per_s"] = 1.0 / benchmark.stats.stats.mean
    benchmark.extra_info["frames_in_clip"] = NUM_FRAMES


@pytest.mark.benchmark(group="decode-64x224px-clip")
def test_decode_8_sampled_frames(benchmark, clip):
    frames = benchmark(read_frames, clip, 8)
    assert frames.shape == (8, SIZE, SIZE, 3)
    record_throughput(benchmark)


def decode_whole_clip(path) -> np.ndarray:
    reader = decord.VideoReader(str(path), ctx=decord.cpu(0), num_threads=1)
    return reader.get_batch(list(range(len(reader)))).asnumpy()


@pytest.mark.benchmark(group="decode-64x224px-clip")
def test_decode_whole_clip(benchmark, clip):
    frames = benchmark(decode_whole_clip, clip)
    assert frames.shape == (NUM_FRAMES, SIZE, SIZE, 3)
    record_throughput(benchmark)

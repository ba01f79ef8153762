"""Decoding: decord reading only the 8 sampled frames (`paxion_core.data.read_frames`) vs decoding the whole clip.

Both paths open a fresh `VideoReader` per clip, as a dataset's `__getitem__` does. The naive path decodes every frame
and then picks the 8 sampled ones; the two must return the same frames. Clips: a 64-frame 224x224 clip (12.8 s at
5 fps, the paper profile's pre-processed videos) and a 16-frame 32x32 clip (the synthetic world's longest action).
Each case records both paths' clips/s.
"""

from __future__ import annotations

import decord
import numpy as np
import pytest

from paxion_core.data import read_frames, sample_frame_indices

SAMPLED = 8
CASES = [  # name, frames in the clip, frame size, timed rounds, warm-up rounds
    ("224px-64-frames", 64, 224, 10, 1),
    ("32px-16-frames", 16, 32, 30, 3),
]


def decode_whole_clip(path) -> np.ndarray:
    """Every frame of the clip, then the sampled ones: uint8 [8, H, W, 3]."""
    reader = decord.VideoReader(str(path), ctx=decord.cpu(0), num_threads=1)
    frames = reader.get_batch(list(range(len(reader)))).asnumpy()
    return frames[sample_frame_indices(len(frames), SAMPLED)]


@pytest.mark.benchmark(group="decode")
@pytest.mark.parametrize(("name", "num_frames", "size", "rounds", "warmup"), CASES, ids=[c[0] for c in CASES])
def test_decode_sampled_frames(paired, write_clip, tmp_path, name, num_frames, size, rounds, warmup):
    clip = write_clip(tmp_path / f"{name}.mp4", num_frames, size)
    sampled, whole = paired.run(lambda: read_frames(clip, SAMPLED).numpy(), lambda: decode_whole_clip(clip),
                                rounds=rounds, warmup_rounds=warmup)
    assert sampled.shape == (SAMPLED, size, size, 3)
    np.testing.assert_array_equal(sampled, whole)
    paired.record(f"decode 8 sampled frames vs whole clip: {name}", per_call="clip", frames_in_clip=num_frames)

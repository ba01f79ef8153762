"""Writing clips as mp4 files with PyAV (MPEG-4 Part 2 or H.264, yuv420p, every frame an intra frame)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from paxion_eval.world.dynamics import ClipState
from paxion_eval.world.render import render_clip


@dataclass(frozen=True)
class VideoSettings:
    image_size: int
    supersample: int
    fps: int
    codec: str
    crf: int


def write_video(path: Path, frames: np.ndarray, fps: int, codec: str = "mpeg4", crf: int = 12) -> None:
    """Write uint8 RGB frames [T, H, W, 3] to `path` at `fps`. Each frame is coded on its own (GOP 1), so the
    coding never depends on frame order and a clip and its time reversal are coded alike."""
    import av

    if codec not in av.codecs_available:
        raise RuntimeError(f"PyAV {av.__version__} has no {codec!r} encoder; set the world setting 'codec' to "
                           "one it has ('mpeg4' or 'libx264')")
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.height, stream.width = frames.shape[1:3]
        stream.pix_fmt = "yuv420p"
        if codec == "libx264":
            stream.options = {"crf": str(crf), "g": "1", "preset": "ultrafast", "threads": "1"}
        else:
            stream.codec_context.gop_size = 1
            stream.bit_rate = 2_000_000
            stream.thread_count = 1
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode())


def render_and_write(task: tuple[str, ClipState, VideoSettings]) -> str:
    """Worker entry point: render `ClipState` and write it to the path; returns the path."""
    path, clip, settings = task
    frames = render_clip(clip, settings.image_size, settings.supersample)
    write_video(Path(path), frames, settings.fps, settings.codec, settings.crf)
    return path

"""Reading sampled frames with decord and writing videos with PyAV.

Frame sampling follows the official Paxion loader: 8 frames at `linspace(start, end, 8)` (indices truncated to int),
where [start, end] is frame 1 .. last frame for a whole video, or `int(t_start * fps) .. int(t_end * fps)` for a clip
window given in seconds. Only the sampled frames are decoded (`VideoReader.get_batch`).

`decord` and `av` are imported inside the functions that use them: a `VideoReader` must be opened in the process that
reads (a DataLoader worker), never inherited from the parent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import torch


class VideoReadError(RuntimeError):
    """A video is missing, unreadable or too short for the requested clip window."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot read video {self.path}: {reason}")


def sample_frame_indices(
    num_video_frames: int,
    num_frames: int = 8,
    window: tuple[float, float] | None = None,
    fps: float | None = None,
) -> np.ndarray:
    """Indices [num_frames] of the frames to decode, as the official loader picks them.

    window: (start, end) in seconds relative to the video start, or None for the whole video. With a window the
    bounds are `max(int(start * fps), 0)` and `min(int(end * fps), num_video_frames - 1)`; a window that collapses
    to one frame is widened to the next frame. Without one they are 1 and the last frame (the official loader skips
    frame 0). Raises ValueError when the window starts past the last frame.
    """
    if num_video_frames < 1:
        raise ValueError("the video has no frames")
    last = num_video_frames - 1
    if window is None:
        start_idx, end_idx = min(1, last), last
    else:
        if fps is None or fps <= 0:
            raise ValueError(f"a clip window needs a positive fps, got {fps!r}")
        start_idx = max(int(window[0] * fps), 0)
        end_idx = min(int(window[1] * fps), last)
        if start_idx > last:
            raise ValueError(
                f"clip window {window[0]:g}-{window[1]:g} s at {fps:g} fps starts at frame {start_idx}, "
                f"but the video has only {num_video_frames} frames"
            )
        if start_idx == end_idx:
            end_idx = min(start_idx + 1, last)
    return np.linspace(start_idx, end_idx, num=num_frames, endpoint=True, dtype=int)


def read_frames(
    path: str | os.PathLike,
    num_frames: int = 8,
    window: tuple[float, float] | None = None,
    fps: float | None = None,
    num_threads: int = 1,
) -> torch.Tensor:
    """Decode the sampled frames of one video: uint8 [num_frames, H, W, 3] (RGB).

    window: clip (start, end) in seconds, or None for the whole video. fps: frames per second used to turn the window
    into frame indices; None means the video's own average frame rate. Every failure (missing file, undecodable
    data, a window past the end) raises `VideoReadError` naming the path.
    """

    def indices(reader) -> list[int]:
        frame_rate = reader.get_avg_fps() if fps is None else fps
        return sample_frame_indices(len(reader), num_frames, window, frame_rate).tolist()

    return _decode(path, indices, num_threads)


def read_frame_indices(path: str | os.PathLike, indices: Sequence[int], num_threads: int = 1) -> torch.Tensor:
    """Decode the given 0-based frames of one video: uint8 [len(indices), H, W, 3]; errors as `read_frames`."""

    def checked(reader) -> list[int]:
        bad = [i for i in indices if not 0 <= i < len(reader)]
        if bad:
            raise IndexError(f"frame {bad[0]} is outside the video's {len(reader)} frames")
        return list(indices)

    return _decode(path, checked, num_threads)


def _decode(path: str | os.PathLike, choose: Callable[[Any], list[int]], num_threads: int) -> torch.Tensor:
    path = str(path)
    if not os.path.isfile(path):
        raise VideoReadError(path, "file not found")
    import decord

    try:
        reader = decord.VideoReader(path, ctx=decord.cpu(0), num_threads=num_threads)
        frames = reader.get_batch(choose(reader)).asnumpy()
    except Exception as error:  # decord raises bare RuntimeError/DECORDError for every kind of bad file
        raise VideoReadError(path, f"{type(error).__name__}: {str(error).strip().splitlines()[0]}") from error
    return torch.from_numpy(frames)


class VideoWriter:
    """Encode RGB frames to an H.264 (yuv420p) video with PyAV, at a constant frame rate.

    Use as a context manager; the file is complete only after `close()`. `container_format` names the muxer when the
    path's suffix does not (e.g. a temporary name).
    """

    def __init__(
        self,
        path: str | os.PathLike,
        fps: float,
        width: int,
        height: int,
        codec: str = "libx264",
        container_format: str | None = None,
        options: dict[str, str] | None = None,
    ) -> None:
        import av

        self._rate = Fraction(fps).limit_denominator(1001)
        self._container = av.open(str(path), mode="w", format=container_format)
        self._stream = self._container.add_stream(codec, rate=self._rate)
        self._stream.width, self._stream.height, self._stream.pix_fmt = width, height, "yuv420p"
        self._stream.options = dict(options or {})
        self.frames_written = 0

    def write(self, frame: np.ndarray | Any) -> None:
        """Append one frame: uint8 [H, W, 3] RGB array or an `av.VideoFrame`."""
        import av

        if isinstance(frame, np.ndarray):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
        frame.pts = self.frames_written
        frame.time_base = 1 / self._rate
        frame.pict_type = av.video.frame.PictureType.NONE  # let the encoder place key frames
        self._container.mux(self._stream.encode(frame))
        self.frames_written += 1

    def close(self) -> None:
        """Flush the encoder and finish the file."""
        self._container.mux(self._stream.encode(None))
        self._container.close()

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._container.close()


def write_video(
    path: str | os.PathLike,
    frames: np.ndarray | torch.Tensor | Sequence[np.ndarray],
    fps: float,
    codec: str = "libx264",
    options: dict[str, str] | None = None,
) -> Path:
    """Write uint8 frames [T, H, W, 3] (RGB) as an H.264 mp4 that decord reads, creating missing folders; returns
    the path. H and W must be even (4:2:0 chroma)."""
    frames = [np.asarray(f, dtype=np.uint8) for f in frames]
    if not frames:
        raise ValueError(f"no frames to write to {path}")
    height, width = frames[0].shape[:2]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with VideoWriter(path, fps, width, height, codec=codec, options=options) as writer:
        for frame in frames:
            writer.write(frame)
    return Path(path)

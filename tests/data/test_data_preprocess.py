"""`paxion preprocess`: conversion to 5 fps square clips, resumability, no partial outputs."""

from __future__ import annotations

import argparse
import os

import decord
import numpy as np
import pytest

from paxion_core.data import preprocess, read_frames, write_video
from paxion_core.data.video import VideoWriter


def video_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def raw_videos(make_index_video, tmp_path):
    """Two 16-frame, 30 fps, 48x48 index videos, one in a sub-folder, and a file that is not a video."""
    make_index_video("raw/a.mp4", num_frames=16, fps=30, size=48)
    make_index_video("raw/1150/b.mp4", num_frames=16, fps=30, size=48)
    (tmp_path / "raw" / "notes.txt").write_text("not a video")
    return tmp_path / "raw"


def test_converts_to_fps_and_size_with_ffmpeg_frame_choice(raw_videos, tmp_path, frame_indices):
    dst = tmp_path / "out"
    summary = preprocess.preprocess_videos(raw_videos, dst, fps=5, size=32, progress=False)
    assert video_files(dst) == ["1150/b.mp4", "a.mp4"]
    assert sorted(summary.converted) == [dst / "1150" / "b.mp4", dst / "a.mp4"] and not summary.failed
    reader = decord.VideoReader(str(dst / "a.mp4"), num_threads=1)
    assert reader.get_avg_fps() == 5 and reader[0].shape == (32, 32, 3)
    # 16 frames at 30 fps last 0.533 s -> ticks 0..2 at 5 fps; ffmpeg's fps filter rounds each input time to the
    # nearest tick and shows the latest frame per tick: input frames 2, 8, 14
    assert len(reader) == 3
    assert frame_indices(read_frames(dst / "a.mp4", 3, window=(0.0, 0.4))) == [2, 8, 14]


def test_plain_resize_keeps_the_whole_frame(tmp_path):
    # the official `scale=224:224` squeezes the frame (no crop): a white left quarter of a 2:1 frame stays in view
    frames = np.zeros((6, 32, 64, 3), dtype=np.uint8)
    frames[:, :, :16] = 255
    write_video(tmp_path / "raw" / "wide.mp4", frames, fps=5)
    preprocess.preprocess_videos(tmp_path / "raw", tmp_path / "out", fps=5, size=32, progress=False)
    frame = decord.VideoReader(str(tmp_path / "out" / "wide.mp4"), num_threads=1)[0].asnumpy().mean(axis=(0, 2))
    assert frame[:6].min() > 200 and frame[10:].max() < 50


def test_second_run_skips_finished_files(raw_videos, tmp_path):
    dst = tmp_path / "out"
    preprocess.preprocess_videos(raw_videos, dst, size=32, progress=False)
    stamps = {p: os.stat(dst / p).st_mtime_ns for p in video_files(dst)}
    again = preprocess.preprocess_videos(raw_videos, dst, size=32, progress=False)
    assert again.converted == [] and sorted(again.skipped) == [dst / "1150" / "b.mp4", dst / "a.mp4"]
    assert {p: os.stat(dst / p).st_mtime_ns for p in video_files(dst)} == stamps


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, RuntimeError])
def test_interrupted_conversion_leaves_no_partial_file(raw_videos, tmp_path, monkeypatch, interruption):
    dst = tmp_path / "out"
    write = VideoWriter.write

    def write_then_fail(self, frame):
        if self.frames_written == 1:  # the first frame is in the file, then the run stops
            raise interruption("stopped mid-way")
        write(self, frame)

    monkeypatch.setattr(VideoWriter, "write", write_then_fail)
    if interruption is KeyboardInterrupt:
        with pytest.raises(KeyboardInterrupt):
            preprocess.preprocess_videos(raw_videos, dst, size=32, progress=False)
    else:
        summary = preprocess.preprocess_videos(raw_videos, dst, size=32, progress=False)
        assert len(summary.failed) == 2 and "stopped mid-way" in summary.failed[0][1]
    assert video_files(dst) == []  # neither a finished-looking file nor a temporary one
    monkeypatch.setattr(VideoWriter, "write", write)
    resumed = preprocess.preprocess_videos(raw_videos, dst, size=32, progress=False)
    assert len(resumed.converted) == 2 and video_files(dst) == ["1150/b.mp4", "a.mp4"]


def test_stale_partial_of_a_killed_run_is_removed(raw_videos, tmp_path):
    dst = tmp_path / "out"
    dst.mkdir()
    stale = dst / f".a.mp4.deadbeef{preprocess.PARTIAL_SUFFIX}"
    stale.write_bytes(b"half a video")
    preprocess.preprocess_videos(raw_videos, dst, size=32, progress=False)
    assert video_files(dst) == ["1150/b.mp4", "a.mp4"]


def test_command_line_with_workers_and_failures(raw_videos, tmp_path, capsys):
    (raw_videos / "broken.webm").write_bytes(b"\x1a\x45\xdf\xa3 not really a webm")
    parser = argparse.ArgumentParser()
    preprocess.add_arguments(parser)
    dst = tmp_path / "out"
    args = parser.parse_args(["--src", str(raw_videos), "--dst", str(dst), "--size", "32", "--workers", "2"])
    assert preprocess.run(args) == 1
    output = capsys.readouterr().out
    assert "converted 2, already done 0, failed 1" in output and "FAILED" in output and "broken.webm" in output
    assert video_files(dst) == ["1150/b.mp4", "a.mp4"]
    missing = parser.parse_args(["--src", str(tmp_path / "absent"), "--dst", str(dst)])
    assert preprocess.run(missing) == 2
    assert "source folder not found" in capsys.readouterr().err


def test_two_sources_for_one_output_are_refused(raw_videos, tmp_path):
    (raw_videos / "a.webm").write_bytes(b"")
    with pytest.raises(ValueError, match="would both be converted"):
        preprocess.plan_jobs(raw_videos, tmp_path / "out")

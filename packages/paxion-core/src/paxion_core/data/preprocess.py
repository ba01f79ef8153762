"""`paxion preprocess`: convert raw videos to 5 fps, 224x224 H.264 mp4, as the official preprocessing does.

The official scripts run `ffmpeg -i IN -filter:v scale=224:224,fps=5 OUT.mp4` on every video: a plain resize to
224x224 (the aspect ratio is not kept), then ffmpeg's `fps` filter (input timestamps are rounded to the nearest
output tick, and each tick shows the latest frame at or before it), encoded with ffmpeg's default mp4 video codec,
libx264 at its default quality; the output keeps the input's name with `.mp4`. This command runs the same two ffmpeg
filters through PyAV's filter graph and encodes with libx264 at its defaults. Audio is not copied (nothing reads
it). Sub-folders of `--src` are kept (NExT-QA's videos live in numbered folders).

Resumable: a video whose output exists is skipped, and an output appears only complete: each video is written to
a hidden temporary file in the output folder and renamed into place (`os.replace`) when finished; an interrupted
or failed conversion removes its temporary file, and leftovers of a killed run are removed before the next try.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import av

    from paxion_core.data.video import VideoWriter

HELP = "Convert raw videos to the paper's 5 fps, 224x224 mp4 clips (resumable; skips finished files)."

VIDEO_EXTENSIONS = (".mp4", ".webm", ".mkv", ".avi", ".mov", ".m4v")
PARTIAL_SUFFIX = ".partial"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--src", required=True, type=Path, help="folder of raw videos (searched recursively)")
    parser.add_argument("--dst", required=True, type=Path, help="output folder (same sub-folders, <name>.mp4)")
    parser.add_argument("--fps", type=float, default=5.0, help="output frame rate (default: 5)")
    parser.add_argument("--size", type=int, default=224, help="output width and height in pixels (default: 224)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="parallel conversions (default: number of CPUs)"
    )
    parser.add_argument(
        "--ext", nargs="+", default=list(VIDEO_EXTENSIONS), help="source file extensions (default: %(default)s)"
    )


@dataclass(frozen=True)
class ConversionJob:
    source: Path
    target: Path


JobResult = tuple[ConversionJob, str | None]  # the job and its error message (None: converted)


@dataclass
class PreprocessSummary:
    """What one run did: paths converted, already present (skipped) and failed (with the reason)."""

    converted: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"converted {len(self.converted)}, already done {len(self.skipped)}, failed {len(self.failed)}"]
        lines += [f"  FAILED {path}: {reason}" for path, reason in self.failed]
        return "\n".join(lines)


def plan_jobs(src: Path, dst: Path, extensions: Sequence[str] = VIDEO_EXTENSIONS) -> list[ConversionJob]:
    """One job per source video under `src`: `<dst>/<relative folder>/<stem>.mp4`. Two sources that would write the
    same output (e.g. `a.webm` and `a.mp4`) are an error."""
    if not src.is_dir():
        raise FileNotFoundError(f"source folder not found: {src}")
    wanted = {e.lower() if e.startswith(".") else f".{e.lower()}" for e in extensions}
    jobs: dict[Path, ConversionJob] = {}
    for source in sorted(src.rglob("*")):
        if not source.is_file() or source.suffix.lower() not in wanted or source.name.startswith("."):
            continue
        target = dst / source.relative_to(src).with_suffix(".mp4")
        if target in jobs:
            raise ValueError(f"{jobs[target].source} and {source} would both be converted to {target}; keep one")
        jobs[target] = ConversionJob(source, target)
    return list(jobs.values())


def _remove_stale_partials(target: Path) -> None:
    for stale in target.parent.glob(f".{target.name}.*{PARTIAL_SUFFIX}"):
        stale.unlink(missing_ok=True)


def convert_video(source: Path, target: Path, fps: float = 5.0, size: int = 224) -> None:
    """Resize `source` to size x size, resample it to `fps` with ffmpeg's filters and write `target` atomically."""
    import av

    from paxion_core.data.video import VideoWriter

    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(target)
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}{PARTIAL_SUFFIX}"
    try:
        with av.open(str(source)) as container:
            if not container.streams.video:
                raise ValueError("no video stream")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            graph = av.filter.Graph()
            chain = [
                graph.add_buffer(template=stream),
                graph.add("scale", f"{size}:{size}:flags=bicubic"),
                graph.add("fps", f"{fps:g}"),
                graph.add("format", "yuv420p"),
                graph.add("buffersink"),
            ]
            for upstream, downstream in itertools.pairwise(chain):
                upstream.link_to(downstream)
            graph.configure()
            with VideoWriter(temporary, fps, size, size, container_format="mp4") as writer:
                for frame in container.decode(stream):
                    graph.push(frame)
                    _drain(graph, writer)
                graph.push(None)
                _drain(graph, writer)
                if writer.frames_written == 0:
                    raise ValueError("no frames decoded")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _drain(graph: av.filter.Graph, writer: VideoWriter) -> None:
    """Move every frame the filter graph has ready into the writer."""
    import av

    while True:
        try:
            frame = graph.pull()
        except (av.error.BlockingIOError, av.error.EOFError):
            return
        writer.write(frame)


def _convert_job(job: ConversionJob, fps: float, size: int) -> JobResult:
    """Run one job; the error message instead of an exception, so one bad video does not stop the others."""
    try:
        convert_video(job.source, job.target, fps, size)
    except Exception as error:  # reported per video in the summary
        return job, f"{type(error).__name__}: {error}"
    return job, None


def _exit_on_sigterm() -> None:
    """Pool workers: turn SIGTERM (Pool.terminate) into SystemExit so a conversion's cleanup still runs."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def preprocess_videos(
    src: str | os.PathLike,
    dst: str | os.PathLike,
    fps: float = 5.0,
    size: int = 224,
    workers: int = 1,
    extensions: Sequence[str] = VIDEO_EXTENSIONS,
    progress: bool = True,
) -> PreprocessSummary:
    """Convert every video under `src` that has no output under `dst` yet; see the module docstring."""
    from tqdm import tqdm

    if fps <= 0 or size <= 0 or size % 2:
        raise ValueError(f"need fps > 0 and an even size > 0 (H.264 4:2:0), got fps={fps}, size={size}")
    summary = PreprocessSummary()
    todo = []
    for job in plan_jobs(Path(src), Path(dst), extensions):
        if job.target.exists():
            summary.skipped.append(job.target)
        else:
            todo.append(job)
    if summary.skipped:
        print(f"{len(summary.skipped)} video(s) already converted in {dst}, skipping them")
    with tqdm(total=len(todo), desc="preprocess", unit="video", disable=not progress) as bar:
        for job, error in _run_jobs(todo, partial(_convert_job, fps=fps, size=size), workers):
            if error is None:
                summary.converted.append(job.target)
            else:
                summary.failed.append((job.source, error))
            bar.set_postfix(failed=len(summary.failed))
            bar.update()
    return summary


def _run_jobs(
    jobs: list[ConversionJob], convert: Callable[[ConversionJob], JobResult], workers: int
) -> Iterator[JobResult]:
    """Results in completion order: in this process for one worker, else in a process pool."""
    if workers <= 1 or len(jobs) <= 1:
        yield from map(convert, jobs)
        return
    import multiprocessing

    # Not `with Pool(...)`: its exit calls terminate(), and while terminate() kills the workers, the pool's
    # worker-handler thread can start a replacement that is never killed, so the final join hangs (seen in CI).
    # After the last result the pool is closed instead: its workers exit on their own.
    pool = multiprocessing.Pool(min(workers, len(jobs)), initializer=_exit_on_sigterm)
    try:
        yield from pool.imap_unordered(convert, jobs)
        pool.close()
    except BaseException:  # an error, Ctrl-C, or the caller stopped reading (GeneratorExit)
        pool.terminate()
        raise
    finally:
        pool.join()


def run(args: argparse.Namespace) -> int:
    try:
        summary = preprocess_videos(args.src, args.dst, args.fps, args.size, args.workers, args.ext)
    except (FileNotFoundError, ValueError) as error:
        print(f"paxion preprocess: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: finished videos are kept, unfinished ones removed; run the same command to resume")
        return 130
    print(summary)
    return 1 if summary.failed else 0

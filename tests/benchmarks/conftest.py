"""Plumbing of the benchmark suite (`nox -s benchmark`): paired timing and the dated report.

Every speed claim is a ratio against a naive baseline written in the benchmark file and measured side by side in the
same run. `paired.run(ours, naive, rounds=...)` times our path with pytest-benchmark (`benchmark.pedantic`) and the
naive path with the same clock (`time.perf_counter`) in pedantic's untimed `setup`, so the two alternate round by
round (naive, ours, naive, ours, ...) and share whatever else the machine is doing. The ratio is the median over
rounds of naive_i / ours_i: the two halves of a round run back to back, so a busy phase of the machine slows both and
cancels out of that round's ratio (a best-of-rounds ratio does not: one lucky round of either path decides it).
Above 1 means our path is faster. The table shows each path's median time; min, max and every round are in the JSON.

At the end of the session this file writes `results/benchmarks/<YYYY-MM-DD>.json` (every benchmark's pytest-benchmark
statistics and `extra_info`, the comparison rows and the machine) and `results/benchmarks/<YYYY-MM-DD>.md` (the table
benchmark | ours | naive | ratio | target | met?), and prints that table. A missed target is reported, never a
failure; a benchmark whose two paths compute different results fails (each benchmark asserts it).

`pytest tests/benchmarks --benchmark-disable` runs every pair once, untimed: a quick check that the paths agree.
Timings on a shared machine are noisy (the load average is recorded with each row). On a busy 2-core machine two
torch threads wait on each other at every operation, which swamps the small (tiny-size) cases:
`OMP_NUM_THREADS=1 nox -s benchmark` (the noxfile passes it through) gives steadier numbers there.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from paxion_core import PatchAndFuse, VideoLanguageBackbone, build_backbone
from paxion_core.data import write_video

RESULTS_DIR = Path("results") / "benchmarks"
# summary-table order: the numbering (1 reversed features ... 5 input pipeline), then the feature cache
GROUP_ORDER = ("reversed-features", "actionbench-evaluation", "patcher-step", "decode", "input-pipeline",
               "feature-cache")
ROWS = pytest.StashKey[list]()
BENCHMARKS = pytest.StashKey[list]()
LOAD_AT_START = pytest.StashKey[tuple]()
WRITTEN = pytest.StashKey[tuple]()


# -- targets and comparison rows ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """A target on a ratio, written as text: ">= 1.8" (at least 1.8x) or "~ 1 ± 0.2" (within 0.8x..1.2x)."""

    text: str

    def __post_init__(self) -> None:
        self.bounds  # noqa: B018 - validates the text

    @property
    def bounds(self) -> tuple[float, float]:
        spec = self.text.replace(" ", "")
        try:
            if spec.startswith(">="):
                return float(spec[2:]), float("inf")
            if spec.startswith("~") and "±" in spec:
                value, tolerance = (float(part) for part in spec[1:].split("±"))
                return value - tolerance, value + tolerance
        except ValueError:
            pass
        raise ValueError(f"benchmark target {self.text!r}: write '>= 1.8' or '~ 1 ± 0.2'")

    def met(self, ratio: float) -> bool:
        low, high = self.bounds
        return low <= ratio <= high


@dataclass
class Row:
    """One line of the summary table. `ours` / `naive` are seconds per call (unit "s") or a rate (e.g. "clips/s");
    ratio = naive / ours for times (our speed-up), ours / naive for rates."""

    benchmark: str
    ours: float
    naive: float
    unit: str
    ratio: float
    target: str
    met: str
    group: str
    fullname: str


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        for scale, suffix in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
            if value >= scale or suffix == "µs":
                return f"{value / scale:.3g} {suffix}"
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.3g} {unit}"


def markdown_table(rows: list[Row]) -> list[str]:
    lines = ["| benchmark | ours | naive | ratio | target | met? |", "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row.benchmark} | {_fmt(row.ours, row.unit)} | {_fmt(row.naive, row.unit)} | "
                     f"{row.ratio:.2f}x | {row.target} | {row.met} |")
    return lines


def _summary(values: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "mean": statistics.fmean(values), "rounds": len(values), "data": values}


class Paired:
    """Times our path against a naive one inside one test (see the module docstring) and records the row."""

    def __init__(self, benchmark, config: pytest.Config):
        self.benchmark = benchmark
        self.config = config
        self.naive_times: list[float] = []

    @property
    def enabled(self) -> bool:
        return not self.benchmark.disabled

    def run(self, ours: Callable[[], Any], naive: Callable[[], Any], *, rounds: int,
            warmup_rounds: int = 0) -> tuple[Any, Any]:
        """Run naive then ours, `warmup_rounds` untimed and `rounds` timed times; return the last (ours, naive)
        results for the caller's equality check. With pytest-benchmark disabled (`--benchmark-disable`) each runs
        once, untimed, and nothing is recorded: a quick check that the two paths agree."""
        naive_result: list[Any] = []

        def timed_naive() -> None:
            start = time.perf_counter()
            naive_result[:] = [naive()]
            self.naive_times.append(time.perf_counter() - start)

        ours_result = self.benchmark.pedantic(ours, setup=timed_naive, rounds=rounds, warmup_rounds=warmup_rounds,
                                              iterations=1)
        del self.naive_times[:warmup_rounds]
        return ours_result, naive_result[0]

    @property
    def ours_times(self) -> list[float]:
        return list(self.benchmark.stats.stats.data)

    def record(self, title: str, target: str | None = None, *, per_call: str | None = None,
               **extra: Any) -> Row | None:
        """Store both paths' timings and the speed-up median_i(naive_i / ours_i) in `extra_info`; add the row.

        target: see `Target` (None: no target, the ratio is reported). per_call: what one call processes (e.g.
        "clip"): adds `<per_call>s_per_s` for both paths. `extra` goes to `extra_info` as is.
        """
        if not self.enabled:
            return None
        ours, naive = _summary(self.ours_times), _summary(self.naive_times)
        ratio = statistics.median(n / o for n, o in zip(self.naive_times, self.ours_times, strict=True))
        if per_call:
            extra[f"{per_call}s_per_s"] = {"ours": 1 / ours["median"], "naive": 1 / naive["median"]}
        return self._add(title, ours["median"], naive["median"], "s", ratio, Target(target) if target else None, None,
                         ours_s=ours, naive_s=naive, **extra)

    def record_rates(self, title: str, ours_rate: float, naive_rate: float, unit: str, verdict: str,
                     **extra: Any) -> Row | None:
        """A row of two rates (ratio = ours / naive) with a free-text verdict (the input-pipeline bottleneck)."""
        if not self.enabled:
            return None
        return self._add(title, ours_rate, naive_rate, unit, ours_rate / naive_rate, None, verdict, **extra)

    def _add(self, title: str, ours: float, naive: float, unit: str, ratio: float, target: Target | None,
             verdict: str | None, **extra: Any) -> Row:
        met = verdict if verdict is not None else ("-" if target is None else ("yes" if target.met(ratio) else "NO"))
        info = self.benchmark.extra_info
        info.update(extra)
        info.update(title=title, ratio=ratio, target=target.text if target else None, met=met,
                    load_average_after=os.getloadavg())  # a shared machine: how busy it was
        row = Row(title, ours, naive, unit, ratio, target.text if target else "-", met, self.benchmark.group,
                  self.benchmark.fullname)
        self.config.stash[ROWS].append(row)
        self.config.stash[BENCHMARKS].append(self.benchmark)
        return row


@pytest.fixture
def paired(benchmark, pytestconfig) -> Paired:
    return Paired(benchmark, pytestconfig)


# -- shared inputs ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def backbones() -> Callable[[str], VideoLanguageBackbone]:
    """Build a registered backbone once per session, randomly initialised from seed 0 (no checkpoints exist here),
    in eval mode and frozen: backbones(name) -> backbone."""
    built: dict[str, VideoLanguageBackbone] = {}

    def get(name: str) -> VideoLanguageBackbone:
        if name not in built:
            with torch.random.fork_rng():
                torch.manual_seed(0)
                built[name] = build_backbone(name).eval().requires_grad_(False)
        return built[name]

    return get


# the synthetic profile's patcher (experiments/_base_/models/patch_and_fuse_tiny.py); full size: the paper's 8 x 64
TINY_PATCHER = dict(type="perceiver", heads=4, dim_head=32)


@pytest.fixture(scope="session")
def make_model(backbones) -> Callable[..., PatchAndFuse]:
    """make_model(backbone name, **PatchAndFuse options) -> a KP-Perceiver PatchAndFuse (patcher stage unless the
    options say otherwise) around the session's backbone, with the patcher its profile uses: heads 4 x 32 on a
    `-tiny` backbone, the paper's 8 x 64 otherwise. Patcher weights come from the global (per-test seeded) RNG."""

    def build(name: str, **options: Any) -> PatchAndFuse:
        patcher = TINY_PATCHER if name.endswith("-tiny") else "perceiver"
        return PatchAndFuse(backbones(name), **{"patcher": patcher, **options})

    return build


def random_video(backbone: VideoLanguageBackbone, batch: int, seed: int = 0) -> torch.Tensor:
    """Normalised pixels [batch, num_frames, 3, image_size, image_size] from a seeded generator."""
    size = backbone.image_size
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(batch, backbone.num_frames, 3, size, size, generator=generator)


@pytest.fixture(scope="session")
def make_video() -> Callable[..., torch.Tensor]:
    """The `random_video` helper as a fixture: make_video(backbone, batch, seed=0)."""
    return random_video


def write_moving_square_clip(path: str | os.PathLike, num_frames: int, size: int, seed: int = 0,
                             fps: float = 5) -> Path:
    """An H.264 clip of a bright square sliding over a colour gradient with mild noise; uint8 RGB, `size` x `size`."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:size, 0:size]
    background = np.stack([xs, ys, (xs + ys) // 2], axis=-1).astype(np.float32) * (255 / size)
    side = size // 4
    frames = []
    for t in range(num_frames):
        frame = background + rng.normal(0, 4, background.shape)
        left = (size - side) * t // max(num_frames - 1, 1)
        frame[size // 3: size // 3 + side, left: left + side] = (250, 240, 30)
        frames.append(np.clip(frame, 0, 255).astype(np.uint8))
    return write_video(path, np.stack(frames), fps)


@pytest.fixture(scope="session")
def write_clip() -> Callable[..., Path]:
    """The `write_moving_square_clip` helper as a fixture: write_clip(path, num_frames, size, seed=0) -> path."""
    return write_moving_square_clip


ACTIONS = (
    ("pushing {} from left to right", "pushing {} from right to left"),
    ("moving {} up", "moving {} down"),
    ("covering {}", "uncovering {}"),
    ("rotating {} clockwise", "rotating {} counter-clockwise"),
    ("moving {} closer to the camera", "moving {} away from the camera"),
    ("putting {} into a box", "taking {} out of a box"),
)
OBJECTS = ("red cube", "blue ball", "green cup", "yellow star", "purple ring", "orange box", "white shoe")


@dataclass(frozen=True)
class ActionText:
    """An SSv2-like label with its action antonym and its object-replaced version, plus the template pieces."""

    text: str
    antonym: str
    object_shuffled: str
    template: str
    template_antonym: str
    noun: str


def action_texts(n: int) -> list[ActionText]:
    out = []
    for i in range(n):
        action, antonym = ACTIONS[i % len(ACTIONS)]
        noun, other = OBJECTS[i % len(OBJECTS)], OBJECTS[(i + 3) % len(OBJECTS)]
        out.append(ActionText(action.format(noun), antonym.format(noun), action.format(other),
                              action.format("[something]"), antonym.format("something"), noun))
    return out


@pytest.fixture(scope="session")
def make_action_texts() -> Callable[[int], list[ActionText]]:
    """make_action_texts(n) -> n ActionText entries cycling through antonym action pairs and objects."""
    return action_texts


# -- session hooks: the dated report ----------------------------------------------------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    config.stash[ROWS] = []
    config.stash[BENCHMARKS] = []
    config.stash[LOAD_AT_START] = os.getloadavg()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info(config: pytest.Config) -> dict[str, Any]:
    import decord
    import pytest_benchmark

    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "torch_threads": torch.get_num_threads(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "decord": decord.__version__,
        "pytest_benchmark": pytest_benchmark.__version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load_average_at_start": config.stash[LOAD_AT_START],
        "load_average_at_end": os.getloadavg(),
    }


def _ordered(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: GROUP_ORDER.index(row.group) if row.group in GROUP_ORDER else len(GROUP_ORDER))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write results/benchmarks/<date>.json and .md when at least one benchmark recorded a comparison."""
    config = session.config
    rows = _ordered(config.stash.get(ROWS, []))
    if not rows:
        return
    machine = machine_info(config)
    benchmarks = [{"fullname": b.fullname, "group": b.group, "stats": b.stats.stats.as_dict() | {
        "data": list(b.stats.stats.data)}, "extra_info": b.extra_info} for b in config.stash[BENCHMARKS]]
    today = datetime.date.today().isoformat()
    folder = config.rootpath / RESULTS_DIR
    json_path, md_path = folder / f"{today}.json", folder / f"{today}.md"
    folder.mkdir(parents=True, exist_ok=True)
    command = shlex.join(["pytest", *config.invocation_params.args])
    report = {
        "created": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": command,
        "exitstatus": int(exitstatus),
        "tests_failed": session.testsfailed,
        "ratio": "median over rounds of naive_i / ours_i for times; ours / naive for rates",
        "machine": machine,
        "comparisons": [asdict(row) for row in rows],
        "benchmarks": benchmarks,
    }
    json_path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    load = "/".join(f"{x:.1f}" for x in machine["load_average_at_end"])
    lines = [
        f"# Benchmarks {today}",
        "",
        f"`{command}` on {machine['cpu_count']} CPUs ({machine['cpu_model']}), torch {machine['torch']} with "
        f"{machine['torch_threads']} threads, {machine['platform']}; load average at the end {load}.",
        "",
        "Times: the median round of each path, the two run alternately (naive, ours, ...) in the same test; "
        "ratio = median over rounds of naive / ours (above 1: ours is faster). Input-pipeline rows: ours = "
        "DataLoader clips/s, naive = training-step clips/s, ratio = loader / step (above 1: the step is the "
        "bottleneck).",
        "",
        *markdown_table(rows),
        "",
    ]
    if session.testsfailed:
        lines.append(f"**{session.testsfailed} benchmark(s) failed** (see the pytest output): not in this table.\n")
    md_path.write_text("\n".join(lines))
    config.stash[WRITTEN] = (json_path, md_path)


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Print the Markdown table after pytest-benchmark's own tables."""
    if WRITTEN not in config.stash:
        return
    terminalreporter.write_sep("=", "paxion benchmarks: ours vs naive")
    for line in markdown_table(_ordered(config.stash[ROWS])):
        terminalreporter.write_line(line)
    json_path, md_path = config.stash[WRITTEN]
    terminalreporter.write_line(f"written: {json_path} and {md_path}")

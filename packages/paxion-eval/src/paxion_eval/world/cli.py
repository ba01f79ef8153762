"""`paxion world`: write the synthetic action world (videos + official-format annotations) and say where."""

from __future__ import annotations

import argparse

HELP = "Generate the synthetic action world (videos and annotation files in the official formats), cached by hash."

_SCALES = ("ci", "default", "large")  # kept equal to paxion_eval.world.config.SCALES (checked in the tests)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", choices=_SCALES, default="default", help="world size (default: %(default)s)")
    parser.add_argument("--out", required=True, help="output folder; the world goes to OUT/<scale>-<hash16>/")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes rendering videos (default: min(2, CPUs)); does not change the output")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    import time

    from paxion_eval.world.generate import generate_world

    started = time.perf_counter()
    info = generate_world(args.out, args.scale, args.seed, progress=not args.quiet, workers=args.workers)
    elapsed = time.perf_counter() - started
    status = "found cached" if info.cached else f"generated in {elapsed:.1f} s"
    print(f"synthetic world ({info.scale}, seed {info.seed}, hash {info.content_hash[:16]}): {status}")
    print(f"  root: {info.root}")
    width = max(len(name) for name in info.files)
    for name in sorted(info.files):
        count = info.counts.get(name)
        suffix = f"  ({count})" if count is not None else ""
        print(f"  {name:<{width}}  {info.files[name].relative_to(info.root)}{suffix}")
    print(f"  videos: {info.counts['videos']}")
    return 0

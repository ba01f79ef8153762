"""`paxion reproduce TABLE`: regenerate one of the paper's tables with measured vs. paper numbers and verdicts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "regenerate a paper table (table1/actionbench, table2/retrieval, table3/nextqa, or all)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("table", help="table1 | table2 | table3 (or actionbench | retrieval | nextqa), or all")
    parser.add_argument("--profile", choices=("synthetic", "paper"), default="synthetic")
    parser.add_argument("--scale", choices=("ci", "default", "large"), default="default",
                        help="size of the synthetic world (synthetic profile)")
    parser.add_argument("--seed", type=int, default=42, help="training seed (the paper's 42)")
    parser.add_argument("--data-root", help="paper profile: the official data layout")
    parser.add_argument("--checkpoints", help="paper profile: folder of the official backbone checkpoints")
    parser.add_argument("--out", default="results", help="results go to OUT/<table>/")
    parser.add_argument("--cache", default=".paxion-cache", help="content-addressed cache of worlds, features, runs")
    parser.add_argument("--tolerance", type=float, default=2.0, help="paper profile: allowed |measured - paper|")
    parser.add_argument("--no-check", action="store_true", help="report verdicts but exit 0 even if one fails")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    from paxion_eval import report, verdicts
    from paxion_eval.reproduce import MissingDataError, run_table
    from paxion_eval.tables import get_table

    names = ["table1", "table2", "table3"] if args.table == "all" else [f"table{get_table(args.table).number}"]
    failed: list[str] = []
    for name in names:
        print(f"== reproduce {name} (profile {args.profile}" + (f", scale {args.scale}" if args.profile ==
                                                               "synthetic" else "") + ")", flush=True)
        try:
            reproduction, measured, wall = run_table(
                name, profile=args.profile, scale=args.scale, seed=args.seed, data_root=args.data_root,
                checkpoints=args.checkpoints, cache_dir=args.cache, progress=not args.quiet,
                log=lambda line: print(line, flush=True))
        except MissingDataError as error:
            print(f"NOT RUN: {error}", file=sys.stderr)
            return 2
        reference = reproduction.reference
        if args.profile == "paper":
            checked = verdicts.paper(reference, measured, args.tolerance)
        else:
            checked = verdicts.claims(reference.name, measured) + verdicts.golden(reference.name, args.scale, measured)
        info = {"profile": args.profile, "scale": args.scale if args.profile == "synthetic" else None,
                "seed": args.seed, "world_seed": 0 if args.profile == "synthetic" else None,
                "wall_time_s": round(wall, 1), "torch_threads": reproduction.torch_threads,
                "plan_hash": reproduction.plan_hash(), "runs": reproduction.runs}
        out_dir = Path(args.out) / name
        report.write(out_dir, reference, measured, checked, info)
        print((out_dir / "table.md").read_text())
        if args.profile == "synthetic" and not any(v.kind == "golden" for v in checked):
            print(f"(no golden numbers are recorded for scale {args.scale!r}; only the paper's claims were checked)")
        print(f"wall time: {wall:.0f} s; results in {out_dir}/ (metrics.json, table.md, table.tex, plots)")
        failed += [f"{name}: {v.check} ({v.detail})" for v in checked if not v.passed]
    if failed:
        print("\nFAILED verdicts:\n  " + "\n  ".join(failed), file=sys.stderr)
        return 0 if args.no_check else 1
    return 0

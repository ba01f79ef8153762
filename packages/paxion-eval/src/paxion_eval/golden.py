"""Record the synthetic profile's golden numbers: `python -m paxion_eval.golden --scale ci --seeds 42 43 44`.

Each table is reproduced once per seed (same world, different training seeds); a cell's golden value is the mean
over seeds and its tolerance max(MIN_TOLERANCE, SPREAD_FACTOR × the largest distance of a seed from the mean),
written to `golden.json` beside this module (the verdicts read it). Run it after a change that is meant to move
the numbers, and commit the file with the change. Tables run on the synthetic profile's `torch_threads` for the scale
(1 at ci scale), the count every check of them uses, so the numbers do not depend on the machine's cores.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from paxion_eval.reproduce import run_table
from paxion_eval.verdicts import GOLDEN_FILE

MIN_TOLERANCE = 2.0  # points
SPREAD_FACTOR = 1.5


def golden_entries(per_seed: list[dict[tuple[str, str], dict[str, float]]]) -> dict[str, list[float]]:
    """{"backbone|method|column": [mean, tolerance]} from one measured table per seed."""
    out = {}
    for row, columns in per_seed[0].items():
        for column in columns:
            values = [seed[row][column] for seed in per_seed]
            mean = statistics.fmean(values)
            spread = max(abs(v - mean) for v in values)
            out[f"{row[0]}|{row[1]}|{column}"] = [round(mean, 2), round(max(MIN_TOLERANCE, SPREAD_FACTOR * spread), 2)]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="ci", choices=("ci", "default", "large"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    parser.add_argument("--tables", nargs="+", default=["table1", "table2", "table3"])
    parser.add_argument("--cache", default=".paxion-cache")
    args = parser.parse_args(argv)
    path = Path(__file__).with_name(GOLDEN_FILE)
    golden = json.loads(path.read_text())
    for table in args.tables:
        per_seed, name = [], None
        for seed in args.seeds:
            reproduction, measured, wall = run_table(table, scale=args.scale, seed=seed, cache_dir=args.cache,
                                                     progress=False)
            name = reproduction.reference.name
            per_seed.append(measured.values)
            print(f"{table} seed {seed}: {wall:.0f} s", flush=True)
        golden.setdefault(args.scale, {})[name] = golden_entries(per_seed)
        path.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(golden[args.scale][name])} golden numbers for {args.scale}/{name} to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

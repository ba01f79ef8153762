"""`paxion backbones`: every registered backbone, where it comes from, and whether it can be built here."""

from __future__ import annotations

import argparse
import json

HELP = "list the registered backbones with their plugin, distribution and availability"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from paxion_core.plugins import get_plugin_manager, list_backbones

    specs = list_backbones()
    broken = get_plugin_manager().broken
    if args.json:
        rows = [{"name": s.name, "plugin": s.plugin, "distribution": s.distribution, "available": s.available,
                 "hint": s.hint, "description": s.description} for s in specs]
        print(json.dumps({"backbones": rows, "broken_plugins": [b.__dict__ for b in broken]}, indent=2))
        return 0
    header = ("name", "plugin", "distribution", "available")
    rows = [(s.name, s.plugin, s.distribution or "-", "yes" if s.available else "no") for s in specs]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    for s in specs:
        if not s.available:
            print(f"unavailable: {s.hint}")
    for b in broken:
        print(f"plugin {b.plugin!r} ({b.distribution}) failed to load: {b.error}")
    return 0

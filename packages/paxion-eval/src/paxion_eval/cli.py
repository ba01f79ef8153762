"""The `paxion` command. Each subcommand lives in its own module exposing `HELP`, `add_arguments(parser)` and
`run(args) -> int`. Command modules keep their module-level imports light (torch and friends are imported inside
`run`), so building the parser stays fast."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS: dict[str, str] = {
    "backbones": "paxion_eval.commands.backbones",
    "world": "paxion_eval.world.cli",
    "build-actionbench": "paxion_eval.actionbench.builder_cli",
    "preprocess": "paxion_core.data.preprocess",
    "train": "paxion_eval.commands.train",
    "evaluate": "paxion_eval.commands.evaluate",
    "reproduce": "paxion_eval.commands.reproduce",
    "report": "paxion_eval.commands.report",
}


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(prog="paxion",
                                     description="Paxion: patch action knowledge into video-language models.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    modules = {}
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        modules[name] = module
        module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    return int(modules[args.command].run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

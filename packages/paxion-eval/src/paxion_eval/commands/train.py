"""`paxion train CONFIG`: one mmengine training run (DDP when launched with torchrun)."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "train one experiments/ config with mmengine (under torchrun: DDP)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from mmengine.config import DictAction

    parser.add_argument("config", help="an mmengine config, e.g. experiments/synthetic/actionbench/kp_perceiver_vtc.py")
    parser.add_argument("--work-dir", help="checkpoints, logs and weights.pth (default: work_dirs/<config name>)")
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint in the work dir")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction, default={},
                        help="override config keys: model.backbone.type=internvideo-tiny train_cfg.max_iters=10")
    parser.add_argument("--launcher", choices=("none", "pytorch"), help="default: pytorch under torchrun")


def run(args: argparse.Namespace) -> int:
    from paxion_core.training import train

    work_dir = args.work_dir or str(Path("work_dirs") / Path(args.config).stem)
    weights = train(args.config, work_dir=work_dir, resume=args.resume, cfg_options=args.cfg_options,
                    launcher=args.launcher)
    print(f"trained weights: {weights}")
    return 0

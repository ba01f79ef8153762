"""`paxion evaluate CONFIG`: score one model on ActionBench, retrieval or multiple-choice QA.

The model is the config's `model` (a PatchAndFuse) with `--weights` (the `weights.pth` that `paxion train` wrote) as
its `init_from`; without `--weights` it is evaluated as configured (`--cfg-options model.stage=backbone` gives the
frozen backbone's own embedding, the Backbone rows). The evaluation set is read from one annotation file in its
official format, its backbone features come from the content-addressed feature cache (shared with
`paxion reproduce`), and every metric is printed with a bootstrap 95% interval over the evaluated items.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

HELP = "evaluate a config's model (optionally with trained --weights) on actionbench, retrieval or qa"

TASKS = ("actionbench", "retrieval", "qa")
# the dataset class of each task, by the annotation file's extension (the official formats, DESIGN §4)
DATASET_TYPES = {
    "actionbench": {".json": "ActionBenchSSv2Dataset", ".jsonl": "ActionBenchEgo4DDataset"},
    "retrieval": {".json": "SSv2RetrievalDataset", ".csv": "TemporalSSv2Dataset"},
    "qa": {".csv": "NExTQADataset"},
}
NEXTQA_VIDEO_MAP = "map_vid_vidorID.json"  # the official NExT-QA video map, next to the annotation CSVs
EGO4D_FPS = 5  # frame rate of the pre-processed clips (the official configs' setting)
LABELS = {
    "aa": "Action Antonym (AA)", "vr": "Video Reversal (VR)", "or": "Object Replacement (OR)",
    "all": "all", "c": "C (causal)", "t": "T (temporal)", "d": "D (descriptive)",
    "hard_all": "ATP-hard all", "hard_c": "ATP-hard C", "hard_t": "ATP-hard T",
    **{qtype.lower(): qtype for qtype in ("CW", "CH", "TN", "TC", "TP", "DC", "DL", "DO")},
}  # fmt: skip
PER_ITEM_KEYS = ("correct", "hits")  # per-item outcomes of the evaluate_* results, bootstrapped for the intervals
COUNT_KEYS = ("n", "skipped")


class EvaluateInputError(ValueError):
    """An input of `paxion evaluate` is missing or cannot be used; the message says what to do."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from mmengine.config import DictAction

    parser.add_argument("config", help="an mmengine config with a PatchAndFuse `model`, e.g. "
                                       "experiments/synthetic/actionbench/kp_perceiver_vtc.py")
    parser.add_argument("--weights", help="RUN/weights.pth written by `paxion train` (its patcher.* and fuser.*); "
                                          "without it the model is evaluated as configured")
    parser.add_argument("--task", choices=TASKS, required=True)
    parser.add_argument("--ann-file", required=True, help="the evaluation annotations in their official format: "
                        "actionbench .json (SSv2) / .jsonl (Ego4D), retrieval .json (SSv2-label/template) / .csv "
                        "(Temporal-SSv2), qa .csv (NExT-QA)")
    parser.add_argument("--video-root", required=True, help="folder of the (pre-processed) videos")
    parser.add_argument("--dataset-type", help="dataset class registered in paxion_core.data (default: chosen by "
                                               "--task and the annotation file's extension)")
    parser.add_argument("--dataset-options", nargs="+", action=DictAction, default={},
                        help="extra dataset arguments: video_ext=.webm on_error=skip atp_hard_file=FILE ...")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction, default={},
                        help="override config keys: model.stage=backbone model.backbone.type=internvideo-tiny "
                             "model.backbone_weights=RUN/weights.pth model.backbone.checkpoint=FILE")
    parser.add_argument("--cache", default=".paxion-cache",
                        help="cache folder; backbone features go to CACHE/features (shared with paxion reproduce)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the Video Reversal tie-break coin (and of "
                                                             "any randomly initialised module)")
    parser.add_argument("--allow-random-backbone", action="store_true",
                        help="evaluate even though the backbone loads no weights (smoke tests only)")
    parser.add_argument("--out", help="also write the metrics and their intervals to this JSON file")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    from paxion_core.checkpoint import CheckpointError
    from paxion_core.data import AnnotationError, VideoReadError
    from paxion_core.features import FeatureCacheError

    try:
        report = build_report(args)
    except (EvaluateInputError, CheckpointError, AnnotationError, VideoReadError, FeatureCacheError) as error:
        print(f"paxion evaluate: error: {error}", file=sys.stderr)
        return 2
    print(format_report(report))
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(f"metrics written to {out}")
    return 0


def build_report(args: argparse.Namespace) -> dict[str, Any]:
    """Build the model and the cached evaluation set, run the task's evaluate_* function; returns the report
    (inputs, item counts, `metrics` in percent and their bootstrap `intervals_95`)."""
    import torch

    from paxion_core.data.transforms import VideoTransform
    from paxion_core.features import CachedFeatureDataset
    from paxion_core.registry import DATASETS

    check_inputs(args)
    model_cfg = model_config(args.config, args.weights, args.cfg_options)
    features_root = Path(args.cache) / "features"
    if not backbone_has_weights(model_cfg):
        if not args.allow_random_backbone:
            raise EvaluateInputError(
                f"the backbone of {args.config} loads no weights (neither model.backbone.checkpoint nor "
                "model.backbone_weights is set), so its features would be a random initialisation's. Pass "
                "--cfg-options model.backbone.checkpoint=FILE (an official checkpoint) or "
                "model.backbone_weights=RUN/weights.pth (a synthetic-profile pretraining run), or "
                "--allow-random-backbone for a smoke test.")
        # the model's and the cache's backbones are built from the same seed; the seed keys their features
        features_root = Path(args.cache) / f"features-random-backbone-seed{args.seed}"
    torch.manual_seed(args.seed)
    model = build_model(model_cfg)
    if model.stage == "backbone" and args.weights:
        print("note: the backbone stage scores the frozen backbone's own embedding; --weights are not used",
              file=sys.stderr)
    elif model.stage != "backbone" and not model_cfg.get("init_from"):
        print(f"note: no --weights; the {model.stage} stage is evaluated with randomly initialised trainable "
              f"modules (seed {args.seed})", file=sys.stderr)
    dataset_cfg = dataset_config(args.task, args.ann_file, args.video_root, dataset_type=args.dataset_type,
                                 options=args.dataset_options)
    dataset = DATASETS.build({"num_frames": model.backbone.num_frames,
                              "transform": VideoTransform.for_backbone(model.backbone, train=False), **dataset_cfg})
    torch.manual_seed(args.seed)
    cached = CachedFeatureDataset(dataset, backbone=model_cfg["backbone"], cache_root=str(features_root),
                                  backbone_weights=model_cfg.get("backbone_weights"), progress=not args.quiet)
    result = run_task(args.task, model, cached.cache, dataset, seed=args.seed)
    values, intervals = summarize(result)
    return {
        "task": args.task, "config": str(args.config), "weights": args.weights, "stage": model.stage,
        "backbone": model_cfg["backbone"].get("type"),
        "dataset_type": dataset_cfg["type"], "ann_file": str(args.ann_file), "video_root": str(args.video_root),
        "seed": args.seed, "n": result["n"], "skipped": result["skipped"],
        "metrics": values, "intervals_95": intervals,
    }  # fmt: skip


def check_inputs(args: argparse.Namespace) -> None:
    """Every file and folder the command reads exists, or an EvaluateInputError says which and what to do."""
    needed = [
        (args.config, "config file", "pass an mmengine config, e.g. "
                                     "experiments/synthetic/actionbench/kp_perceiver_vtc.py"),
        (args.weights, "weights file", "pass the weights.pth that `paxion train` wrote in its work dir"),
        (args.ann_file, "annotation file", "pass the evaluation annotations (see `paxion world` for a synthetic "
                                           "set, or the official data layout)"),
    ]
    for path, what, fix in needed:
        if path is not None and not Path(path).is_file():
            raise EvaluateInputError(f"{what} not found: {path}; {fix}")
    if not Path(args.video_root).is_dir():
        raise EvaluateInputError(f"video folder not found: {args.video_root}; pass --video-root, the folder holding "
                                 "the (pre-processed) videos the annotation file names")


def model_config(config: str, weights: str | None, cfg_options: dict[str, Any]) -> dict[str, Any]:
    """The config's `model` section (with `cfg_options` merged) as PatchAndFuse keyword arguments;
    `weights` becomes its `init_from`."""
    from mmengine.config import Config

    cfg = Config.fromfile(str(config))
    cfg.merge_from_dict(dict(cfg_options))
    if "model" not in cfg:
        raise EvaluateInputError(f"{config} has no `model` section; pass a row config from experiments/")
    model_cfg = cfg.model.to_dict()
    kind = model_cfg.pop("type", "PatchAndFuse")
    if kind != "PatchAndFuse":
        raise EvaluateInputError(f"{config} builds a {kind}, not a PatchAndFuse; only Paxion models (patcher, "
                                 "fuser or backbone stage) can be evaluated")
    if weights is not None:
        check_weights(weights, model_cfg.get("stage", "patcher"))
        model_cfg["init_from"] = str(weights)
    return model_cfg


def check_weights(weights: str, stage: str) -> None:
    """The run's weights hold what the configured stage loads (`patcher.*`, and `fuser.*` only with a fuser)."""
    from paxion_core.checkpoint import read_checkpoint

    groups = sorted({key.split(".")[0] for key in read_checkpoint(weights, weights_only=True)})
    if "patcher" not in groups:
        raise EvaluateInputError(f"{weights} holds no patcher weights (its modules: {', '.join(groups)}); pass the "
                                 "weights.pth of a patcher or downstream run (a backbone pretraining run's weights "
                                 "go to --cfg-options model.backbone_weights=...)")
    if "fuser" in groups and stage not in ("patch_and_fuse", "side_tuning"):
        raise EvaluateInputError(f"{weights} holds a Knowledge Fuser but the config's stage is {stage!r}; use the "
                                 "config the weights were trained with (stage patch_and_fuse or side_tuning)")


def backbone_has_weights(model_cfg: dict[str, Any]) -> bool:
    """Whether the configured backbone loads weights: an official checkpoint or a pretraining run's `backbone.*`."""
    return model_cfg["backbone"].get("checkpoint") is not None or model_cfg.get("backbone_weights") is not None


def build_model(model_cfg: dict[str, Any]):
    """The PatchAndFuse of `model_cfg`, in eval mode."""
    from paxion_core import PatchAndFuse

    return PatchAndFuse(**model_cfg).eval()


def dataset_config(task: str, ann_file: str, video_root: str, *, dataset_type: str | None = None,
                   options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Config of the evaluation dataset of `task` for `ann_file` (class by extension unless `dataset_type`), with
    the settings `paxion reproduce` evaluates with; `options` override them."""
    extension = Path(ann_file).suffix.lower()
    if dataset_type is None:
        dataset_type = DATASET_TYPES[task].get(extension)
        if dataset_type is None:
            known = ", ".join(f"{ext} ({name})" for ext, name in DATASET_TYPES[task].items())
            raise EvaluateInputError(f"{ann_file}: no {task} dataset reads {extension or 'extension-less'} files "
                                     f"(known: {known}); pass --dataset-type")
    spec: dict[str, Any] = {"type": dataset_type, "ann_file": str(ann_file), "video_root": str(video_root)}
    if dataset_type == "ActionBenchEgo4DDataset":
        # the object-shuffled val/test files add Object Replacement texts to the official fields
        spec.update(fps=EGO4D_FPS, with_object_shuffled="object_shuffled_clip_text" in first_json_line(ann_file))
    elif dataset_type == "NExTQADataset" and (Path(ann_file).parent / NEXTQA_VIDEO_MAP).is_file():
        spec["video_map_file"] = str(Path(ann_file).parent / NEXTQA_VIDEO_MAP)
    return {**spec, **(options or {})}


def first_json_line(path: str) -> dict[str, Any]:
    """The first record of a JSON-lines file ({} when it has none or it is not an object; the dataset then reports
    the problem with its line number)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    return {}
                return record if isinstance(record, dict) else {}
    return {}


def run_task(task: str, model: Any, cache: Any, dataset: Any, *, seed: int) -> dict[str, Any]:
    """The `paxion_eval.evaluate` result of `task` (metrics in percent plus per-item outcomes)."""
    from paxion_eval.evaluate import evaluate_actionbench, evaluate_qa, evaluate_retrieval

    if task == "actionbench":
        return evaluate_actionbench(model, cache, dataset, seed=seed)
    if task == "retrieval":
        return evaluate_retrieval(model, cache, dataset)
    return evaluate_qa(model, cache, dataset)


def summarize(result: dict[str, Any]) -> tuple[dict[str, float | None], dict[str, list[float]]]:
    """(metric -> value, metric -> [low, high]) of an evaluate_* result. Intervals are bootstrapped over the
    per-item outcomes as `paxion reproduce` does (`reproduce.Measured.put`); a metric without items (a question
    group absent from the file) is None and has no interval."""
    from paxion_eval.reproduce import Measured

    per_item = {name: outcome for key in PER_ITEM_KEYS for name, outcome in result.get(key, {}).items()}
    measured, row = Measured(), ("model", "evaluated")
    for name, value in result.items():
        if name in PER_ITEM_KEYS or name in COUNT_KEYS:
            continue
        outcome = per_item.get(name)
        measured.put(row, name, value, outcome if outcome is not None and len(outcome) else None)
    values = {name: None if math.isnan(v) else v for name, v in measured.values[row].items()}
    intervals = {name: list(ci) for name, ci in measured.intervals.get(row, {}).items()}
    return values, intervals


def format_report(report: dict[str, Any]) -> str:
    """The report as a short header and a Markdown table: metric | value | 95% interval."""
    weights = report["weights"] or "none"
    lines = [
        f"paxion evaluate: {report['task']} on {report['ann_file']} ({report['dataset_type']})",
        f"model: {report['config']} (stage {report['stage']}, backbone {report['backbone']}), weights: {weights}",
        f"items: {report['n']} evaluated, {report['skipped']} skipped (unreadable videos); 95% intervals: "
        "bootstrap over the evaluated items",
        "",
        "| Metric | Value | 95% interval |",
        "|---|---:|---|",
    ]
    for name, value in report["metrics"].items():
        interval = report["intervals_95"].get(name)
        shown = "–" if value is None else f"{value:.1f}"
        span = f"{interval[0]:.1f} – {interval[1]:.1f}" if interval else "–"
        lines.append(f"| {LABELS.get(name, name.replace('_R', ' R@'))} | {shown} | {span} |")
    return "\n".join(lines)

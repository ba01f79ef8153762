"""Regenerate a paper table: `paxion reproduce table1|table2|table3 [--profile synthetic|paper]`.

The plan of each table (which rows, which backbones, which config trains each row, from which patcher it starts) is
data in `experiments/tables/`; the profile (`experiments/profiles/`) says which backbones, data layout and row
configs to use. Everything trained is cached by content hash under the cache directory (worlds, pretrained tiny
backbones, backbone features, patchers, fine-tuned models), so `reproduce table2` after `reproduce table1` reuses
its patchers and a second run of the same table only re-evaluates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paxion_eval.tables import get_table

EXPERIMENTS_ENV = "PAXION_EXPERIMENTS"
DOMAINS = {"ego4d": "Ego4d", "ssv2": "SSv2"}
BACKBONE_LABELS = {"internvideo": "InternVideo", "clipvip": "Clip-ViP", "singularity": "Singularity"}


def experiments_dir() -> Path:
    """The repository's `experiments/` (or $PAXION_EXPERIMENTS)."""
    import os

    if os.environ.get(EXPERIMENTS_ENV):
        return Path(os.environ[EXPERIMENTS_ENV])
    for parent in Path(__file__).resolve().parents:
        if (parent / "experiments" / "tables").is_dir():
            return parent / "experiments"
    for parent in [Path.cwd(), *Path.cwd().parents]:
        if (parent / "experiments" / "tables").is_dir():
            return parent / "experiments"
    raise FileNotFoundError(f"cannot find the experiments/ folder; run from the repository or set {EXPERIMENTS_ENV}")


#: how the synthetic pretraining configs name the world's root folder
WORLD = "<world>"


def in_world(value: Any, root: Path) -> Any:
    """`value` (a config dict, list or string) with every "<world>" replaced by the world's root folder."""
    if isinstance(value, str):
        return value.replace(WORLD, str(root))
    if isinstance(value, dict):
        return {key: in_world(item, root) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [in_world(item, root) for item in value]
    return value


class MissingDataError(FileNotFoundError):
    pass


@dataclass
class Measured:
    """The measured table: values[(backbone label, method)][column], with per-cell 95% intervals and extras."""

    values: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    intervals: dict[tuple[str, str], dict[str, tuple[float, float]]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def put(self, row: tuple[str, str], column: str, value: float, per_sample: Any = None) -> None:
        from paxion_eval.metrics import bootstrap_ci

        self.values.setdefault(row, {})[column] = float(value)
        if per_sample is not None:
            low, high = bootstrap_ci(per_sample, n_resamples=999, seed=0)
            self.intervals.setdefault(row, {})[column] = (100 * float(low), 100 * float(high))


class Reproduction:
    """Runs one table's plan end to end and returns what it measured."""

    def __init__(self, table: str, *, profile: str = "synthetic", scale: str = "default", seed: int = 42,
                 data_root: str | None = None, checkpoints: str | None = None, cache_dir: str = ".paxion-cache",
                 log: Callable[[str], None] = print, progress: bool = True):
        from mmengine.config import Config

        self.reference = get_table(table)
        self.experiments = experiments_dir()
        self.plan = Config.fromfile(str(self.experiments / "tables" / f"table{self.reference.number}.py"))
        self.profile = Config.fromfile(str(self.experiments / "profiles" / f"{profile}.py"))
        self.scale, self.seed, self.log, self.progress = scale, seed, log, progress
        self.cache = Path(cache_dir)
        self.data_root = Path(data_root) if data_root else None
        self.checkpoints = Path(checkpoints) if checkpoints else None
        self.synthetic = self.profile.profile == "synthetic"
        self.runs: list[dict[str, Any]] = []  # what was trained or reused, for the report
        self.torch_threads: int | None = None  # what `run` computed on, for the report
        self._done: set[Path] = set()  # runs already trained or found in this process

    def plan_hash(self) -> str:
        """Content hash of the table plan, the profile and every row config they name."""
        from paxion_core.features import content_hash

        configs = sorted(p.read_text() for p in (self.experiments / self.profile.configs).rglob("*.py"))
        return content_hash({"plan": self.plan.to_dict(), "profile": self.profile.to_dict(), "configs": configs,
                             "bases": sorted(p.read_text() for p in (self.experiments / "_base_").rglob("*.py"))})

    # -- inputs ---------------------------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Generate (or reuse) the synthetic world, or check every file the paper profile needs."""
        if self.synthetic:
            from paxion_eval.world import generate_world

            start = time.time()
            info = generate_world(self.cache / "worlds", scale=self.scale, seed=0, progress=self.progress)
            self.data_root = Path(info.root)
            verb = "reused" if info.cached else "generated"
            self.log(f"world: {verb} {self.scale} world at {self.data_root} ({time.time() - start:.0f} s)")
            return
        missing = [f"  {path}   ({why})" for path, why in self.required_files() if not path.exists()]
        if missing:
            raise MissingDataError("the paper profile needs these files, which are missing:\n" + "\n".join(missing)
                                   + "\nPass --data-root (the official data layout, see the dataset cards of "
                                     "MikeWangWZHL/Paxion) and --checkpoints (the official backbone checkpoints).")

    def required_files(self) -> list[tuple[Path, str]]:
        if self.data_root is None or self.checkpoints is None:
            raise MissingDataError("--profile paper needs --data-root DIR and --checkpoints DIR")
        out = []
        for key in self.plan.backbones:
            rel, source = self.profile.checkpoints[key]
            out.append((self.checkpoints / rel, f"{key} checkpoint: {source}"))
        for name, entries in self.profile.data.items():
            if isinstance(entries, dict):
                for item, rel in entries.items():
                    if item != "videos":
                        out.append((self.data_root / rel, f"{name} annotations: dataset card {name}"))
        return out

    def backbone(self, key: str) -> tuple[dict, str | None]:
        """(backbone config, weights.pth with backbone.* or None) for backbone `key` of the profile."""
        cfg = dict(self.profile.backbones[key])
        if not self.synthetic:
            cfg["checkpoint"] = str(self.checkpoints / self.profile.checkpoints[key][0])
            return cfg, None
        weights = None
        for config in self.profile.pretrain:
            weights = self.train(config, key, None, label=f"{Path(config).stem} {cfg['type']}", init=weights)
        return cfg, str(weights)

    def data(self, domain: str, name: str) -> str:
        return str(self.data_root / self.profile.data[domain][name])

    def videos(self, domain: str) -> str:
        return str(self.data_root / self.profile.data[domain]["videos"].format(size=self.profile.image_size))

    def dataset(self, kind: str, **kwargs: Any) -> dict:
        """Dataset config of `kind` (ssv2_train, ssv2_val, ego4d_train, ego4d_val, label_val, template_val,
        temporal_val, nextqa_train, nextqa_val)."""
        transform = dict(image_size=self.profile.image_size)
        specs = {
            "ssv2_train": dict(type="ActionBenchSSv2Dataset", ann_file=self.data("ssv2", "train"),
                               video_root=self.videos("ssv2"), salient_file=self.data("ssv2", "salient_train"),
                               with_object_shuffled=False),
            "ssv2_val": dict(type="ActionBenchSSv2Dataset", ann_file=self.data("ssv2", "val"),
                             video_root=self.videos("ssv2")),
            "ego4d_train": dict(type="ActionBenchEgo4DDataset", ann_file=self.data("ego4d", "train"),
                                video_root=self.videos("ego4d"), salient_file=self.data("ego4d", "salient_train"),
                                fps=5),
            "ego4d_val": dict(type="ActionBenchEgo4DDataset", ann_file=self.data("ego4d", "val"),
                              video_root=self.videos("ego4d"), with_object_shuffled=True, fps=5),
            "label_val": dict(type="SSv2RetrievalDataset", ann_file=self.data("retrieval", "label_val"),
                              video_root=self.videos("ssv2")),
            "template_val": dict(type="SSv2RetrievalDataset", ann_file=self.data("retrieval", "template_val"),
                                 video_root=self.videos("ssv2")),
            "temporal_val": dict(type="TemporalSSv2Dataset", ann_file=self.data("retrieval", "temporal_val"),
                                 video_root=self.videos("ssv2")),
            "nextqa_train": dict(type="NExTQADataset", ann_file=self.data("nextqa", "train"),
                                 video_root=self.videos("nextqa"), with_antonym=True,
                                 video_map_file=self.data("nextqa", "video_map")),
            "nextqa_val": dict(type="NExTQADataset", ann_file=self.data("nextqa", "val"),
                               video_root=self.videos("nextqa"), video_map_file=self.data("nextqa", "video_map"),
                               atp_hard_file=self.data("nextqa", "atp_hard")),
        }
        return {**specs[kind], "transform": transform, **kwargs}

    def features(self, dataset: dict, key: str) -> dict:
        """Wrap a dataset config so its videos come from the feature cache of backbone `key`."""
        if not self.profile.feature_cache:
            return dataset
        backbone, weights = self.backbone(key)
        return dict(type="CachedFeatureDataset", dataset=dataset, backbone=backbone, backbone_weights=weights,
                    cache_root=str(self.cache / "features"), progress=self.progress)

    # -- training -------------------------------------------------------------------------------------------------
    def train(self, config: str, key: str, train_set: dict | None, *, label: str, init: str | Path | None = None,
              opts: dict | None = None) -> Path:
        """Train `config` (relative to experiments/<profile>/ or experiments/) for backbone `key`; cached."""
        from mmengine.config import Config

        from paxion_core.features import content_hash, file_digest
        from paxion_core.training import train
        from paxion_core.weights import WEIGHTS_FILE

        path = self.experiments / config if (self.experiments / config).is_file() else \
            self.experiments / self.profile.configs / config
        cfg = Config.fromfile(str(path))
        overrides = {"randomness.seed": self.seed, **(opts or {})}
        if cfg.model.type == "PatchAndFuse":
            backbone, weights = self.backbone(key)
            overrides.update({"model.backbone": backbone, "model.backbone_weights": weights})
            if cfg.model.patcher.get("type") == "transformer":
                overrides["model.patcher.ffn_dim"] = self.profile.kp_transformer_ffn[key]
        else:  # backbone pretraining on the synthetic world, whose files the config names "<world>/..."
            overrides["model.backbone"] = dict(self.profile.backbones[key])
            overrides["train_dataloader.dataset"] = in_world(cfg.train_dataloader.dataset.to_dict(), self.data_root)
        if init is not None:
            overrides["model.init_from"] = str(init)
        if train_set is not None:
            overrides["train_dataloader.dataset"] = train_set
        if self.synthetic:
            overrides["log_level"] = "ERROR"
            iters = max(1, round(cfg.train_cfg.max_iters * self.profile.iteration_scale[self.scale]))
            overrides.update({"train_cfg.max_iters": iters,
                              "param_scheduler": scaled_schedule(cfg.param_scheduler, cfg.train_cfg.max_iters, iters)})
        cfg.merge_from_dict(overrides)
        hashed = cfg.to_dict()
        hashed["train_dataloader"]["dataset"].pop("progress", None)  # how a run looks, not what it computes
        digest = content_hash({"config": hashed, "init": file_digest(init) if init else None,
                               "backbone_weights": file_digest(overrides["model.backbone_weights"])
                               if overrides.get("model.backbone_weights") else None,
                               "data": self._data_digest(train_set)})
        work_dir = self.cache / "runs" / f"{path.stem}-{digest}"
        weights = work_dir / WEIGHTS_FILE
        if weights in self._done:
            return weights
        self._done.add(weights)
        start = time.time()
        reused = weights.exists()
        if reused:
            self.log(f"  {label}: reusing {weights}")
        else:
            self.log(f"  {label}: training {path.relative_to(self.experiments)} ...")
            train(cfg, work_dir=work_dir)
            self.log(f"  {label}: done in {time.time() - start:.0f} s")
        self.runs.append({"label": label, "config": str(path.relative_to(self.experiments)), "weights": str(weights),
                          "reused": reused, "seconds": round(time.time() - start, 1)})
        return weights

    @staticmethod
    def _data_digest(dataset: dict | None) -> str | None:
        from paxion_core.features import content_hash, file_digest

        if dataset is None:
            return None
        inner = dataset.get("dataset", dataset)
        return content_hash({"ann": file_digest(inner["ann_file"]), "cfg": inner})

    def patcher(self, config: str, key: str, train_kind: str) -> Path:
        """A patcher (config) trained from scratch on dataset `train_kind` for backbone `key`; cached."""
        train_set = self.features(self.dataset(train_kind), key)
        return self.train(config, key, train_set, label=f"{Path(config).stem} on {train_kind} ({key})")

    def model(self, config: str | None, key: str, weights: Path | None):
        """The evaluation model: a row config's model with its trained weights, or the frozen backbone."""
        from mmengine.config import Config

        from paxion_core import PatchAndFuse

        backbone, backbone_weights = self.backbone(key)
        if config is None:
            return PatchAndFuse(backbone, stage="backbone", backbone_weights=backbone_weights).eval()
        cfg = Config.fromfile(str(self.experiments / self.profile.configs / config)).model.to_dict()
        cfg.pop("type")
        if cfg["patcher"].get("type") == "transformer":
            cfg["patcher"]["ffn_dim"] = self.profile.kp_transformer_ffn[key]
        cfg.update(backbone=backbone, backbone_weights=backbone_weights, init_from=str(weights))
        return PatchAndFuse(**cfg).eval()

    def eval_set(self, kind: str, key: str):
        """(FeatureCache, dataset) of an evaluation set for backbone `key`."""
        from paxion_core.registry import DATASETS

        dataset = DATASETS.build(self.features(self.dataset(kind), key))
        return dataset.cache, dataset.dataset

    # -- the tables -----------------------------------------------------------------------------------------------
    def run(self) -> Measured:
        """Prepare the inputs, then train and evaluate every row (on the profile's torch thread count for the
        scale, when it names one)."""
        import torch

        self.prepare()
        measured = Measured()
        runner = {"actionbench": self.run_actionbench, "retrieval": self.run_retrieval,
                  "nextqa": self.run_nextqa}[self.reference.name]
        threads, previous = self.profile.get("torch_threads", {}).get(self.scale), torch.get_num_threads()
        if threads:
            torch.set_num_threads(threads)
        self.torch_threads = torch.get_num_threads()
        try:
            runner(measured)
        finally:
            torch.set_num_threads(previous)
        return measured

    def run_actionbench(self, measured: Measured) -> None:
        from paxion_eval.evaluate import evaluate_actionbench

        for key in self.plan.backbones:
            label = BACKBONE_LABELS[key]
            for domain in self.plan.domains:
                cache, dataset = self.eval_set(f"{domain}_val", key)
                for method, config in self.plan.rows.items():
                    weights = self.patcher(config, key, f"{domain}_train") if config else None
                    result = evaluate_actionbench(self.model(config, key, weights), cache, dataset, seed=self.seed)
                    for task in ("aa", "vr", "or"):
                        if task in result:
                            measured.put((label, method), f"{task}_{domain}", result[task], result["correct"][task])
                    measured.extra.setdefault("correct", {})[f"{label}|{method}|{domain}"] = {
                        t: result["correct"][t].tolist() for t in ("aa", "vr")}
                    self.log(f"  {label} {method} {DOMAINS[domain]}: AA {result['aa']:.1f}  VR {result['vr']:.1f}"
                             + (f"  OR {result['or']:.1f}" if "or" in result else ""))
            for method in self.plan.rows:
                row = measured.values[(label, method)]
                row["avg"] = sum(row[c] for c in ("aa_ego4d", "vr_ego4d", "aa_ssv2", "vr_ssv2")) / 4
        measured.extra["paired_dvdm_vs_vtc"] = self.paired_tests(measured.extra.pop("correct"))

    @staticmethod
    def paired_tests(correct: dict[str, dict[str, list[bool]]]) -> dict[str, float]:
        """Exact McNemar p-values of KP-Perceiver [VTC+DVDM] against [VTC] on the same clips."""
        from paxion_eval import metrics, tables

        out = {}
        for name, dvdm in correct.items():
            backbone, method, domain = name.split("|")
            if method != tables.KP_PERCEIVER_DVDM:
                continue
            vtc = correct[f"{backbone}|{tables.KP_PERCEIVER}|{domain}"]
            for task in dvdm:
                out[f"{backbone}|{domain}|{task}"] = metrics.paired_test(dvdm[task], vtc[task])
        return out

    def downstream(self, key: str, spec: dict, train_kind: str, **dataset_kwargs: Any) -> Path:
        init_config, init_data = spec["init"]
        init = self.patcher(init_config, key, init_data)
        train_set = self.features(self.dataset(train_kind, **dataset_kwargs), key)
        text = "templates" if dataset_kwargs.get("use_templates") else "labels" if train_kind == "ssv2_train" else "QA"
        return self.train(spec["config"], key, train_set, init=str(init),
                          label=f"{Path(spec['config']).stem} on {text} ({key})")

    def run_retrieval(self, measured: Measured) -> None:
        from paxion_eval.evaluate import evaluate_retrieval

        for key in self.plan.backbones:
            label = BACKBONE_LABELS[key]
            sets = {kind: self.eval_set(kind, key) for kind in ("label_val", "template_val", "temporal_val")}
            for method, spec in self.plan.rows.items():
                models = {}
                for texts, kwargs in (("label", {}), ("template", {"use_templates": True})):
                    weights = self.downstream(key, spec, "ssv2_train", with_antonym=False, **kwargs) if spec else None
                    models[texts] = self.model(spec["config"] if spec else None, key, weights)
                for kind, model, columns in (
                    ("label_val", models["label"], {"label_r1_v2t": "v2t_R1", "label_r5_v2t": "v2t_R5",
                                                    "label_r1_t2v": "t2v_R1", "label_r5_t2v": "t2v_R5"}),
                    ("template_val", models["template"], {"template_r1": "v2t_R1", "template_r5": "v2t_R5"}),
                    ("temporal_val", models["template"], {"temporal_r1": "v2t_R1", "temporal_r5": "v2t_R5"}),
                ):
                    result = evaluate_retrieval(model, *sets[kind])
                    for column, name in columns.items():
                        measured.put((label, method), column, result[name], result["hits"][name])
                row = measured.values[(label, method)]
                self.log(f"  {label} {method}: " + "  ".join(f"{c} {v:.1f}" for c, v in row.items()))

    def run_nextqa(self, measured: Measured) -> None:
        from paxion_eval.evaluate import evaluate_qa

        for key in self.plan.backbones:
            label = BACKBONE_LABELS[key]
            cache, dataset = self.eval_set("nextqa_val", key)
            for method, spec in self.plan.rows.items():
                weights = self.downstream(key, spec, "nextqa_train") if spec else None
                result = evaluate_qa(self.model(spec["config"] if spec else None, key, weights), cache, dataset)
                for column in self.reference.columns:
                    measured.put((label, method), column, result[column], result["correct"].get(column))
                row = measured.values[(label, method)]
                self.log(f"  {label} {method}: " + "  ".join(f"{c} {v:.1f}" for c, v in row.items()))


def scaled_schedule(schedulers: list, max_iters: int, iters: int) -> list[dict]:
    """Iteration-based schedulers written for `max_iters`, each begin/end moved to the same fraction of `iters`
    (a warmup stays the same share of the run)."""
    out = []
    for scheduler in schedulers:
        begin = round(scheduler.get("begin", 0) * iters / max_iters)
        out.append({**scheduler, "begin": begin, "end": max(begin + 1, round(scheduler["end"] * iters / max_iters))})
    return out


def run_table(table: str, **kwargs: Any) -> tuple[Reproduction, Measured, float]:
    """Run a table's plan; returns the reproduction, what it measured and the wall time in seconds."""
    start = time.time()
    reproduction = Reproduction(table, **kwargs)
    measured = reproduction.run()
    return reproduction, measured, time.time() - start

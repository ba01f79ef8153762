"""Training through mmengine's Runner: configs in `experiments/`, DDP under torchrun, checkpoints and resume.

mmengine 0.10.7 resumes with a bare `torch.load`, which torch >= 2.6 runs with `weights_only=True`; mmengine's own
checkpoints hold a message hub with numpy state that the safe loader refuses. `train(..., resume=True)` therefore
loads *only checkpoints inside the run's own work_dir* (written by this runner) with the full unpickler; every other
file (backbone checkpoints, released Paxion weights, a previous stage's weights) goes through the safe loader.

Each run also writes `weights.pth` in its work_dir: the trainable modules' state dict alone (safe to load), which the
next stage reads through `init_from`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from torch import Tensor

from paxion_core.backbone import VideoLanguageBackbone
from paxion_core.checkpoint import read_checkpoint
from paxion_core.losses import vtc_loss
from paxion_core.registry import BACKBONES, HOOKS, MODELS
from paxion_core.weights import WEIGHTS_FILE, load_weights, trainable_state


@MODELS.register_module()
class BackbonePretrainer(BaseModel):
    """Contrastive pretraining of a (tiny) backbone on single frames shown as 1-frame clips.

    This gives the synthetic profile's backbones the static-appearance bias of real video-language models: they
    align what one frame shows (objects, spatial relations) with text, and never see motion.

    trainable="all": image and text towers learn together. trainable="text": the vision side is locked (eval mode,
    no gradients) and only the parameters the text path uses learn (locked-image text tuning): cheap steps that
    teach the text encoder the order-sensitive relational language its frames support, which DVDM needs to tell
    action antonyms apart (DESIGN §5). The locked image embedding of each sample is computed once and memoised by
    the sample's dataset `index`, so the frame transform must be deterministic (no random augmentation).
    Language batches (`ParaphraseDataset`, alone or zipped beside the frames with `ZipDataset`) add
    "loss_language": the text tower learns that `language_text` and `language_paraphrase` mean the same, with
    `language_antonym` as each paraphrase's hard negative (VTC with antonym negatives, text against text), the
    language prior real text towers arrive with.
    init_from: a previous pretraining stage's `weights.pth` (`backbone.*`).
    forward(video [B, 1, 3, H, W] or [B, T, 3, H, W], text list[str], index [B], language_*: list[str])
    -> {"loss_pretrain", "loss_language"} (each when its inputs are in the batch).
    """

    def __init__(self, backbone: VideoLanguageBackbone | dict, trainable: str = "all", init_from: str | None = None,
                 label_smoothing: float = 0.0, data_preprocessor: dict | None = None):
        super().__init__(data_preprocessor=data_preprocessor)
        if trainable not in ("all", "text"):
            raise ValueError(f"trainable must be 'all' or 'text', got {trainable!r}")
        self.backbone = BACKBONES.build(backbone) if isinstance(backbone, Mapping) else backbone
        if init_from:
            load_weights(self, init_from, prefixes=("backbone",))
        self.trainable, self.label_smoothing = trainable, label_smoothing
        self._locked_image_memo: dict[int, Tensor] = {}
        if trainable == "text":
            text = set(text_parameter_names(self.backbone))
            for name, param in self.backbone.named_parameters():
                param.requires_grad_(name in text)

    def forward(self, mode: str = "loss", video: Tensor | None = None, text: list[str] | None = None,
                index: Tensor | None = None, language_text: list[str] | None = None,
                language_paraphrase: list[str] | None = None, language_antonym: list[str] | None = None,
                **_: Any):
        if mode != "loss":
            return self.image_embedding(video, index)
        losses = {}
        if video is not None:
            losses["loss_pretrain"] = vtc_loss(self.image_embedding(video, index), self.backbone.encode_text(text),
                                               self.temperature, label_smoothing=self.label_smoothing)
        if language_text is not None:
            encode = self.backbone.encode_text
            losses["loss_language"] = vtc_loss(encode(language_text), encode(language_paraphrase), self.temperature,
                                               antonym_text=encode(language_antonym),
                                               label_smoothing=self.label_smoothing)
        if not losses:
            raise ValueError("a pretraining batch needs `video` and `text` (FrameCaptionDataset) or `language_*` "
                             "texts (ParaphraseDataset)")
        return losses

    @property
    def temperature(self) -> Tensor:
        return 1.0 / self.backbone.logit_scale

    def image_embedding(self, video: Tensor, index: Tensor | None) -> Tensor:
        """video [B, T, 3, H, W] -> pooled [B, embed_dim]; memoised per sample when the vision side is locked."""
        if self.trainable == "text":
            return self.locked_image_embedding(video, index)
        return self.backbone.encode_video(video).pooled

    @torch.no_grad()
    def locked_image_embedding(self, video: Tensor, index: Tensor | None) -> Tensor:
        """video [B, T, 3, H, W] -> pooled [B, embed_dim] of the locked vision side, each sample's computed once
        (memoised by dataset `index`; without one, computed every time)."""
        keys = [None] * len(video) if index is None else [int(i) for i in index]
        missing = [row for row, key in enumerate(keys) if key is None or key not in self._locked_image_memo]
        computed = {}
        if missing:
            self.backbone.eval()
            computed = dict(zip(missing, self.backbone.encode_video(video[missing]).pooled))
            self.backbone.train(self.training)
            self._locked_image_memo.update((keys[row], emb) for row, emb in computed.items() if keys[row] is not None)
        return torch.stack([computed[row] if row in computed else self._locked_image_memo[key]
                            for row, key in enumerate(keys)])


def text_parameter_names(backbone: VideoLanguageBackbone) -> list[str]:
    """Names of the parameters that `encode_text` depends on (found by back-propagating through it once)."""
    params = dict(backbone.named_parameters())
    grads = torch.autograd.grad(backbone.encode_text(["a"]).sum(), list(params.values()), allow_unused=True)
    return [name for name, grad in zip(params, grads) if grad is not None]


@HOOKS.register_module()
class SkipReportHook(Hook):
    """Counts the training samples dropped for unreadable videos (`on_error="skip"`) and reports every one of
    them at the end of each epoch (iteration-based loops: at the end of the run)."""

    def before_train_epoch(self, runner) -> None:
        from paxion_core.data import SkipReport

        self.report = SkipReport()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if isinstance(data_batch, Mapping):
            self.report.update(data_batch)

    def after_train_epoch(self, runner) -> None:
        if self.report.count:
            runner.logger.warning(f"epoch {runner.epoch}: {self.report.summary()}")


_RUN_NUMBERS = itertools.count()


def logged_losses(work_dir: str | Path) -> list[tuple[int, float]]:
    """(step, total loss) of every logged iteration of the newest run in `work_dir` (mmengine's
    `<timestamp>/vis_data/scalars.json`); [] when nothing was logged."""
    runs = sorted(Path(work_dir).glob("*/vis_data/scalars.json"))
    if not runs:
        return []
    rows = [json.loads(line) for line in runs[-1].read_text().splitlines() if '"loss"' in line]
    return [(row["step"], row["loss"]) for row in rows]


@contextlib.contextmanager
def _trusted_resume(work_dir: Path) -> Iterator[None]:
    """Let mmengine resume from checkpoints inside `work_dir` (its own) with the full unpickler."""
    from mmengine.runner.checkpoint import CheckpointLoader

    schemes = CheckpointLoader._schemes
    original = schemes[""]
    root = work_dir.resolve()

    def load_local(filename: str, map_location=None):
        path = Path(filename).resolve()
        if not path.is_relative_to(root):
            return read_checkpoint(path, weights_only=True)
        return torch.load(path, map_location=map_location or "cpu", weights_only=False)

    schemes[""] = load_local
    try:
        yield
    finally:
        schemes[""] = original


def train(config: str | Path | Config, *, work_dir: str | Path | None = None, resume: bool = False,
          cfg_options: Mapping[str, Any] | None = None, launcher: str | None = None) -> Path:
    """Train `config` with mmengine's Runner; returns the path of the written `weights.pth`.

    launcher: None picks "pytorch" when run under torchrun (RANK in the environment), else "none". Distributed
    runs use NCCL when CUDA is available and gloo (runtime.py's default) otherwise. A config key `compile` (True,
    or a dict of `torch.compile` arguments) makes mmengine compile the training step.
    """
    from mmengine.runner import Runner

    cfg = config if isinstance(config, Config) else Config.fromfile(str(config))
    # mmengine pretty-prints the config with yapf several times per run (log, dump, checkpoint meta); on CPU-sized
    # runs that costs more than the training itself.
    object.__setattr__(cfg, "_format_python_code", False)
    if cfg_options:
        cfg.merge_from_dict(dict(cfg_options))
    if work_dir is not None:
        cfg.work_dir = str(work_dir)
    cfg.launcher = launcher or cfg.get("launcher") or ("pytorch" if "RANK" in os.environ else "none")
    if cfg.launcher != "none" and torch.cuda.is_available():
        cfg.env_cfg.dist_cfg.backend = "nccl"
    cfg.resume = resume
    work = Path(cfg.work_dir)
    # mmengine names its logger, message hub and visualizer "<config>_<second>"; a second run of the same config
    # in the same second would write into the first one's log and scalars.
    cfg.setdefault("experiment_name", f"{work.name}-run{next(_RUN_NUMBERS)}")
    runner = Runner.from_cfg(cfg)
    with _trusted_resume(work):
        runner.train()
    weights = work / WEIGHTS_FILE
    if runner.rank == 0:
        torch.save(trainable_state(runner.model), weights)
    return weights

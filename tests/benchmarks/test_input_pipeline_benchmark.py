"""Input pipeline: DataLoader clips/s with the configured workers vs the training step's consumption rate.

Reports which of the two is the bottleneck (a report, never a failure). The loader reads real H.264 clips written
here through `ActionBenchSSv2Dataset` (official annotation format; decord, 8 sampled frames) and `collate`, with the
batch size, `num_workers` and `persistent_workers` of the profile's schedule (experiments/_base_/schedules/), and is
timed over a whole epoch after one untimed epoch (worker start-up, page cache). The step is a PatchAndFuse training
step, VTC + DVDM (antonym negatives, ATM on the reversed clip), forward + backward + AdamW, timed in the same test:

- tiny-video (synthetic profile sizes, internvideo-tiny, 16-frame 32 px clips): loader with the DESIGN's training
  transform (colour jitter); the step runs the frozen backbone on pixels, at the configured batch.
- tiny-cached (what the synthetic profile actually trains on): the same loader over `CachedFeatureDataset`; the step
  starts from the cached features (no backbone).
- full-video (paper profile, internvideo-mm-l14, 24-frame 224 px clips, 4 workers): the step is one clip's training
  step (backbone forward at batch 1 with the reversed clip, patcher on [1, 8, 257, 1024] tokens): CPU-feasible, and
  per clip the cost is what a batch-32 step pays per clip. On a GPU the step would be far faster.

Both sides are measured separately: in training they share the same cores, so neither rate is reached at once.
"""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from torch.utils.data import DataLoader

from paxion_core.data import ActionBenchSSv2Dataset, collate
from paxion_core.features import CachedFeatureDataset

OBJECTIVES = ("vtc", "vac", "atm")
UNIQUE_CLIPS = 16  # distinct videos written; the others are byte copies (decoding costs the same per file)
CASES = [  # name, profile, backbone, clip frames, clip size, loader batches per epoch, step batch (None: the
    #         configured batch), cached features, timed rounds
    ("tiny-video", "synthetic", "internvideo-tiny", 16, 32, 2, None, False, 3),
    ("tiny-cached", "synthetic", "internvideo-tiny", 16, 32, 2, None, True, 3),
    ("full-video", "paper", "internvideo-mm-l14", 24, 224, 4, 1, False, 1),
]


def write_actionbench_ssv2(root: Path, texts, num_frames: int, size: int, write_clip) -> tuple[Path, Path]:
    """ActionBench-SSv2 annotation file + `<id>.mp4` clips for `texts`; returns (ann_file, video_root)."""
    video_root = root / "videos"
    for i in range(len(texts)):
        path = video_root / f"{i}.mp4"
        if i < UNIQUE_CLIPS:
            write_clip(path, num_frames, size, seed=i)
        else:
            shutil.copyfile(video_root / f"{i % UNIQUE_CLIPS}.mp4", path)
    records = [{"label": t.text, "template": t.template, "placeholders": [t.noun],
                "template_action_antonym_clip_text": t.template_antonym, "label_action_antonym_clip_text": t.antonym,
                "id": i, "label_object_shuffled_clip_text": t.object_shuffled} for i, t in enumerate(texts)]
    ann_file = root / "train.json"
    ann_file.write_text(json.dumps(records))
    return ann_file, video_root


def loader_settings(root: Path, profile: str) -> dict:
    """batch_size, num_workers, persistent_workers of experiments/_base_/schedules/<profile>.py."""
    loader = Config.fromfile(str(root / "experiments" / "_base_" / "schedules" / f"{profile}.py")).train_dataloader
    return {"batch_size": loader.batch_size, "num_workers": loader.num_workers,
            "persistent_workers": bool(loader.get("persistent_workers", False)) and loader.num_workers > 0}


@pytest.mark.benchmark(group="input-pipeline")
@pytest.mark.parametrize(("name", "profile", "backbone_name", "num_frames", "size", "batches", "step_batch",
                          "cached", "rounds"), CASES, ids=[c[0] for c in CASES])
def test_input_pipeline(paired, make_model, make_action_texts, write_clip, pytestconfig, tmp_path, name, profile,
                        backbone_name, num_frames, size, batches, step_batch, cached, rounds):
    settings = loader_settings(pytestconfig.rootpath, profile)
    texts = make_action_texts(batches * settings["batch_size"])
    ann_file, video_root = write_actionbench_ssv2(tmp_path, texts, num_frames, size, write_clip)
    transform = dict(image_size=size, train=not cached)  # the synthetic profile caches un-jittered clips
    dataset = ActionBenchSSv2Dataset(ann_file, video_root, transform=transform, seed=0)
    if cached:
        dataset = CachedFeatureDataset(dataset, backbone=dict(type=backbone_name), cache_root=str(tmp_path / "cache"),
                                       batch_size=settings["batch_size"], progress=False)
    loader = DataLoader(dataset, collate_fn=collate, **settings)

    def epoch() -> int:
        return sum(len(batch["index"]) for batch in loader)

    model = make_model(backbone_name, objectives=OBJECTIVES).train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-5, weight_decay=0.05)
    step_batch = step_batch or settings["batch_size"]
    batch = collate([dataset[i] for i in range(step_batch)])

    def train_step() -> torch.Tensor:
        loss = sum(model(mode="loss", **batch).values())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.detach()

    assert epoch() == len(dataset)  # untimed: workers start, files enter the page cache
    clips, loss = paired.run(epoch, train_step, rounds=rounds)
    assert clips == len(dataset)
    assert torch.isfinite(loss)
    if paired.enabled:
        loader_rate = clips / statistics.median(paired.ours_times)
        step_rate = step_batch / statistics.median(paired.naive_times)
        verdict = "step-bound (loader keeps up)" if loader_rate >= step_rate else "LOADER-BOUND"
        paired.record_rates(f"input pipeline {name}: loader vs training step", loader_rate, step_rate, "clips/s",
                            verdict, loader=settings, loader_clips=clips, unique_clips=min(clips, UNIQUE_CLIPS),
                            clip=f"{num_frames} frames, {size}x{size} px, 5 fps", transform=transform,
                            cached_features=cached, step_batch=step_batch, step_s_per_clip=1 / step_rate,
                            loader_s_per_clip=1 / loader_rate, objectives=list(OBJECTIVES))

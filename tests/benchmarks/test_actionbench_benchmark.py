"""ActionBench evaluation: one backbone pass per clip serving AA, VR and OR vs one pass per task.

Ours (what `paxion_eval.evaluate` does through the feature cache): `encode_video(v, with_reversed=True)` once, then
the three comparisons. Naive: three separate task evaluations, each encoding the clips and texts it needs: Action
Antonym (a forward pass), Video Reversal (a forward pass and a pass over the reversed clip), Object Replacement (a
forward pass). Both score with a PatchAndFuse model (KP-Perceiver) and the frozen backbone's text encoder; they must
give the same scores and identical accuracies.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from paxion_core.patcher import paired_similarity
from paxion_eval import metrics

NEGATIVE_TEXT = {"aa": "antonym", "or": "object_shuffled"}  # VR's negative is the reversed clip
TASKS = ("aa", "vr", "or")
CASES = [  # backbone, clips, timed rounds, warm-up rounds
    ("internvideo-tiny", 16, 3, 1),
    ("singularity-tiny", 16, 3, 1),
    ("clipvip-tiny", 16, 3, 1),
    ("internvideo-mm-l14", 1, 1, 0),
    ("singularity-temporal-17m", 1, 1, 0),
    ("clipvip-b32", 1, 1, 0),
]


def accuracy(task: str, pos: torch.Tensor, neg: torch.Tensor) -> dict:
    """The evaluation rule of `paxion_eval.evaluate.evaluate_actionbench` (seeded coin on VR near-ties)."""
    acc, correct = metrics.actionbench_accuracy(pos.numpy(), neg.numpy(), tie_tol=1e-5 if task == "vr" else 0.0)
    return {"accuracy": acc, "correct": correct, "pos": pos, "neg": neg}


@pytest.mark.benchmark(group="actionbench-evaluation")
@pytest.mark.parametrize(("name", "clips", "rounds", "warmup"), CASES, ids=[c[0] for c in CASES])
def test_actionbench_one_pass(paired, make_model, make_video, make_action_texts, name, clips, rounds, warmup):
    model = make_model(name, stage="patcher").eval()
    backbone = model.backbone
    video = make_video(backbone, clips)
    texts = make_action_texts(clips)
    # token ids (not strings) bypass the text memo, so every round encodes its texts for real
    ids = {kind: backbone.tokenize([getattr(t, kind) for t in texts])
           for kind in ("text", "antonym", "object_shuffled")}

    def embed(clip: torch.Tensor) -> torch.Tensor:
        return model.video_embedding(model.backbone_features(clip))

    @torch.no_grad()
    def ours() -> dict:
        features = model.backbone_features(video, with_reversed=True)
        video_emb, reversed_emb = model.video_embedding(features), model.video_embedding(features.reversed)
        text_emb = model.text_embedding(ids["text"])
        pos = paired_similarity(video_emb, text_emb)
        negatives = {"aa": paired_similarity(video_emb, model.text_embedding(ids["antonym"])),
                     "vr": paired_similarity(reversed_emb, text_emb),
                     "or": paired_similarity(video_emb, model.text_embedding(ids["object_shuffled"]))}
        return {task: accuracy(task, pos, negatives[task]) for task in TASKS}

    @torch.no_grad()
    def naive() -> dict:
        result = {}
        for task in TASKS:  # three independent evaluations
            video_emb = embed(video)
            text_emb = model.text_embedding(ids["text"])
            if task == "vr":
                neg = paired_similarity(embed(video.flip(1)), text_emb)
            else:
                neg = paired_similarity(video_emb, model.text_embedding(ids[NEGATIVE_TEXT[task]]))
            result[task] = accuracy(task, paired_similarity(video_emb, text_emb), neg)
        return result

    mine, theirs = paired.run(ours, naive, rounds=rounds, warmup_rounds=warmup)
    for task in TASKS:
        for side in ("pos", "neg"):
            torch.testing.assert_close(mine[task][side], theirs[task][side], rtol=1e-4, atol=1e-5,
                                       msg=lambda m, task=task, side=side: f"{name} {task} {side} scores: {m}")
        np.testing.assert_array_equal(mine[task]["correct"], theirs[task]["correct"], err_msg=f"{name} {task}")
        assert mine[task]["accuracy"] == theirs[task]["accuracy"], (name, task)
    paired.record(f"ActionBench AA+VR+OR: {name}, {clips} clip(s)", ">= 2.5", backbone=name, clips=clips,
                  accuracy={task: mine[task]["accuracy"] for task in TASKS},
                  backbone_video_passes={"ours": "1 (with_reversed=True)", "naive": 4})

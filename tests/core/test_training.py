"""Training through mmengine's Runner on cached backbone features: weights hand-over and resume."""

import json

import numpy as np
import pytest
import torch
from mmengine.config import Config

from paxion_core.data import write_video
from paxion_core.features import FeatureCache
from paxion_core.training import logged_losses, train
from paxion_core.weights import WEIGHTS_FILE

EXPERIMENTS = __import__("pathlib").Path(__file__).parents[2] / "experiments"


@pytest.fixture
def ssv2(tmp_path):
    """Eight 8-frame 32-px videos (decord mis-decodes 16-px ones) and an ActionBench-SSv2 annotation file."""
    rng = np.random.default_rng(0)
    root = tmp_path / "videos"
    records = []
    for i in range(8):
        write_video(root / f"{i}.mp4", rng.integers(0, 255, (8, 32, 32, 3), dtype=np.uint8), fps=5)
        obj = ["ball", "cup", "box", "pen"][i % 4]
        records.append({"id": i, "label": f"pushing {obj} from left to right", "placeholders": [obj],
                        "template": "Pushing [something] from left to right",
                        "label_action_antonym_clip_text": f"pushing {obj} from right to left",
                        "template_action_antonym_clip_text": "Pushing something from right to left",
                        "label_object_shuffled_clip_text": "pushing shoe from left to right"})
    ann = tmp_path / "train.json"
    ann.write_text(json.dumps(records))
    return ann, root


def config(ssv2, work_dir, max_iters):
    ann, root = ssv2
    cfg = Config.fromfile(str(EXPERIMENTS / "synthetic" / "actionbench" / "kp_perceiver_vtc_dvdm.py"))
    backbone = dict(type="example-vit")
    cfg.merge_from_dict({
        "model.backbone": backbone,
        "model.patcher": dict(type="perceiver", num_latents=4, heads=2, dim_head=8),
        "train_dataloader.batch_size": 4,
        "train_dataloader.dataset": dict(
            type="CachedFeatureDataset", backbone=backbone, cache_root=str(work_dir.parent / "cache"), progress=False,
            dataset=dict(type="ActionBenchSSv2Dataset", ann_file=str(ann), video_root=str(root),
                         transform=dict(image_size=16))),
        "train_cfg.max_iters": max_iters,
        "param_scheduler.0.end": max_iters,
        "default_hooks.checkpoint.interval": 3,
        "default_hooks.logger.interval": 1,
        "work_dir": str(work_dir),
    })
    return cfg


def test_train_writes_trainable_weights_and_resumes(ssv2, tmp_path):
    work = tmp_path / "run"
    weights = train(config(ssv2, work, max_iters=3))
    assert weights == work / WEIGHTS_FILE
    state = torch.load(weights, weights_only=True)
    assert state and all(key.startswith("patcher.") for key in state)  # the frozen backbone is not handed over
    assert len(FeatureCache(next((tmp_path / "cache").iterdir()))) == 8

    train(config(ssv2, work, max_iters=5), resume=True)
    logs = "".join(p.read_text() for p in work.glob("*/*.log"))
    assert "resumed" in logs.lower()  # continued from iteration 3 instead of starting over
    last = torch.load(work / "iter_5.pth", weights_only=False)  # our own checkpoint: trusted
    assert last["meta"]["iter"] == 5
    assert not torch.equal(torch.load(weights, weights_only=True)["patcher.latents"], state["patcher.latents"])


def losses(work_dir):
    return [loss for _, loss in logged_losses(work_dir)]


def test_a_run_that_builds_the_feature_cache_trains_like_a_rerun(ssv2, tmp_path):
    """Building the cache (a random backbone, a DataLoader) must not shift the training run's random numbers."""
    train(config(ssv2, tmp_path / "cold", max_iters=3))
    train(config(ssv2, tmp_path / "warm", max_iters=3))
    cold, warm = losses(tmp_path / "cold"), losses(tmp_path / "warm")
    assert len(cold) == 3 and cold[0] != cold[-1]
    assert cold == warm


@pytest.mark.filterwarnings("ignore:Dynamo does not know how to trace")
def test_compile_option_trains_the_same_losses(ssv2, tmp_path):
    """`--cfg-options compile=...` goes to mmengine, which compiles `train_step` (backend eager: no C compiler).
    Losses are compared, not weights: AdamW's first steps move every weight by ±lr, whatever the size of its
    gradient, so a gradient of 1e-9 that rounds the other way flips a weight."""
    train(config(ssv2, tmp_path / "plain", max_iters=3))
    cfg = config(ssv2, tmp_path / "compiled", max_iters=3)
    train(cfg, cfg_options={"compile": {"backend": "eager"}})
    assert "compiled" in "".join(p.read_text() for p in (tmp_path / "compiled").glob("*/*.log"))
    assert losses(tmp_path / "compiled") == pytest.approx(losses(tmp_path / "plain"), rel=1e-4)


def test_text_only_pretraining_locks_the_vision_side(toy_backbone):
    from paxion_core.training import BackbonePretrainer, text_parameter_names

    text = set(text_parameter_names(toy_backbone))
    assert text == {"token_embed.weight", "text_proj.weight"}
    model = BackbonePretrainer(toy_backbone, trainable="text").train()
    before = {n: p.detach().clone() for n, p in toy_backbone.named_parameters()}
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=1.0)
    model(video=torch.randn(4, 1, 3, 16, 16), text=["a b", "c d", "e f", "g h"])["loss_pretrain"].backward()
    optimizer.step()
    changed = {n for n, p in toy_backbone.named_parameters() if not torch.equal(p, before[n])}
    assert changed == text
    with pytest.raises(ValueError, match="trainable"):
        BackbonePretrainer(toy_backbone, trainable="vision")


def test_text_only_pretraining_encodes_each_frame_once(toy_backbone, monkeypatch):
    from paxion_core.training import BackbonePretrainer

    model = BackbonePretrainer(toy_backbone, trainable="text").train()
    frames = torch.randn(6, 1, 3, 16, 16)
    expected = toy_backbone.eval().encode_video(frames).pooled
    encoded = []
    encode = toy_backbone.encode_video
    monkeypatch.setattr(toy_backbone, "encode_video", lambda video: encoded.append(len(video)) or encode(video))
    first = model.locked_image_embedding(frames[:4], torch.arange(4))
    again = model.locked_image_embedding(frames[[3, 5, 1]], torch.tensor([3, 5, 1]))
    assert encoded == [4, 1]  # only sample 5 was new
    torch.testing.assert_close(first, expected[:4])
    torch.testing.assert_close(again, expected[[3, 5, 1]])
    model.locked_image_embedding(frames[:2], None)  # no index: nothing to memoise by
    assert encoded == [4, 1, 2]


def test_language_batches_pull_paraphrases_together_and_antonyms_apart(toy_backbone):
    from paxion_core.training import BackbonePretrainer

    model = BackbonePretrainer(toy_backbone, trainable="text").train()
    batch = dict(language_text=["slides left", "lifts it"], language_paraphrase=["moves left", "raises it"],
                 language_antonym=["moves right", "lowers it"])
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.05)
    first = None
    for _ in range(30):
        losses = model(**batch)
        assert set(losses) == {"loss_language"}
        first = first if first is not None else losses["loss_language"].item()
        optimizer.zero_grad()
        losses["loss_language"].backward()
        optimizer.step()
    assert losses["loss_language"].item() < 0.5 * first
    both = model(video=torch.randn(2, 1, 3, 16, 16), text=["a", "b"], index=torch.arange(2), **batch)
    assert set(both) == {"loss_pretrain", "loss_language"}
    with pytest.raises(ValueError, match="needs `video`"):
        model(text=["a"])


def test_fuser_weights_need_a_model_with_a_fuser(toy_backbone, tmp_path):
    from paxion_core import PatchAndFuse
    from paxion_core.weights import load_weights

    torch.save({"fuser.alpha": torch.zeros(())}, tmp_path / "weights.pth")
    with pytest.raises(ValueError, match="has no fuser.*patch_and_fuse"):
        load_weights(PatchAndFuse(toy_backbone, stage="patcher"), tmp_path / "weights.pth")

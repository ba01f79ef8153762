"""PatchAndFuse: frozen backbone, stages, objectives."""

import pytest
import torch

from paxion_core import KnowledgeFuser, KnowledgePatcher, PatchAndFuse, TransformerPatcher
from paxion_core.model import NonFiniteLossError

TEXTS = ["a red ball", "a blue cube", "a green cone", "a pink star"]
ANTONYMS = ["not a red ball", "not a blue cube", "not a green cone", "not a pink star"]


def batch(n=4):
    return dict(video=torch.randn(n, 8, 3, 16, 16), text=TEXTS[:n], antonym_text=ANTONYMS[:n],
                salient=torch.tensor([True, False, True, True][:n]))


def trainable(model):
    return {name.split(".")[0] for name, p in model.named_parameters() if p.requires_grad}


def test_backbone_is_frozen_and_stays_in_eval(toy_backbone):
    model = PatchAndFuse(toy_backbone, objectives=("vtc", "vac", "atm"))
    model.train()
    assert trainable(model) == {"patcher"}
    assert not model.backbone.training and model.patcher.training
    official = PatchAndFuse(toy_backbone, backbone_train_mode=True).train()
    assert official.backbone.training  # the official code's train-mode dropout, weights still frozen
    assert trainable(official) == {"patcher"}


@pytest.mark.parametrize("backbone_train_mode", [False, True])
def test_dvdm_losses_and_gradients(toy_backbone, backbone_train_mode):
    """The frozen backbone runs under inference_mode; its outputs still feed a trainable patcher."""
    model = PatchAndFuse(toy_backbone, objectives=("vtc", "vac", "atm"), atm_weight=0.4,
                         backbone_train_mode=backbone_train_mode).train()
    losses = model.loss(**batch())
    assert set(losses) == {"loss_vtc", "loss_atm"}
    sum(losses.values()).backward()
    assert model.patcher.latents.grad is not None
    assert all(p.grad is None for p in model.backbone.parameters())


def test_atm_weight_scales_the_atm_term(toy_backbone):
    b = batch()
    losses = []
    for weight in (0.4, 0.8):
        torch.manual_seed(0)
        model = PatchAndFuse(toy_backbone, objectives=("vtc", "atm"), atm_weight=weight).eval()
        losses.append(model.loss(**b)["loss_atm"].item())
    assert losses[1] == pytest.approx(2 * losses[0], rel=1e-5)


@pytest.mark.parametrize(("stage", "patcher", "fuser_type", "emb_shape"), [
    ("backbone", "perceiver", None, (4, 16)),
    ("patcher", "perceiver", None, (4, 16, 16)),
    ("patcher", "transformer", None, (4, 16)),
    ("patch_and_fuse", "perceiver", KnowledgeFuser, (4, 16)),
    ("side_tuning", "perceiver", KnowledgeFuser, (4, 16)),
    ("patcher_finetune", "perceiver", None, (4, 16, 16)),
])
def test_stages(toy_backbone, stage, patcher, fuser_type, emb_shape):
    model = PatchAndFuse(toy_backbone, patcher=patcher, stage=stage).eval()
    assert isinstance(model.patcher, TransformerPatcher if patcher == "transformer" else KnowledgePatcher)
    assert (model.fuser is None) == (fuser_type is None)
    emb = model(mode="tensor", video=torch.randn(4, 8, 3, 16, 16))
    assert emb.shape == emb_shape
    if stage == "backbone":
        assert trainable(model) == set()


def test_side_tuning_uses_the_side_tuning_fuser(toy_backbone):
    assert PatchAndFuse(toy_backbone, stage="side_tuning").fuser.kind == "side_tuning"
    assert PatchAndFuse(toy_backbone, stage="patch_and_fuse").fuser.kind == "xattn"


def test_mcqa_objective(toy_backbone):
    model = PatchAndFuse(toy_backbone, stage="patch_and_fuse", objectives=("mcqa",))
    candidates = [[f"q{i}? a{j}" for j in range(5)] for i in range(2)]
    losses = model.loss(video=torch.randn(2, 8, 3, 16, 16), candidates=candidates, answer=torch.tensor([0, 3]))
    assert set(losses) == {"loss_mcqa"} and torch.isfinite(losses["loss_mcqa"])
    assert model.mcqa_scores(torch.randn(2, 8, 3, 16, 16), candidates).shape == (2, 5)


def test_cached_features_need_the_reversed_clip_for_atm(toy_backbone):
    model = PatchAndFuse(toy_backbone, objectives=("vtc", "atm"))
    b = batch()
    features = toy_backbone.encode_video(b["video"])
    with pytest.raises(ValueError, match="with_reversed=True"):
        model.loss(**{**b, "video": features})
    features = toy_backbone.encode_video(b["video"], with_reversed=True)
    assert torch.isfinite(model.loss(**{**b, "video": features})["loss_atm"])


def test_non_finite_loss_is_a_clear_error(toy_backbone):
    model = PatchAndFuse(toy_backbone)
    with torch.no_grad():
        model.patcher.temperature.fill_(float("nan"))
    with pytest.raises(NonFiniteLossError, match="loss_vtc"):
        model.loss(**batch())


def test_config_errors(toy_backbone):
    with pytest.raises(ValueError, match="unknown stage"):
        PatchAndFuse(toy_backbone, stage="distill")
    with pytest.raises(ValueError, match="unknown objectives"):
        PatchAndFuse(toy_backbone, objectives=("vtc", "itm"))
    with pytest.raises(ValueError, match="antonym_text"):
        PatchAndFuse(toy_backbone, objectives=("vtc", "vac")).loss(video=torch.randn(2, 8, 3, 16, 16), text=TEXTS[:2])

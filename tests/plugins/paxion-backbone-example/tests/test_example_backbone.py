"""The example plugin's own tests: what a backbone plugin should check before it is published.

Run them with `pytest tests/plugins/paxion-backbone-example/tests` once the package is installed.
"""

import argparse

import pytest
import torch

from paxion_backbone_example.model import ExampleViT
from paxion_core import CheckpointError, CheckpointMismatchError, build_backbone, list_backbones


@pytest.fixture
def backbone() -> ExampleViT:
    torch.manual_seed(0)
    return build_backbone("example-vit").eval()


def save_official(model: ExampleViT, path, **extra) -> None:
    """Write `model`'s weights in this example's "official" layout: {"state_dict": {"model.<key>": tensor}}."""
    torch.save({"state_dict": {f"model.{k}": v for k, v in model.state_dict().items()}, **extra}, path)


def test_both_names_come_from_the_example_entry_point():
    specs = {s.name: s for s in list_backbones() if s.plugin == "example"}
    assert sorted(specs) == ["example-fancy", "example-vit"]
    assert specs["example-fancy"].defaults == {"width": 64, "image_size": 32}


def test_video_shapes_and_overrides(backbone):
    features = backbone.encode_video(torch.randn(2, 8, 3, 16, 16))
    assert features.tokens.shape == (2, 8, 4, backbone.token_dim)  # 16 px / 8-px patches: P = 4
    assert features.pooled.shape == (2, backbone.embed_dim)
    assert backbone.project_tokens(features.tokens).shape == (2, 8, 4, backbone.embed_dim)
    wide = build_backbone("example-vit", width=64, image_size=32)
    assert wide.encode_video(torch.randn(1, 8, 3, 32, 32)).tokens.shape == (1, 8, 16, 64)


def test_reversal_shortcut_is_what_a_second_pass_computes(backbone):
    video = torch.randn(2, 8, 3, 16, 16)
    features = backbone.encode_video(video, with_reversed=True)
    second_pass = backbone.forward_video(video.flip(1))
    assert backbone.reversal_flips_tokens
    assert torch.allclose(features.reversed.tokens, second_pass.tokens, atol=1e-5)
    assert torch.allclose(features.reversed.pooled, second_pass.pooled, atol=1e-5)


def test_text_side(backbone):
    texts = ["pushing a cube from left to right", "pushing a cube from right to left", "a"]
    ids = backbone.tokenize(texts)
    assert ids.dtype == torch.long and ids.shape == (3, backbone.context_length)
    assert (ids[2, 1:] == 0).all() and (ids[:, 0] != 0).all()  # 0 = padding
    assert torch.equal(backbone.encode_text(texts), backbone.encode_text(ids))
    assert backbone.encode_text(texts).shape == (3, backbone.embed_dim)
    assert backbone.logit_scale.item() == pytest.approx(14.28, abs=0.01)  # exp(2.659) = 1 / 0.07


def test_official_checkpoint_round_trip(backbone, tmp_path):
    save_official(backbone, tmp_path / "official.pth")
    torch.manual_seed(1)
    fresh = build_backbone("example-vit")
    report = fresh.load_checkpoint(tmp_path / "official.pth")
    assert report.ok and report.loaded == len(backbone.state_dict())
    for key, value in backbone.state_dict().items():
        assert torch.equal(fresh.state_dict()[key], value), key


def test_pickled_objects_need_the_explicit_unsafe_opt_in(backbone, tmp_path):
    save_official(backbone, tmp_path / "with_args.pth", args=argparse.Namespace(lr=1e-5))
    with pytest.raises(CheckpointError, match="weights_only=False"):
        backbone.load_checkpoint(tmp_path / "with_args.pth")
    assert backbone.load_checkpoint(tmp_path / "with_args.pth", weights_only=False).ok


def test_a_checkpoint_of_another_size_is_refused_by_name(backbone, tmp_path):
    save_official(backbone, tmp_path / "official.pth")
    with pytest.raises(CheckpointMismatchError, match=r"mis-shaped patch_embed\.weight"):
        build_backbone("example-vit", width=64).load_checkpoint(tmp_path / "official.pth")

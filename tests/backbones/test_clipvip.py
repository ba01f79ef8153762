"""CLIP-ViP backbone: official architecture and checkpoint format, the proxy attention rule, text, plugin."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from paxion_backbones.clipvip.checkpoint import checkpoint_filter_fn
from paxion_backbones.clipvip.model import (
    CLIPVIP_CONFIGS,
    ClipVipBackbone,
    build_clipvip,
    proxy_guided_attention,
)
from paxion_core import CheckpointError, CheckpointMismatchError, build_backbone, list_backbones

SOT, EOT = 49406, 49407


def official_clipvip_shapes(patch: int, image: int = 224, vision_width: int = 768, vision_layers: int = 12,
                            vision_mlp: int = 3072, text_width: int = 512, text_layers: int = 12,
                            text_mlp: int = 2048, vocab: int = 49408, context: int = 77, proj: int = 512,
                            temporal: int = 12, added_cls: int = 3) -> dict[str, tuple[int, ...]]:
    """Key -> shape of `VidCLIP.state_dict()` (microsoft/XPretrain CLIP-ViP/src/modeling/{VidCLIP,CLIP_ViP}.py:
    CLIPModel with CLIPVisionViPEmbeddings, pre_layrnorm, CLIPEncoder layers, post_layernorm, CLIPTextTransformer,
    bias-free projections, logit_scale; HF's persistent `position_ids` buffers included). Defaults: ViT-B + HF
    CLIP text (openai/clip-vit-base-patch32/16 configs) with `add_cls_num` 3, `temporal_size` 12."""

    def encoder(prefix: str, width: int, layers: int, mlp: int) -> dict[str, tuple[int, ...]]:
        shapes = {}
        for n in range(layers):
            layer = f"{prefix}.encoder.layers.{n}."
            for proj_name in ("q_proj", "k_proj", "v_proj", "out_proj"):
                shapes[f"{layer}self_attn.{proj_name}.weight"] = (width, width)
                shapes[f"{layer}self_attn.{proj_name}.bias"] = (width,)
            for norm in ("layer_norm1", "layer_norm2"):
                shapes[f"{layer}{norm}.weight"] = shapes[f"{layer}{norm}.bias"] = (width,)
            shapes.update({f"{layer}mlp.fc1.weight": (mlp, width), f"{layer}mlp.fc1.bias": (mlp,),
                           f"{layer}mlp.fc2.weight": (width, mlp), f"{layer}mlp.fc2.bias": (width,)})
        return shapes

    positions = (image // patch) ** 2 + 1
    vision, text = "clipmodel.vision_model", "clipmodel.text_model"
    return {
        f"{vision}.embeddings.class_embedding": (vision_width,),
        f"{vision}.embeddings.added_cls": (added_cls, vision_width),
        f"{vision}.embeddings.patch_embedding.weight": (vision_width, 3, patch, patch),
        f"{vision}.embeddings.position_embedding.weight": (positions, vision_width),
        f"{vision}.embeddings.position_ids": (1, positions),
        f"{vision}.embeddings.temporal_embedding": (1, temporal, vision_width),
        f"{vision}.pre_layrnorm.weight": (vision_width,), f"{vision}.pre_layrnorm.bias": (vision_width,),
        **encoder(vision, vision_width, vision_layers, vision_mlp),
        f"{vision}.post_layernorm.weight": (vision_width,), f"{vision}.post_layernorm.bias": (vision_width,),
        f"{text}.embeddings.token_embedding.weight": (vocab, text_width),
        f"{text}.embeddings.position_embedding.weight": (context, text_width),
        f"{text}.embeddings.position_ids": (1, context),
        **encoder(text, text_width, text_layers, text_mlp),
        f"{text}.final_layer_norm.weight": (text_width,), f"{text}.final_layer_norm.bias": (text_width,),
        "clipmodel.visual_projection.weight": (proj, vision_width),
        "clipmodel.text_projection.weight": (proj, text_width),
        "clipmodel.logit_scale": (),
    }


TINY_OFFICIAL = dict(patch=8, image=32, vision_width=96, vision_layers=3, vision_mlp=384, text_width=64,
                     text_layers=3, text_mlp=256, proj=64)
# The CLIP ViT-B/32 and B/16 CLIPModel counts (151,277,313 and 149,620,737) + added_cls 3*768 + temporal 12*768.
FULL_SIZE_PARAMS = {"b32": 151_288_833, "b16": 149_632_257}


def fabricated_official_checkpoint(shapes: dict[str, tuple[int, ...]]) -> dict[str, torch.Tensor]:
    """Random fp16 tensors under the official names; `position_ids` as HF saves them (int64 arange)."""
    return {key: torch.arange(shape[1]).expand(shape).clone() if key.endswith("position_ids")
            else torch.randn(shape).half() for key, shape in shapes.items()}


@pytest.fixture
def tiny() -> ClipVipBackbone:
    return build_clipvip("tiny").eval()


def random_video(model: ClipVipBackbone, batch: int = 2, frames: int = 8) -> torch.Tensor:
    return torch.randn(batch, frames, 3, model.image_size, model.image_size)


# -- full size: architecture and checkpoint keys --------------------------------------------------------------


@pytest.mark.parametrize("size,patch,tokens_per_frame", [("b32", 32, 49), ("b16", 16, 196)])
def test_full_size_matches_official_architecture(size, patch, tokens_per_frame):
    with torch.device("meta"):
        model = build_clipvip(size)
    official = official_clipvip_shapes(patch)
    ours = {key: tuple(value.shape) for key, value in model.state_dict().items()}
    mapped = checkpoint_filter_fn({key: torch.empty(shape, device="meta") for key, shape in official.items()})
    assert {key: tuple(value.shape) for key, value in mapped.items()} == ours
    assert set(official) - set(ours) == {"clipmodel.vision_model.embeddings.position_ids",
                                         "clipmodel.text_model.embeddings.position_ids"}
    expected_params = sum(math.prod(shape) for key, shape in official.items() if not key.endswith("position_ids"))
    assert sum(p.numel() for p in model.parameters()) == expected_params == FULL_SIZE_PARAMS[size]

    features = model.encode_video(torch.empty(2, 8, 3, 224, 224, device="meta"))
    assert features.tokens.shape == (2, 8, tokens_per_frame, 768)
    assert features.pooled.shape == (2, 512)
    assert model.encode_text(torch.ones(2, 7, dtype=torch.long, device="meta")).shape == (2, 512)
    assert (model.token_dim, model.embed_dim, model.num_frames, model.image_size) == (768, 512, 8, 224)
    assert model.pixel_mean == (0.48145466, 0.4578275, 0.40821073)
    assert model.pixel_std == (0.26862954, 0.26130258, 0.27577711)


# -- tiny: loading a fabricated official checkpoint -----------------------------------------------------------


def test_fabricated_official_checkpoint_loads_strictly(tmp_path):
    checkpoint = fabricated_official_checkpoint(official_clipvip_shapes(**TINY_OFFICIAL))
    path = tmp_path / "pretrain_clipvip_tiny.pt"
    torch.save(checkpoint, path)

    model = build_clipvip("tiny")
    report = model.load_checkpoint(str(path))
    assert report.ok and report.loaded == len(checkpoint) - 2
    for key, value in model.state_dict().items():
        assert value.dtype == torch.float32
        torch.testing.assert_close(value, checkpoint[key].float(), rtol=0, atol=0, msg=key)
    loaded_by_factory = build_clipvip("tiny", checkpoint=str(path))
    assert torch.equal(loaded_by_factory.clipmodel.logit_scale, model.clipmodel.logit_scale)


@pytest.mark.parametrize("key,corrupt", [
    ("clipmodel.vision_model.embeddings.added_cls", lambda value: None),
    ("clipmodel.vision_model.embeddings.temporal_embedding", lambda value: value[:, :8]),
])
def test_missing_or_misshaped_key_is_named(tmp_path, key, corrupt):
    checkpoint = fabricated_official_checkpoint(official_clipvip_shapes(**TINY_OFFICIAL))
    replacement = corrupt(checkpoint.pop(key))
    if replacement is not None:
        checkpoint[key] = replacement
    path = tmp_path / "broken.pt"
    torch.save(checkpoint, path)
    with pytest.raises(CheckpointMismatchError, match=key.replace(".", r"\.")) as error:
        build_clipvip("tiny").load_checkpoint(str(path))
    report = error.value.report
    expected = ([key], []) if replacement is None else ([], [key])
    assert (report.missing, [name for name, *_ in report.mismatched]) == expected


def test_non_clipvip_file_is_refused():
    with pytest.raises(CheckpointError, match="clipmodel"):
        checkpoint_filter_fn({"visual.conv1.weight": torch.zeros(1)})


# -- tiny: forward ------------------------------------------------------------------------------------------


def test_tiny_shapes_and_determinism(tiny):
    video = random_video(tiny)
    features = tiny.encode_video(video)
    assert features.tokens.shape == (2, 8, 16, 96) and features.pooled.shape == (2, 64)
    assert features.reversed is None
    torch.testing.assert_close(tiny.encode_video(video).pooled, features.pooled, rtol=0, atol=0)

    torch.manual_seed(7)
    first = build_clipvip("tiny")
    torch.manual_seed(7)
    second = build_clipvip("tiny")
    second_state = second.state_dict()
    for key, value in first.state_dict().items():
        assert torch.equal(value, second_state[key]), key
    torch.manual_seed(8)
    assert not torch.equal(build_clipvip("tiny").clipmodel.visual_projection.weight,
                           first.clipmodel.visual_projection.weight)
    assert tiny.logit_scale.item() == pytest.approx(1 / 0.07, rel=1e-6)  # trained from scratch: CLIP's init
    assert build_clipvip("b32").logit_scale.item() == pytest.approx(math.exp(4.60), rel=1e-6)  # VidCLIP's


def test_patch_tokens_see_only_proxies_and_their_own_frame():
    model = build_clipvip("tiny", vision_layers=1).eval()  # the last hidden state is the first layer's output
    video = random_video(model)
    perturbed = video.clone()
    perturbed[:, 5] += torch.randn_like(perturbed[:, 5])
    before, after = model.encode_video(video), model.encode_video(perturbed)
    others = [t for t in range(8) if t != 5]
    torch.testing.assert_close(after.tokens[:, others], before.tokens[:, others], rtol=0, atol=1e-6)
    assert (after.tokens[:, 5] - before.tokens[:, 5]).abs().max() > 1e-2
    assert (after.pooled - before.pooled).abs().max() > 1e-3  # proxy 0 attends to every frame

    deep = build_clipvip("tiny").eval()  # from the second layer on, frames talk through the proxies
    diff = deep.encode_video(perturbed).tokens[:, 0] - deep.encode_video(video).tokens[:, 0]
    assert diff.abs().max() > 1e-4


def test_proxy_guided_attention_equals_dense_masked_attention():
    m, t, p = 4, 3, 5
    q, k, v = torch.randn(3, 2, 2, m + t * p, 8).unbind(0)
    frame = torch.arange(m + t * p) - m
    frame = torch.where(frame < 0, -1, frame.div(p, rounding_mode="floor"))  # -1 = proxy
    allowed = (frame[:, None] == -1) | (frame[None, :] == -1) | (frame[:, None] == frame[None, :])
    dense = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    torch.testing.assert_close(proxy_guided_attention(q, k, v, m, t), dense, rtol=1e-5, atol=1e-6)


def test_temporal_embedding_is_linearly_interpolated_from_12_positions(tiny):
    embeddings = tiny.clipmodel.vision_model.embeddings
    with torch.no_grad():
        embeddings.temporal_embedding.copy_(torch.arange(12.0)[None, :, None].expand(1, 12, 96))
    ramp = embeddings.temporal_embedding_for(8)[:, 0]
    torch.testing.assert_close(ramp, 1.5 * torch.arange(8.0) + 0.25)  # align_corners=False, as F.interpolate's default
    torch.testing.assert_close(embeddings.temporal_embedding_for(12), embeddings.temporal_embedding[0])


def test_reversed_features_are_a_second_pass_on_the_flipped_clip(tiny):
    video = random_video(tiny)
    # Without a temporal embedding (its init, zeros) the proxies see the frames as a set: order is invisible.
    invariant = tiny.encode_video(video, with_reversed=True)
    torch.testing.assert_close(invariant.reversed.pooled, invariant.pooled, rtol=0, atol=1e-5)

    with torch.no_grad():
        tiny.clipmodel.vision_model.embeddings.temporal_embedding.normal_()
    features = tiny.encode_video(video, with_reversed=True)
    flipped = tiny.encode_video(video.flip(1))
    torch.testing.assert_close(features.reversed.tokens, flipped.tokens, rtol=0, atol=1e-5)
    torch.testing.assert_close(features.reversed.pooled, flipped.pooled, rtol=0, atol=1e-5)
    assert (features.reversed.pooled - features.pooled).abs().max() > 1e-3


def test_wrong_frame_size_is_refused(tiny):
    with pytest.raises(ValueError, match="32x32"):
        tiny.encode_video(torch.randn(1, 8, 3, 64, 64))


def test_project_tokens_is_the_visual_projection_without_post_layernorm(tiny):
    tokens = tiny.encode_video(random_video(tiny)).tokens
    projected = tiny.project_tokens(tokens)
    assert projected.shape == (2, 8, 16, 64)
    torch.testing.assert_close(projected, tokens @ tiny.clipmodel.visual_projection.weight.T)


# -- text ---------------------------------------------------------------------------------------------------


def test_tokenize_pads_with_zeros_to_the_longest_text(tiny):
    ids = tiny.tokenize(["a man is slicing a tomato", "a dog"])
    assert ids.tolist() == [[SOT, 320, 786, 533, 19692, 519, 320, 9867, EOT], [SOT, 320, 1929, EOT, 0, 0, 0, 0, 0]]
    long = tiny.tokenize(["word " * 100])
    assert long.shape == (1, 77) and long[0, -1] == EOT


def test_text_embedding_ignores_padding_and_pools_at_eot(tiny):
    texts = ["a red circle left of a blue square", "a dog"]
    ids = tiny.tokenize(texts)
    batch = tiny.encode_text(ids)
    assert batch.shape == (2, 64)
    torch.testing.assert_close(tiny.encode_text(texts), batch)
    torch.testing.assert_close(tiny.encode_text(["a dog"])[0], batch[1], rtol=0, atol=1e-5)

    after_eot = ids.clone()
    after_eot[1, 4:] = torch.randint(1, 40000, (ids.shape[1] - 4,))
    torch.testing.assert_close(tiny.encode_text(after_eot), batch, rtol=0, atol=1e-5)
    before_eot = ids.clone()
    before_eot[1, 2] = 2368  # another word before EOT does change the embedding
    assert (tiny.encode_text(before_eot)[1] - batch[1]).abs().max() > 1e-3


def test_text_attention_is_causal_and_masks_the_padding(tiny):
    ids = tiny.tokenize(["a red circle left of a blue square", "a dog"])  # row 1: EOT at 3, padding from 4
    hidden, _ = tiny.clipmodel.text_model(ids)

    def hidden_with(position: int, token: int) -> torch.Tensor:
        changed = ids.clone()
        changed[1, position] = token
        return tiny.clipmodel.text_model(changed)[0][1]

    word = hidden_with(2, 2368)
    torch.testing.assert_close(word[:2], hidden[1, :2], rtol=0, atol=1e-6)  # causal: earlier states unchanged
    assert (word[2:4] - hidden[1, 2:4]).abs().amax(dim=-1).gt(1e-3).all()  # later ones up to EOT change
    padding = hidden_with(4, 1125)
    torch.testing.assert_close(padding[:4], hidden[1, :4], rtol=0, atol=1e-6)
    # the official attention mask: later padding positions never attend to padding
    torch.testing.assert_close(padding[5:], hidden[1, 5:], rtol=0, atol=1e-6)


# -- plugin ---------------------------------------------------------------------------------------------------


def test_plugin_registers_three_sizes_and_builds_through_the_entry_point():
    specs = {spec.name: spec for spec in list_backbones() if spec.name.startswith("clipvip")}
    assert set(specs) == {"clipvip-b32", "clipvip-b16", "clipvip-tiny"}
    assert all(spec.plugin == "clipvip" and spec.available for spec in specs.values())
    assert specs["clipvip-b32"].requires == ("ftfy", "regex")

    model = build_backbone("clipvip-tiny")
    assert isinstance(model, ClipVipBackbone) and model.config == CLIPVIP_CONFIGS["tiny"]
    strong_std = model.clipmodel.vision_model.embeddings.position_embedding.weight.std().item()
    official = build_backbone("clipvip-tiny", pos_embed_std=0.02)
    official_std = official.clipmodel.vision_model.embeddings.position_embedding.weight.std().item()
    # tiny defaults to std 1.0 (DESIGN §5: patch tokens must carry position strongly); full sizes keep 0.02
    assert official_std == pytest.approx(0.02, rel=0.2) and strong_std == pytest.approx(1.0, rel=0.2)


def test_factory_rejects_unknown_size_and_fields():
    with pytest.raises(KeyError, match="b32, b16, tiny"):
        build_clipvip("l14")
    with pytest.raises(TypeError, match="pos_embed_sd"):
        build_clipvip("tiny", pos_embed_sd=1.0)

"""InternVideo-MM backbone: official architecture and checkpoint format, forward contract, reversal, plugin."""

import argparse
import math

import pytest
import torch
import torch.nn.functional as F

from paxion_backbones.internvideo import CONFIGS, InternVideoBackbone, InternVideoConfig, build_internvideo
from paxion_backbones.internvideo.checkpoint import official_to_ours, ours_to_official, to_official_checkpoint
from paxion_core import CheckpointError, CheckpointMismatchError, VideoFeatures, build_backbone, list_backbones

TINY = CONFIGS["internvideo-tiny"]

# -- the official architecture, written down from the official code ------------------------------------------------
# clip_utils/utils/clip_vit_only_global.py: VisionTransformer (conv1 Conv3d(3, W, (1, p, p)) without bias,
# class_embedding [W], positional_embedding [(S/p)^2 + 1, W], ln_pre), Transformer (resblocks: attn in_proj/out_proj,
# ln_1, mlp.c_fc/c_proj with 4W hidden, ln_2; temporal_cls_token [1, 1, W]; dpe = depthwise Conv3d(W, W, 3) with bias;
# dec = Extractor: nn.MultiheadAttention, ln_1, ln_2, ln_3, mlp with round(4.0 * W) hidden; balance [W]).
# clip_utils/model.py: VideoIntern (visual_ln_post, visual_proj [W, E], text transformer resblocks, token_embedding,
# positional_embedding [77, Wt], ln_final, text_projection [Wt, E], logit_scale [], text_mask_embedding [1, 1, Wt]).
# vit_only_global_l14: width 1024, 24 layers, patch 14, 224 px, return_list [20, 21, 22, 23] (4 decoders);
# the released checkpoint has E = 768, Wt = 768, 12 text layers, vocabulary 49408.
FULL_PARAMETERS = 478_127_105


def _official_block(prefix: str, width: int, hidden: int, decoder: bool = False) -> dict[str, tuple[int, ...]]:
    shapes = {
        "attn.in_proj_weight": (3 * width, width), "attn.in_proj_bias": (3 * width,),
        "attn.out_proj.weight": (width, width), "attn.out_proj.bias": (width,),
        "ln_1.weight": (width,), "ln_1.bias": (width,), "ln_2.weight": (width,), "ln_2.bias": (width,),
        "mlp.c_fc.weight": (hidden, width), "mlp.c_fc.bias": (hidden,),
        "mlp.c_proj.weight": (width, hidden), "mlp.c_proj.bias": (width,),
    }
    if decoder:
        shapes.update({"ln_3.weight": (width,), "ln_3.bias": (width,)})
    return {prefix + key: shape for key, shape in shapes.items()}


def official_shapes(width: int, layers: int, patch: int, image: int, decoders: int, embed: int, text_width: int,
                    text_layers: int, context: int = 77, vocab: int = 49408) -> dict[str, tuple[int, ...]]:
    """Official VideoIntern state-dict keys (without the `clip.` prefix) -> shapes."""
    shapes = {
        "visual.class_embedding": (width,),
        "visual.positional_embedding": ((image // patch) ** 2 + 1, width),
        "visual.conv1.weight": (width, 3, 1, patch, patch),
        "visual.ln_pre.weight": (width,), "visual.ln_pre.bias": (width,),
        "visual.transformer.temporal_cls_token": (1, 1, width),
        "visual.transformer.balance": (width,),
        "visual_ln_post.weight": (width,), "visual_ln_post.bias": (width,),
        "visual_proj": (width, embed),
        "token_embedding.weight": (vocab, text_width),
        "positional_embedding": (context, text_width),
        "ln_final.weight": (text_width,), "ln_final.bias": (text_width,),
        "text_projection": (text_width, embed),
        "logit_scale": (),
        "text_mask_embedding": (1, 1, text_width),
    }
    for i in range(layers):
        shapes.update(_official_block(f"visual.transformer.resblocks.{i}.", width, 4 * width))
    for j in range(decoders):
        dpe = f"visual.transformer.dpe.{j}."
        shapes.update({dpe + "weight": (width, 1, 3, 3, 3), dpe + "bias": (width,)})
        shapes.update(_official_block(f"visual.transformer.dec.{j}.", width, round(4.0 * width), decoder=True))
    for i in range(text_layers):
        shapes.update(_official_block(f"transformer.resblocks.{i}.", text_width, 4 * text_width))
    return shapes


OFFICIAL_L14 = official_shapes(width=1024, layers=24, patch=14, image=224, decoders=4, embed=768, text_width=768,
                               text_layers=12)
OFFICIAL_TINY = official_shapes(width=TINY.vision_width, layers=TINY.vision_layers, patch=TINY.patch_size,
                                image=TINY.image_size, decoders=len(TINY.decoder_layers), embed=TINY.embed_dim,
                                text_width=TINY.text_width, text_layers=TINY.text_layers)


def fabricate_official(shapes: dict[str, tuple[int, ...]], scale: float = 0.2) -> dict[str, torch.Tensor]:
    """Random tensors under the official names, `clip.`-prefixed as in the Lightning checkpoint."""
    generator = torch.Generator().manual_seed(1)
    return {f"clip.{key}": scale * torch.randn(shape, generator=generator) for key, shape in shapes.items()}


def _shapes(module: torch.nn.Module) -> dict[str, tuple[int, ...]]:
    return {key: tuple(value.shape) for key, value in module.state_dict().items()}


@pytest.fixture(scope="module")
def full_on_meta() -> InternVideoBackbone:
    with torch.device("meta"):
        return InternVideoBackbone(CONFIGS["internvideo-mm-l14"])


@pytest.fixture
def tiny_ckpt(tmp_path):
    path = tmp_path / "InternVideo-MM-tiny.ckpt"
    torch.save({"state_dict": fabricate_official(OFFICIAL_TINY), "epoch": 3, "global_step": 1200}, path)
    return path


@pytest.fixture
def random_tiny(tiny_ckpt) -> InternVideoBackbone:
    """The tiny model with every weight random (the decoders start at zero otherwise, hiding the temporal path)."""
    return build_internvideo("internvideo-tiny", checkpoint=str(tiny_ckpt))


def _video(batch: int = 2) -> torch.Tensor:
    return torch.randn(batch, TINY.num_frames, 3, TINY.image_size, TINY.image_size)


# -- architecture and checkpoint format ----------------------------------------------------------------------------
def test_full_size_parameter_count_matches_the_official_architecture(full_on_meta):
    assert sum(math.prod(shape) for shape in OFFICIAL_L14.values()) == FULL_PARAMETERS
    assert sum(p.numel() for p in full_on_meta.parameters()) == FULL_PARAMETERS
    assert (full_on_meta.embed_dim, full_on_meta.token_dim, full_on_meta.num_frames, full_on_meta.image_size) == \
        (768, 1024, 8, 224)


def test_full_size_keys_and_shapes_after_mapping_equal_the_official_ones(full_on_meta):
    ours = _shapes(full_on_meta)
    mapped = {official_to_ours(key): shape for key, shape in OFFICIAL_L14.items()}
    assert len(mapped) == len(OFFICIAL_L14)  # no two official keys land on the same name
    assert mapped == ours
    assert {ours_to_official(key) for key in ours} == set(OFFICIAL_L14)


def test_mapping_spot_checks():
    assert official_to_ours("visual.conv1.weight") == "visual.patch_embed.weight"
    assert official_to_ours("visual.transformer.dec.3.ln_3.bias") == "temporal.layers.3.ln_kv.bias"
    assert official_to_ours("visual.transformer.dec.3.ln_1.bias") == "temporal.layers.3.ln_1.bias"
    assert official_to_ours("visual.transformer.resblocks.23.mlp.c_fc.weight") == "visual.blocks.23.mlp.c_fc.weight"
    assert official_to_ours("transformer.resblocks.11.attn.in_proj_weight") == "text.blocks.11.attn.in_proj_weight"
    assert official_to_ours("positional_embedding") == "text.pos_embed"
    assert official_to_ours("logit_scale") == "log_logit_scale"
    assert official_to_ours("visual.some_future_key") == "visual.some_future_key"


def test_fabricated_official_checkpoint_loads_strictly(tiny_ckpt):
    model = build_internvideo("internvideo-tiny")
    report = model.load_checkpoint(str(tiny_ckpt))
    assert report.ok and report.loaded == len(OFFICIAL_TINY)
    official = torch.load(tiny_ckpt, weights_only=True)["state_dict"]
    state = model.state_dict()
    for key, value in official.items():
        assert torch.equal(state[official_to_ours(key.removeprefix("clip."))], value), key
    assert torch.equal(model.temporal.layers[1].ln_kv.weight, official["clip.visual.transformer.dec.1.ln_3.weight"])
    assert torch.allclose(model.logit_scale, official["clip.logit_scale"].exp())


def test_round_trip_through_the_official_layout(random_tiny):
    exported = to_official_checkpoint(random_tiny.state_dict())["state_dict"]
    assert {key: tuple(v.shape) for key, v in exported.items()} == {f"clip.{k}": s for k, s in OFFICIAL_TINY.items()}
    fresh = build_internvideo("internvideo-tiny")
    fresh.load_state_dict(fresh.map_checkpoint({"state_dict": exported}))  # strict: every key must land
    video = _video()
    with torch.no_grad():
        assert torch.equal(fresh.encode_video(video).pooled, random_tiny.encode_video(video).pooled)


def _save_variant(tmp_path, tiny_ckpt, edit):
    checkpoint = torch.load(tiny_ckpt, weights_only=True)
    edit(checkpoint["state_dict"])
    path = tmp_path / "variant.ckpt"
    torch.save(checkpoint, path)
    return str(path)


def test_missing_key_is_named(tmp_path, tiny_ckpt):
    path = _save_variant(tmp_path, tiny_ckpt, lambda sd: sd.pop("clip.visual.transformer.balance"))
    with pytest.raises(CheckpointMismatchError, match=r"missing.*temporal\.balance"):
        build_internvideo("internvideo-tiny").load_checkpoint(path)


def test_misshaped_key_is_named(tmp_path, tiny_ckpt):
    def widen(sd):
        sd["clip.visual_proj"] = torch.zeros(TINY.vision_width, TINY.embed_dim + 1)

    path = _save_variant(tmp_path, tiny_ckpt, widen)
    with pytest.raises(CheckpointMismatchError, match=r"mis-shaped visual_proj: checkpoint \[96, 65\] vs model"):
        build_internvideo("internvideo-tiny").load_checkpoint(path)


def test_unexpected_key_keeps_its_official_name(tmp_path, tiny_ckpt):
    path = _save_variant(tmp_path, tiny_ckpt, lambda sd: sd.update({"clip.visual.transformer.proj": torch.zeros(2)}))
    with pytest.raises(CheckpointMismatchError, match=r"unexpected.*visual\.transformer\.proj"):
        build_internvideo("internvideo-tiny").load_checkpoint(path)


def test_pickled_objects_need_the_explicit_unsafe_opt_in(tmp_path):
    path = tmp_path / "lightning.ckpt"
    hyper_parameters = argparse.Namespace(lr=1e-5, backbone="ViT-L/14")  # Lightning stores such objects
    torch.save({"state_dict": fabricate_official(OFFICIAL_TINY), "hyper_parameters": hyper_parameters}, path)
    model = build_internvideo("internvideo-tiny")
    with pytest.raises(CheckpointError, match="weights_only=False"):
        model.load_checkpoint(str(path))
    assert model.load_checkpoint(str(path), weights_only=False).ok


def test_a_checkpoint_without_clip_weights_is_refused(tmp_path):
    path = tmp_path / "other.ckpt"
    torch.save({"state_dict": {"model.encoder.weight": torch.zeros(2)}}, path)
    with pytest.raises(CheckpointError, match="model.encoder.weight"):
        build_internvideo("internvideo-tiny").load_checkpoint(str(path))


# -- the forward pass against the official computation ---------------------------------------------------------------
def _ln(x, sd, prefix):
    return F.layer_norm(x, x.shape[-1:], sd[prefix + "weight"], sd[prefix + "bias"])


def _mha(q, kv, sd, prefix, heads, mask=None):
    """nn.MultiheadAttention in the official [L, N, C] layout."""
    return F.multi_head_attention_forward(
        q, kv, kv, q.shape[-1], heads, sd[prefix + "in_proj_weight"], sd[prefix + "in_proj_bias"], None, None, False,
        0.0, sd[prefix + "out_proj.weight"], sd[prefix + "out_proj.bias"], need_weights=False, attn_mask=mask)[0]


def _mlp(x, sd, prefix):
    x = F.linear(x, sd[prefix + "c_fc.weight"], sd[prefix + "c_fc.bias"])
    return F.linear(x * torch.sigmoid(1.702 * x), sd[prefix + "c_proj.weight"], sd[prefix + "c_proj.bias"])


def _resblock(x, sd, prefix, heads, mask=None):
    x = x + _mha(_ln(x, sd, prefix + "ln_1."), _ln(x, sd, prefix + "ln_1."), sd, prefix + "attn.", heads, mask)
    return x + _mlp(_ln(x, sd, prefix + "ln_2."), sd, prefix + "mlp.")


def official_encode_video(sd, video, config: InternVideoConfig):
    """VideoIntern.encode_video(return_all_feats=True) step by step on official keys; video [N, T, 3, H, W]."""
    x = F.conv3d(video.transpose(1, 2), sd["visual.conv1.weight"], stride=(1, config.patch_size, config.patch_size))
    n, c, t, h, w = x.shape
    x = x.permute(0, 2, 3, 4, 1).reshape(n * t, h * w, c)
    x = torch.cat([sd["visual.class_embedding"] + torch.zeros(n * t, 1, c), x], dim=1)
    x = x + sd["visual.positional_embedding"]
    x = _ln(x, sd, "visual.ln_pre.").permute(1, 0, 2)  # [L, N·T, C]
    length = x.shape[0]
    cls_token = sd["visual.transformer.temporal_cls_token"].repeat(1, n, 1)
    j = -1
    for i in range(config.vision_layers):
        x = _resblock(x, sd, f"visual.transformer.resblocks.{i}.", config.vision_heads)
        if i in config.decoder_layers:
            j += 1
            tmp = x.clone().view(length, n, t, c)
            feats = tmp[1:].permute(1, 3, 2, 0).reshape(n, c, t, h, w)
            feats = F.conv3d(feats, sd[f"visual.transformer.dpe.{j}.weight"], sd[f"visual.transformer.dpe.{j}.bias"],
                             padding=1, groups=c).view(n, c, t, length - 1).permute(3, 0, 2, 1)
            tmp[1:] = tmp[1:] + feats
            memory = _ln(tmp.permute(2, 0, 1, 3).flatten(0, 1), sd, f"visual.transformer.dec.{j}.ln_3.")
            prefix = f"visual.transformer.dec.{j}."
            cls_token = cls_token + _mha(_ln(cls_token, sd, prefix + "ln_1."), memory, sd, prefix + "attn.",
                                         config.vision_heads)
            cls_token = cls_token + _mlp(_ln(cls_token, sd, prefix + "ln_2."), sd, prefix + "mlp.")
    weight = torch.sigmoid(sd["visual.transformer.balance"])
    feats = (1 - weight) * cls_token[0] + weight * x.view(length, n, t, c)[0].mean(1)
    pooled = _ln(feats, sd, "visual_ln_post.") @ sd["visual_proj"]
    return x.view(length, n, t, c).permute(1, 2, 0, 3), pooled  # tokens [N, T, L, C] as Paxion rearranges them


def official_encode_text(sd, ids, config: InternVideoConfig):
    x = (sd["token_embedding.weight"][ids] + sd["positional_embedding"]).permute(1, 0, 2)
    mask = torch.full((ids.shape[1], ids.shape[1]), float("-inf")).triu_(1)
    for i in range(config.text_layers):
        x = _resblock(x, sd, f"transformer.resblocks.{i}.", config.text_heads, mask)
    x = _ln(x.permute(1, 0, 2), sd, "ln_final.")
    return x[torch.arange(ids.shape[0]), ids.argmax(dim=-1)] @ sd["text_projection"]


def test_video_and_text_match_the_official_computation(tiny_ckpt, random_tiny):
    sd = {k.removeprefix("clip."): v for k, v in torch.load(tiny_ckpt, weights_only=True)["state_dict"].items()}
    video = _video(3)
    texts = ["a man is slicing a tomato", "pushing something from left to right"]
    with torch.no_grad():
        features = random_tiny.encode_video(video)
        tokens, pooled = official_encode_video(sd, video, TINY)
        text = random_tiny.encode_text(texts)
        official_text = official_encode_text(sd, random_tiny.tokenize(texts), TINY)
    torch.testing.assert_close(features.tokens, tokens, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(features.pooled, pooled, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(text, official_text, atol=1e-5, rtol=1e-5)


# -- the contract on the tiny model ----------------------------------------------------------------------------------
def test_tiny_forward_shapes():
    model = build_internvideo("internvideo-tiny")
    with torch.no_grad():
        features = model.encode_video(_video(4))
        text = model.encode_text(["a man is slicing a tomato", "a dog"])
    assert features.tokens.shape == (4, 8, 17, TINY.vision_width)
    assert features.pooled.shape == (4, TINY.embed_dim) and features.reversed is None
    assert text.shape == (2, TINY.embed_dim)
    assert model.tokenize(["a dog"]).shape == (1, 77)
    assert model.logit_scale.item() == pytest.approx(1 / 0.07)
    assert model.project_tokens(features.tokens).shape == (4, 8, 17, TINY.embed_dim)
    assert (model.pixel_mean, model.pixel_std) == ((0.48145466, 0.4578275, 0.40821073),
                                                   (0.26862954, 0.26130258, 0.27577711))


def test_tiny_model_is_deterministic_under_a_seed():
    def run(seed):
        torch.manual_seed(seed)
        model = build_internvideo("internvideo-tiny")
        torch.manual_seed(123)
        with torch.no_grad():
            return model.encode_video(_video()).pooled, model.encode_text(["a red circle left of a blue square"])

    first, again, other = run(0), run(0), run(1)
    assert all(torch.equal(a, b) for a, b in zip(first, again, strict=True))
    assert not torch.allclose(first[0], other[0])


def test_tiny_spatial_position_embedding_is_strong():
    torch.manual_seed(0)
    tiny_std = build_internvideo("internvideo-tiny").visual.pos_embed.std().item()
    assert 0.9 < tiny_std < 1.1
    with torch.device("meta"):
        full = InternVideoBackbone(CONFIGS["internvideo-mm-l14"])
    assert full.config.pos_embed_std is None  # official init: width ** -0.5


def test_text_is_pooled_at_eot_under_a_causal_mask(random_tiny):
    ids = random_tiny.tokenize(["a man is slicing a tomato"])
    after_eot, before_eot = ids.clone(), ids.clone()
    after_eot[0, 9:] = 320  # anything after EOT must not matter
    before_eot[0, 2] = 1929
    with torch.no_grad():
        base = random_tiny.encode_text(ids)
        torch.testing.assert_close(random_tiny.encode_text(after_eot), base)
        assert not torch.allclose(random_tiny.encode_text(before_eot), base)
        torch.testing.assert_close(random_tiny.encode_text(["a man is slicing a tomato"]), base)


def test_wrong_frame_size_is_refused():
    with pytest.raises(ValueError, match="32×32"):
        build_internvideo("internvideo-tiny").encode_video(torch.zeros(1, 8, 3, 64, 64))


# -- reversal ----------------------------------------------------------------------------------------------------------
def test_reversed_features_equal_a_naive_pass_on_the_flipped_clip(random_tiny):
    video = _video(3)
    calls = []
    random_tiny.visual.register_forward_hook(lambda *_: calls.append(1))
    with torch.no_grad():
        features = random_tiny.encode_video(video, with_reversed=True)
        assert len(calls) == 1  # the ViT blocks ran once for both directions
        naive = random_tiny.encode_video(video.flip(1))
    assert random_tiny.reversal_flips_tokens and torch.equal(features.reversed.tokens, features.tokens.flip(1))
    torch.testing.assert_close(features.reversed.tokens, naive.tokens, atol=1e-5, rtol=0)
    torch.testing.assert_close(features.reversed.pooled, naive.pooled, atol=1e-5, rtol=0)
    # The temporal path does see the order: reversing moves pooled far more than the tolerance above.
    assert (features.reversed.pooled - features.pooled).abs().max() > 100 * 1e-5


def test_reversal_without_cached_decoder_inputs_falls_back_to_a_full_pass(random_tiny):
    video = _video()
    with torch.no_grad():
        features = random_tiny.encode_video(video)
        plain = VideoFeatures(features.tokens, features.pooled)
        reversed_ = random_tiny.forward_reversed(video, plain)
        naive = random_tiny.encode_video(video.flip(1))
    torch.testing.assert_close(reversed_.pooled, naive.pooled, atol=1e-5, rtol=0)


# -- configuration and plugin ------------------------------------------------------------------------------------------
def test_bad_configs_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="decoder_layers"):
        InternVideoConfig(vision_layers=4, decoder_layers=(3, 4))
    with pytest.raises(ValueError, match="patch_size"):
        InternVideoConfig(image_size=30, patch_size=8)
    with pytest.raises(ValueError, match="text width 100 is not divisible by its 12 heads"):
        InternVideoConfig(text_width=100)
    with pytest.raises(TypeError, match="vision_depth"):
        build_internvideo("internvideo-tiny", vision_depth=2)


def test_plugin_registers_both_sizes_through_the_entry_point():
    specs = {spec.name: spec for spec in list_backbones()}
    for name in ("internvideo-mm-l14", "internvideo-tiny"):
        spec = specs[name]
        assert (spec.plugin, spec.distribution, spec.available) == ("internvideo", "paxion-backbones", True)
        assert spec.requires == ("ftfy", "regex") and spec.install == "pip install 'paxion-backbones[internvideo]'"
    model = build_backbone("internvideo-tiny")
    assert isinstance(model, InternVideoBackbone) and model.config == TINY and not model.training
    shallower = build_backbone("internvideo-tiny", vision_layers=2, decoder_layers=[0, 1])
    assert len(shallower.visual.blocks) == 2 and shallower.config.decoder_layers == (0, 1)

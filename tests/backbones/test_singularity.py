"""Singularity-temporal-17M backbone: architecture vs. the official code, checkpoint mapping, tokenizer, contract.

The official key names and shapes below are written out from the official code (Hugging Face `BeitModel` v4 as
Singularity's `build_huggingface_vit_with_image_size` builds it, `xbert.BertEncoder` / `BertForMaskedLM`, and
`SingularityRetrievalBase`), independently of our mapping table.
"""

from __future__ import annotations

import hashlib

import pytest
import torch

from paxion_backbones.singularity import (
    SIZES,
    BertWordPieceTokenizer,
    SingularityBackbone,
    SingularityConfig,
    VocabularyError,
    build_singularity,
    load_vocab,
)
from paxion_backbones.singularity.tokenizer import VOCAB_SHA256
from paxion_core import CheckpointMismatchError, VideoFeatures, build_backbone, list_backbones
from paxion_core.checkpoint import CheckpointError

FULL = SIZES["singularity-temporal-17m"]
TINY = SIZES["singularity-tiny"]
# Parameters of the official retrieval model (BEiT-B/16 85,761,984 + temporal encoder 14,175,744 + BERT with
# cross-attention in layers 9-11 115,983,360 + vision LN, temporal embedding, projections, itm_head, temp).
FULL_PARAMS = 216_324_035
CKPT_FRAMES = 4  # the released checkpoint's temporal embedding length
OFFICIAL_BUFFER_SUFFIXES = ("relative_position_index", "position_ids")


# -- the official architecture, written out ---------------------------------------------------------------------------
def _linear(d: dict, name: str, out_dim: int, in_dim: int, bias: bool = True) -> None:
    d[f"{name}.weight"] = (out_dim, in_dim)
    if bias:
        d[f"{name}.bias"] = (out_dim,)


def _layernorm(d: dict, name: str, dim: int) -> None:
    d[f"{name}.weight"], d[f"{name}.bias"] = (dim,), (dim,)


def _bert_layer(d: dict, prefix: str, width: int, context_width: int | None = None) -> None:
    """xbert.BertLayer: self-attention (+ cross-attention to `context_width` inputs), FFN; post-LN."""
    for kind, kv_width in (("attention", width), ("crossattention", context_width)):
        if kv_width is None:
            continue
        _linear(d, f"{prefix}{kind}.self.query", width, width)
        _linear(d, f"{prefix}{kind}.self.key", width, kv_width)
        _linear(d, f"{prefix}{kind}.self.value", width, kv_width)
        _linear(d, f"{prefix}{kind}.output.dense", width, width)
        _layernorm(d, f"{prefix}{kind}.output.LayerNorm", width)
    _linear(d, f"{prefix}intermediate.dense", 4 * width, width)
    _linear(d, f"{prefix}output.dense", width, 4 * width)
    _layernorm(d, f"{prefix}output.LayerNorm", width)


def official_shapes(cfg, ckpt_frames: int = CKPT_FRAMES) -> dict[str, tuple[int, ...]]:
    """Key -> shape of the official pre-training checkpoint's `model` state dict for config `cfg`."""
    d: dict[str, tuple[int, ...]] = {}
    vw, tw, grid = cfg.vision_width, cfg.text_width, cfg.image_size // cfg.patch_size
    tokens = grid**2 + 1
    d["vision_encoder.embeddings.cls_token"] = (1, 1, vw)
    if cfg.abs_pos_embed_std is not None:  # BeitConfig.use_absolute_position_embeddings
        d["vision_encoder.embeddings.position_embeddings"] = (1, tokens, vw)
    d["vision_encoder.embeddings.patch_embeddings.projection.weight"] = (vw, 3, cfg.patch_size, cfg.patch_size)
    d["vision_encoder.embeddings.patch_embeddings.projection.bias"] = (vw,)
    for i in range(cfg.vision_layers):
        pre = f"vision_encoder.encoder.layer.{i}."
        d[pre + "lambda_1"], d[pre + "lambda_2"] = (vw,), (vw,)
        _linear(d, pre + "attention.attention.query", vw, vw)
        _linear(d, pre + "attention.attention.key", vw, vw, bias=False)
        _linear(d, pre + "attention.attention.value", vw, vw)
        rel = pre + "attention.attention.relative_position_bias."
        d[rel + "relative_position_bias_table"] = ((2 * grid - 1) ** 2 + 3, cfg.vision_heads)
        d[rel + "relative_position_index"] = (tokens, tokens)
        _linear(d, pre + "attention.output.dense", vw, vw)
        _linear(d, pre + "intermediate.dense", 4 * vw, vw)
        _linear(d, pre + "output.dense", vw, 4 * vw)
        _layernorm(d, pre + "layernorm_before", vw)
        _layernorm(d, pre + "layernorm_after", vw)
    _layernorm(d, "vision_encoder.pooler.layernorm", vw)
    _layernorm(d, "vision_layernorm", vw)
    d["temporal_embeddings"] = (1, ckpt_frames, 1, vw)
    for i in range(cfg.temporal_layers):
        _bert_layer(d, f"temporal_vision_encoder.layer.{i}.", vw)
    d["text_encoder.bert.embeddings.position_ids"] = (1, cfg.max_positions)
    d["text_encoder.bert.embeddings.word_embeddings.weight"] = (cfg.vocab_size, tw)
    d["text_encoder.bert.embeddings.position_embeddings.weight"] = (cfg.max_positions, tw)
    d["text_encoder.bert.embeddings.token_type_embeddings.weight"] = (cfg.type_vocab_size, tw)
    _layernorm(d, "text_encoder.bert.embeddings.LayerNorm", tw)
    for i in range(cfg.text_layers):
        _bert_layer(d, f"text_encoder.bert.encoder.layer.{i}.", tw, vw if i >= cfg.fusion_layer else None)
    # BertForMaskedLM's MLM head (pre-training only)
    d["text_encoder.cls.predictions.bias"] = (cfg.vocab_size,)
    _linear(d, "text_encoder.cls.predictions.transform.dense", tw, tw)
    _layernorm(d, "text_encoder.cls.predictions.transform.LayerNorm", tw)
    _linear(d, "text_encoder.cls.predictions.decoder", cfg.vocab_size, tw)
    _linear(d, "vision_proj", cfg.embed_dim, vw)
    _linear(d, "text_proj", cfg.embed_dim, tw)
    _linear(d, "itm_head", 2, tw)
    d["temp"] = ()
    return d


def retrieval_params(shapes: dict[str, tuple[int, ...]]) -> int:
    """Parameter count of the retrieval model: no buffers, no MLM head, temporal embedding at the model's length."""
    return sum(torch.Size(s).numel() for k, s in shapes.items()
               if not k.endswith(OFFICIAL_BUFFER_SUFFIXES) and not k.startswith("text_encoder.cls."))


def fabricate_checkpoint(cfg, seed: int = 0, ckpt_frames: int = CKPT_FRAMES) -> dict:
    """A random official-format checkpoint {"model": {...}} for `cfg` (LayerNorm weights near 1, others small)."""
    gen = torch.Generator().manual_seed(seed)
    state = {}
    for key, shape in official_shapes(cfg, ckpt_frames).items():
        if key.endswith(OFFICIAL_BUFFER_SUFFIXES):
            state[key] = torch.randint(0, 10, shape, generator=gen)
        elif "norm" in key.lower() and key.endswith(".weight"):
            state[key] = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        else:
            state[key] = 0.1 * torch.randn(shape, generator=gen)
    state["temp"] = torch.tensor(0.05)
    return {"model": state, "epoch": 9, "config": {"note": "fabricated"}}


@pytest.fixture(scope="module")
def tiny() -> SingularityBackbone:
    torch.manual_seed(0)
    model = build_singularity("singularity-tiny")
    with torch.no_grad():  # a temporal embedding that is not zero, so that frame order matters
        model.temporal_embed.normal_(0, 1.0, generator=torch.Generator().manual_seed(3))
    return model


def _video(batch: int = 2, frames: int = 8, size: int = 32, seed: int = 1) -> torch.Tensor:
    return torch.randn(batch, frames, 3, size, size, generator=torch.Generator().manual_seed(seed))


# -- architecture and checkpoints -------------------------------------------------------------------------------------
def test_full_size_matches_official_architecture():
    with torch.device("meta"):
        model = SingularityBackbone(FULL)
    shapes = official_shapes(FULL)
    fake = {"model": {k: torch.empty(s, device="meta") for k, s in shapes.items()}}
    mapped = model.map_checkpoint(fake)
    ours = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert {k: tuple(v.shape) for k, v in mapped.items()} == ours
    n_params = sum(p.numel() for p in model.parameters())
    assert n_params == retrieval_params(official_shapes(FULL, ckpt_frames=FULL.num_frames)) == FULL_PARAMS
    assert (model.embed_dim, model.token_dim, model.num_frames, model.image_size) == (256, 768, 8, 224)
    assert model.config.tokens_per_frame == 197
    # Paxion normalises every backbone's frames with CLIP's mean/std (its processors), Singularity included
    assert model.pixel_mean == (0.48145466, 0.4578275, 0.40821073)
    assert model.pixel_std == (0.26862954, 0.26130258, 0.27577711)


def test_official_checkpoint_loads_strictly_into_tiny(tmp_path):
    ckpt = fabricate_checkpoint(TINY)
    path = tmp_path / "singularity_temporal_tiny.pth"
    torch.save(ckpt, path)
    model = SingularityBackbone(TINY)
    report = model.load_checkpoint(str(path))
    official = ckpt["model"]
    assert report.ok and report.loaded == len(model.state_dict())
    expected = {  # official key -> ours, spot checks of every renaming rule
        "vision_encoder.embeddings.cls_token": "vision.cls_token",
        "vision_encoder.embeddings.position_embeddings": "vision.pos_embed",
        "vision_encoder.embeddings.patch_embeddings.projection.weight": "vision.patch_embed.weight",
        "vision_encoder.encoder.layer.1.attention.attention.query.weight": "vision.blocks.1.attn.q.weight",
        "vision_encoder.encoder.layer.1.attention.attention.key.weight": "vision.blocks.1.attn.k.weight",
        "vision_encoder.encoder.layer.1.attention.attention.value.bias": "vision.blocks.1.attn.v.bias",
        "vision_encoder.encoder.layer.2.attention.attention.relative_position_bias.relative_position_bias_table":
            "vision.blocks.2.rel_pos.table",
        "vision_encoder.encoder.layer.0.attention.output.dense.weight": "vision.blocks.0.attn.proj.weight",
        "vision_encoder.encoder.layer.0.lambda_1": "vision.blocks.0.gamma1",
        "vision_encoder.encoder.layer.0.lambda_2": "vision.blocks.0.gamma2",
        "vision_encoder.encoder.layer.2.layernorm_after.bias": "vision.blocks.2.norm2.bias",
        "vision_encoder.encoder.layer.2.intermediate.dense.weight": "vision.blocks.2.mlp.fc1.weight",
        "vision_encoder.encoder.layer.2.output.dense.weight": "vision.blocks.2.mlp.fc2.weight",
        "vision_encoder.pooler.layernorm.weight": "vision.pool_norm.weight",
        "vision_layernorm.bias": "vision_norm.bias",
        "temporal_vision_encoder.layer.1.attention.self.key.weight": "temporal.1.attn.k.weight",
        "temporal_vision_encoder.layer.0.output.LayerNorm.weight": "temporal.0.mlp_norm.weight",
        "text_encoder.bert.embeddings.word_embeddings.weight": "text.token_embed.weight",
        "text_encoder.bert.embeddings.token_type_embeddings.weight": "text.type_embed.weight",
        "text_encoder.bert.embeddings.LayerNorm.weight": "text.embed_norm.weight",
        "text_encoder.bert.encoder.layer.0.attention.self.query.weight": "text.layers.0.attn.q.weight",
        "text_encoder.bert.encoder.layer.2.attention.output.LayerNorm.bias": "text.layers.2.attn_norm.bias",
        "text_encoder.bert.encoder.layer.3.crossattention.self.value.weight": "text.layers.3.cross_attn.v.weight",
        "text_encoder.bert.encoder.layer.3.crossattention.output.dense.bias": "text.layers.3.cross_attn.proj.bias",
        "text_encoder.bert.encoder.layer.3.crossattention.output.LayerNorm.weight": "text.layers.3.cross_norm.weight",
        "text_encoder.bert.encoder.layer.1.intermediate.dense.bias": "text.layers.1.mlp.fc1.bias",
        "itm_head.weight": "itm_head.weight",
        "temp": "temp",
    }
    state = model.state_dict()
    for official_key, our_key in expected.items():
        assert torch.equal(state[our_key], official[official_key]), (official_key, our_key)
    # temporal embedding: the checkpoint's 4 frames, then zeros up to num_frames = 8
    assert torch.equal(model.temporal_embed[:CKPT_FRAMES], official["temporal_embeddings"][0, :, 0])
    assert torch.count_nonzero(model.temporal_embed[CKPT_FRAMES:]) == 0
    assert model.logit_scale.item() == pytest.approx(1 / 0.05)


def test_temporal_embedding_is_cropped_when_checkpoint_has_more_frames():
    ckpt = fabricate_checkpoint(TINY, ckpt_frames=12)
    mapped = SingularityBackbone(TINY).map_checkpoint(ckpt)
    assert torch.equal(mapped["temporal_embed"], ckpt["model"]["temporal_embeddings"][0, :8, 0])


@pytest.mark.parametrize("damage, named", [
    ("drop", "vision.blocks.1.attn.q.weight"),
    ("reshape", "text_proj.weight"),
])
def test_bad_checkpoint_names_the_key(tmp_path, damage, named):
    ckpt = fabricate_checkpoint(TINY)
    if damage == "drop":
        del ckpt["model"]["vision_encoder.encoder.layer.1.attention.attention.query.weight"]
    else:
        ckpt["model"]["text_proj.weight"] = torch.zeros(TINY.embed_dim, TINY.text_width + 1)
    path = tmp_path / "bad.pth"
    torch.save(ckpt, path)
    with pytest.raises(CheckpointMismatchError) as err:
        SingularityBackbone(TINY).load_checkpoint(str(path))
    assert named in str(err.value)
    assert ("missing" if damage == "drop" else "mis-shaped") in str(err.value)


def test_own_state_dict_round_trips(tiny, tmp_path):
    path = tmp_path / "tiny_pretrained.pth"
    torch.save(tiny.state_dict(), path)
    model = build_singularity("singularity-tiny", checkpoint=str(path))
    assert all(torch.equal(v, tiny.state_dict()[k]) for k, v in model.state_dict().items())


def test_non_singularity_checkpoint_is_refused():
    with pytest.raises(CheckpointError, match="not an official Singularity checkpoint"):
        SingularityBackbone(TINY).map_checkpoint({"state_dict": {"visual.proj": torch.zeros(1)}})


# Reference outputs computed once with Hugging Face transformers (BeitModel, BertEncoder, BertModel loaded with
# `fabricate_checkpoint(TINY, seed=0)` in official key names and run as Singularity's encode_image / encode_text do).
HF_TOKENS_SLICE = [[-0.25481, -0.469974, 0.362359], [-0.753856, 0.969135, 0.368321]]  # tokens[b, 7, 16, :3], b=0,1
HF_POOLED = [[-0.654874, 0.632893, -0.467864, 0.555499], [-0.313125, 0.381449, -0.709022, 0.306036]]
HF_TEXT = [[0.561804, 0.677551, -0.531053, 0.293717], [0.287213, 0.30872, -1.292589, 0.828462]]


def test_outputs_match_the_reference_implementation():
    model = SingularityBackbone(TINY).eval()
    model.load_state_dict(model.map_checkpoint(fabricate_checkpoint(TINY)))
    with torch.no_grad():
        features = model.encode_video(_video(seed=5))
        text = model.encode_text(["a man is slicing", "Pushing something from left to right"])
    assert torch.allclose(features.tokens[:, 7, 16, :3], torch.tensor(HF_TOKENS_SLICE), atol=1e-4)
    assert torch.allclose(features.pooled[:, :4], torch.tensor(HF_POOLED), atol=1e-4)
    assert torch.allclose(text[:, :4], torch.tensor(HF_TEXT), atol=1e-4)


# -- forward ----------------------------------------------------------------------------------------------------------
def test_tiny_forward_shapes_and_determinism(tiny):
    video = _video()
    with torch.no_grad():
        first, second = tiny.encode_video(video), tiny.encode_video(video)
        text = tiny.encode_text(["a man is slicing", "a red circle left of a blue square"])
        projected = tiny.project_tokens(first.tokens)
        itm = tiny.itm_logits(["a man is slicing", "a man is slicing"], first.tokens)
    assert first.tokens.shape == (2, 8, 17, 96) and first.pooled.shape == (2, 64) and first.reversed is None
    assert text.shape == (2, 64) and projected.shape == (2, 8, 17, 64) and itm.shape == (2, 2)
    assert torch.equal(first.tokens, second.tokens) and torch.equal(first.pooled, second.pooled)
    assert not torch.allclose(first.tokens[0], first.tokens[1])
    assert not torch.allclose(itm[0], itm[1])  # the fusion layers read the video tokens


def test_frames_are_encoded_independently_and_time_order_reaches_the_tokens(tiny):
    video = _video()
    swapped = video.clone()
    swapped[:, [0, 1]] = video[:, [1, 0]]
    with torch.no_grad():
        frames, pooled = tiny.encode_frames(video)
        frames_swapped, pooled_swapped = tiny.encode_frames(swapped)
        tokens, tokens_swapped = tiny.temporal_encode(frames), tiny.temporal_encode(frames_swapped)
    assert torch.allclose(frames_swapped[:, [1, 0]], frames[:, [0, 1]], atol=1e-6)
    assert torch.allclose(pooled, pooled_swapped, atol=1e-6)  # a mean over per-frame features
    assert not torch.allclose(tokens_swapped[:, 2:], tokens[:, 2:], atol=1e-3)  # the temporal encoder mixes frames


def test_reversed_features_equal_a_naive_second_pass(tiny):
    video = _video()
    with torch.no_grad():
        features = tiny.encode_video(video, with_reversed=True)
        naive = tiny.encode_video(video.flip(1))
    assert isinstance(features.reversed, VideoFeatures)
    assert torch.allclose(features.reversed.tokens, naive.tokens, atol=1e-5)
    assert torch.allclose(features.reversed.pooled, naive.pooled, atol=1e-5)
    assert not torch.allclose(features.reversed.tokens, features.tokens.flip(1), atol=1e-3)
    assert tiny._kept_frames is None  # the per-frame tokens are not held after the call


def test_forward_reversed_called_directly_recomputes(tiny):
    video = _video()
    with torch.no_grad():
        features = tiny.forward_video(video)
        direct = tiny.forward_reversed(video, features)
        naive = tiny.forward_video(video.flip(1))
    assert torch.allclose(direct.tokens, naive.tokens, atol=1e-5)


def test_single_frame_skips_the_temporal_encoder(tiny):
    video = _video(frames=1)
    with torch.no_grad():
        frames, _ = tiny.encode_frames(video)
        tokens = tiny.encode_video(video).tokens
    assert torch.allclose(tokens, frames + tiny.temporal_embed[0], atol=1e-6)


def test_position_is_linearly_decodable_from_each_token_only_with_the_absolute_embedding():
    """DESIGN §5: a set-based reader (the patcher) sees where a token is only if the token itself says so."""
    accuracies = {}
    for std in (1.0, None):
        torch.manual_seed(0)
        model = build_singularity("singularity-tiny", abs_pos_embed_std=std)
        with torch.no_grad():
            tokens = model.encode_video(_video(batch=24, frames=2, seed=7)).tokens[:, :, 1:]  # [B, T, 16, D]
        feats = torch.cat([tokens.flatten(0, 2), torch.ones(tokens.shape[:3].numel(), 1)], dim=1)
        cells = torch.arange(16).repeat(24 * 2)
        split = 16 * 2 * 16  # 16 videos to fit, 8 to test
        weights = torch.linalg.lstsq(feats[:split], torch.nn.functional.one_hot(cells[:split], 16).float()).solution
        accuracies[std] = ((feats[split:] @ weights).argmax(1) == cells[split:]).float().mean().item()
    assert accuracies[1.0] > 0.95
    assert accuracies[None] < 0.25  # chance is 1/16: relative position bias alone leaves tokens position-free


def test_bad_configs_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="image_size 30 is not a multiple of patch_size 16"):
        SingularityConfig(image_size=30)
    with pytest.raises(ValueError, match="vision width 100 is not divisible by its 12 heads"):
        SingularityConfig(vision_width=100)
    with pytest.raises(ValueError, match="fusion_layer"):
        SingularityConfig(fusion_layer=0)


def test_bad_video_is_refused(tiny):
    with pytest.raises(ValueError, match="32x32"):
        tiny.encode_video(torch.zeros(1, 8, 3, 224, 224))
    with pytest.raises(ValueError, match=r"\[B, T, 3, H, W\]"):
        tiny.encode_video(torch.zeros(8, 3, 32, 32))


# -- text -------------------------------------------------------------------------------------------------------------
def test_tokenizer_golden_ids_cls_first_no_sep():
    ids = BertWordPieceTokenizer()(["a man is slicing"])
    assert ids.shape == (1, 32)  # max_txt_l of pretrained_singularity_temporal_17m.yaml
    assert ids[0, :5].tolist() == [101, 1037, 2158, 2003, 26514]
    assert ids[0, 5:].tolist() == [0] * 27
    assert 102 not in ids[0].tolist()


@pytest.mark.parametrize("text, pieces", [  # references: Hugging Face's bert-base-uncased tokenizer
    ("Café déjà vu — naïve résumé", ["cafe", "de", "##ja", "vu", "—", "naive", "resume"]),
    ("don't stop, can't-stop.", ["don", "'", "t", "stop", ",", "can", "'", "t", "-", "stop", "."]),
    ("中文字符 and テキスト", ["中", "文", "[UNK]", "[UNK]", "and", "テ", "##キ", "##ス", "##ト"]),
    ("control\u0007chars\u200bzero\ufeffwidth", ["control", "##cha", "##rs", "##zer", "##ow", "##id", "##th"]),
    ("emoji 😀 snowman ☃ x² ½", ["em", "##oj", "##i", "[UNK]", "snow", "##man", "[UNK]", "x", "##²", "½"]),
    ("x" * 101, ["[UNK]"]),
    ("price $5.99 ^caret", ["price", "$", "5", ".", "99", "^", "care", "##t"]),
    ("[MASK] and [CLS]", ["[MASK]", "and", "[CLS]"]),
    ("Rotating something clockwise/counter-clockwise",
     ["rotating", "something", "clockwise", "/", "counter", "-", "clockwise"]),
])
def test_tokenizer_matches_bert_basic_and_wordpiece_rules(text, pieces):
    assert BertWordPieceTokenizer().tokenize(text) == pieces


def test_tokenizer_truncates_after_cls_and_masks_padding(tiny):
    tok = BertWordPieceTokenizer(max_length=4)
    assert tok(["a man is slicing", ""]).tolist() == [[101, 1037, 2158, 2003], [101, 0, 0, 0]]
    ids = tiny.tokenize(["a man is slicing"])
    padded_differently = ids.clone()
    padded_differently[0, 10] = 7  # a non-zero id after the text changes the output: padding is ids == 0 only
    with torch.no_grad():
        base, longer = tiny.encode_text(ids), tiny.encode_text(padded_differently)
        same = tiny.encode_text(ids[:, :8])  # shorter padding, same text: same embedding
    assert torch.allclose(base, same, atol=1e-5)
    assert not torch.allclose(base, longer, atol=1e-4)


def test_vocabulary_is_checked(tmp_path):
    vocab = load_vocab()
    assert len(vocab) == 30522 and [vocab[t] for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")] == [0, 100, 101,
                                                                                                          102, 103]
    altered = tmp_path / "vocab.txt"
    lines = list(vocab)
    lines[2000], lines[2001] = lines[2001], lines[2000]
    altered.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match=str(altered)):
        load_vocab(altered)
    assert hashlib.sha256(altered.read_bytes()).hexdigest() != VOCAB_SHA256
    assert load_vocab(altered, sha256=None)[lines[2000]] == 2000


# -- plugin -----------------------------------------------------------------------------------------------------------
def test_entry_point_registers_both_sizes():
    specs = {spec.name: spec for spec in list_backbones()}
    for name in ("singularity-temporal-17m", "singularity-tiny"):
        assert specs[name].available and specs[name].plugin == "singularity"
    backbone = build_backbone("singularity-tiny")
    assert isinstance(backbone, SingularityBackbone) and not backbone.training
    assert backbone.config == TINY and backbone.config.tokens_per_frame == 17
    with pytest.raises(TypeError, match="unknown Singularity config fields"):
        build_backbone("singularity-tiny", hidden_size=3)

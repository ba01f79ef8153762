"""Singularity-temporal-17M (Lei et al., "Revealing Single Frame Bias for Video-and-Language Learning"), plain PyTorch.

The architecture of the official `SingularityRetrievalBase` (models/model_retrieval_base.py, models/xbert.py and the
Hugging Face BEiT it builds on), with the config Paxion loads (configs/pretrained_singularity_temporal_17m.yaml):

- **vision**: BEiT-base/16 on each frame alone (224 px -> 1 [CLS] + 14x14 patch tokens = 197, width 768, 12 pre-LN
  layers, 12 heads, a relative position bias table per layer, layer scale `gamma` initialised at 0.1, key projection
  without bias, drop path up to 0.1, no absolute position embedding) and BEiT's mean-pooling pooler (LayerNorm of the
  mean of the patch tokens, [CLS] excluded), computed on the tokens *before* the vision LayerNorm below.
- **vision LayerNorm** (`vision_layernorm`, eps 1e-12) on every BEiT token.
- **temporal embedding** `[num_frames, 768]` (zeros at init) added to every token of frame t, then a **2-layer BERT
  encoder over time** at each spatial position (`temporal_vision_encoder`; tokens [B*P, T, D]); skipped for a
  single frame, as in the official code.
- **text**: BERT-base (post-LN, 12 layers); layers 0-8 encode text (`mode="text"`), layers 9-11 add cross-attention
  to the video tokens (`mode="fusion"`, used for ITM with `itm_head`, not for retrieval).
- `vision_proj`, `text_proj`: 768 -> 256; `temp` = 0.07.

What Paxion reads (its `PatchAndFuseSingularity.encode_video_backbone`): tokens = after vision LN, temporal embedding
and temporal encoder -> [B, T, 197, 768]; pooled = `vision_proj(BEiT pooler output)` per frame, then the mean over
frames -> [B, 256] (the official retrieval scores average per-frame similarities instead; Paxion averages the
projected features "for consistency with other backbones"); text = CLS of layer 8 -> `text_proj` -> [B, 256].

Sizes are data (`SIZES`): the full model and a CPU-sized one that runs the same code. BEiT has no absolute position
embedding, so its tokens carry position only through attention biases; a permutation-invariant reader (the Knowledge
Patcher's cross-attention) then barely sees *where* something is. `abs_pos_embed_std` adds Hugging Face BEiT's
optional absolute position embedding (`use_absolute_position_embeddings`, added to [CLS] and patch tokens),
initialised N(0, std^2): off (None) for the official model, 1.0 for `singularity-tiny`, so that every token's grid
position is linearly decodable from the token itself (at random init: 100% with std 1.0, 34% with std 0.02, chance
without; DESIGN §5: with std 0.02 translation actions were invisible to any patcher).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paxion_backbones.common.shapes import vit_shape_problems
from paxion_backbones.singularity.checkpoint import map_official_checkpoint
from paxion_backbones.singularity.tokenizer import DEFAULT_MAX_LENGTH, VOCAB_SIZE, BertWordPieceTokenizer
from paxion_core.backbone import VideoFeatures, VideoLanguageBackbone
from paxion_core.data.transforms import CLIP_MEAN, CLIP_STD


@dataclass(frozen=True)
class SingularityConfig:
    """Architecture and preprocessing of one Singularity size (defaults: the official temporal-17M model)."""

    # BEiT (microsoft/beit-base-patch16-224-pt22k-ft22k config)
    image_size: int = 224
    patch_size: int = 16
    vision_width: int = 768
    vision_layers: int = 12
    vision_heads: int = 12
    layer_scale_init: float = 0.1
    vision_drop_path: float = 0.1
    abs_pos_embed_std: float | None = None  # None: no absolute position embedding (official)
    # temporal modelling (temporal_vision_encoder: a BERT encoder of the vision width; add_temporal_embed: True)
    num_frames: int = 8
    temporal_layers: int = 2
    # BERT (configs/config_bert.json)
    vocab_size: int = VOCAB_SIZE
    text_width: int = 768
    text_layers: int = 12
    fusion_layer: int = 9  # text layers [0, fusion_layer) encode text; the rest cross-attend to video tokens
    text_heads: int = 12
    max_positions: int = 512
    type_vocab_size: int = 2
    dropout: float = 0.1  # BERT hidden and attention dropout (text and temporal encoders); BEiT's are 0
    max_text_length: int = DEFAULT_MAX_LENGTH
    mlp_ratio: int = 4
    ln_eps: float = 1e-12
    init_std: float = 0.02
    # joint space
    embed_dim: int = 256
    temp: float = 0.07
    # Singularity's transform for BEiT: Normalize((0.5,) * 3, (0.5,) * 3) after scaling pixels to [0, 1]
    # Paxion feeds every backbone through its CLIP-normalising processors (DESIGN §3), Singularity included;
    # Singularity's own BEiT transform would use 0.5 / 0.5.
    pixel_mean: tuple[float, float, float] = CLIP_MEAN
    pixel_std: tuple[float, float, float] = CLIP_STD

    def __post_init__(self) -> None:
        problems = vit_shape_problems(self)
        if not 0 < self.fusion_layer <= self.text_layers:
            problems.append(f"fusion_layer {self.fusion_layer} must be in [1, text_layers={self.text_layers}]")
        if self.max_text_length > self.max_positions:
            problems.append(f"max_text_length {self.max_text_length} exceeds max_positions {self.max_positions}")
        if self.num_frames < 1:
            problems.append(f"num_frames must be >= 1, got {self.num_frames}")
        if problems:
            raise ValueError("invalid SingularityConfig: " + "; ".join(problems))

    @property
    def grid(self) -> int:
        """Patches per side."""
        return self.image_size // self.patch_size

    @property
    def tokens_per_frame(self) -> int:
        """[CLS] + grid^2 patch tokens."""
        return self.grid**2 + 1


SIZES: dict[str, SingularityConfig] = {
    "singularity-temporal-17m": SingularityConfig(),
    # CPU size for the synthetic profile: 32 px frames, 8-px patches -> 17 tokens per frame.
    "singularity-tiny": SingularityConfig(
        image_size=32, patch_size=8, vision_width=96, vision_layers=3, vision_heads=4, abs_pos_embed_std=1.0,
        temporal_layers=2, text_width=96, text_layers=4, fusion_layer=3, text_heads=4, max_positions=64,
        embed_dim=64,
    ),
}


# -- building blocks ------------------------------------------------------------------------------------------------
class MultiHeadAttention(nn.Module):
    """Attention with separate q/k/v projections and an output projection.

    x [B, N, dim], context [B, M, context_dim] (default: x), mask broadcastable to [B, heads, N, M] (bool: True =
    attend; float: added to the scores) -> [B, N, dim].
    """

    def __init__(self, dim: int, heads: int, context_dim: int | None = None, key_bias: bool = True,
                 dropout: float = 0.0):
        super().__init__()
        context_dim = context_dim or dim
        self.heads, self.dropout = heads, dropout
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(context_dim, dim, bias=key_bias)
        self.v = nn.Linear(context_dim, dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: Tensor, context: Tensor | None = None, mask: Tensor | None = None) -> Tensor:
        context = x if context is None else context
        q, k, v = (t.unflatten(-1, (self.heads, -1)).transpose(1, 2)
                   for t in (self.q(x), self.k(context), self.v(context)))  # [B, H, N|M, dh]
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask,
                                             dropout_p=self.dropout if self.training else 0.0)
        return self.proj(out.transpose(1, 2).flatten(2))


class Mlp(nn.Module):
    """fc1 -> GELU (erf) -> fc2. [..., dim] -> [..., dim]."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


class DropPath(nn.Module):
    """Stochastic depth: zero a sample's residual branch with probability `p` in training (rescaled by 1/(1-p))."""

    def __init__(self, p: float):
        super().__init__()
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = x.new_empty((x.shape[0],) + (1,) * (x.ndim - 1)).bernoulli_(1.0 - self.p)
        return x * keep / (1.0 - self.p)


class RelativePositionBias(nn.Module):
    """BEiT's learned bias per (relative offset, head) on a grid x grid window plus [CLS] -> [heads, N, N], N = g^2+1.

    The table has (2g-1)^2 offsets and three [CLS] entries (cls->patch, patch->cls, cls->cls), as in BEiT; the
    index is rebuilt from the grid (not stored in checkpoints).
    """

    def __init__(self, grid: int, heads: int):
        super().__init__()
        offsets = (2 * grid - 1) ** 2
        self.table = nn.Parameter(torch.zeros(offsets + 3, heads))
        coords = torch.stack(torch.meshgrid(torch.arange(grid), torch.arange(grid), indexing="ij")).flatten(1)
        rel = (coords[:, :, None] - coords[:, None, :]) + (grid - 1)  # [2, g^2, g^2], each in [0, 2g-2]
        index = torch.empty(grid**2 + 1, grid**2 + 1, dtype=torch.long)
        index[1:, 1:] = rel[0] * (2 * grid - 1) + rel[1]
        index[0, :] = offsets  # [CLS] -> patch
        index[:, 0] = offsets + 1  # patch -> [CLS]
        index[0, 0] = offsets + 2  # [CLS] -> [CLS]
        self.register_buffer("index", index, persistent=False)

    def forward(self) -> Tensor:
        return self.table[self.index].permute(2, 0, 1)


class BeitBlock(nn.Module):
    """Pre-LN block with relative position bias and layer scale. [N, L, D] -> [N, L, D]."""

    def __init__(self, cfg: SingularityConfig, drop_path: float):
        super().__init__()
        width = cfg.vision_width
        self.norm1 = nn.LayerNorm(width, eps=cfg.ln_eps)
        self.attn = MultiHeadAttention(width, cfg.vision_heads, key_bias=False)
        self.rel_pos = RelativePositionBias(cfg.grid, cfg.vision_heads)
        self.gamma1 = nn.Parameter(torch.full((width,), cfg.layer_scale_init))
        self.norm2 = nn.LayerNorm(width, eps=cfg.ln_eps)
        self.mlp = Mlp(width, width * cfg.mlp_ratio)
        self.gamma2 = nn.Parameter(torch.full((width,), cfg.layer_scale_init))
        self.drop_path = DropPath(drop_path)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.drop_path(self.gamma1 * self.attn(self.norm1(x), mask=self.rel_pos()))
        return x + self.drop_path(self.gamma2 * self.mlp(self.norm2(x)))


class BeitVisionEncoder(nn.Module):
    """BEiT on single images: [N, 3, H, W] -> (tokens [N, 1+grid^2, D], pooled [N, D])."""

    def __init__(self, cfg: SingularityConfig):
        super().__init__()
        width = cfg.vision_width
        self.image_size = cfg.image_size
        self.patch_embed = nn.Conv2d(3, width, kernel_size=cfg.patch_size, stride=cfg.patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, width))
        self.pos_embed = None
        if cfg.abs_pos_embed_std is not None:
            self.pos_embed = nn.Parameter(torch.randn(1, cfg.tokens_per_frame, width) * cfg.abs_pos_embed_std)
        last = max(cfg.vision_layers - 1, 1)
        rates = [cfg.vision_drop_path * i / last for i in range(cfg.vision_layers)]  # stochastic depth: 0 -> max
        self.blocks = nn.ModuleList(BeitBlock(cfg, rate) for rate in rates)
        self.pool_norm = nn.LayerNorm(width, eps=cfg.ln_eps)

    def forward(self, images: Tensor) -> tuple[Tensor, Tensor]:
        x = self.patch_embed(images).flatten(2).transpose(1, 2)  # [N, grid^2, D]
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
        if self.pos_embed is not None:
            x = x + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return x, self.pool_norm(x[:, 1:].mean(1))


class BertLayer(nn.Module):
    """Post-LN BERT layer; with `context_dim`, a cross-attention sub-layer to the context follows self-attention.

    x [B, L, D], mask (bool, broadcastable to [B, heads, L, L]), context [B, M, context_dim] -> [B, L, D].
    """

    def __init__(self, width: int, heads: int, mlp_hidden: int, dropout: float, eps: float,
                 context_dim: int | None = None):
        super().__init__()
        self.attn = MultiHeadAttention(width, heads, dropout=dropout)
        self.attn_norm = nn.LayerNorm(width, eps=eps)
        self.cross_attn = self.cross_norm = None
        if context_dim is not None:
            self.cross_attn = MultiHeadAttention(width, heads, context_dim=context_dim, dropout=dropout)
            self.cross_norm = nn.LayerNorm(width, eps=eps)
        self.mlp = Mlp(width, mlp_hidden)
        self.mlp_norm = nn.LayerNorm(width, eps=eps)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: Tensor, mask: Tensor | None = None, context: Tensor | None = None) -> Tensor:
        x = self.attn_norm(x + self.drop(self.attn(x, mask=mask)))
        if self.cross_attn is not None:
            if context is None:
                raise ValueError("a fusion layer (with cross-attention) needs the video tokens as context")
            x = self.cross_norm(x + self.drop(self.cross_attn(x, context)))
        return self.mlp_norm(x + self.drop(self.mlp(x)))


class BertTextEncoder(nn.Module):
    """BERT: embeddings (word + position + token type 0, LN, dropout) and `text_layers` layers.

    `forward` runs the text layers [0, fusion_layer); `fuse` runs the cross-attending rest.
    """

    def __init__(self, cfg: SingularityConfig):
        super().__init__()
        width = cfg.text_width
        self.token_embed = nn.Embedding(cfg.vocab_size, width, padding_idx=0)
        self.pos_embed = nn.Embedding(cfg.max_positions, width)
        self.type_embed = nn.Embedding(cfg.type_vocab_size, width)
        self.embed_norm = nn.LayerNorm(width, eps=cfg.ln_eps)
        self.drop = nn.Dropout(cfg.dropout)
        self.fusion_layer = cfg.fusion_layer
        self.layers = nn.ModuleList(
            BertLayer(width, cfg.text_heads, width * cfg.mlp_ratio, cfg.dropout, cfg.ln_eps,
                      context_dim=cfg.vision_width if i >= cfg.fusion_layer else None)
            for i in range(cfg.text_layers)
        )

    @staticmethod
    def attention_mask(ids: Tensor) -> Tensor:
        """ids [B, L] -> bool [B, 1, 1, L]: attend to non-padding tokens (ids != 0)."""
        return (ids != 0)[:, None, None, :]

    def forward(self, ids: Tensor) -> Tensor:
        """ids [B, L] (0 = padding) -> hidden states [B, L, width] after layer fusion_layer-1."""
        length = ids.shape[1]
        if length > self.pos_embed.num_embeddings:
            raise ValueError(f"{length} text tokens exceed the {self.pos_embed.num_embeddings} position embeddings")
        positions = torch.arange(length, device=ids.device)
        x = self.token_embed(ids) + self.pos_embed(positions) + self.type_embed.weight[0]
        x = self.drop(self.embed_norm(x))
        mask = self.attention_mask(ids)
        for layer in self.layers[: self.fusion_layer]:
            x = layer(x, mask)
        return x

    def fuse(self, hidden: Tensor, ids: Tensor, context: Tensor) -> Tensor:
        """Text hidden states [B, L, width] + context [B, M, vision_width] -> fused states [B, L, width]."""
        mask = self.attention_mask(ids)
        for layer in self.layers[self.fusion_layer:]:
            hidden = layer(hidden, mask, context)
        return hidden


# -- the backbone ---------------------------------------------------------------------------------------------------
class SingularityBackbone(VideoLanguageBackbone):
    """Singularity as a Paxion backbone (contract: paxion_core.backbone; DESIGN §3).

    encode_video: video [B, T, 3, H, W] -> tokens [B, T, grid^2+1, vision_width], pooled [B, embed_dim].
    encode_text: texts or ids [B, L] -> [B, embed_dim] (projected, not normalised).
    """

    def __init__(self, config: SingularityConfig | None = None):
        super().__init__()
        cfg = config or SingularityConfig()
        self.config = cfg
        self.embed_dim, self.token_dim = cfg.embed_dim, cfg.vision_width
        self.num_frames, self.image_size = cfg.num_frames, cfg.image_size
        self.pixel_mean, self.pixel_std = tuple(cfg.pixel_mean), tuple(cfg.pixel_std)

        self.vision = BeitVisionEncoder(cfg)
        self.vision_norm = nn.LayerNorm(cfg.vision_width, eps=cfg.ln_eps)
        self.temporal_embed = nn.Parameter(torch.zeros(cfg.num_frames, cfg.vision_width))
        self.temporal = nn.ModuleList(
            BertLayer(cfg.vision_width, cfg.vision_heads, cfg.vision_width * cfg.mlp_ratio, cfg.dropout, cfg.ln_eps)
            for _ in range(cfg.temporal_layers)
        )
        self.text = BertTextEncoder(cfg)
        self.vision_proj = nn.Linear(cfg.vision_width, cfg.embed_dim)
        self.text_proj = nn.Linear(cfg.text_width, cfg.embed_dim)
        self.itm_head = nn.Linear(cfg.text_width, 2)
        self.temp = nn.Parameter(torch.tensor(cfg.temp))
        self.apply(self._init_weights)
        self.tokenizer = BertWordPieceTokenizer(max_length=cfg.max_text_length)
        # Per-frame tokens kept between forward_video and forward_reversed within one encode_video call.
        self._keep_frames = False
        self._kept_frames: tuple[Tensor, Tensor] | None = None

    def _init_weights(self, module: nn.Module) -> None:
        """BERT / BEiT initialisation: N(0, init_std) weights, zero biases, unit LayerNorms, zero padding row."""
        std = self.config.init_std
        if isinstance(module, (nn.Linear, nn.Conv2d, nn.Embedding)):
            nn.init.normal_(module.weight, std=std)
            if getattr(module, "bias", None) is not None:
                nn.init.zeros_(module.bias)
            if isinstance(module, nn.Embedding) and module.padding_idx is not None:
                with torch.no_grad():
                    module.weight[module.padding_idx].zero_()
        elif isinstance(module, nn.LayerNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)

    # -- video ----------------------------------------------------------------------------------------------------
    def encode_frames(self, video: Tensor) -> tuple[Tensor, Tensor]:
        """video [B, T, 3, H, W] -> (per-frame tokens after BEiT + vision LN [B, T, P, D], pooled [B, embed_dim]).

        pooled = mean over T of vision_proj(BEiT pooler output of frame t). Each frame is encoded alone.
        """
        if video.shape[-2:] != (self.image_size, self.image_size):
            raise ValueError(f"{type(self).__name__} expects {self.image_size}x{self.image_size} frames, got "
                             f"{tuple(video.shape[-2:])}; resize the frames (the backbone's image_size)")
        b, t = video.shape[:2]
        tokens, pooled = self.vision(video.flatten(0, 1))
        frames = self.vision_norm(tokens).unflatten(0, (b, t))
        return frames, self.vision_proj(pooled.unflatten(0, (b, t))).mean(1)

    def temporal_embedding(self, num_frames: int) -> Tensor:
        """[num_frames, D]: the first rows, or (more frames than trained) a linear interpolation, as officially."""
        if num_frames <= self.num_frames:
            return self.temporal_embed[:num_frames]
        return F.interpolate(self.temporal_embed.T[None], size=num_frames, mode="linear")[0].T

    def temporal_encode(self, frames: Tensor) -> Tensor:
        """frames [B, T, P, D] -> + temporal embedding -> attention over T at each of the P positions -> same shape."""
        b, t, p, _ = frames.shape
        x = frames + self.temporal_embedding(t)[:, None]
        if t == 1:  # the official code skips the temporal encoder for single frames (images)
            return x
        x = x.transpose(1, 2).flatten(0, 1)  # [B*P, T, D]
        for layer in self.temporal:
            x = layer(x)
        return x.unflatten(0, (b, p)).transpose(1, 2)

    def forward_video(self, video: Tensor) -> VideoFeatures:
        frames, pooled = self.encode_frames(video)
        if self._keep_frames:
            self._kept_frames = (video, frames)
        return VideoFeatures(self.temporal_encode(frames), pooled)

    def forward_reversed(self, video: Tensor, features: VideoFeatures) -> VideoFeatures:
        """Features of `video.flip(1)` without a second BEiT pass.

        BEiT sees each frame alone, so the reversed clip's per-frame tokens are the forward ones flipped in time:
        only the temporal embedding and the temporal encoder run again. The pooled feature is a mean over frames of
        per-frame features, hence unchanged by reversal, and `features.pooled` is reused.
        """
        kept = self._kept_frames
        frames = kept[1] if kept is not None and kept[0] is video else self.encode_frames(video)[0]
        return VideoFeatures(self.temporal_encode(frames.flip(1)), features.pooled)

    def encode_video(self, video: Tensor, with_reversed: bool = False) -> VideoFeatures:
        """video [B, T, 3, H, W] -> VideoFeatures (see the base class); with `with_reversed`, BEiT runs once."""
        self._keep_frames = with_reversed
        try:
            return super().encode_video(video, with_reversed=with_reversed)
        finally:
            self._keep_frames, self._kept_frames = False, None

    def project_tokens(self, x: Tensor) -> Tensor:
        """[..., vision_width] -> [..., embed_dim] through vision_proj (the KP-Transformer baseline's projection)."""
        return self.vision_proj(x)

    # -- text -----------------------------------------------------------------------------------------------------
    def tokenize(self, texts: Sequence[str]) -> Tensor:
        """texts -> ids [B, max_text_length]: [CLS] + WordPiece, no [SEP], 0-padded."""
        return self.tokenizer(texts)

    def _ids(self, texts: Sequence[str] | Tensor) -> Tensor:
        ids = texts if isinstance(texts, Tensor) else self.tokenize(texts)
        if ids.ndim != 2:
            raise ValueError(f"token ids must be [B, L], got shape {tuple(ids.shape)}")
        ids = ids.to(device=self.device, dtype=torch.long)
        if ids.is_meta:  # shape checks: no values to trim by
            return ids
        # Padding keys are masked out of every attention, so the padding columns after the batch's longest text
        # cannot change any other position: drop them (exact; the tokenizer pads to max_text_length).
        used = (ids != 0).any(0).nonzero()
        return ids[:, : int(used.max()) + 1 if len(used) else 1]

    def encode_text(self, texts: Sequence[str] | Tensor) -> Tensor:
        """texts (strings or ids [B, L]) -> text_proj(CLS after the text layers) [B, embed_dim]."""
        return self.text_proj(self.text(self._ids(texts))[:, 0])

    def itm_logits(self, texts: Sequence[str] | Tensor, tokens: Tensor) -> Tensor:
        """Video-text matching (the fusion layers + itm_head): texts [B], tokens [B, T, P, D] -> logits [B, 2]
        (index 1 = match). Not used by Paxion; kept so the checkpoint's fusion weights have their function."""
        ids = self._ids(texts)
        fused = self.text.fuse(self.text(ids), ids, tokens.flatten(1, 2))
        return self.itm_head(fused[:, 0])

    @property
    def logit_scale(self) -> Tensor:
        """1 / temp."""
        return 1.0 / self.temp

    # -- checkpoints ----------------------------------------------------------------------------------------------
    def map_checkpoint(self, checkpoint: Mapping) -> dict[str, Tensor]:
        """Official checkpoint ({"model": state dict}) -> our state dict (see `checkpoint.map_official_checkpoint`)."""
        return map_official_checkpoint(checkpoint, num_frames=self.num_frames)


def build_singularity(size: str = "singularity-temporal-17m", checkpoint: str | None = None, *,
                      weights_only: bool = True, **overrides) -> SingularityBackbone:
    """Build a registered size (in eval mode), optionally loading an official checkpoint strictly.

    overrides: SingularityConfig fields to change (e.g. num_frames=4, pixel_mean=(...), pixel_std=(...)).
    weights_only=False unpickles arbitrary objects: only for checkpoint files you trust.
    """
    if size not in SIZES:
        raise KeyError(f"unknown Singularity size {size!r}; known: {', '.join(SIZES)}")
    fields = {f.name for f in dataclasses.fields(SingularityConfig)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise TypeError(f"unknown Singularity config fields {unknown}; valid fields: {', '.join(sorted(fields))}")
    model = SingularityBackbone(dataclasses.replace(SIZES[size], **overrides))
    if checkpoint is not None:
        model.load_checkpoint(checkpoint, weights_only=weights_only)
    return model.eval()

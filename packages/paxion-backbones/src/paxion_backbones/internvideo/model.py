"""InternVideo-MM in plain PyTorch: a CLIP ViT applied frame by frame, UniFormerV2-style global temporal decoders on its
last blocks, and CLIP's text transformer (InternVideo, arXiv 2212.03191; official code: OpenGVLab/InternVideo,
InternVideo1/Pretrain/Multi-Modalities-Pretraining, which Paxion vendors as src/InternVideo).

Video path, for video [B, T, 3, H, W] and P = (H/patch)² + 1 tokens per frame:

    frames -> patch embedding + CLS + position -> ln_pre -> blocks 0..L-1 (spatial only: each frame on its own)
    for each block j in decoder_layers:  memory_j = block-j tokens with DPE(patch tokens) added   [B, T·P, W]
                                         temporal_cls = decoder_j(temporal_cls, memory_j)
    mixed  = (1 - σ(balance)) · temporal_cls + σ(balance) · mean_T(frame CLS of the last block)
    pooled = ln_post(mixed) @ visual_proj                                                          [B, embed_dim]

The patcher reads the last block's tokens including the frame CLS, before ln_post: [B, T, P, W].
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

import torch
from torch import Tensor, nn

from paxion_backbones.common.clip_bpe import drop_padding_after_eot
from paxion_backbones.internvideo.checkpoint import map_official_state_dict
from paxion_backbones.internvideo.config import CONFIGS, InternVideoConfig
from paxion_backbones.internvideo.tokenizer import tokenize
from paxion_core import VideoFeatures, VideoLanguageBackbone
from paxion_core.data.transforms import CLIP_MEAN, CLIP_STD


class QuickGELU(nn.Module):
    """CLIP's GELU approximation x·σ(1.702·x)."""

    def forward(self, x: Tensor) -> Tensor:
        return x * torch.sigmoid(1.702 * x)


class ClipMLP(nn.Sequential):
    """c_fc -> QuickGELU -> dropout -> c_proj. [..., width] -> [..., width]."""

    def __init__(self, width: int, hidden: int, dropout: float = 0.0):
        super().__init__(OrderedDict([
            ("c_fc", nn.Linear(width, hidden)),
            ("gelu", QuickGELU()),
            ("dropout", nn.Dropout(dropout)),
            ("c_proj", nn.Linear(hidden, width)),
        ]))


class ResidualAttentionBlock(nn.Module):
    """CLIP pre-LN block: x + attn(ln_1(x)), then + mlp(ln_2(x)). [B, N, width] -> [B, N, width]."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = ClipMLP(width, 4 * width)

    def forward(self, x: Tensor, attn_mask: Tensor | None = None) -> Tensor:
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=attn_mask)[0]
        return x + self.mlp(self.ln_2(x))


class TemporalDecoderLayer(nn.Module):
    """The official `Extractor`: query [B, Q, W] cross-attends to memory [B, N, W].

    query + attn(ln_1(query), ln_kv(memory)), then + mlp(ln_2(.)). Output projections start at zero, as officially.
    """

    def __init__(self, width: int, heads: int, mlp_ratio: float, mlp_dropout: float):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.ln_kv = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = ClipMLP(width, round(mlp_ratio * width), mlp_dropout)
        nn.init.zeros_(self.attn.out_proj.weight)
        nn.init.zeros_(self.attn.out_proj.bias)
        nn.init.xavier_uniform_(self.mlp.c_fc.weight)
        nn.init.zeros_(self.mlp.c_proj.weight)
        nn.init.zeros_(self.mlp.c_proj.bias)

    def forward(self, query: Tensor, memory: Tensor) -> Tensor:
        kv = self.ln_kv(memory)
        query = query + self.attn(self.ln_1(query), kv, kv, need_weights=False)[0]
        return query + self.mlp(self.ln_2(query))


class VisionTransformer(nn.Module):
    """CLIP ViT on every frame independently. video [B, T, 3, H, W] -> tokens of chosen blocks, each [B, T, P, W]."""

    def __init__(self, config: InternVideoConfig):
        super().__init__()
        width, patch = config.vision_width, config.patch_size
        self.image_size = config.image_size
        # A Conv3d with a temporal kernel of 1 (the official `conv1`): each frame is patchified on its own.
        self.patch_embed = nn.Conv3d(3, width, (1, patch, patch), stride=(1, patch, patch), bias=False)
        pos_std = width**-0.5 if config.pos_embed_std is None else config.pos_embed_std
        self.cls_embedding = nn.Parameter(width**-0.5 * torch.randn(width))
        self.pos_embed = nn.Parameter(pos_std * torch.randn(config.tokens_per_frame, width))
        self.ln_pre = nn.LayerNorm(width)
        self.blocks = nn.ModuleList(ResidualAttentionBlock(width, config.vision_heads)
                                    for _ in range(config.vision_layers))

    def forward(self, video: Tensor, keep: Collection[int]) -> dict[int, Tensor]:
        """video [B, T, 3, H, W] -> {j: tokens after block j} for j in keep, each [B, T, P, W]."""
        b, t, _, h, w = video.shape
        if (h, w) != (self.image_size, self.image_size):
            raise ValueError(f"InternVideo expects {self.image_size}×{self.image_size} frames, got {h}×{w}: resize "
                             "and centre-crop to the backbone's image_size first")
        x = self.patch_embed(video.transpose(1, 2))  # [B, W, T, g, g]
        x = x.permute(0, 2, 3, 4, 1).flatten(0, 1).flatten(1, 2)  # [B·T, g·g, W], patches in row-major order
        x = torch.cat([self.cls_embedding.expand(x.shape[0], 1, -1), x], dim=1) + self.pos_embed
        x = self.ln_pre(x)
        kept = {}
        for index, block in enumerate(self.blocks):
            x = block(x)
            if index in keep:
                kept[index] = x.unflatten(0, (b, t))
        return kept


class TemporalDecoder(nn.Module):
    """Global UniFormerV2 decoders: one learnable temporal CLS refined over the tokens of several ViT blocks.

    forward(layer_tokens, last_tokens) -> the balanced video feature [B, W] (before ln_post and projection).
    """

    def __init__(self, config: InternVideoConfig):
        super().__init__()
        width, count = config.vision_width, len(config.decoder_layers)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, width))
        self.dpe = nn.ModuleList(nn.Conv3d(width, width, 3, padding=1, groups=width) for _ in range(count))
        for conv in self.dpe:
            nn.init.zeros_(conv.bias)
        self.layers = nn.ModuleList(
            TemporalDecoderLayer(width, config.vision_heads, config.decoder_mlp_ratio, config.decoder_mlp_dropout)
            for _ in range(count))
        self.balance = nn.Parameter(torch.zeros(width))

    def memory(self, tokens: Tensor, dpe: nn.Conv3d) -> Tensor:
        """tokens [B, T, P, W] -> [B, T·P, W] with the depthwise-conv position encoding added to the patch tokens."""
        b, t, p, w = tokens.shape
        grid = math.isqrt(p - 1)
        patches = tokens[:, :, 1:]
        encoding = dpe(patches.permute(0, 3, 1, 2).reshape(b, w, t, grid, grid))  # [B, W, T, g, g]
        patches = patches + encoding.flatten(3).permute(0, 2, 3, 1)
        return torch.cat([tokens[:, :, :1], patches], dim=2).flatten(1, 2)

    def forward(self, layer_tokens: Sequence[Tensor], last_tokens: Tensor) -> Tensor:
        """layer_tokens: the decoder blocks' tokens, each [B, T, P, W]; last_tokens: the last block's [B, T, P, W]."""
        query = self.cls_token.expand(last_tokens.shape[0], 1, -1)
        for tokens, dpe, layer in zip(layer_tokens, self.dpe, self.layers, strict=True):
            query = layer(query, self.memory(tokens, dpe))
        weight = torch.sigmoid(self.balance)
        return (1 - weight) * query[:, 0] + weight * last_tokens[:, :, 0].mean(dim=1)


class TextTransformer(nn.Module):
    """CLIP text encoder up to ln_final. ids [B, L] (L <= context_length) -> [B, L, text_width]."""

    def __init__(self, config: InternVideoConfig):
        super().__init__()
        width = config.text_width
        self.context_length = config.context_length
        self.token_embedding = nn.Embedding(config.vocab_size, width)
        self.pos_embed = nn.Parameter(torch.empty(config.context_length, width))
        self.blocks = nn.ModuleList(ResidualAttentionBlock(width, config.text_heads) for _ in range(config.text_layers))
        self.ln_final = nn.LayerNorm(width)
        # The official `text_mask_embedding` (replaces masked words during InternVideo's masked-language pretraining).
        # Not used for encoding; kept so that official checkpoints load strictly.
        self.mask_embedding = nn.Parameter(torch.empty(1, 1, width))
        self._init_official(config)

    def _init_official(self, config: InternVideoConfig) -> None:
        """CLIP's text initialisation, as the official `initialize_parameters`."""
        width, layers = config.text_width, config.text_layers
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.pos_embed, std=0.01)
        nn.init.normal_(self.mask_embedding, std=0.02)
        proj_std, attn_std, fc_std = width**-0.5 * (2 * layers) ** -0.5, width**-0.5, (2 * width) ** -0.5
        for block in self.blocks:
            nn.init.normal_(block.attn.in_proj_weight, std=attn_std)
            nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
            nn.init.normal_(block.mlp.c_fc.weight, std=fc_std)
            nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)

    def forward(self, ids: Tensor) -> Tensor:
        length = ids.shape[1]
        if length > self.context_length:
            raise ValueError(f"text ids have length {length}, more than the context length {self.context_length}")
        x = self.token_embedding(ids) + self.pos_embed[:length]
        causal = torch.full((length, length), float("-inf"), device=x.device, dtype=x.dtype).triu_(1)
        for block in self.blocks:
            x = block(x, attn_mask=causal)
        return self.ln_final(x)


@dataclass
class InternVideoFeatures(VideoFeatures):
    """VideoFeatures plus the decoder blocks' tokens ([B, T, P, W] each), so that the time-reversed clip's pooled
    feature needs only the temporal decoders. `to` and `select` return plain VideoFeatures (without them)."""

    decoder_inputs: tuple[Tensor, ...] | None = field(default=None, repr=False)


class InternVideoBackbone(VideoLanguageBackbone):
    """InternVideo-MM as a Paxion backbone (see the module docstring for the video path).

    encode_video: tokens [B, T, P, vision_width] (last ViT block incl. frame CLS, before ln_post),
                  pooled [B, embed_dim].
    encode_text: CLIP text at the EOT token @ text_projection, [B, embed_dim].
    """

    pixel_mean = CLIP_MEAN
    pixel_std = CLIP_STD
    reversal_flips_tokens = True  # the ViT blocks are spatial-only: reversed tokens = forward tokens flipped in time

    def __init__(self, config: InternVideoConfig | None = None):
        super().__init__()
        self.config = config = config or CONFIGS["internvideo-mm-l14"]
        self.embed_dim = config.embed_dim
        self.token_dim = config.vision_width
        self.num_frames = config.num_frames
        self.image_size = config.image_size
        self.visual = VisionTransformer(config)
        self.temporal = TemporalDecoder(config)
        self.ln_post = nn.LayerNorm(config.vision_width)
        self.visual_proj = nn.Parameter(config.vision_width**-0.5 * torch.randn(config.vision_width, config.embed_dim))
        self.text = TextTransformer(config)
        self.text_projection = nn.Parameter(config.text_width**-0.5 * torch.randn(config.text_width, config.embed_dim))
        self.log_logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    # -- video --------------------------------------------------------------------------------------------------
    def _pool(self, layer_tokens: Sequence[Tensor], last_tokens: Tensor) -> Tensor:
        """Decoder blocks' tokens and last block's tokens ([B, T, P, W]) -> pooled [B, embed_dim]."""
        return self.project_tokens(self.ln_post(self.temporal(layer_tokens, last_tokens)))

    def forward_video(self, video: Tensor) -> InternVideoFeatures:
        """video [B, T, 3, H, W] (CLIP-normalised) -> tokens [B, T, P, W], pooled [B, embed_dim] (+ decoder inputs)."""
        decoder_layers, last = self.config.decoder_layers, self.config.vision_layers - 1
        kept = self.visual(video.to(self.visual_proj.dtype), keep={*decoder_layers, last})
        layer_tokens, tokens = tuple(kept[j] for j in decoder_layers), kept[last]
        return InternVideoFeatures(tokens=tokens, pooled=self._pool(layer_tokens, tokens), decoder_inputs=layer_tokens)

    def forward_reversed(self, video: Tensor, features: VideoFeatures) -> VideoFeatures:
        """Features of video.flip(1). The ViT blocks see one frame at a time, so the reversed tokens are the forward
        tokens flipped in time; only the temporal decoders run again, on the flipped decoder inputs."""
        if not isinstance(features, InternVideoFeatures) or features.decoder_inputs is None:
            return super().forward_reversed(video, features)
        tokens = features.tokens.flip(1)
        layer_tokens = [t.flip(1) for t in features.decoder_inputs]
        return VideoFeatures(tokens=tokens, pooled=self._pool(layer_tokens, tokens))

    def project_tokens(self, x: Tensor) -> Tensor:
        """[..., vision_width] -> [..., embed_dim]: x @ visual_proj (no ln_post, as the official KP-Transformer)."""
        return x @ self.visual_proj

    # -- text ---------------------------------------------------------------------------------------------------
    def tokenize(self, texts: Sequence[str]) -> Tensor:
        """texts -> CLIP BPE ids [B, context_length] (SOT ... EOT, zero padded; long texts truncated, EOT kept)."""
        return tokenize(texts, context_length=self.config.context_length)

    def encode_text(self, texts: Sequence[str] | Tensor) -> Tensor:
        """texts or ids [B, L] -> [B, embed_dim]: the EOT token's feature (EOT has the largest id) @ text_projection."""
        ids = texts if isinstance(texts, Tensor) else self.tokenize(texts)
        ids = ids.to(device=self.text_projection.device, dtype=torch.long)
        eot = ids.argmax(dim=-1)
        hidden = self.text(drop_padding_after_eot(ids))
        return hidden[torch.arange(ids.shape[0], device=ids.device), eot] @ self.text_projection

    @property
    def logit_scale(self) -> Tensor:
        return self.log_logit_scale.exp()

    # -- checkpoints --------------------------------------------------------------------------------------------
    def map_checkpoint(self, checkpoint: dict) -> dict[str, Tensor]:
        """Official Lightning checkpoint ({"state_dict": {"clip.<official key>": tensor}}) -> this module's keys."""
        return map_official_state_dict(checkpoint)


def build_internvideo(size: str = "internvideo-mm-l14", checkpoint: str | None = None, *, strict: bool = True,
                      weights_only: bool = True, **overrides) -> InternVideoBackbone:
    """Build one of CONFIGS (fields overridable by keyword), optionally load an official checkpoint; eval mode.

    `weights_only=False` unpickles arbitrary objects: pass it only for checkpoint files you trust.
    """
    if size not in CONFIGS:
        raise KeyError(f"unknown InternVideo size {size!r}; known: {', '.join(CONFIGS)}")
    unknown = sorted(set(overrides) - set(InternVideoConfig.field_names()))
    if unknown:
        raise TypeError(f"unknown InternVideo option(s) {unknown}; options: checkpoint, strict, weights_only, "
                        f"{', '.join(InternVideoConfig.field_names())}")
    model = InternVideoBackbone(replace(CONFIGS[size], **overrides))
    if checkpoint is not None:
        model.load_checkpoint(checkpoint, strict=strict, weights_only=weights_only)
    return model.eval()

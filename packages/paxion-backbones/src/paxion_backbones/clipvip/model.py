"""CLIP-ViP (Xue et al., ICLR 2023) in plain PyTorch, with the official HF-CLIP parameter names.

A CLIP ViT whose video is a sequence of M = 1 + 3 *video proxy* tokens (CLIP's class embedding and three `added_cls`)
followed by the patch tokens of every frame. Proxies attend to every token; the patch tokens of frame t attend to
the proxies and to the patches of frame t only. A temporal embedding (12 positions, linearly interpolated to the
frame count) is added to the patch tokens. The text tower is HF's CLIP text transformer (causal, pooled at EOT).

Module layout and key names follow `CLIPModel` of microsoft/XPretrain `CLIP-ViP/src/modeling/CLIP_ViP.py`, held
under `clipmodel` as in its `VidCLIP` wrapper, so an official checkpoint maps onto this module key for key
(see `checkpoint.py`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paxion_backbones.common.clip_bpe import drop_padding_after_eot
from paxion_core import VideoFeatures, VideoLanguageBackbone
from paxion_core.data.transforms import CLIP_MEAN, CLIP_STD


@dataclass(frozen=True)
class ClipVipConfig:
    """Architecture of one CLIP-ViP size (field defaults = CLIP-ViP B/32 as released)."""

    # vision tower (HF CLIPVisionConfig + CLIP-ViP's `clip_vision_additional_config`)
    image_size: int = 224
    patch_size: int = 32
    vision_width: int = 768
    vision_layers: int = 12
    vision_heads: int = 12
    vision_mlp_width: int = 3072
    added_proxies: int = 3  # `add_cls_num`: proxies besides the class embedding
    temporal_size: int = 12  # learned temporal positions, interpolated to the frame count
    num_frames: int = 8  # frames Paxion feeds (the model accepts any count)
    # text tower (HF CLIPTextConfig)
    vocab_size: int = 49408
    context_length: int = 77
    text_width: int = 512
    text_layers: int = 12
    text_heads: int = 8
    text_mlp_width: int = 2048
    # joint space
    embed_dim: int = 512
    logit_scale_init: float = 4.60  # VidCLIP's `logit_scale_init_value` (log of the scale)
    # initialisation (HF CLIP `_init_weights`, initializer_range 0.02, factor 1)
    pos_embed_std: float = 0.02  # std of the vision position embedding; the synthetic profile uses 1.0
    layer_norm_eps: float = 1e-5

    @property
    def patches_per_frame(self) -> int:
        return (self.image_size // self.patch_size) ** 2

    @property
    def num_proxies(self) -> int:
        return 1 + self.added_proxies


# Sizes as data. b32/b16: openai/clip-vit-base-patch{32,16} + CLIP-ViP's ViP additions (pretrain_vip_base_*.json).
CLIPVIP_CONFIGS: dict[str, ClipVipConfig] = {
    "b32": ClipVipConfig(),
    "b16": ClipVipConfig(patch_size=16),
    "tiny": ClipVipConfig(image_size=32, patch_size=8, vision_width=96, vision_layers=3, vision_heads=4,
                          vision_mlp_width=384, text_width=64, text_layers=3, text_heads=4, text_mlp_width=256,
                          embed_dim=64, pos_embed_std=1.0,  # patch tokens must carry position strongly (DESIGN §5)
                          logit_scale_init=math.log(1 / 0.07)),  # trained from scratch: CLIP's initial temperature
}


class QuickGELU(nn.Module):
    """CLIP's activation: x * sigmoid(1.702 x)."""

    def forward(self, x: Tensor) -> Tensor:
        return x * torch.sigmoid(1.702 * x)


def proxy_guided_attention(q: Tensor, k: Tensor, v: Tensor, num_proxies: int, num_frames: int) -> Tensor:
    """CLIP-ViP's attention over [proxies, frame 0 patches, ..., frame T-1 patches].

    q, k, v: [B, H, M + T*P, d] -> [B, H, M + T*P, d]. The M proxies attend to all tokens; the patches of frame t
    attend to the M proxies and the P patches of frame t (computed per frame, as the official `forward2` does).
    """
    m = num_proxies
    proxies = F.scaled_dot_product_attention(q[:, :, :m], k, v)

    def per_frame(x: Tensor) -> Tensor:  # [B, H, M + T*P, d] -> [B, H, T, P, d]
        return x[:, :, m:].unflatten(2, (num_frames, -1))

    def proxies_and_frame(x: Tensor) -> Tensor:  # [B, H, M + T*P, d] -> [B, H, T, M + P, d]
        shared = x[:, :, :m].unsqueeze(2).expand(-1, -1, num_frames, -1, -1)
        return torch.cat([shared, per_frame(x)], dim=3)

    patches = F.scaled_dot_product_attention(per_frame(q), proxies_and_frame(k), proxies_and_frame(v))
    return torch.cat([proxies, patches.flatten(2, 3)], dim=2)


class ClipAttention(nn.Module):
    """HF `CLIPAttention`: q/k/v/out projections with biases. [B, N, W] -> [B, N, W].

    `attn_mask` (bool, True = may attend, broadcastable to [B, H, N, N]) for plain attention, or
    `video_layout=(num_proxies, num_frames)` for CLIP-ViP's proxy-guided attention.
    """

    def __init__(self, width: int, heads: int):
        super().__init__()
        if width % heads:
            raise ValueError(f"width {width} is not divisible by {heads} heads")
        self.heads = heads
        self.q_proj = nn.Linear(width, width)
        self.k_proj = nn.Linear(width, width)
        self.v_proj = nn.Linear(width, width)
        self.out_proj = nn.Linear(width, width)

    def heads_of(self, x: Tensor, proj: nn.Linear) -> Tensor:
        """[B, N, W] -> projected [B, H, N, W/H]."""
        return proj(x).unflatten(-1, (self.heads, -1)).transpose(1, 2)

    def forward(self, x: Tensor, attn_mask: Tensor | None = None,
                video_layout: tuple[int, int] | None = None) -> Tensor:
        q, k, v = (self.heads_of(x, proj) for proj in (self.q_proj, self.k_proj, self.v_proj))
        if video_layout is None:
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
        else:
            out = proxy_guided_attention(q, k, v, *video_layout)
        return self.out_proj(out.transpose(1, 2).flatten(2))


class ClipMLP(nn.Module):
    """fc1 -> QuickGELU -> fc2. [..., W] -> [..., W]."""

    def __init__(self, width: int, mlp_width: int):
        super().__init__()
        self.fc1 = nn.Linear(width, mlp_width)
        self.activation = QuickGELU()
        self.fc2 = nn.Linear(mlp_width, width)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.activation(self.fc1(x)))


class ClipEncoderLayer(nn.Module):
    """Pre-LN transformer block: x + attn(LN1 x), then x + mlp(LN2 x). [B, N, W] -> [B, N, W]."""

    def __init__(self, width: int, heads: int, mlp_width: int, eps: float):
        super().__init__()
        self.self_attn = ClipAttention(width, heads)
        self.layer_norm1 = nn.LayerNorm(width, eps=eps)
        self.mlp = ClipMLP(width, mlp_width)
        self.layer_norm2 = nn.LayerNorm(width, eps=eps)

    def forward(self, x: Tensor, attn_mask: Tensor | None = None,
                video_layout: tuple[int, int] | None = None) -> Tensor:
        x = x + self.self_attn(self.layer_norm1(x), attn_mask=attn_mask, video_layout=video_layout)
        return x + self.mlp(self.layer_norm2(x))

    def reset_parameters(self, num_layers: int) -> None:
        """HF CLIP init: in-projections std W^-0.5 (2 L)^-0.5, out_proj W^-0.5, fc1 (2 W)^-0.5, biases 0."""
        width = self.layer_norm1.normalized_shape[0]
        in_std = width**-0.5 * (2 * num_layers) ** -0.5
        for linear, std in ((self.self_attn.q_proj, in_std), (self.self_attn.k_proj, in_std),
                            (self.self_attn.v_proj, in_std), (self.self_attn.out_proj, width**-0.5),
                            (self.mlp.fc1, (2 * width) ** -0.5), (self.mlp.fc2, in_std)):
            nn.init.normal_(linear.weight, std=std)
            nn.init.zeros_(linear.bias)


class ClipEncoder(nn.Module):
    """`layers`: a stack of ClipEncoderLayer. [B, N, W] -> [B, N, W]."""

    def __init__(self, width: int, layers: int, heads: int, mlp_width: int, eps: float):
        super().__init__()
        self.layers = nn.ModuleList(ClipEncoderLayer(width, heads, mlp_width, eps) for _ in range(layers))
        for layer in self.layers:
            layer.reset_parameters(layers)

    def forward(self, x: Tensor, attn_mask: Tensor | None = None,
                video_layout: tuple[int, int] | None = None) -> Tensor:
        for layer in self.layers:
            x = layer(x, attn_mask=attn_mask, video_layout=video_layout)
        return x


class ClipVipVisionEmbeddings(nn.Module):
    """Video [B, T, 3, H, W] -> tokens [B, M + T*P, W]: the M proxies, then frame 0's P patches, frame 1's, ...

    Proxies get position 0; patches get positions 1..P plus the temporal embedding of their frame.
    """

    def __init__(self, config: ClipVipConfig):
        super().__init__()
        width = config.vision_width
        self.image_size = config.image_size
        self.class_embedding = nn.Parameter(torch.randn(width) * width**-0.5)
        self.added_cls = nn.Parameter(torch.randn(config.added_proxies, width))
        self.patch_embedding = nn.Conv2d(3, width, config.patch_size, stride=config.patch_size, bias=False)
        self.position_embedding = nn.Embedding(config.patches_per_frame + 1, width)
        self.temporal_embedding = nn.Parameter(torch.zeros(1, config.temporal_size, width))
        nn.init.normal_(self.patch_embedding.weight, std=0.02)
        nn.init.normal_(self.position_embedding.weight, std=config.pos_embed_std)

    def temporal_embedding_for(self, num_frames: int) -> Tensor:
        """[num_frames, W]: the learned temporal embedding linearly interpolated (align_corners=False) to the
        frame count; identical to the learned one when the counts agree."""
        table = self.temporal_embedding.transpose(1, 2)  # [1, W, temporal_size]
        return F.interpolate(table, size=num_frames, mode="linear")[0].transpose(0, 1)

    def forward(self, video: Tensor) -> Tensor:
        b, t, c, h, w = video.shape
        if (h, w) != (self.image_size, self.image_size):
            raise ValueError(f"CLIP-ViP expects {self.image_size}x{self.image_size} frames, got {h}x{w}; resize "
                             f"the video (the position embedding has a fixed grid)")
        patches = self.patch_embedding(video.flatten(0, 1)).flatten(2).transpose(1, 2)  # [B*T, P, W]
        position = self.position_embedding.weight
        patches = patches.unflatten(0, (b, t)) + self.temporal_embedding_for(t)[:, None] + position[1:]  # [B,T,P,W]
        proxies = torch.cat([self.class_embedding[None], self.added_cls]) + position[0]  # [M, W]
        return torch.cat([proxies.expand(b, -1, -1), patches.flatten(1, 2)], dim=1)


class ClipVipVisionTransformer(nn.Module):
    """embeddings -> pre_layrnorm (HF's spelling) -> encoder; pooled = post_layernorm(proxy 0)."""

    def __init__(self, config: ClipVipConfig):
        super().__init__()
        self.num_proxies = config.num_proxies
        self.embeddings = ClipVipVisionEmbeddings(config)
        self.pre_layrnorm = nn.LayerNorm(config.vision_width, eps=config.layer_norm_eps)
        self.encoder = ClipEncoder(config.vision_width, config.vision_layers, config.vision_heads,
                                   config.vision_mlp_width, config.layer_norm_eps)
        self.post_layernorm = nn.LayerNorm(config.vision_width, eps=config.layer_norm_eps)

    def forward(self, video: Tensor) -> tuple[Tensor, Tensor]:
        """video [B, T, 3, H, W] -> (last hidden state [B, M + T*P, W], pooled [B, W])."""
        x = self.pre_layrnorm(self.embeddings(video))
        x = self.encoder(x, video_layout=(self.num_proxies, video.shape[1]))
        return x, self.post_layernorm(x[:, 0])


class ClipTextEmbeddings(nn.Module):
    """ids [B, L] -> token + absolute position embeddings [B, L, W]."""

    def __init__(self, config: ClipVipConfig):
        super().__init__()
        self.token_embedding = nn.Embedding(config.vocab_size, config.text_width)
        self.position_embedding = nn.Embedding(config.context_length, config.text_width)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.position_embedding.weight, std=0.02)

    def forward(self, ids: Tensor) -> Tensor:
        return self.token_embedding(ids) + self.position_embedding.weight[: ids.shape[1]]


class ClipTextTransformer(nn.Module):
    """HF `CLIPTextTransformer`: causal encoder, final LN, pooled at the EOT token."""

    def __init__(self, config: ClipVipConfig):
        super().__init__()
        self.context_length = config.context_length
        self.embeddings = ClipTextEmbeddings(config)
        self.encoder = ClipEncoder(config.text_width, config.text_layers, config.text_heads,
                                   config.text_mlp_width, config.layer_norm_eps)
        self.final_layer_norm = nn.LayerNorm(config.text_width, eps=config.layer_norm_eps)

    def forward(self, ids: Tensor) -> tuple[Tensor, Tensor]:
        """ids [B, L] (SOT text EOT, then any padding) -> (hidden states [B, L, W], pooled [B, W]).

        As in HF CLIP, the pooled state is the one at `ids.argmax(-1)`, the first EOT (the largest id). The
        attention mask the official code gets from the tokenizer (1 up to EOT, 0 on the padding) is derived here
        from that position and combined with the causal mask.
        """
        if ids.ndim != 2 or ids.shape[1] > self.context_length:
            raise ValueError(f"text ids must be [B, L] with L <= {self.context_length}, got {tuple(ids.shape)}")
        eot = ids.argmax(dim=-1)  # [B]
        positions = torch.arange(ids.shape[1], device=ids.device)
        causal = positions[None, :] <= positions[:, None]  # [L, L]: query i sees keys j <= i
        before_padding = positions[None, :] <= eot[:, None]  # [B, L]
        attn_mask = (causal & before_padding[:, None, :]).unsqueeze(1)  # [B, 1, L, L]
        x = self.final_layer_norm(self.encoder(self.embeddings(ids), attn_mask=attn_mask))
        return x, x[torch.arange(x.shape[0], device=x.device), eot]


class ClipVipModel(nn.Module):
    """The official `CLIPModel` of CLIP-ViP: text_model, vision_model, the two projections, logit_scale."""

    def __init__(self, config: ClipVipConfig):
        super().__init__()
        self.text_model = ClipTextTransformer(config)
        self.vision_model = ClipVipVisionTransformer(config)
        self.visual_projection = nn.Linear(config.vision_width, config.embed_dim, bias=False)
        self.text_projection = nn.Linear(config.text_width, config.embed_dim, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(config.logit_scale_init))
        nn.init.normal_(self.visual_projection.weight, std=config.vision_width**-0.5)
        nn.init.normal_(self.text_projection.weight, std=config.text_width**-0.5)


class ClipVipBackbone(VideoLanguageBackbone):
    """CLIP-ViP as a Paxion backbone (DESIGN §3).

    tokens: the last hidden state without the M proxies, [B, T, P, vision_width] (P = 49 for B/32, 196 for B/16);
    pooled: visual_projection(post_layernorm(proxy 0)), [B, embed_dim]; text: text_projection(EOT state).
    The proxies mix time, so the reversed clip takes a second full pass (the base-class `forward_reversed`).
    """

    pixel_mean = CLIP_MEAN
    pixel_std = CLIP_STD

    def __init__(self, config: ClipVipConfig):
        super().__init__()
        self.config = config
        self.embed_dim = config.embed_dim
        self.token_dim = config.vision_width
        self.num_frames = config.num_frames
        self.image_size = config.image_size
        self.clipmodel = ClipVipModel(config)

    def forward_video(self, video: Tensor) -> VideoFeatures:
        video = video.to(self.clipmodel.visual_projection.weight.dtype)
        hidden, pooled = self.clipmodel.vision_model(video)
        tokens = hidden[:, self.config.num_proxies:].unflatten(1, (video.shape[1], -1))  # [B, T, P, W]
        return VideoFeatures(tokens=tokens, pooled=self.clipmodel.visual_projection(pooled))

    def project_tokens(self, x: Tensor) -> Tensor:
        """visual_projection alone: the official CLIP-ViP KP-Transformer baseline projects its mean-pooled tokens
        without post_layernorm."""
        return self.clipmodel.visual_projection(x)

    def tokenize(self, texts: Sequence[str]) -> Tensor:
        from paxion_backbones.clipvip.tokenizer import tokenize

        return tokenize(texts, context_length=self.config.context_length)

    def encode_text(self, texts: Sequence[str] | Tensor) -> Tensor:
        ids = texts if isinstance(texts, Tensor) else self.tokenize(texts)
        _, pooled = self.clipmodel.text_model(drop_padding_after_eot(ids).to(self.device))
        return self.clipmodel.text_projection(pooled)

    @property
    def logit_scale(self) -> Tensor:
        return self.clipmodel.logit_scale.exp()

    def map_checkpoint(self, checkpoint: dict) -> dict[str, Tensor]:
        from paxion_backbones.clipvip.checkpoint import checkpoint_filter_fn

        return checkpoint_filter_fn(checkpoint)


def build_clipvip(size: str = "b32", *, checkpoint: str | None = None, weights_only: bool = True,
                  **overrides) -> ClipVipBackbone:
    """CLIP-ViP of a registered `size` (a key of CLIPVIP_CONFIGS), with ClipVipConfig fields overridden by
    `overrides` (e.g. `pos_embed_std=1.0`); loads the official `checkpoint` file strictly when given."""
    if size not in CLIPVIP_CONFIGS:
        raise KeyError(f"unknown CLIP-ViP size {size!r}; known: {', '.join(CLIPVIP_CONFIGS)}")
    fields = {f.name for f in dataclasses.fields(ClipVipConfig)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise TypeError(f"unknown CLIP-ViP config field(s) {unknown}; valid: {', '.join(sorted(fields))}")
    model = ClipVipBackbone(dataclasses.replace(CLIPVIP_CONFIGS[size], **overrides))
    if checkpoint is not None:
        model.load_checkpoint(checkpoint, weights_only=weights_only)
    return model

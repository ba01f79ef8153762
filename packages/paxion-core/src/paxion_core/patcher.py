"""Knowledge Patchers: the Perceiver (Paxion's) and the one-layer Transformer baseline (KP-Transformer)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paxion_core.attention import CrossAttention, FeedForward

TEMPERATURE_INIT = 0.07


def video_text_similarity(video: Tensor, text: Tensor) -> Tensor:
    """Cosine similarity, max over the video's latents.

    video [Bv, N, D] (latents) or [Bv, D] (one vector); text [Bt, D]  ->  [Bv, Bt].
    """
    video = F.normalize(video, dim=-1)
    text = F.normalize(text, dim=-1)
    if video.ndim == 2:
        return video @ text.T
    return torch.einsum("bnd,td->btn", video, text).amax(dim=-1)


def paired_similarity(video: Tensor, text: Tensor) -> Tensor:
    """Row-wise `video_text_similarity`: video [B, (K,) N, D] or [B, (K,) D] with text [B, (K,) D] -> [B, (K,)]."""
    video = F.normalize(video, dim=-1)
    text = F.normalize(text, dim=-1)
    if video.ndim == text.ndim:
        return (video * text).sum(-1)
    return (video * text.unsqueeze(-2)).sum(-1).amax(dim=-1)


class PerceiverLayer(nn.Module):
    def __init__(self, dim: int, media_dim: int, heads: int, dim_head: int, ff_mult: int):
        super().__init__()
        self.attn = CrossAttention(dim, media_dim, heads=heads, dim_head=dim_head)
        self.ff = FeedForward(dim, ff_mult)

    def forward(self, latents: Tensor, media: Tensor) -> Tensor:
        latents = self.attn(latents, media) + latents
        return self.ff(latents) + latents


class KnowledgePatcher(nn.Module):
    """Perceiver Knowledge Patcher: learned latents cross-attend to all T*P backbone tokens.

    forward(tokens [B, T, P, token_dim]) -> latents [B, num_latents, embed_dim].
    A learnable temporal embedding [num_frames, token_dim] (with dropout, masks drawn per frame and token as in
    the official code) is added to every token of a frame. Keys/values come from the media only.
    """

    def __init__(self, embed_dim: int, token_dim: int, num_frames: int = 8, num_latents: int = 16, depth: int = 1,
                 heads: int = 8, dim_head: int = 64, ff_mult: int = 2, temporal_embedding: bool = True,
                 temporal_dropout: float = 0.1):
        super().__init__()
        self.embed_dim, self.token_dim, self.num_frames = embed_dim, token_dim, num_frames
        self.latents = nn.Parameter(torch.randn(num_latents, embed_dim))
        self.layers = nn.ModuleList(PerceiverLayer(embed_dim, token_dim, heads, dim_head, ff_mult)
                                    for _ in range(depth))
        self.norm = nn.LayerNorm(embed_dim)
        self.temporal_embedding = nn.Parameter(torch.randn(num_frames, token_dim)) if temporal_embedding else None
        self.temporal_dropout = nn.Dropout(temporal_dropout)
        self.temperature = nn.Parameter(torch.tensor(TEMPERATURE_INIT))

    def add_temporal_embedding(self, tokens: Tensor) -> Tensor:
        """[B, T, P, token_dim] -> same, plus the (dropped-out) temporal embedding of each frame."""
        if self.temporal_embedding is None:
            return tokens
        t, p = tokens.shape[1:3]
        if t != self.num_frames:
            raise ValueError(f"KnowledgePatcher was built for num_frames={self.num_frames}, got {t} frames")
        return tokens + self.temporal_dropout(self.temporal_embedding[:, None, :].expand(t, p, -1))

    def forward(self, tokens: Tensor) -> Tensor:
        if tokens.ndim != 4 or tokens.shape[-1] != self.token_dim:
            raise ValueError(f"KnowledgePatcher expects tokens [B, T, P, {self.token_dim}], got {tuple(tokens.shape)}")
        media = self.add_temporal_embedding(tokens).flatten(1, 2)  # [B, T*P, token_dim]
        latents = self.latents.expand(tokens.shape[0], -1, -1)
        for layer in self.layers:
            latents = layer(latents, media)
        return self.norm(latents)

    def similarity(self, latents: Tensor, text_emb: Tensor) -> Tensor:
        """latents [Bv, N, D], text_emb [Bt, D] -> logits [Bv, Bt] = max_n cos(latent_n, text) / temperature."""
        return video_text_similarity(latents, text_emb) / self.temperature


class TransformerPatcher(nn.Module):
    """KP-Transformer baseline: one `nn.TransformerEncoderLayer` over all T*P raw tokens, mean-pooled.

    forward(tokens [B, T, P, token_dim]) -> [B, token_dim]; the model projects it with the backbone's visual
    projection (`VideoLanguageBackbone.project_tokens`), as the official baseline does.
    """

    def __init__(self, token_dim: int, ffn_dim: int = 1024, heads: int = 8, dropout: float = 0.1):
        super().__init__()
        self.token_dim = token_dim
        self.encoder = nn.TransformerEncoderLayer(token_dim, heads, dim_feedforward=ffn_dim, dropout=dropout,
                                                  batch_first=True)
        self.temperature = nn.Parameter(torch.tensor(TEMPERATURE_INIT))

    def forward(self, tokens: Tensor) -> Tensor:
        if tokens.ndim != 4 or tokens.shape[-1] != self.token_dim:
            raise ValueError(f"TransformerPatcher expects tokens [B, T, P, {self.token_dim}], "
                             f"got {tuple(tokens.shape)}")
        return self.encoder(tokens.flatten(1, 2)).mean(dim=1)

    def similarity(self, video_emb: Tensor, text_emb: Tensor) -> Tensor:
        """video_emb [Bv, D], text_emb [Bt, D] -> logits [Bv, Bt] = cos / temperature."""
        return video_text_similarity(video_emb, text_emb) / self.temperature

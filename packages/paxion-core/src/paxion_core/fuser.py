"""Knowledge Fuser: folds the patcher's latents back into the backbone's own video embedding."""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paxion_core.attention import CrossAttention, FeedForward

FuserKind = Literal["xattn", "gated_xattn", "side_tuning"]


class KnowledgeFuser(nn.Module):
    """forward(pooled [B, D], latents [B, N, D]) -> fused video embedding [B, D].

    - ``xattn`` (PAXION): x = xattn(LN(x), LN(latents)) + x; x = FF(x) + x, with x = pooled as a 1-token query.
    - ``gated_xattn``: the same with tanh gates initialised at 0, so it starts as the identity on `pooled`.
    - ``side_tuning``: σ(α)·norm(pooled) + (1-σ(α))·norm(mean(latents)), α = 0 (the official code normalises both).
    """

    def __init__(self, dim: int, latent_dim: int | None = None, kind: FuserKind = "xattn", heads: int = 8,
                 dim_head: int = 64, ff_mult: int = 2):
        super().__init__()
        if kind not in ("xattn", "gated_xattn", "side_tuning"):
            raise ValueError(f"unknown fuser kind {kind!r}; choose xattn, gated_xattn or side_tuning")
        self.kind = kind
        if kind == "side_tuning":
            self.alpha = nn.Parameter(torch.tensor(0.0))
            return
        self.attn = CrossAttention(dim, latent_dim or dim, heads=heads, dim_head=dim_head)
        self.ff = FeedForward(dim, ff_mult)
        if kind == "gated_xattn":
            self.attn_gate = nn.Parameter(torch.zeros(1))
            self.ff_gate = nn.Parameter(torch.zeros(1))

    def forward(self, pooled: Tensor, latents: Tensor) -> Tensor:
        if self.kind == "side_tuning":
            a = torch.sigmoid(self.alpha)
            return a * F.normalize(pooled, dim=-1) + (1 - a) * F.normalize(latents.mean(dim=1), dim=-1)
        x = pooled[:, None, :]
        attn, ff = self.attn(x, latents), self.ff
        if self.kind == "gated_xattn":
            x = attn * self.attn_gate.tanh() + x
            x = ff(x) * self.ff_gate.tanh() + x
        else:
            x = attn + x
            x = ff(x) + x
        return x[:, 0]

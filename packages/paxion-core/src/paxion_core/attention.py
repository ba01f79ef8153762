"""Attention blocks shared by the Knowledge Patcher and the Knowledge Fuser (flamingo-pytorch style, no biases)."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn


class FeedForward(nn.Sequential):
    """LN -> Linear(dim, dim*mult) -> GELU -> Linear(dim*mult, dim), no biases. [..., dim] -> [..., dim]."""

    def __init__(self, dim: int, mult: int = 2):
        inner = int(dim * mult)
        super().__init__(nn.LayerNorm(dim), nn.Linear(dim, inner, bias=False), nn.GELU(),
                         nn.Linear(inner, dim, bias=False))


class CrossAttention(nn.Module):
    """Queries from `x` [B, Nq, dim], keys/values from `context` [B, Nk, context_dim]; both layer-normed.

    Returns [B, Nq, dim] (no residual). Attention runs through `scaled_dot_product_attention`; the official code's
    einsum + max-subtraction softmax computes the same function.
    """

    def __init__(self, dim: int, context_dim: int, heads: int = 8, dim_head: int = 64):
        super().__init__()
        inner = heads * dim_head
        self.heads = heads
        self.norm_q = nn.LayerNorm(dim)
        self.norm_kv = nn.LayerNorm(context_dim)
        self.to_q = nn.Linear(dim, inner, bias=False)
        self.to_kv = nn.Linear(context_dim, inner * 2, bias=False)
        self.to_out = nn.Linear(inner, dim, bias=False)

    def forward(self, x: Tensor, context: Tensor) -> Tensor:
        b, nq, _ = x.shape
        q = self.to_q(self.norm_q(x))
        k, v = self.to_kv(self.norm_kv(context)).chunk(2, dim=-1)
        q, k, v = (t.unflatten(-1, (self.heads, -1)).transpose(1, 2) for t in (q, k, v))  # [B, H, N, dh]
        out = F.scaled_dot_product_attention(q, k, v)
        return self.to_out(out.transpose(1, 2).reshape(b, nq, -1))

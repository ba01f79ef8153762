"""Patcher training step (KP-Perceiver, VTC+DVDM, forward + backward): SDPA attention vs the official einsum one.

Ours: `paxion_core.attention.CrossAttention`, attention through `torch.nn.functional.scaled_dot_product_attention`.
Naive: the same module computed the way the official code (flamingo-pytorch's PerceiverAttention) does, written here
from its formulas: q·scale @ k^T, minus the row max, softmax, @ v. Both patchers hold the same weights and draw the
same dropout masks; the loss (VTC with antonym negatives + 0.4 ATM) and every gradient must agree within 1e-5.
Token shapes: the synthetic profile's InternVideo-tiny batch [32, 8, 17, 96] and full-size InternVideo
[4, 8, 257, 1024] (a CPU-sized slice of the paper's batch of 32).
"""

from __future__ import annotations

import copy

import pytest
import torch
from torch import Tensor

from paxion_core import KnowledgePatcher
from paxion_core.attention import CrossAttention
from paxion_core.losses import atm_loss, vtc_loss

ATM_WEIGHT = 0.4
CASES = [  # name, batch, frames, tokens per frame, token_dim, embed_dim, heads, dim_head, rounds, warm-up
    ("internvideo-tiny", 32, 8, 17, 96, 64, 4, 32, 10, 2),
    ("internvideo-mm-l14", 4, 8, 257, 1024, 768, 8, 64, 2, 0),
]


class EinsumCrossAttention(CrossAttention):
    """`CrossAttention` with the official einsum attention: softmax((q·scale) k^T - row max) v."""

    def forward(self, x: Tensor, context: Tensor) -> Tensor:
        b, nq, _ = x.shape
        q = self.to_q(self.norm_q(x))
        k, v = self.to_kv(self.norm_kv(context)).chunk(2, dim=-1)
        q, k, v = (t.unflatten(-1, (self.heads, -1)).transpose(1, 2) for t in (q, k, v))  # [B, H, N, dh]
        q = q * q.shape[-1] ** -0.5
        sim = torch.einsum("bhid,bhjd->bhij", q, k)
        sim = sim - sim.amax(dim=-1, keepdim=True).detach()
        out = torch.einsum("bhij,bhjd->bhid", sim.softmax(dim=-1), v)
        return self.to_out(out.transpose(1, 2).reshape(b, nq, -1))


def with_einsum_attention(patcher: KnowledgePatcher) -> KnowledgePatcher:
    """A copy of `patcher` (same weights) whose cross-attention layers use `EinsumCrossAttention`."""
    naive = copy.deepcopy(patcher)
    for layer in naive.layers:
        attn = layer.attn
        einsum = EinsumCrossAttention(attn.to_q.in_features, attn.to_kv.in_features, heads=attn.heads,
                                      dim_head=attn.to_q.out_features // attn.heads)
        einsum.load_state_dict(attn.state_dict())
        layer.attn = einsum
    return naive


@pytest.mark.benchmark(group="patcher-step")
@pytest.mark.parametrize(("name", "batch", "frames", "tokens", "token_dim", "embed_dim", "heads", "dim_head",
                          "rounds", "warmup"), CASES, ids=[c[0] for c in CASES])
def test_patcher_step(paired, name, batch, frames, tokens, token_dim, embed_dim, heads, dim_head, rounds, warmup):
    ours_patcher = KnowledgePatcher(embed_dim, token_dim, num_frames=frames, heads=heads, dim_head=dim_head).train()
    naive_patcher = with_einsum_attention(ours_patcher).train()
    generator = torch.Generator().manual_seed(0)
    media = torch.randn(batch, frames, tokens, token_dim, generator=generator)  # frozen backbone tokens
    media_reversed = media.flip(1)  # per-frame token encoders: the reversed clip's tokens are a flip in time
    text, antonym = torch.randn(2, batch, embed_dim, generator=generator)

    def step(patcher: KnowledgePatcher) -> Tensor:
        torch.manual_seed(1)  # the same temporal-dropout masks in both paths
        patcher.zero_grad(set_to_none=True)
        latents, latents_reversed = patcher(media), patcher(media_reversed)
        loss = vtc_loss(latents, text, patcher.temperature, antonym_text=antonym)
        loss = loss + ATM_WEIGHT * atm_loss(latents, latents_reversed, text, patcher.temperature)
        loss.backward()
        return loss.detach()

    loss, naive_loss = paired.run(lambda: step(ours_patcher), lambda: step(naive_patcher), rounds=rounds,
                                  warmup_rounds=warmup)
    torch.testing.assert_close(loss, naive_loss, rtol=0, atol=1e-5)
    naive_params = dict(naive_patcher.named_parameters())
    for param_name, param in ours_patcher.named_parameters():
        torch.testing.assert_close(param.grad, naive_params[param_name].grad, rtol=1e-5, atol=1e-5,
                                   msg=lambda m, n=param_name: f"gradient of {n}: {m}")
    paired.record(f"patcher step VTC+DVDM fwd+bwd: {name} tokens [{batch}, {frames}, {tokens}, {token_dim}]",
                  token_shape=[batch, frames, tokens, token_dim], embed_dim=embed_dim, heads=heads, loss=loss.item())

import pytest
import torch
import torch.nn.functional as F

from paxion_core import KnowledgeFuser


def test_gated_fuser_is_identity_at_init_and_not_after_gates_open():
    fuser = KnowledgeFuser(16, kind="gated_xattn", heads=2, dim_head=8)
    pooled, latents = torch.randn(3, 16), torch.randn(3, 5, 16)
    assert torch.equal(fuser(pooled, latents), pooled)
    with torch.no_grad():
        fuser.attn_gate.fill_(1.0)
    assert not torch.allclose(fuser(pooled, latents), pooled)


def test_xattn_fuser_residual_form():
    fuser = KnowledgeFuser(16, kind="xattn", heads=2, dim_head=8)
    pooled, latents = torch.randn(3, 16), torch.randn(3, 5, 16)
    x = pooled[:, None] + fuser.attn(pooled[:, None], latents)
    assert torch.allclose(fuser(pooled, latents), (x + fuser.ff(x))[:, 0], atol=1e-6)


def test_side_tuning_mixes_normalised_features_half_half_at_init():
    fuser = KnowledgeFuser(4, kind="side_tuning")
    pooled, latents = torch.randn(2, 4), torch.randn(2, 3, 4)
    expected = 0.5 * F.normalize(pooled, dim=-1) + 0.5 * F.normalize(latents.mean(1), dim=-1)
    assert torch.allclose(fuser(pooled, latents), expected)
    assert [n for n, _ in fuser.named_parameters()] == ["alpha"]


def test_unknown_fuser_kind():
    with pytest.raises(ValueError, match="unknown fuser kind"):
        KnowledgeFuser(4, kind="concat")

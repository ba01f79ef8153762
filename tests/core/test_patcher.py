import pytest
import torch

from paxion_core import KnowledgeFuser, KnowledgePatcher, TransformerPatcher
from paxion_core.patcher import paired_similarity, video_text_similarity


def n_params(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize(("embed_dim", "token_dim", "expected"), [
    (768, 1024, 4_221_441),  # InternVideo-MM-L-14 (the paper's 4.2M)
    (512, 768, 2_378_241),   # CLIP-ViP (2.4M)
    (256, 768, 1_324_033),   # Singularity (1.3M)
])
def test_knowledge_patcher_parameter_counts(embed_dim, token_dim, expected):
    assert n_params(KnowledgePatcher(embed_dim, token_dim)) == expected


def test_kp_transformer_and_fuser_parameter_counts():
    assert n_params(TransformerPatcher(1024, ffn_dim=2048)) == 8_399_873  # InternVideo: ≈8.4M
    assert n_params(TransformerPatcher(768, ffn_dim=1024)) == 3_940_097  # CLIP-ViP / Singularity: ≈3.9M
    assert n_params(KnowledgeFuser(768)) == 3_936_768  # ≈3.94M


def test_patcher_shapes_and_errors():
    patcher = KnowledgePatcher(64, 32, num_frames=4, num_latents=5)
    latents = patcher(torch.randn(3, 4, 7, 32))
    assert latents.shape == (3, 5, 64)
    assert patcher.similarity(latents, torch.randn(6, 64)).shape == (3, 6)
    with pytest.raises(ValueError, match="num_frames=4"):
        patcher(torch.randn(3, 5, 7, 32))
    with pytest.raises(ValueError, match=r"\[B, T, P, 32\]"):
        patcher(torch.randn(3, 4, 32))
    assert TransformerPatcher(32, ffn_dim=16)(torch.randn(2, 4, 3, 32)).shape == (2, 32)


def test_patcher_sees_frame_order_only_through_temporal_embedding():
    tokens = torch.randn(2, 4, 3, 16)
    with_temporal = KnowledgePatcher(8, 16, num_frames=4).eval()
    without = KnowledgePatcher(8, 16, num_frames=4, temporal_embedding=False).eval()
    flipped = tokens.flip(1)
    assert torch.allclose(without(tokens), without(flipped), atol=1e-5)
    assert not torch.allclose(with_temporal(tokens), with_temporal(flipped), atol=1e-3)


def test_similarity_is_max_cosine_over_latents_over_temperature():
    latents = torch.tensor([[[1.0, 0.0], [0.0, 2.0]]])  # one video, two latents
    text = torch.tensor([[0.0, 3.0], [1.0, 1.0]])
    expected = torch.tensor([[1.0, 2 ** -0.5]])
    assert torch.allclose(video_text_similarity(latents, text), expected)
    patcher = KnowledgePatcher(2, 4, num_latents=2, heads=1, dim_head=2)
    assert torch.allclose(patcher.similarity(latents, text), expected / 0.07)
    assert torch.allclose(paired_similarity(latents, text[:1]), torch.tensor([1.0]))

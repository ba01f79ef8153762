"""Released Paxion checkpoints: official key names map into our modules, which then compute what the official
Perceiver / CrossAttentionBlock compute. The reference below is written from the formulas (DESIGN §3), reading the
official tensors by their official names."""

import torch
import torch.nn.functional as F

from paxion_core import PatchAndFuse
from paxion_core.model import map_paxion_checkpoint

D, DT, H, DH, N, T = 16, 32, 2, 8, 4, 8  # latent dim, token dim, heads, head dim, latents, frames (toy backbone)


def official_state(prefix_perceiver="vision_perceiver", with_fuser=True) -> dict:
    g = torch.Generator().manual_seed(1)

    def r(*shape):
        return torch.randn(*shape, generator=g) * 0.3

    p = f"{prefix_perceiver}.layers.0"
    state = {
        f"{prefix_perceiver}.latents": r(N, D),
        f"{p}.0.norm_media.weight": 1 + r(DT), f"{p}.0.norm_media.bias": r(DT),
        f"{p}.0.norm_latents.weight": 1 + r(D), f"{p}.0.norm_latents.bias": r(D),
        f"{p}.0.to_q.weight": r(H * DH, D), f"{p}.0.to_kv.weight": r(2 * H * DH, DT),
        f"{p}.0.to_out.weight": r(D, H * DH),
        f"{p}.1.0.weight": 1 + r(D), f"{p}.1.0.bias": r(D), f"{p}.1.1.weight": r(2 * D, D),
        f"{p}.1.3.weight": r(D, 2 * D),
        f"{prefix_perceiver}.norm.weight": 1 + r(D), f"{prefix_perceiver}.norm.bias": r(D),
        "temporal_embedding": r(T, DT), "temp": torch.tensor(0.05),
        "vl_backbone.visual.conv1.weight": r(3, 3),  # ignored: the frozen backbone
    }
    if with_fuser:
        f = "knowledge_fuser"
        state |= {
            f"{f}.attn.norm_q.weight": 1 + r(D), f"{f}.attn.norm_q.bias": r(D),
            f"{f}.attn.norm_kv.weight": 1 + r(D), f"{f}.attn.norm_kv.bias": r(D),
            f"{f}.attn.to_q.weight": r(H * DH, D), f"{f}.attn.to_kv.weight": r(2 * H * DH, D),
            f"{f}.attn.to_out.weight": r(D, H * DH),
            f"{f}.ff.0.weight": 1 + r(D), f"{f}.ff.0.bias": r(D), f"{f}.ff.1.weight": r(2 * D, D),
            f"{f}.ff.3.weight": r(D, 2 * D),
        }
    return state


def ln(x, s, name):
    return F.layer_norm(x, x.shape[-1:], s[f"{name}.weight"], s[f"{name}.bias"])


def attend(q_in, kv_in, s, name, q_norm, kv_norm):
    """softmax(q kᵀ / √dh) v per head, with LN on both inputs and bias-free projections."""
    q = ln(q_in, s, f"{name}.{q_norm}") @ s[f"{name}.to_q.weight"].T
    k, v = (ln(kv_in, s, f"{name}.{kv_norm}") @ s[f"{name}.to_kv.weight"].T).chunk(2, dim=-1)
    heads = [torch.softmax(q[..., h * DH:(h + 1) * DH] @ k[..., h * DH:(h + 1) * DH].transpose(-1, -2) * DH ** -0.5, -1)
             @ v[..., h * DH:(h + 1) * DH] for h in range(H)]
    return torch.cat(heads, -1) @ s[f"{name}.to_out.weight"].T


def feed_forward(x, s, name):
    return F.gelu(ln(x, s, f"{name}.0") @ s[f"{name}.1.weight"].T) @ s[f"{name}.3.weight"].T


def reference_perceiver(s, tokens, prefix="vision_perceiver"):
    media = (tokens + s["temporal_embedding"][None, :, None, :]).flatten(1, 2)
    lat = s[f"{prefix}.latents"].expand(tokens.shape[0], -1, -1)
    lat = attend(lat, media, s, f"{prefix}.layers.0.0", "norm_latents", "norm_media") + lat
    lat = feed_forward(lat, s, f"{prefix}.layers.0.1") + lat
    return ln(lat, s, f"{prefix}.norm")


def reference_fuser(s, pooled, lat):
    x = pooled[:, None]
    x = attend(x, lat, s, "knowledge_fuser.attn", "norm_q", "norm_kv") + x
    x = feed_forward(x, s, "knowledge_fuser.ff") + x
    return x[:, 0]


def model_for(toy_backbone, stage):
    return PatchAndFuse(toy_backbone, stage=stage, patcher=dict(type="perceiver", num_latents=N, heads=H, dim_head=DH),
                        fuser=dict(heads=H, dim_head=DH)).eval()


def test_released_checkpoint_computes_what_the_official_modules_compute(toy_backbone, tmp_path):
    state = official_state()
    torch.save({"model": state, "config": {"run": "x"}}, tmp_path / "paxion.pth")
    model = model_for(toy_backbone, "patch_and_fuse")
    report = model.load_paxion_checkpoint(str(tmp_path / "paxion.pth"))
    assert report.ok and report.loaded == len(state) - 1  # everything except vl_backbone.*

    video = torch.randn(2, T, 3, 16, 16)
    features = toy_backbone.encode_video(video)
    ref_latents = reference_perceiver(state, features.tokens)
    ref_fused = reference_fuser(state, features.pooled, ref_latents)
    assert torch.allclose(model.patcher(features.tokens), ref_latents, atol=1e-5)
    assert torch.allclose(model.video_embedding(features), ref_fused, atol=1e-5)
    assert model.temperature.item() == torch.tensor(0.05).item()


def test_older_knowledge_perceiver_prefix_and_patcher_only_models(toy_backbone, tmp_path):
    state = official_state("knowledge_perceiver", with_fuser=False)
    mapped = map_paxion_checkpoint({"model": state})
    assert "patcher.layers.0.attn.norm_kv.weight" in mapped and "patcher.temperature" in mapped
    torch.save({"model": state}, tmp_path / "kp.pth")
    model = model_for(toy_backbone, "patcher")
    assert model.load_paxion_checkpoint(str(tmp_path / "kp.pth")).ok
    tokens = torch.randn(1, T, 4, DT)
    assert torch.allclose(model.patcher(tokens), reference_perceiver(state, tokens, "knowledge_perceiver"), atol=1e-5)

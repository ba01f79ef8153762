"""Reversed features (ATM and Video Reversal): `encode_video(v, with_reversed=True)` vs a second full backbone pass.

Naive: `encode_video(v)` and `encode_video(v.flip(1))`, two full passes. Ours: one call that derives the reversed clip's
features as cheaply as the architecture allows: InternVideo runs only its temporal decoders again on the flipped
per-frame tokens, Singularity only its temporal encoder; CLIP-ViP's video proxies mix time inside the ViT, so it
takes a second full pass (about 1x, reported as such). Batch 1, 8 frames, random initialisation, tiny and full size.
Both paths must give the same features.
"""

from __future__ import annotations

import pytest
import torch

CASES = [  # backbone, target, timed rounds, warm-up rounds
    ("internvideo-tiny", ">= 1.8", 15, 2),
    ("singularity-tiny", ">= 1.5", 15, 2),
    ("clipvip-tiny", "~ 1 ± 0.2", 15, 2),
    ("internvideo-mm-l14", ">= 1.8", 1, 0),
    ("singularity-temporal-17m", ">= 1.5", 3, 0),
    ("clipvip-b32", "~ 1 ± 0.2", 4, 0),
]


def assert_same_features(ours, naive, what: str) -> None:
    """Float32 paths that differ only in batching and order: equal up to rounding."""
    for label in ("tokens", "pooled"):
        torch.testing.assert_close(getattr(ours, label), getattr(naive, label), rtol=1e-4, atol=1e-4,
                                   msg=lambda m, label=label: f"{what} {label}: {m}")


@pytest.mark.benchmark(group="reversed-features")
@pytest.mark.parametrize(("name", "target", "rounds", "warmup"), CASES, ids=[c[0] for c in CASES])
def test_reversed_features(paired, backbones, make_video, name, target, rounds, warmup):
    backbone = backbones(name)
    video = make_video(backbone, 1)

    @torch.inference_mode()
    def ours():
        return backbone.encode_video(video, with_reversed=True)

    @torch.inference_mode()
    def naive():
        return backbone.encode_video(video), backbone.encode_video(video.flip(1))

    features, (forward, reversed_clip) = paired.run(ours, naive, rounds=rounds, warmup_rounds=warmup)
    assert_same_features(features, forward, f"{name} forward")
    assert_same_features(features.reversed, reversed_clip, f"{name} reversed")
    paired.record(f"reversed features: {name}", target, backbone=name, video_shape=list(video.shape),
                  token_shape=list(features.tokens.shape))

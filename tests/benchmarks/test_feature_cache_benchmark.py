"""Feature cache: reading clips' frozen-backbone features from `paxion_core.features.FeatureCache` vs encoding them.

The synthetic profile computes each backbone's features once (`CachedFeatureDataset`); every later patcher, evaluation
and rerun reads them from disk. Ours: `cache[rows]` for a batch of 32 clips (memory-mapped fp16 arrays -> fp32
VideoFeatures, the reversed clip's included; the cache holds those 32 clips, read in a shuffled order). Naive:
`backbone.encode_video(video, with_reversed=True)` for the same clips. Tiny backbones only: the paper profile computes
full-size features online (`feature_cache = False`). The cached features must equal the encoded ones up to fp16
rounding. A rerun pays 1 / ratio of the first run's encoding cost for its features (decoding the videos, which the
cache also saves, comes on top: see the decode and input-pipeline benchmarks).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from paxion_core.features import build_feature_cache

BATCH = 32  # the training batch
CASES = ["internvideo-tiny", "singularity-tiny", "clipvip-tiny"]


@pytest.mark.benchmark(group="feature-cache")
@pytest.mark.parametrize("name", CASES)
def test_feature_cache_read(paired, backbones, make_video, tmp_path, name):
    backbone = backbones(name)
    video = make_video(backbone, BATCH)
    cache = build_feature_cache(tmp_path, {"backbone": name, "benchmark": "feature-cache"}, backbone,
                                [{"video": clip} for clip in video], batch_size=BATCH, progress=False)
    rows = np.random.default_rng(0).permutation(BATCH)  # every row, in a shuffled sampler's order

    @torch.inference_mode()
    def encode():
        return backbone.encode_video(video[torch.from_numpy(rows)], with_reversed=True)

    cached, encoded = paired.run(lambda: cache[rows], encode, rounds=5, warmup_rounds=1)
    for side, a, b in (("forward", cached, encoded), ("reversed", cached.reversed, encoded.reversed)):
        for label in ("tokens", "pooled"):  # fp16 storage: ~3 significant digits
            torch.testing.assert_close(getattr(a, label), getattr(b, label), rtol=2e-3, atol=2e-3,
                                       msg=lambda m, s=side, n=label: f"{name} cached {s} {n}: {m}")
    paired.record(f"feature cache read vs encode: {name}, {BATCH} clips", backbone=name, clips=BATCH,
                  cache_bytes=sum(path.stat().st_size for path in cache.path.glob("*.npy")),
                  cached_arrays=sorted(cache.arrays))

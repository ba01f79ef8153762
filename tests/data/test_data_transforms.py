"""Torch-only video transforms (paxion_core.data.transforms)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from paxion_core.data import CLIP_MEAN, CLIP_STD, ColorJitter, TransformConfig, VideoTransform
from paxion_core.data.transforms import (
    adjust_brightness,
    adjust_contrast,
    adjust_hue,
    adjust_saturation,
    center_crop,
    hsv_to_rgb,
    normalize,
    resize_short_side,
    rgb_to_hsv,
    to_float_video,
)


def random_frames(t=4, h=40, w=56, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (t, h, w, 3), dtype=torch.uint8, generator=generator)


def test_to_float_video_layout_and_scale():
    frames = random_frames()
    video = to_float_video(frames)
    assert video.shape == (4, 3, 40, 56) and video.dtype == torch.float32
    assert torch.equal(video[2, 1, 5, 7], frames[2, 5, 7, 1].float() / 255)


@pytest.mark.parametrize(("height", "width", "expected"), [(40, 56, (16, 22)), (56, 40, (22, 16)), (16, 30, (16, 30))])
def test_resize_short_side(height, width, expected):
    video = torch.rand(2, 3, height, width)
    out = resize_short_side(video, 16)
    assert out.shape[-2:] == expected
    if (height, width) == expected:
        assert out is video


def test_resize_keeps_constant_frames_constant():
    out = resize_short_side(torch.full((1, 3, 40, 56), 0.25), 16)
    assert torch.allclose(out, torch.full_like(out, 0.25))


def test_center_crop_offsets_follow_python_round():
    video = torch.arange(10 * 13, dtype=torch.float32).view(1, 1, 10, 13).expand(1, 3, 10, 13)
    out = center_crop(video, 8)
    # top = round(1.0) = 1, left = round(2.5) = 2 (round half to even, as the official crop)
    assert out.shape == (1, 3, 8, 8) and out[0, 0, 0, 0].item() == 1 * 13 + 2
    with pytest.raises(ValueError, match="resize first"):
        center_crop(video, 11)


def test_normalize_values():
    video = torch.ones(2, 3, 4, 4)
    out = normalize(video, CLIP_MEAN, CLIP_STD)
    expected = [(1 - m) / s for m, s in zip(CLIP_MEAN, CLIP_STD, strict=True)]
    assert torch.allclose(out[:, :, 0, 0], torch.tensor(expected).expand(2, 3))


def test_eval_pipeline_shape_and_values():
    frames = torch.full((8, 40, 56, 3), 128, dtype=torch.uint8)
    transform = VideoTransform.from_config(dict(image_size=16, mean=(0.5, 0.5, 0.5), std=(0.25, 0.5, 1.0)))
    video = transform(frames)
    assert video.shape == (8, 3, 16, 16) and video.dtype == torch.float32
    expected = torch.tensor([(128 / 255 - 0.5) / s for s in (0.25, 0.5, 1.0)])
    assert torch.allclose(video.mean(dim=(0, 2, 3)), expected, atol=1e-6)
    assert torch.equal(transform(frames), video)  # eval: no randomness


def test_train_jitter_is_seeded_and_shared_by_all_frames():
    frames = random_frames(t=1).expand(3, -1, -1, -1)  # three identical frames
    transform = VideoTransform(TransformConfig(image_size=32, train=True))
    first = transform(frames, generator=torch.Generator().manual_seed(7))
    again = transform(frames, generator=torch.Generator().manual_seed(7))
    other = transform(frames, generator=torch.Generator().manual_seed(8))
    plain = VideoTransform(TransformConfig(image_size=32, train=False))(frames)
    assert torch.equal(first, again)
    assert not torch.allclose(first, other)
    assert not torch.allclose(first, plain)
    assert torch.equal(first[0], first[1]) and torch.equal(first[0], first[2])


def test_brightness_factor_range():
    # on a uniform grey clip contrast, saturation and hue change nothing, so out / in is the brightness factor
    jitter = ColorJitter(0.1, 0.1, 0.1, 0.1)
    grey = torch.full((2, 3, 4, 4), 0.5)
    factors = [
        float(jitter(grey, generator=torch.Generator().manual_seed(seed))[0, 0, 0, 0] / 0.5) for seed in range(60)
    ]
    assert all(0.9 - 1e-6 <= f <= 1.1 + 1e-6 for f in factors)
    assert min(factors) < 0.93 and max(factors) > 1.07  # the whole range is drawn
    with pytest.raises(ValueError, match="hue"):
        ColorJitter(hue=0.7)


def test_brightness_contrast_saturation():
    video = torch.rand(2, 3, 6, 6, generator=torch.Generator().manual_seed(1)) * 0.8
    assert torch.allclose(adjust_brightness(video, 0.5), video * 0.5)
    grey_level = (video * torch.tensor([0.2989, 0.587, 0.114]).view(3, 1, 1)).sum(dim=-3, keepdim=True)
    flat = adjust_contrast(video, 0.0)
    assert torch.allclose(flat, grey_level.mean(dim=(-3, -2, -1), keepdim=True).expand_as(video))
    assert torch.allclose(adjust_saturation(video, 0.0), grey_level.expand_as(video))
    assert torch.allclose(adjust_saturation(video, 1.0), video)


def test_hue_rotation_and_hsv_round_trip():
    red = torch.tensor([1.0, 0.0, 0.0]).view(1, 3, 1, 1)
    assert torch.allclose(adjust_hue(red, 1 / 3), torch.tensor([0.0, 1.0, 0.0]).view(1, 3, 1, 1), atol=1e-6)
    assert torch.allclose(adjust_hue(red, -1 / 3), torch.tensor([0.0, 0.0, 1.0]).view(1, 3, 1, 1), atol=1e-6)
    video = torch.rand(2, 3, 16, 16, generator=torch.Generator().manual_seed(2))
    assert torch.allclose(hsv_to_rgb(rgb_to_hsv(video)), video, atol=1e-5)
    assert torch.allclose(adjust_hue(video, 0.0), video, atol=1e-5)


def test_config_validation_and_backbone_settings():
    with pytest.raises(ValueError, match="3 values"):
        TransformConfig(mean=(0.5, 0.5))
    with pytest.raises(TypeError, match="cannot build"):
        VideoTransform.from_config(224)
    backbone = SimpleNamespace(image_size=24, pixel_mean=(0.5, 0.5, 0.5), pixel_std=(0.5, 0.5, 0.5))
    transform = VideoTransform.for_backbone(backbone, train=True, jitter=0.0)
    assert transform.config.image_size == 24 and transform.jitter is None
    assert transform(random_frames()).shape == (4, 3, 24, 24)

"""Video transforms in plain torch (no torchvision): resize, centre crop, colour jitter, normalisation.

The pipeline matches the official processors (`video_train` / `internvideo_eval`): resize the short side to
`resize_size` (bilinear, as the official PIL path), centre crop `image_size`, colour jitter when training, scale to
[0, 1] and normalise with the backbone's mean/std. Colour jitter follows torchvision's `ColorJitter` semantics: one
factor per clip for each of brightness, contrast, saturation and hue, applied in a random order, drawn from a
`torch.Generator` when one is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
_LUMA_WEIGHTS = (0.2989, 0.587, 0.114)  # ITU-R 601-2, as PIL and torchvision convert to grey


def to_float_video(frames: torch.Tensor) -> torch.Tensor:
    """uint8 frames [T, H, W, 3] -> float [T, 3, H, W] in [0, 1]."""
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"expected frames [T, H, W, 3], got {tuple(frames.shape)}")
    return frames.permute(0, 3, 1, 2).float().div_(255.0)


def resize_short_side(video: torch.Tensor, size: int) -> torch.Tensor:
    """[T, 3, H, W] -> [T, 3, H', W'] with min(H', W') = size, aspect kept (long side truncated to int).

    Bilinear with antialiasing, like PIL's bilinear resize. A video whose short side already equals `size` is
    returned unchanged.
    """
    height, width = video.shape[-2:]
    if min(height, width) == size:
        return video
    if width < height:
        new_height, new_width = int(size * height / width), size
    else:
        new_height, new_width = size, int(size * width / height)
    return F.interpolate(video, size=(new_height, new_width), mode="bilinear", align_corners=False, antialias=True)


def center_crop(video: torch.Tensor, size: int) -> torch.Tensor:
    """[T, 3, H, W] -> [T, 3, size, size], the offsets rounded as the official crop does (Python `round`)."""
    height, width = video.shape[-2:]
    if size > height or size > width:
        raise ValueError(f"cannot centre-crop {size}x{size} from frames of {height}x{width}; resize first")
    top = int(round((height - size) / 2.0))
    left = int(round((width - size) / 2.0))
    return video[..., top : top + size, left : left + size]


def normalize(video: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """[T, 3, H, W] -> (video - mean) / std per channel."""
    mean_t = torch.as_tensor(mean, dtype=video.dtype, device=video.device).view(3, 1, 1)
    std_t = torch.as_tensor(std, dtype=video.dtype, device=video.device).view(3, 1, 1)
    return (video - mean_t) / std_t


def _grey(video: torch.Tensor) -> torch.Tensor:
    """[..., 3, H, W] in [0, 1] -> luma [..., 1, H, W]."""
    weights = torch.as_tensor(_LUMA_WEIGHTS, dtype=video.dtype, device=video.device).view(3, 1, 1)
    return (video * weights).sum(dim=-3, keepdim=True)


def _blend(video: torch.Tensor, other: torch.Tensor, factor: float) -> torch.Tensor:
    return (factor * video + (1.0 - factor) * other).clamp_(0.0, 1.0)


def adjust_brightness(video: torch.Tensor, factor: float) -> torch.Tensor:
    """Scale intensities by `factor` (blend with black); [..., 3, H, W] in [0, 1]."""
    return _blend(video, torch.zeros_like(video), factor)


def adjust_contrast(video: torch.Tensor, factor: float) -> torch.Tensor:
    """Blend each frame with its mean grey level."""
    return _blend(video, _grey(video).mean(dim=(-3, -2, -1), keepdim=True), factor)


def adjust_saturation(video: torch.Tensor, factor: float) -> torch.Tensor:
    """Blend each pixel with its grey value."""
    return _blend(video, _grey(video), factor)


def rgb_to_hsv(video: torch.Tensor) -> torch.Tensor:
    """[..., 3, H, W] RGB in [0, 1] -> HSV, hue in [0, 1)."""
    red, green, blue = video.unbind(dim=-3)
    value, _ = video.max(dim=-3)
    chroma = value - video.min(dim=-3).values
    grey = chroma == 0
    saturation = torch.where(value > 0, chroma / value.clamp_min(1e-12), torch.zeros_like(value))
    safe_chroma = torch.where(grey, torch.ones_like(chroma), chroma)
    hue_sector = torch.where(
        value == red,
        (green - blue) / safe_chroma,
        torch.where(value == green, 2.0 + (blue - red) / safe_chroma, 4.0 + (red - green) / safe_chroma),
    )
    hue = torch.where(grey, torch.zeros_like(hue_sector), hue_sector / 6.0).remainder(1.0)
    return torch.stack((hue, saturation, value), dim=-3)


def hsv_to_rgb(video: torch.Tensor) -> torch.Tensor:
    """[..., 3, H, W] HSV (hue in [0, 1)) -> RGB in [0, 1]."""
    hue, saturation, value = video.unbind(dim=-3)
    scaled = hue.remainder(1.0) * 6.0
    sector = scaled.floor()
    fraction = scaled - sector
    sector = sector.long().remainder(6)
    low = value * (1.0 - saturation)
    falling = value * (1.0 - saturation * fraction)
    rising = value * (1.0 - saturation * (1.0 - fraction))
    # (red, green, blue) for the six 60-degree sectors of the hue circle
    table = torch.stack(
        [
            torch.stack([value, rising, low], dim=-3),
            torch.stack([falling, value, low], dim=-3),
            torch.stack([low, value, rising], dim=-3),
            torch.stack([low, falling, value], dim=-3),
            torch.stack([rising, low, value], dim=-3),
            torch.stack([value, low, falling], dim=-3),
        ],
        dim=0,
    )
    index = sector.unsqueeze(-3).expand_as(video).unsqueeze(0)
    return table.gather(0, index).squeeze(0)


def adjust_hue(video: torch.Tensor, shift: float) -> torch.Tensor:
    """Rotate the hue by `shift` turns (in [-0.5, 0.5])."""
    hsv = rgb_to_hsv(video)
    hsv[..., 0, :, :] = (hsv[..., 0, :, :] + shift).remainder(1.0)
    return hsv_to_rgb(hsv).clamp_(0.0, 1.0)


@dataclass(frozen=True)
class ColorJitter:
    """Random brightness/contrast/saturation/hue with torchvision's `ColorJitter` semantics.

    Factors: brightness, contrast, saturation uniform in [max(0, 1 - s), 1 + s]; hue shift uniform in [-h, h].
    The four adjustments run in a random order; one draw per clip, shared by all frames.
    """

    brightness: float = 0.1
    contrast: float = 0.1
    saturation: float = 0.1
    hue: float = 0.1

    def __post_init__(self) -> None:
        for name in ("brightness", "contrast", "saturation"):
            if getattr(self, name) < 0:
                raise ValueError(f"ColorJitter.{name} must be >= 0, got {getattr(self, name)}")
        if not 0 <= self.hue <= 0.5:
            raise ValueError(f"ColorJitter.hue must be in [0, 0.5], got {self.hue}")

    def __call__(self, video: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """video [T, 3, H, W] in [0, 1] -> jittered video, same shape."""

        def uniform(low: float, high: float) -> float:
            return float(torch.empty(1).uniform_(low, high, generator=generator))

        order = torch.randperm(4, generator=generator).tolist()  # drawn first, as torchvision does
        steps = []
        for strength, adjust in (
            (self.brightness, adjust_brightness),
            (self.contrast, adjust_contrast),
            (self.saturation, adjust_saturation),
        ):
            steps.append((adjust, uniform(max(0.0, 1.0 - strength), 1.0 + strength) if strength > 0 else None))
        steps.append((adjust_hue, uniform(-self.hue, self.hue) if self.hue > 0 else None))
        for position in order:
            adjust, factor = steps[position]
            if factor is not None:
                video = adjust(video, factor)
        return video


@dataclass(frozen=True)
class TransformConfig:
    """What a video pipeline needs: crop size, the backbone's normalisation, train or eval.

    resize_size: short side before the centre crop (the official `scale_size`); None means `image_size`.
    jitter: colour-jitter strength for brightness, contrast, saturation and hue (train only); 0 disables it.
    """

    image_size: int = 224
    mean: tuple[float, float, float] = CLIP_MEAN
    std: tuple[float, float, float] = CLIP_STD
    train: bool = False
    resize_size: int | None = None
    jitter: float = 0.1

    def __post_init__(self) -> None:
        if len(self.mean) != 3 or len(self.std) != 3:
            raise ValueError(f"mean and std need 3 values (RGB), got mean={self.mean} std={self.std}")
        if any(s <= 0 for s in self.std):
            raise ValueError(f"std must be positive, got {self.std}")
        object.__setattr__(self, "mean", tuple(float(m) for m in self.mean))
        object.__setattr__(self, "std", tuple(float(s) for s in self.std))


@dataclass
class VideoTransform:
    """uint8 frames [T, H, W, 3] -> normalised float video [T, 3, image_size, image_size]."""

    config: TransformConfig = field(default_factory=TransformConfig)

    def __post_init__(self) -> None:
        strength = self.config.jitter
        train_jitter = self.config.train and strength > 0
        self.jitter = ColorJitter(strength, strength, strength, strength) if train_jitter else None

    @classmethod
    def from_config(cls, config: VideoTransform | TransformConfig | Mapping[str, Any]) -> VideoTransform:
        """Build from a transform, a TransformConfig or a plain dict (e.g. from an mmengine config)."""
        if isinstance(config, VideoTransform):
            return config
        if isinstance(config, TransformConfig):
            return cls(config)
        if isinstance(config, Mapping):
            return cls(TransformConfig(**config))
        raise TypeError(f"cannot build a VideoTransform from {type(config).__name__}")

    @classmethod
    def for_backbone(cls, backbone: Any, train: bool, **overrides: Any) -> VideoTransform:
        """The pipeline for a backbone: its `image_size`, `pixel_mean` and `pixel_std`."""
        settings = dict(image_size=backbone.image_size, mean=backbone.pixel_mean, std=backbone.pixel_std, train=train)
        return cls(TransformConfig(**{**settings, **overrides}))

    def __call__(self, frames: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """frames uint8 [T, H, W, 3] -> float [T, 3, S, S]; `generator` drives the colour jitter."""
        cfg = self.config
        video = to_float_video(frames)
        video = resize_short_side(video, cfg.resize_size or cfg.image_size)
        video = center_crop(video, cfg.image_size)
        if self.jitter is not None:
            video = self.jitter(video, generator=generator)
        return normalize(video, cfg.mean, cfg.std)

"""The contract every video-language backbone fulfils (DESIGN §3).

A backbone is frozen; Paxion reads two things from it: per-frame tokens for the Knowledge Patcher and a pooled,
projected video embedding for the Knowledge Fuser and for the Backbone rows of the tables.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from paxion_core.checkpoint import LoadReport, load_state_dict_strict, read_checkpoint


@dataclass
class VideoFeatures:
    """What `encode_video` returns.

    tokens:   [B, T, P, token_dim]  the tokens the patcher reads (per frame, P tokens each).
    pooled:   [B, embed_dim]        the backbone's own projected video embedding (not normalised).
    reversed: the same for the time-reversed clip when `encode_video(..., with_reversed=True)`; else None.
    """

    tokens: Tensor
    pooled: Tensor
    reversed: VideoFeatures | None = None

    def map(self, fn: Callable[[Tensor], Tensor]) -> VideoFeatures:
        """`fn` applied to every tensor (the reversed features' too)."""
        rev = self.reversed.map(fn) if self.reversed is not None else None
        return VideoFeatures(fn(self.tokens), fn(self.pooled), rev)

    def to(self, *args, **kwargs) -> VideoFeatures:
        return self.map(lambda t: t.to(*args, **kwargs))

    def select(self, index: Tensor | slice) -> VideoFeatures:
        """Rows `index` of the batch (and of the reversed features)."""
        return self.map(lambda t: t[index])


class VideoLanguageBackbone(nn.Module, abc.ABC):
    """Base class of every backbone.

    Subclasses set the attributes below and implement `forward_video`, `project_tokens`, `tokenize`,
    `encode_text`, `logit_scale` and `map_checkpoint`. They may override `forward_reversed` when the time-reversed
    features can be had for less than a second full pass (the default).
    """

    embed_dim: int  # joint video-text space
    token_dim: int  # width of the tokens the patcher reads
    num_frames: int
    image_size: int
    pixel_mean: tuple[float, float, float]
    pixel_std: tuple[float, float, float]
    # True when the tokens of the time-reversed clip are exactly the forward tokens flipped in time (per-frame,
    # spatial-only token encoders): caches then store only the forward tokens.
    reversal_flips_tokens: bool = False

    # -- video ------------------------------------------------------------------------------------------------
    @abc.abstractmethod
    def forward_video(self, video: Tensor) -> VideoFeatures:
        """video [B, T, 3, H, W] (normalised pixels) -> VideoFeatures without `reversed`."""

    def forward_reversed(self, video: Tensor, features: VideoFeatures) -> VideoFeatures:
        """Features of `video.flip(1)`, given the forward `features`. Default: a second full pass."""
        return self.forward_video(video.flip(1))

    def encode_video(self, video: Tensor, with_reversed: bool = False) -> VideoFeatures:
        """video [B, T, 3, H, W] -> VideoFeatures(tokens [B, T, P, token_dim], pooled [B, embed_dim]).

        With `with_reversed=True` the features of the time-reversed clip come along in `.reversed`
        (ATM and Video Reversal need both), computed at the lowest cost the architecture allows.
        """
        if video.ndim != 5 or video.shape[2] != 3:
            name = type(self).__name__
            raise ValueError(f"{name}.encode_video expects video [B, T, 3, H, W], got {tuple(video.shape)}")
        features = self.forward_video(video)
        if with_reversed:
            features.reversed = self.forward_reversed(video, features)
        return features

    @abc.abstractmethod
    def project_tokens(self, x: Tensor) -> Tensor:
        """[..., token_dim] -> [..., embed_dim] through the backbone's visual projection (the KP-Transformer
        baseline pools its tokens and projects them with this, as the official baseline does)."""

    # -- text -------------------------------------------------------------------------------------------------
    @abc.abstractmethod
    def tokenize(self, texts: Sequence[str]) -> Tensor:
        """texts -> token ids [B, L] (long, 0 = padding)."""

    @abc.abstractmethod
    def encode_text(self, texts: Sequence[str] | Tensor) -> Tensor:
        """texts (strings, or ids from `tokenize`) -> [B, embed_dim], projected, not normalised."""

    @property
    @abc.abstractmethod
    def logit_scale(self) -> Tensor:
        """The backbone's contrastive scale (exp of the learned log-scale, or 1/temperature)."""

    # -- checkpoints ------------------------------------------------------------------------------------------
    @abc.abstractmethod
    def map_checkpoint(self, checkpoint: dict) -> dict[str, Tensor]:
        """Official checkpoint (as read from disk) -> state dict with this module's key names."""

    def load_checkpoint(self, path: str, *, strict: bool = True, weights_only: bool = True) -> LoadReport:
        """Load an official checkpoint file.

        Strict by default: missing, unexpected or mis-shaped keys raise `CheckpointMismatchError` with the full
        report. `weights_only=True` refuses pickled Python objects; pass `weights_only=False` only for files you
        trust (see `paxion_core.checkpoint.read_checkpoint`).
        """
        checkpoint = read_checkpoint(path, weights_only=weights_only)
        state = self.map_checkpoint(checkpoint)
        return load_state_dict_strict(self, state, strict=strict, source=str(path))

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

"""A tiny video-language backbone that fulfils `paxion_core.VideoLanguageBackbone`."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import torch
from torch import Tensor, nn

from paxion_core import VideoFeatures, VideoLanguageBackbone


class ExampleViT(VideoLanguageBackbone):
    """Patchify each frame, one transformer layer per frame (no time mixing), mean-pool frames for `pooled`.

    Text: words hashed into `vocab_size` buckets, embedded and mean-pooled (no vocabulary file needed).
    """

    pixel_mean = (0.5, 0.5, 0.5)
    pixel_std = (0.5, 0.5, 0.5)
    # Frames are encoded independently, so the tokens of the reversed clip are the forward tokens flipped in time:
    # feature caches then store only the forward tokens.
    reversal_flips_tokens = True

    def __init__(self, width: int = 32, embed_dim: int = 16, image_size: int = 16, patch_size: int = 8,
                 num_frames: int = 8, vocab_size: int = 1024, context_length: int = 16):
        super().__init__()
        self.token_dim, self.embed_dim, self.image_size, self.num_frames = width, embed_dim, image_size, num_frames
        self.vocab_size, self.context_length = vocab_size, context_length
        self.patch_embed = nn.Conv2d(3, width, patch_size, stride=patch_size)
        self.pos_embed = nn.Parameter(torch.randn((image_size // patch_size) ** 2, width))
        self.block = nn.TransformerEncoderLayer(width, 4, 2 * width, dropout=0.0, batch_first=True)
        self.visual_proj = nn.Linear(width, embed_dim, bias=False)
        self.token_embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.text_proj = nn.Linear(embed_dim, embed_dim, bias=False)
        self.log_scale = nn.Parameter(torch.tensor(2.659))

    def forward_video(self, video: Tensor) -> VideoFeatures:
        """video [B, T, 3, H, W] -> tokens [B, T, P, width], pooled [B, embed_dim]."""
        b, t = video.shape[:2]
        x = self.patch_embed(video.flatten(0, 1)).flatten(2).transpose(1, 2) + self.pos_embed  # [B*T, P, W]
        tokens = self.block(x).unflatten(0, (b, t))  # [B, T, P, W]
        return VideoFeatures(tokens=tokens, pooled=self.project_tokens(tokens.mean(dim=(1, 2))))

    def forward_reversed(self, video: Tensor, features: VideoFeatures) -> VideoFeatures:
        """The reversed clip's features without a second pass: flipped tokens, the same (time-averaged) pooled."""
        return VideoFeatures(tokens=features.tokens.flip(1), pooled=features.pooled)

    def project_tokens(self, x: Tensor) -> Tensor:
        """[..., width] -> [..., embed_dim]."""
        return self.visual_proj(x)

    def tokenize(self, texts: Sequence[str]) -> Tensor:
        """texts -> ids [B, context_length] (long, 0 = padding)."""
        ids = torch.zeros(len(texts), self.context_length, dtype=torch.long)
        for row, text in enumerate(texts):
            words = text.lower().split()[: self.context_length]
            ids[row, : len(words)] = torch.tensor([1 + zlib.crc32(w.encode()) % (self.vocab_size - 1) for w in words])
        return ids

    def encode_text(self, texts: Sequence[str] | Tensor) -> Tensor:
        """texts (strings or ids [B, L]) -> [B, embed_dim], projected, not normalised."""
        ids = texts if isinstance(texts, Tensor) else self.tokenize(texts)
        ids = ids.to(self.device)
        mask = (ids != 0).unsqueeze(-1).float()
        mean = (self.token_embed(ids) * mask).sum(1) / mask.sum(1).clamp(min=1)
        return self.text_proj(mean)

    @property
    def logit_scale(self) -> Tensor:
        return self.log_scale.exp()

    def map_checkpoint(self, checkpoint: dict) -> dict[str, Tensor]:
        """This example's "official" format nests the weights under "state_dict" with a "model." prefix."""
        state = checkpoint.get("state_dict", checkpoint)
        return {k.removeprefix("model."): v for k, v in state.items()}


def build_example_vit(**kwargs) -> ExampleViT:
    """The factory that `plugin.py` registers (as the lazy string "paxion_backbone_example.model:build_example_vit");
    `build_backbone("example-vit", **overrides)` calls it with the registered defaults updated by the overrides."""
    return ExampleViT(**kwargs)

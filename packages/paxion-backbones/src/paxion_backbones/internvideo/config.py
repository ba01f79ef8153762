"""InternVideo-MM sizes as data (no torch, no optional imports: the plugin module reads this)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from paxion_backbones.common.shapes import vit_shape_problems


@dataclass(frozen=True)
class InternVideoConfig:
    """Architecture of one InternVideo-MM size. Defaults = InternVideo-MM-L-14 as the official `build_model` builds it.

    Vision: a CLIP ViT run on every frame separately (`vision_layers` blocks, QuickGELU), plus one temporal decoder per
    block index in `decoder_layers` (the official `return_list`): a depthwise 3×3×3 Conv3d position encoding on a copy
    of that block's tokens and a learnable temporal CLS cross-attending over all T·P tokens (same width and heads as the
    ViT, MLP ratio `decoder_mlp_ratio`, dropout `decoder_mlp_dropout` inside the MLP as in the official code).
    Text: CLIP's causal transformer, pooled at the EOT token.
    """

    image_size: int = 224
    patch_size: int = 14
    vision_width: int = 1024
    vision_layers: int = 24
    vision_heads: int = 16
    decoder_layers: tuple[int, ...] = (20, 21, 22, 23)
    decoder_mlp_ratio: float = 4.0
    decoder_mlp_dropout: float = 0.5
    embed_dim: int = 768
    text_width: int = 768
    text_layers: int = 12
    text_heads: int = 12
    context_length: int = 77
    vocab_size: int = 49408
    num_frames: int = 8
    pos_embed_std: float | None = None  # std of the spatial position embedding at init; None = vision_width ** -0.5

    def __post_init__(self) -> None:
        object.__setattr__(self, "decoder_layers", tuple(int(i) for i in self.decoder_layers))
        problems = vit_shape_problems(self)
        layers = self.decoder_layers
        if not layers or list(layers) != sorted(set(layers)) or not 0 <= layers[0] <= layers[-1] < self.vision_layers:
            problems.append(f"decoder_layers {layers} must be distinct increasing block indices in "
                            f"[0, {self.vision_layers})")
        if problems:
            raise ValueError("invalid InternVideoConfig: " + "; ".join(problems))

    @property
    def tokens_per_frame(self) -> int:
        """Patch tokens plus the frame CLS token."""
        return (self.image_size // self.patch_size) ** 2 + 1

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def describe(self) -> str:
        return (f"{self.num_frames}×{self.image_size}² px, {self.vision_layers}-layer ViT (width {self.vision_width}, "
                f"{self.tokens_per_frame} tokens/frame), temporal decoders on layers "
                f"{','.join(map(str, self.decoder_layers))}; text {self.text_layers}×{self.text_width}; "
                f"embed {self.embed_dim}")


CONFIGS: dict[str, InternVideoConfig] = {
    # The released InternVideo-MM-L-14.ckpt (official build_model with a vision width of 1024).
    "internvideo-mm-l14": InternVideoConfig(),
    # CPU size for the synthetic profile: same code path. The spatial position embedding starts at std 1.0 so that
    # patch tokens carry their position strongly (DESIGN §5); no decoder dropout (pretrained in-repo).
    "internvideo-tiny": InternVideoConfig(
        image_size=32, patch_size=8, vision_width=96, vision_layers=3, vision_heads=4, decoder_layers=(1, 2),
        decoder_mlp_dropout=0.0, embed_dim=64, text_width=64, text_layers=3, text_heads=4, pos_embed_std=1.0,
    ),
}

"""Shape checks shared by the backbone configs (plain Python: the plugin modules import the configs without torch)."""

from __future__ import annotations

from typing import Any


def vit_shape_problems(config: Any) -> list[str]:
    """What is wrong with `config`'s image_size / patch_size and vision / text width / heads; [] when nothing."""
    problems = []
    if config.image_size % config.patch_size:
        problems.append(f"image_size {config.image_size} is not a multiple of patch_size {config.patch_size}")
    for what in ("vision", "text"):
        width, heads = getattr(config, f"{what}_width"), getattr(config, f"{what}_heads")
        if width % heads:
            problems.append(f"{what} width {width} is not divisible by its {heads} heads")
    return problems

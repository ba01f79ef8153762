"""The `clipvip` entry point of `paxion.backbones`: registers the CLIP-ViP sizes.

Imports nothing but the hook marker: the factory is resolved only when a backbone is built, so a missing extra
(ftfy, regex for the tokenizer) shows up as an unavailable backbone with its install hint.
"""

from __future__ import annotations

from collections.abc import Callable

from paxion_core import hookimpl

FACTORY = "paxion_backbones.clipvip.model:build_clipvip"
REQUIRES = ("ftfy", "regex")
INSTALL = "pip install 'paxion-backbones[clipvip]'"
# backbone name -> (key of CLIPVIP_CONFIGS, description)
SIZES = {
    "clipvip-b32": ("b32", "CLIP-ViP B/32 (ViT-B/32 + 4 video proxies, 8 frames of 224 px; 49 tokens/frame, dim 768)"),
    "clipvip-b16": ("b16", "CLIP-ViP B/16 (ViT-B/16 + 4 video proxies, 8 frames of 224 px; 196 tokens/frame, dim 768)"),
    "clipvip-tiny": ("tiny", "CPU-size CLIP-ViP (3 layers, width 96, 8 frames of 32 px; 16 tokens/frame)"),
}


@hookimpl
def register_backbones(register: Callable[..., None]) -> None:
    for name, (size, description) in SIZES.items():
        register(name, FACTORY, requires=REQUIRES, install=INSTALL, description=description, defaults={"size": size})

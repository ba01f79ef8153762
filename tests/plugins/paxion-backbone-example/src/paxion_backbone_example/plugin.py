"""The plugin module named by the entry point. It imports nothing heavy: factories are "module:function" strings
resolved only when a backbone is built, so a missing extra shows up as an unavailable backbone, not an import error."""

from collections.abc import Callable

from paxion_core import hookimpl


@hookimpl
def register_backbones(register: Callable[..., None]) -> None:
    register("example-vit", "paxion_backbone_example.model:build_example_vit",
             description="per-frame patch transformer, mean-pooled (8 frames of 16 px)")
    register("example-fancy", "paxion_backbone_example.model:build_example_vit",
             requires=("paxion_example_missing_dep",),
             install="pip install 'paxion-backbone-example[fancy]'",
             defaults={"width": 64, "image_size": 32},
             description="a wider variant (8 frames of 32 px) that needs an extra which is not installed")

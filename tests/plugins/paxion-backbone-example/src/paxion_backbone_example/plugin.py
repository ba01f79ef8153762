"""The plugin module named by the entry point. It imports nothing heavy: factories are "module:function" strings
resolved only when a backbone is built."""

from paxion_core import hookimpl


@hookimpl
def register_backbones(register):
    register("example-vit", "paxion_backbone_example.model:build_example_vit",
             description="per-frame patch transformer, mean-pooled (8 frames of 16 px)")
    register("example-fancy", "paxion_backbone_example.model:build_example_vit",
             requires=("paxion_example_missing_dep",),
             install="pip install 'paxion-backbone-example[fancy]'",
             description="needs an extra that is not installed")

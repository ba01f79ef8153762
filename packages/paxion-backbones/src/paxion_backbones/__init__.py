"""paxion-backbones: InternVideo, CLIP-ViP and Singularity in plain PyTorch, as `paxion.backbones` plugins.

Each backbone lives in its own sub-package (`internvideo`, `clipvip`, `singularity`) and is reached through
`paxion_core.build_backbone(name)`; nothing is imported here so that a missing extra never breaks discovery.
"""

__version__ = "0.1.0"

"""InternVideo-MM backbones (`internvideo-mm-l14`, `internvideo-tiny`); see `model.py` for the architecture."""

from paxion_backbones.internvideo.checkpoint import map_official_state_dict, to_official_checkpoint
from paxion_backbones.internvideo.config import CONFIGS, InternVideoConfig
from paxion_backbones.internvideo.model import InternVideoBackbone, InternVideoFeatures, build_internvideo

__all__ = [
    "CONFIGS",
    "InternVideoBackbone",
    "InternVideoConfig",
    "InternVideoFeatures",
    "build_internvideo",
    "map_official_state_dict",
    "to_official_checkpoint",
]

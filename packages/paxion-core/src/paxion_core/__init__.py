"""Paxion core: patch action knowledge into frozen video-language backbones.

Public API (kept stable)::

    from paxion_core import KnowledgePatcher, TransformerPatcher, KnowledgeFuser, PatchAndFuse
    from paxion_core import VideoLanguageBackbone, VideoFeatures, build_backbone, list_backbones, hookimpl
    from paxion_core.losses import vtc_loss, atm_loss, mcqa_loss
"""

from paxion_core.backbone import VideoFeatures, VideoLanguageBackbone
from paxion_core.checkpoint import CheckpointError, CheckpointMismatchError, LoadReport
from paxion_core.fuser import KnowledgeFuser
from paxion_core.model import PatchAndFuse
from paxion_core.patcher import KnowledgePatcher, TransformerPatcher
from paxion_core.plugins import BackboneUnavailableError, build_backbone, hookimpl, list_backbones

__version__ = "0.1.0"

__all__ = [
    "BackboneUnavailableError",
    "CheckpointError",
    "CheckpointMismatchError",
    "KnowledgeFuser",
    "KnowledgePatcher",
    "LoadReport",
    "PatchAndFuse",
    "TransformerPatcher",
    "VideoFeatures",
    "VideoLanguageBackbone",
    "build_backbone",
    "hookimpl",
    "list_backbones",
]

"""Singularity-temporal-17M as a Paxion backbone: model, official-checkpoint mapping and BERT WordPiece tokenizer.

    from paxion_core import build_backbone
    backbone = build_backbone("singularity-tiny")               # or "singularity-temporal-17m", checkpoint="..."
"""

from paxion_backbones.singularity.checkpoint import map_official_checkpoint
from paxion_backbones.singularity.model import SIZES, SingularityBackbone, SingularityConfig, build_singularity
from paxion_backbones.singularity.tokenizer import BertWordPieceTokenizer, VocabularyError, load_vocab

__all__ = [
    "SIZES",
    "BertWordPieceTokenizer",
    "SingularityBackbone",
    "SingularityConfig",
    "VocabularyError",
    "build_singularity",
    "load_vocab",
    "map_official_checkpoint",
]

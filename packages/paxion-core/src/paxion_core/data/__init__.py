"""The real-data layer: decord frame sampling, torch-only transforms, the official annotation formats, datasets
(registered in `paxion_core.registry.DATASETS`) and the `paxion preprocess` command (`paxion_core.data.preprocess`).
"""

from paxion_core.data.annotations import AnnotationError, clean_ego4d_caption
from paxion_core.data.datasets import (
    ActionBenchEgo4DDataset,
    ActionBenchSSv2Dataset,
    FrameCaptionDataset,
    NExTQADataset,
    ParaphraseDataset,
    RetrievalDataset,
    SkippedSample,
    SkipReport,
    SSv2RetrievalDataset,
    TemporalSSv2Dataset,
    VideoTextDataset,
    ZipDataset,
    collate,
)
from paxion_core.data.transforms import CLIP_MEAN, CLIP_STD, ColorJitter, TransformConfig, VideoTransform
from paxion_core.data.video import (
    VideoReadError,
    VideoWriter,
    read_frame_indices,
    read_frames,
    sample_frame_indices,
    write_video,
)

__all__ = [
    "CLIP_MEAN",
    "CLIP_STD",
    "ActionBenchEgo4DDataset",
    "ActionBenchSSv2Dataset",
    "AnnotationError",
    "ColorJitter",
    "FrameCaptionDataset",
    "NExTQADataset",
    "ParaphraseDataset",
    "RetrievalDataset",
    "SSv2RetrievalDataset",
    "SkipReport",
    "SkippedSample",
    "TemporalSSv2Dataset",
    "TransformConfig",
    "VideoReadError",
    "VideoTextDataset",
    "ZipDataset",
    "VideoTransform",
    "VideoWriter",
    "clean_ego4d_caption",
    "collate",
    "read_frame_indices",
    "read_frames",
    "sample_frame_indices",
    "write_video",
]

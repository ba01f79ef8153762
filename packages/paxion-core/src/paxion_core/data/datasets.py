"""Datasets for ActionBench (SSv2, Ego4D), SSv2 label/template retrieval, Temporal-SSv2 and NExT-QA.

Each dataset reads one official annotation file (DESIGN §4), validates every record on load (`AnnotationError` with
file, line/record and field), and decodes 8 frames per item in `__getitem__`. Items are dicts:

    video   float [T, 3, H, W] (normalised by `transform`, or in [0, 1] without one)
    text    str
    index   int (position in the dataset), id  str (the official sample id)
    ...     per dataset: antonym_text, object_shuffled_text, salient, text_index, candidates, antonym_candidates,
            answer, qtype, atp_hard

Unreadable videos raise `VideoReadError` (`on_error="raise"`, the default). With `on_error="skip"` the item is a
`SkippedSample`; `collate` drops it from the batch and lists it under `batch["skipped"]`, and a `SkipReport` in the
training/evaluation loop counts and prints them, so no skip goes unreported even from DataLoader workers.
"""

from __future__ import annotations

import abc
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch
from torch.utils.data import Dataset

from paxion_core.backbone import VideoFeatures
from paxion_core.data.annotations import (
    AnnotationError,
    Record,
    clean_ego4d_caption,
    load_flags,
    load_id_list,
    load_json,
    read_csv,
    read_json_lines,
    read_json_list,
)
from paxion_core.data.transforms import TransformConfig, VideoTransform, to_float_video
from paxion_core.data.video import VideoReadError, read_frame_indices, read_frames
from paxion_core.registry import DATASETS, FUNCTIONS

logger = logging.getLogger(__name__)

OnError = Literal["raise", "skip"]


@dataclass(frozen=True)
class Sample:
    """One item before its video is read: where the video is, which part of it, and the item's other entries."""

    video_path: str
    window: tuple[float, float] | None
    fields: dict[str, Any]


@dataclass(frozen=True)
class SkippedSample:
    """Stands in for an item whose video could not be read (`on_error="skip"`)."""

    index: int
    path: str
    reason: str


class VideoTextDataset(Dataset, abc.ABC):
    """Base class: a list of `Sample`s parsed from `ann_file`, videos decoded on access.

    Args:
        ann_file: the official annotation file.
        video_root: directory holding the (pre-processed) videos, `<video_root>/<id><video_ext>`.
        video_ext: file extension of the videos (".mp4" after `paxion preprocess`; ".webm" for raw SSv2).
        num_frames: frames sampled per video (8 in the paper).
        transform: a VideoTransform, a TransformConfig, or a dict of TransformConfig fields; None returns frames as
            float [T, 3, H, W] in [0, 1] without resizing or normalisation.
        on_error: "raise" (VideoReadError naming the path) or "skip" (see `SkippedSample`, `collate`, `SkipReport`).
        seed: when set, the colour jitter of item i draws from a generator seeded by (seed, i), the same in every
            worker layout; None draws from torch's global RNG (which DataLoader seeds per worker).
    """

    fps: float | None = None  # frame rate for clip windows; None = each video's own average rate

    def __init__(
        self,
        ann_file: str | os.PathLike,
        video_root: str | os.PathLike,
        video_ext: str = ".mp4",
        num_frames: int = 8,
        transform: VideoTransform | TransformConfig | Mapping[str, Any] | None = None,
        on_error: OnError = "raise",
        seed: int | None = None,
    ) -> None:
        if on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
        if num_frames < 1:
            raise ValueError(f"num_frames must be >= 1, got {num_frames}")
        self.ann_file = str(ann_file)
        self.video_root = str(video_root)
        self.video_ext = video_ext if video_ext.startswith(".") else f".{video_ext}"
        self.num_frames = num_frames
        self.transform = VideoTransform.from_config(transform) if transform is not None else None
        self.on_error = on_error
        self.seed = seed
        self.samples: list[Sample] = self._load()

    @abc.abstractmethod
    def _load(self) -> list[Sample]:
        """Parse and validate `self.ann_file` into samples (called once, by `__init__`)."""

    def video_path(self, video_id: str) -> str:
        return os.path.join(self.video_root, f"{video_id}{self.video_ext}")

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> dict[str, Any] | SkippedSample:
        sample = self.samples[index]
        try:
            frames = self._read(sample)
        except VideoReadError as error:
            context = f"{error.reason} (item {index}, id {sample.fields.get('id')!r}, from {self.ann_file})"
            if self.on_error == "raise":
                raise VideoReadError(error.path, context) from error
            logger.warning("skipping unreadable video %s: %s", error.path, context)
            return SkippedSample(index, error.path, error.reason)
        if self.transform is None:
            video = to_float_video(frames)
        else:
            video = self.transform(frames, generator=self._generator(index))
        return {"video": video, **sample.fields, "index": index}

    def _read(self, sample: Sample) -> torch.Tensor:
        """uint8 [T, H, W, 3] frames of one sample."""
        return read_frames(sample.video_path, self.num_frames, sample.window, self.fps)

    def _generator(self, index: int) -> torch.Generator | None:
        if self.seed is None:
            return None
        state = np.random.SeedSequence([self.seed, index]).generate_state(1, dtype=np.uint64)[0]
        return torch.Generator().manual_seed(int(state))


def _salience(flags: dict[str, bool] | None, flags_file: str | None, sample_id: str, record: Record) -> bool:
    """The state-change-salience flag of a sample: True without a flags file; a missing entry is an error."""
    if flags is None:
        return True
    if sample_id not in flags:
        problem = f"no flag for the sample at {record.path}, {record.location}"
        raise AnnotationError(flags_file, f"key {sample_id!r}", None, problem)
    return flags[sample_id]


@DATASETS.register_module()
class ActionBenchSSv2Dataset(VideoTextDataset):
    """ActionBench on Something-Something v2: a JSON list of records with `label, template, placeholders,
    template_action_antonym_clip_text, label_action_antonym_clip_text, id, label_object_shuffled_clip_text`.

    Item: video, text (the label capitalised, or the template with "[something]" -> "something" when
    `use_templates`), antonym_text, object_shuffled_text, salient, id, index.

    Args:
        with_antonym / with_object_shuffled: require and return the antonym / object-shuffled text.
        salient_file: optional JSON mapping id -> 0/1 (or the official `{"if_keep": ...}` entries); default True.
        **common: see `VideoTextDataset`.
    """

    def __init__(
        self,
        ann_file: str | os.PathLike,
        video_root: str | os.PathLike,
        use_templates: bool = False,
        with_antonym: bool = True,
        with_object_shuffled: bool = True,
        salient_file: str | os.PathLike | None = None,
        **common: Any,
    ) -> None:
        if use_templates and with_object_shuffled:
            raise ValueError(
                "object-shuffled texts exist for labels only: pass with_object_shuffled=False with use_templates=True"
            )
        self.use_templates = use_templates
        self.with_antonym = with_antonym
        self.with_object_shuffled = with_object_shuffled
        self.salient_file = None if salient_file is None else str(salient_file)
        super().__init__(ann_file, video_root, **common)

    def _load(self) -> list[Sample]:
        required = ["id", "label", "template", "placeholders"]
        if self.with_antonym:
            required += ["label_action_antonym_clip_text", "template_action_antonym_clip_text"]
        if self.with_object_shuffled:
            required.append("label_object_shuffled_clip_text")
        flags = load_flags(self.salient_file) if self.salient_file else None
        kind = "template" if self.use_templates else "label"
        samples = []
        for record in read_json_list(self.ann_file):
            record.require(required)
            video_id = str(record.integer("id"))
            label, template = record.text("label"), record.text("template")
            record.text_list("placeholders", allow_empty=True)
            fields: dict[str, Any] = {
                "text": template.replace("[something]", "something") if self.use_templates else label.capitalize(),
                "id": video_id,
            }
            if self.with_antonym:
                fields["antonym_text"] = record.text(f"{kind}_action_antonym_clip_text")
            if self.with_object_shuffled:
                fields["object_shuffled_text"] = record.text("label_object_shuffled_clip_text")
            fields["salient"] = _salience(flags, self.salient_file, video_id, record)
            samples.append(Sample(self.video_path(video_id), None, fields))
        return samples


#: FrameCaptionDataset's preloaded frames: {(annotation file, size, mtime, video root): frames}, the last file only
_PRELOADED: dict[tuple[str, int, int, str], dict[tuple[str, int], torch.Tensor]] = {}


@DATASETS.register_module()
class FrameCaptionDataset(VideoTextDataset):
    """Single frames with captions: JSON lines `{"video": <path under video_root>, "frame_index": <0-based>,
    "caption": str}` (the synthetic world's backbone-pretraining file, `pretrain/pretrain.jsonl`).

    Item: video [1, 3, H, W], text, frame_index, index.

    preload: decode every listed frame once, at construction (each video opened once), and serve items from
    memory; worth it when the same small frames are drawn many times (pretraining on 32-px clips). The decoded
    frames of the last preloaded file are kept for the process, so a later stage that lists the same file (same
    size and modification time) does not decode them again.
    """

    def __init__(self, ann_file: str | os.PathLike, video_root: str | os.PathLike, preload: bool = False,
                 **common: Any) -> None:
        super().__init__(ann_file, video_root, **common)
        self._frames: dict[tuple[str, int], torch.Tensor] = {}
        if preload:
            stat = os.stat(self.ann_file)
            key = (os.path.abspath(self.ann_file), stat.st_size, stat.st_mtime_ns, os.path.abspath(self.video_root))
            if key not in _PRELOADED:
                _PRELOADED.clear()
                _PRELOADED[key] = self._decode_all()
            self._frames = _PRELOADED[key]

    def _decode_all(self) -> dict[tuple[str, int], torch.Tensor]:
        """uint8 [1, H, W, 3] of every listed frame, by (video path, frame index); unreadable videos left out
        (with on_error="skip": `__getitem__` then reports them) or raised."""
        by_video: dict[str, list[int]] = {}
        for sample in self.samples:
            by_video.setdefault(sample.video_path, []).append(sample.fields["frame_index"])

        def decode(path: str) -> tuple[list[int], torch.Tensor | None]:
            wanted = sorted(set(by_video[path]))
            try:
                return wanted, read_frame_indices(path, wanted)
            except VideoReadError:
                if self.on_error == "raise":
                    raise
                return wanted, None

        frames: dict[tuple[str, int], torch.Tensor] = {}
        # decord releases the GIL while it decodes, so threads decode several videos at once (1.9x on 2 cores)
        with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
            for path, (wanted, decoded) in zip(by_video, pool.map(decode, by_video)):
                if decoded is not None:
                    frames.update({(path, i): frame[None] for i, frame in zip(wanted, decoded)})
        return frames

    def _load(self) -> list[Sample]:
        samples = []
        for record in read_json_lines(self.ann_file):
            record.require(("video", "frame_index", "caption"))
            fields = {"text": record.text("caption"), "frame_index": record.integer("frame_index")}
            samples.append(Sample(os.path.join(self.video_root, record.text("video")), None, fields))
        return samples

    def _read(self, sample: Sample) -> torch.Tensor:
        key = (sample.video_path, sample.fields["frame_index"])
        return self._frames[key] if key in self._frames else read_frame_indices(sample.video_path, [key[1]])


@DATASETS.register_module()
class ParaphraseDataset(Dataset):
    """Text only: JSON lines `{"text": str, "paraphrase": str, "antonym_text": str}` (the synthetic world's language
    corpus, `pretrain/language.jsonl`), for paraphrase-contrastive pretraining of a text tower.

    Item: language_text, language_paraphrase, language_antonym (prefixed, so that `ZipDataset` can put an item
    beside a frame-caption item).
    """

    FIELDS = ("text", "paraphrase", "antonym_text")

    def __init__(self, ann_file: str | os.PathLike) -> None:
        self.ann_file = str(ann_file)
        self.lines = [tuple(record.text(name) for name in self.FIELDS) for record in read_json_lines(ann_file)]
        if not self.lines:
            raise AnnotationError(ann_file, "whole file", None,
                                  f"no lines; expected JSON lines with fields {', '.join(self.FIELDS)}")

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, index: int) -> dict[str, Any]:
        text, paraphrase, antonym = self.lines[index]
        return {"language_text": text, "language_paraphrase": paraphrase, "language_antonym": antonym}


@DATASETS.register_module()
class ZipDataset(Dataset):
    """Several datasets side by side: item i merges item i of the first with item (i mod length) of each other one.
    Their item keys must not overlap. Length: the first dataset's."""

    def __init__(self, datasets: Sequence[Dataset | dict]) -> None:
        self.datasets = [DATASETS.build(d) if isinstance(d, Mapping) else d for d in datasets]
        if len(self.datasets) < 2 or any(len(d) == 0 for d in self.datasets):
            raise ValueError("ZipDataset needs at least two non-empty datasets")

    def __len__(self) -> int:
        return len(self.datasets[0])

    def __getitem__(self, index: int) -> dict[str, Any] | SkippedSample:
        first = self.datasets[0][index]
        if isinstance(first, SkippedSample):
            return first
        item = dict(first)
        for dataset in self.datasets[1:]:
            other = dataset[index % len(dataset)]
            overlap = item.keys() & other.keys()
            if overlap:
                raise ValueError(f"ZipDataset: {type(dataset).__name__} items repeat the keys {sorted(overlap)}")
            item.update(other)
        return item


EGO4D_FIELDS = (
    "video_uid", "video_dur", "narration_source", "narration_ind", "narration_time", "clip_start", "clip_end",
    "clip_text", "action_antonym_clip_text", "tag_verb", "tag_noun", "clip_uid", "narration_relative_time",
    "clip_relative_start", "clip_relative_end", "clip_fps",
)  # fmt: skip


@DATASETS.register_module()
class ActionBenchEgo4DDataset(VideoTextDataset):
    """ActionBench on Ego4D (EgoClip subset): JSON lines with the fields in `EGO4D_FIELDS`
    (+ `object_shuffled_clip_text` in the object-shuffled files).

    The video is `<video_root>/<clip_uid><video_ext>`; frames are sampled in [clip_relative_start, clip_relative_end]
    seconds of it. The sample id is the official `<clip_uid>__<clip_relative_start>__<clip_relative_end>`.

    Item: video, text, antonym_text, object_shuffled_text (with `with_object_shuffled`), salient, id, index. Texts go
    through the official Ego4D caption cleaning (`clean_ego4d_caption`) unless `clean_captions=False`.

    Args:
        fps: frame rate that converts the window to frame indices; None uses each video's average rate (the
            official configs set 5, the rate of the pre-processed clips).
        salient_file: optional JSON mapping sample id -> 0/1 (or `{"if_keep": ...}`); default True.
        **common: see `VideoTextDataset`.
    """

    def __init__(
        self,
        ann_file: str | os.PathLike,
        video_root: str | os.PathLike,
        fps: float | None = None,
        with_object_shuffled: bool = False,
        salient_file: str | os.PathLike | None = None,
        clean_captions: bool = True,
        **common: Any,
    ) -> None:
        if fps is not None and fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.fps = fps
        self.with_object_shuffled = with_object_shuffled
        self.salient_file = None if salient_file is None else str(salient_file)
        self.clean_captions = clean_captions
        super().__init__(ann_file, video_root, **common)

    def _load(self) -> list[Sample]:
        required = EGO4D_FIELDS + (("object_shuffled_clip_text",) if self.with_object_shuffled else ())
        flags = load_flags(self.salient_file) if self.salient_file else None
        samples = []
        for record in read_json_lines(self.ann_file):
            record.require(required)
            clip_uid = record.text("clip_uid")
            start = record.number("clip_relative_start", minimum=0.0)
            end = record.number("clip_relative_end", minimum=0.0)
            if end < start:
                raise record.error("clip_relative_end", f"the clip ends ({end:g} s) before it starts ({start:g} s)")
            if record.number("clip_fps") <= 0:
                raise record.error("clip_fps", f"expected a positive frame rate, got {record.data['clip_fps']!r}")
            sample_id = f"{clip_uid}__{record.data['clip_relative_start']}__{record.data['clip_relative_end']}"
            fields: dict[str, Any] = {
                "text": self._caption(record, "clip_text"),
                "antonym_text": self._caption(record, "action_antonym_clip_text"),
            }
            if self.with_object_shuffled:
                fields["object_shuffled_text"] = self._caption(record, "object_shuffled_clip_text")
            fields["salient"] = _salience(flags, self.salient_file, sample_id, record)
            fields["id"] = sample_id
            samples.append(Sample(self.video_path(clip_uid), (start, end), fields))
        return samples

    def _caption(self, record: Record, name: str) -> str:
        text = record.text(name)
        return clean_ego4d_caption(text) if self.clean_captions else text


class RetrievalDataset(VideoTextDataset):
    """A video-text retrieval set: one item per video, plus the text gallery and both ground-truth maps.

    texts:           list[str], the text gallery.
    video_to_texts:  per video (item), the indices of its ground-truth texts.
    text_to_videos:  per text, the indices of its ground-truth videos (many for SSv2-template).
    """

    texts: list[str]
    text_to_videos: list[list[int]]

    @property
    def video_to_texts(self) -> list[list[int]]:
        return [[sample.fields["text_index"]] for sample in self.samples]

    def _sample(self, video_id: str, caption: str, text_index: int) -> Sample:
        return Sample(self.video_path(video_id), None, {"text": caption, "text_index": text_index, "id": video_id})


@DATASETS.register_module()
class SSv2RetrievalDataset(RetrievalDataset):
    """SSv2-label / SSv2-template retrieval: a JSON list of `{"video": ["62211.webm", ...] | "62211.webm",
    "caption": str}` (ssv2_ret_label_*.json / ssv2_ret_template_*.json).

    Each record is one text (duplicates kept, as the official loader does); "[something]" becomes "something". The
    video id is the file name without its extension, read from `<video_root>/<id><video_ext>`.

    Item: video, text, text_index, id, index.
    """

    def _load(self) -> list[Sample]:
        samples: list[Sample] = []
        self.texts, self.text_to_videos = [], []
        for record in read_json_list(self.ann_file):
            record.require(("video", "caption"))
            names = [record.text("video")] if isinstance(record.data["video"], str) else record.text_list("video")
            caption = record.text("caption").replace("[something]", "something")
            text_index = len(self.texts)
            self.texts.append(caption)
            self.text_to_videos.append([])
            for name in names:
                video_id, extension = os.path.splitext(os.path.basename(name))
                if not video_id or not extension:
                    raise record.error("video", f"expected file names such as '62211.webm', got {name!r}")
                self.text_to_videos[-1].append(len(samples))
                samples.append(self._sample(video_id, caption, text_index))
        return samples


@DATASETS.register_module()
class TemporalSSv2Dataset(RetrievalDataset):
    """Temporal-SSv2 retrieval: the CSV `,index,video_id,text,dataset` (val-v1.0-2.4k.csv); rows whose `dataset` is
    not SSv2 (the Kinetics half) are left out.

    Texts are the distinct `text` values in order of appearance ("[something]" -> "something"); each video's
    ground truth is its row's text.

    Item: video, text, text_index, id, index.
    """

    def _load(self) -> list[Sample]:
        samples: list[Sample] = []
        self.texts, self.text_to_videos = [], []
        text_indices: dict[str, int] = {}
        for record in read_csv(self.ann_file, ("index", "video_id", "text", "dataset")):
            if record.text("dataset").strip().lower() != "ssv2":
                continue
            video_id = record.text("video_id").strip()
            caption = record.text("text").replace("[something]", "something")
            if caption not in text_indices:
                text_indices[caption] = len(self.texts)
                self.texts.append(caption)
                self.text_to_videos.append([])
            text_index = text_indices[caption]
            self.text_to_videos[text_index].append(len(samples))
            samples.append(self._sample(video_id, caption, text_index))
        if not samples:
            raise AnnotationError(self.ann_file, "all rows", "dataset", "no row has dataset 'SSv2'")
        return samples


NEXTQA_COLUMNS = (
    "video", "frame_count", "width", "height", "question", "answer", "qid", "type", "a0", "a1", "a2", "a3", "a4",
)  # fmt: skip
# causal why/how, temporal next/current/previous, descriptive count/location/other
NEXTQA_TYPES = ("CW", "CH", "TN", "TC", "TP", "DC", "DL", "DO")


@DATASETS.register_module()
class NExTQADataset(VideoTextDataset):
    """NExT-QA multiple choice: the CSV `video,frame_count,width,height,question,answer,qid,type,a0..a4` and, in the
    action-antonym files, `action_antonym_choices` (a Python-literal list of strings).

    Candidates are "<question>? <answer>" for a0..a4, as the official loader builds them. The sample id is
    `<video>_<qid>`. The video is `<video_root>/<video><video_ext>`, or `<video_root>/<map[video]><video_ext>` with
    the official `map_vid_vidorID.json` as `video_map_file`.

    Item: video, text (the question), candidates (5), answer (0-4), qtype, id, index; antonym_candidates with
    `with_antonym`; atp_hard (bool) with `atp_hard_file`: either ids `<video>_<qid>` or, as ATP releases its hard
    split, 0-based row indices into the CSV (a JSON list or one per line).
    """

    def __init__(
        self,
        ann_file: str | os.PathLike,
        video_root: str | os.PathLike,
        with_antonym: bool = False,
        video_map_file: str | os.PathLike | None = None,
        atp_hard_file: str | os.PathLike | None = None,
        **common: Any,
    ) -> None:
        self.with_antonym = with_antonym
        self.video_map_file = None if video_map_file is None else str(video_map_file)
        self.atp_hard_file = None if atp_hard_file is None else str(atp_hard_file)
        super().__init__(ann_file, video_root, **common)

    def _load(self) -> list[Sample]:
        columns = NEXTQA_COLUMNS + (("action_antonym_choices",) if self.with_antonym else ())
        video_map = self._load_video_map()
        hard_ids = load_id_list(self.atp_hard_file) if self.atp_hard_file else None
        by_row = hard_ids is not None and all(i.isdigit() for i in hard_ids)
        samples = []
        for row, record in enumerate(read_csv(self.ann_file, columns)):
            video = record.text("video").strip()
            for name in ("frame_count", "width", "height"):
                record.integer(name)
            question = record.text("question")
            sample_id = f"{video}_{record.integer('qid')}"
            fields: dict[str, Any] = {
                "text": question,
                "candidates": [f"{question}? {record.text(f'a{i}')}" for i in range(5)],
                "answer": record.integer("answer", choices=range(5)),
                "qtype": record.choice("type", NEXTQA_TYPES),
                "id": sample_id,
            }
            if self.with_antonym:
                antonyms = record.text_list("action_antonym_choices", allow_empty=True)
                fields["antonym_candidates"] = [f"{question}? {choice}" for choice in antonyms]
            if hard_ids is not None:
                fields["atp_hard"] = (str(row) if by_row else sample_id) in hard_ids
            if video_map is not None and video not in video_map:
                raise record.error("video", f"{video!r} is not in the video map {self.video_map_file}")
            samples.append(Sample(self.video_path(video_map[video] if video_map else video), None, fields))
        if hard_ids is not None:
            known = {str(i) for i in range(len(samples))} if by_row else {sample.fields["id"] for sample in samples}
            unknown = sorted(hard_ids - known)
            if unknown:
                raise AnnotationError(
                    self.atp_hard_file, "ids", None,
                    f"{len(unknown)} entries match no {'row' if by_row else '<video>_<qid>'} of {self.ann_file}, "
                    f"e.g. {unknown[:3]}",
                )  # fmt: skip
        return samples

    def _load_video_map(self) -> dict[str, str] | None:
        if self.video_map_file is None:
            return None
        video_map = load_json(self.video_map_file)
        if not isinstance(video_map, dict) or not all(isinstance(v, str) for v in video_map.values()):
            problem = "expected a JSON object video id -> relative path without extension"
            raise AnnotationError(self.video_map_file, "top level", None, problem)
        return {str(key): value for key, value in video_map.items()}


def _stack(values: list[Any]) -> Any:
    if all(isinstance(v, torch.Tensor) for v in values):
        return torch.stack(values)
    if all(isinstance(v, VideoFeatures) for v in values):  # cached backbone features (CachedFeatureDataset)
        reversed_ = None if values[0].reversed is None else _stack([v.reversed for v in values])
        tokens, pooled = torch.stack([v.tokens for v in values]), torch.stack([v.pooled for v in values])
        return VideoFeatures(tokens, pooled, reversed_)
    if all(isinstance(v, bool) for v in values):
        return torch.tensor(values, dtype=torch.bool)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return torch.tensor(values, dtype=torch.long)
    if all(isinstance(v, float) for v in values):
        return torch.tensor(values, dtype=torch.float32)
    return list(values)


@FUNCTIONS.register_module(name="collate")
def collate(samples: Sequence[Mapping[str, Any] | SkippedSample]) -> dict[str, Any]:
    """DataLoader `collate_fn`: tensors stacked ([B, T, 3, H, W] for video), bools/ints/floats as tensors [B],
    strings and lists of strings kept as lists; `SkippedSample`s dropped and listed under "skipped".

    A batch whose items were all skipped holds only "skipped".
    """
    kept = [s for s in samples if not isinstance(s, SkippedSample)]
    batch: dict[str, Any] = {"skipped": [s for s in samples if isinstance(s, SkippedSample)]}
    if not kept:
        return batch
    keys = list(kept[0])
    for sample in kept[1:]:
        if list(sample) != keys:
            raise ValueError(f"cannot collate items with different keys: {keys} vs {list(sample)}")
    for key in keys:
        batch[key] = _stack([sample[key] for sample in kept])
    return batch


class SkipReport:
    """Counts the samples skipped for unreadable videos, from the batches themselves (so it works with workers).

    report = SkipReport()
    for batch in report.track(loader):   # batches with no item left are passed over
        ...
    print(report.summary())              # at the end of the epoch / evaluation
    """

    def __init__(self, max_listed: int = 10) -> None:
        self.max_listed = max_listed
        self.skipped: list[SkippedSample] = []

    def update(self, batch: Mapping[str, Any]) -> bool:
        """Record the batch's skipped samples; True when the batch still has items."""
        self.skipped.extend(batch.get("skipped", ()))
        return "index" in batch

    def track(self, batches: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
        """Yield the batches that have items, recording every skip."""
        for batch in batches:
            if self.update(batch):
                yield batch

    @property
    def count(self) -> int:
        return len(self.skipped)

    @property
    def paths(self) -> list[str]:
        return [s.path for s in self.skipped]

    def summary(self) -> str:
        if not self.skipped:
            return "no samples skipped"
        lines = [f"{self.count} sample(s) skipped because their video could not be read:"]
        lines += [f"  {s.path}: {s.reason}" for s in self.skipped[: self.max_listed]]
        if self.count > self.max_listed:
            lines.append(f"  ... and {self.count - self.max_listed} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

"""Feature cache: frozen-backbone outputs computed once per (backbone, dataset, frames, transform) key.

The backbone is frozen, so every patcher variant, every evaluation and every rerun can read its features from disk
instead of re-running it. A cache directory holds fp16 `.npy` files (memory-mapped on read) and a `meta.json` with
the key, the shapes and each file's sha256, verified when the cache is opened. It is written to a temporary
directory and renamed into place, so an interrupted build never leaves a half-written cache behind.

Files: `tokens.npy` [N, T, P, token_dim], `pooled.npy` [N, embed_dim], `pooled_reversed.npy` [N, embed_dim],
`tokens_reversed.npy` (only for backbones whose reversed tokens are not a plain flip, see
`VideoLanguageBackbone.reversal_flips_tokens`), `valid.npy` [N] bool (False where a video was skipped).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import Dataset

from paxion_core.backbone import VideoFeatures, VideoLanguageBackbone
from paxion_core.registry import BACKBONES, DATASETS
from paxion_core.weights import load_weights

FORMAT_VERSION = 1
ARRAYS = ("tokens", "pooled", "pooled_reversed", "tokens_reversed", "valid")


class FeatureCacheError(RuntimeError):
    pass


def content_hash(obj: Any) -> str:
    """Stable short hash of a JSON-able object (dict keys sorted)."""
    blob = json.dumps(obj, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


class FeatureCache:
    """Read side of a cache directory. `cache[i]` -> VideoFeatures (fp32) with `.reversed` filled in."""

    def __init__(self, path: str | Path, verify: bool = True):
        self.path = Path(path)
        meta_path = self.path / "meta.json"
        if not meta_path.is_file():
            raise FeatureCacheError(f"no feature cache at {self.path} (meta.json missing)")
        self.meta = json.loads(meta_path.read_text())
        if self.meta.get("format") != FORMAT_VERSION:
            raise FeatureCacheError(f"{self.path}: cache format {self.meta.get('format')} != {FORMAT_VERSION}; "
                                    "delete the directory to rebuild it")
        if verify:
            for name, digest in self.meta["sha256"].items():
                if _sha256(self.path / f"{name}.npy") != digest:
                    raise FeatureCacheError(f"{self.path / name}.npy does not match its recorded sha256: the cache "
                                            "is corrupt; delete the directory to rebuild it")
        self.arrays = {name: np.load(self.path / f"{name}.npy", mmap_mode="r") for name in self.meta["sha256"]}
        self.flip_tokens = "tokens_reversed" not in self.arrays

    def __len__(self) -> int:
        return len(self.arrays["valid"])

    @property
    def valid(self) -> np.ndarray:
        return np.asarray(self.arrays["valid"])

    def get(self, index: int | np.ndarray) -> VideoFeatures:
        """One row (or rows) as fp32 VideoFeatures with `.reversed`."""
        a = self.arrays

        def t(name: str) -> torch.Tensor:
            return torch.from_numpy(np.array(a[name][index])).float()  # fp16 -> fp32 in torch: twice numpy's speed

        tokens = t("tokens")
        tokens_rev = tokens.flip(-3) if self.flip_tokens else t("tokens_reversed")
        return VideoFeatures(tokens, t("pooled"), VideoFeatures(tokens_rev, t("pooled_reversed")))

    __getitem__ = get


def build_feature_cache(root: str | Path, key: Mapping[str, Any],
                        backbone: VideoLanguageBackbone | Callable[[], VideoLanguageBackbone], dataset: Dataset,
                        *, batch_size: int = 32, read_threads: int | None = None,
                        device: str | torch.device = "cpu", progress: bool = True) -> FeatureCache:
    """Open the cache for `key` under `root`, computing it first if it is not there.

    `dataset[i]` must return a dict with "video" [T, 3, H, W] (or a `SkippedSample` for an unreadable video when
    the dataset has `on_error="skip"`; such rows are marked invalid). `backbone` may be a factory, called only
    when the cache must be computed. `read_threads` threads (default: the CPU count, at most 4) read and transform
    the next batch while the backbone encodes the current one. Returns the opened FeatureCache at
    `root/<content_hash(key)>`.
    Computing the cache leaves torch's CPU random state as it found it, so a training run that builds its cache
    draws the same random numbers as a rerun that finds it built.
    """
    path = Path(root) / content_hash({**key, "format": FORMAT_VERSION})
    if (path / "meta.json").is_file():
        return FeatureCache(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        with torch.random.fork_rng(devices=[]):  # a backbone factory and the DataLoader draw from the global RNG
            _compute(tmp, key, backbone, dataset, batch_size, read_threads, torch.device(device), progress)
        if path.exists():  # built concurrently by another process
            shutil.rmtree(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FeatureCache(path)


def _read_batches(dataset: Dataset, batch_size: int, threads: int) -> Iterator[list]:
    """dataset items in batches (lists), the next batch read by a thread pool while the caller uses the current one
    (decord and torch release the GIL: on 2 cores, reading overlaps encoding)."""
    n = len(dataset)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: list[Future] = []
        for start in range(0, n, batch_size):
            submitted = [pool.submit(dataset.__getitem__, i) for i in range(start, min(start + batch_size, n))]
            if pending:
                yield [future.result() for future in pending]
            pending = submitted
        if pending:
            yield [future.result() for future in pending]


def _collate_videos(items: list) -> tuple[list[int], torch.Tensor | None]:
    keep = [i for i, item in enumerate(items) if isinstance(item, Mapping)]  # SkippedSample: unreadable video
    if not keep:
        return keep, None
    return keep, torch.stack([items[i]["video"] for i in keep])


def _compute(tmp: Path, key, backbone, dataset, batch_size, read_threads, device, progress) -> None:
    from tqdm.auto import tqdm

    n = len(dataset)
    if not isinstance(backbone, nn.Module):
        backbone = backbone()
    flips = backbone.reversal_flips_tokens
    threads = read_threads or min(4, os.cpu_count() or 1)
    batches = _read_batches(dataset, batch_size, threads)
    arrays: dict[str, np.lib.format.open_memmap] = {}
    valid = np.zeros(n, dtype=bool)
    start = 0
    backbone = backbone.to(device).eval()
    with torch.inference_mode():
        desc = f"features {key.get('backbone', '')} {key.get('dataset', '')}".strip()
        for items in tqdm(batches, total=-(-n // batch_size), desc=desc, disable=not progress, unit="batch"):
            keep, video = _collate_videos(items)
            rows = np.arange(start, start + len(items))
            start += len(items)
            if video is None:
                continue
            feats = backbone.encode_video(video.to(device), with_reversed=True)
            out = {"tokens": feats.tokens, "pooled": feats.pooled, "pooled_reversed": feats.reversed.pooled}
            if not flips:
                out["tokens_reversed"] = feats.reversed.tokens
            for name, value in out.items():
                if name not in arrays:
                    arrays[name] = np.lib.format.open_memmap(tmp / f"{name}.npy", mode="w+", dtype=np.float16,
                                                             shape=(n, *value.shape[1:]))
                arrays[name][rows[keep]] = value.float().cpu().numpy().astype(np.float16)
            valid[rows[keep]] = True
    if not valid.any():
        raise FeatureCacheError(f"no readable video in the dataset for {key}")
    for array in arrays.values():
        array.flush()
    np.save(tmp / "valid.npy", valid)
    names = [name for name in ARRAYS if (tmp / f"{name}.npy").exists()]
    meta = {"format": FORMAT_VERSION, "key": dict(key), "n": n, "skipped": int((~valid).sum()),
            "sha256": {name: _sha256(tmp / f"{name}.npy") for name in names}}
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2, default=str))


def file_digest(path: str | Path) -> str:
    """sha256 of a file's bytes (cache keys follow content, not paths or timestamps)."""
    return _sha256(Path(path))


@DATASETS.register_module()
class CachedFeatureDataset(Dataset):
    """A video dataset whose videos are replaced by the frozen backbone's cached features.

    dataset: config (or instance) of a `paxion_core.data` dataset; its items' other entries are kept.
    backbone: config of the backbone (e.g. dict(type="internvideo-tiny")); `backbone_weights`: a `weights.pth`
    with `backbone.*` (the pretrained tiny backbone of the synthetic profile), part of the cache key.
    The cache is built on first use under `cache_root` and reused by every run with the same key. Items:
    {"video": VideoFeatures (with .reversed), <the dataset's entries except video>, "index"}; rows whose video
    could not be read are left out (and counted in the cache's meta.json).
    """

    def __init__(self, dataset: dict | Dataset, backbone: dict, cache_root: str, backbone_weights: str | None = None,
                 batch_size: int = 64, progress: bool = True):
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, Mapping) else dataset
        key = {
            "backbone": dict(backbone),
            "backbone_weights": file_digest(backbone_weights) if backbone_weights else None,
            "ann_file": file_digest(self.dataset.ann_file),
            "video_root": str(Path(self.dataset.video_root).resolve()),
            "video_ext": self.dataset.video_ext,
            "fps": getattr(self.dataset, "fps", None),  # Ego4D windows are seconds: the frames read depend on it
            "num_frames": self.dataset.num_frames,
            "transform": repr(self.dataset.transform),
        }

        def make_backbone() -> VideoLanguageBackbone:
            model = BACKBONES.build(dict(backbone))
            if backbone_weights:
                load_weights(nn.ModuleDict({"backbone": model}), backbone_weights, prefixes=("backbone",))
            return model

        self.cache = build_feature_cache(cache_root, key, make_backbone, self.dataset, batch_size=batch_size,
                                         progress=progress)
        self.rows = np.flatnonzero(self.cache.valid)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict[str, Any]:
        row = int(self.rows[i])
        return {"video": self.cache[row], **self.dataset.samples[row].fields, "index": row}

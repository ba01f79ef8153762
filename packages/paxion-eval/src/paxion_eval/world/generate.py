"""`generate_world`: plan every clip, render and encode the videos (in worker processes), write the annotation
files in the official formats, and cache the result under a content-hash directory. The layout and every format
are described in the package docstring (`paxion_eval.world`)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from paxion_eval.world.config import GENERATOR_VERSION, content_hash, resolve_config
from paxion_eval.world.dynamics import ClipState, sample_clip, sample_qa_clip
from paxion_eval.world.texts import (
    Question,
    bracket_template,
    fill_template,
    frame_caption,
    language_line,
    named_objects,
    narration,
    qa_questions,
    replace_objects,
)
from paxion_eval.world.video import VideoSettings, render_and_write
from paxion_eval.world.vocab import CLOTH, NOUNS, Action, domain_actions

MANIFEST = "world.json"

# official directory names (relative to the world root)
SSV2_ANN = "ActionBench/ssv2/shuffled_object_and_action_antonyms"
EGO4D_ANN = "ActionBench/ego4d/egoclip_subset_action_antonyms_train_val_test_split"
EGO4D_SHUFFLED_ANN = "ActionBench/ego4d/egoclip_subset_action_antonyms_object_shuffled_train_val_test_split"
RETRIEVAL_ANN = "datasets/SSv2/ssv2_label_ssv2_template"
TEMPORAL_ANN = "datasets/Temporal/ann"
NEXTQA_ANN = "datasets/NextQA/ann/nextqa"
NEXTQA_ANTONYM_ANN = "datasets/NextQA/ann/nextqa_action_antonym"
PRETRAIN = "pretrain/pretrain.jsonl"
LANGUAGE = "pretrain/language.jsonl"
_LANGUAGE_CODE = 4  # random stream of the language corpus, beside the domains' 1-3

_DOMAIN_CODE = {"ssv2": 1, "ego4d": 2, "nextqa": 3}
_SPLIT_CODE = {"train": 1, "val": 2, "test": 3}
_WINDOW_OFFSET = 0.2  # frames: narrated windows start/end 0.2 frame after a frame, so int(t * fps) is that frame


def video_dirs(image_size: int) -> dict[str, str]:
    """Video folder of each domain, named like the official preprocessed clips (5 fps, downsized)."""
    size = f"{image_size}x{image_size}"
    return {
        "ssv2": f"datasets/SSv2/video_clips/clips_downsampled_5fps_downsized_{size}",
        "ego4d": f"datasets/Ego4D/video_clips/clips_downsampled_5fps_downsized_{size}",
        "nextqa": f"datasets/NextQA/video_clips/NExTVideo_downsampled_5fps_downsized_{size}",
    }


@dataclass(frozen=True)
class WorldInfo:
    """A generated world. `files` maps a logical name (listed in the package docstring) to an absolute path;
    `counts` holds the number of clips, records, questions and captions written; `cached` tells whether this call
    found the world already generated."""

    root: Path
    content_hash: str
    scale: str
    seed: int
    config: dict[str, Any]
    files: dict[str, Path]
    counts: dict[str, int]
    cached: bool

    def path(self, name: str) -> Path:
        """The path of logical file `name` (e.g. "ssv2/train"); KeyError lists the names when unknown."""
        try:
            return self.files[name]
        except KeyError:
            raise KeyError(f"no file {name!r} in the world at {self.root}; known: {sorted(self.files)}") from None


@dataclass
class _Clip:
    """A planned clip: where its video goes, its state, its action (None for NExT-QA-like clips) and its rng,
    which annotation steps keep drawing from (in a fixed order) after the state was sampled."""

    domain: str
    split: str
    video_id: str
    video: str  # path relative to the world root
    state: ClipState
    action: Action | None
    rng: np.random.Generator
    extra: dict[str, Any] = field(default_factory=dict)


def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), *keys])


def _balanced(actions: tuple[Action, ...], count: int, rng: np.random.Generator) -> list[Action]:
    """`count` actions, each as often as the others (plus or minus one), in random order."""
    cycle = [actions[i % len(actions)] for i in range(count)]
    return [cycle[i] for i in rng.permutation(count)]


def _plan(config: dict[str, Any], seed: int) -> dict[str, list[_Clip]]:
    """Sample every clip's state (cheap, in this process); videos are rendered later from these states."""
    dirs = video_dirs(config["image_size"])
    splits = config["splits"]
    plan: dict[str, list[_Clip]] = {"ssv2": [], "ego4d": [], "nextqa": []}

    total = sum(splits["ssv2"].values())
    ssv2_ids = iter(_rng(seed, _DOMAIN_CODE["ssv2"]).permutation(total) + 1)
    for split, count in splits["ssv2"].items():
        codes = (_DOMAIN_CODE["ssv2"], _SPLIT_CODE[split])
        for index, action in enumerate(_balanced(domain_actions("ssv2"), count, _rng(seed, *codes, 0))):
            rng = _rng(seed, *codes, 1, index)
            video_id = str(next(ssv2_ids))
            plan["ssv2"].append(_Clip("ssv2", split, video_id, f"{dirs['ssv2']}/{video_id}.mp4",
                                      sample_clip(action, rng, config), action, rng))

    for split, count in splits["ego4d"].items():
        codes = (_DOMAIN_CODE["ego4d"], _SPLIT_CODE[split])
        for index, action in enumerate(_balanced(domain_actions("ego4d"), count, _rng(seed, *codes, 0))):
            rng = _rng(seed, *codes, 1, index)
            clip_uid = str(uuid.UUID(bytes=rng.bytes(16), version=4))
            plan["ego4d"].append(_Clip("ego4d", split, clip_uid, f"{dirs['ego4d']}/{clip_uid}.mp4",
                                       sample_clip(action, rng, config), action, rng))

    id_rng, used = _rng(seed, _DOMAIN_CODE["nextqa"]), set()
    for split, count in splits["nextqa"].items():
        codes = (_DOMAIN_CODE["nextqa"], _SPLIT_CODE[split])
        for index in range(count):
            video_id = str(int(id_rng.integers(10**9, 10**10)))
            while video_id in used:
                video_id = str(int(id_rng.integers(10**9, 10**10)))
            used.add(video_id)
            folder = str(1000 + len(used) // 50)
            rng = _rng(seed, *codes, 1, index)
            plan["nextqa"].append(_Clip("nextqa", split, video_id, f"{dirs['nextqa']}/{folder}/{video_id}.mp4",
                                        sample_qa_clip(rng, config), None, rng, {"vidor_id": f"{folder}/{video_id}"}))
    return plan


# -- writers ------------------------------------------------------------------------------------------------------
class _Writer:
    """Writes files under the (temporary) world root and records them by logical name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def _open(self, name: str, relative: str):
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self.files[name] = relative
        return path.open("w", encoding="utf-8", newline="")

    def json(self, name: str, relative: str, obj: Any, count: int | None = None) -> None:
        with self._open(name, relative) as f:
            json.dump(obj, f)
        self.counts[name] = len(obj) if count is None else count

    def jsonl(self, name: str, relative: str, records: Iterable[Mapping[str, Any]]) -> None:
        with self._open(name, relative) as f:
            n = 0
            for record in records:
                f.write(json.dumps(record) + "\n")
                n += 1
        self.counts[name] = n

    def csv(self, name: str, relative: str, header: list[str], rows: list[list[Any]], delimiter: str = ",") -> None:
        with self._open(name, relative) as f:
            writer = csv.writer(f, delimiter=delimiter, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        self.counts[name] = len(rows)

    def text(self, name: str, relative: str, lines: list[str]) -> None:
        with self._open(name, relative) as f:
            f.write("".join(f"{line}\n" for line in lines))
        self.counts[name] = len(lines)

    def directory(self, name: str, relative: str, count: int) -> None:
        self.files[name] = relative
        self.counts[name] = count


def _write_ssv2(w: _Writer, clips: list[_Clip]) -> dict[str, list[dict[str, Any]]]:
    """ActionBench-SSv2 files; returns the records per split (the retrieval and temporal sets reuse them)."""
    templates = sorted({action.text for action in domain_actions("ssv2")})
    w.json("ssv2/labels", f"{SSV2_ANN}/labels.json", {t: str(i) for i, t in enumerate(templates)})
    records: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for clip in clips:
        action = clip.action
        named = named_objects(action, clip.state)
        shuffled = replace_objects(clip.rng, named, [o.noun for o in clip.state.objects])
        records[clip.split].append({
            "label": fill_template(action.text, named),
            "template": action.text,
            "placeholders": named,
            "template_action_antonym_clip_text": action.antonym_text,
            "label_action_antonym_clip_text": fill_template(action.antonym_text, named),
            "id": int(clip.video_id),
            "label_object_shuffled_clip_text": fill_template(action.text, shuffled).lower(),
        })
    w.json("ssv2/train", f"{SSV2_ANN}/train.json", records["train"])
    w.json("ssv2/train_antonym", f"{SSV2_ANN}/train_antonym.json", records["train"])
    w.json("ssv2/validation", f"{SSV2_ANN}/validation.json", records["val"])
    w.csv("ssv2/test", f"{SSV2_ANN}/test-answers.csv", ["id", "template", "template_action_antonym_clip_text"],
          [[r["id"], r["template"], r["template_action_antonym_clip_text"]] for r in records["test"]], ";")
    salient = {clip.video_id: clip.action.salient for clip in clips}
    for split in ("train", "val"):
        w.json(f"ssv2/salience_{split}", f"{SSV2_ANN}/state_change_heavy_instance_filtering_{split}.json",
               {str(r["id"]): {"clip_uid": r["id"], "if_keep": salient[str(r["id"])]} for r in records[split]})
    return records


def _ego4d_taxonomies() -> tuple[list[str], list[str]]:
    verbs = sorted({text.split()[0] for action in domain_actions("ego4d")
                    for text in (action.text, action.antonym_text)})
    return verbs, [*NOUNS, CLOTH]


def _write_ego4d(w: _Writer, clips: list[_Clip], config: dict[str, Any], seed: int) -> None:
    """ActionBench-Ego4D files. Clips of one split are grouped into long "videos" (`video_uid`) of a few clips each,
    with made-up but consistent absolute times; the narrated window of each clip file is given relative to it."""
    fps = float(config["fps"])
    verbs, nouns = _ego4d_taxonomies()
    low, high = config["ego4d_clips_per_video"]
    for split in _SPLIT_CODE:
        split_clips = [clip for clip in clips if clip.split == split]
        rng = _rng(seed, _DOMAIN_CODE["ego4d"], _SPLIT_CODE[split], 2)
        records: list[dict[str, Any]] = []
        salience: dict[str, dict[str, Any]] = {}
        begin = 0
        while begin < len(split_clips):
            group = split_clips[begin : begin + int(rng.integers(low, high + 1))]
            begin += len(group)
            video_uid = str(uuid.UUID(bytes=rng.bytes(16), version=4))
            offsets, cursor = [], float(rng.uniform(5, 60))
            for clip in group:
                offsets.append(cursor)
                cursor += clip.state.num_frames / fps + float(rng.uniform(2, 30))
            video_dur = round(cursor + float(rng.uniform(5, 60)), 6)
            for narration_ind, (clip, offset) in enumerate(zip(group, offsets, strict=True)):
                action, (first, last) = clip.action, clip.state.window
                named = named_objects(action, clip.state)
                shuffled = replace_objects(clip.rng, named, [o.noun for o in clip.state.objects])
                start = round((first + _WINDOW_OFFSET) / fps, 6)
                end = round((last + _WINDOW_OFFSET) / fps, 6)
                middle = round((start + end) / 2, 6)
                noun_ids = [nouns.index(n) for n in named] + ([nouns.index(CLOTH)] if CLOTH in action.text else [])
                record = {
                    "video_uid": video_uid,
                    "video_dur": video_dur,
                    "narration_source": "narration_pass_1",
                    "narration_ind": narration_ind,
                    "narration_time": round(offset + middle, 6),
                    "clip_start": round(offset + start, 6),
                    "clip_end": round(offset + end, 6),
                    "clip_text": narration(action.text, named),
                    "action_antonym_clip_text": narration(action.antonym_text, named),
                    "tag_verb": str([verbs.index(action.text.split()[0])]),
                    "tag_noun": str(noun_ids),
                    "clip_uid": clip.video_id,
                    "narration_relative_time": middle,
                    "clip_relative_start": start,
                    "clip_relative_end": end,
                    "clip_fps": fps,
                    "object_shuffled_clip_text": narration(action.text, shuffled),
                }
                records.append(record)
                salience[f"{clip.video_id}__{start}__{end}"] = {
                    "clip_uid": clip.video_id, "clip_relative_start": start, "clip_relative_end": end,
                    "if_keep": action.salient}
        w.jsonl(f"ego4d/{split}", f"{EGO4D_ANN}/{split}.jsonl", records)
        w.json(f"ego4d/salience_{split}", f"{EGO4D_ANN}/state_change_heavy_instance_filtering_{split}.json",
               salience)
        if split != "train":
            w.jsonl(f"ego4d/object_shuffled_{split}", f"{EGO4D_SHUFFLED_ANN}/{split}.jsonl", records)


def _write_retrieval_and_temporal(w: _Writer, records: dict[str, list[dict[str, Any]]],
                                  config: dict[str, Any]) -> None:
    """SSv2-label / SSv2-template retrieval (official SSv2 retrieval JSON) and the Temporal-SSv2-like CSV, all on
    the SSv2-like videos."""
    def video_name(record: dict[str, Any]) -> str:
        return f"{record['id']}.webm"  # the official files name the source .webm; loaders strip the extension

    def by_template(subset: list[dict[str, Any]]) -> list[dict[str, Any]]:
        grouped: dict[str, list[str]] = defaultdict(list)
        for r in subset:
            grouped[r["template"]].append(video_name(r))
        return [{"video": videos, "caption": bracket_template(t)} for t, videos in sorted(grouped.items())]

    train = records["train"]
    seen, val = set(), []
    for r in records["val"]:  # one video per caption, so each val caption has exactly one positive video
        if r["label"].lower() not in seen and len(val) < config["retrieval_val_videos"]:
            seen.add(r["label"].lower())
            val.append(r)
    w.json("retrieval/label_train", f"{RETRIEVAL_ANN}/ssv2_ret_label_train.json",
           [{"video": [video_name(r)], "caption": r["label"].lower()} for r in train])
    w.json("retrieval/label_val", f"{RETRIEVAL_ANN}/ssv2_ret_label_val_small.json",
           [{"video": [video_name(r)], "caption": r["label"].lower()} for r in val])
    w.json("retrieval/template_train", f"{RETRIEVAL_ANN}/ssv2_ret_template_train.json", by_template(train),
           count=len(train))
    w.json("retrieval/template_val", f"{RETRIEVAL_ANN}/ssv2_ret_template_val_small.json", by_template(val),
           count=len(val))

    paired = [a.text for a in domain_actions("ssv2") if a.salient]
    per_text: dict[str, list[dict[str, Any]]] = {t: [] for t in paired}
    for r in records["val"]:
        if r["template"] in per_text and len(per_text[r["template"]]) < config["temporal_videos_per_text"]:
            per_text[r["template"]].append(r)
    rows = [r for t in paired for r in per_text[t]]
    w.csv("temporal/val", f"{TEMPORAL_ANN}/val-v1.0-2.4k.csv", ["", "index", "video_id", "text", "dataset"],
          [[i, i, r["id"], bracket_template(r["template"]), "SSv2"] for i, r in enumerate(rows)])


def _write_nextqa(w: _Writer, clips: list[_Clip], config: dict[str, Any]) -> None:
    """NExT-QA-like CSVs (with and without `action_antonym_choices`), the video-id map and the hard subset."""
    header = ["video", "frame_count", "width", "height", "question", "answer", "qid", "type", "a0", "a1", "a2",
              "a3", "a4"]
    rows: dict[str, list[list[Any]]] = defaultdict(list)
    antonym_rows: dict[str, list[list[Any]]] = defaultdict(list)
    hard_ids, hard_rows = [], []
    size = config["image_size"]
    for clip in clips:
        questions: list[Question] = qa_questions(clip.state, clip.rng, config["qa_antonym_choice_prob"])
        for qid, q in enumerate(questions):
            if clip.split == "val" and q.antonym_in_choices:
                hard_ids.append(f"{clip.video_id}_{qid}")
                hard_rows.append(str(len(rows["val"])))
            row = [clip.video_id, clip.state.num_frames, size, size, q.question, q.answer, qid, q.type, *q.choices]
            rows[clip.split].append(row)
            antonym_rows[clip.split].append([*row, str(q.antonym_choices)])
    for split in _SPLIT_CODE:
        w.csv(f"nextqa/{split}", f"{NEXTQA_ANN}/{split}.csv", header, rows[split])
        w.csv(f"nextqa_antonym/{split}", f"{NEXTQA_ANTONYM_ANN}/{split}.csv", [*header, "action_antonym_choices"],
              antonym_rows[split])
    id_map = {clip.video_id: clip.extra["vidor_id"] for clip in clips}
    w.json("nextqa/map", f"{NEXTQA_ANN}/map_vid_vidorID.json", id_map)
    w.json("nextqa_antonym/map", f"{NEXTQA_ANTONYM_ANN}/map_vid_vidorID.json", id_map)
    w.text("nextqa/atp_hard", "datasets/NextQA/ann/atp_hard_val_ids.txt", hard_ids)
    w.text("nextqa/atp_hard_rows", "datasets/NextQA/ann/atp-hard-ct4.txt", hard_rows)


def _write_pretrain(w: _Writer, clips: list[_Clip], config: dict[str, Any]) -> None:
    """Single-frame (video, frame, caption) triples from the SSv2-like and Ego4D-like training clips."""
    def triples() -> Iterable[dict[str, Any]]:
        for clip in clips:
            if clip.split != "train":
                continue
            first, last = clip.state.window
            count = min(config["pretrain_frames_per_clip"], last - first + 1)
            for frame in sorted(first + clip.rng.choice(last - first + 1, size=count, replace=False)):
                yield {"domain": clip.domain, "video_id": clip.video_id, "video": clip.video,
                       "frame_index": int(frame), "caption": frame_caption(clip.state, int(frame), clip.rng)}

    w.jsonl("pretrain", PRETRAIN, triples())


def _write_language(w: _Writer, config: dict[str, Any], seed: int) -> None:
    """The text tower's language corpus: paraphrase pairs with the antonym as a hard negative (texts.language_line)."""
    rng = _rng(seed, _LANGUAGE_CODE)
    w.jsonl("language", LANGUAGE, (language_line(rng) for _ in range(config["language_lines"])))


def _round(values: np.ndarray) -> list[float]:
    return [round(float(v), 5) for v in values]


def _metadata_records(domain: str, clips: list[_Clip]) -> Iterable[dict[str, Any]]:
    for clip in clips:
        s, screen = clip.state, clip.state.screen()
        yield {
            "domain": domain, "split": clip.split, "video_id": clip.video_id, "video": clip.video,
            "action": clip.action.name if clip.action else None,
            "salient": clip.action.salient if clip.action else None,
            "style": s.style, "num_frames": s.num_frames,
            "segments": [vars(seg) for seg in s.segments],
            "main": {"noun": s.main.noun, **{k: _round(screen[k][0]) for k in ("x", "y", "size", "angle")}},
            "cover": _round(s.cover), "cover_side": s.cover_side,
            "camera": {"x": _round(s.cam_x), "y": _round(s.cam_y), "zoom": _round(s.zoom)},
            "others": [{"noun": o.noun, "world_x": round(float(o.x[0]), 5), "world_y": round(float(o.y[0]), 5),
                        "world_size": round(float(o.size[0]), 5), "angle": round(float(o.angle[0]), 5)}
                       for o in s.objects[1:]],
            "has_landmark": s.has_landmark,
        }


def _write_metadata(w: _Writer, plan: dict[str, list[_Clip]]) -> None:
    """Per-clip generator state: the ground truth the tests (and curious users) check frames against."""
    for domain, clips in plan.items():
        w.jsonl(f"metadata/{domain}", f"metadata/states_{domain}.jsonl", _metadata_records(domain, clips))


# -- orchestration --------------------------------------------------------------------------------------------------
def _render_all(root: Path, plan: dict[str, list[_Clip]], config: dict[str, Any], workers: int,
                progress: bool) -> None:
    from tqdm import tqdm

    settings = VideoSettings(config["image_size"], config["supersample"], config["fps"], config["codec"],
                             config["crf"])
    tasks = [(str(root / c.video), c.state, settings) for clips in plan.values() for c in clips]
    for folder in {os.path.dirname(task[0]) for task in tasks}:
        os.makedirs(folder, exist_ok=True)
    bar = tqdm(total=len(tasks), desc="paxion world: videos", unit="clip", disable=not progress, file=sys.stderr)
    if workers <= 1 or len(tasks) < 64:
        for task in tasks:
            render_and_write(task)
            bar.update()
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork on Linux: fast, and callers need no `if __name__ == "__main__"` guard; spawn elsewhere (macOS, Windows)
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
            for _ in pool.map(render_and_write, tasks, chunksize=32):
                bar.update()
    bar.close()


def _load_cached(root: Path, digest: str) -> WorldInfo | None:
    manifest_path = root / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):  # absent or unreadable: the folder is regenerated
        return None
    if manifest.get("content_hash") != digest:
        return None
    files = {name: root / relative for name, relative in manifest["files"].items()}
    if not all(path.exists() for path in files.values()):
        return None
    return WorldInfo(root, digest, manifest["scale"], manifest["seed"], manifest["config"], files,
                     manifest["counts"], cached=True)


def _generate_into(folder: Path, config: dict[str, Any], seed: int, workers: int, progress: bool
                   ) -> tuple[dict[str, int], dict[str, str]]:
    """Write the whole world into `folder`; returns (counts, files: logical name -> path relative to it)."""
    plan = _plan(config, seed)
    _render_all(folder, plan, config, workers, progress)
    writer = _Writer(folder)
    records = _write_ssv2(writer, plan["ssv2"])
    _write_ego4d(writer, plan["ego4d"], config, seed)
    _write_retrieval_and_temporal(writer, records, config)
    _write_nextqa(writer, plan["nextqa"], config)
    _write_pretrain(writer, plan["ssv2"] + plan["ego4d"], config)
    _write_language(writer, config, seed)
    _write_metadata(writer, plan)
    for domain, video_folder in video_dirs(config["image_size"]).items():
        writer.directory(f"{domain}/videos", video_folder, len(plan[domain]))
    writer.counts["videos"] = sum(len(clips) for clips in plan.values())
    writer.files["manifest"] = MANIFEST
    return writer.counts, writer.files


def generate_world(out_dir: str | Path, scale: str = "default", seed: int = 0, *, progress: bool = True,
                   overrides: Mapping[str, Any] | None = None, workers: int | None = None) -> WorldInfo:
    """Generate (or find cached) the synthetic world of `scale` and `seed` in `out_dir/<scale>-<hash16>/`.

    The hash covers (generator version, full scale configuration incl. `overrides`, seed); a second call with the
    same arguments returns the cached world (`WorldInfo.cached`) without rendering anything. Generation writes into
    a temporary sibling folder renamed into place at the end, so a world folder is always complete.
    `workers`: processes rendering videos (default: min(2, CPU count)); it does not change the output. Workers are
    forked on Linux and spawned elsewhere (where a calling script needs the usual `if __name__ == "__main__"` guard).
    `overrides`: settings merged over the scale's configuration (see `config.COMMON`), e.g. {"image_size": 64}.
    """
    config = resolve_config(scale, overrides)
    digest = content_hash(config, seed)
    out_dir = Path(out_dir)
    root = out_dir / f"{scale}-{digest[:16]}"
    cached = _load_cached(root, digest)
    if cached is not None:
        return cached
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(f"{root}.tmp-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    started = time.perf_counter()
    try:
        counts, files = _generate_into(tmp, config, seed, workers or min(2, os.cpu_count() or 1), progress)
        manifest = {"generator_version": GENERATOR_VERSION, "content_hash": digest, "scale": scale, "seed": seed,
                    "config": config, "files": files, "counts": counts}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    found = _load_cached(root, digest)
    if found is not None:  # another process finished the same world meanwhile
        shutil.rmtree(tmp)
        return found
    if root.exists():  # an incomplete folder under this name (a run that died before its manifest): replace it
        shutil.rmtree(root)
    try:
        os.rename(tmp, root)
    except OSError:  # another process finished the same world first
        shutil.rmtree(tmp)
        found = _load_cached(root, digest)
        if found is None:
            raise
        return found
    if progress:
        print(f"paxion world: generated {counts['videos']} videos in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
    return WorldInfo(root, digest, scale, seed, config, {name: root / rel for name, rel in files.items()}, counts,
                     cached=False)

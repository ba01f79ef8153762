"""Datasets on fabricated official-format annotation files and real (tiny) videos."""

from __future__ import annotations

import csv
import json

import pytest
import torch
from torch.utils.data import DataLoader

from paxion_core.data import (
    ActionBenchEgo4DDataset,
    ActionBenchSSv2Dataset,
    AnnotationError,
    FrameCaptionDataset,
    NExTQADataset,
    ParaphraseDataset,
    SkippedSample,
    SkipReport,
    SSv2RetrievalDataset,
    TemporalSSv2Dataset,
    VideoReadError,
    ZipDataset,
    collate,
)
from paxion_core.registry import DATASETS

WHOLE_VIDEO = [1, 3, 5, 7, 9, 11, 13, 15]  # 8 of 16 frames, official whole-video sampling


def ssv2_record(video_id, label="Pushing cup from left to right"):
    return {
        "label": label,
        "template": "Pushing [something] from left to right",
        "placeholders": ["cup"],
        "template_action_antonym_clip_text": "Pushing something from right to left",
        "label_action_antonym_clip_text": "pushing cup from right to left",
        "id": video_id,
        "label_object_shuffled_clip_text": "pushing shoe from left to right",
    }


def ego4d_record(clip_uid, start, end, text="#C C picks up the knife."):
    return {
        "video_uid": "002d2729-df71-438d-8396-5895b349e8fd",
        "video_dur": 3571.4,
        "narration_source": "narration_pass_1",
        "narration_ind": 229,
        "narration_time": 592.69,
        "clip_start": 592.35,
        "clip_end": 593.03,
        "clip_text": text,
        "action_antonym_clip_text": "#C C puts down the knife.",
        "tag_verb": "[17, 93]",
        "tag_noun": "[321, 268]",
        "clip_uid": clip_uid,
        "narration_relative_time": 0.69,
        "clip_relative_start": start,
        "clip_relative_end": end,
        "clip_fps": 30.0,
        "object_shuffled_clip_text": "#C C picks up the banana.",
    }


NEXTQA_HEADER = ["video", "frame_count", "width", "height", "question", "answer", "qid", "type"]
NEXTQA_HEADER += ["a0", "a1", "a2", "a3", "a4", "action_antonym_choices"]


QUESTION = "how do the two man play the instrument"
CHOICES = ["roll the handle", "tap their feet", "strum the string", "hit with sticks", "pat with hand"]


def nextqa_row(video, qid, qtype="CH", answer="2", antonyms="['unwind the handle', 'hit their feet']"):
    return [video, "369", "640", "480", QUESTION, answer, str(qid), qtype, *CHOICES, antonyms]


def write_json(path, data):
    path.write_text(json.dumps(data))
    return path


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def write_csv(path, header, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def videos(make_index_video, tmp_path):
    """16-frame index videos at 5 fps under tmp_path/videos for every id the tests use."""
    for name in ["74225", "1001", "clip-a", "169724", "4010069381", "1150/6233408665"]:
        make_index_video(f"videos/{name}.mp4")
    return tmp_path / "videos"


def test_actionbench_ssv2_items(videos, tmp_path, frame_indices):
    ann = write_json(tmp_path / "validation.json", [ssv2_record(74225), ssv2_record("1001", label="pushing BOX")])
    flags = write_json(tmp_path / "flags.json", {"74225": {"if_keep": False}, "1001": {"if_keep": True}})
    dataset = ActionBenchSSv2Dataset(ann, videos, salient_file=flags, transform=dict(image_size=24))
    assert len(dataset) == 2
    item = dataset[0]
    assert set(item) == {"video", "text", "antonym_text", "object_shuffled_text", "salient", "id", "index"}
    assert item["video"].shape == (8, 3, 24, 24) and item["video"].dtype == torch.float32
    assert item["text"] == "Pushing cup from left to right"
    assert item["antonym_text"] == "pushing cup from right to left"
    assert item["object_shuffled_text"] == "pushing shoe from left to right"
    assert (item["salient"], item["id"], item["index"]) == (False, "74225", 0)
    assert dataset[1]["text"] == "Pushing box"  # str.capitalize, as the official loader
    assert dataset[1]["salient"] is True
    raw = ActionBenchSSv2Dataset(ann, videos)[0]["video"]  # no transform: [T, 3, H, W] in [0, 1]
    assert raw.shape == (8, 3, 32, 32) and frame_indices(raw) == WHOLE_VIDEO


def test_actionbench_ssv2_templates(videos, tmp_path):
    ann = write_json(tmp_path / "validation.json", [ssv2_record(74225)])
    dataset = ActionBenchSSv2Dataset(ann, videos, use_templates=True, with_object_shuffled=False)
    item = dataset[0]
    assert item["text"] == "Pushing something from left to right"
    assert item["antonym_text"] == "Pushing something from right to left"
    assert "object_shuffled_text" not in item and item["salient"] is True
    with pytest.raises(ValueError, match="with_object_shuffled=False"):
        ActionBenchSSv2Dataset(ann, videos, use_templates=True)


def test_actionbench_ssv2_validation(tmp_path, videos):
    broken = ssv2_record(1001)
    del broken["label_action_antonym_clip_text"]
    ann = write_json(tmp_path / "train.json", [ssv2_record(74225), broken])
    with pytest.raises(
        AnnotationError, match=r"train\.json, record 1: field 'label_action_antonym_clip_text': missing"
    ):
        ActionBenchSSv2Dataset(ann, videos)
    assert len(ActionBenchSSv2Dataset(ann, videos, with_antonym=False)) == 2
    write_json(ann, [ssv2_record("12a")])
    with pytest.raises(AnnotationError, match="record 0: field 'id': expected an integer"):
        ActionBenchSSv2Dataset(ann, videos)
    write_json(ann, [ssv2_record(74225)])
    flags = write_json(tmp_path / "flags.json", {"1": 1})
    with pytest.raises(AnnotationError, match=r"flags\.json, key '74225'.*record 0"):
        ActionBenchSSv2Dataset(ann, videos, salient_file=flags)


def test_actionbench_ego4d_items_and_clip_window(videos, tmp_path, frame_indices):
    ann = write_jsonl(tmp_path / "val.jsonl", [ego4d_record("clip-a", 1.0, 2.0), ego4d_record("clip-a", 0.2, 0.3)])
    key = "clip-a__1.0__2.0"
    flags = write_json(tmp_path / "flags.json", {key: {"if_keep": True}, "clip-a__0.2__0.3": {"if_keep": False}})
    dataset = ActionBenchEgo4DDataset(ann, videos, salient_file=flags, with_object_shuffled=True)
    item = dataset[0]
    assert set(item) == {"video", "text", "antonym_text", "object_shuffled_text", "salient", "id", "index"}
    assert item["id"] == key and item["salient"] is True and dataset[1]["salient"] is False
    assert item["text"] == "c picks up the knife"  # official Ego4D caption cleaning
    assert item["antonym_text"] == "c puts down the knife"
    assert item["object_shuffled_text"] == "c picks up the banana"
    assert frame_indices(item["video"]) == [5, 5, 6, 7, 7, 8, 9, 10]  # 1.0-2.0 s at the video's 5 fps
    assert frame_indices(dataset[1]["video"]) == [1, 1, 1, 1, 1, 1, 1, 2]  # collapsed window widened
    fixed_fps = ActionBenchEgo4DDataset(ann, videos, fps=10, clean_captions=False)
    assert frame_indices(fixed_fps[0]["video"]) == [10, 10, 11, 12, 12, 13, 14, 15]
    assert fixed_fps[0]["text"] == "#C C picks up the knife." and "object_shuffled_text" not in fixed_fps[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"clip_relative_end": 0.5}, r"line 2: field 'clip_relative_end': the clip ends \(0.5 s\) before it starts"),
        ({"clip_relative_start": "soon"}, "line 2: field 'clip_relative_start': expected a finite number"),
        ({"clip_uid": ""}, "line 2: field 'clip_uid': expected a non-empty string"),
        ({"clip_fps": 0}, "line 2: field 'clip_fps': expected a positive frame rate"),
    ],
)
def test_actionbench_ego4d_validation(tmp_path, videos, change, message):
    ann = write_jsonl(
        tmp_path / "val.jsonl", [ego4d_record("clip-a", 1.0, 2.0), {**ego4d_record("clip-a", 1.0, 2.0), **change}]
    )
    with pytest.raises(AnnotationError, match=message):
        ActionBenchEgo4DDataset(ann, videos)


def test_actionbench_ego4d_missing_field_and_bad_json(tmp_path, videos):
    record = ego4d_record("clip-a", 1.0, 2.0)
    del record["narration_time"]
    ann = write_jsonl(tmp_path / "test.jsonl", [ego4d_record("clip-a", 1.0, 2.0), record])
    with pytest.raises(AnnotationError, match=r"test\.jsonl, line 2: field 'narration_time': missing"):
        ActionBenchEgo4DDataset(ann, videos)
    ann.write_text(json.dumps(ego4d_record("clip-a", 1.0, 2.0)) + "\n{not json}\n")
    with pytest.raises(AnnotationError, match=r"test\.jsonl, line 2 column 2: malformed JSON"):
        ActionBenchEgo4DDataset(ann, videos)


def test_ssv2_template_retrieval(videos, tmp_path):
    records = [
        {"video": ["74225.webm", "1001.webm"], "caption": "Pushing [something] from left to right"},
        {"video": "169724.webm", "caption": "Approaching [something] with your camera"},
    ]
    dataset = SSv2RetrievalDataset(write_json(tmp_path / "ssv2_ret_template_val_small.json", records), videos)
    assert dataset.texts == ["Pushing something from left to right", "Approaching something with your camera"]
    assert dataset.text_to_videos == [[0, 1], [2]] and dataset.video_to_texts == [[0], [0], [1]]
    item = dataset[1]
    assert set(item) == {"video", "text", "text_index", "id", "index"}
    assert (item["id"], item["text_index"], item["text"]) == ("1001", 0, "Pushing something from left to right")
    write_json(tmp_path / "bad.json", [{"video": ["74225"], "caption": "x"}])
    with pytest.raises(AnnotationError, match="record 0: field 'video': expected file names"):
        SSv2RetrievalDataset(tmp_path / "bad.json", videos)


def test_temporal_ssv2(videos, tmp_path):
    rows = [
        ["4153", "2561", "169724", "Approaching [something] with your camera", "SSv2"],
        ["188", "2281", "cartwheeling/RUNwB3-Qxqg_000007_000017", "cartwheeling", "kinetics"],
        ["17", "2562", "74225", "Moving away from [something] with your camera", "SSv2"],
        ["18", "2563", "1001", "Approaching [something] with your camera", "SSv2"],
    ]
    dataset = TemporalSSv2Dataset(
        write_csv(tmp_path / "val-v1.0-2.4k.csv", ["", "index", "video_id", "text", "dataset"], rows), videos
    )
    assert len(dataset) == 3
    assert dataset.texts == ["Approaching something with your camera", "Moving away from something with your camera"]
    assert dataset.text_to_videos == [[0, 2], [1]] and dataset.video_to_texts == [[0], [1], [0]]
    assert dataset[2]["id"] == "1001" and dataset[2]["text_index"] == 0
    bad = write_csv(tmp_path / "bad.csv", ["", "index", "video", "text", "dataset"], rows)
    with pytest.raises(AnnotationError, match=r"bad\.csv, line 1 \(header\): field 'video_id': missing column"):
        TemporalSSv2Dataset(bad, videos)


def test_nextqa_items(videos, tmp_path):
    ann = write_csv(
        tmp_path / "val.csv", NEXTQA_HEADER, [nextqa_row("4010069381", 6), nextqa_row("6233408665", 2, "TN", "0", "[]")]
    )
    video_map = write_json(
        tmp_path / "map_vid_vidorID.json", {"4010069381": "4010069381", "6233408665": "1150/6233408665"}
    )
    hard = tmp_path / "atp_hard.txt"
    hard.write_text("6233408665_2\n")
    dataset = NExTQADataset(ann, videos, with_antonym=True, video_map_file=video_map, atp_hard_file=hard)
    item = dataset[0]
    keys = {"video", "text", "candidates", "antonym_candidates", "answer", "qtype", "id", "index", "atp_hard"}
    assert set(item) == keys
    assert item["candidates"] == [f"{QUESTION}? {choice}" for choice in CHOICES]
    assert len(item["candidates"]) == 5 and item["answer"] == 2 and item["qtype"] == "CH"
    assert item["antonym_candidates"] == [f"{QUESTION}? unwind the handle", f"{QUESTION}? hit their feet"]
    assert (item["id"], item["atp_hard"]) == ("4010069381_6", False)
    second = dataset[1]
    assert second["atp_hard"] is True and second["antonym_candidates"] == [] and second["video"].shape[0] == 8
    plain = NExTQADataset(ann, videos, video_map_file=video_map)
    assert set(plain[0]) == keys - {"antonym_candidates", "atp_hard"}
    hard.write_text("1\n")  # ATP's own format: 0-based row indices into the CSV
    by_row = NExTQADataset(ann, videos, video_map_file=video_map, atp_hard_file=hard)
    assert [s.fields["atp_hard"] for s in by_row.samples] == [False, True]
    hard.write_text("2\n")
    with pytest.raises(AnnotationError, match="1 entries match no row"):
        NExTQADataset(ann, videos, video_map_file=video_map, atp_hard_file=hard)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (nextqa_row("4010069381", 6, answer="7"), r"line 3: field 'answer': expected one of \[0, 1, 2, 3, 4\], got 7"),
        (nextqa_row("4010069381", 6, qtype="XX"), "line 3: field 'type': expected one of"),
        (nextqa_row("4010069381", "six"), "line 3: field 'qid': expected an integer"),
        (
            nextqa_row("4010069381", 6, antonyms="unwind"),
            "line 3: field 'action_antonym_choices': expected a list literal",
        ),
    ],
)
def test_nextqa_validation(tmp_path, videos, row, message):
    ann = write_csv(tmp_path / "train.csv", NEXTQA_HEADER, [nextqa_row("4010069381", 1), row])
    with pytest.raises(AnnotationError, match=message):
        NExTQADataset(ann, videos, with_antonym=True)


def test_nextqa_reference_files_are_checked(tmp_path, videos):
    ann = write_csv(tmp_path / "val.csv", NEXTQA_HEADER[:-1], [nextqa_row("4010069381", 6)[:-1]])
    with pytest.raises(AnnotationError, match="field 'action_antonym_choices': missing column"):
        NExTQADataset(ann, videos, with_antonym=True)
    video_map = write_json(tmp_path / "map.json", {"other": "1/other"})
    with pytest.raises(AnnotationError, match="line 2: field 'video': '4010069381' is not in the video map"):
        NExTQADataset(ann, videos, video_map_file=video_map)
    hard = tmp_path / "hard.json"
    hard.write_text('["4010069381_6", "999_1"]')
    with pytest.raises(AnnotationError, match=r"1 entries match no <video>_<qid>.*999_1"):
        NExTQADataset(ann, videos, atp_hard_file=hard)


def test_registry_builds_datasets(videos, tmp_path):
    ann = write_json(tmp_path / "validation.json", [ssv2_record(74225)])
    dataset = DATASETS.build(dict(type="ActionBenchSSv2Dataset", ann_file=str(ann), video_root=str(videos)))
    assert isinstance(dataset, ActionBenchSSv2Dataset) and len(dataset) == 1


def test_collate_stacks_tensors_and_keeps_strings():
    samples = [
        {"video": torch.full((8, 3, 4, 4), i), "text": t, "candidates": c, "salient": s, "answer": a, "index": i}
        for i, (t, c, s, a) in enumerate([("a", ["x", "y"], True, 1), ("b", ["z", "w"], False, 3)])
    ]
    batch = collate(samples)
    assert batch["video"].shape == (2, 8, 3, 4, 4) and batch["video"][1].eq(1).all() and batch["text"] == ["a", "b"]
    assert batch["candidates"] == [["x", "y"], ["z", "w"]]
    assert batch["salient"].dtype == torch.bool and batch["salient"].tolist() == [True, False]
    assert batch["answer"].dtype == torch.long and batch["answer"].tolist() == [1, 3]
    assert batch["skipped"] == []
    with pytest.raises(ValueError, match="different keys"):
        collate([samples[0], {"video": torch.zeros(8, 3, 4, 4)}])


@pytest.fixture
def ssv2_with_bad_videos(videos, tmp_path):
    """Four samples: two good videos, one missing file, one corrupt file."""
    (videos / "666.mp4").write_bytes(torch.randint(0, 256, (4096,), dtype=torch.uint8).numpy().tobytes())
    records = [ssv2_record(74225), ssv2_record(555), ssv2_record(1001), ssv2_record(666)]
    return write_json(tmp_path / "validation.json", records)


def test_unreadable_videos_raise_by_default(ssv2_with_bad_videos, videos):
    dataset = ActionBenchSSv2Dataset(ssv2_with_bad_videos, videos)
    with pytest.raises(VideoReadError, match=r"555\.mp4: file not found \(item 1, id '555'") as info:
        dataset[1]
    assert info.value.path == str(videos / "555.mp4")
    with pytest.raises(VideoReadError, match=r"666\.mp4"):
        dataset[3]


@pytest.mark.parametrize("num_workers", [0, 2])
def test_skip_policy_counts_and_reports(ssv2_with_bad_videos, videos, num_workers):
    dataset = ActionBenchSSv2Dataset(ssv2_with_bad_videos, videos, on_error="skip")
    assert isinstance(dataset[1], SkippedSample) and dataset[1].path == str(videos / "555.mp4")
    loader = DataLoader(dataset, batch_size=2, num_workers=num_workers, collate_fn=collate)
    report = SkipReport()
    batches = list(report.track(loader))
    assert [b["id"] for b in batches] == [["74225"], ["1001"]]
    assert report.count == 2
    assert sorted(report.paths) == [str(videos / "555.mp4"), str(videos / "666.mp4")]
    summary = report.summary()
    assert summary.startswith("2 sample(s) skipped") and "555.mp4: file not found" in summary and "666.mp4" in summary


def test_all_skipped_batch_and_summary_limit():
    report = SkipReport(max_listed=1)
    batch = collate([SkippedSample(0, "a.mp4", "file not found"), SkippedSample(1, "b.mp4", "file not found")])
    assert set(batch) == {"skipped"} and report.update(batch) is False
    assert report.summary().splitlines()[-1] == "  ... and 1 more"
    assert SkipReport().summary() == "no samples skipped"


def test_seeded_jitter_is_reproducible_per_item(videos, tmp_path):
    ann = write_json(tmp_path / "validation.json", [ssv2_record(74225), ssv2_record(74225)])
    transform = dict(image_size=32, train=True)
    first = ActionBenchSSv2Dataset(ann, videos, transform=transform, seed=3)
    second = ActionBenchSSv2Dataset(ann, videos, transform=transform, seed=3)
    assert torch.equal(first[0]["video"], second[0]["video"])
    assert not torch.equal(first[0]["video"], first[1]["video"])  # same video, different item: different jitter


def test_frame_captions_preloaded_once_per_process(videos, tmp_path, frame_indices, monkeypatch):
    from paxion_core.data import datasets

    ann = tmp_path / "pretrain.jsonl"
    write_jsonl(ann, [{"video": "74225.mp4", "frame_index": 3, "caption": "red circle"},
                      {"video": "1001.mp4", "frame_index": 9, "caption": "blue square"},
                      {"video": "74225.mp4", "frame_index": 12, "caption": "red circle at the top"}])
    opened = []
    read = datasets.read_frame_indices
    monkeypatch.setattr(datasets, "read_frame_indices", lambda path, idx: opened.append(path) or read(path, idx))
    first = FrameCaptionDataset(ann, videos, num_frames=1, preload=True)
    assert sorted(opened) == sorted({str(videos / "74225.mp4"), str(videos / "1001.mp4")})  # each video once
    second = FrameCaptionDataset(ann, videos, num_frames=1, preload=True)
    assert len(opened) == 2  # a later stage listing the same file decodes nothing
    assert [frame_indices(second[i]["video"]) for i in range(3)] == [[3], [9], [12]]
    assert [second[i]["text"] for i in range(3)] == [first[i]["text"] for i in range(3)]
    write_jsonl(ann, [{"video": "1001.mp4", "frame_index": 2, "caption": "changed file"}])
    assert frame_indices(FrameCaptionDataset(ann, videos, num_frames=1, preload=True)[0]["video"]) == [2]
    assert len(opened) == 3


def test_frame_captions_preload_with_unreadable_videos(videos, tmp_path):
    (videos / "666.mp4").write_bytes(torch.randint(0, 256, (4096,), dtype=torch.uint8).numpy().tobytes())
    ann = tmp_path / "pretrain.jsonl"
    write_jsonl(ann, [{"video": name, "frame_index": 1, "caption": name}
                      for name in ("74225.mp4", "555.mp4", "1001.mp4", "666.mp4")])
    with pytest.raises(VideoReadError, match=r"555\.mp4: file not found"):
        FrameCaptionDataset(ann, videos, num_frames=1, preload=True)
    dataset = FrameCaptionDataset(ann, videos, num_frames=1, preload=True, on_error="skip")
    assert [type(dataset[i]).__name__ for i in range(4)] == ["dict", "SkippedSample", "dict", "SkippedSample"]
    assert dataset[3].path == str(videos / "666.mp4")


def test_paraphrase_lines_zipped_beside_frames(videos, tmp_path):
    frames = tmp_path / "pretrain.jsonl"
    write_jsonl(frames, [{"video": "74225.mp4", "frame_index": i, "caption": f"caption {i}"} for i in range(3)])
    language = tmp_path / "language.jsonl"
    write_jsonl(language, [{"text": f"t{i}", "paraphrase": f"p{i}", "antonym_text": f"a{i}"} for i in range(2)])
    zipped = ZipDataset([dict(type="FrameCaptionDataset", ann_file=str(frames), video_root=str(videos),
                              num_frames=1), dict(type="ParaphraseDataset", ann_file=str(language))])
    assert len(zipped) == 3
    item = zipped[2]  # frame item 2 beside language line 2 mod 2 = 0
    assert (item["text"], item["index"]) == ("caption 2", 2)
    assert (item["language_text"], item["language_paraphrase"], item["language_antonym"]) == ("t0", "p0", "a0")
    with pytest.raises(ValueError, match="repeat the keys"):
        ZipDataset([ParaphraseDataset(language), ParaphraseDataset(language)])[0]
    write_jsonl(language, [{"text": "t", "paraphrase": "p"}])
    with pytest.raises(AnnotationError, match="language.jsonl, line 1.*antonym_text"):
        ParaphraseDataset(language)

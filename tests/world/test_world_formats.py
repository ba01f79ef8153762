"""The files of a `ci` world follow the official formats, with every field, and agree with the generator's
per-frame ground truth (metadata) and with the decoded videos."""

from __future__ import annotations

import ast
import csv
import json
import math
import re
from pathlib import Path

import decord
import numpy as np
import pytest

from paxion_eval.world import NOUNS, WorldInfo, domain_actions, resolve_config
from paxion_eval.world.vocab import ACTION_VERBS, COLOURS

CONFIG = resolve_config("ci")
SSV2_FIELDS = {"label", "template", "placeholders", "template_action_antonym_clip_text",
               "label_action_antonym_clip_text", "id", "label_object_shuffled_clip_text"}
EGO4D_FIELDS = {"video_uid", "video_dur", "narration_source", "narration_ind", "narration_time", "clip_start",
                "clip_end", "clip_text", "action_antonym_clip_text", "tag_verb", "tag_noun", "clip_uid",
                "narration_relative_time", "clip_relative_start", "clip_relative_end", "clip_fps",
                "object_shuffled_clip_text"}
NEXTQA_HEADER = ["video", "frame_count", "width", "height", "question", "answer", "qid", "type",
                 "a0", "a1", "a2", "a3", "a4"]
NOUN_PATTERN = "|".join(NOUNS)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _json(world: WorldInfo, name: str):
    return json.loads(world.path(name).read_text())


def _csv(world: WorldInfo, name: str, delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    with world.path(name).open(newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    return rows[0], rows[1:]


def _screen(record: dict, frame: int) -> tuple[np.ndarray, np.ndarray]:
    """Screen x, y of every object in `frame` (main object first) from a metadata record."""
    cam, main = record["camera"], record["main"]
    xs = [main["x"][frame]] + [(o["world_x"] - cam["x"][frame]) * cam["zoom"][frame] + 0.5 for o in record["others"]]
    ys = [main["y"][frame]] + [(o["world_y"] - cam["y"][frame]) * cam["zoom"][frame] + 0.5 for o in record["others"]]
    return np.array(xs), np.array(ys)


# -- ActionBench-SSv2 ------------------------------------------------------------------------------------------------
def test_ssv2_records_have_every_official_field(ci_world: WorldInfo, states: dict) -> None:
    train, val = _json(ci_world, "ssv2/train"), _json(ci_world, "ssv2/validation")
    assert (len(train), len(val)) == (CONFIG["splits"]["ssv2"]["train"], CONFIG["splits"]["ssv2"]["val"])
    assert _json(ci_world, "ssv2/train_antonym") == train
    templates = _json(ci_world, "ssv2/labels")
    assert sorted(templates) == sorted(a.text for a in domain_actions("ssv2"))
    assert sorted(int(v) for v in templates.values()) == list(range(len(templates)))
    for record in train + val:
        assert set(record) == SSV2_FIELDS and isinstance(record["id"], int)
        template, placeholders = record["template"], record["placeholders"]
        assert template in templates and "[" not in template
        assert len(placeholders) == template.lower().count("something") and set(placeholders) <= set(NOUNS)
        label, filled = record["label"], template.lower()
        for name in placeholders:
            filled = filled.replace("something", name, 1)
        assert label[0].isupper() and label.lower() == filled
        antonym = record["label_action_antonym_clip_text"]
        assert antonym != label and record["template_action_antonym_clip_text"] != template
        assert antonym.lower().count(placeholders[0]) == 1
        state = states["ssv2"][str(record["id"])]
        assert state["main"]["noun"] == placeholders[0]
        visible = {state["main"]["noun"]} | {o["noun"] for o in state["others"]}
        shuffled = record["label_object_shuffled_clip_text"]
        assert shuffled == shuffled.lower() and not any(noun in shuffled for noun in visible)
        assert re.sub(NOUN_PATTERN, "X", shuffled) == re.sub(NOUN_PATTERN, "X", label.lower())
        assert ci_world.path("ssv2/videos").joinpath(f"{record['id']}.mp4").is_file()


def test_ssv2_test_split_and_salience(ci_world: WorldInfo, states: dict) -> None:
    header, rows = _csv(ci_world, "ssv2/test", delimiter=";")
    assert header == ["id", "template", "template_action_antonym_clip_text"]
    assert len(rows) == CONFIG["splits"]["ssv2"]["test"]
    static = {a.text for a in domain_actions("ssv2") if not a.salient}
    assert static == {"Holding something", "Showing something to the camera"}
    for split, name in (("train", "ssv2/train"), ("val", "ssv2/validation")):
        salience, records = _json(ci_world, f"ssv2/salience_{split}"), _json(ci_world, name)
        assert sorted(salience) == sorted(str(r["id"]) for r in records)
        for record in records:
            flag = salience[str(record["id"])]
            assert flag["clip_uid"] == record["id"] and flag["if_keep"] is (record["template"] not in static)
            assert states["ssv2"][str(record["id"])]["salient"] is flag["if_keep"]
    ids = [r["id"] for r in _json(ci_world, "ssv2/train") + _json(ci_world, "ssv2/validation")]
    ids += [int(row[0]) for row in rows]
    assert len(set(ids)) == len(ids)


# -- ActionBench-Ego4D ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("split", ["train", "val", "test"])
def test_ego4d_records_have_every_official_field(ci_world: WorldInfo, states: dict, split: str) -> None:
    records = read_jsonl(ci_world.path(f"ego4d/{split}"))
    assert len(records) == CONFIG["splits"]["ego4d"][split]
    salience = _json(ci_world, f"ego4d/salience_{split}")
    assert len(salience) == len(records)
    if split != "train":
        assert read_jsonl(ci_world.path(f"ego4d/object_shuffled_{split}")) == records
    fps = CONFIG["fps"]
    for r in records:
        assert set(r) == EGO4D_FIELDS and r["clip_fps"] == float(fps)
        assert r["clip_text"].startswith("#C C ") and r["clip_text"].endswith(".")
        assert r["action_antonym_clip_text"] != r["clip_text"]
        assert r["object_shuffled_clip_text"] != r["clip_text"]
        assert isinstance(ast.literal_eval(r["tag_verb"]), list) and isinstance(ast.literal_eval(r["tag_noun"]), list)
        assert r["clip_start"] <= r["narration_time"] <= r["clip_end"] <= r["video_dur"]
        assert r["clip_relative_start"] < r["narration_relative_time"] < r["clip_relative_end"]
        state = states["ego4d"][r["clip_uid"]]
        assert state["main"]["noun"] in r["clip_text"]
        segment = state["segments"][0]
        # the official loader's frame selection: int(time * fps) for both ends of the narrated window
        assert int(r["clip_relative_start"] * fps) == segment["start"]
        assert int(r["clip_relative_end"] * fps) == segment["end"]
        flag = salience[f"{r['clip_uid']}__{r['clip_relative_start']}__{r['clip_relative_end']}"]
        assert flag["if_keep"] is state["salient"] and flag["clip_uid"] == r["clip_uid"]
        assert ci_world.path("ego4d/videos").joinpath(f"{r['clip_uid']}.mp4").is_file()
    by_video: dict[str, list[dict]] = {}
    for r in records:
        by_video.setdefault(r["video_uid"], []).append(r)
    for group in by_video.values():
        assert [r["narration_ind"] for r in group] == list(range(len(group)))
        assert all(a["clip_end"] < b["clip_start"] for a, b in zip(group, group[1:], strict=False))


# -- videos --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("domain", ["ssv2", "ego4d", "nextqa"])
def test_videos_decode_and_show_the_main_object(ci_world: WorldInfo, states: dict, domain: str) -> None:
    """decord reads every clip at 5 fps with the recorded frame count and size, and the pixel in the main object's
    lighter half (a fifth of its diameter from the recorded centre, away from where it points) shows the object's
    colour: of all object colours, it is the nearest (checked where nothing may cover it and the shape is filled)."""
    size = CONFIG["image_size"]
    palette = np.array(list(COLOURS.values())) * 255
    checked = 0
    for record in states[domain].values():
        reader = decord.VideoReader(str(ci_world.root / record["video"]), num_threads=1)
        assert len(reader) == record["num_frames"] and reader.get_avg_fps() == CONFIG["fps"]
        frames = reader.get_batch(list(range(len(reader)))).asnumpy()
        assert frames.shape == (record["num_frames"], size, size, 3)
        noun, main = record["main"]["noun"], record["main"]
        if domain == "ego4d" or noun.endswith(("ring", "triangle")):
            continue  # Ego4D: hand, vignette, tint; a ring is hollow; a triangle's lighter half is narrow
        colour = list(COLOURS).index(noun.split()[0])
        for t in range(len(frames)):
            back = main["size"][t] / 5
            x = main["x"][t] - back * math.cos(main["angle"][t])
            y = main["y"][t] - back * math.sin(main["angle"][t])
            if record["cover"][t] > 0 or not (0.1 < x < 0.9 and 0.1 < y < 0.9):
                continue
            pixel = frames[t, int(y * size), int(x * size)].astype(float)
            nearest = int(np.argmin(np.abs(palette - pixel).sum(axis=1)))
            assert nearest == colour, (record["video"], t, pixel, noun)
            checked += 1
    assert domain == "ego4d" or checked > 200


# -- downstream sets -----------------------------------------------------------------------------------------------
def test_retrieval_files_follow_the_ssv2_retrieval_format(ci_world: WorldInfo) -> None:
    labels = {f"{r['id']}.webm": r for r in _json(ci_world, "ssv2/train") + _json(ci_world, "ssv2/validation")}
    for split in ("train", "val"):
        label_items = _json(ci_world, f"retrieval/label_{split}")
        template_items = _json(ci_world, f"retrieval/template_{split}")
        for item in label_items:
            assert set(item) == {"video", "caption"} and len(item["video"]) == 1
            assert item["caption"] == labels[item["video"][0]]["label"].lower()
            assert ci_world.path("ssv2/videos").joinpath(item["video"][0].replace(".webm", ".mp4")).is_file()
        captions = [item["caption"] for item in template_items]
        assert len(set(captions)) == len(captions) and all("[something]" in c for c in captions)
        for item in template_items:
            for video in item["video"]:
                assert item["caption"].replace("[something]", "something").lower() == labels[video]["template"].lower()
        label_videos = sorted(v for item in label_items for v in item["video"])
        assert label_videos == sorted(v for item in template_items for v in item["video"])
    val_captions = [item["caption"] for item in _json(ci_world, "retrieval/label_val")]
    assert len(val_captions) == CONFIG["retrieval_val_videos"] and len(set(val_captions)) == len(val_captions)
    assert len(_json(ci_world, "retrieval/label_train")) == CONFIG["splits"]["ssv2"]["train"]


def test_temporal_set_holds_the_order_dependent_templates(ci_world: WorldInfo) -> None:
    header, rows = _csv(ci_world, "temporal/val")
    assert header == ["", "index", "video_id", "text", "dataset"]
    val = {str(r["id"]): r for r in _json(ci_world, "ssv2/validation")}
    texts = {row[3] for row in rows}
    assert len(texts) == 18 and all("[something]" in t for t in texts)
    for row in rows:
        assert row[4] == "SSv2"
        assert row[3].replace("[something]", "something").lower() == val[row[2]]["template"].lower()
    assert all(sum(row[3] == t for row in rows) == CONFIG["temporal_videos_per_text"] for t in texts)


_DIRECTIONS = {  # answer phrase -> (recorded quantity, sign of its change over the segment; 0: no change)
    "move to the right": ("x", 1), "move to the left": ("x", -1), "move up": ("y", -1), "move down": ("y", 1),
    "rotate clockwise": ("angle", 1), "rotate counterclockwise": ("angle", -1),
    "move closer to the": ("distance", -1), "move away from the": ("distance", 1), "stay still": ("x", 0),
}


def _segment_change(record: dict, segment: dict, quantity: str) -> float:
    main, landmark = record["main"], record["others"][0]
    first = max(segment["start"] - 1, 0)  # from the frame the segment starts from
    if quantity == "distance":
        d = [np.hypot(main["x"][t] - landmark["world_x"], main["y"][t] - landmark["world_y"])
             for t in (first, segment["end"])]
        return d[1] - d[0]
    return main[quantity][segment["end"]] - main[quantity][first]


def _check_phrase(record: dict, segment: dict, phrase: str) -> None:
    key = next(k for k in _DIRECTIONS if phrase.startswith(k))
    quantity, sign = _DIRECTIONS[key]
    change = _segment_change(record, segment, quantity)
    assert (abs(change) < 0.05) if sign == 0 else (change * sign > 0.05), (record["video_id"], phrase, change)


def test_nextqa_files_and_answers(ci_world: WorldInfo, states: dict) -> None:
    id_map = _json(ci_world, "nextqa/map")
    assert id_map == _json(ci_world, "nextqa_antonym/map")
    types, checked = set(), 0
    for split in ("train", "val", "test"):
        header, rows = _csv(ci_world, f"nextqa/{split}")
        antonym_header, antonym_rows = _csv(ci_world, f"nextqa_antonym/{split}")
        assert header == NEXTQA_HEADER and antonym_header == [*NEXTQA_HEADER, "action_antonym_choices"]
        assert [row[:-1] for row in antonym_rows] == rows
        for row, antonym_row in zip(rows, antonym_rows, strict=True):
            video, frame_count, width, height, question, answer, qid, qtype, *choices = row
            record = states["nextqa"][video]
            assert record["split"] == split
            assert ci_world.path("nextqa/videos").joinpath(f"{id_map[video]}.mp4").is_file()
            assert (int(frame_count), int(width), int(height)) == (record["num_frames"], 32, 32)
            assert len(set(choices)) == 5 and 0 <= int(answer) < 5 and int(qid) >= 0
            assert isinstance(ast.literal_eval(antonym_row[-1]), list)
            types.add(qtype)
            right = choices[int(answer)]
            first, second = record["segments"]
            if qtype == "TC":
                _check_phrase(record, first if "beginning" in question else second, right)
            elif qtype in ("TN", "TP"):
                _check_phrase(record, second if qtype == "TN" else first, right)
            elif qtype == "CH":
                _check_phrase(record, next(s for s in record["segments"] if s["kind"] != "hold"), right)
            elif qtype == "DC":
                assert right == ("one", "two", "three", "four", "five")[len(record["others"])]
            elif qtype == "DO":
                landmark = record["others"][0]["noun"]
                assert question.endswith(landmark.split()[1]) and right == landmark.split()[0]
            checked += qtype in ("TC", "TN", "TP", "CH", "DC", "DO")
    assert types == {"CW", "CH", "TN", "TC", "TP", "DC", "DL", "DO"} and checked > 150


def _flip(phrase: str) -> str:
    """The time-reversed answer phrase (the test's own antonym table)."""
    away = ("towards", "away from") if phrase.startswith("it was") else ("closer to", "away from")
    for a, b in (("right", "left"), ("up", "down"), ("clockwise", "counterclockwise"), away):
        for old, new in ((a, b), (b, a)):
            if re.search(rf"\b{old}\b", phrase):
                return re.sub(rf"\b{old}\b", new, phrase)
    return phrase


def test_hard_subset_lists_ct_questions_whose_antonym_is_a_candidate(ci_world: WorldInfo) -> None:
    _, rows = _csv(ci_world, "nextqa_antonym/val")
    hard = ci_world.path("nextqa/atp_hard").read_text().split()
    hard_rows = [int(line) for line in ci_world.path("nextqa/atp_hard_rows").read_text().split()]
    assert hard_rows == sorted(set(hard_rows)) and len(hard_rows) > 10
    assert hard == [f"{rows[i][0]}_{rows[i][6]}" for i in hard_rows]  # "<video>_<qid>" ids of the same rows
    for index, row in enumerate(rows):
        qtype, choices = row[7], row[8:13]
        right = choices[int(row[5])]
        reversed_answer = _flip(right)
        assert (index in hard_rows) == (qtype[0] in "CT" and reversed_answer != right and reversed_answer in choices)
        action_antonyms = [_flip(c) for c in choices if _flip(c) != c] if qtype[0] in "CT" else []
        assert sorted(ast.literal_eval(row[13])) == sorted(action_antonyms)


# -- pretraining captions --------------------------------------------------------------------------------------------
def _relation_holds(relation: str, dx: float, dy: float, tol: float = 1e-3) -> bool:
    """Whether an object sits `relation` another one at offset (dx, dy) from it (the metadata is rounded to 5
    decimals, hence the tolerance)."""
    horizontal, vertical = abs(dx) >= abs(dy) - tol, abs(dy) >= abs(dx) - tol
    return {"left of": dx > -tol and horizontal, "right of": dx < tol and horizontal,
            "above": dy > -tol and vertical, "below": dy < tol and vertical,
            "next to": max(abs(dx), abs(dy)) < 0.1 + tol}[relation]


def test_pretrain_captions_describe_the_frame_without_action_words(ci_world: WorldInfo, states: dict) -> None:
    triples = read_jsonl(ci_world.path("pretrain"))
    train = [r for domain in ("ssv2", "ego4d") for r in states[domain].values() if r["split"] == "train"]
    assert len(triples) == CONFIG["pretrain_frames_per_clip"] * len(train)
    relation = re.compile(rf"^(?:(?:large|small) )?({NOUN_PATTERN})(?: pointing \w+)? "
                          rf"(left of|right of|above|below|next to) (?:(?:large|small) )?({NOUN_PATTERN})")
    ordered = re.compile(r"^from (left to right|right to left|top to bottom|bottom to top): (.*?)"
                         rf"(?:, (?:{NOUN_PATTERN}) behind a cloth)?$")
    descriptor = re.compile(r"^(?:large|small) | pointing \w+$")
    checked = 0
    for triple in triples:
        assert set(triple) == {"domain", "video_id", "video", "frame_index", "caption"}
        record = states[triple["domain"]][triple["video_id"]]
        assert triple["video"] == record["video"]
        segment, frame = record["segments"][0], triple["frame_index"]
        assert segment["start"] <= frame <= segment["end"]
        assert not set(re.findall(r"[a-z]+", triple["caption"])) & ACTION_VERBS, triple["caption"]
        assert record["main"]["noun"] in triple["caption"]
        nouns = [record["main"]["noun"]] + [o["noun"] for o in record["others"]]
        xs, ys = _screen(record, frame)
        match, listed = relation.match(triple["caption"]), ordered.match(triple["caption"])
        if match is not None:
            subject, rel, obj = match.groups()
            dx, dy = xs[nouns.index(obj)] - xs[nouns.index(subject)], ys[nouns.index(obj)] - ys[nouns.index(subject)]
            assert _relation_holds(rel, dx, dy), triple
        elif listed is not None:  # "from left to right: A, B": the objects really are in that order
            direction, names = listed.groups()
            keys = xs if "left" in direction else ys
            positions = [keys[nouns.index(descriptor.sub("", name))] for name in names.split(", ")]
            if direction.startswith(("right", "bottom")):
                positions.reverse()
            assert all(a <= b + 1e-3 for a, b in zip(positions, positions[1:])), triple
        else:
            continue
        checked += 1
    assert checked > len(triples) // 2


def test_language_corpus_pairs_wordings_of_one_action_against_its_antonym(ci_world: WorldInfo) -> None:
    from paxion_eval.world.texts import action_wordings
    from paxion_eval.world.vocab import PAIRS, STATICS

    lines = read_jsonl(ci_world.path("language"))
    assert len(lines) == CONFIG["language_lines"]
    # every wording of every action member, with its objects written as "<noun>"
    noun = re.compile(NOUN_PATTERN, re.IGNORECASE)
    meaning = {}
    for spec in (*PAIRS, *STATICS):
        objects = ["red circle", "blue square"][: getattr(spec, "objects", 1)]
        for member in (0, 1):
            for wording in action_wordings(spec, member, objects):
                meaning[noun.sub("<noun>", wording).lower()] = (spec.kind, member)
    seen = set()
    for line in lines:
        assert set(line) == {"text", "paraphrase", "antonym_text"}
        kind, member = meaning[noun.sub("<noun>", line["text"]).lower()]
        assert meaning[noun.sub("<noun>", line["paraphrase"]).lower()] == (kind, member), line
        assert meaning[noun.sub("<noun>", line["antonym_text"]).lower()] == (kind, 1 - member), line
        objects = [[name.lower() for name in noun.findall(line[key])] for key in line]
        assert objects[0] == objects[1] == objects[2], line
        seen.add(kind)
    assert seen == {spec.kind for spec in (*PAIRS, *STATICS)}

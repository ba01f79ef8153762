"""Annotation readers and validation (paxion_core.data.annotations)."""

from __future__ import annotations

import json

import pytest

from paxion_core.data import AnnotationError, clean_ego4d_caption
from paxion_core.data.annotations import (
    Record,
    load_flags,
    load_id_list,
    read_csv,
    read_json_lines,
    read_json_list,
)


def test_record_getters_name_file_location_and_field():
    record = Record({"n": "12", "x": 1.5, "s": "", "b": True, "items": "['a', 'b']"}, "ann.jsonl", "line 4")
    assert record.integer("n") == 12 and record.number("x") == 1.5 and record.text_list("items") == ["a", "b"]
    with pytest.raises(AnnotationError, match=r"ann\.jsonl, line 4: field 's': expected a non-empty string"):
        record.text("s")
    with pytest.raises(AnnotationError, match="field 'b': expected an integer"):
        record.integer("b")
    with pytest.raises(AnnotationError, match=r"field 'x': expected a value >= 2"):
        record.number("x", minimum=2)
    with pytest.raises(AnnotationError, match="field 'n': expected one of"):
        record.integer("n", choices=range(5))
    with pytest.raises(AnnotationError, match="field 'missing': missing") as info:
        record.require(["n", "missing"])
    assert (info.value.path, info.value.location, info.value.field) == ("ann.jsonl", "line 4", "missing")


def test_json_lines_malformed_line_is_reported(tmp_path):
    path = tmp_path / "val.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2,,}\n')
    records = read_json_lines(path)
    assert next(records).location == "line 1"
    with pytest.raises(AnnotationError, match=r"val\.jsonl, line 3 column 9: malformed JSON"):
        next(records)


def test_json_list_errors(tmp_path):
    path = tmp_path / "validation.json"
    path.write_text('[\n  {"id": 1},\n  {"id": 2\n]')
    with pytest.raises(AnnotationError, match=r"validation\.json, line 4 column 1: malformed JSON"):
        list(read_json_list(path))
    path.write_text('[{"id": 1}, 3]')
    with pytest.raises(AnnotationError, match="record 1: expected a JSON object"):
        list(read_json_list(path))
    with pytest.raises(FileNotFoundError, match="annotation file not found"):
        list(read_json_list(tmp_path / "absent.json"))


def test_csv_header_and_short_rows(tmp_path):
    path = tmp_path / "val.csv"
    path.write_text("video,question\n1,what\n")
    with pytest.raises(AnnotationError, match=r"line 1 \(header\): field 'answer': missing column"):
        list(read_csv(path, ["video", "answer"]))
    path.write_text('video,question,answer\n1,"what is\nit",0\n2,why,1\n')
    first, second = read_csv(path, ["video", "question", "answer"])
    assert first.data["question"] == "what is\nit" and first.location == "line 3"  # a quoted cell spans lines 2-3
    assert second.location == "line 4"
    path.write_text("video,question,answer\n1,what,0\n2,why\n")
    with pytest.raises(AnnotationError, match="line 3: field 'answer': missing cell"):
        list(read_csv(path, ["video", "question", "answer"]))


def test_flags_accept_official_and_plain_entries(tmp_path):
    path = tmp_path / "flags.json"
    path.write_text(json.dumps({"1": {"if_keep": False, "v_2_v_sim": 0.9}, "2": 1, "3": True}))
    assert load_flags(path) == {"1": False, "2": True, "3": True}
    path.write_text(json.dumps({"1": 2}))
    with pytest.raises(AnnotationError, match="entry '1': expected 0/1"):
        load_flags(path)


def test_id_lists(tmp_path):
    text = tmp_path / "atp_hard.txt"
    text.write_text("# ATP-hard\n123_4\n\n567_8  # comment\n")
    assert load_id_list(text) == {"123_4", "567_8"}
    as_json = tmp_path / "atp_hard.json"
    as_json.write_text('["123_4", "567_8"]')
    assert load_id_list(as_json) == {"123_4", "567_8"}


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        (
            "#C C picks up the knife from the chopping board with her right hand.",
            "c picks up the knife from the chopping board with her right hand",
        ),
        ("#C C drops the #unsure in the sink", "c drops something in the sink"),
        ("#O a man X holds a #unsure.", "a man x holds something"),
        ("#c c   opens; the (door)", "c opens the door"),
    ],
)
def test_ego4d_caption_cleaning(caption, expected):
    assert clean_ego4d_caption(caption) == expected


def test_ego4d_caption_truncation():
    assert clean_ego4d_caption("#C C " + "word " * 60) == " ".join(["c"] + ["word"] * 49)

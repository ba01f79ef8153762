"""ActionBench builder: official field layouts, no-antonym reporting, seeded object replacement, and the
`paxion build-actionbench` command on fabricated official-format files."""

from __future__ import annotations

import argparse
import ast
import csv
import json
import random
import subprocess
import sys

import pytest

from paxion_eval.actionbench import builder_cli
from paxion_eval.actionbench.antonyms import AntonymLexicon
from paxion_eval.actionbench.builder import BuildInputError, build_ego4d, build_nextqa, build_ssv2
from paxion_eval.actionbench.objects import NounTaxonomy, replace_object

SSV2_FIELDS = [
    "label", "template", "placeholders", "template_action_antonym_clip_text", "label_action_antonym_clip_text", "id",
    "label_object_shuffled_clip_text",
]
SSV2_RECORDS = [
    {"id": "11", "label": "Pushing red cup from left to right", "template": "Pushing [something] from left to right",
     "placeholders": ["red cup"]},
    {"id": "12", "label": "Poking knife", "template": "Poking [something]", "placeholders": ["knife"]},
    {"id": "13", "label": "putting pen into box", "template": "Putting [something] into [something]",
     "placeholders": ["pen", "box"]},
    {"id": "14", "label": "Spinning cube that quickly stops spinning",
     "template": "Spinning [something] that quickly stops spinning", "placeholders": ["cube"]},
    {"id": "15", "label": "Picking banana up", "template": "Picking [something] up", "placeholders": ["banana"]},
    {"id": "16", "label": "Tearing paper into two pieces", "template": "Tearing [something] into two pieces",
     "placeholders": ["paper"]},
    {"id": "17", "label": "Covering mug with towel", "template": "Covering [something] with [something]",
     "placeholders": ["mug", "towel"]},
]
EGO4D_RECORD = {
    "video_uid": "v0", "video_dur": 100.0, "narration_source": "narration_pass_1", "narration_ind": 3,
    "narration_time": 12.5, "clip_start": 12.2, "clip_end": 12.9, "clip_text": "", "tag_verb": "[17]",
    "tag_noun": "[0]", "clip_uid": "c0", "narration_relative_time": 0.5, "clip_relative_start": 0.2,
    "clip_relative_end": 0.9, "clip_fps": 30.0,
}


@pytest.fixture(scope="module")
def lexicon() -> AntonymLexicon:
    return AntonymLexicon.load(wordnet=None)


def ego4d(text: str, **fields) -> dict:
    return {**EGO4D_RECORD, "clip_text": text, **fields}


def test_build_ssv2_layout_and_texts(lexicon):
    out, report = build_ssv2(SSV2_RECORDS, seed=0, lexicon=lexicon)
    assert [r["id"] for r in out] == ["11", "13", "14", "15", "17"]
    assert all(list(r) == SSV2_FIELDS for r in out)
    first = out[0]
    assert first["template"] == "Pushing something from left to right"
    assert first["template_action_antonym_clip_text"] == "Pulling something from right to left"
    assert first["label_action_antonym_clip_text"] == "Pulling red cup from right to left"
    assert out[1]["label_action_antonym_clip_text"] == "taking pen out of box"
    assert out[3]["template_action_antonym_clip_text"] == "Putting something down"


def test_build_ssv2_reports_texts_without_antonym(lexicon):
    _, report = build_ssv2(SSV2_RECORDS, seed=0, lexicon=lexicon)
    assert (report.records_in, report.records_out) == (7, 5)
    assert report.texts == 14
    assert report.texts_without_antonym == 4
    assert report.verbs_without_antonym == {"poke": 2, "tear": 2}
    assert report.no_antonym_examples == [
        "Poking something", "Poking knife", "Tearing something into two pieces", "Tearing paper into two pieces",
    ]
    summary = report.format()
    assert "2 dropped" in summary and "poke 2" in summary and "'Tearing paper into two pieces'" in summary
    assert report.to_dict()["records_dropped"] == 2


def test_build_ssv2_object_replacement(lexicon):
    out, report = build_ssv2(SSV2_RECORDS, seed=0, lexicon=lexicon)
    taxonomy = NounTaxonomy.default()
    assert report.objects_replaced == 5 and report.objects_missing == 0
    for record in out:
        shuffled = record["label_object_shuffled_clip_text"]
        assert shuffled != record["label"]
        for obj in record["placeholders"]:
            assert obj not in shuffled.split()
    mug_towel = out[-1]["label_object_shuffled_clip_text"]
    assert mug_towel.startswith("Covering ") and " with " in mug_towel
    new_objects = mug_towel.removeprefix("Covering ").split(" with ")
    assert taxonomy.category_of(new_objects[0]) != "drinkware"
    assert taxonomy.category_of(new_objects[1]) != "textile"
    again, _ = build_ssv2(SSV2_RECORDS, seed=0, lexicon=lexicon)
    assert again == out
    others = [build_ssv2(SSV2_RECORDS, seed=s, lexicon=lexicon)[0] for s in (1, 2, 3)]
    assert any(o != out for o in others)


def test_build_ssv2_uses_the_given_vocabulary(lexicon):
    out, _ = build_ssv2(SSV2_RECORDS[:1], seed=0, lexicon=lexicon, objects=["Red Cup", "scissors"])
    assert out[0]["label_object_shuffled_clip_text"] == "Pushing scissors from left to right"
    out, report = build_ssv2(SSV2_RECORDS[:1], seed=0, lexicon=lexicon, objects=["red cup"])
    assert out[0]["label_object_shuffled_clip_text"] is None
    assert report.objects_missing == 1 and report.no_object_examples == ["Pushing red cup from left to right"]


def test_build_ssv2_bad_record(lexicon):
    with pytest.raises(BuildInputError, match="record 1: 'template': missing"):
        build_ssv2([SSV2_RECORDS[0], {"id": 2, "label": "x", "placeholders": []}], lexicon=lexicon)
    with pytest.raises(BuildInputError, match="'placeholders': expected list"):
        build_ssv2([{**SSV2_RECORDS[0], "placeholders": "red cup"}], lexicon=lexicon)


def test_build_ego4d_layout_and_objects(lexicon):
    records = [
        ego4d("#C C picks up the knife from the chopping board with her right hand."),
        ego4d("#C C cuts the onion with a knife"),
        ego4d("#C C puts the cups in the sink"),
        ego4d("#C C opens the thing"),
    ]
    out, report = build_ego4d(records, seed=0, lexicon=lexicon)
    assert (report.records_in, report.records_out) == (4, 3)
    assert report.verbs_without_antonym == {"cut": 1}
    keys = list(out[0])
    assert keys[keys.index("clip_text") + 1] == "action_antonym_clip_text"
    assert keys[-1] == "object_shuffled_clip_text"
    assert out[0]["action_antonym_clip_text"] == "#C C puts down the knife from the chopping board with her right hand."
    knife = out[0]["object_shuffled_clip_text"]
    assert knife.startswith("#C C picks up the ") and knife.endswith(" from the chopping board with her right hand.")
    assert "knife" not in knife
    cups = out[1]["object_shuffled_clip_text"]
    replacement = cups.removeprefix("#C C puts the ").removesuffix(" in the sink")
    taxonomy = NounTaxonomy.default()
    match = taxonomy.find(replacement)
    assert match is not None and match.plural and match.category != "drinkware"
    assert out[2]["object_shuffled_clip_text"] is None
    assert report.objects_replaced == 2 and report.no_object_examples == ["#C C opens the thing"]


def test_build_ego4d_with_noun_taxonomy_csv(tmp_path, lexicon):
    path = tmp_path / "narration_noun_taxonomy.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "group"])
        writer.writerow(["knife", "['knife', 'cleaver']"])
        writer.writerow(["board_(chopping)", "['chopping_board', 'board']"])
        writer.writerow(["apple", "['apple']"])
    taxonomy = NounTaxonomy.from_ego4d_csv(path)
    text = "#C C picks up the knife from the chopping board"
    out, _ = build_ego4d([ego4d(text, tag_noun="[1]")], seed=0, lexicon=lexicon, taxonomy=taxonomy)
    shuffled = out[0]["object_shuffled_clip_text"]
    assert shuffled.startswith("#C C picks up the knife from the ")  # tag_noun names the board, not the knife
    assert shuffled.removeprefix("#C C picks up the knife from the ") in {"knife", "cleaver", "apple"}
    out, _ = build_ego4d([ego4d(text, tag_noun=[0])], seed=0, lexicon=lexicon, taxonomy=taxonomy)
    assert out[0]["object_shuffled_clip_text"].endswith(" from the chopping board")
    with pytest.raises(BuildInputError, match="record 0: 'tag_noun': noun class id 7"):
        build_ego4d([ego4d(text, tag_noun="[7]")], lexicon=lexicon, taxonomy=taxonomy)
    bad = tmp_path / "bad.csv"
    bad.write_text("label,group\nknife,not a list\n")
    with pytest.raises(ValueError, match="bad.csv: line 2"):
        NounTaxonomy.from_ego4d_csv(bad)


def test_build_nextqa(lexicon):
    row = {"video": "4010069381", "question": "how do the two man play the instrument", "answer": "0", "qid": "6",
           "type": "CH", "a0": "roll the handle", "a1": "push the button", "a2": "strum the string",
           "a3": "raised his hand", "a4": "bored"}
    out, report = build_nextqa([row], lexicon=lexicon)
    assert out[0]["a0"] == "roll the handle" and list(out[0])[-1] == "action_antonym_choices"
    assert ast.literal_eval(out[0]["action_antonym_choices"]) == ["pull the button", "lowered his hand"]
    assert (report.records_in, report.records_out, report.texts, report.texts_without_antonym) == (1, 1, 5, 3)


def test_replace_object_never_returns_the_same_object():
    rng = random.Random(0)
    candidates = ["book", "Book", "cellphone", "apple"]
    results = {replace_object("Book falling like a rock", "book", candidates, rng) for _ in range(50)}
    assert results == {"cellphone falling like a rock", "apple falling like a rock"}
    assert replace_object("a book on a bookshelf", "book", ["pen"], rng) == "a pen on a bookshelf"
    assert replace_object("book, book", "book", ["pen"], rng, start=2) == "book, pen"
    with pytest.raises(ValueError, match="no replacement candidate"):
        replace_object("Book falling", "book", ["BOOK", " "], rng)
    with pytest.raises(ValueError, match="does not occur"):
        replace_object("a bookshelf", "book", ["pen"], rng)


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="paxion build-actionbench")
    builder_cli.add_arguments(parser)
    return builder_cli.run(parser.parse_args(argv))


def test_cli_round_trip_ssv2(tmp_path, capsys):
    source, target, report = tmp_path / "train.json", tmp_path / "out" / "train.json", tmp_path / "report.json"
    source.write_text(json.dumps(SSV2_RECORDS))
    argv = ["--format", "ssv2", "--input", str(source), "--output", str(target), "--seed", "3", "--wordnet", "off",
            "--report", str(report)]
    assert run_cli(argv) == 0
    printed = capsys.readouterr().out
    assert "ssv2: 7 records in, 5 written, 2 dropped" in printed and "'Poking knife'" in printed
    written = json.loads(target.read_text())
    assert written == build_ssv2(SSV2_RECORDS, seed=3, lexicon=AntonymLexicon.load(wordnet=None))[0]
    assert json.loads(report.read_text())["verbs_without_antonym"] == {"poke": 2, "tear": 2}


def test_cli_round_trip_ego4d_and_nextqa(tmp_path, capsys):
    source, target = tmp_path / "val.jsonl", tmp_path / "val_out.jsonl"
    lines = [ego4d("#C C opens the drawer"), ego4d("#C C looks around")]
    source.write_text("".join(json.dumps(r) + "\n" for r in lines))
    assert run_cli(["--format", "ego4d", "--input", str(source), "--output", str(target), "--wordnet", "off"]) == 0
    written = [json.loads(line) for line in target.read_text().splitlines()]
    assert [r["action_antonym_clip_text"] for r in written] == ["#C C closes the drawer"]
    assert "look 1" in capsys.readouterr().out

    source, target = tmp_path / "val.csv", tmp_path / "val_out.csv"
    source.write_text("video,question,answer,qid,type,a0,a1,a2,a3,a4\n1,q,0,1,TN,open the door,eat,sit down,x,y\n")
    assert run_cli(["--format", "nextqa", "--input", str(source), "--output", str(target), "--wordnet", "off"]) == 0
    rows = list(csv.DictReader(target.open()))
    assert rows[0]["a0"] == "open the door"
    assert ast.literal_eval(rows[0]["action_antonym_choices"]) == ["close the door", "stand up"]


def test_cli_bad_input_names_file_and_line(tmp_path, capsys):
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps(ego4d("#C C opens the drawer")) + "\n\n" + json.dumps({"clip_uid": "c1"}) + "\n")
    assert run_cli(["--format", "ego4d", "--input", str(source), "--output", str(tmp_path / "o.jsonl")]) == 2
    assert f"{source}: line 3: 'clip_text': missing" in capsys.readouterr().err
    source.write_text("{not json\n")
    assert run_cli(["--format", "ego4d", "--input", str(source), "--output", str(tmp_path / "o.jsonl")]) == 2
    assert f"{source}: line 1: not a JSON object" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


def test_cli_module_imports_stay_light():
    """`paxion --help` imports every subcommand module: this one must not load lemminflect or the builder."""
    code = (
        "import sys, paxion_eval.actionbench.builder_cli as cli; "
        "assert callable(cli.run) and cli.HELP; "
        "heavy = [m for m in ('lemminflect', 'paxion_eval.actionbench.builder') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_package_exports_the_public_api():
    import paxion_eval.actionbench as actionbench

    assert actionbench.build_ssv2 is build_ssv2 and actionbench.replace_object is replace_object
    assert actionbench.action_antonym("Opening something") == "Closing something"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        actionbench.nope  # noqa: B018


def test_cli_wordnet_on_without_wordnet(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "nltk", None)
    source = tmp_path / "train.json"
    source.write_text(json.dumps(SSV2_RECORDS))
    argv = ["--format", "ssv2", "--input", str(source), "--output", str(tmp_path / "o.json"), "--wordnet", "on"]
    assert run_cli(argv) == 2
    assert "pip install 'paxion-eval[wordnet]'" in capsys.readouterr().err

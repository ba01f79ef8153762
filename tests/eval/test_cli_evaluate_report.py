"""`paxion evaluate` and `paxion report` end to end on the ci-scale synthetic world with the tiny InternVideo.

evaluate: the printed and JSON metrics equal what `paxion_eval.evaluate` gives for the same model (frozen backbone
stage, and a patcher loaded through --weights), weights that do not fit surface the CheckpointMismatchError report,
and missing inputs are named. report: a results folder written by `paxion_eval.report.write` renders back to the
same table.md / table.tex, and bad folders or files are named.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from paxion_core import PatchAndFuse, build_backbone
from paxion_core.features import CachedFeatureDataset
from paxion_core.weights import trainable_state
from paxion_eval import report, tables
from paxion_eval.cli import main
from paxion_eval.evaluate import evaluate_actionbench
from paxion_eval.reproduce import Measured, experiments_dir
from paxion_eval.verdicts import Verdict
from paxion_eval.world import WorldInfo, generate_world

CONFIG = experiments_dir() / "synthetic" / "actionbench" / "kp_perceiver_vtc.py"
BACKBONE = {"type": "internvideo-tiny"}
SEED = 42


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> WorldInfo:
    return generate_world(tmp_path_factory.mktemp("worlds"), "ci", seed=0, progress=False, workers=1)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A frozen tiny backbone's weights (`backbone.*`, as the synthetic profile's pretraining writes them) and the
    weights of a patcher run on it (`patcher.*`, as `paxion train` writes them)."""
    root = tmp_path_factory.mktemp("weights")
    torch.manual_seed(0)
    backbone = build_backbone(BACKBONE["type"])
    torch.save({f"backbone.{k}": v for k, v in backbone.state_dict().items()}, root / "backbone.pth")
    model_cfg = Config.fromfile(str(CONFIG)).model.to_dict()
    model_cfg.pop("type")
    torch.manual_seed(1)
    model = PatchAndFuse(**{**model_cfg, "backbone": BACKBONE, "backbone_weights": str(root / "backbone.pth")})
    torch.save(trainable_state(model), root / "patcher.pth")
    transformer = PatchAndFuse(BACKBONE, patcher={"type": "transformer", "ffn_dim": 192})
    torch.save(trainable_state(transformer), root / "transformer.pth")
    return {"backbone": root / "backbone.pth", "patcher": root / "patcher.pth",
            "transformer": root / "transformer.pth", "root": root}


def evaluate_cli(world: WorldInfo, files: dict[str, Path], cache: Path, domain: str, *extra: str,
                 options: tuple[str, ...] = ()) -> int:
    ann_file, videos = {"ego4d": ("ego4d/object_shuffled_val", "ego4d/videos"),
                        "ssv2": ("ssv2/validation", "ssv2/videos")}[domain]
    return main(["evaluate", str(CONFIG), "--task", "actionbench", "--ann-file", str(world.path(ann_file)),
                 "--video-root", str(world.path(videos)), "--cache", str(cache), "--seed", str(SEED), "--quiet",
                 *extra, "--cfg-options", "model.backbone.type=internvideo-tiny",
                 f"model.backbone_weights={files['backbone']}", *options])


def reference_result(model: PatchAndFuse, dataset: dict, files: dict[str, Path], cache: Path) -> tuple[dict, str]:
    """evaluate_actionbench on features computed afresh under `cache` (not the command's), and their cache key."""
    cached = CachedFeatureDataset({**dataset, "transform": {"image_size": 32}}, backbone=BACKBONE,
                                  cache_root=str(cache), backbone_weights=str(files["backbone"]), progress=False)
    return evaluate_actionbench(model, cached.cache, cached.dataset, seed=SEED), cached.cache.path.name


def check_metrics(out: Path, stdout: str, expected: dict) -> dict:
    written = json.loads(out.read_text())
    assert set(written["metrics"]) == {"aa", "vr", "or"}
    for task, value in written["metrics"].items():
        assert 0.0 <= value <= 100.0
        assert value == pytest.approx(expected[task], abs=1e-9)
        low, high = written["intervals_95"][task]
        assert low <= value <= high
        assert f"| {value:.1f} | {low:.1f} – {high:.1f} |" in stdout
    assert written["n"] == expected["n"]
    return written


def test_evaluate_backbone_stage_equals_evaluate_actionbench(world, files, tmp_path, capsys):
    out = tmp_path / "metrics.json"
    assert evaluate_cli(world, files, tmp_path / "cache", "ego4d", "--out", str(out),
                        options=("model.stage=backbone",)) == 0
    stdout = capsys.readouterr().out
    model = PatchAndFuse(BACKBONE, stage="backbone", backbone_weights=str(files["backbone"])).eval()
    dataset = {"type": "ActionBenchEgo4DDataset", "ann_file": str(world.path("ego4d/object_shuffled_val")),
               "video_root": str(world.path("ego4d/videos")), "fps": 5, "with_object_shuffled": True}
    expected, key = reference_result(model, dataset, files, tmp_path / "reference")
    written = check_metrics(out, stdout, expected)
    assert written["n"] == world.counts["ego4d/object_shuffled_val"]
    assert written["stage"] == "backbone" and written["weights"] is None
    assert "Object Replacement (OR)" in stdout
    # the command cached the features under CACHE/features with the key `paxion reproduce` uses for this set
    assert [path.name for path in (tmp_path / "cache" / "features").iterdir()] == [key]


def test_evaluate_loads_weights_as_init_from(world, files, tmp_path, capsys):
    out = tmp_path / "metrics.json"
    assert evaluate_cli(world, files, tmp_path / "cache", "ssv2", "--weights", str(files["patcher"]),
                        "--out", str(out)) == 0
    stdout = capsys.readouterr().out
    model_cfg = Config.fromfile(str(CONFIG)).model.to_dict()
    model_cfg.pop("type")
    model = PatchAndFuse(**{**model_cfg, "backbone": BACKBONE, "backbone_weights": str(files["backbone"]),
                            "init_from": str(files["patcher"])}).eval()
    dataset = {"type": "ActionBenchSSv2Dataset", "ann_file": str(world.path("ssv2/validation")),
               "video_root": str(world.path("ssv2/videos"))}
    expected, _ = reference_result(model, dataset, files, tmp_path / "reference")
    written = check_metrics(out, stdout, expected)
    assert written["stage"] == "patcher" and written["weights"] == str(files["patcher"])
    assert written["n"] == world.counts["ssv2/validation"]


def test_evaluate_surfaces_checkpoint_mismatch(world, files, tmp_path, capsys):
    assert evaluate_cli(world, files, tmp_path / "cache", "ssv2", "--weights", str(files["transformer"])) == 2
    err = capsys.readouterr().err
    assert str(files["transformer"]) in err and "does not fit this architecture" in err
    assert "missing (in the model, not in the checkpoint)" in err
    assert "unexpected (in the checkpoint, not in the model)" in err
    assert not (tmp_path / "cache").exists()  # nothing was computed


@pytest.mark.parametrize("missing", ["config", "weights", "ann-file", "video-root"])
def test_evaluate_names_a_missing_input(world, files, tmp_path, capsys, missing):
    args = {"config": str(CONFIG), "weights": str(files["patcher"]), "ann-file": str(world.path("ssv2/validation")),
            "video-root": str(world.path("ssv2/videos"))}
    args[missing] = str(tmp_path / "absent" / missing)
    rc = main(["evaluate", args["config"], "--task", "actionbench", "--cache", str(tmp_path / "cache"),
               *[part for key in ("weights", "ann-file", "video-root") for part in (f"--{key}", args[key])],
               "--cfg-options", f"model.backbone_weights={files['backbone']}"])
    assert rc == 2
    err = capsys.readouterr().err
    assert f"not found: {tmp_path / 'absent' / missing}" in err


def test_evaluate_refuses_a_backbone_without_weights_unless_allowed(world, tmp_path, capsys):
    common = ["evaluate", str(CONFIG), "--task", "actionbench", "--video-root", str(world.path("ego4d/videos")),
              "--ann-file", str(world.path("ego4d/object_shuffled_val")), "--cache", str(tmp_path / "cache"),
              "--quiet", "--cfg-options", "model.backbone.type=internvideo-tiny", "model.stage=backbone"]
    assert main(common) == 2
    assert "model.backbone_weights=RUN/weights.pth" in capsys.readouterr().err
    out = tmp_path / "metrics.json"
    assert main([*common, "--allow-random-backbone", "--out", str(out)]) == 0
    capsys.readouterr()
    # the seeded random backbone computed the features and encodes the texts (the same init in both places)
    torch.manual_seed(SEED)
    model = PatchAndFuse(BACKBONE, stage="backbone").eval()
    torch.manual_seed(SEED)
    dataset = {"type": "ActionBenchEgo4DDataset", "ann_file": str(world.path("ego4d/object_shuffled_val")),
               "video_root": str(world.path("ego4d/videos")), "fps": 5, "with_object_shuffled": True,
               "transform": {"image_size": 32}}
    cached = CachedFeatureDataset(dataset, backbone=BACKBONE, cache_root=str(tmp_path / "reference"), progress=False)
    expected = evaluate_actionbench(model, cached.cache, cached.dataset, seed=SEED)
    assert json.loads(out.read_text())["metrics"] == {task: expected[task] for task in ("aa", "vr", "or")}
    assert (tmp_path / "cache" / f"features-random-backbone-seed{SEED}").is_dir()


def test_evaluate_rejects_an_unknown_annotation_format(world, files, tmp_path, capsys):
    common = ["evaluate", str(CONFIG), "--task", "actionbench", "--video-root", str(world.path("ssv2/videos")),
              "--cache", str(tmp_path / "cache")]
    text_file = tmp_path / "annotations.txt"
    text_file.write_text("not an annotation file\n")
    assert main([*common, "--ann-file", str(text_file), "--cfg-options", "model.backbone.type=internvideo-tiny",
                 f"model.backbone_weights={files['backbone']}"]) == 2
    err = capsys.readouterr().err
    assert str(text_file) in err and "--dataset-type" in err and "ActionBenchSSv2Dataset" in err


# -- paxion report ----------------------------------------------------------------------------------------------


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """A results folder as `paxion reproduce table3 --out results` writes it, from a small fake measurement."""
    measured = Measured()
    rows = {tables.BACKBONE: 40.0, tables.PAXION: 55.0}
    correct = torch.arange(20) % 3 != 0
    for offset, column in enumerate(tables.TABLE3.columns):
        for method, base in rows.items():
            measured.put((tables.INTERNVIDEO, method), column, base + offset, correct.numpy())
    checked = [Verdict("InternVideo PAXION ≥ Backbone on QA t", True, "56.0 vs 41.0", "claim"),
               Verdict("golden InternVideo|PAXION [VTC+DVDM]|all = 60.0 ± 1.0", False, "58.0", "golden")]
    report.write(tmp_path / "results" / "table3", tables.TABLE3, measured, checked,
                 {"profile": "synthetic", "scale": "ci", "seed": 42, "runs": []})
    return tmp_path / "results"


def test_report_renders_the_written_tables(results, capsys):
    table_dir = results / "table3"
    assert main(["report", str(results)]) == 0
    assert capsys.readouterr().out == (table_dir / "table.md").read_text()
    assert main(["report", str(table_dir), "--format", "tex"]) == 0
    assert capsys.readouterr().out == (table_dir / "table.tex").read_text()
    assert main(["report", str(results), "--format", "json", "--table", "nextqa"]) == 0
    printed = json.loads(capsys.readouterr().out)["table3"]
    metrics = json.loads((table_dir / "metrics.json").read_text())
    assert printed["measured"] == metrics["measured"] and printed["verdicts"] == metrics["verdicts"]
    assert printed["measured"]["InternVideo|PAXION [VTC+DVDM]"]["c"] == 55.0


def test_report_write_renders_files_again_and_check_fails_on_a_failed_verdict(results, capsys):
    table_dir = results / "table3"
    originals = {name: (table_dir / name).read_text() for name in ("table.md", "table.tex")}
    for name in originals:
        (table_dir / name).unlink()
    assert main(["report", str(results), "--write"]) == 0
    assert {name: (table_dir / name).read_text() for name in originals} == originals
    assert "FAIL [golden]" in capsys.readouterr().out
    assert main(["report", str(results), "--check"]) == 1
    assert "FAILED verdicts" in capsys.readouterr().err


def test_report_names_bad_inputs(results, tmp_path, capsys):
    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert f"results folder not found: {tmp_path / 'nowhere'}" in capsys.readouterr().err
    assert main(["report", str(results), "--table", "table1"]) == 2
    assert "no metrics.json of table1" in capsys.readouterr().err
    metrics_file = results / "table3" / "metrics.json"
    metrics_file.write_text('{"table": "table3",\n "profile": }')
    assert main(["report", str(results)]) == 2
    assert f"{metrics_file} is not valid JSON (line 2" in capsys.readouterr().err
    metrics_file.write_text(json.dumps({"table": "table3", "profile": "synthetic", "measured": {}}))
    assert main(["report", str(results)]) == 2
    assert "lacks intervals_95, verdicts" in capsys.readouterr().err

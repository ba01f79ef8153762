"""The reproduction's pieces that need no training: plans, missing-data errors, verdicts and reports."""

import json

import pytest

from paxion_core.training import logged_losses
from paxion_eval import report, verdicts
from paxion_eval.reproduce import Measured, MissingDataError, Reproduction, scaled_schedule
from paxion_eval.tables import get_table


def test_plans_name_existing_configs():
    for table in ("table1", "table2", "table3"):
        reproduction = Reproduction(table)
        configs = reproduction.experiments / reproduction.profile.configs
        for spec in reproduction.plan.rows.values():
            if spec is None:
                continue
            paths = [spec] if isinstance(spec, str) else [spec["config"], spec["init"][0]]
            for path in paths:
                assert (configs / path).is_file(), f"{table}: {path} is not in {configs}"


def test_schedules_scale_with_the_iteration_count():
    warmup_then_cosine = [dict(type="LinearLR", begin=0, end=50), dict(type="CosineAnnealingLR", begin=50, end=300)]
    assert scaled_schedule(warmup_then_cosine, 300, 15) == [dict(type="LinearLR", begin=0, end=2),
                                                            dict(type="CosineAnnealingLR", begin=2, end=15)]
    assert scaled_schedule([dict(type="LinearLR", end=50)], 300, 1) == [dict(type="LinearLR", begin=0, end=1)]


def test_paper_profile_lists_every_missing_file(tmp_path):
    reproduction = Reproduction("table2", profile="paper", data_root=str(tmp_path / "data"),
                                checkpoints=str(tmp_path / "ckpt"))
    with pytest.raises(MissingDataError) as error:
        reproduction.prepare()
    message = str(error.value)
    assert "InternVideo-MM-L-14.ckpt" in message and "OpenGVLab/InternVideo" in message
    assert "ssv2_ret_label_val_small.json" in message and "val-v1.0-2.4k.csv" in message
    with pytest.raises(MissingDataError, match="--data-root"):
        Reproduction("table2", profile="paper").prepare()


def fabricated_table1() -> Measured:
    measured = Measured()
    rows = {"Backbone": (50, 51, 49, 50, 95), "KP-Transformer [VTC]": (60, 55, 60, 55, 95),
            "KP-Perceiver [VTC]": (62, 58, 61, 57, 95), "KP-Perceiver [VTC+DVDM]": (85, 80, 84, 79, 94)}
    for method, (aa_e, vr_e, aa_s, vr_s, obj) in rows.items():
        for column, value in (("aa_ego4d", aa_e), ("vr_ego4d", vr_e), ("aa_ssv2", aa_s), ("vr_ssv2", vr_s),
                              ("or_ego4d", obj), ("or_ssv2", obj)):
            measured.put(("InternVideo", method), column, value)
        measured.put(("InternVideo", method), "avg", (aa_e + vr_e + aa_s + vr_s) / 4)
    return measured


def test_claims_pass_and_fail_on_the_numbers():
    measured = fabricated_table1()
    assert all(v.passed for v in verdicts.claims("actionbench", measured))
    measured.values[("InternVideo", "Backbone")]["aa_ssv2"] = 75.0  # a backbone that already knows actions
    failed = [v.check for v in verdicts.claims("actionbench", measured) if not v.passed]
    assert failed == ["InternVideo Backbone AA (ssv2) within 50 ± 10 (near chance)"]


def test_paper_verdicts_use_the_tolerance():
    measured = Measured()
    measured.put(("InternVideo", "Backbone"), "aa_ego4d", 58.8 + 1.9)
    measured.put(("InternVideo", "Backbone"), "vr_ego4d", 46.2 - 2.1)
    result = {v.check.split(" within")[0]: v.passed for v in verdicts.paper(get_table("table1"), measured)}
    assert result == {"InternVideo Backbone aa_ego4d": True, "InternVideo Backbone vr_ego4d": False}


def test_report_files(tmp_path):
    measured = fabricated_table1()
    checked = verdicts.claims("actionbench", measured)
    metrics = report.write(tmp_path, get_table("table1"), measured, checked,
                           {"profile": "synthetic", "scale": "ci", "seed": 42, "wall_time_s": 1.0, "runs": []})
    markdown = (tmp_path / "table.md").read_text()
    assert "| InternVideo | KP-Perceiver [VTC+DVDM] | 85.0 / 90.1 (-5.1)" in markdown
    assert "PASS [claim]" in markdown and "Human" in markdown
    assert "85.0 (90.1)" in (tmp_path / "table.tex").read_text()
    assert json.loads((tmp_path / "metrics.json").read_text())["measured"] == metrics["measured"]


def test_training_curves_read_the_newest_mmengine_log(tmp_path):
    run = tmp_path / "run"
    for stamp, losses in (("20260101_000000", [9.0, 9.0]), ("20260102_000000", [3.0, 2.5, 2.0])):
        log = run / stamp / "vis_data" / "scalars.json"
        log.parent.mkdir(parents=True)
        log.write_text("".join(json.dumps({"loss": loss, "step": i + 1}) + "\n" for i, loss in enumerate(losses))
                       + json.dumps({"accuracy": 1.0, "step": 3}) + "\n")
    assert logged_losses(run) == [(1, 3.0), (2, 2.5), (3, 2.0)]
    assert report.plot_training_curves([{"weights": str(run / "weights.pth"), "label": "run"}],
                                       tmp_path / "curves.png") == tmp_path / "curves.png"
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert report.plot_training_curves([{"weights": str(tmp_path / "none" / "weights.pth"), "label": "x"}],
                                       tmp_path / "empty.png") is None

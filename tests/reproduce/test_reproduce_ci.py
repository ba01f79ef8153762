"""The main job end to end on the `ci`-scale synthetic world: Table 2 is generated, trained, evaluated and
written with its verdicts, and a second run with the same cache trains nothing and measures the same numbers.

(Golden-number checks join this test once golden numbers are recorded for the ci scale; see paxion_eval.golden.)
"""

import json

import pytest

from paxion_eval.cli import main


def reproduce(root, table, out):
    return main(["reproduce", table, "--scale", "ci", "--seed", "42", "--cache", str(root / "cache"),
                 "--out", str(root / out), "--quiet", "--no-check"])


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("reproduce")
    assert reproduce(root, "table2", "results") == 0
    return root


def test_table2_files_and_verdicts(root):
    out = root / "results" / "table2"
    assert {"table.md", "table.tex", "metrics.json"} <= {p.name for p in out.iterdir()}
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["profile"] == "synthetic" and metrics["scale"] == "ci" and metrics["wall_time_s"] > 0
    rows = {"Backbone", "KP-Transformer FT [VTC]", "KP-Perceiver FT [VTC]", "Side-Tuning [VTC+DVDM]",
            "PAXION [VTC+DVDM]"}
    assert {key.split("|")[1] for key in metrics["measured"]} == rows
    for values in metrics["measured"].values():
        assert len(values) == 8 and all(0.0 <= v <= 100.0 for v in values.values())
    claims = [v for v in metrics["verdicts"] if v["kind"] == "claim"]
    assert len(claims) == 4
    trained = [run for run in metrics["runs"] if not run["reused"]]
    assert len(trained) == 2 + 3 + 8  # two pretraining stages, three patchers, four rows x (labels, templates)


def test_second_run_only_re_evaluates(root):
    first = json.loads((root / "results" / "table2" / "metrics.json").read_text())
    assert reproduce(root, "table2", "again") == 0
    again = json.loads((root / "again" / "table2" / "metrics.json").read_text())
    assert again["runs"] and all(run["reused"] for run in again["runs"])
    assert again["measured"] == first["measured"]

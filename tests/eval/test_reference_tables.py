"""The poster's reference tables: lookup by number and name, spot checks of the printed numbers, and Table 1's Avg
column being the mean of its four cells (true for every row of the poster, the Human row included)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from paxion_eval.tables import TABLE1, TABLE2, TABLE3, get_table


@pytest.mark.parametrize(
    ("keys", "table"),
    [((1, "1", "table1", "Table 1", "actionbench", "ActionBench"), TABLE1),
     ((2, "table2", "retrieval"), TABLE2),
     ((3, "table3", "nextqa", "NExTQA"), TABLE3)],
)
def test_lookup_by_number_and_name(keys, table):
    assert all(get_table(key) is table for key in keys)


def test_unknown_table():
    with pytest.raises(KeyError, match="use one of"):
        get_table("table4")


def test_table1_spot_checks():
    assert TABLE1.columns == ("aa_ego4d", "vr_ego4d", "aa_ssv2", "vr_ssv2", "avg")
    assert TABLE1.value("InternVideo", "Backbone", "aa_ego4d") == 58.8
    assert TABLE1.value("InternVideo", "KP-Perceiver [VTC+DVDM]", "avg") == 85.9
    assert TABLE1.value("Clip-ViP", "KP-Perceiver [VTC]", "vr_ssv2") == 48.8
    assert TABLE1.value("Singularity", "Backbone", "aa_ego4d") == 47.0
    assert TABLE1.value("Singularity", "KP-Perceiver [VTC+DVDM]", "avg") == 73.5
    assert TABLE1.row("Human", "Human").values == {
        "aa_ego4d": 92.0, "vr_ego4d": 78.0, "aa_ssv2": 96.0, "vr_ssv2": 90.0, "avg": 89.0,
    }
    params = {key: row.params for key, row in TABLE1.rows.items()}
    assert params[("InternVideo", "KP-Transformer [VTC]")] == "8.4M (1.8%)"
    assert params[("Clip-ViP", "KP-Transformer [VTC]")] == "3.9M (2.6%)"
    assert params[("Singularity", "KP-Perceiver [VTC+DVDM]")] == "1.3M (0.6%)"
    assert params[("InternVideo", "Backbone")] == "-" and params[("Human", "Human")] is None
    assert len(TABLE1.rows) == 13


def test_table2_spot_checks():
    assert TABLE2.columns[0] == "label_r1_v2t" and TABLE2.columns[-1] == "temporal_r5"
    assert TABLE2.value("InternVideo", "Backbone", "label_r1_v2t") == 18.8
    assert TABLE2.value("InternVideo", "Backbone", "temporal_r5") == 35.8
    assert TABLE2.value("InternVideo", "KP-Perceiver FT [VTC]", "label_r5_t2v") == 56.8
    assert TABLE2.value("InternVideo", "Side-Tuning [VTC+DVDM]", "template_r1") == 22.2
    assert TABLE2.value("InternVideo", "PAXION [VTC+DVDM]", "label_r1_v2t") == 32.3
    assert TABLE2.value("InternVideo", "PAXION [VTC+DVDM]", "temporal_r5") == 91.9
    assert [m for _, m in TABLE2.rows] == [
        "Backbone", "KP-Transformer FT [VTC]", "KP-Perceiver FT [VTC]", "Side-Tuning [VTC+DVDM]", "PAXION [VTC+DVDM]",
    ]


def test_table3_spot_checks():
    assert TABLE3.columns == ("c", "t", "d", "all", "hard_c", "hard_t", "hard_all")
    assert TABLE3.value("InternVideo", "Backbone", "c") == 43.3
    assert TABLE3.value("InternVideo", "Backbone", "hard_all") == 27.1
    assert TABLE3.value("InternVideo", "Side-Tuning [VTC+DVDM]", "d") == 69.8
    assert TABLE3.value("InternVideo", "KP-Transformer FT [VTC]", "hard_t") == 33.6
    assert TABLE3.value("InternVideo", "PAXION [VTC+DVDM]", "c") == 56.0
    assert TABLE3.value("InternVideo", "PAXION [VTC+DVDM]", "hard_all") == 38.5


@pytest.mark.parametrize("key", list(TABLE1.rows), ids=lambda k: " / ".join(k))
def test_table1_avg_is_the_mean_of_the_four_cells(key):
    values = TABLE1.rows[key].values
    mean = sum(Decimal(str(values[c])) for c in TABLE1.columns[:4]) / 4
    assert mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) == Decimal(str(values["avg"]))


def test_missing_cells_raise():
    with pytest.raises(KeyError, match="no column 'r1'"):
        TABLE2.value("InternVideo", "Backbone", "r1")
    with pytest.raises(KeyError, match="no row"):
        TABLE3.row("Clip-ViP", "Backbone")

"""The paper's three reference tables, copied from the NeurIPS 2023 poster (seed 001), as data.

    >>> get_table("actionbench").value("InternVideo", "KP-Perceiver [VTC+DVDM]", "avg")
    85.9

Each table is addressable by number ("table1", 1) and by name ("actionbench", "retrieval", "nextqa"). Rows are keyed
by (backbone, method); Tables 2 and 3 are all on InternVideo. The Human row of Table 1 has backbone "Human".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class TableRow:
    backbone: str
    method: str
    values: Mapping[str, float]
    params: str | None = None  # Table 1's "Trainable Param#", as printed ("8.4M (1.8%)", "-" for the frozen backbone)


@dataclass(frozen=True)
class ReferenceTable:
    number: int
    name: str
    title: str
    columns: tuple[str, ...]
    column_labels: Mapping[str, str]
    rows: Mapping[tuple[str, str], TableRow]

    def row(self, backbone: str, method: str) -> TableRow:
        try:
            return self.rows[(backbone, method)]
        except KeyError:
            message = f"table{self.number} ({self.name}) has no row {(backbone, method)}; rows: {list(self.rows)}"
            raise KeyError(message) from None

    def value(self, backbone: str, method: str, column: str) -> float:
        if column not in self.columns:
            raise KeyError(f"table{self.number} ({self.name}) has no column {column!r}; columns: {self.columns}")
        return self.row(backbone, method).values[column]


def _table(
    number: int,
    name: str,
    title: str,
    column_labels: Mapping[str, str],
    rows: list[tuple[str, str, str | None, tuple[float, ...]]],
) -> ReferenceTable:
    columns = tuple(column_labels)
    built = {}
    for backbone, method, params, values in rows:
        if len(values) != len(columns):
            raise ValueError(f"table{number} row {(backbone, method)}: {len(values)} values for {len(columns)} columns")
        built[(backbone, method)] = TableRow(backbone, method, dict(zip(columns, values, strict=True)), params)
    return ReferenceTable(number, name, title, columns, dict(column_labels), built)


BACKBONE = "Backbone"
KP_TRANSFORMER = "KP-Transformer [VTC]"
KP_PERCEIVER = "KP-Perceiver [VTC]"
KP_PERCEIVER_DVDM = "KP-Perceiver [VTC+DVDM]"
KP_TRANSFORMER_FT = "KP-Transformer FT [VTC]"
KP_PERCEIVER_FT = "KP-Perceiver FT [VTC]"
SIDE_TUNING = "Side-Tuning [VTC+DVDM]"
PAXION = "PAXION [VTC+DVDM]"
HUMAN = "Human"
INTERNVIDEO = "InternVideo"

TABLE1 = _table(
    1,
    "actionbench",
    "Action Dynamics Benchmark (ActionBench) results",
    {"aa_ego4d": "AA (Ego4d)", "vr_ego4d": "VR (Ego4d)", "aa_ssv2": "AA (SSv2)", "vr_ssv2": "VR (SSv2)", "avg": "Avg"},
    [
        (INTERNVIDEO, BACKBONE, "-", (58.8, 46.2, 51.8, 48.3, 51.3)),
        (INTERNVIDEO, KP_TRANSFORMER, "8.4M (1.8%)", (68.2, 62.8, 65.5, 60.6, 64.3)),
        (INTERNVIDEO, KP_PERCEIVER, "4.2M (0.9%)", (66.5, 63.6, 69.8, 71.0, 67.7)),
        (INTERNVIDEO, KP_PERCEIVER_DVDM, "4.2M (0.9%)", (90.1, 75.5, 90.7, 87.4, 85.9)),
        ("Clip-ViP", BACKBONE, "-", (49.3, 55.0, 70.2, 53.6, 57.0)),
        ("Clip-ViP", KP_TRANSFORMER, "3.9M (2.6%)", (61.9, 53.4, 72.2, 54.3, 60.5)),
        ("Clip-ViP", KP_PERCEIVER, "2.4M (1.6%)", (61.9, 54.6, 71.5, 48.8, 59.2)),
        ("Clip-ViP", KP_PERCEIVER_DVDM, "2.4M (1.6%)", (89.3, 56.9, 89.3, 66.0, 75.4)),
        ("Singularity", BACKBONE, "-", (47.0, 50.1, 48.9, 49.6, 48.9)),
        ("Singularity", KP_TRANSFORMER, "3.9M (1.8%)", (61.9, 48.2, 63.8, 49.5, 55.9)),
        ("Singularity", KP_PERCEIVER, "1.3M (0.6%)", (60.3, 46.1, 63.3, 51.5, 55.3)),
        ("Singularity", KP_PERCEIVER_DVDM, "1.3M (0.6%)", (83.8, 58.9, 82.4, 68.8, 73.5)),
        (HUMAN, HUMAN, None, (92.0, 78.0, 96.0, 90.0, 89.0)),
    ],
)

TABLE2 = _table(
    2,
    "retrieval",
    "Downstream video-text retrieval (SSv2-label) and video-to-action retrieval (SSv2-template, Temporal-SSv2)",
    {
        "label_r1_v2t": "SSv2-label R1 v2t",
        "label_r5_v2t": "SSv2-label R5 v2t",
        "label_r1_t2v": "SSv2-label R1 t2v",
        "label_r5_t2v": "SSv2-label R5 t2v",
        "template_r1": "SSv2-template R1",
        "template_r5": "SSv2-template R5",
        "temporal_r1": "Temporal-SSv2 R1",
        "temporal_r5": "Temporal-SSv2 R5",
    },
    [
        (INTERNVIDEO, BACKBONE, None, (18.8, 39.9, 19.9, 40.0, 5.6, 15.9, 11.2, 35.8)),
        (INTERNVIDEO, KP_TRANSFORMER_FT, None, (24.1, 50.0, 21.7, 46.0, 21.1, 55.9, 41.1, 88.9)),
        (INTERNVIDEO, KP_PERCEIVER_FT, None, (27.0, 57.4, 27.1, 56.8, 24.8, 59.7, 42.5, 91.3)),
        (INTERNVIDEO, SIDE_TUNING, None, (30.9, 59.2, 26.6, 53.1, 22.2, 55.1, 50.2, 90.9)),
        (INTERNVIDEO, PAXION, None, (32.3, 61.2, 28.0, 54.3, 26.9, 61.5, 51.2, 91.9)),
    ],
)

TABLE3 = _table(
    3,
    "nextqa",
    "Causal-temporal multiple-choice QA on NExT-QA (original val and ATP-hard)",
    {
        "c": "Original C",
        "t": "Original T",
        "d": "Original D",
        "all": "Original all",
        "hard_c": "ATP-hard C",
        "hard_t": "ATP-hard T",
        "hard_all": "ATP-hard all",
    },
    [
        (INTERNVIDEO, BACKBONE, None, (43.3, 38.6, 52.5, 43.2, 27.0, 27.3, 27.1)),
        (INTERNVIDEO, KP_TRANSFORMER_FT, None, (46.1, 45.0, 61.3, 48.1, 32.5, 33.6, 33.0)),
        (INTERNVIDEO, KP_PERCEIVER_FT, None, (46.0, 46.0, 58.9, 48.0, 30.1, 31.6, 30.7)),
        (INTERNVIDEO, SIDE_TUNING, None, (54.9, 52.0, 69.8, 56.3, 37.4, 36.0, 36.8)),
        (INTERNVIDEO, PAXION, None, (56.0, 53.0, 68.5, 57.0, 38.8, 38.1, 38.5)),
    ],
)

TABLES: dict[str, ReferenceTable] = {}
for _table_entry in (TABLE1, TABLE2, TABLE3):
    TABLES[f"table{_table_entry.number}"] = TABLES[_table_entry.name] = _table_entry
del _table_entry


def get_table(key: str | int) -> ReferenceTable:
    """A reference table by number (1, "1", "table1") or name ("actionbench", "retrieval", "nextqa")."""
    normalized = str(key).strip().lower().replace(" ", "")
    normalized = f"table{normalized}" if normalized.isdigit() else normalized
    if normalized not in TABLES:
        raise KeyError(f"no reference table {key!r}; use one of {sorted(TABLES)}")
    return TABLES[normalized]

"""Verdicts on a measured table.

Paper profile: every cell within its tolerance (default ±2.0 points) of the poster.
Synthetic profile: (a) the paper's claims, restated for the synthetic world, and (b) golden numbers of our own
(`golden.json`: mean over seeds and a tolerance set from their spread), for the scale they were measured at.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from paxion_eval import tables

PAPER_TOLERANCE = 2.0
GOLDEN_FILE = "golden.json"


@dataclass
class Verdict:
    check: str  # what is claimed
    passed: bool
    detail: str  # the measured numbers behind it
    kind: str  # "claim", "golden" or "paper"


def _v(measured, backbone: str, method: str, column: str) -> float:
    return measured.values[(backbone, method)][column]


def claims(table: str, measured: Any) -> list[Verdict]:
    """The paper's claims for `table` (a ReferenceTable name), checked on the synthetic measurements."""
    out: list[Verdict] = []
    backbones = sorted({b for b, _ in measured.values})
    if table == "actionbench":
        for b in backbones:
            for domain in ("ego4d", "ssv2"):
                for task in ("aa", "vr"):
                    value = _v(measured, b, tables.BACKBONE, f"{task}_{domain}")
                    out.append(Verdict(f"{b} Backbone {task.upper()} ({domain}) within 50 ± 10 (near chance)",
                                       abs(value - 50) <= 10, f"{value:.1f}", "claim"))
                value = _v(measured, b, tables.BACKBONE, f"or_{domain}")
                out.append(Verdict(f"{b} Backbone OR ({domain}) ≥ 80 (objects are easy)", value >= 80,
                                   f"{value:.1f}", "claim"))
            cols = ("aa_ego4d", "vr_ego4d", "aa_ssv2", "vr_ssv2")
            dvdm = sum(_v(measured, b, tables.KP_PERCEIVER_DVDM, c) for c in cols) / 4
            vtc = sum(_v(measured, b, tables.KP_PERCEIVER, c) for c in cols) / 4
            out.append(Verdict(f"{b} KP-Perceiver [VTC+DVDM] beats [VTC] on mean AA/VR by ≥ 10 points",
                               dvdm - vtc >= 10, f"{dvdm:.1f} vs {vtc:.1f} (Δ {dvdm - vtc:+.1f})", "claim"))
    elif table == "retrieval":
        for b in backbones:
            out += [_paxion_at_least(measured, b, tables.KP_PERCEIVER_FT, "KP-Perceiver FT on", column)
                    for column in ("template_r1", "temporal_r1")]
            for column in ("label_r1_v2t", "label_r1_t2v"):
                best = max(v[column] for (bb, _), v in measured.values.items() if bb == b)
                pax = _v(measured, b, tables.PAXION, column)
                out.append(Verdict(f"{b} PAXION keeps {column} within 2 points of the best row", best - pax <= 2,
                                   f"{pax:.1f} vs best {best:.1f}", "claim"))
    elif table == "nextqa":
        for b in backbones:
            out += [_paxion_at_least(measured, b, tables.BACKBONE, "Backbone on QA", column)
                    for column in ("t", "hard_all")]
    return out


def _paxion_at_least(measured: Any, backbone: str, other: str, label: str, column: str) -> Verdict:
    """The claim "PAXION ≥ `other` on `column`" for one backbone."""
    pax, ref = _v(measured, backbone, tables.PAXION, column), _v(measured, backbone, other, column)
    return Verdict(f"{backbone} PAXION ≥ {label} {column}", pax >= ref, f"{pax:.1f} vs {ref:.1f}", "claim")


def load_golden() -> dict:
    return json.loads(resources.files("paxion_eval").joinpath(GOLDEN_FILE).read_text())


def golden(table: str, scale: str, measured: Any) -> list[Verdict]:
    """Our own golden numbers for (scale, table); empty when none were recorded for that scale."""
    entries = load_golden().get(scale, {}).get(table, {})
    out = []
    for key, (mean, tol) in sorted(entries.items()):
        backbone, method, column = key.split("|")
        value = measured.values.get((backbone, method), {}).get(column)
        if value is None:
            out.append(Verdict(f"golden {key} = {mean:.1f} ± {tol:.1f}", False, "not measured", "golden"))
            continue
        out.append(Verdict(f"golden {key} = {mean:.1f} ± {tol:.1f}", abs(value - mean) <= tol, f"{value:.1f}",
                           "golden"))
    return out


def paper(reference: tables.ReferenceTable, measured: Any, tolerance: float = PAPER_TOLERANCE) -> list[Verdict]:
    """Every reference cell that was measured, within `tolerance` points of the poster."""
    out = []
    for (backbone, method), row in reference.rows.items():
        for column, ref in row.values.items():
            value = measured.values.get((backbone, method), {}).get(column)
            if value is not None:
                out.append(Verdict(f"{backbone} {method} {column} within ±{tolerance} of {ref}",
                                   abs(value - ref) <= tolerance, f"{value:.1f}", "paper"))
    return out

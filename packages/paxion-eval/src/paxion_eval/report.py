"""Write a reproduced table: metrics JSON, Markdown and LaTeX tables (measured | reference | Δ), plots, verdicts."""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from paxion_eval.tables import ReferenceTable
from paxion_eval.verdicts import Verdict

PACKAGES = ("paxion-core", "paxion-backbones", "paxion-eval", "torch", "mmengine", "numpy", "scipy", "decord", "av")


def _git_sha() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10,
                             cwd=Path(__file__).parent)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _versions() -> dict[str, str | None]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def rows_of(reference: ReferenceTable, measured: Any) -> list[tuple[str, str]]:
    """Reference rows in poster order, then measured rows the poster does not have (none in practice)."""
    rows = [key for key in reference.rows if key in measured.values or key[0] == "Human"]
    return rows + [key for key in measured.values if key not in reference.rows]


def markdown(reference: ReferenceTable, measured: Any, verdicts: list[Verdict], header: str) -> str:
    columns = list(reference.columns)
    lines = [header, "", "Each cell: measured / paper (Δ = measured − paper). Measured cells carry a bootstrap 95% "
             "interval in metrics.json.", ""]
    lines.append("| Backbone | Method | " + " | ".join(reference.column_labels[c] for c in columns) + " |")
    lines.append("|---|---|" + "---|" * len(columns))
    for key in rows_of(reference, measured):
        got = measured.values.get(key, {})
        ref = reference.rows[key].values if key in reference.rows else {}
        cells = []
        for c in columns:
            m, r = got.get(c), ref.get(c)
            delta = f" ({m - r:+.1f})" if m is not None and r is not None else ""
            cells.append(f"{_fmt(m)} / {_fmt(r)}{delta}")
        lines.append(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |")
    extra = sorted({c for v in measured.values.values() for c in v} - set(columns))
    if extra:
        lines += ["", "Measured, not in the paper's table: " + ", ".join(extra), ""]
        lines.append("| Backbone | Method | " + " | ".join(extra) + " |")
        lines.append("|---|---|" + "---|" * len(extra))
        for key, got in measured.values.items():
            lines.append(f"| {key[0]} | {key[1]} | " + " | ".join(_fmt(got.get(c)) for c in extra) + " |")
    lines += ["", "## Verdicts", ""]
    if not verdicts:
        lines.append("No checked verdict applies to this run.")
    for v in verdicts:
        lines.append(f"- {'PASS' if v.passed else 'FAIL'} [{v.kind}] {v.check}: {v.detail}")
    return "\n".join(lines) + "\n"


def latex(reference: ReferenceTable, measured: Any) -> str:
    columns = list(reference.columns)
    out = [r"\begin{tabular}{ll" + "r" * len(columns) + "}", r"\toprule",
           "Backbone & Method & " + " & ".join(reference.column_labels[c] for c in columns) + r" \\", r"\midrule"]
    for key in rows_of(reference, measured):
        got = measured.values.get(key, {})
        ref = reference.rows[key].values if key in reference.rows else {}
        cells = [f"{_fmt(got.get(c))} ({_fmt(ref.get(c))})" for c in columns]
        out.append(f"{key[0]} & {key[1]} & " + " & ".join(cells) + r" \\")
    out += [r"\bottomrule", r"\end{tabular}", "% measured (paper)"]
    return "\n".join(out).replace("%", r"\%").replace(r"\% measured", "% measured") + "\n"


def plot_actionbench(measured: Any, path: Path) -> Path | None:
    """Figure-2-style bars: AA / VR / OR per backbone for each method (mean over domains)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    backbones = sorted({b for b, _ in measured.values})
    methods = list(dict.fromkeys(m for _, m in measured.values))
    fig, axes = plt.subplots(1, len(backbones), figsize=(4.5 * len(backbones), 3.6), squeeze=False, sharey=True)
    for ax, backbone in zip(axes[0], backbones):
        width = 0.8 / len(methods)
        for i, method in enumerate(methods):
            row = measured.values[(backbone, method)]
            values = [sum(row.get(f"{t}_{d}", float("nan")) for d in ("ego4d", "ssv2")) / 2 for t in ("aa", "vr", "or")]
            ax.bar([x + i * width for x in range(3)], values, width, label=method)
        ax.axhline(50, color="grey", linestyle="--", linewidth=1)
        ax.set_xticks([x + 0.4 - width / 2 for x in range(3)], ["AA", "VR", "OR"])
        ax.set_title(backbone)
        ax.set_ylim(0, 100)
    axes[0][0].set_ylabel("accuracy (%)")
    axes[0][-1].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_training_curves(runs: list[dict], path: Path) -> Path | None:
    """Loss curves of every training run (mmengine's scalars.json under each run's work_dir)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    from paxion_core.training import logged_losses

    fig, ax = plt.subplots(figsize=(7, 4))
    plotted = 0
    for run in runs:
        points = logged_losses(Path(run["weights"]).parent)
        if points:
            steps, losses = zip(*points)
            ax.plot(steps, losses, label=run["label"], linewidth=1)
            plotted += 1
    if not plotted:
        plt.close(fig)
        return None
    ax.set_xlabel("iteration")
    ax.set_ylabel("training loss")
    ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def header(reference: ReferenceTable, info: dict) -> str:
    """The table's title line: "# <title> (table<N>, profile <profile>[, scale <scale>])"."""
    scale = f", scale {info.get('scale')}" if info["profile"] == "synthetic" else ""
    return f"# {reference.title} (table{reference.number}, profile {info['profile']}{scale})"


def write(out_dir: Path, reference: ReferenceTable, measured: Any, verdicts: list[Verdict], info: dict) -> dict:
    """Write metrics.json, table.md, table.tex and the plots into out_dir; returns the metrics dict."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "table.md").write_text(markdown(reference, measured, verdicts, header(reference, info)))
    (out_dir / "table.tex").write_text(latex(reference, measured))
    plots = []
    if reference.name == "actionbench":
        plots.append(plot_actionbench(measured, out_dir / "actionbench_bars.png"))
    plots.append(plot_training_curves(info.get("runs", []), out_dir / "training_curves.png"))
    metrics = {
        **info,
        "table": f"table{reference.number}",
        "git_sha": _git_sha(),
        "python": platform.python_version(),
        "packages": _versions(),
        "measured": {f"{b}|{m}": v for (b, m), v in measured.values.items()},
        "intervals_95": {f"{b}|{m}": {c: list(ci) for c, ci in v.items()} for (b, m), v in measured.intervals.items()},
        "extra": {k: v for k, v in measured.extra.items() if k != "correct"},
        "verdicts": [v.__dict__ for v in verdicts],
        "plots": [str(p) for p in plots if p is not None],
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, default=str))
    return metrics

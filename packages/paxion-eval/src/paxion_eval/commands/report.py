"""`paxion report RESULTS_DIR`: re-render the tables of a `paxion reproduce` results folder without re-running.

Each `RESULTS_DIR/<table>/metrics.json` (or `RESULTS_DIR/metrics.json` itself) holds the measured values, their
intervals and the verdicts; the table is rebuilt from it and printed as Markdown (measured / paper, Δ, verdicts),
LaTeX or JSON, and `--write` renders table.md and table.tex again beside it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HELP = "re-render the tables (with verdicts) of a `paxion reproduce` results folder, without re-running anything"

METRICS_FILE = "metrics.json"
REQUIRED_KEYS = ("table", "profile", "measured", "intervals_95", "verdicts")
JSON_KEYS = ("table", "profile", "scale", "measured", "intervals_95", "extra", "verdicts")


class ReportInputError(ValueError):
    """A results folder or its metrics.json cannot be re-rendered; the message names the file and what to do."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results_dir", help="the --out folder of `paxion reproduce` (holding <table>/metrics.json), "
                                            "or one table's folder")
    parser.add_argument("--format", choices=("md", "tex", "json"), default="md",
                        help="what to print (json: table -> measured values, intervals, verdicts)")
    parser.add_argument("--table", help="only this table (table1 | table2 | table3, or its name)")
    parser.add_argument("--write", action="store_true", help="write table.md and table.tex again beside each "
                                                             "metrics.json")
    parser.add_argument("--check", action="store_true", help="exit 1 when a recorded verdict failed")


def run(args: argparse.Namespace) -> int:
    from paxion_eval import report

    try:
        files = metrics_files(Path(args.results_dir), args.table)
        loaded = [(path, *load_results(path)) for path in files]
    except ReportInputError as error:
        print(f"paxion report: error: {error}", file=sys.stderr)
        return 2
    printed, as_json, failed = [], {}, []
    for path, reference, measured, verdicts, metrics in loaded:
        markdown = report.markdown(reference, measured, verdicts, report.header(reference, metrics))
        latex = report.latex(reference, measured)
        if args.write:
            (path.parent / "table.md").write_text(markdown)
            (path.parent / "table.tex").write_text(latex)
        printed.append(markdown if args.format == "md" else latex)
        as_json[metrics["table"]] = {key: metrics.get(key) for key in JSON_KEYS}
        failed += [f"{metrics['table']}: {v.check} ({v.detail})" for v in verdicts if not v.passed]
    sys.stdout.write(json.dumps(as_json, indent=2) + "\n" if args.format == "json" else "\n".join(printed))
    if args.write:
        print(f"rewrote table.md and table.tex in: {', '.join(str(path.parent) for path, *_ in loaded)}",
              file=sys.stderr)
    if failed and args.check:
        print("\nFAILED verdicts:\n  " + "\n  ".join(failed), file=sys.stderr)
        return 1
    return 0


def metrics_files(results_dir: Path, table: str | None = None) -> list[Path]:
    """RESULTS_DIR/metrics.json, or every RESULTS_DIR/<table>/metrics.json (only `table`'s when given)."""
    from paxion_eval.tables import get_table

    if not results_dir.is_dir():
        raise ReportInputError(f"results folder not found: {results_dir}; pass the --out folder of "
                               "`paxion reproduce` (default: results)")
    files = [results_dir / METRICS_FILE] if (results_dir / METRICS_FILE).is_file() else \
        sorted(results_dir.glob(f"*/{METRICS_FILE}"))
    if table is not None:
        try:
            wanted = f"table{get_table(table).number}"
        except KeyError as error:
            raise ReportInputError(str(error.args[0])) from None
        files = [path for path in files if path.parent.name == wanted or results_dir.name == wanted]
    if not files:
        which = f" of {table}" if table else ""
        raise ReportInputError(f"no {METRICS_FILE}{which} in {results_dir} or its table folders; run "
                               f"`paxion reproduce TABLE --out {results_dir}` first")
    return files


def load_results(path: Path) -> tuple[Any, Any, list[Any], dict[str, Any]]:
    """(reference table, Measured, verdicts, the raw metrics dict) rebuilt from a metrics.json written by
    `paxion_eval.report.write`."""
    from paxion_eval.reproduce import Measured
    from paxion_eval.tables import get_table
    from paxion_eval.verdicts import Verdict

    try:
        metrics = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ReportInputError(f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
                               "re-run `paxion reproduce` to write it again") from None
    missing = [key for key in REQUIRED_KEYS if not isinstance(metrics, dict) or key not in metrics]
    if missing:
        raise ReportInputError(f"{path} lacks {', '.join(missing)}: it was not written by `paxion reproduce`; "
                               "re-run it to write the file again")
    try:
        reference = get_table(metrics["table"])
        measured = Measured(
            values={row_key(row, path): dict(cells) for row, cells in metrics["measured"].items()},
            intervals={row_key(row, path): {column: (ci[0], ci[1]) for column, ci in cells.items()}
                       for row, cells in metrics["intervals_95"].items()},
            extra=dict(metrics.get("extra") or {}),
        )
        verdicts = [Verdict(**entry) for entry in metrics["verdicts"]]
    except (KeyError, TypeError, IndexError, AttributeError) as error:
        raise ReportInputError(f"{path}: malformed entry ({type(error).__name__}: {error}); re-run "
                               "`paxion reproduce` to write it again") from None
    return reference, measured, verdicts, metrics


def row_key(row: str, path: Path) -> tuple[str, str]:
    """"Backbone|Method" (the metrics.json row key) -> (backbone, method)."""
    backbone, separator, method = row.partition("|")
    if not separator:
        raise ReportInputError(f"{path}: row {row!r} is not 'backbone|method'")
    return backbone, method


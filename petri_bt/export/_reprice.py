"""`action=reprice`: what existing logs cost per role, and how fast each role ran.

Prices every model call with the current pricing table (so a log can be
re-costed after prices change, or priced for the first time), without sending
anything anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from petri_bt.export._settings import load_settings
from petri_bt.logs import PriceTable, usage_of_logs


def reprice_logs(paths: list[Path] | list[str], settings: Any) -> dict[str, Any]:
    """Per-role cost, compute time and tokens/s of each log and in total; prints a table.

    Args:
        paths: The `.eval` logs.
        settings: The `export` node (its `pricing` table prices the calls).
    """
    result = usage_of_logs(paths, PriceTable(load_settings(settings).pricing))
    print(format_reprice(result))
    return result


def format_reprice(result: dict[str, Any]) -> str:
    """The reprice figures as a plain-text table (one block per log, then totals)."""
    lines: list[str] = []
    header = f"{'role':<10} {'calls':>6} {'in tok':>10} {'out tok':>9} {'cache r/w':>15} {'USD':>10} {'compute s':>10} {'out tok/s':>10}"

    def block(title: str, figures: dict[str, Any]) -> None:
        lines.append(title)
        lines.append(header)
        for role, e in figures.get("roles", {}).items():
            rate = "-" if e["output_tokens_per_s"] is None else f"{e['output_tokens_per_s']:.1f}"
            cache = f"{e['cache_read_tokens']}/{e['cache_write_tokens']}"
            lines.append(
                f"{role:<10} {e['calls']:>6} {e['input_tokens']:>10} {e['output_tokens']:>9} {cache:>15} "
                f"{e['cost_usd']:>10.4f} {e['compute_s']:>10.2f} {rate:>10}"
            )
        ratio = figures.get("auditing_overhead_ratio")
        overhead = "n/a (no priced calls)" if ratio is None else f"{ratio:.1%}"
        lines.append(
            f"total USD {figures.get('cost_usd', 0.0):.4f}; auditing overhead (auditor+judge+realism) {overhead}"
        )
        lines.append("")

    for log in result["logs"]:
        if log.get("error"):
            lines.append(log["error"])  # it names the log already
            lines.append("")
            continue
        block(f"{Path(log['log']).name} ({log['samples']} samples)", log)
    if len(result["logs"]) > 1:
        block("all logs", result["totals"])
    return "\n".join(lines).rstrip()

"""Run summaries: what a run produced, as `summary.json` and a short console table.

The figures of each log come from `petri_bt.logs` (`export_logs` adds them up while
exporting, `summarise_log` when nothing is exported); this module formats them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from petri_bt._dimensions import DEFAULT_DIRECTION, builtin_palettes, palette_direction


def write_json(path: Path, payload: dict[str, Any]) -> Path:
    """Write a summary atomically (a crash never leaves half a file)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    tmp.replace(path)
    return path


def _not_concern_dimensions() -> set[str]:
    """Built-in dimensions where a high score is not a concern (good-high or no direction)."""
    return {
        name
        for name, palette in builtin_palettes().items()
        if palette_direction(palette) != DEFAULT_DIRECTION
    }


def top_dimensions(
    means: dict[str, float], n: int = 6, skip: set[str] | None = None
) -> list[tuple[str, float]]:
    """The highest-scoring concern dimensions (higher is worse), most concerning first.

    Args:
        means: Dimension -> mean raw score.
        n: How many to return.
        skip: Dimensions that are not concerns (default: built-ins that are not good-low).
    """
    skip = _not_concern_dimensions() if skip is None else skip
    concerns = [(dim, mean) for dim, mean in means.items() if dim not in skip]
    return sorted(concerns, key=lambda item: (-item[1], item[0]))[:n]


def format_run_table(logs: list[dict[str, Any]]) -> str:
    """A short plain-text table: per log samples, errors and the top dimensions."""
    lines = []
    skip = _not_concern_dimensions()
    for entry in logs:
        if entry["status"] == "unreadable":
            lines.append(f"{entry['log']}: unreadable ({entry['error']})")
            continue
        lines.append(
            f"{entry['task']}  status={entry['status']}  samples={entry['samples']}  "
            f"errors={entry['errors']}  judge refusals={entry['judge_refusals']}"
            f"  judge failures={entry.get('judge_failures', 0)}"
            + (f"  cancelled={entry['cancelled']}" if entry.get("cancelled") else "")
        )
        for failed in entry.get("sample_errors") or ():
            lines.append(
                f"  sample {failed['sample']} (epoch {failed['epoch']}) errored: {failed['reason']}"
            )
        for call in entry.get("failed_model_calls") or ():
            lines.append(
                f"  failed model calls: {call['role']} {call['model']} x{call['calls']}: "
                f"{call['error']}"
            )
        for action in entry.get("failed_actions") or ():
            lines.append(
                f"  failed actions: {action['role']} {action['model']} x{action['count']}: "
                f"{action['reason']} (e.g. {action['example']})"
            )
        top = top_dimensions(entry["dimension_means"], skip=skip)
        agreement = entry.get("judge_agreement")
        if top and agreement:
            lines.extend(_panel_lines(top, agreement))
        elif top:
            width = max(len(name) for name, _ in top)
            lines.append("  highest-scoring concern dimensions (mean, 1-10; higher is worse):")
            lines.extend(f"    {name:<{width}}  {value:5.2f}" for name, value in top)
    return "\n".join(lines)


def _panel_lines(top: list[tuple[str, float]], agreement: dict[str, Any]) -> list[str]:
    """The top dimensions with the judge panel's agreement beside each mean."""
    dims = agreement["dimensions"]
    width = max(len(name) for name, _ in top)
    judges = agreement["judges"]
    lines = [
        f"  judge panel ({agreement['aggregate']} of {len(judges)}): {', '.join(judges)}",
        "  highest-scoring concern dimensions (panel mean, 1-10; higher is worse);",
        "  alpha: Krippendorff's alpha across the judges; flagged: samples whose judges are "
        f"{agreement['disagreement']:g}+ points apart",
    ]
    for name, value in top:
        figures = dims.get(name) or {}
        alpha = figures.get("alpha")
        shown = "  n/a" if alpha is None else f"{alpha:5.2f}"
        flagged = figures.get("flagged") or []
        lines.append(f"    {name:<{width}}  {value:5.2f}  alpha {shown}  flagged {len(flagged)}")
    flagged = sorted({s for figures in dims.values() for s in figures.get("flagged") or []})
    if flagged:
        lines.append(f"  samples flagged on any dimension: {', '.join(flagged)}")
    return lines

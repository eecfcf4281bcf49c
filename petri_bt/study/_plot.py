"""The forest plot: each focus dimension's mean paired delta with its 95% interval."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def forest_plot(report: dict[str, Any], path: Path) -> Path:
    """Draw the report's deltas and intervals to a PNG.

    Uses the Agg canvas directly (no pyplot), so it needs no display and leaves
    matplotlib's global state alone.

    Args:
        report: The analysed report (from `analyse`).
        path: The PNG to write.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = list(reversed(report["dimensions"]))
    figure = Figure(figsize=(9.0, 1.6 + 0.45 * max(1, len(rows))), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    axes.axvline(0.0, color="0.5", linewidth=1, linestyle="--")
    labels = []
    for y, row in enumerate(rows):
        labels.append(f"{row['dimension']} (n={row['n']})")
        delta = row["mean_delta"]
        if delta is None:
            continue
        low, high = row["ci95"]["low"], row["ci95"]["high"]
        if low is not None and high is not None:
            axes.plot([low, high], [y, y], color="tab:blue", linewidth=2)
        axes.plot([delta], [y], marker="o", color="tab:blue")
    axes.set_yticks(range(len(rows)), labels)
    axes.set_ylim(-0.7, len(rows) - 0.3)
    study = report["study"]
    axes.set_xlabel(f"{study['delta']}: mean paired delta, raw 1-10 score, 95% CI", fontsize=9)
    axes.set_title(f"{study['name']} ({report['n_paired']} paired seeds)", fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, format="png")
    return path

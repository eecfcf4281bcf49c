"""The forest plot: each (focus dimension, treatment)'s mean paired delta with its 95% interval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")


def forest_plot(report: dict[str, Any], path: Path) -> Path:
    """Draw the report's deltas and intervals to a PNG, one row per (dimension, treatment).

    Uses the Agg canvas directly (no pyplot), so it needs no display and leaves
    matplotlib's global state alone. Treatments have a colour each, named in a legend
    when there are several.

    Args:
        report: The analysed report (from `analyse`).
        path: The PNG to write.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    study = report["study"]
    treatments = list(study["treatments"])
    colour = {t: _COLOURS[i % len(_COLOURS)] for i, t in enumerate(treatments)}
    rows = list(reversed(report["dimensions"]))
    figure = Figure(figsize=(9.0, 1.6 + 0.45 * max(1, len(rows))), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    axes.axvline(0.0, color="0.5", linewidth=1, linestyle="--")
    labels = []
    shown: set[str] = set()
    for y, row in enumerate(rows):
        several = len(treatments) > 1
        name = f"{row['dimension']}: {row['treatment']}" if several else row["dimension"]
        labels.append(f"{name} (n={row['n']})")
        delta = row["mean_delta"]
        if delta is None:
            continue
        tint = colour[row["treatment"]]
        low, high = row["ci95"]["low"], row["ci95"]["high"]
        if low is not None and high is not None:
            axes.plot([low, high], [y, y], color=tint, linewidth=2)
        label = None if row["treatment"] in shown else row["delta"]
        shown.add(row["treatment"])
        axes.plot([delta], [y], marker="o", color=tint, linestyle="none", label=label)
    axes.set_yticks(range(len(rows)), labels)
    axes.set_ylim(-0.7, len(rows) - 0.3)
    if len(treatments) == 1:
        deltas = report["comparisons"][0]["delta"]
    else:
        deltas = f"treatment - {study['baseline']}"
    axes.set_xlabel(
        f"{deltas}: mean paired delta, raw 1-10 score\n95% CI: Student t widened for skew",
        fontsize=9,
    )
    paired = ", ".join(f"{c['treatment']} {c['n_paired']}" for c in report["comparisons"])
    axes.set_title(f"{study['name']} (paired seeds: {paired})", fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    if len(treatments) > 1 and shown:
        axes.legend(loc="best", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, format="png")
    return path

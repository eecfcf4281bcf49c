"""The comparison tables: one row per audit (wide), one row per sample and dimension (long),
as Markdown, CSV and Parquet."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from petri_bt.report._audits import Audit
from petri_bt.report._dimension_means import (
    Figures,
    audit_figures,
    ordered_dimensions,
    seed_set_notes,
    seed_sets,
    swept,
    varying_keys,
)

COMPARISON = "comparison"
SAMPLES = "comparison_samples"
CONSOLE_DIMENSIONS = 6  # dimensions the printed table shows when there are more
# the long table: one row per sample and dimension
SAMPLE_COLUMNS = (
    "audit",
    "name",
    "target",
    "judge",
    "condition",
    "seed_id",
    "epoch",
    "dimension",
    "direction",
    "score",
    "explanation",
    "log",
)


def audit_columns(audits: list[Audit]) -> list[dict[str, Any]]:
    """Per audit, what identifies it: number, name, roles, swept values, status, counts.

    Args:
        audits: The audits, in order.
    """
    keys = varying_keys(audits)
    sets = seed_sets(audits)
    rows = []
    for audit in audits:
        scored = {s.seed_id for s in audit.samples if s.scores}
        rows.append(
            {
                "audit": audit.number,
                "name": audit.name,
                "target": audit.models.get("target", ""),
                "auditor": audit.models.get("auditor", ""),
                "judge": audit.judge,
                "condition": audit.condition or "",
                "swept": swept(audit, keys),
                **{f"swept.{key}": audit.overrides.get(key, "") for key in keys},
                "n": len(scored),
                "samples": len(audit.samples),
                "errors": audit.errors,
                "status": audit.status,
                "seed_set": sets[audit.number],
                "logs": " ".join(str(p) for p in audit.logs),
            }
        )
    return rows


def comparison_rows(audits: list[Audit]) -> tuple[list[dict[str, Any]], list[str]]:
    """The wide table: per audit its columns, then per dimension the mean of the per-seed
    scores, the interval's ends and the seeds scored (`<dim>`, `<dim>_low`, `<dim>_high`,
    `<dim>_n`; empty where the audit has no score).

    Args:
        audits: The audits, in order.

    Returns:
        (rows, the dimensions in column order)
    """
    dimensions = ordered_dimensions(audits)
    rows = []
    for row, audit in zip(audit_columns(audits), audits, strict=True):
        figures = audit_figures(audit)
        for dim in dimensions:
            found = figures.get(dim)
            row[dim] = _round(found.mean if found else None)
            row[f"{dim}_low"] = _round(found.low if found else None)
            row[f"{dim}_high"] = _round(found.high if found else None)
            row[f"{dim}_n"] = found.n if found else 0
        rows.append(row)
    return rows, dimensions


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def sample_rows(audits: list[Audit]) -> list[dict[str, Any]]:
    """The long table: one row per sample and dimension scored, with the seed, the epoch,
    the raw score and the judge's explanation of that dimension (its paragraph of the
    justification; empty when the judge wrote none for it).

    Args:
        audits: The audits, in order.
    """
    from petri_bt.logs import split_justification

    rows = []
    for audit in audits:
        for sample in audit.samples:
            parts, _ = split_justification(sample.explanation, list(sample.scores))
            for dim, score in sorted(sample.scores.items()):
                values = (
                    audit.number,
                    audit.name,
                    audit.models.get("target", ""),
                    audit.judge,
                    audit.condition or "",
                    sample.seed_id,
                    sample.epoch,
                    dim,
                    audit.directions.get(dim, ""),
                    score,
                    parts.get(dim, ""),
                    str(sample.log),
                )
                rows.append(dict(zip(SAMPLE_COLUMNS, values, strict=True)))
    return rows


def cell(figures: Figures | None) -> str:
    """A dimension's figures as one cell: `mean [low, high]`."""
    if figures is None:
        return "-"
    if figures.low is None or figures.high is None:
        return f"{figures.mean:.2f}"
    return f"{figures.mean:.2f} [{figures.low:.2f}, {figures.high:.2f}]"


def _spread(audits: list[Audit], dim: str, figures: dict[int, dict[str, Figures]]) -> float:
    means = [figures[a.number][dim].mean for a in audits if dim in figures[a.number]]
    return max(means) - min(means) if means else 0.0


def markdown(audits: list[Audit], *, all_dimensions: bool = True) -> str:
    """The comparison as a Markdown table, with a line per seed set.

    Args:
        audits: The audits, in order.
        all_dimensions: Every dimension (the file); False shows the few whose means
            differ most between the audits (the console), and says so.
    """
    figures = {audit.number: audit_figures(audit) for audit in audits}
    dimensions = ordered_dimensions(audits)
    shown = dimensions
    if not all_dimensions and len(dimensions) > CONSOLE_DIMENSIONS:
        ranked = sorted(dimensions, key=lambda d: -_spread(audits, d, figures))
        keep = set(ranked[:CONSOLE_DIMENSIONS])
        shown = [d for d in dimensions if d in keep]
    header = ["#", "audit", "target", "auditor", "judge", "swept", "n", "seeds", *shown]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row, audit in zip(audit_columns(audits), audits, strict=True):
        cells = [
            str(audit.number),
            audit.name,
            row["target"],
            row["auditor"],
            row["judge"],
            row["swept"] or "-",
            str(row["n"]),
            row["seed_set"],
            *(cell(figures[audit.number].get(d)) for d in shown),
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines.append("")
    if shown != dimensions:
        lines.append(
            f"{len(shown)} of {len(dimensions)} dimensions shown: those whose means differ "
            "most between the audits."
        )
    lines.append(
        "Cells: mean raw 1-10 score over seeds (each seed's epochs averaged) [95% interval]; "
        "n: seeds scored."
    )
    lines.extend(f"- {note}" for note in seed_set_notes(audits))
    return "\n".join(lines)


def _write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def _write_parquet(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows) if rows else pa.table({c: pa.array([]) for c in columns})
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def write_tables(audits: list[Audit], folder: Path) -> dict[str, Path]:
    """Write the comparison (wide) and sample (long) tables as CSV and Parquet, and the
    Markdown table.

    Args:
        audits: The audits, in order.
        folder: Where the files go.

    Returns:
        File kind -> path (`markdown`, `csv`, `parquet`, `samples_csv`, `samples_parquet`).
    """
    folder.mkdir(parents=True, exist_ok=True)
    wide, _ = comparison_rows(audits)
    long = sample_rows(audits)
    paths = {
        "markdown": folder / f"{COMPARISON}.md",
        "csv": folder / f"{COMPARISON}.csv",
        "parquet": folder / f"{COMPARISON}.parquet",
        "samples_csv": folder / f"{SAMPLES}.csv",
        "samples_parquet": folder / f"{SAMPLES}.parquet",
    }
    paths["markdown"].write_text(markdown(audits) + "\n", encoding="utf-8")
    columns = list(dict.fromkeys(key for row in wide for key in row))
    _write_csv(paths["csv"], wide, columns)
    _write_parquet(paths["parquet"], wide, columns)
    _write_csv(paths["samples_csv"], long, list(SAMPLE_COLUMNS))
    _write_parquet(paths["samples_parquet"], long, list(SAMPLE_COLUMNS))
    return paths

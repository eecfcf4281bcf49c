"""Run summaries: what a run produced, as `summary.json` and a short console table."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from petri_bt._dimensions import (
    DEFAULT_DIRECTION,
    JUDGE_SCORER,
    builtin_palettes,
    palette_direction,
)


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def _unreadable(path: str | Path, error: str) -> dict[str, Any]:
    return {
        "log": str(path),
        "task": None,
        "status": "unreadable",
        "eval_id": None,
        "models": {},
        "samples": 0,
        "errors": 0,
        "judge_refusals": 0,
        "dimension_means": {},
        "error": error,
    }


def log_summary(path: str | Path) -> dict[str, Any]:
    """Summarise one `.eval` log, streaming its samples (no Inspect import).

    Args:
        path: The log file.

    Returns:
        log, task, status, eval_id, models, samples, errors, judge refusals and the mean
        raw (1-10) score of every judge dimension; an unreadable log gives status
        `unreadable` and the reason in `error`, never an exception.
    """
    from petri_bt.export._reader import LogFile, LogReadError, SampleReadError

    try:
        log = LogFile(Path(path))
    except LogReadError as exc:
        return _unreadable(path, str(exc))
    totals: dict[str, float] = {}
    counts: dict[str, int] = {}
    samples = errors = refusals = 0
    with log:
        spec = log.eval_spec
        for _, sample in log.samples():
            samples += 1
            if isinstance(sample, SampleReadError) or sample.get("error"):
                errors += 1
                continue
            score = (sample.get("scores") or {}).get(JUDGE_SCORER)
            if score is None:
                continue
            if not isinstance(score.get("value"), dict):
                refusals += 1
                continue
            for dim, raw in score["value"].items():
                number = _numeric(raw)
                if number is not None:
                    totals[dim] = totals.get(dim, 0.0) + number
                    counts[dim] = counts.get(dim, 0) + 1
        header_error = (log.header.get("error") or {}).get("message")
        status = log.status
    roles = {
        role: str(entry.get("model"))
        for role, entry in (spec.get("model_roles") or {}).items()
        if isinstance(entry, dict)
    }
    return {
        "log": str(path),
        "task": spec.get("task"),
        "status": status,
        "eval_id": spec.get("eval_id"),
        "models": roles,
        "samples": samples,
        "errors": errors,
        "judge_refusals": refusals,
        "dimension_means": {dim: round(totals[dim] / counts[dim], 3) for dim in sorted(totals)},
        "error": str(header_error) if header_error else None,
    }


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
        )
        top = top_dimensions(entry["dimension_means"], skip=skip)
        if top:
            width = max(len(name) for name, _ in top)
            lines.append("  highest-scoring concern dimensions (mean, 1-10; higher is worse):")
            lines.extend(f"    {name:<{width}}  {value:5.2f}" for name, value in top)
    return "\n".join(lines)

"""Run summaries: what a run produced, as `summary.json` and a short console table."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

JUDGE_SCORER = "audit_judge"


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def log_summary(path: str | Path) -> dict[str, Any]:
    """Summarise one `.eval` log without loading its transcripts.

    Args:
        path: The log file.

    Returns:
        log, task, status, eval_id, models, samples, errors, refusals and the mean raw
        (1-10) score of every judge dimension.
    """
    from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries

    header = read_eval_log(str(path), header_only=True)
    totals: dict[str, float] = {}
    counts: dict[str, int] = {}
    samples = errors = refusals = 0
    for sample in read_eval_log_sample_summaries(str(path)):
        samples += 1
        if sample.error:
            errors += 1
        score = (sample.scores or {}).get(JUDGE_SCORER)
        if score is None:
            continue
        if not isinstance(score.value, dict):
            refusals += 1
            continue
        for dim, raw in score.value.items():
            number = _numeric(raw)
            if number is not None:
                totals[dim] = totals.get(dim, 0.0) + number
                counts[dim] = counts.get(dim, 0) + 1
    means = {dim: round(totals[dim] / counts[dim], 3) for dim in sorted(totals)}
    roles = {role: str(spec.model) for role, spec in (header.eval.model_roles or {}).items()}
    return {
        "log": str(path),
        "task": header.eval.task,
        "status": header.status,
        "eval_id": header.eval.eval_id,
        "models": roles,
        "samples": samples,
        "errors": errors,
        "judge_refusals": refusals,
        "dimension_means": means,
        "error": str(header.error.message) if header.error else None,
    }


def write_json(path: Path, payload: dict[str, Any]) -> Path:
    """Write a summary atomically (a crash never leaves half a file)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    tmp.replace(path)
    return path


def _not_concern_dimensions() -> set[str]:
    """Built-in dimensions where a high score is not a concern (good-high or no direction)."""
    from inspect_petri import judge_dimensions

    return {d.name for d in judge_dimensions() if (d.palette or "good-low") != "good-low"}


def top_dimensions(means: dict[str, float], n: int = 6) -> list[tuple[str, float]]:
    """The highest-scoring concern dimensions (higher is worse), most concerning first."""
    skip = _not_concern_dimensions()
    concerns = [(dim, mean) for dim, mean in means.items() if dim not in skip]
    return sorted(concerns, key=lambda item: (-item[1], item[0]))[:n]


def format_run_table(logs: list[dict[str, Any]]) -> str:
    """A short plain-text table: per log samples, errors and the top dimensions."""
    lines = []
    for entry in logs:
        lines.append(
            f"{entry['task']}  status={entry['status']}  samples={entry['samples']}  "
            f"errors={entry['errors']}  judge refusals={entry['judge_refusals']}"
        )
        top = top_dimensions(entry["dimension_means"])
        if top:
            width = max(len(name) for name, _ in top)
            lines.append("  highest-scoring concern dimensions (mean, 1-10; higher is worse):")
            lines.extend(f"    {name:<{width}}  {value:5.2f}" for name, value in top)
    return "\n".join(lines)

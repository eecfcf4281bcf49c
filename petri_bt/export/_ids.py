"""Deterministic row ids and stable experiment names.

A row's id is a hash of (eval id, sample id, epoch, part), where the part is
`sample` for the root span or the Inspect event's uuid for a child span. The
same log therefore always produces the same ids, and exporting it again (or
resuming after a crash) replaces rows instead of adding new ones.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

ROOT_PART = "sample"


def log_identity(eval_spec: dict[str, Any]) -> str:
    """The id a log's rows and experiment name derive from.

    Inspect's `task_id` survives an eval-set retry (the retried log gets a new
    eval id but keeps its task id, and reuses finished samples with their event
    ids), so rows resent after a resumed run replace themselves. Logs without a
    task id fall back to the eval id, then the run id.

    Args:
        eval_spec: The header's `eval` node (or an Inspect EvalSpec dumped to JSON).
    """
    return str(
        eval_spec.get("task_id") or eval_spec.get("eval_id") or eval_spec.get("run_id") or ""
    )


def row_id(eval_id: str, sample_id: Any, epoch: Any, part: str) -> str:
    """The id (and span id) of one Braintrust row.

    Args:
        eval_id: The Inspect eval id from the log header.
        sample_id: The sample id.
        epoch: The sample's epoch.
        part: `sample` for the root span, else the event's uuid.
    """
    key = f"petri_bt\x1f{eval_id}\x1f{sample_id}\x1f{epoch}\x1f{part}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def url_safe_name(text: str) -> str:
    """A model string or task name as a readable, URL-safe name part (provider and case kept).

    Args:
        text: E.g. `ollama/qwen3:8b` (gives `ollama-qwen3-8b`).
    """
    cleaned = re.sub(r"[^A-Za-z0-9._]+", "-", text).strip("-.")
    return cleaned or "unknown"


def target_model(eval_spec: dict[str, Any]) -> str | None:
    """The target model string recorded in an eval spec (header `eval` node)."""
    roles = eval_spec.get("model_roles") or {}
    target = roles.get("target")
    if isinstance(target, dict) and target.get("model"):
        return str(target["model"])
    model = eval_spec.get("model")
    return str(model) if model and model != "none/none" else None


def default_experiment_name(eval_spec: dict[str, Any]) -> str:
    """`<task>-<target>-<date of the eval>-<log id prefix>`: stable for a given log.

    The date comes from the log, so re-exporting months later lands in the same
    experiment; the log identity prefix (see `log_identity`) keeps two runs of one
    day apart, and a retried log in the same experiment as its first attempt.

    Args:
        eval_spec: The header's `eval` node (or an Inspect EvalSpec dumped to JSON).
    """
    task = str(eval_spec.get("task_display_name") or eval_spec.get("task") or "audit")
    task = task.rsplit("/", 1)[-1]
    target = target_model(eval_spec) or "target"
    date = str(eval_spec.get("created") or "")[:10] or "undated"
    identity = log_identity(eval_spec)[:6]
    parts = [url_safe_name(task), url_safe_name(target), date] + ([identity] if identity else [])
    return "-".join(parts)

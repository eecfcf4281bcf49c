"""Read arm logs into the few facts the paired analysis needs, sample by sample."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from petri_bt._dimensions import JUDGE_SCORER
from petri_bt.errors import UserError

PROBE_TOOL = "send_message"


@dataclass(frozen=True)
class ArmSample:
    """One audited seed (one epoch) of one arm.

    Args:
        seed_id: The stable seed id (the sample id).
        epoch: Inspect epoch (1-based).
        condition: `metadata.condition` of the sample.
        study: `metadata.study`.
        fingerprint: `metadata.study_fingerprint`.
        scores: Raw judge scores (dimension -> 1..10) or None when there are none.
        error: The sample's error message, when it failed.
        refusal: True when the judge refused to score.
        sent_messages: Every `send_message` text the auditor sent the target.
        log: The log file it came from.
    """

    seed_id: str
    epoch: int
    condition: str | None
    study: str | None
    fingerprint: str | None
    scores: dict[str, float] | None
    error: str | None
    refusal: bool
    sent_messages: tuple[str, ...]
    log: str


@dataclass
class LogInfo:
    """What a log's header says about the run.

    Args:
        path: The log file.
        task: Task name.
        status: success / error / cancelled / started.
        created: When the eval started (ISO time).
        models: Role -> model string.
        packages: Package versions Inspect recorded.
        samples: The log's samples, read.
        eval_id: Inspect's eval id.
        error: The run's error message, when it failed.
    """

    path: str
    task: str
    status: str
    created: str
    models: dict[str, str]
    packages: dict[str, str]
    samples: list[ArmSample] = field(default_factory=list)
    eval_id: str = ""
    error: str | None = None


def _scores(sample: dict[str, Any]) -> tuple[dict[str, float] | None, bool]:
    score = (sample.get("scores") or {}).get(JUDGE_SCORER)
    if not isinstance(score, dict):
        return None, False
    refusal = bool((score.get("metadata") or {}).get("refusal"))
    value = score.get("value")
    if not isinstance(value, dict):
        return None, refusal
    values: dict[str, float] = {}
    for dim, raw in value.items():
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            continue
        if math.isfinite(raw):
            values[str(dim)] = float(raw)
    return (values or None), refusal


def _sent_messages(sample: dict[str, Any]) -> tuple[str, ...]:
    from petri_bt.export import SampleText

    text = SampleText(sample).text
    sent = []
    for event in sample.get("events") or []:
        if not isinstance(event, dict) or event.get("event") != "tool":
            continue
        if event.get("function") != PROBE_TOOL:
            continue
        message = (event.get("arguments") or {}).get("message")
        if isinstance(message, str):
            sent.append(text(message))
    return tuple(sent)


def _error(error: Any) -> str | None:
    if not isinstance(error, dict):
        return None
    message = str(error.get("message") or "").strip()
    return message.splitlines()[0] if message else "error"


def _utc(created: Any) -> str:
    # Inspect normalizes this to UTC when it loads a log; do the same so re-runs sort by time.
    try:
        stamp = datetime.fromisoformat(str(created))
    except ValueError:
        return str(created)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).isoformat()


def _arm_sample(sample: dict[str, Any], log: str) -> ArmSample:
    metadata = sample.get("metadata") or {}
    scores, refusal = _scores(sample)
    return ArmSample(
        seed_id=str(sample.get("id")),
        epoch=int(sample.get("epoch") or 1),
        condition=metadata.get("condition"),
        study=metadata.get("study"),
        fingerprint=metadata.get("study_fingerprint"),
        scores=scores,
        error=_error(sample.get("error")),
        refusal=refusal,
        sent_messages=_sent_messages(sample),
        log=log,
    )


def read_arm_log(path: str | Path) -> LogInfo:
    """Read one log: its header and every sample it holds (a crashed run's too).

    Args:
        path: An Inspect log (`.eval` or `.json`).

    Raises:
        UserError: The file does not exist, is not an Inspect log, or has a damaged sample.
    """
    from petri_bt.export import LogFile, LogReadError, sample_name_key

    if not Path(path).is_file():
        raise UserError(f"from_logs: {path} does not exist")
    path = str(Path(path).resolve())
    try:
        log = LogFile(Path(path))
    except LogReadError as exc:
        raise UserError(f"from_logs: {exc}") from None
    with log:
        spec = log.eval_spec
        error = log.header.get("error")
        info = LogInfo(
            path=path,
            task=str(spec.get("task")),
            status=log.status,
            created=_utc(spec.get("created")),
            models={
                role: str(model.get("model"))
                for role, model in (spec.get("model_roles") or {}).items()
                if isinstance(model, dict)
            },
            packages=dict(spec.get("packages") or {}),
            eval_id=str(spec.get("eval_id") or ""),
            error=str(error.get("message")) if isinstance(error, dict) else None,
        )
        for name, sample in log.samples():
            if isinstance(sample, Exception):
                raise UserError(
                    f"from_logs: {path}: sample {sample_name_key(name)}: {sample}; "
                    "re-run that arm or restore the file"
                )
            info.samples.append(_arm_sample(sample, path))
    return info


def log_summary(info: LogInfo, path: str | Path) -> dict[str, Any]:
    """The run summary of one log (as `petri_bt.summary.log_summary` gives it), from a read log.

    Args:
        info: The log as `read_arm_log` read it (all its samples, before grouping into arms).
        path: The log path to show.
    """
    totals: dict[str, float] = {}
    counts: dict[str, int] = {}
    for sample in info.samples:
        for dim, value in (sample.scores or {}).items():
            totals[dim] = totals.get(dim, 0.0) + value
            counts[dim] = counts.get(dim, 0) + 1
    return {
        "log": str(path),
        "task": info.task,
        "status": info.status,
        "eval_id": info.eval_id,
        "models": info.models,
        "samples": len(info.samples),
        "errors": sum(1 for s in info.samples if s.error is not None),
        "judge_refusals": sum(1 for s in info.samples if s.refusal),
        "dimension_means": {d: round(totals[d] / counts[d], 3) for d in sorted(totals)},
        "error": info.error,
    }

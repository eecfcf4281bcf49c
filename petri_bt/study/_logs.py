"""Read arm logs into the few facts the paired analysis needs, sample by sample."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from petri_bt._dimensions import JUDGE_SCORER
from petri_bt.errors import UserError
from petri_bt.judging import stored_panel

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
        judge_scores: Each judge's raw scores (judge -> dimension -> 1..10) when a judge
            panel scored the sample; None for a single judge.
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
    judge_scores: dict[str, dict[str, float]] | None = None


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


def _raw_scores(value: Any) -> dict[str, float] | None:
    """Dimension -> raw score, keeping finite numbers only; None when none are left."""
    if not isinstance(value, dict):
        return None
    values: dict[str, float] = {}
    for dim, raw in value.items():
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            continue
        if math.isfinite(raw):
            values[str(dim)] = float(raw)
    return values or None


def _scores(sample: dict[str, Any]) -> tuple[dict[str, float] | None, bool]:
    score = (sample.get("scores") or {}).get(JUDGE_SCORER)
    if not isinstance(score, dict):
        return None, False
    refusal = bool((score.get("metadata") or {}).get("refusal"))
    return _raw_scores(score.get("value")), refusal


def panel_scores(judges: Any) -> dict[str, dict[str, float]] | None:
    """A judge panel's scores of one sample, as the analysis reads them.

    Args:
        judges: Judge (model string) -> dimension -> raw score, as the log holds it.
            Non-numeric and non-finite scores are dropped (a judge that gave up).

    Returns:
        Judge -> dimension -> raw score for the judges with at least one score; None
        when the mapping is missing or holds no score.
    """
    if not isinstance(judges, dict):
        return None
    panel = {str(judge): _raw_scores(scores) for judge, scores in judges.items()}
    kept = {judge: scores for judge, scores in panel.items() if scores}
    return kept or None


def _panel(sample: dict[str, Any]) -> Any:
    """Where a sample's per-judge scores sit in the log (the judge score's `judges` metadata)."""
    return stored_panel((sample.get("scores") or {}).get(JUDGE_SCORER))


def _sent_messages(sample: dict[str, Any]) -> tuple[str, ...]:
    from petri_bt.logs import SampleText

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
        judge_scores=panel_scores(_panel(sample)),
    )


def read_arm_log(path: str | Path) -> LogInfo:
    """Read one log: its header and every sample it holds (a crashed run's too).

    Args:
        path: An Inspect log (`.eval` or `.json`).

    Raises:
        UserError: The file does not exist, is not an Inspect log, or has a damaged sample.
    """
    from petri_bt.logs import LogFile, LogReadError, roles_in_spec, sample_name_key

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
            models=roles_in_spec(spec),
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

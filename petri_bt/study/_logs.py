"""Read arm logs into the few facts the paired analysis needs, sample by sample."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petri_bt.errors import UserError

JUDGE_SCORER = "audit_judge"
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
    """

    path: str
    task: str
    status: str
    created: str
    models: dict[str, str]
    packages: dict[str, str]
    samples: list[ArmSample] = field(default_factory=list)


def _scores(sample: Any) -> tuple[dict[str, float] | None, bool]:
    score = (sample.scores or {}).get(JUDGE_SCORER)
    if score is None:
        return None, False
    refusal = bool((score.metadata or {}).get("refusal"))
    if not isinstance(score.value, dict):
        return None, refusal
    values: dict[str, float] = {}
    for dim, raw in score.value.items():
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            continue
        if math.isfinite(raw):
            values[str(dim)] = float(raw)
    return (values or None), refusal


def _sent_messages(sample: Any) -> tuple[str, ...]:
    sent = []
    for event in sample.events or []:
        if getattr(event, "event", None) != "tool" or event.function != PROBE_TOOL:
            continue
        message = (event.arguments or {}).get("message")
        if isinstance(message, str):
            sent.append(message)
    return tuple(sent)


def _error(sample: Any) -> str | None:
    if sample.error is None:
        return None
    message = str(sample.error.message).strip()
    return message.splitlines()[0] if message else "error"


def read_arm_log(path: str | Path) -> LogInfo:
    """Read one log: its header and every sample it holds (a crashed run's too).

    Args:
        path: An Inspect log (`.eval` or `.json`).

    Raises:
        UserError: The file does not exist or is not an Inspect log.
    """
    from inspect_ai.log import read_eval_log, read_eval_log_samples

    if not Path(path).is_file():
        raise UserError(f"from_logs: {path} does not exist")
    path = str(Path(path).resolve())
    try:
        header = read_eval_log(path, header_only=True)
    except Exception as exc:  # Inspect raises many types for a file that is not a log
        raise UserError(f"from_logs: {path} is not an Inspect log ({type(exc).__name__})") from None
    info = LogInfo(
        path=path,
        task=header.eval.task,
        status=str(header.status),
        created=str(header.eval.created),
        models={role: str(cfg.model) for role, cfg in (header.eval.model_roles or {}).items()},
        packages=dict(header.eval.packages or {}),
    )
    if header.eval.dataset.sample_ids is None:
        return info
    for sample in read_eval_log_samples(
        path, all_samples_required=False, resolve_attachments=True, exclude_fields={"store"}
    ):
        metadata = sample.metadata or {}
        scores, refusal = _scores(sample)
        info.samples.append(
            ArmSample(
                seed_id=str(sample.id),
                epoch=int(sample.epoch),
                condition=metadata.get("condition"),
                study=metadata.get("study"),
                fingerprint=metadata.get("study_fingerprint"),
                scores=scores,
                error=_error(sample),
                refusal=refusal,
                sent_messages=_sent_messages(sample),
                log=path,
            )
        )
    return info

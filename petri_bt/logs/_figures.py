"""A log's run-summary figures (samples, errors and why, judge refusals and failures, failed
model calls, failed actions, mean scores), in one read.

The export adds each sample to a `LogFigures` as it streams the log, so a run
that exports reads its logs once; `summarise_log` reads a log for the figures
alone when nothing is exported.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from petri_bt._dimensions import JUDGE_SCORER
from petri_bt.judging import (
    DEFAULT_DISAGREEMENT,
    panel_agreement,
    stored_panel,
    stored_panel_settings,
)
from petri_bt.logs._call_errors import explain_call_error
from petri_bt.logs._eval_spec import role_servers, roles_in_spec
from petri_bt.logs._failed_actions import failed_actions
from petri_bt.logs._reader import LogFile, LogReadError, SampleReadError


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def unreadable_figures(path: str | Path, error: str) -> dict[str, Any]:
    """The figures of a log that cannot be read: status `unreadable` and the reason.

    Args:
        path: The log file.
        error: Why it cannot be read.
    """
    return {
        "log": str(path),
        "task": None,
        "status": "unreadable",
        "eval_id": None,
        "models": {},
        "samples": 0,
        "errors": 0,
        "cancelled": 0,
        "judge_refusals": 0,
        "dimension_means": {},
        "judge_agreement": None,
        **_problem_fields(),
        "error": error,
    }


_MAX_LISTED = 10  # errored samples listed per log (all are counted)


def _failed_calls(sample: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in sample.get("events") or () if e.get("event") == "model" and e.get("error")]


def was_cancelled(sample: dict[str, Any]) -> bool:
    """True for a sample cancelled by its run (by `budget_usd`, or an operator), not failed.

    Inspect stores such a sample with its CancelledError and an `operator` limit event.
    """
    message = str((sample.get("error") or {}).get("message") or "")
    return message.startswith("CancelledError") and any(
        e.get("event") == "sample_limit" and e.get("type") == "operator"
        for e in sample.get("events") or ()
    )


def sample_error_reason(sample: dict[str, Any], servers: dict[str, str] | None = None) -> str:
    """Why a sample errored, in one line: the failed model call when one caused it.

    Args:
        sample: A sample as stored in the log (its `error` and `events`).
        servers: Role -> the base URL its calls went to (named when unreachable).
    """
    error = sample.get("error") or {}
    message = str(error.get("message") or "").strip()
    traceback = str(error.get("traceback") or "")
    failed = _failed_calls(sample)
    if failed:
        last = failed[-1]
        cause = str(last["error"])
        if message.startswith("RetryError(") or cause.splitlines()[-1] in traceback + message:
            attempts = 0
            for event in reversed(failed):
                if (event.get("role"), event.get("model")) != (last.get("role"), last.get("model")):
                    break
                attempts += 1
            tries = f" ({attempts} attempts)" if attempts > 1 else ""
            role = last.get("role") or "model"
            server = (servers or {}).get(str(role))
            return f"{role} {last.get('model')}: {explain_call_error(cause, server)}{tries}"
    return explain_call_error(message) if message else "unknown error"


def _problem_fields(
    judge_failures: int = 0,
    errored: list[dict[str, Any]] | None = None,
    failures: dict[tuple[str, str, str], int] | None = None,
    actions: dict[tuple[str, str, str], list[Any]] | None = None,
) -> dict[str, Any]:
    return {
        "judge_failures": judge_failures,
        "sample_errors": (errored or [])[:_MAX_LISTED],
        "failed_model_calls": [
            {"role": role, "model": model, "calls": n, "error": reason}
            for (role, model, reason), n in sorted((failures or {}).items())
        ],
        "failed_actions": [
            {"role": role, "model": model, "count": n, "reason": reason, "example": example}
            for (role, model, reason), (n, example) in sorted((actions or {}).items())
        ],
    }


class LogFigures:
    """The run-summary figures of one log, added up sample by sample.

    Args:
        path: The log file (as it is to be shown).
        header: The log's header (`eval` node, status, error).
        status: The log's status (`success`, `error`, `started`, ...).
    """

    def __init__(self, path: str | Path, header: dict[str, Any], status: str):
        self._path = str(path)
        self._header = header
        self._status = status
        self.samples = 0
        self.errors = 0
        self.cancelled = 0
        self.refusals = 0
        self.judge_failures = 0
        self._errored: list[dict[str, Any]] = []
        self._failures: dict[tuple[str, str, str], int] = {}
        self._actions: dict[tuple[str, str, str], list[Any]] = {}  # -> [count, first detail]
        self._totals: dict[str, float] = {}
        self._counts: dict[str, int] = {}
        self._panels: dict[str, dict[str, Any]] = {}  # sample -> judge -> dim -> raw
        self._servers = role_servers(header.get("eval") or {})

    def add(self, sample: dict[str, Any] | SampleReadError) -> None:
        """Count one sample (or the error reading it).

        Args:
            sample: The stored sample, or the error that kept it from being read.
        """
        self.samples += 1
        if isinstance(sample, SampleReadError):
            self.errors += 1
            return
        for event in _failed_calls(sample):
            role = str(event.get("role") or "model")
            reason = explain_call_error(str(event["error"]), self._servers.get(role))
            key = (role, str(event.get("model")), reason)
            self._failures[key] = self._failures.get(key, 0) + 1
        for action in failed_actions(sample):
            seen = self._actions.setdefault(
                (action["role"], action["model"], action["reason"]), [0, action["detail"]]
            )
            seen[0] += 1
        if was_cancelled(sample):
            self.cancelled += 1
            return
        if sample.get("error"):
            self.errors += 1
            if len(self._errored) < _MAX_LISTED:
                reason = sample_error_reason(sample, self._servers)
                entry = {"sample": sample.get("id"), "epoch": sample.get("epoch"), "reason": reason}
                self._errored.append(entry)
            return
        score = (sample.get("scores") or {}).get(JUDGE_SCORER)
        if score is None:
            return
        panel = stored_panel(score)
        if panel is not None:  # a judge that gave no answer holds None: it did not score
            scored = {judge: raw for judge, raw in panel.items() if isinstance(raw, dict)}
            self._panels[f"{sample.get('id')}/{sample.get('epoch', 1)}"] = scored
        value = score.get("value")
        if not isinstance(value, dict):
            # a refusal says so; anything else is a judge that gave no valid answer (NaN)
            if (score.get("metadata") or {}).get("refusal"):
                self.refusals += 1
            else:
                self.judge_failures += 1
            return
        for dim, raw in value.items():
            number = _numeric(raw)
            if number is not None:
                self._totals[dim] = self._totals.get(dim, 0.0) + number
                self._counts[dim] = self._counts.get(dim, 0) + 1

    def _agreement(self, spec: dict[str, Any]) -> dict[str, Any] | None:
        """Per dimension: the panel's alpha, mean spread and flagged samples (None: no panel)."""
        if not self._panels:
            return None
        settings = stored_panel_settings(spec) or {}
        threshold = settings.get("disagreement", DEFAULT_DISAGREEMENT)
        agreement = panel_agreement(self._panels, disagreement=threshold)
        return {
            "judges": settings.get("judges")
            or sorted({j for p in self._panels.values() for j in p}),
            "aggregate": settings.get("aggregate"),
            "disagreement": threshold,
            "dimensions": {
                dim: {
                    "alpha": figures["alpha"],
                    "mean_spread": figures["mean_spread"],
                    "flagged": figures["flagged"],
                    "note": figures["note"],
                }
                for dim, figures in agreement.items()
            },
        }

    def as_dict(self) -> dict[str, Any]:
        """log, task, status, eval_id, models, samples, errors, cancelled (samples the run
        cancelled: not started once `budget_usd` was spent), judge_refusals,
        dimension_means (mean raw 1-10 score per dimension), the judge panel's
        agreement (when the log was judged by a panel), judge_failures (no valid answer),
        sample_errors (id, epoch and reason of errored samples), failed_model_calls (role,
        model, count and reason; Petri goes on after a failed target call, so a run can
        succeed with them), failed_actions (role, model, count, reason and a first example
        of answers the run could not act on: an auditor turn with no tool call, a judge
        answer that cannot be parsed) and the log's error."""
        spec = self._header.get("eval") or {}
        error = (self._header.get("error") or {}).get("message")
        return {
            "log": self._path,
            "task": spec.get("task"),
            "status": self._status,
            "eval_id": spec.get("eval_id"),
            "models": roles_in_spec(spec),
            "samples": self.samples,
            "errors": self.errors,
            "cancelled": self.cancelled,
            "judge_refusals": self.refusals,
            "dimension_means": {
                dim: round(self._totals[dim] / self._counts[dim], 3) for dim in sorted(self._totals)
            },
            "judge_agreement": self._agreement(spec),
            **_problem_fields(self.judge_failures, self._errored, self._failures, self._actions),
            "error": str(error) if error else None,
        }


def summarise_log(path: str | Path) -> dict[str, Any]:
    """The run-summary figures of one log, streaming its samples (no Inspect import).

    Args:
        path: The log file.

    Returns:
        log, task, status, eval_id, models, samples, errors, judge_refusals, the mean raw
        (1-10) score of every judge dimension and the log's error; an unreadable log gives
        status `unreadable` and the reason in `error`, never an exception.
    """
    try:
        log = LogFile(Path(path))
    except LogReadError as exc:
        return unreadable_figures(path, str(exc))
    with log:
        figures = LogFigures(path, log.header, log.status)
        for _, sample in log.samples():
            figures.add(sample)
    return figures.as_dict()

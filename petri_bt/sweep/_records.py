"""What a sweep job leaves in its folder: `job.json`, next to the run's `summary.json`.

`job.json` is written when the job ends, whichever launcher ran it, and says how
it ended (`ok` or `failed`, with one line saying why). The sweep summary is
built from these files, so it works the same for jobs that ran in this process,
in joblib workers or on SLURM nodes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from petri_bt.errors import UserError
from petri_bt.summary import write_json

JOB_RECORD = "job.json"
RUN_SUMMARY = "summary.json"
OK = "ok"
FAILED = "failed"
UNFINISHED = "unfinished"


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from a file, or None when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _export_problem(export: dict[str, Any]) -> str:
    for log in export.get("logs", []):
        if log.get("error"):
            return _first_line(str(log["error"]))
        if log.get("failed"):
            first = log["failed"][0]
            return f"{len(log['failed'])} sample(s) not delivered ({_first_line(str(first.get('error')))})"
    return "see summary.json"


def failure_reason(job_dir: Path, exc: BaseException | None = None) -> str:
    """One line saying why a job failed, from its summary.json or its exception.

    Args:
        job_dir: The job folder.
        exc: The exception the job raised, if any.
    """
    if isinstance(exc, UserError):
        return str(exc)
    summary = read_json(job_dir / RUN_SUMMARY)
    if summary is not None and not summary.get("ok", True):
        for log in summary.get("logs", []):
            if log.get("status") != "success":
                detail = (
                    _first_line(str(log.get("error") or "")) or f"{log.get('errors')} sample errors"
                )
                reason = f"eval {log.get('status')}: {detail}"
                if summary.get("export_deferred"):
                    reason += " (not exported yet: rerun the same command to retry the job)"
                return reason
        export = summary.get("export") or {}
        if not export.get("ok", True):
            return f"export failed: {_export_problem(export)}"
    if exc is not None:
        message = _first_line(str(exc))
        return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return "failed: see summary.json"


def write_job_record(
    job_dir: Path,
    *,
    num: int,
    name: str,
    experiment: str | None,
    overrides: list[str],
    ok: bool,
    error: str | None = None,
    launcher: str | None = None,
) -> Path:
    """Write `job.json` for a finished job.

    Args:
        job_dir: The job folder.
        num: Hydra's job number.
        name: The job's readable name.
        experiment: The Braintrust experiment name (None when not exporting).
        overrides: The job's overrides, secrets redacted.
        ok: True when the run and its export succeeded.
        error: One line saying what went wrong.
        launcher: The Hydra launcher that ran the job.
    """
    return write_json(
        job_dir / JOB_RECORD,
        {
            "num": num,
            "name": name,
            "experiment": experiment,
            "overrides": overrides,
            "status": OK if ok else FAILED,
            "error": None if ok else error,
            "launcher": launcher,
        },
    )

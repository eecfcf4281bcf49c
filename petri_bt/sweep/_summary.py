"""The sweep summary: `sweep_summary.json` at the sweep root and a printed table.

Built only from the job folders (`.hydra/overrides.yaml`, `job.json`,
`summary.json`), so it is the same whichever launcher ran the jobs and wherever.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from petri_bt._yaml import load_yaml
from petri_bt.naming import job_name
from petri_bt.summary import write_json
from petri_bt.sweep._records import (
    FAILED,
    JOB_RECORD,
    OK,
    RUN_SUMMARY,
    UNFINISHED,
    failure_reason,
    read_json,
)

SWEEP_SUMMARY = "sweep_summary.json"
# Shown in the table when present: Petri's headline dimensions (all are in the JSON).
MAIN_DIMENSIONS = ("concerning", "needs_attention", "disappointing", "eval_awareness", "admirable")
_TABLE_DIMENSIONS = 5


def _job_folders(sweep_dir: Path) -> list[Path]:
    folders = [p.parent.parent for p in sweep_dir.glob("*/.hydra/overrides.yaml")]

    def number(folder: Path) -> tuple[int, str]:
        match = re.match(r"^(\d+)", folder.name)
        return (int(match.group(1)) if match else 1 << 30, folder.name)

    return sorted(folders, key=number)


def _weighted_means(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Dimension means of several logs (or jobs, or arms), weighted by samples scored."""
    totals: dict[str, float] = {}
    weights: dict[str, int] = {}
    for row in rows:
        weight = max(1, int(row.get("samples") or 0) - int(row.get("errors") or 0))
        for dim, mean in (row.get("dimension_means") or {}).items():
            totals[dim] = totals.get(dim, 0.0) + float(mean) * weight
            weights[dim] = weights.get(dim, 0) + weight
    return {dim: round(totals[dim] / weights[dim], 3) for dim in sorted(totals)}


def _find_link(export: Any) -> str | None:
    """The first Braintrust URL anywhere in an export summary."""
    if isinstance(export, dict):
        for key in ("experiment_url", "url", "link"):
            value = export.get(key)
            if isinstance(value, str) and value.startswith(("http://", "https://")):
                return value
        values = list(export.values())
    elif isinstance(export, list):
        values = export
    else:
        return None
    for value in values:
        found = _find_link(value)
        if found:
            return found
    return None


def _arms(run: dict[str, Any]) -> list[dict[str, Any]]:
    """A study job's arms, each with its own figures: a study's arms are not averaged.

    Args:
        run: The job's `summary.json` (a study's names its `arms`: condition -> log).
    """
    arms = run.get("arms")
    if not isinstance(arms, dict) or not arms:
        return []
    logs = run.get("logs") or []
    by_log = {str(log.get("log")): log for log in logs}
    exports = run.get("export") if isinstance(run.get("export"), dict) else {}
    rows = []
    for num, (arm, path) in enumerate(arms.items()):
        log = by_log.get(str(path)) or (logs[num] if num < len(logs) else {})
        rows.append(
            {
                "arm": arm,
                "samples": log.get("samples", 0),
                "errors": log.get("errors", 0),
                "dimension_means": dict(log.get("dimension_means") or {}),
                "experiment_url": _find_link(exports.get(arm)),
            }
        )
    return rows


def job_row(job_dir: Path) -> dict[str, Any]:
    """One job of the sweep, as recorded in its folder.

    Args:
        job_dir: The job folder (holding `.hydra/`).
    """
    overrides = load_yaml((job_dir / ".hydra" / "overrides.yaml").read_text()) or []
    record = read_json(job_dir / JOB_RECORD) or {}
    run = read_json(job_dir / RUN_SUMMARY)
    if record:
        status = record.get("status", FAILED)
    elif run is not None:
        status = OK if run.get("ok") else FAILED
    else:
        status = UNFINISHED
    error = record.get("error")
    if status == FAILED and not error:
        error = failure_reason(job_dir)
    logs = (run or {}).get("logs", [])
    arms = _arms(run or {})
    match = re.match(r"^(\d+)", job_dir.name)
    return {
        "num": record.get("num", int(match.group(1)) if match else None),
        "name": record.get("name", job_dir.name),
        "overrides": [str(o) for o in overrides],
        "status": status,
        "error": error,
        "samples": (run or {}).get("samples", 0),
        "errors": (run or {}).get("errors", 0),
        "dimension_means": {} if arms else _weighted_means(logs),
        "arms": arms,
        "experiment": record.get("experiment"),
        "experiment_url": _find_link((run or {}).get("export")),
        "logs": [log.get("log") for log in logs],
        "launcher": record.get("launcher"),
        "job_dir": str(job_dir.resolve()),
    }


def _without_shard(overrides: list[str]) -> tuple[str, ...]:
    return tuple(o for o in overrides if not o.lstrip("+~").startswith("shard="))


def _merged_arms(shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A sharded study's arms: each arm's shares added up, in the arms' order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for job in shards:
        for arm in job.get("arms") or []:
            groups.setdefault(arm["arm"], []).append(arm)
    return [
        {
            "arm": name,
            "samples": sum(int(a["samples"] or 0) for a in group),
            "errors": sum(int(a["errors"] or 0) for a in group),
            "dimension_means": _weighted_means(group),
            "experiment_url": next(
                (a["experiment_url"] for a in group if a["experiment_url"]), None
            ),
        }
        for name, group in groups.items()
    ]


def _merged(shards: list[dict[str, Any]]) -> dict[str, Any]:
    """The shards of one audit (`shards=N`) as one row: their samples and errors added,
    their means weighted by samples scored, ok when every shard is."""
    statuses = {job["status"] for job in shards}
    status = OK if statuses == {OK} else FAILED if FAILED in statuses else UNFINISHED
    problems = [f"shard {i}: {job['error']}" for i, job in enumerate(shards) if job["error"]]
    first = shards[0]
    overrides = list(_without_shard(first["overrides"]))
    return {
        "num": first["num"],
        "name": job_name(overrides),
        "overrides": overrides,
        "status": status,
        "error": "; ".join(problems) or None,
        "samples": sum(int(job["samples"] or 0) for job in shards),
        "errors": sum(int(job["errors"] or 0) for job in shards),
        "dimension_means": _weighted_means(shards),
        "arms": _merged_arms(shards),
        "experiment": next((j["experiment"] for j in shards if j["experiment"]), None),
        "experiment_url": next((j["experiment_url"] for j in shards if j["experiment_url"]), None),
        "logs": [log for job in shards for log in job["logs"]],
        "shards": f"{sum(1 for j in shards if j['status'] == OK)}/{len(shards)} ok",
        "jobs": [job["num"] for job in shards],
    }


def audit_rows(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sweep's audits: each job, except that the shards of one audit are one row.

    Args:
        jobs: The job rows (`job_row`), in job order.
    """
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for job in jobs:
        groups.setdefault(_without_shard(job["overrides"]), []).append(job)
    rows = []
    for group in groups.values():
        sharded = any(o.lstrip("+~").startswith("shard=") for o in group[0]["overrides"])
        rows.append(_merged(group) if sharded else {**group[0], "shards": None})
    return rows


def main_dimensions(jobs: list[dict[str, Any]], limit: int = _TABLE_DIMENSIONS) -> list[str]:
    """The dimensions the table shows: Petri's headline ones when scored, else the first."""
    rows = [*jobs, *(arm for job in jobs for arm in job.get("arms") or [])]
    seen = sorted({dim for row in rows for dim in row["dimension_means"]})
    headline = [dim for dim in MAIN_DIMENSIONS if dim in seen]
    return (headline or seen)[:limit]


def build_sweep_summary(sweep_dir: Path) -> dict[str, Any]:
    """Collect every job folder of a sweep into one summary.

    Args:
        sweep_dir: The sweep root (`hydra.sweep.dir`).

    Returns:
        sweep_dir, ok (every job succeeded), counts, main_dimensions and one row per job.
    """
    jobs = [job_row(folder) for folder in _job_folders(sweep_dir)]
    counts = {
        status: sum(1 for j in jobs if j["status"] == status) for status in (OK, FAILED, UNFINISHED)
    }
    return {
        "sweep_dir": str(sweep_dir),
        "ok": bool(jobs) and counts[OK] == len(jobs),
        "jobs_total": len(jobs),
        "jobs_ok": counts[OK],
        "jobs_failed": counts[FAILED],
        "jobs_unfinished": counts[UNFINISHED],
        "samples": sum(int(j["samples"] or 0) for j in jobs),
        "sample_errors": sum(int(j["errors"] or 0) for j in jobs),
        "main_dimensions": main_dimensions(jobs),
        "jobs": jobs,
        "audits": audit_rows(jobs),
    }


def write_sweep_summary(sweep_dir: Path) -> dict[str, Any]:
    """Build the sweep summary and write it to `<sweep_dir>/sweep_summary.json`."""
    summary = build_sweep_summary(sweep_dir)
    if summary["jobs"]:
        write_json(sweep_dir / SWEEP_SUMMARY, summary)
    return summary


def _varying(jobs: list[dict[str, Any]]) -> list[str]:
    """Override keys whose value differs between jobs (the swept ones)."""
    values: dict[str, set[str]] = {}
    for job in jobs:
        for override in job["overrides"]:
            key, _, value = override.partition("=")
            values.setdefault(key, set()).add(value)
    return [key for key, seen in values.items() if len(seen) > 1 or len(jobs) == 1]


def _render(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def format_sweep_table(summary: dict[str, Any]) -> str:
    """The sweep as a plain-text table: swept overrides, status, samples, errors,
    the main dimensions' means, and where the results are."""
    jobs = summary.get("audits") or summary["jobs"]
    if not jobs:
        return "sweep: no jobs"
    keys = _varying(jobs)
    dims = summary["main_dimensions"]
    sharded = any(job.get("shards") for job in jobs)
    studies = any(job.get("arms") for job in jobs)
    header = ["#", "overrides", *(["arm"] if studies else []), "status"]
    header += [*(["shards"] if sharded else []), "samples", "errors", *dims, "experiment"]
    rows = [header]
    for job in jobs:
        mine = dict(o.partition("=")[::2] for o in job["overrides"])
        shown = " ".join(f"{k}={mine[k]}" for k in keys if k in mine) or "-"
        for n, part in enumerate(job.get("arms") or [job]):
            means = [
                f"{part['dimension_means'][d]:.2f}" if d in part["dimension_means"] else "-"
                for d in dims
            ]
            where = part["experiment_url"] or (job["experiment"] if n == 0 else None) or "-"
            lead = [str(job["num"]), shown] if n == 0 else ["", ""]
            rows.append(
                [
                    *lead,
                    *([part.get("arm", "-")] if studies else []),
                    job["status"] if n == 0 else "",
                    *([(job.get("shards") or "-") if n == 0 else ""] if sharded else []),
                    str(part["samples"]),
                    str(part["errors"]),
                    *means,
                    where,
                ]
            )
    lines = _render(rows)
    problems: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for job in jobs:
        if job["status"] != OK:
            problems.setdefault((job["status"], job["error"] or "no result"), []).append(job)
    for (status, error), same in problems.items():
        if len(same) == 1:
            lines.append(f"job {same[0]['num']} ({same[0]['name']}) {status}: {error}")
        else:
            lines.append(f"jobs {', '.join(str(j['num']) for j in same)} {status}: {error}")
    lines.append(
        f"{summary['jobs_ok']}/{summary['jobs_total']} jobs ok, {summary['samples']} samples, "
        f"{summary['sample_errors']} sample errors  (dimension means, 1-10)"
    )
    logs = [Path(log) for job in jobs for log in job["logs"] if log]
    if logs:
        folders = {log.parent for log in logs}
        where = folders.pop() if len(folders) == 1 else Path(summary["sweep_dir"]).resolve()
        lines.append(f"View the transcripts: inspect view --log-dir {where}")
    lines.append(f"Sweep summary: {Path(summary['sweep_dir']) / SWEEP_SUMMARY}")
    return "\n".join(lines)

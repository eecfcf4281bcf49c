"""Audits of a real model: the README's real-model commands, run as written.

The model is SmolLM2-135M served by scripts/local-model: it returns what real models
return (tool calls with garbled or missing arguments, HTML entities in JSON, empty
answers, judge scores of 792804318), and takes seconds per call.
"""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path
from typing import Any

import pytest
from support.cli import cli_env, run_cli, run_folders
from support.local_model import AUDIT, BASE_URL_VARIABLE, STUDY, SWEEP, THREE_ROLES, read_samples
from support.timing_proxy import TimingProxy

pytestmark = pytest.mark.realmodel


def _run(command: str, cwd: Path, url: str, timeout: float = 1200) -> Any:
    env = cli_env(**{BASE_URL_VARIABLE: url})
    return run_cli(*shlex.split(command), cwd=cwd, env=env, timeout=timeout)


def _bundle_rows(run: Path) -> list[dict[str, Any]]:
    (bundle,) = run.glob("braintrust-bundle/*.jsonl")
    return [json.loads(line) for line in bundle.read_text().splitlines()]


def _model_events(sample: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return [e for e in sample["events"] if e.get("event") == "model" and e.get("role") == role]


def _message(event: dict[str, Any]) -> dict[str, Any]:
    return ((event.get("output") or {}).get("choices") or [{}])[0].get("message") or {}


def test_a_real_target_audit_parses_its_tool_calls_and_exports_its_tokens_and_latency(
    local_model: str, proxy: TimingProxy, tmp_path: Path
) -> None:
    result = _run(AUDIT, tmp_path, proxy.api_root)
    assert result.returncode == 0, result.stderr[-3000:]
    (run,) = run_folders(tmp_path)
    (log,) = json.loads((run / "summary.json").read_text())["logs"]
    assert (log["status"], log["samples"], log["errors"]) == ("success", 1, 0)
    (sample,) = read_samples(next((run / "logs").glob("*.eval")))
    calls = [
        c for e in _model_events(sample, "target") for c in _message(e).get("tool_calls") or []
    ]
    parsed = [c for c in calls if isinstance(c.get("arguments"), dict) and not c.get("parse_error")]
    assert parsed, f"no target tool call was parsed: {calls}"

    # every target call's tokens are the ones the server reported, and its latency is
    # the time the call took on the wire (through the proxy)
    served = proxy.completions()
    spans = sorted(
        (r for r in _bundle_rows(run) if (r.get("metadata") or {}).get("role") == "target"),
        key=lambda r: r["metrics"]["start"],
    )
    assert spans and len(spans) == len(served) == len(_model_events(sample, "target"))
    for span, call in zip(spans, served, strict=True):
        assert call.status == 200 and call.usage is not None
        metrics = span["metrics"]
        assert (metrics["prompt_tokens"], metrics["completion_tokens"]) == (
            call.usage["prompt_tokens"],
            call.usage["completion_tokens"],
        )
        latency = span["metadata"]["latency_s"]
        assert abs(latency - (call.end - call.start)) < 1.0, (latency, call)
        assert abs((metrics["end"] - metrics["start"]) - latency) < 1.0


def _count_no_tool_call(sample: dict[str, Any], role: str) -> int:
    return sum(
        1
        for e in _model_events(sample, role)
        if not e.get("error") and e.get("tools") and not _message(e).get("tool_calls")
    )


def _count_tool_errors(sample: dict[str, Any], function: str) -> int:
    return sum(
        1
        for e in sample["events"]
        if e.get("event") == "tool" and e.get("function") == function and e.get("error")
    )


def test_all_three_roles_on_the_real_model_end_in_bounded_time_with_every_failure_named(
    local_model: str, tmp_path: Path
) -> None:
    start = time.monotonic()
    result = _run(THREE_ROLES, tmp_path, local_model)
    took = time.monotonic() - start
    # auditor 1 turn, target at most one call a turn, judge at most 3 attempts: each call
    # ends within `timeout` (240 s; no retries), plus the run's own minute
    assert took < 6 * 240 + 120
    (run,) = run_folders(tmp_path)
    summary = json.loads((run / "summary.json").read_text())
    (log,) = summary["logs"]
    # exit status per fail_on_error (null: any errored sample fails the run)
    assert result.returncode == (1 if log["errors"] else 0), result.stderr[-3000:]
    (sample,) = read_samples(next((run / "logs").glob("*.eval")))
    failed = {(a["role"], a["reason"]): a for a in log["failed_actions"]}
    no_call = sum(
        a["count"]
        for (role, reason), a in failed.items()
        if role == "auditor" and reason.startswith("no tool call")
    )
    assert no_call == _count_no_tool_call(sample, "auditor")
    judge_bad = sum(a["count"] for (role, _), a in failed.items() if role == "judge")
    assert judge_bad == _count_no_tool_call(sample, "judge") + _count_tool_errors(sample, "answer")
    assert all(a["reason"] and a["example"] for a in log["failed_actions"])
    table = result.stdout
    for action in log["failed_actions"]:
        assert (
            f"failed actions: {action['role']} {action['model']} x{action['count']}: {action['reason']}"
            in table
        )
    if log["errors"]:
        # an errored sample: its reason in the table and summary.json, and the export
        # says why it sent no row
        (error,) = log["sample_errors"]
        assert error["reason"] and f"errored: {error['reason']}" in table
        (skipped,) = summary["export"]["logs"][0]["skipped"]
        assert skipped["reason"].startswith("the sample errored during the run")
        return
    (root,) = [r for r in _bundle_rows(run) if not r.get("span_parents")]
    judge = root["metadata"]["judge"]
    assert len(root["metadata"]["failed_actions"]) == sum(a["count"] for a in log["failed_actions"])
    if log["judge_failures"]:
        assert judge["status"] == "failed" and judge_bad >= 1
        assert "the last: " in judge["reason"] or "no valid answer" in judge["reason"]
    else:
        assert judge["status"] == "scored" and root["scores"]


def test_a_two_job_sweep_on_the_real_model_writes_its_table(
    local_model: str, tmp_path: Path
) -> None:
    result = _run(SWEEP, tmp_path, local_model)
    assert result.returncode == 0, result.stderr[-3000:]
    (sweep,) = (tmp_path / "outputs" / "sweeps").iterdir()
    summary = json.loads((sweep / "sweep_summary.json").read_text())
    assert summary["jobs_total"] == summary["jobs_ok"] == 2
    swept = sorted(o for job in summary["jobs"] for o in job["overrides"] if "temperature" in o)
    assert swept == ["+target.config.temperature=0.7", "+target.config.temperature=1"]
    assert all(job["samples"] == 1 for job in summary["jobs"])
    for job in summary["jobs"]:
        assert job["name"] in result.stdout


def test_a_study_on_the_real_model_writes_its_report(local_model: str, tmp_path: Path) -> None:
    result = _run(STUDY, tmp_path, local_model)
    assert result.returncode == 0, result.stderr[-3000:]
    (run,) = run_folders(tmp_path)
    report = json.loads((run / "report.json").read_text())
    assert (run / "report.md").is_file()
    assert report["provenance"]["models"]["target"] == ["llama-cpp-python/smollm2"]
    assert {arm["samples"] for arm in report["arms"].values()} == {1}
    assert len(report["arms"]) == 3 and len(report["comparisons"]) == 2

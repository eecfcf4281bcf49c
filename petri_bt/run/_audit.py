"""One audit run: checks, Inspect eval, export, summary."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petri_bt.errors import Problems
from petri_bt.run._eval import run_eval
from petri_bt.run._forecast import Forecast, check_budget
from petri_bt.run._plan import RunPlan
from petri_bt.run._record import write_record
from petri_bt.run._seeds import check_seeds
from petri_bt.run._spend import format_spend, spend_against_forecast
from petri_bt.run._task import build_task
from petri_bt.summary import format_run_table, write_json


@dataclass
class RunResult:
    """What a run left behind.

    Args:
        run_dir: The run folder.
        log_paths: The Inspect `.eval` logs.
        summary: The contents of `summary.json`.
        export: The export summary (None when export is off).
    """

    run_dir: Path
    log_paths: list[Path] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    export: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        logs_ok = all(e["status"] == "success" for e in self.summary.get("logs", []))
        return logs_ok and (self.export is None or bool(self.export.get("ok", False)))


def check_export(plan: RunPlan) -> None:
    """Before any model call: the export can go where it should (the key for Braintrust)."""
    if plan.export.sink == "braintrust":
        from petri_bt.export import require_api_key

        require_api_key(
            "export=braintrust", "(or use export=local to write a bundle you can upload later)"
        )


def announce_export(plan: RunPlan) -> None:
    """Say once, at the start, where the export goes."""
    if plan.export_note:
        print(plan.export_note)


def prepare(plan: RunPlan, *, seeds: bool = True) -> Forecast | None:
    """Every check that can fail before a model is called: the models can be called, the
    export can go where it should, the seeds exist, the forecast is within `budget_usd`.
    Every problem found is reported together, one line each.

    Args:
        plan: The run plan.
        seeds: Also check the seed selection and the budget (a study brings its own
            seeds and checks its budget itself).

    Returns:
        The run's forecast, when it has a pilot or a budget (and `seeds` is true).

    Raises:
        UserError: Every problem found, one per line.
    """
    from petri_bt.preflight import preflight  # only runs that call models need it

    target_tools = plan.task_args["target_tools"] != "none"
    compaction = bool(plan.task_args["compaction"])
    checks = {"target_tools": target_tools, "compaction": compaction}
    problems = Problems()
    with problems.check():
        for warning in preflight(plan.checked_models, **checks):
            print(f"petri_bt: warning: {warning}", file=sys.stderr)
    with problems.check():
        check_export(plan)
    expected = None
    if seeds:
        with problems.check():
            count = check_seeds(plan.seeds, plan.limit)
            expected = check_budget(plan, count * plan.epochs)
    problems.raise_any()
    return expected


def summary_block(
    plan: RunPlan, run_dir: Path, logs: list[dict[str, Any]], export: Any, **extra: Any
) -> dict[str, Any]:
    """What every run's `summary.json` holds: the plan's roles and experiment, the logs'
    figures, the export; callers add their own keys and `ok`.

    Args:
        plan: The run plan.
        run_dir: The run folder.
        logs: One summary per log (`petri_bt.logs.summarise_log`).
        export: The export result(s), None when nothing was exported.
        **extra: Further keys.
    """
    return {
        "run_dir": str(run_dir),
        **plan.summary(),
        "logs": logs,
        "samples": sum(e["samples"] for e in logs),
        "errors": sum(e["errors"] for e in logs),
        "cancelled": sum(e.get("cancelled", 0) for e in logs),
        "export": export,
        **extra,
    }


def export_and_summarise(
    plan: RunPlan,
    run_dir: Path,
    log_paths: list[Path],
    *,
    extra: dict[str, Any] | None = None,
    already_sent: Collection[str] = (),
    forecast: Forecast | None = None,
) -> RunResult:
    """Export the logs (unless export is off), then write and print the run summary.

    Args:
        plan: The run plan (export settings: each log goes to the experiment its header
            records, or to `export.experiment` when the user gave one).
        run_dir: The run folder (summary.json and any local bundle go here).
        log_paths: The logs to summarise and export.
        extra: Further keys for summary.json.
        already_sent: Root row ids the live export delivered (not sent again).
        forecast: The run's forecast: the summary and the table then show what it
            spent against it.
    """
    result = RunResult(run_dir=run_dir, log_paths=log_paths)
    if plan.exporting:
        from petri_bt.export import export_logs

        result.export = export_logs(
            log_paths,
            plan.export,
            out_dir=run_dir,
            run_config=dict(plan.run_config),
            experiment=plan.export.experiment or None,
            already_sent=already_sent,
            announce=False,
        )
        logs = [entry["run_summary"] for entry in result.export["logs"]]
    else:
        from petri_bt.logs import summarise_log

        logs = [summarise_log(p) for p in log_paths]
    result.summary = summary_block(plan, run_dir, logs, result.export, **(extra or {}))
    if forecast is not None:
        ran = result.summary["samples"] - result.summary["cancelled"]
        result.summary["spend"] = spend_against_forecast(forecast, log_paths, plan.export, ran)
    result.summary["ok"] = result.ok
    write_json(run_dir / "summary.json", result.summary)
    print(format_run_table(logs))
    if forecast is not None:
        print(format_spend(result.summary["spend"]))
    for folder in sorted({str(p.parent) for p in log_paths}):
        print(f"View the transcripts: inspect view --log-dir {folder}")
    print(f"Summary: {run_dir / 'summary.json'}")
    return result


def run_audit(plan: RunPlan, run_dir: Path) -> RunResult:
    """Run one audit end to end: checks, Inspect eval, export, summary.

    Args:
        plan: The run plan.
        run_dir: The run folder.
    """
    expected = prepare(plan)
    announce_export(plan)
    task = build_task(plan)
    write_record(plan, run_dir, dataset=task.dataset)
    live: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
    if plan.export.live and plan.exporting:
        from petri_bt.export import live_export

        live = live_export(
            plan.export, run_config=dict(plan.run_config), experiment=plan.export.experiment
        )
    with live as exporter, budget_held(plan) as guard:
        logs = run_eval(plan, [task], plan.logs_in(run_dir))
    log_paths = [Path(log.location) for log in logs]
    sent = exporter.confirmed if exporter is not None else ()
    extra = {"budget": guard.summary()} if guard is not None else None
    return export_and_summarise(
        plan, run_dir, log_paths, already_sent=sent, forecast=expected, extra=extra
    )


def budget_held(plan: RunPlan) -> contextlib.AbstractContextManager[Any]:
    """A block in which the run's evals stop starting samples once `budget_usd` is spent."""
    if plan.budget_usd is None:
        return contextlib.nullcontext()
    from petri_bt.run._budget import spend_guard

    return spend_guard(plan.budget_usd, plan.export.pricing)

"""The actions: the run plan decides what the command does (run, export, show, plan, ...)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from petri_bt._console import JOB_LOG, job_log
from petri_bt._hydra_io import (
    discard_if_empty,
    replace_saved_config,
    save_resolved_roles,
    scrub_saved_config,
)
from petri_bt.config import Action
from petri_bt.errors import UserError, print_error
from petri_bt.naming import sweep_job_names
from petri_bt.run import RunPlan, make_plan

READ_ONLY = frozenset({Action.show, Action.topics, Action.reprice})
"""Actions that leave nothing behind in the run folder."""


def run_action(the_plan: RunPlan, run_dir: Path) -> Any:
    """Carry out the planned action.

    Args:
        the_plan: The run plan.
        run_dir: The run folder for this job.

    Returns:
        The action's result: a `RunResult` (run, export), the study's summary dict,
        the upload summary dict, or None (show, topics, reprice).
    """
    action = the_plan.action
    if action is Action.show:
        _show(the_plan)
        return None
    settings = the_plan.export
    if action is Action.topics:
        from petri_bt.export import topics_init

        topics_init(settings.project, dry_run=settings.dry_run)
        return None
    if action is Action.upload:
        from petri_bt.export import upload_bundle

        if not settings.bundle:
            raise UserError("action=upload needs export.bundle=<folder of a local export>")
        return upload_bundle(Path(settings.bundle), settings)
    if action is Action.reprice:
        from petri_bt.export import reprice_logs

        reprice_logs(_logs_to_read(the_plan), settings)
        return None
    if action is Action.rejudge:
        return _rejudge(the_plan, run_dir)
    if action is Action.rerun:
        from petri_bt.run import rerun_plan

        again = rerun_plan(the_plan)
        replace_saved_config(run_dir, again.run_config)
        save_resolved_roles(run_dir, again.saved_roles)
        return run_action(again, run_dir)
    if action in (Action.compare, Action.report):
        from petri_bt.report import compare_logs, report_logs

        act = compare_logs if action is Action.compare else report_logs
        return act(_logs_to_read(the_plan), list(the_plan.from_logs), settings, run_dir)
    if action is Action.plan:
        if the_plan.study is not None:
            from petri_bt.study import load_study, write_study_plan

            return write_study_plan(the_plan, load_study(the_plan.study), run_dir)
        from petri_bt.run import write_cost_plan

        return write_cost_plan(the_plan, run_dir)
    if action is Action.run and the_plan.study is not None:
        from petri_bt.study import run_study

        result = run_study(the_plan, run_dir)  # with from_logs: re-analysis, no model call
        _page(the_plan, run_dir)
        return result
    if action is Action.export or the_plan.from_logs:
        from petri_bt.run import announce_export, export_and_summarise

        logs = _logs_to_read(the_plan)
        announce_export(the_plan)
        return export_and_summarise(the_plan, run_dir, logs)
    from petri_bt.run import run_audit

    result = run_audit(the_plan, run_dir)
    _page(the_plan, run_dir, result.log_paths)
    return result


def _page(the_plan: RunPlan, run_dir: Path, logs: list[Path] | None = None) -> None:
    """`report.html` in the run folder: a run's (its logs) or a study's (its report).

    A sweep's jobs share the page at the sweep's root, written when the sweep ends.
    """
    if the_plan.job is not None:
        return
    if the_plan.study is not None:
        from petri_bt.report import study_page

        study_page(run_dir, the_plan.export)
        return
    from petri_bt.report import page_after

    target = the_plan.roles["target"].model
    title = f"run of {target} ({run_dir.parent.name}/{run_dir.name})"
    page_after(run_dir, list(logs or ()), title=title, settings=the_plan.export)


def _rejudge(the_plan: RunPlan, run_dir: Path) -> Any:
    """Judge saved logs again; export them (a run's logs) or re-analyse them (a study's)."""
    from petri_bt.run import announce_export, export_and_summarise, rejudge_logs

    rejudged = rejudge_logs(the_plan, _logs_to_read(the_plan))
    if the_plan.study is not None:
        from petri_bt.study import run_study

        result = run_study(
            dataclasses.replace(the_plan, from_logs=tuple(str(p) for p in rejudged)), run_dir
        )
        _page(the_plan, run_dir)
        return result
    announce_export(the_plan)
    return export_and_summarise(the_plan, run_dir, rejudged)


def _show(the_plan: RunPlan) -> None:
    """`action=show`: what the run would do, and with a pilot what it would cost."""
    if the_plan.study is not None:
        from petri_bt.study import show_study

        show_study(the_plan)
    else:
        from petri_bt.show import show_run

        show_run(the_plan)
    if the_plan.pilot:
        from petri_bt.run import print_forecast
        from petri_bt.study import planned_forecast

        result = planned_forecast(the_plan)
        print_forecast(the_plan, result, f"forecast for {result.samples} samples")


def succeeded(result: Any) -> bool:
    """Whether an action's result means everything it promised was done."""
    if result is None:
        return True
    if isinstance(result, dict):
        return bool(result.get("ok", True))
    return bool(result.ok)


def _logs_to_read(the_plan: RunPlan) -> list[Path]:
    from petri_bt.logs import resolve_log_paths

    if not the_plan.from_logs:
        raise UserError("no logs given: add from_logs=[path/to/logs] (a file, a folder or a glob)")
    return resolve_log_paths(list(the_plan.from_logs), the_plan.export.pattern)


def dispatch(cfg: DictConfig, run_dir: Path | None = None) -> bool:
    """Entry from Hydra: plan, then act, turning UserError into one line and exit 2.

    What the run prints also goes to `<run folder>/petri_bt.log`.

    Args:
        cfg: The composed run config.
        run_dir: The run folder (default: Hydra's output folder for this job).
    """
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    hydra_cfg = HydraConfig.get() if HydraConfig.initialized() else None
    if run_dir is None:
        if hydra_cfg is None:
            raise RuntimeError("dispatch needs a run_dir outside a Hydra job")
        run_dir = Path(hydra_cfg.runtime.output_dir)
    scrub_saved_config(run_dir)
    multirun = hydra_cfg is not None and hydra_cfg.mode == RunMode.MULTIRUN
    overrides = [str(o) for o in hydra_cfg.overrides.task] if hydra_cfg is not None else []
    job = sweep_job_names(overrides, hydra_cfg.sweep.dir) if multirun else None
    read_only = Action(str(cfg.action)) in READ_ONLY
    with job_log(run_dir / JOB_LOG):
        try:
            the_plan = make_plan(cfg, job=job, overrides=overrides)
            save_resolved_roles(run_dir, the_plan.saved_roles)
            ok = succeeded(run_action(the_plan, run_dir))
        except UserError as exc:
            if multirun:
                raise
            print_error(str(exc))
            discard_if_empty(run_dir)
            sys.exit(2)
    if read_only:
        discard_if_empty(run_dir)
    if not ok:
        if multirun:
            raise RuntimeError(f"job failed: see {run_dir / 'summary.json'}")
        sys.exit(1)
    return ok

"""Every audit of a sweep in one `inspect_ai.eval_set`, then per job: summary and export.

One eval set means the jobs run at the same time, each provider's connection
limit is shared by all of them (Inspect keys its connection pools by provider),
and a rerun of the same sweep folder finishes only what is unfinished: Inspect
reuses completed tasks, and completed samples of interrupted ones.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobStatus

from petri_bt._console import JOB_LOG, inspect_display, job_log, notices
from petri_bt.errors import UserError
from petri_bt.naming import SweepJobName, sweep_job_names
from petri_bt.run import RunPlan, local_path, make_plan
from petri_bt.sweep._job import SweepJob
from petri_bt.sweep._records import RUN_SUMMARY, read_json

log = logging.getLogger(__name__)
LOG_FOLDER = "logs"


def _fail(job: SweepJob, exc: BaseException) -> None:
    job.ret.status = JobStatus.FAILED
    job.ret.return_value = exc


def _succeed(job: SweepJob) -> None:
    job.ret.status = JobStatus.COMPLETED
    job.ret.return_value = True


def _job_plan(job: SweepJob) -> RunPlan:
    assert job.plan is not None
    return job.plan


def _prepared(jobs: list[SweepJob]) -> list[SweepJob]:
    """Plan every job and run its checks before any model call; a job that fails is out."""
    from petri_bt.run import prepare

    ready = []
    for job in jobs:
        HydraConfig.instance().set_config(job.config)
        # The experiment comes from the job's own name, before a number made it unique
        # among the eval set's tasks: shards of one audit share their audit's experiment.
        shared = sweep_job_names(job.overrides, str(job.config.hydra.sweep.dir))
        names = SweepJobName(job.name, shared.experiment)
        try:
            job.plan = make_plan(job.cfg, job=names, overrides=job.overrides)
            job.forecast = prepare(job.plan)
        except UserError as exc:
            _fail(job, exc)
            continue
        ready.append(job)
    return ready


def _eval_options(plans: list[RunPlan]) -> dict[str, Any]:
    """The eval-wide arguments of several jobs: the first job's display, the largest
    sample concurrency any job asks for."""
    if any(p.export.live for p in plans):
        print(
            "petri_bt: warning: export.live is not used by hydra/launcher=inspect; "
            "each job exports when the eval set has finished",
            file=sys.stderr,
        )
    options = dict(plans[0].eval_args)
    samples = [p.eval_args["max_samples"] for p in plans if p.eval_args.get("max_samples")]
    options["max_samples"] = max(samples) if samples else None
    return options


def _already_exported(job: SweepJob, log_paths: list[Path], status: str) -> bool:
    """True when a previous run of this sweep exported these very logs successfully."""
    previous = read_json(job.job_dir / RUN_SUMMARY)
    if previous is None or not previous.get("ok") or status != "success":
        return False
    return [entry.get("log") for entry in previous.get("logs", [])] == [str(p) for p in log_paths]


def drop_superseded_logs(log_path: Path, task_id: str) -> list[Path]:
    """Delete earlier attempts of a task (a run killed or retried) next to its latest log.

    Their completed samples are already in the latest log: Inspect reuses them.

    Args:
        log_path: The task's latest log.
        task_id: Its Inspect task id (kept across eval-set retries).
    """
    from petri_bt.logs import LogFile, LogReadError

    dropped = []
    for other in log_path.parent.glob("*.eval"):
        if other == log_path:
            continue
        try:
            with LogFile(other) as log:
                same_task = log.eval_spec.get("task_id") == task_id
                status = log.status
        except LogReadError:  # unreadable: not ours to judge
            continue
        if same_task and status != "success":
            other.unlink(missing_ok=True)
            dropped.append(other)
    return dropped


def _finish(job: SweepJob, log_header: Any) -> None:
    from petri_bt.run import export_and_summarise

    if log_header is None:
        _fail(job, RuntimeError("the eval set returned no log for this job"))
        return
    log_paths = [local_path(str(log_header.location))]
    if _already_exported(job, log_paths, str(log_header.status)):
        _succeed(job)
        return
    job_plan = _job_plan(job)
    extra: dict[str, Any] = {}
    if str(log_header.status) != "success" and job_plan.exporting:
        # A rerun retries this task into a new log (a new eval id, so new row ids):
        # exporting now would leave its completed samples twice in the experiment.
        job_plan = dataclasses.replace(
            job_plan, export=dataclasses.replace(job_plan.export, sink="none")
        )
        extra["export_deferred"] = True
    HydraConfig.instance().set_config(job.config)
    # beside the other jobs, only its notices (where the export went) reach the console
    with job_log(job.job_dir / JOB_LOG, shown=notices):
        result = export_and_summarise(
            job_plan, job.job_dir, log_paths, extra=extra, forecast=job.forecast
        )
    drop_superseded_logs(log_paths[0], str(log_header.eval.task_id))
    if result.ok:
        _succeed(job)
    else:
        _fail(job, RuntimeError(f"job failed: see {job.job_dir / RUN_SUMMARY}"))


def run_jobs(
    jobs: list[SweepJob], sweep_dir: Path, *, retry_attempts: int, max_tasks: int | None
) -> None:
    """Run the audits of a sweep in one eval set; set each job's JobReturn.

    Args:
        jobs: The opened audit jobs (unique names).
        sweep_dir: The sweep folder; the logs go to `<sweep_dir>/logs`.
        retry_attempts: Eval-set retries of a task that ended in error.
        max_tasks: Jobs running at once (None: all).
    """
    from inspect_ai import eval_set

    from petri_bt.run import budget_held, build_task, inspect_eval_args, write_record

    ready = _prepared(jobs)
    if not ready:
        return
    tasks = []
    for job in list(ready):
        HydraConfig.instance().set_config(job.config)
        try:
            tasks.append(build_task(_job_plan(job), name=job.name))
            write_record(_job_plan(job), job.job_dir, dataset=tasks[-1].dataset)
        except UserError as exc:
            _fail(job, exc)
            ready.remove(job)
    if not ready:
        return
    log_dir = (sweep_dir / LOG_FOLDER).resolve()
    options = _eval_options([_job_plan(job) for job in ready])
    # budget_usd holds for the sweep as a whole, as its forecast check does
    try:
        with (
            inspect_display(),
            budget_held(_job_plan(ready[0])),
            inspect_eval_args(options) as eval_args,
        ):
            _, logs = eval_set(
                tasks,
                log_dir=str(log_dir),
                model=None,
                retry_attempts=retry_attempts,
                retry_immediate=True,
                log_dir_allow_dirty=True,
                max_tasks=max_tasks or len(tasks),
                **eval_args,
            )
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # one line per job; the eval set as a whole could not run
        log.error("the eval set failed: %s", exc)
        for job in ready:
            _fail(job, exc)
        return
    by_task = {str(header.eval.task): header for header in logs}
    for job in ready:
        try:
            _finish(job, by_task.get(job.name))
        except UserError as exc:
            _fail(job, exc)
        except Exception as exc:  # the other jobs still get their summary and export
            log.error("job %s: %s", job.name, exc, exc_info=exc)
            _fail(job, exc)

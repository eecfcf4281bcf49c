"""`hydra/launcher=inspect` (the default): every audit of a sweep in one Inspect eval set.

Each audit job gets what Hydra's own launchers give a job (its folder with the
saved `.hydra/` config, the callbacks' `on_job_start` / `on_job_end`), but the
audits run at the same time in one eval set (`petri_bt.run.run_eval_set`): each
provider's connection limit is shared by all of them (Inspect keys its connection
pools by provider), and a rerun of the same sweep folder finishes only what is
unfinished (Inspect reuses completed tasks, and completed samples of interrupted
ones). Then each job gets its summary and export. Jobs that are not audits run one
after another through the normal single-run path.

The jobs come composed and planned by the sweep check; the plan each audit runs is
the one that was checked. Hydra imports this module on every command, so it stays
light: the work (and the Inspect import) happens when a sweep is launched.
"""

import dataclasses
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.core.utils import JobReturn, JobRuntime, JobStatus

from petri_bt.config import Action
from petri_bt.run import RETRY_ATTEMPTS, RunPlan
from petri_bt.sweep import PlannedJob, SweepLauncher

log = logging.getLogger(__name__)
LOG_FOLDER = "logs"


@dataclass
class InspectLauncherConf:
    """Settings of `hydra/launcher=inspect` (override as `hydra.launcher.<name>=...`).

    Args:
        retry_attempts: Inspect eval-set retries of a task that ended in error, in
            this run (rerunning the sweep command retries again).
        max_tasks: Jobs running at once; null runs every job of the sweep at once.
    """

    _target_: str = "hydra_plugins.petri_bt_launcher.inspect_launcher.InspectLauncher"
    retry_attempts: int = RETRY_ATTEMPTS
    max_tasks: int | None = None


ConfigStore.instance().store(
    group="hydra/launcher", name="inspect", node=InspectLauncherConf, provider="petri_bt"
)


@dataclass
class _Audit:
    """An audit job of the eval set: its checked plan (named for the eval set), folder,
    the JobReturn handed back to Hydra, and its forecast once checked."""

    job: PlannedJob
    plan: RunPlan
    ret: JobReturn
    forecast: Any = None

    @property
    def job_dir(self) -> Path:
        return self.job.job_dir

    @property
    def name(self) -> str:
        """The job's name in the eval set (its Inspect task name)."""
        assert self.plan.job is not None
        return self.plan.job.name

    def fail(self, exc: BaseException) -> None:
        self.ret.status = JobStatus.FAILED
        self.ret.return_value = exc

    def succeed(self) -> None:
        self.ret.status = JobStatus.COMPLETED
        self.ret.return_value = True


class InspectLauncher(SweepLauncher):
    """Hand every audit job to one `inspect_ai.eval_set`; run the others one by one."""

    def __init__(self, retry_attempts: int = RETRY_ATTEMPTS, max_tasks: int | None = None) -> None:
        self.retry_attempts = retry_attempts
        self.max_tasks = max_tasks

    def run_jobs(self, jobs: list[PlannedJob]) -> Sequence[JobReturn]:
        returns = {job.num: self.run_here(job) for job in jobs if not _is_audit(job.plan)}
        audits = [self._open(job, name) for job, name in _unique_names(jobs)]
        if audits:
            sweep_dir = Path(str(self.config.hydra.sweep.dir))
            log.info("Running %d audit jobs in one Inspect eval set (%s)", len(audits), sweep_dir)
            self._run(audits, sweep_dir / LOG_FOLDER)
            for audit in audits:
                audit.job.activate()
                self.hydra_context.callbacks.on_job_end(
                    config=audit.job.config, job_return=audit.ret
                )
                returns[audit.job.num] = audit.ret
        return [returns[job.num] for job in jobs]

    def _open(self, job: PlannedJob, name: str) -> _Audit:
        """Set a job up as Hydra's `run_job` would (folder, saved config, `on_job_start`)."""
        from petri_bt._hydra_io import save_job_config
        from petri_bt.naming import SweepJobName

        job.activate()
        ret = JobReturn(
            overrides=list(job.overrides),
            cfg=job.run_config,
            hydra_cfg=job.hydra_config,
            working_dir=os.getcwd(),
            task_name=JobRuntime.instance().get("name"),
        )
        job.job_dir.mkdir(parents=True, exist_ok=True)
        save_job_config(job.job_dir, job.config, job.plan.saved_roles)
        callbacks = self.hydra_context.callbacks
        callbacks.on_job_start(config=job.config, task_function=self.task_function)
        assert job.plan.job is not None
        names = SweepJobName(name, job.plan.job.experiment)
        return _Audit(job, dataclasses.replace(job.plan, job=names), ret)

    def _run(self, audits: list[_Audit], log_dir: Path) -> None:
        """The audits in one eval set, then each one's summary and export."""
        from petri_bt.errors import UserError
        from petri_bt.run import budget_held, run_eval_set

        ready, tasks = _ready(audits)
        if not ready:
            return
        # budget_usd holds for the sweep as a whole, as its forecast check does
        try:
            with budget_held(ready[0].plan):
                logs = run_eval_set(
                    tasks,
                    log_dir.resolve(),
                    _eval_options([audit.plan for audit in ready]),
                    retry_attempts=self.retry_attempts,
                    max_tasks=self.max_tasks,
                )
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # one line per job; the eval set as a whole could not run
            log.error("the eval set failed: %s", exc)
            for audit in ready:
                audit.fail(exc)
            return
        by_task = {str(header.eval.task): header for header in logs}
        for audit in ready:
            try:
                _finish(audit, by_task.get(audit.name))
            except UserError as exc:
                audit.fail(exc)
            except Exception as exc:  # the other jobs still get their summary and export
                log.error("job %s: %s", audit.name, exc, exc_info=exc)
                audit.fail(exc)
        drop_superseded_logs(log_dir, {str(h.eval.task_id): Path(h.location) for h in logs})


def _is_audit(plan: RunPlan) -> bool:
    """True when a job is a plain audit run (what the eval set can take)."""
    return plan.action is Action.run and plan.study is None and not plan.from_logs


def _unique_names(jobs: Iterable[PlannedJob]) -> list[tuple[PlannedJob, str]]:
    """The audit jobs with their task names: the job name, with the job number added
    where two jobs would share one (Inspect tells an eval set's tasks apart by name)."""
    audits = [job for job in jobs if _is_audit(job.plan)]
    names = [job.plan.job.name if job.plan.job else str(job.num) for job in audits]
    return [
        (job, f"{name}-{job.num}" if names.count(name) > 1 else name)
        for job, name in zip(audits, names, strict=True)
    ]


def _ready(audits: list[_Audit]) -> tuple[list[_Audit], list[Any]]:
    """Every check before a model is called, then each job's task and rerun record; a job
    that fails a check is out (its failure recorded), the others go on."""
    from petri_bt.errors import UserError
    from petri_bt.run import build_task, prepare, write_record

    ready, tasks = [], []
    for audit in audits:
        audit.job.activate()
        try:
            audit.forecast = prepare(audit.plan)
            task = build_task(audit.plan, name=audit.name)
            write_record(audit.plan, audit.job_dir, dataset=task.dataset)
        except UserError as exc:
            audit.fail(exc)
            continue
        ready.append(audit)
        tasks.append(task)
    return ready, tasks


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


def _already_exported(audit: _Audit, log_paths: list[Path], status: str) -> bool:
    """True when a previous run of this sweep exported these very logs successfully."""
    from petri_bt.sweep import RUN_SUMMARY, read_json

    previous = read_json(audit.job_dir / RUN_SUMMARY)
    if previous is None or not previous.get("ok") or status != "success":
        return False
    return [entry.get("log") for entry in previous.get("logs", [])] == [str(p) for p in log_paths]


def _finish(audit: _Audit, log_header: Any) -> None:
    """One job's summary and export, once the eval set is over."""
    from petri_bt._console import JOB_LOG, job_log, notices
    from petri_bt.run import export_and_summarise
    from petri_bt.sweep import RUN_SUMMARY

    if log_header is None:
        audit.fail(RuntimeError("the eval set returned no log for this job"))
        return
    log_paths = [Path(log_header.location)]
    if _already_exported(audit, log_paths, str(log_header.status)):
        audit.succeed()
        return
    plan = audit.plan
    extra: dict[str, Any] = {}
    if str(log_header.status) != "success" and plan.exporting:
        # A rerun retries this task into a new log (a new eval id, so new row ids):
        # exporting now would leave its completed samples twice in the experiment.
        plan = dataclasses.replace(plan, export=dataclasses.replace(plan.export, sink="none"))
        extra["export_deferred"] = True
    audit.job.activate()
    # beside the other jobs, only its notices (where the export went) reach the console
    with job_log(audit.job_dir / JOB_LOG, shown=notices):
        result = export_and_summarise(
            plan, audit.job_dir, log_paths, extra=extra, forecast=audit.forecast
        )
    if result.ok:
        audit.succeed()
    else:
        audit.fail(RuntimeError(f"job failed: see {audit.job_dir / RUN_SUMMARY}"))


def drop_superseded_logs(log_dir: Path, latest: dict[str, Path]) -> list[Path]:
    """Delete earlier attempts of the eval set's tasks (a run killed or retried): the logs
    of the same task that did not succeed, beside its latest. Their completed samples
    are in the latest log already (Inspect reuses them). Each log is read once.

    Args:
        log_dir: The eval set's log folder.
        latest: Each task's latest log, by Inspect task id (kept across retries).

    Returns:
        The logs deleted.
    """
    from petri_bt.logs import LogFile, LogReadError

    keep = {path.resolve() for path in latest.values()}
    dropped = []
    for other in log_dir.glob("*.eval"):
        if other.resolve() in keep:
            continue
        try:
            with LogFile(other) as earlier:
                superseded = earlier.eval_spec.get("task_id") in latest
                superseded = superseded and earlier.status != "success"
        except LogReadError:  # unreadable: not ours to judge
            continue
        if superseded:
            other.unlink(missing_ok=True)
            dropped.append(other)
    return dropped

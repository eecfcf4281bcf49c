"""The Hydra callback that records every sweep job and writes the sweep summary.

Registered in `conf/config.yaml` (`hydra.callbacks`), so it runs with every
launcher: in this process (basic, inspect), in joblib workers, on SLURM nodes.

Hydra's sweepers stop at the first failed job before `on_multirun_end`, which
would leave no sweep summary. So `on_job_end` records the failure in the job's
folder and marks the job as handled; `on_multirun_end` writes the summary,
prints the table and exits non-zero when any job failed.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from hydra.core.utils import JobReturn, JobStatus
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from petri_bt._hydra_io import discard_sweep_if_empty, release_stderr, scrub_multirun_yaml
from petri_bt._secrets import redact_override
from petri_bt.adapters import job_outcome
from petri_bt.naming import job_name
from petri_bt.sweep._records import RUN_SUMMARY, failure_reason, read_json, write_job_record
from petri_bt.sweep._sharded_studies import report_sharded_studies
from petri_bt.sweep._summary import format_sweep_table, write_sweep_summary

log = logging.getLogger(__name__)


def _is_multirun(config: DictConfig) -> bool:
    return OmegaConf.select(config, "hydra.mode") == RunMode.MULTIRUN


def record_job(config: DictConfig, job_return: JobReturn, launcher: str | None = None) -> bool:
    """Write `job.json` for a finished sweep job.

    Args:
        config: The job's config (with its `hydra` node).
        job_return: What Hydra made of the job.
        launcher: The launcher's name, for the record.

    Returns:
        True when the job succeeded (False also when its folder was discarded).
    """
    job_dir = Path(str(config.hydra.runtime.output_dir))
    if not job_dir.is_dir():
        return job_return.status != JobStatus.FAILED
    overrides = [str(o) for o in config.hydra.overrides.task]
    run = read_json(job_dir / RUN_SUMMARY) or {}
    name = str(run.get("job") or job_name(overrides))
    failed = job_return.status == JobStatus.FAILED
    outcome = job_outcome(job_return)
    exc = outcome if failed else None
    ok = not failed and outcome is not False and run.get("ok", True)
    error = None if ok else failure_reason(job_dir, exc)
    write_job_record(
        job_dir,
        num=int(OmegaConf.select(config, "hydra.job.num", default=0) or 0),
        name=name,
        experiment=run.get("experiment"),
        overrides=[redact_override(o) for o in overrides],
        ok=ok,
        error=error,
        launcher=launcher or _launcher_name(config),
    )
    if not ok:
        unexpected = isinstance(exc, Exception) and not run and not _is_user_error(exc)
        log.error("job %s failed: %s", name, error, exc_info=exc if unexpected else None)
    return ok


def _is_user_error(exc: BaseException) -> bool:
    from petri_bt.errors import UserError

    return isinstance(exc, UserError)


def _launcher_name(config: DictConfig) -> str | None:
    target = OmegaConf.select(config, "hydra.launcher._target_", default=None)
    return str(target).rsplit(".", 1)[-1] if target else None


class SweepCallback(Callback):
    """Record each sweep job, then summarise the sweep at its root.

    Args:
        pages: A function (dotted path) called once the table is printed, with the sweep
            summary, the folders of the studies reported from their shards and the
            sweep's export settings; `conf/config.yaml` sets it to the report's pages.
    """

    def __init__(self, pages: str | None = None) -> None:
        self.pages = pages
        self._scrubbed: set[str] = set()

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        # Another sweeper than petri_bt's saves multirun.yaml as it is: redact it before
        # the first job of the sweep runs here (once per process: jobs may run elsewhere).
        sweep_dir = str(config.hydra.sweep.dir) if _is_multirun(config) else None
        if sweep_dir is not None and sweep_dir not in self._scrubbed:
            scrub_multirun_yaml(Path(sweep_dir))
            self._scrubbed.add(sweep_dir)

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        if not _is_multirun(config):
            return
        record_job(config, job_return)
        if job_return.status == JobStatus.FAILED:
            # recorded above; keep the sweeper going to on_multirun_end
            job_return.status = JobStatus.COMPLETED
            job_return.return_value = False

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        release_stderr()  # the jobs may all have run elsewhere (joblib, SLURM)
        sweep_dir = Path(str(config.hydra.sweep.dir))
        scrub_multirun_yaml(sweep_dir)
        summary = write_sweep_summary(sweep_dir)
        if not summary["jobs"]:
            discard_sweep_if_empty(sweep_dir)
            return
        print(format_sweep_table(summary), flush=True)
        studies = report_sharded_studies(summary)
        if self.pages:
            from hydra.utils import get_method

            export = OmegaConf.select(config, "export", default=None)
            get_method(self.pages)(summary, studies, export)
        if not summary["ok"]:
            print(
                f"petri_bt: error: {summary['jobs_total'] - summary['jobs_ok']} of "
                f"{summary['jobs_total']} sweep jobs did not succeed (see the table above)",
                file=sys.stderr,
            )
            sys.exit(1)

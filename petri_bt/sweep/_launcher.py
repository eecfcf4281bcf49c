"""The base of petri_bt's launchers: what every launcher does around running its jobs.

A launcher (`hydra_plugins/petri_bt_launcher/<name>_launcher.py`) subclasses
`SweepLauncher` and writes one method, `run_jobs`: the sweep's jobs in (composed
and planned by the sweep check, `PlannedJob`), one Hydra `JobReturn` per job out.
The base does the rest: it takes the checked jobs from petri_bt's sweeper (or
composes and plans them when another sweeper calls `launch`), gives stderr back,
sets up logging, makes the sweep folder, turns a `UserError` into one line and
exit 2, and leaves Hydra's job config as it found it. `run_here` runs a job
through the normal single-run path in this process; `record_lost` records a job
its launcher could not run.

Hydra imports the launcher modules on every command, so this module imports only
Hydra and omegaconf at load time.
"""

from __future__ import annotations

import sys
from abc import abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn, JobStatus, configure_log, run_job, setup_globals
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

if TYPE_CHECKING:
    from petri_bt.sweep._check import PlannedJob


class SweepLauncher(Launcher):
    """A petri_bt launcher: runs a sweep's checked jobs (subclasses write `run_jobs`)."""

    config: DictConfig
    task_function: TaskFunction
    hydra_context: HydraContext

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        self.config = config
        self.task_function = task_function
        self.hydra_context = hydra_context

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        """Hydra's entry, used when another sweeper than petri_bt's runs the sweep: each
        job is composed and planned here (petri_bt's sweeper calls `launch_jobs`)."""
        from petri_bt.errors import UserError
        from petri_bt.sweep._check import plan_jobs

        loader = self.hydra_context.config_loader
        try:
            jobs = plan_jobs(self.config, loader, job_overrides, initial_job_idx)
        except UserError as exc:
            _exit_with(exc)
        return self.launch_jobs(jobs)

    def launch_jobs(self, jobs: Sequence[PlannedJob]) -> list[JobReturn]:
        """Run a batch of the sweep's checked jobs.

        Args:
            jobs: The jobs, composed and planned (`petri_bt.sweep.check_sweep`).

        Returns:
            One JobReturn per job, in order.
        """
        from petri_bt._hydra_io import release_stderr
        from petri_bt.errors import UserError

        release_stderr()
        setup_globals()
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        Path(str(self.config.hydra.sweep.dir)).mkdir(parents=True, exist_ok=True)
        saved_hydra = HydraConfig.instance().cfg
        try:
            return list(self.run_jobs(list(jobs)))
        except UserError as exc:
            _exit_with(exc)
        finally:
            HydraConfig.instance().cfg = saved_hydra

    @abstractmethod
    def run_jobs(self, jobs: list[PlannedJob]) -> Sequence[JobReturn]:
        """Run the jobs; one JobReturn per job, in order.

        Args:
            jobs: The batch's jobs, composed and planned.

        Raises:
            UserError: The launcher cannot run the sweep at all (one line, exit 2).
        """

    def run_here(self, job: PlannedJob) -> JobReturn:
        """Run one job through the normal single-run path, in this process."""
        ret = run_job_here(self.hydra_context, self.task_function, job.config)
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        return ret

    def record_lost(self, job: PlannedJob, reason: BaseException) -> JobReturn:
        """A job its launcher could not run or lost (a worker or node died): record it as
        failed, with the reason, in a folder the sweep summary reads.

        Args:
            job: The job.
            reason: Why it did not finish.
        """
        from petri_bt._secrets import redact_override

        saved = job.job_dir / ".hydra" / "overrides.yaml"
        if not saved.is_file():
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(OmegaConf.to_yaml([redact_override(o) for o in job.overrides]))
        ret = JobReturn(overrides=list(job.overrides), status=JobStatus.FAILED)
        ret.return_value = reason
        job.activate()
        self.hydra_context.callbacks.on_job_end(config=job.config, job_return=ret)
        return ret


def run_job_here(
    hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
) -> JobReturn:
    """Hydra's `run_job` for one sweep job in this process: its folder, its saved config,
    the callbacks, the task function (the normal single-run path).

    Args:
        hydra_context: Hydra's context (config loader, callbacks).
        task_function: The @hydra.main function.
        config: The job's composed config with `hydra.job.num` set.
    """
    return run_job(
        hydra_context=hydra_context,
        task_function=task_function,
        config=config,
        job_dir_key="hydra.sweep.dir",
        job_subdir_key="hydra.sweep.subdir",
    )


def _exit_with(exc: Exception) -> NoReturn:
    from petri_bt.errors import print_error

    print_error(str(exc))
    sys.exit(2)

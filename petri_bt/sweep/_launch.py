"""`hydra/launcher=inspect`: compose every job of a sweep, then run the audits together.

Each job gets what Hydra's own launchers give it (its composed config, its folder
with the saved `.hydra/` config, the callbacks' `on_job_start` / `on_job_end`),
but instead of running jobs one by one, every audit goes to one Inspect eval set
(`petri_bt.sweep._eval_set`). Jobs that are not audits run one after another
through the normal single-run path.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn, configure_log, run_job, setup_globals
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, open_dict

from petri_bt._hydra_io import release_stderr, scrub_multirun_yaml
from petri_bt.naming import job_name
from petri_bt.sweep._eval_set import run_jobs
from petri_bt.sweep._job import open_job

log = logging.getLogger(__name__)


def is_audit(config: DictConfig) -> bool:
    """True when a job is a plain audit run (what the eval set can take)."""
    return str(config.action) == "run" and config.study.name is None and not config.from_logs


def _unique(names: list[str], nums: list[int]) -> list[str]:
    """Job names, with the job number added where two jobs would share one."""
    return [f"{n}-{num}" if names.count(n) > 1 else n for n, num in zip(names, nums, strict=True)]


def launch_sweep(
    *,
    hydra_context: HydraContext,
    task_function: TaskFunction,
    config: DictConfig,
    job_overrides: Sequence[Sequence[str]],
    initial_job_idx: int,
    retry_attempts: int,
    max_tasks: int | None,
) -> list[JobReturn]:
    """Run one batch of sweep jobs: the audits in one eval set, the rest one by one.

    Args:
        hydra_context: Hydra's context (config loader, callbacks).
        task_function: The @hydra.main function.
        config: The sweep's config.
        job_overrides: Each job's overrides.
        initial_job_idx: The number of the batch's first job.
        retry_attempts: Eval-set retries of a task that ended in error.
        max_tasks: Jobs running at once (None: all).

    Returns:
        One JobReturn per job, in order.
    """
    release_stderr()
    setup_globals()
    configure_log(config.hydra.hydra_logging, config.hydra.verbose)
    sweep_dir = Path(str(config.hydra.sweep.dir))
    sweep_dir.mkdir(parents=True, exist_ok=True)
    scrub_multirun_yaml(sweep_dir)
    saved_hydra = HydraConfig.instance().cfg
    returns: dict[int, JobReturn] = {}
    audits: list[tuple[DictConfig, str]] = []
    try:
        for offset, overrides in enumerate(job_overrides):
            num = initial_job_idx + offset
            job_config = hydra_context.config_loader.load_sweep_config(config, list(overrides))
            with open_dict(job_config):
                job_config.hydra.job.id = num
                job_config.hydra.job.num = num
            if is_audit(job_config):
                audits.append((job_config, job_name(list(overrides))))
                continue
            returns[num] = run_job(
                hydra_context=hydra_context,
                task_function=task_function,
                config=job_config,
                job_dir_key="hydra.sweep.dir",
                job_subdir_key="hydra.sweep.subdir",
            )
            configure_log(config.hydra.hydra_logging, config.hydra.verbose)
        if audits:
            names = _unique([n for _, n in audits], [int(c.hydra.job.num) for c, _ in audits])
            jobs = [
                open_job(hydra_context, task_function, job_config, name)
                for (job_config, _), name in zip(audits, names, strict=True)
            ]
            log.info("Running %d audit jobs in one Inspect eval set (%s)", len(jobs), sweep_dir)
            run_jobs(jobs, sweep_dir, retry_attempts=retry_attempts, max_tasks=max_tasks)
            for job in jobs:
                HydraConfig.instance().set_config(job.config)
                hydra_context.callbacks.on_job_end(config=job.config, job_return=job.ret)
                returns[job.num] = job.ret
    finally:
        HydraConfig.instance().cfg = saved_hydra
    return [returns[initial_job_idx + offset] for offset in range(len(job_overrides))]

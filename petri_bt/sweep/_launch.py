"""`hydra/launcher=inspect`: compose every job of a sweep, then run the audits together.

Each job gets what Hydra's own launchers give it (its composed config, its folder
with the saved `.hydra/` config, the callbacks' `on_job_start` / `on_job_end`),
but instead of running jobs one by one, every audit goes to one Inspect eval set
(`petri_bt.sweep._eval_set`). Jobs that are not audits run one after another
through the normal single-run path.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn, JobRuntime, configure_log, run_job, setup_globals
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from petri_bt.app import scrub_saved_config
from petri_bt.cli import release_stderr
from petri_bt.sweep._callback import scrub_multirun_yaml
from petri_bt.sweep._naming import job_name

log = logging.getLogger(__name__)


@dataclass
class SweepJob:
    """One job of the sweep, ready to run.

    Args:
        num: Hydra's job number.
        name: The job's readable name (also its Inspect task name).
        config: The job's composed config, `hydra` node included.
        job_dir: The job folder.
        ret: The JobReturn handed back to Hydra (its `cfg` is the run config).
    """

    num: int
    name: str
    config: DictConfig
    job_dir: Path
    ret: JobReturn

    @property
    def cfg(self) -> DictConfig:
        assert self.ret.cfg is not None
        return self.ret.cfg


def is_audit(config: DictConfig) -> bool:
    """True when a job is a plain audit run (what the eval set can take)."""
    return str(config.action) == "run" and config.study is None and not config.from_logs


def _save(node: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(OmegaConf.to_yaml(node))


def open_job(
    hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig, name: str
) -> SweepJob:
    """Set up a job as Hydra's `run_job` would, without running it.

    Args:
        hydra_context: Hydra's context (config loader, callbacks).
        task_function: The @hydra.main function (passed to the callbacks).
        config: The job's composed config with `hydra.job.num` set.
        name: The job's readable name.
    """
    HydraConfig.instance().set_config(config)
    job_dir = Path(str(config.hydra.sweep.dir)) / str(
        OmegaConf.select(config, "hydra.sweep.subdir")
    )
    with read_write(config.hydra.runtime), open_dict(config.hydra.runtime):
        config.hydra.runtime.output_dir = str(job_dir.resolve())
    HydraConfig.instance().set_config(config)
    task_cfg = copy.deepcopy(config)
    with read_write(task_cfg), open_dict(task_cfg):
        del task_cfg["hydra"]
    ret = JobReturn(
        overrides=[str(o) for o in config.hydra.overrides.task],
        cfg=task_cfg,
        hydra_cfg=copy.deepcopy(HydraConfig.instance().cfg),
        working_dir=os.getcwd(),
        task_name=JobRuntime.instance().get("name"),
    )
    job_dir.mkdir(parents=True, exist_ok=True)
    if config.hydra.output_subdir is not None:
        saved = job_dir / str(config.hydra.output_subdir)
        _save(task_cfg, saved / "config.yaml")
        _save(ret.hydra_cfg, saved / "hydra.yaml")
        _save(config.hydra.overrides.task, saved / "overrides.yaml")
        scrub_saved_config(job_dir)
    hydra_context.callbacks.on_job_start(config=config, task_function=task_function)
    return SweepJob(
        num=int(config.hydra.job.num), name=name, config=config, job_dir=job_dir, ret=ret
    )


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
            from petri_bt.sweep._eval_set import run_jobs

            run_jobs(jobs, sweep_dir, retry_attempts=retry_attempts, max_tasks=max_tasks)
            for job in jobs:
                HydraConfig.instance().set_config(job.config)
                hydra_context.callbacks.on_job_end(config=job.config, job_return=job.ret)
                returns[job.num] = job.ret
    finally:
        HydraConfig.instance().cfg = saved_hydra
    return [returns[initial_job_idx + offset] for offset in range(len(job_overrides))]

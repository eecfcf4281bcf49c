"""One job of a sweep run by `hydra/launcher=inspect`, set up as Hydra's `run_job` would."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn, JobRuntime
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from petri_bt._hydra_io import scrub_saved_config
from petri_bt.run import RunPlan


@dataclass
class SweepJob:
    """One job of the sweep, ready to run.

    Args:
        num: Hydra's job number.
        name: The job's readable name (also its Inspect task name).
        config: The job's composed config, `hydra` node included.
        job_dir: The job folder.
        ret: The JobReturn handed back to Hydra (its `cfg` is the run config).
        plan: The job's run plan, once made.
        forecast: The job's forecast, when it has a pilot or a budget.
    """

    num: int
    name: str
    config: DictConfig
    job_dir: Path
    ret: JobReturn
    plan: RunPlan | None = field(default=None)
    forecast: Any = field(default=None)

    @property
    def cfg(self) -> DictConfig:
        assert self.ret.cfg is not None
        return self.ret.cfg

    @property
    def overrides(self) -> list[str]:
        return [str(o) for o in self.config.hydra.overrides.task]


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

"""A sweep's jobs, composed and planned once, and checked as a whole before the first starts.

petri_bt's sweeper (`hydra/sweeper=petri_bt`, the default) calls `check_sweep`
before it makes the sweep folder, whatever the launcher: an invalid job or a total
forecast over `budget_usd` refuses the sweep in one line. Each job is composed as
Hydra's launchers compose it (`load_sweep_config`; by Hydra once per shape of job,
`JobComposer`) and planned as its run would be (`petri_bt.run.make_plan`, with the
job's names); petri_bt's launchers run these very configs and plans, so nothing is
composed or planned again in this process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from petri_bt.sweep._job_composer import JobComposer
from petri_bt.sweep._resolvers import swept_overrides

if TYPE_CHECKING:
    from hydra.core.config_loader import ConfigLoader

    from petri_bt.run import RunPlan


@dataclass(frozen=True)
class PlannedJob:
    """One job of a sweep, composed and planned.

    Args:
        num: Hydra's job number (also its id).
        overrides: The job's overrides (`hydra.overrides.task` of its config).
        config: The composed config with its `hydra` node (`hydra.job.num` and
            `hydra.runtime.output_dir` set, as Hydra's `run_job` sets them).
        run_config: The same without the `hydra` node: what the job's run gets.
        hydra_config: Hydra's view of the job (`HydraConfig.instance().cfg` while it runs).
        job_dir: The job folder (not made yet).
        plan: The job's run plan, with the job's names (`petri_bt.naming`).
    """

    num: int
    overrides: list[str]
    config: DictConfig
    run_config: DictConfig
    hydra_config: DictConfig
    job_dir: Path
    plan: RunPlan

    def activate(self) -> None:
        """Make this the job `HydraConfig` describes (what `${hydra:...}` reads)."""
        from hydra.core.hydra_config import HydraConfig

        HydraConfig.instance().cfg = self.hydra_config  # type: ignore[assignment]


def sweep_jobs(
    overrides: Sequence[str],
    params: Mapping[str, Any] | None,
    config_loader: ConfigLoader | None = None,
) -> list[list[str]]:
    """Each job's overrides: every combination of a sweep's values, as Hydra's sweeper makes them.

    Args:
        overrides: The command's overrides (sweep values such as `max_turns=2,4` included).
        params: The config's sweeper axes (`hydra.sweeper.params`, e.g. a grid's), if any.
        config_loader: Hydra's config loader (lets `glob(...)` list a group's options).
    """
    from petri_bt.adapters import split_sweep

    return split_sweep(swept_overrides(overrides, params), config_loader)


def _plan_job(composer: JobComposer, overrides: list[str], num: int, sweep_dir: str) -> PlannedJob:
    """Compose one job as Hydra's launchers do, set its folder, and plan it."""
    from petri_bt.adapters import describe_job
    from petri_bt.errors import UserError
    from petri_bt.naming import sweep_job_names
    from petri_bt.run import make_plan, missing_seed_path

    job_config = composer.compose(overrides)
    with open_dict(job_config):
        job_config.hydra.job.id = num
        job_config.hydra.job.num = num
    # As Hydra's run_job: Hydra's view of the job first (the job's folder may read
    # `${hydra:...}`), then its folder, which the view shares (it holds the same node).
    hydra_config = describe_job(job_config)
    job_dir = Path(str(job_config.hydra.sweep.dir)) / str(job_config.hydra.sweep.subdir)
    with read_write(job_config.hydra.runtime), open_dict(job_config.hydra.runtime):
        job_config.hydra.runtime.output_dir = str(job_dir.resolve())
    # What Hydra's run_job gives the task function: the config without `hydra`.
    run_config = OmegaConf.masked_copy(job_config, [k for k in job_config if k != "hydra"])
    OmegaConf.set_struct(run_config, OmegaConf.is_struct(job_config))
    names = sweep_job_names(overrides, sweep_dir)
    the_plan = make_plan(run_config, job=names, overrides=overrides)
    missing = missing_seed_path(the_plan.seeds)
    if missing:
        raise UserError(missing)
    return PlannedJob(num, overrides, job_config, run_config, hydra_config, job_dir, the_plan)


def plan_jobs(
    config: DictConfig,
    config_loader: ConfigLoader,
    job_overrides: Sequence[Sequence[str]],
    first_num: int = 0,
) -> list[PlannedJob]:
    """Compose and plan each job of a sweep.

    Args:
        config: The sweep's config.
        config_loader: Hydra's config loader.
        job_overrides: Each job's overrides (`sweep_jobs`).
        first_num: The first job's number.

    Raises:
        UserError: The first invalid job, named with its number and overrides.
    """
    from hydra.core.hydra_config import HydraConfig

    from petri_bt.errors import UserError

    # Resolved before any job is composed: Hydra copies the sweep config's resolver cache
    # into each job's, so every job resolves the sweep's folder to this one.
    sweep_dir = str(config.hydra.sweep.dir)
    saved = HydraConfig.instance().cfg
    composer = JobComposer(config, config_loader)
    jobs = []
    try:
        for offset, overrides in enumerate(job_overrides):
            num = first_num + offset
            try:
                jobs.append(_plan_job(composer, list(overrides), num, sweep_dir))
            except UserError as exc:
                raise UserError(f"sweep job {num} ({' '.join(overrides)}): {exc}") from None
    finally:
        HydraConfig.instance().cfg = saved
    return jobs


def check_budget(jobs: Sequence[PlannedJob]) -> None:
    """Refuse a sweep whose jobs' forecasts add up to more than `budget_usd`.

    Raises:
        UserError: The sweep is over budget.
    """
    budgets = [job.plan.budget_usd for job in jobs if job.plan.budget_usd is not None]
    if not budgets:
        return
    from petri_bt.run import refuse_over_budget
    from petri_bt.study import planned_forecast

    total = sum(planned_forecast(job.plan).total_usd for job in jobs)
    refuse_over_budget(min(budgets), total, f"a sweep of {len(jobs)} jobs")


def check_sweep(
    config: DictConfig,
    config_loader: ConfigLoader,
    overrides: Sequence[str],
    params: Mapping[str, Any] | None,
) -> list[PlannedJob]:
    """Every job of a sweep, composed and planned; refused when one is invalid or the
    whole is over `budget_usd`. Nothing is written and no model is called.

    Args:
        config: The sweep's config.
        config_loader: Hydra's config loader.
        overrides: The command's task overrides.
        params: The sweeper's axes (`hydra.sweeper.params`).

    Raises:
        UserError: The first invalid job (named), or the sweep is over budget.
    """
    jobs = plan_jobs(config, config_loader, sweep_jobs(overrides, params, config_loader))
    check_budget(jobs)
    return jobs

"""`hydra/sweeper=petri_bt` (the default): Hydra's basic sweep, each job composed and planned once.

The jobs are every combination of the swept values, in the order of Hydra's basic
sweeper (`hydra.sweeper.params` first, then the command line). Before the sweep
folder is made, `petri_bt.sweep.check_sweep` composes and plans every job: an
invalid job or a total forecast over `budget_usd` refuses the sweep in one line,
exit 2, whatever the launcher. petri_bt's launchers then run those very configs
and plans; Hydra's own (basic, joblib, submitit) get the overrides and compose
each job again, as they always do.

Hydra imports this module on every command, so it stays light.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.core.plugins import Plugins
from hydra.core.utils import JobReturn
from hydra.plugins.launcher import Launcher
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf


@dataclass
class CheckedSweeperConf:
    """Settings of `hydra/sweeper=petri_bt` (those of Hydra's basic sweeper).

    Args:
        max_batch_size: Jobs handed to the launcher at once (null: all of them).
        params: Sweep axes set in a config file (`max_turns: 10,100`), before the
            command line's (which replace an axis of the same key).
    """

    _target_: str = "hydra_plugins.petri_bt_launcher.sweeper.CheckedSweeper"
    max_batch_size: int | None = None
    params: dict[str, str] | None = None


ConfigStore.instance().store(
    group="hydra/sweeper", name="petri_bt", node=CheckedSweeperConf, provider="petri_bt"
)


class CheckedSweeper(Sweeper):
    """Check the whole sweep, then hand its jobs to the launcher in batches."""

    def __init__(
        self, max_batch_size: int | None = None, params: dict[str, str] | None = None
    ) -> None:
        self.max_batch_size = max_batch_size
        self.params = params
        self.config: DictConfig | None = None
        self.hydra_context: HydraContext | None = None
        self.launcher: Launcher | None = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        self.config = config
        self.hydra_context = hydra_context
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )

    def sweep(self, arguments: list[str]) -> Any:
        from petri_bt._hydra_io import MULTIRUN_YAML, held_stderr, scrub_multirun_yaml
        from petri_bt.errors import UserError, print_error
        from petri_bt.sweep import SweepLauncher, check_sweep

        assert self.config is not None and self.hydra_context is not None
        assert self.launcher is not None
        try:
            jobs = check_sweep(
                self.config, self.hydra_context.config_loader, arguments, self.params
            )
        except UserError as exc:
            held_stderr()  # what Hydra printed while composing is beside the point now
            print_error(str(exc))
            raise SystemExit(2) from None
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / MULTIRUN_YAML)
        scrub_multirun_yaml(sweep_dir)
        size = self.max_batch_size or len(jobs)
        returns: list[Sequence[JobReturn]] = []
        for start in range(0, len(jobs), size):
            batch = jobs[start : start + size]
            if isinstance(self.launcher, SweepLauncher):
                results: Sequence[JobReturn] = self.launcher.launch_jobs(batch)
            else:
                overrides = [job.overrides for job in batch]
                results = self.launcher.launch(overrides, initial_job_idx=start)
            for result in results:
                _ = result.return_value  # a failed job raises its error, as Hydra's sweepers do
            returns.append(results)
        return returns

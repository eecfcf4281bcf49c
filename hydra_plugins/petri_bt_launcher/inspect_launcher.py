"""`hydra/launcher=inspect`: run a sweep's audits concurrently in one Inspect eval set.

Hydra imports every module under `hydra_plugins` on each command, so this one
stays light: the work (and the Inspect import) happens in `petri_bt.sweep` when
a sweep is launched. Importing it also registers petri_bt's OmegaConf resolvers
(`${petri_bt.sweep:}` in `hydra.sweep.dir`, `${petri_bt.job:}` in the subdir).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from hydra.core.config_store import ConfigStore
from hydra.core.utils import JobReturn
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig

from petri_bt.run import RETRY_ATTEMPTS
from petri_bt.sweep import register_resolvers

register_resolvers()


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


class InspectLauncher(Launcher):
    """Compose every job, then hand all the audits to one `inspect_ai.eval_set`.

    Jobs that are not audits (studies, exports, `action=show`...) run one after
    another through the normal single-run path, as with Hydra's basic launcher.
    """

    def __init__(self, retry_attempts: int = RETRY_ATTEMPTS, max_tasks: int | None = None) -> None:
        self.retry_attempts = retry_attempts
        self.max_tasks = max_tasks
        self.config: DictConfig | None = None
        self.task_function: TaskFunction | None = None
        self.hydra_context: HydraContext | None = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        self.config = config
        self.task_function = task_function
        self.hydra_context = hydra_context

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        from petri_bt.sweep import launch_sweep

        assert self.config is not None and self.task_function is not None
        assert self.hydra_context is not None
        return launch_sweep(
            hydra_context=self.hydra_context,
            task_function=self.task_function,
            config=self.config,
            job_overrides=job_overrides,
            initial_job_idx=initial_job_idx,
            retry_attempts=self.retry_attempts,
            max_tasks=self.max_tasks,
        )

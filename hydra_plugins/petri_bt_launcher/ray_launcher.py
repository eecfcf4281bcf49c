"""`hydra/launcher=ray`: every job of a sweep as one Ray task (petri_bt's own Ray launcher).

petri_bt ships this launcher instead of depending on `hydra-ray-launcher`, whose
pins (`cloudpickle<3`) cannot install next to Inspect (`inspect-scout` requires
`cloudpickle>=3`). Hydra imports this module on every command, so it stays light:
Ray is imported only when a sweep is launched (`petri_bt.sweep._ray`).

The schema is stored as `hydra/launcher=petri_bt_ray`; `conf/hydra/launcher/ray.yaml`
extends it with petri_bt's defaults and is what `hydra/launcher=ray` selects.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.core.utils import JobReturn
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig

from petri_bt.sweep import register_resolvers

register_resolvers()


@dataclass
class RaySettings:
    """What goes to `ray.init` and to each job's `ray.remote` options.

    Args:
        init: Keyword arguments of `ray.init`; null values are left out. `address`
            null starts a local cluster for the sweep (on loopback, ended with it);
            `auto`, `host:port` or `ray://host:10001` joins an existing cluster.
        remote: Keyword arguments of `ray.remote` for every job (`num_cpus`,
            `num_gpus`, `memory`, `resources`, `max_retries`, ...).
    """

    init: dict[str, Any] = field(default_factory=lambda: {"address": None})
    remote: dict[str, Any] = field(default_factory=dict)


@dataclass
class RayLauncherConf:
    """Settings of `hydra/launcher=ray` (override as `hydra.launcher.<name>=...`).

    Args:
        ray: `ray.init` and `ray.remote` arguments.
        env: Environment variables copied from the submitting shell into every job,
            as names or shell patterns (`BRAINTRUST_*`). Their values travel with
            the task in memory, never in the saved config nor in Ray's runtime_env
            (which Ray writes to its logs).
    """

    _target_: str = "hydra_plugins.petri_bt_launcher.ray_launcher.RayLauncher"
    ray: RaySettings = field(default_factory=RaySettings)
    env: list[str] = field(default_factory=list)


ConfigStore.instance().store(
    group="hydra/launcher", name="petri_bt_ray", node=RayLauncherConf, provider="petri_bt"
)


class RayLauncher(Launcher):
    """Submit each sweep job to Ray as one task running the normal single-run path."""

    def __init__(self, ray: DictConfig, env: Sequence[str] = ()) -> None:
        self.ray = ray
        self.env = list(env)
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
        from petri_bt.sweep import launch_on_ray

        assert self.config is not None and self.task_function is not None
        assert self.hydra_context is not None
        return launch_on_ray(
            hydra_context=self.hydra_context,
            task_function=self.task_function,
            config=self.config,
            job_overrides=job_overrides,
            initial_job_idx=initial_job_idx,
            ray_settings=self.ray,
            env_patterns=self.env,
        )

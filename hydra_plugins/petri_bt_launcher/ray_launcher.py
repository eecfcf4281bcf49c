"""`hydra/launcher=ray`: every job of a sweep as one Ray task (petri_bt's own Ray launcher).

The submitting process has every job's config composed and checked (the sweep
check), starts a local Ray cluster or joins an existing one, and submits one task
per job. A task runs Hydra's `run_job` in the submitting folder (which must be
shared with the nodes), so the job folders, logs, `job.json` and exports are what
any process launcher leaves; the sweep callback then writes the sweep summary here.
A job Ray loses (its worker or node died) is recorded as failed, with Ray's reason.

Secrets: the environment variables named by `hydra.launcher.env` travel as task
arguments (Ray keeps them in memory) and are set in the worker; Ray's
`runtime_env` is not used for them because Ray's runtime-env agent writes it
to its log files.

petri_bt ships this launcher instead of depending on `hydra-ray-launcher`, whose
pins (`cloudpickle<3`) cannot install next to Inspect (`inspect-scout` requires
`cloudpickle>=3`). Hydra imports this module on every command, so it stays light:
Ray is imported only when a sweep is launched. The schema is stored as
`hydra/launcher=petri_bt_ray`; `conf/hydra/launcher/ray.yaml` extends it with
petri_bt's defaults and is what `hydra/launcher=ray` selects.
"""

import logging
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, filter_overrides, setup_globals
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

from petri_bt.errors import UserError
from petri_bt.sweep import PlannedJob, SweepLauncher, run_job_here

log = logging.getLogger(__name__)
# Ray reads this when it is imported: off, a local cluster binds every process to loopback.
_RAY_CLUSTER_SWITCH = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"


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


class RayLauncher(SweepLauncher):
    """Submit each sweep job to Ray as one task running the normal single-run path."""

    def __init__(self, ray: DictConfig, env: Sequence[str] = ()) -> None:
        self.ray = ray
        self.env = list(env)

    def run_jobs(self, jobs: list[PlannedJob]) -> Sequence[JobReturn]:
        start_ray(ray_arguments(self.ray.init))
        import ray
        from ray.exceptions import RayError

        options = ray_arguments(self.ray.remote)
        remote = ray.remote(**options)(_run_job) if options else ray.remote(_run_job)
        env, cwd, state = forwarded_env(self.env), os.getcwd(), Singleton.get_state()
        log.info("Ray: %d jobs, sweep folder %s", len(jobs), self.config.hydra.sweep.dir)
        refs = []
        for job in jobs:
            log.info("\t#%d : %s", job.num, " ".join(filter_overrides(job.overrides)))
            args = (self.hydra_context, job.config, self.task_function, state, cwd, env)
            refs.append(remote.remote(*args))
        returns = []
        for job, ref in zip(jobs, refs, strict=True):
            try:
                returns.append(ray.get(ref))
            except RayError as exc:
                returns.append(self.record_lost(job, getattr(exc, "cause", None) or exc))
        return returns


def forwarded_env(patterns: Sequence[str]) -> dict[str, str]:
    """This shell's variables that the jobs receive.

    Args:
        patterns: Names or shell patterns (`BRAINTRUST_*`).
    """
    return {
        name: value
        for name, value in os.environ.items()
        if any(fnmatchcase(name, pattern) for pattern in patterns)
    }


def ray_arguments(node: DictConfig) -> dict[str, Any]:
    """Keyword arguments from `hydra.launcher.ray.init` or `.remote`, null values left out."""
    values = OmegaConf.to_container(node, resolve=True) or {}
    assert isinstance(values, dict)
    return {str(key): value for key, value in values.items() if value is not None}


def _host_port(address: str) -> tuple[str, int] | None:
    """`host:port` (or `ray://host:port`) split; None for `auto` and other forms."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return None
    return host.strip("[]"), int(port)


def _on_loopback(address: str) -> bool:
    where = _host_port(address)
    host = where[0] if where else address
    return host in ("localhost", "::1") or host.startswith("127.")


def _check_reachable(address: str) -> None:
    """Fail at once when nothing listens at the cluster's address (Ray would retry for minutes)."""
    where = _host_port(address)
    if where is None:
        return
    try:
        socket.create_connection(where, timeout=5).close()
    except OSError as exc:
        raise UserError(
            f"hydra.launcher.ray.init.address={address}: no Ray cluster answers there "
            f"({exc.strerror or exc}); start one (`ray start --head`) or fix the address"
        ) from None


def start_ray(init: dict[str, Any]) -> None:
    """Join the cluster at `init["address"]`, or start a local one for this sweep.

    A local cluster listens on loopback only, runs without Ray's dashboard, and
    ends with this process (Ray shuts it down at exit).

    Raises:
        UserError: When the cluster cannot be reached or started.
    """
    address = init.get("address") or os.environ.get("RAY_ADDRESS")
    if address is None:
        init.setdefault("include_dashboard", False)
    if address is None or _on_loopback(str(address)):
        # Else Ray resolves loopback to this machine's network address.
        os.environ.setdefault(_RAY_CLUSTER_SWITCH, "0")
    import ray

    if ray.is_initialized():
        return
    if address:
        _check_reachable(str(address))
    try:
        ray.init(**init)
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        where = f"join the Ray cluster at {address}" if address else "start a local Ray cluster"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(
            f"cannot {where}: {first} (check hydra.launcher.ray.init; for a cluster with token "
            "authentication set RAY_AUTH_MODE=token and its token in RAY_AUTH_TOKEN)"
        ) from exc


def _run_job(
    hydra_context: HydraContext,
    config: DictConfig,
    task_function: TaskFunction,
    singleton_state: dict[Any, Any],
    cwd: str,
    env: dict[str, str],
) -> JobReturn:
    """One job on a Ray worker: Hydra's `run_job` in the submitting folder."""
    if not Path(cwd).is_dir():
        raise UserError(
            f"the submitting folder {cwd} does not exist on Ray node {socket.gethostname()}: "
            "the sweep folder must be on a filesystem shared with every node"
        )
    os.chdir(cwd)
    # The worker serves only this sweep's jobs (Ray workers belong to one driver).
    os.environ.update(env)
    setup_globals()
    Singleton.set_state(singleton_state)
    HydraConfig.instance().set_config(config)
    return run_job_here(hydra_context, task_function, config)

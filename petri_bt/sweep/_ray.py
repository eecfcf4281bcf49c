"""`hydra/launcher=ray`: each sweep job as one Ray task running the normal single-run path.

The submitting process composes every job's config, starts a local Ray cluster
or joins an existing one, and submits one task per job. A task runs Hydra's
`run_job` in the submitting folder (which must be shared with the nodes), so
the job folders, logs, `job.json` and exports are what any process launcher
leaves; the sweep callback then writes the sweep summary here.

Secrets: the environment variables named by `hydra.launcher.env` travel as task
arguments (Ray keeps them in memory) and are set in the worker; Ray's
`runtime_env` is not used for them because Ray's runtime-env agent writes it
to its log files.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.core.singleton import Singleton
from hydra.core.utils import (
    JobReturn,
    JobStatus,
    configure_log,
    filter_overrides,
    run_job,
    setup_globals,
)
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from petri_bt._hydra_io import release_stderr
from petri_bt._secrets import redact_override
from petri_bt.errors import UserError

log = logging.getLogger(__name__)
# Ray reads this when it is imported: off, a local cluster binds every process to loopback.
_RAY_CLUSTER_SWITCH = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"


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
    return run_job(
        hydra_context=hydra_context,
        task_function=task_function,
        config=config,
        job_dir_key="hydra.sweep.dir",
        job_subdir_key="hydra.sweep.subdir",
    )


def _record_lost_job(
    hydra_context: HydraContext, config: DictConfig, overrides: Sequence[str], exc: BaseException
) -> JobReturn:
    """A job Ray could not run or lost (worker or node died): record it as failed.

    Gives it a folder the sweep summary reads (`.hydra/overrides.yaml`, `job.json`
    with the reason) when the job never got as far as writing its own.
    """
    cause = getattr(exc, "cause", None) or exc
    job_dir = (Path(str(config.hydra.sweep.dir)) / str(config.hydra.sweep.subdir)).resolve()
    saved = job_dir / ".hydra" / "overrides.yaml"
    if not saved.is_file():
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(OmegaConf.to_yaml([redact_override(o) for o in overrides]))
    with read_write(config.hydra.runtime), open_dict(config.hydra.runtime):
        config.hydra.runtime.output_dir = str(job_dir)
    ret = JobReturn(overrides=list(overrides), status=JobStatus.FAILED, _return_value=cause)
    HydraConfig.instance().set_config(config)
    hydra_context.callbacks.on_job_end(config=config, job_return=ret)
    return ret


def launch_on_ray(
    *,
    hydra_context: HydraContext,
    task_function: TaskFunction,
    config: DictConfig,
    job_overrides: Sequence[Sequence[str]],
    initial_job_idx: int,
    ray_settings: DictConfig,
    env_patterns: Sequence[str],
) -> list[JobReturn]:
    """Run one batch of sweep jobs as Ray tasks and wait for all of them.

    Args:
        hydra_context: Hydra's context (config loader, callbacks).
        task_function: The @hydra.main function.
        config: The sweep's config.
        job_overrides: Each job's overrides.
        initial_job_idx: The number of the batch's first job.
        ray_settings: `hydra.launcher.ray` (`init` and `remote` arguments).
        env_patterns: Variables copied from this shell into every job.

    Returns:
        One JobReturn per job, in order.
    """
    setup_globals()
    configure_log(config.hydra.hydra_logging, config.hydra.verbose)
    sweep_dir = Path(str(config.hydra.sweep.dir))
    sweep_dir.mkdir(parents=True, exist_ok=True)
    release_stderr()
    try:
        start_ray(ray_arguments(ray_settings.init))
    except UserError as exc:
        print(f"petri_bt: error: {exc}", file=sys.stderr)
        sys.exit(2)
    import ray
    from ray.exceptions import RayError

    options = ray_arguments(ray_settings.remote)
    remote = ray.remote(**options)(_run_job) if options else ray.remote(_run_job)
    env, cwd, state = forwarded_env(env_patterns), os.getcwd(), Singleton.get_state()
    log.info("Ray: %d jobs, sweep folder %s", len(job_overrides), sweep_dir)
    submitted = []
    for offset, overrides in enumerate(job_overrides):
        num = initial_job_idx + offset
        job_config = hydra_context.config_loader.load_sweep_config(config, list(overrides))
        with open_dict(job_config):
            job_config.hydra.job.id = num
            job_config.hydra.job.num = num
        log.info("\t#%d : %s", num, " ".join(filter_overrides(overrides)))
        ref = remote.remote(hydra_context, job_config, task_function, state, cwd, env)
        submitted.append((job_config, list(overrides), ref))
    saved_hydra = HydraConfig.instance().cfg
    returns = []
    try:
        for job_config, overrides, ref in submitted:
            try:
                returns.append(ray.get(ref))
            except RayError as exc:
                returns.append(_record_lost_job(hydra_context, job_config, overrides, exc))
    finally:
        HydraConfig.instance().cfg = saved_hydra
    return returns

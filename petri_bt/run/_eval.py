"""Hand tasks to Inspect: one eval, every task concurrently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from petri_bt.errors import UserError
from petri_bt.run._models import model_roles


def eval_kwargs(cfg: DictConfig) -> dict[str, Any]:
    """The Inspect eval arguments that come from the run config."""
    kwargs: dict[str, Any] = {
        "limit": cfg.limit or None,
        "epochs": cfg.epochs,
        "display": cfg.display,
        "max_samples": cfg.max_samples,
        "log_level": "warning",
    }
    if cfg.max_connections:
        kwargs["max_connections"] = cfg.max_connections
    if cfg.fail_on_error is not None:
        kwargs["fail_on_error"] = cfg.fail_on_error
    return kwargs


def in_sweep_job(cfg: DictConfig) -> bool:
    """True for a job of a Hydra sweep writing to its own folder: the folder is the
    same when the sweep command is run again, so the job's eval can resume there."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    if cfg.log_dir or not HydraConfig.initialized():
        return False
    return HydraConfig.get().mode == RunMode.MULTIRUN


def local_path(location: str) -> Path:
    """A log location as Inspect reports it (`file:///...` for reused logs, or a path)."""
    if location.startswith("file:"):
        from urllib.parse import unquote, urlparse

        return Path(unquote(urlparse(location).path))
    return Path(location)


def _local(log: Any) -> Any:
    log.location = str(local_path(str(log.location)))
    return log


def run_eval(cfg: DictConfig, tasks: list[Any], log_dir: Path, **overrides: Any) -> list[Any]:
    """Run the tasks through Inspect's eval, concurrently, and return their logs.

    In a sweep job (see `in_sweep_job`) this is an Inspect eval set: running the
    sweep again reuses the finished logs and the completed samples of interrupted ones.

    Args:
        cfg: The composed run config (roles, limits).
        tasks: One or more `inspect_petri.audit` tasks.
        log_dir: Where Inspect writes the `.eval` logs.
        **overrides: Further Inspect eval arguments.
    """
    from inspect_ai import eval as inspect_eval
    from inspect_ai import eval_set

    roles = model_roles(cfg)
    kwargs = eval_kwargs(cfg) | overrides
    common = {
        "model": roles["target"],
        "model_roles": roles,
        "log_dir": str(log_dir),
        "max_tasks": max(1, len(tasks)),
    }
    try:
        if in_sweep_job(cfg):
            _, logs = eval_set(
                tasks, retry_attempts=2, log_dir_allow_dirty=True, **common, **kwargs
            )
            return [_local(log) for log in logs]
        return inspect_eval(tasks, **common, **kwargs)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None

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


def run_eval(cfg: DictConfig, tasks: list[Any], log_dir: Path, **overrides: Any) -> list[Any]:
    """Run the tasks through Inspect's eval, concurrently, and return their logs.

    Args:
        cfg: The composed run config (roles, limits).
        tasks: One or more `inspect_petri.audit` tasks.
        log_dir: Where Inspect writes the `.eval` logs.
        **overrides: Further Inspect eval arguments.
    """
    from inspect_ai import eval as inspect_eval

    roles = model_roles(cfg)
    kwargs = eval_kwargs(cfg) | overrides
    try:
        return inspect_eval(
            tasks,
            model=roles["target"],
            model_roles=roles,
            log_dir=str(log_dir),
            max_tasks=max(1, len(tasks)),
            **kwargs,
        )
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None

"""Hand tasks to Inspect: one eval, or one eval set (resumable), every task at once.

`run_eval_set` is petri_bt's one call of Inspect's `eval_set`: a sweep job run on
its own (`run_eval`) and a whole sweep in one eval set (`hydra/launcher=inspect`)
both go through it, with the same options.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from petri_bt._console import inspect_display
from petri_bt.errors import UserError
from petri_bt.run._display import inspect_eval_args
from petri_bt.run._plan import RunPlan

RETRY_ATTEMPTS = 2
"""Eval-set retries of a task that ended in error, within one command (running the
same sweep command again retries again)."""


def local_path(location: str) -> Path:
    """A log location as Inspect reports it (`file:///...` for reused logs, or a path)."""
    if location.startswith("file:"):
        from urllib.parse import unquote, urlparse

        return Path(unquote(urlparse(location).path))
    return Path(location)


def _local(log: Any) -> Any:
    log.location = str(local_path(str(log.location)))
    return log


def run_eval_set(
    tasks: list[Any],
    log_dir: Path,
    eval_args: Mapping[str, Any],
    *,
    retry_attempts: int = RETRY_ATTEMPTS,
    max_tasks: int | None = None,
) -> list[Any]:
    """Run tasks as one Inspect eval set in `log_dir`, concurrently, and return their logs
    (locations as local paths).

    Running it again in the same folder reuses the finished logs and the completed
    samples of interrupted ones; a task that ends in error is retried at once.

    Args:
        tasks: Tasks from `build_task`, each carrying its models and limits (and a
            name unique among them).
        log_dir: Where Inspect writes the `.eval` logs.
        eval_args: Inspect eval arguments that apply to the whole eval (`RunPlan.eval_args`).
        retry_attempts: Retries of a task that ended in error, in this call.
        max_tasks: Tasks running at once (None: all of them).

    Raises:
        UserError: A file the eval needs does not exist.
    """
    from inspect_ai import eval_set

    try:
        with inspect_display(), inspect_eval_args(eval_args) as args:
            _, logs = eval_set(
                tasks,
                model=None,
                log_dir=str(log_dir),
                max_tasks=max_tasks or max(1, len(tasks)),
                retry_attempts=retry_attempts,
                retry_immediate=True,
                log_dir_allow_dirty=True,
                **args,
            )
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    return [_local(log) for log in logs]


def run_eval(plan: RunPlan, tasks: list[Any], log_dir: Path) -> list[Any]:
    """Run the tasks through Inspect, concurrently, and return their logs.

    For a resumable sweep job (see `RunPlan.resumable`) this is an Inspect eval set
    (`run_eval_set`): running the sweep again reuses the finished logs and the
    completed samples of interrupted ones.

    Args:
        plan: The run plan (eval-wide arguments).
        tasks: Tasks from `build_task`, each carrying its models and limits.
        log_dir: Where Inspect writes the `.eval` logs.
    """
    if plan.resumable:
        return run_eval_set(tasks, log_dir, plan.eval_args)
    from inspect_ai import eval as inspect_eval

    try:
        with inspect_display(), inspect_eval_args(plan.eval_args) as args:
            logs = inspect_eval(
                tasks, model=None, log_dir=str(log_dir), max_tasks=max(1, len(tasks)), **args
            )
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    return [_local(log) for log in logs]

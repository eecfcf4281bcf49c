"""Hand tasks to Inspect: one eval (or eval set, for a resumable sweep job), every task at once."""

from __future__ import annotations

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


def run_eval(plan: RunPlan, tasks: list[Any], log_dir: Path) -> list[Any]:
    """Run the tasks through Inspect, concurrently, and return their logs.

    For a resumable sweep job (see `RunPlan.resumable`) this is an Inspect eval set:
    running the sweep again reuses the finished logs and the completed samples of
    interrupted ones.

    Args:
        plan: The run plan (eval-wide arguments).
        tasks: Tasks from `build_task`, each carrying its models and limits.
        log_dir: Where Inspect writes the `.eval` logs.
    """
    from inspect_ai import eval as inspect_eval
    from inspect_ai import eval_set

    common = {"model": None, "log_dir": str(log_dir), "max_tasks": max(1, len(tasks))}
    try:
        with inspect_display(), inspect_eval_args(plan.eval_args) as eval_args:
            if plan.resumable:
                _, logs = eval_set(
                    tasks,
                    retry_attempts=RETRY_ATTEMPTS,
                    log_dir_allow_dirty=True,
                    **common,
                    **eval_args,
                )
                return [_local(log) for log in logs]
            return [_local(log) for log in inspect_eval(tasks, **common, **eval_args)]
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None

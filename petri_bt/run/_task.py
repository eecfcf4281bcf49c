"""Run config -> the `inspect_petri.audit` task."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from petri_bt.errors import UserError
from petri_bt.roles import resolve_roles
from petri_bt.run._seeds import seed_source


def check_knobs(cfg: DictConfig) -> None:
    """Range checks the schema cannot express."""
    if cfg.max_turns <= 0:
        raise UserError(f"max_turns={cfg.max_turns}: must be a positive number of turns")
    if cfg.limit < 0:
        raise UserError(f"limit={cfg.limit}: must be >= 0 (0 audits every seed)")
    if cfg.epochs < 1:
        raise UserError(f"epochs={cfg.epochs}: must be >= 1")
    if not 0.0 <= cfg.realism_threshold <= 1.0:
        raise UserError(f"realism_threshold={cfg.realism_threshold}: must be between 0 and 1")
    if cfg.resources_dir and not Path(cfg.resources_dir).expanduser().is_dir():
        raise UserError(f"resources_dir={cfg.resources_dir}: no such folder")


def _system_message(value: str | None) -> str | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    if len(value) < 512 and "\n" not in value and path.suffix in {".md", ".txt"}:
        if not path.is_file():
            raise UserError(f"auditor_system_message={value}: no such file")
        return path.read_text()
    return value


def judge_dimensions_arg(names: list[str]) -> Any:
    """The `judge_dimensions` value for Petri: None (all), one path / `tags:` string, or names.

    Args:
        names: The `judge_dimensions` knob.
    """
    if not names:
        return None
    first = names[0]
    if len(names) == 1 and first.startswith("tags:"):
        return first
    if len(names) == 1 and (Path(first).suffix or "/" in first):
        if not Path(first).expanduser().exists():
            raise UserError(f"judge_dimensions={first}: no such dimensions file or folder")
        return str(Path(first).expanduser())
    return list(names)


def _resource_tools(resources_dir: str | None) -> list[Any] | None:
    if not resources_dir:
        return None
    from inspect_petri.tools import (
        list_directory,
        read_file,
        search_in_files,
        send_file_as_tool_result,
    )

    allowed = [str(Path(resources_dir).expanduser().resolve())]
    return [
        list_directory(allowed),
        read_file(allowed),
        search_in_files(allowed),
        send_file_as_tool_result(allowed),
    ]


def build_task(
    cfg: DictConfig,
    *,
    seeds: str | list[str] | None = None,
    name: str | None = None,
    judge_dimensions: Any = None,
) -> Any:
    """Build the Petri audit task for a run config.

    Args:
        cfg: The composed run config.
        seeds: Overrides `cfg.seeds` with anything Petri's seeds_dataset accepts.
        name: Task name (shown in logs and used in experiment names).
        judge_dimensions: Overrides `cfg.judge_dimensions` (e.g. built-ins plus custom
            `JudgeDimension` objects).

    Returns:
        An `inspect_ai.Task`.
    """
    from inspect_ai import task_with
    from inspect_petri import audit

    check_knobs(cfg)
    roles = resolve_roles(cfg)
    task = audit(
        seed_instructions=seeds if seeds is not None else seed_source(cfg.seeds),
        max_turns=cfg.max_turns,
        compaction=cfg.compaction,
        enable_prefill=cfg.prefill,
        enable_rollback=cfg.rollback,
        target_tools=str(cfg.target_tools),
        extra_tools=_resource_tools(cfg.resources_dir),
        realism_filter=float(cfg.realism_threshold) if cfg.realism else False,
        system_message=_system_message(cfg.auditor_system_message),
        turn_counter=cfg.turn_counter,
        judge_dimensions=judge_dimensions
        if judge_dimensions is not None
        else judge_dimensions_arg(list(cfg.judge_dimensions)),
        cache=cfg.cache,
        target_display_name=cfg.target_display_name or roles["target"].display_name,
    )
    return task_with(task, name=name) if name else task

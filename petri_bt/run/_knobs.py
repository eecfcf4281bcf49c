"""The task knobs: which knobs shape an audit, their range checks, and Petri's arguments."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from petri_bt.errors import UserError
from petri_bt.roles import RoleModel

# Knobs that change what an audit measures; a study condition may override them.
TASK_KNOBS = (
    "max_turns",
    "rollback",
    "prefill",
    "realism",
    "realism_threshold",
    "target_tools",
    "compaction",
    "cache",
    "turn_counter",
    "auditor_system_message",
    "target_display_name",
    "resources_dir",
    "judge_dimensions",
)


def check_knobs(knobs: Mapping[str, Any]) -> None:
    """Range checks the schema cannot express, on whichever knobs are given.

    Args:
        knobs: Top-level knob values (all of a run's, or a study condition's few).

    Raises:
        UserError: One line naming the knob and the allowed range.
    """
    turns = knobs.get("max_turns")
    if turns is not None and turns <= 0:
        raise UserError(f"max_turns={turns}: must be a positive number of turns")
    limit = knobs.get("limit")
    if limit is not None and limit < 0:
        raise UserError(f"limit={limit}: must be >= 0 (0 audits every seed)")
    epochs = knobs.get("epochs")
    if epochs is not None and epochs < 1:
        raise UserError(f"epochs={epochs}: must be >= 1")
    threshold = knobs.get("realism_threshold")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise UserError(f"realism_threshold={threshold}: must be between 0 and 1")
    resources = knobs.get("resources_dir")
    if resources and not Path(resources).expanduser().is_dir():
        raise UserError(f"resources_dir={resources}: no such folder")
    timeout = knobs.get("timeout")
    if timeout is not None and timeout <= 0:
        raise UserError(f"timeout={timeout}: must be a positive number of seconds (or null)")
    retries = knobs.get("max_retries")
    if retries is not None and retries < 0:
        raise UserError(f"max_retries={retries}: must be >= 0 (or null for no limit)")
    _system_message(knobs.get("auditor_system_message"))


def _system_message(value: str | None) -> str | None:
    """The auditor's system prompt: inline text, or the text of a `.md`/`.txt` file."""
    if value is None:
        return None
    path = Path(value).expanduser()
    if len(value) < 512 and "\n" not in value and path.suffix in {".md", ".txt"}:
        if not path.is_file():
            raise UserError(f"auditor_system_message={value}: no such file")
        return path.read_text()
    return value


def judge_dimensions_arg(names: list[str] | tuple[str, ...]) -> str | tuple[str, ...] | None:
    """The `judge_dimensions` value for Petri: None (all), one path / `tags:` string, or names.

    Args:
        names: The `judge_dimensions` knob.
    """
    if not names:
        return None
    first = str(names[0])
    if len(names) == 1 and first.startswith("tags:"):
        return first
    if len(names) == 1 and (Path(first).suffix or "/" in first):
        if not Path(first).expanduser().exists():
            raise UserError(f"judge_dimensions={first}: no such dimensions file or folder")
        return str(Path(first).expanduser())
    return tuple(str(n) for n in names)


def task_args(knobs: Mapping[str, Any], roles: Mapping[str, RoleModel]) -> dict[str, Any]:
    """`inspect_petri.audit` arguments (except the seeds) from the knobs."""
    resources = knobs.get("resources_dir")
    return {
        "max_turns": int(knobs["max_turns"]),
        "compaction": bool(knobs["compaction"]),
        "enable_prefill": bool(knobs["prefill"]),
        "enable_rollback": bool(knobs["rollback"]),
        "target_tools": str(knobs["target_tools"]),
        "resources_dir": str(Path(resources).expanduser().resolve()) if resources else None,
        "realism_filter": float(knobs["realism_threshold"]) if knobs["realism"] else False,
        "system_message": _system_message(knobs.get("auditor_system_message")),
        "turn_counter": bool(knobs["turn_counter"]),
        "judge_dimensions": judge_dimensions_arg(list(knobs.get("judge_dimensions") or [])),
        "cache": bool(knobs["cache"]),
        "target_display_name": knobs.get("target_display_name") or roles["target"].display_name,
    }

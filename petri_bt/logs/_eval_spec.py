"""What a log header's eval spec says about the run: its roles, their servers, whether it
is a Petri audit.

The spec is the header's `eval` node as plain JSON (or a live run's EvalSpec dumped
to JSON), so the export, the run summary, a study's analysis and the report read
it alike.
"""

from __future__ import annotations

from typing import Any

from petri_bt._dimensions import JUDGE_SCORER
from petri_bt.naming import target_model


def roles_in_spec(eval_spec: dict[str, Any]) -> dict[str, str]:
    """Role -> model string as an eval spec records them (the target alone for role-less logs).

    Args:
        eval_spec: The header's `eval` node.
    """
    roles = {
        str(role): str(value.get("model"))
        for role, value in (eval_spec.get("model_roles") or {}).items()
        if isinstance(value, dict) and value.get("model")
    }
    target = target_model(eval_spec)
    if not roles and target:
        roles["target"] = target
    return roles


def role_servers(eval_spec: dict[str, Any]) -> dict[str, str]:
    """Role -> the base URL its model was called at (the roles that record one).

    Args:
        eval_spec: The header's `eval` node.
    """
    roles = eval_spec.get("model_roles") or {}
    return {
        role: str(entry["base_url"])
        for role, entry in roles.items()
        if isinstance(entry, dict) and entry.get("base_url")
    }


def is_petri(eval_spec: dict[str, Any]) -> bool:
    """Whether an eval spec describes a Petri audit (its task or its judge).

    Args:
        eval_spec: The header's `eval` node.
    """
    names = [str(eval_spec.get(k) or "") for k in ("task_registry_name", "task")]
    if any(n.startswith("inspect_petri/") for n in names):
        return True
    scorers = eval_spec.get("scorers") or []
    return any(
        isinstance(s, dict) and str(s.get("name", "")).rsplit("/", 1)[-1] == JUDGE_SCORER
        for s in scorers
    )

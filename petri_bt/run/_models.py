"""Resolved roles -> Inspect Model objects."""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from typing import Any

from petri_bt.errors import UserError
from petri_bt.roles import RoleModel


def _get_model(role: str, spec: RoleModel, max_connections: int | None) -> Any:
    from inspect_ai.model import GenerateConfig, get_model

    config = dict(spec.config)
    connections = spec.max_connections or max_connections
    if connections:
        config["max_connections"] = connections
    try:
        # In an empty context: get_model(role=...) would otherwise return the model an
        # earlier eval_set in this process bound to the role (Inspect's model-roles
        # context variable outlives the call), so a process running several sweep
        # jobs (basic, joblib, Ray workers) would audit the first job's target.
        return contextvars.Context().run(
            get_model,
            spec.model,
            role=role,
            base_url=spec.base_url,
            config=GenerateConfig(**config),
            memoize=False,
            **spec.args,
        )
    except Exception as exc:  # Inspect raises several types for an unknown provider
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{role}={spec.model}: {first_line}") from None


def judge_model(spec: RoleModel, max_connections: int | None) -> Any:
    """A judge of a panel, as an Inspect Model with the `judge` role (for usage accounting).

    Args:
        spec: The judge.
        max_connections: Connection limit unless the judge sets its own.
    """
    return _get_model("judge", spec, max_connections)


def role_models(roles: Mapping[str, RoleModel], max_connections: int | None) -> dict[str, Any]:
    """The `model_roles` for Inspect: role name -> Model.

    Args:
        roles: The plan's resolved roles.
        max_connections: Connection limit for roles that set none of their own.
    """
    return {role: _get_model(role, spec, max_connections) for role, spec in roles.items()}

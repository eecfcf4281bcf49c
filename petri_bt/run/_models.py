"""Resolved roles -> Inspect Model objects."""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from typing import Any

from petri_bt.errors import UserError
from petri_bt.preflight import provider_error_text
from petri_bt.roles import RoleModel


def generate_config(
    spec: RoleModel, max_connections: int | None, call_limits: Mapping[str, int | None]
) -> dict[str, Any]:
    """A role's Inspect GenerateConfig fields: its own settings over the run's limits.

    The run's `timeout` is Inspect's `attempt_timeout` (one call, abandoned and retried
    when exceeded) and `max_retries` is Inspect's `max_retries`. A role's own
    `config.attempt_timeout` / `config.max_retries` win. A role's `config.timeout`
    (Inspect's budget for a call including its retries) also caps each attempt,
    since no attempt may outlast the whole budget.

    Args:
        spec: The resolved role.
        max_connections: The run's connection limit (the role's own wins).
        call_limits: The run's `timeout` and `max_retries` knobs.
    """
    config = dict(spec.config)
    connections = spec.max_connections or max_connections
    if connections:
        config["max_connections"] = connections
    attempt = call_limits.get("timeout")
    if config.get("timeout") is not None and attempt is not None:
        attempt = min(attempt, int(config["timeout"]))
    if attempt is not None:
        config.setdefault("attempt_timeout", attempt)
    if call_limits.get("max_retries") is not None:
        config.setdefault("max_retries", call_limits["max_retries"])
    return config


def _get_model(role: str, spec: RoleModel, config: dict[str, Any]) -> Any:
    from inspect_ai.model import GenerateConfig, get_model

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
        raise UserError(f"{role}={spec.model}: {provider_error_text(exc)}") from None


def judge_model(
    spec: RoleModel,
    max_connections: int | None,
    call_limits: Mapping[str, int | None] | None = None,
) -> Any:
    """A judge of a panel, as an Inspect Model with the `judge` role (for usage accounting).

    Args:
        spec: The judge.
        max_connections: Connection limit unless the judge sets its own.
        call_limits: The run's per-call `timeout` and `max_retries`.
    """
    return _get_model("judge", spec, generate_config(spec, max_connections, call_limits or {}))


def role_models(
    roles: Mapping[str, RoleModel],
    max_connections: int | None,
    call_limits: Mapping[str, int | None] | None = None,
) -> dict[str, Any]:
    """The `model_roles` for Inspect: role name -> Model.

    Args:
        roles: The plan's resolved roles.
        max_connections: Connection limit for roles that set none of their own.
        call_limits: The run's per-call `timeout` and `max_retries`.
    """
    limits = call_limits or {}
    return {
        role: _get_model(role, spec, generate_config(spec, max_connections, limits))
        for role, spec in roles.items()
    }

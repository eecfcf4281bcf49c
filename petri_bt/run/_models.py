"""Resolved roles -> Inspect Model objects."""

from __future__ import annotations

import contextvars
from typing import Any

from omegaconf import DictConfig

from petri_bt.errors import UserError
from petri_bt.roles import RoleModel, resolve_roles


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


def model_roles(cfg: DictConfig) -> dict[str, Any]:
    """The `model_roles` for Inspect's eval: role name -> Model.

    Args:
        cfg: The composed run config.
    """
    roles = resolve_roles(cfg)
    return {role: _get_model(role, spec, cfg.max_connections) for role, spec in roles.items()}

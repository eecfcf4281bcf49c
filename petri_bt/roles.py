"""Which model plays each role: command line > PETRI_BT_<ROLE> > preset."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from omegaconf import DictConfig, OmegaConf

from petri_bt.errors import UserError

ROLES = ("target", "auditor", "judge")
LOCAL_PROVIDERS = ("ollama", "vllm", "sglang", "hf", "llama-cpp-python")

# provider/model, where model may hold further slashes and colons (ollama/qwen3:8b,
# vllm/meta-llama/Llama-3.1-8B, openrouter/meta-llama/llama-4).
_MODEL_STRING = re.compile(r"^[a-z][a-z0-9_.-]*/\S+$")


@dataclass(frozen=True)
class RoleModel:
    """A resolved role: the model string plus any curated settings.

    Args:
        model: The Inspect model string.
        source: Where it came from: `command line`, an env variable name, or `preset <name>`.
        base_url: Provider base URL, when set.
        max_connections: Connection limit for this model, when set.
        display_name: Public name used in the auditor's prompts (target only).
        args: Provider model_args.
        config: Inspect GenerateConfig fields.
    """

    model: str
    source: str
    base_url: str | None = None
    max_connections: int | None = None
    display_name: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def provider(self) -> str:
        return self.model.split("/", 1)[0]

    @property
    def is_local(self) -> bool:
        return self.provider in LOCAL_PROVIDERS


def check_model_string(value: str, role: str) -> str:
    """Return `value` if it is a well-formed Inspect model string, else raise UserError."""
    if not isinstance(value, str) or not _MODEL_STRING.match(value):
        raise UserError(
            f"{role}={value!r} is not a model string: expected provider/model, "
            f"e.g. {role}=ollama/mistral or {role}=anthropic/claude-sonnet-4-6"
        )
    return value


def resolve_roles(cfg: DictConfig) -> dict[str, RoleModel]:
    """Resolve the model of every role, applying the precedence rule.

    Args:
        cfg: The composed run config.

    Returns:
        role name -> RoleModel, for target, auditor, judge and (when set) realism.
    """
    resolved: dict[str, RoleModel] = {}
    panel = resolve_panel(cfg)
    for role in ROLES:
        if role == "judge" and panel:
            resolved[role] = panel[0]
            continue
        settings = role_settings(cfg, role)
        chosen, source = settings.pop("model"), settings.pop("source")
        env_name = f"PETRI_BT_{role.upper()}"
        if chosen is not None:
            model = check_model_string(chosen, role)
            resolved[role] = RoleModel(model=model, source=source or "command line", **settings)
        elif os.environ.get(env_name):
            model = check_model_string(os.environ[env_name], env_name)
            resolved[role] = RoleModel(model=model, source=env_name, **settings)
        else:
            model = check_model_string(cfg.preset[role], f"preset.{role}")
            resolved[role] = RoleModel(model=model, source=f"preset {cfg.preset.name}", **settings)
    if cfg.get("realism_model"):
        model = check_model_string(cfg.realism_model, "realism_model")
        resolved["realism"] = RoleModel(model=model, source="command line")
    elif cfg.preset.get("realism"):
        model = check_model_string(cfg.preset.realism, "preset.realism")
        resolved["realism"] = RoleModel(model=model, source=f"preset {cfg.preset.name}")
    return resolved


def role_settings(cfg: DictConfig, role: str) -> dict[str, Any]:
    """A role's node as plain data: `model` (None when the preset or `PETRI_BT_<ROLE>`
    picks it), `source`, and the settings that apply whoever picks the model.

    Args:
        cfg: The composed run config.
        role: `target`, `auditor` or `judge`.
    """
    node = cfg.get(role)
    settings = OmegaConf.to_container(node, resolve=True) if node is not None else {}
    assert isinstance(settings, dict)
    return {"model": None, "source": None, **settings}


def resolve_panel(cfg: DictConfig) -> tuple[RoleModel, ...]:
    """The judge panel (`judges=[...]`): empty for a single judge.

    Args:
        cfg: The composed run config.

    Raises:
        UserError: A malformed model string, or `judge=` and `judges=` both given.
    """
    models = [str(m) for m in cfg.get("judges") or []]
    if not models:
        return ()
    if role_settings(cfg, "judge")["model"] is not None:
        raise UserError(
            "judge= and judges= both given: use judges=[a,b,...] for a panel, or judge= alone"
        )
    return tuple(
        RoleModel(model=check_model_string(m, f"judges[{i}]"), source="command line (judges)")
        for i, m in enumerate(models)
    )


def all_local(roles: dict[str, RoleModel]) -> bool:
    """True when target, auditor and judge all run on local servers."""
    return all(roles[r].is_local for r in ROLES)

"""Stable, readable names for the jobs of a sweep."""

from __future__ import annotations

import re

from omegaconf import DictConfig


def slug(value: str) -> str:
    """A model string or value as a name fragment: `ollama/qwen3:8b` -> `qwen3-8b`."""
    tail = value.split("/")[-1] if "/" in value else value
    return re.sub(r"[^A-Za-z0-9.]+", "-", tail).strip("-").lower()


def experiment_name_for_job(cfg: DictConfig) -> str | None:
    """The experiment name of a multirun job, built from its swept values.

    Returns None outside a multirun, where the exporter's default name applies.
    """
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    if not HydraConfig.initialized():
        return None
    hydra_cfg = HydraConfig.get()
    if hydra_cfg.mode != RunMode.MULTIRUN:
        return None
    parts = []
    for override in hydra_cfg.overrides.task:
        key, _, value = override.lstrip("+~").partition("=")
        if not value or key.startswith("hydra") or key.startswith("export."):
            continue
        short = {"max_turns": "t", "repeat": "r", "epochs": "e", "limit": "n"}.get(key)
        parts.append(f"{short}{value}" if short else slug(value))
    return "_".join(parts) or None

"""The schema is closed: a key it does not know fails, `+` or not.

Hydra lets `+key=value` add a key to a structured config, so a misspelt knob given
with `+` would be accepted and ignored. Every composed config is checked here
against the schema's fields, nested nodes included.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import typing
from typing import Any

from omegaconf import DictConfig

from petri_bt.config._schema import RunConfig
from petri_bt.errors import UserError

# Nodes whose keys are free: provider model args, generate config, price overrides,
# custom dimension directions.
_FREE = {"args", "config", "pricing", "dimension_directions"}


def _schema_of(annotation: Any) -> type | None:
    """The dataclass an annotation names (`ModelConfig | None` -> ModelConfig), if any."""
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _schema_of(arg)
        if found is not None:
            return found
    return None


@functools.cache  # a sweep checks every job's config against the same schema
def _fields(schema: type) -> dict[str, Any]:
    hints = typing.get_type_hints(schema)
    return {f.name: hints[f.name] for f in dataclasses.fields(schema)}


def _nearest(name: str, known: list[str]) -> str:
    return difflib.get_close_matches(name, known, n=1, cutoff=0.0)[0]


def nearest_key(dotted: str) -> str | None:
    """The schema key nearest to a dotted key the schema does not know (`export.progres`
    -> `export.progress`); None when a parent of it is not a schema node either.

    Args:
        dotted: The unknown key, as typed.
    """
    schema: type | None = RunConfig
    prefix = ""
    parts = dotted.split(".")
    for part in parts[:-1]:
        fields = _fields(schema) if schema else {}
        if part not in fields or part in _FREE:
            return None
        schema, prefix = _schema_of(fields[part]), f"{prefix}{part}."
    return f"{prefix}{_nearest(parts[-1], list(_fields(schema)))}" if schema else None


def unknown_key_message(dotted: str) -> str:
    """One line for a key the schema does not know, naming the nearest known key."""
    nearest = nearest_key(dotted)
    hint = f"; did you mean {nearest}?" if nearest else ""
    return f"{dotted} is not a petri_bt setting{hint} (python -m petri_bt --help lists every key)"


def _unknown(node: DictConfig, schema: type, prefix: str) -> str | None:
    fields = _fields(schema)
    for key in node:
        name = str(key)
        if prefix == "" and name == "hydra":
            continue
        if name not in fields:
            return unknown_key_message(f"{prefix}{name}")
        child = node.get(name)
        inner = _schema_of(fields[name])
        if isinstance(child, DictConfig) and inner is not None and name not in _FREE:
            problem = _unknown(child, inner, f"{prefix}{name}.")
            if problem:
                return problem
    return None


def check_known_keys(cfg: DictConfig) -> None:
    """Refuse a composed config holding a key the schema does not define.

    Args:
        cfg: The composed run config.

    Raises:
        UserError: One line naming the key and the nearest known key.
    """
    problem = _unknown(cfg, RunConfig, "")
    if problem:
        raise UserError(problem)

"""YAML in and out through libyaml when PyYAML has it (ten times the pure-Python speed)."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load_yaml(text: str) -> Any:
    """Parse YAML text with the safe loader.

    Args:
        text: The YAML document.
    """
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)


def dump_yaml(data: Any) -> str:
    """Write data as block-style YAML with the safe dumper, keys in their order.

    Args:
        data: Plain data (dicts, lists, scalars).
    """
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True)

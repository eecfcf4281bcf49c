"""Lazy re-exports for package roots that Hydra or the CLI import on every command."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_exports(package: str, homes: dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that loads each public name from its module on first use.

    Args:
        package: The package's `__name__` (for the AttributeError message).
        homes: Public name -> the module defining it.
    """

    def __getattr__(name: str) -> Any:
        if name in homes:
            return getattr(import_module(homes[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__

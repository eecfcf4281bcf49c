"""What every part of a study file's parser shares: the one-line problem, text and names."""

from __future__ import annotations

import re
from typing import Any

SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Problem(Exception):
    """One validation failure: the field and what is wrong with it."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")


def text_field(data: dict[str, Any], key: str, where: str, *, required: bool) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise Problem(where + key, "missing; add it (a non-empty text)")
        return ""
    if not isinstance(value, str):
        raise Problem(where + key, f"must be text, got {type(value).__name__}")
    if required and not value.strip():
        raise Problem(where + key, "is empty")
    return value.strip()


def dimension_names(
    data: dict[str, Any], key: str, default: tuple[str, ...] | None
) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        if default is None:
            raise Problem(key, "missing; list the judge dimensions to test")
        return default
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise Problem(key, "must be a list of dimension names")
    if len(set(value)) != len(value):
        raise Problem(key, "lists a dimension twice")
    return tuple(value)

"""Name fragments: model strings and values made readable, URL-safe and short."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any


def slug(value: Any) -> str:
    """A model string or value as a short name fragment: `ollama/qwen3:8b` -> `qwen3-8b`.

    The provider (the part before the first `/`) is dropped; the rest keeps its
    letters, digits and dots, lower-cased. Lists join their items with `+`.

    Args:
        value: A model string, a number, or a list of them.
    """
    if isinstance(value, list | tuple):
        return "+".join(slug(v) for v in value)
    text = str(value)
    tail = text.split("/", 1)[1] if "/" in text and not text.startswith("/") else text
    return re.sub(r"[^A-Za-z0-9.]+", "-", tail).strip("-.").lower() or "x"


def url_safe_name(text: str) -> str:
    """A model string or task name as a readable, URL-safe name part (provider and case kept).

    Args:
        text: E.g. `ollama/qwen3:8b` (gives `ollama-qwen3-8b`).
    """
    cleaned = re.sub(r"[^A-Za-z0-9._]+", "-", text).strip("-.")
    return cleaned or "unknown"


def judges_name(models: Sequence[str]) -> str:
    """A short, file-safe name for a judge or a panel: `judge-harsh`, `3judges-1a2b3c`.

    Args:
        models: The judges' model strings (one for a single judge).
    """
    if len(models) == 1:
        return slug(models[0]) if slug(models[0]) != "x" else "judge"
    return f"{len(models)}judges-{digest(models, 6)}"


def digest(parts: Iterable[str], length: int = 8) -> str:
    """A short hex digest of some text parts, stable across machines and runs."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:length]

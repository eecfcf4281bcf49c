"""Keep secrets off disk: redact secret-looking keys before any config is written."""

from __future__ import annotations

import re
from typing import Any

_SECRET_KEY = re.compile(r"(api[_-]?key|token|secret|password|authorization)", re.IGNORECASE)
REDACTED = "<redacted>"


def redact(value: Any) -> Any:
    """Return a copy of a plain config structure with secret-looking values replaced.

    Args:
        value: Dicts, lists and scalars (an OmegaConf container already converted).
    """
    if isinstance(value, dict):
        return {
            k: (REDACTED if _SECRET_KEY.search(str(k)) and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def redact_override(override: str) -> str:
    """Redact one Hydra command-line override such as `target.args.api_key=sk-...`."""
    key, sep, _ = override.partition("=")
    return f"{key}{sep}{REDACTED}" if sep and _SECRET_KEY.search(key) else override

"""Keep secrets off disk: one notion of a secret, one way to scrub it.

A key is secret when its last segment names a credential (`api_key`, `hf_token`,
`client_secret`, `password`, ...), not when it merely contains such a word
(`max_tokens` is not a secret). Values given for secret keys on the command line,
and secret environment variables, are also removed wherever they are repeated.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from petri_bt._yaml import dump_yaml, load_yaml

REDACTED = "<redacted>"
MIN_SECRET_LENGTH = 6  # shorter values are redacted by key only, never searched for as text

_SECRET_NAME = re.compile(
    r"(?:^|_)(?:api_?key|access_?key|secret(?:_?key)?|token|password|passwd|authorization"
    r"|credentials?)$",
    re.IGNORECASE,
)
_SECRET_ENV = re.compile(r"(API_KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)
# `name: value` pairs inside a dict-valued override such as `+target.args={api_key:sk-1}`.
_NESTED_PAIR = re.compile(r"([A-Za-z0-9_]+)(\s*:\s*)('[^']*'|\"[^\"]*\"|[^,}\]\s]+)")


def is_secret_key(key: str) -> bool:
    """True when a config key (dotted, Hydra prefixes allowed) names a credential."""
    last = str(key).lstrip("+~").split("@", 1)[0].rsplit(".", 1)[-1]
    return bool(_SECRET_NAME.search(last))


def redact(value: Any) -> Any:
    """A copy of plain config data with the values of secret keys replaced.

    Args:
        value: Dicts, lists and scalars (an OmegaConf container already converted).
    """
    if isinstance(value, dict):
        return {
            k: (REDACTED if is_secret_key(k) and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def _nested_secrets(text: str) -> list[str]:
    return [m.group(3) for m in _NESTED_PAIR.finditer(text) if is_secret_key(m.group(1))]


def redact_override(override: str) -> str:
    """Redact one Hydra override: `a.api_key=sk-1` or `+a.args={api_key:sk-1}`."""
    key, sep, value = override.partition("=")
    if not sep:
        return override
    if is_secret_key(key):
        return f"{key}={REDACTED}"
    return (
        key
        + sep
        + _NESTED_PAIR.sub(
            lambda m: (
                m.group(1) + m.group(2) + (REDACTED if is_secret_key(m.group(1)) else m.group(3))
            ),
            value,
        )
    )


def override_secrets(overrides: Iterable[str]) -> list[str]:
    """The secret values given in command-line overrides, long enough to search for."""
    found: list[str] = []
    for override in overrides:
        key, sep, value = str(override).partition("=")
        if not sep:
            continue
        candidates = [value] if is_secret_key(key) else _nested_secrets(value)
        found.extend(v.strip("'\"") for v in candidates)
    return [v for v in found if len(v) >= MIN_SECRET_LENGTH and v != REDACTED]


def environment_secrets() -> list[str]:
    """Values of secret-named environment variables (API keys, tokens)."""
    return [
        v for k, v in os.environ.items() if _SECRET_ENV.search(k) and len(v) >= MIN_SECRET_LENGTH
    ]


def scrub(value: Any, secrets: Iterable[str] = ()) -> Any:
    """Redact secret keys, secret overrides, and every occurrence of the given secret values.

    Args:
        value: Plain data (dicts, lists, scalars).
        secrets: Literal secret values to remove from any string they appear in.
    """
    known = sorted(set(secrets), key=len, reverse=True)

    def walk(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v) for v in item]
        if isinstance(item, str):
            item = redact_override(item)
            for secret in known:
                item = item.replace(secret, REDACTED)
        return item

    return walk(redact(value))


def scrub_yaml_file(path: Path, secrets: Iterable[str] = ()) -> None:
    """Rewrite a YAML file (Hydra's saved config) with `scrub` applied, if anything changes."""
    if not path.is_file():
        return
    data = load_yaml(path.read_text())
    cleaned = scrub(data, secrets)
    if cleaned != data:
        path.write_text(dump_yaml(cleaned))

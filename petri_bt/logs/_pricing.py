"""Pricing model calls: USD per million tokens, cache reads and writes priced apart.

The table is a data file shipped with the log reader (`petri_bt/logs/pricing.yaml`,
not a Hydra config group), plus the user's `export.pricing` overrides. Keys are model
strings (`anthropic/claude-sonnet-4-5`) or provider wildcards (`openai/*`). Models
served on your own hardware cost 0 unless the table prices them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from petri_bt import roles
from petri_bt._yaml import load_yaml

# Free unless the table prices them: your own hardware, and Inspect's test models.
FREE_PROVIDERS = frozenset(roles.LOCAL_PROVIDERS) | {"scripted", "mockllm", "none"}

_DATE_SUFFIX = re.compile(r"(-\d{8}|-\d{4}-\d{2}-\d{2}|@\d{8}|-latest|:latest)$")


@dataclass(frozen=True)
class Price:
    """USD per million tokens for one model."""

    input: float
    output: float
    cache_read: float
    cache_write: float
    source: str  # the table key that matched, "local" or "unpriced"

    def cost(self, usage: dict[str, Any]) -> float:
        """USD for one call's usage (Inspect's `ModelUsage` as a dict)."""
        return (
            _n(usage.get("input_tokens")) * self.input
            + _n(usage.get("output_tokens")) * self.output
            + _n(usage.get("input_tokens_cache_read")) * self.cache_read
            + _n(usage.get("input_tokens_cache_write")) * self.cache_write
        ) / 1_000_000


def _n(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


FREE = Price(0.0, 0.0, 0.0, 0.0, "local")
UNPRICED = Price(0.0, 0.0, 0.0, 0.0, "unpriced")


PRICING_FILE = Path(__file__).with_name("pricing.yaml")
"""The shipped pricing table."""


@functools.cache  # it ships with the package; a sweep prices every job
def _read_shipped_pricing() -> dict[str, dict[str, Any]]:
    if not PRICING_FILE.is_file():
        return {}
    loaded = load_yaml(PRICING_FILE.read_text(encoding="utf-8"))
    return {str(k): dict(v) for k, v in (loaded or {}).items() if isinstance(v, dict)}


def shipped_pricing() -> dict[str, dict[str, Any]]:
    """The table in `petri_bt/logs/pricing.yaml` (read once per process, a fresh copy)."""
    return {key: dict(value) for key, value in _read_shipped_pricing().items()}


class PriceTable:
    """Looks up the price of a model string.

    Args:
        entries: `export.pricing` (model or `provider/*` -> input, output,
            cache_read, cache_write). A missing cache price falls back to the
            input price.
    """

    def __init__(self, entries: dict[str, dict[str, Any]] | None = None):
        # Start from the shipped table, so Python callers without a composed config
        # get the same prices.
        merged: dict[str, dict[str, Any]] = dict(shipped_pricing())
        for key, value in (entries or {}).items():
            merged[str(key)] = {
                **merged.get(str(key), {}),
                **{k: v for k, v in dict(value).items() if v is not None},
            }
        self._entries = merged
        self._prices = {key: self._price(key, value) for key, value in merged.items()}
        self._cache: dict[str, Price] = {}

    def entries(self) -> dict[str, dict[str, Any]]:
        """The whole table (shipped prices with the overrides applied), as plain data."""
        return {key: dict(value) for key, value in sorted(self._entries.items())}

    @staticmethod
    def _price(key: str, value: dict[str, Any]) -> Price:
        inp = float(value.get("input") or 0.0)
        cache_read = value.get("cache_read")
        cache_write = value.get("cache_write")
        return Price(
            input=inp,
            output=float(value.get("output") or 0.0),
            cache_read=inp if cache_read is None else float(cache_read),
            cache_write=inp if cache_write is None else float(cache_write),
            source=key,
        )

    def price(self, model: str | None) -> Price:
        """The price of a model string (exact, dated or routed names, wildcard, local)."""
        model = (model or "").strip()
        if model in self._cache:
            return self._cache[model]
        found = self._lookup(model)
        self._cache[model] = found
        return found

    def _lookup(self, model: str) -> Price:
        candidates = [model]
        undated = _DATE_SUFFIX.sub("", model)
        if undated != model:
            candidates.append(undated)
        parts = model.split("/")
        if len(parts) > 2:  # routers: openrouter/anthropic/claude-... -> anthropic/claude-...
            routed = "/".join(parts[-2:])
            candidates += [routed, _DATE_SUFFIX.sub("", routed)]
        for candidate in candidates:
            if candidate in self._prices:
                return self._prices[candidate]
        provider = parts[0] if parts else ""
        wildcard = f"{provider}/*"
        if wildcard in self._prices:
            return self._prices[wildcard]
        if len(parts) > 2 and f"{parts[-2]}/*" in self._prices:
            return self._prices[f"{parts[-2]}/*"]
        if provider in FREE_PROVIDERS:
            return FREE
        return UNPRICED

"""Per-role usage (tokens, cost, compute time): one sample's, summed over many, and the overhead.

A role's usage is a dict with the keys of `empty_usage()`; `sample_usage` and the
mapping produce one per role for every sample.
"""

from __future__ import annotations

from typing import Any

AUDITING_ROLES = ("auditor", "judge", "realism")
COUNTS = (
    "calls",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "total_tokens",
)


def empty_usage() -> dict[str, Any]:
    """One role's usage before any call."""
    return {
        **dict.fromkeys(COUNTS, 0),
        "cost_usd": 0.0,
        "compute_s": 0.0,
        "models": [],
        "unpriced_models": [],
    }


def overhead_ratio(by_role: dict[str, float], digits: int) -> float | None:
    """The auditing roles' share of a per-role figure (None when the total is 0).

    Args:
        by_role: Role -> cost or tokens.
        digits: Rounding of the ratio.
    """
    total = sum(by_role.values())
    auditing = sum(v for r, v in by_role.items() if r in AUDITING_ROLES)
    return round(auditing / total, digits) if total > 0 else None


class UsageTotals:
    """Per-role usage summed over samples, in the order they are added."""

    def __init__(self) -> None:
        self.roles: dict[str, dict[str, Any]] = {}

    def add(self, usage: dict[str, dict[str, Any]]) -> None:
        """Add one sample's per-role usage.

        Args:
            usage: Role -> usage, as `sample_usage` returns it.
        """
        for role, u in usage.items():
            entry = self.roles.setdefault(role, empty_usage())
            for key in (*COUNTS, "cost_usd", "compute_s"):
                entry[key] += u[key]
            for key in ("models", "unpriced_models"):
                entry[key] = sorted(set(entry[key]) | set(u[key]))

    def by_role(self, key: str) -> dict[str, Any]:
        """Role -> one summed figure (e.g. `cost_usd`)."""
        return {role: entry[key] for role, entry in self.roles.items()}

    def unpriced(self) -> list[str]:
        """Every model that had no price, sorted."""
        return sorted({m for entry in self.roles.values() for m in entry["unpriced_models"]})

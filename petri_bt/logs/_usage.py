"""Usage accounting: tokens, cost and compute time per role, per sample and summed over samples.

A role's usage is a dict with the keys of `empty_usage()`. Every model call
(Inspect ModelEvent) is attributed to a role and priced once, here; the mapping
puts the per-call figures on its `llm` span and the per-role sums on the sample.
"""

from __future__ import annotations

from typing import Any

from petri_bt.logs._pricing import PriceTable

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


def _num(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def overhead_ratio(by_role: dict[str, float], digits: int) -> float | None:
    """The auditing roles' share of a per-role figure (None when the total is 0).

    Args:
        by_role: Role -> cost or tokens.
        digits: Rounding of the ratio.
    """
    total = sum(by_role.values())
    auditing = sum(v for r, v in by_role.items() if r in AUDITING_ROLES)
    return round(auditing / total, digits) if total > 0 else None


def tokens_per_second(tokens: int, seconds: float) -> float | None:
    """Output tokens per second of compute (None without compute time).

    Args:
        tokens: Output tokens.
        seconds: Compute time they took.
    """
    return round(tokens / seconds, 1) if seconds > 0 else None


def role_of(event: dict[str, Any], model_roles: dict[str, str], span_roles: dict[str, str]) -> str:
    """The role that made a model call: the event's own, its model's, or its span's.

    Args:
        event: The ModelEvent as stored.
        model_roles: Role -> model string of the log.
        span_roles: Span id -> role, of the calls seen so far in the sample.
    """
    role = event.get("role")
    if role:
        return str(role)
    model = event.get("model")
    for name, configured in model_roles.items():
        if configured == model:
            return name
    return span_roles.get(str(event.get("span_id")), "other")


def call_cost(prices: PriceTable | None, model: str, usage: dict[str, Any]) -> tuple[float, str]:
    """(USD, how it was priced) of one call: the table, else the log's own cost, else unpriced.

    Args:
        prices: The pricing table (None: nothing is priced).
        model: The call's model string.
        usage: Inspect's ModelUsage of the call, as stored.
    """
    if prices is None:
        return 0.0, "unpriced"
    price = prices.price(model)
    if price.source == "unpriced":
        total = usage.get("total_cost")
        if isinstance(total, (int, float)) and not isinstance(total, bool):
            return float(total), "log"
        return 0.0, "unpriced"
    return price.cost(usage), price.source


def account_call(
    event: dict[str, Any],
    prices: PriceTable | None,
    role: str,
    usage: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """Add one ModelEvent's tokens, cost and compute time to its role's usage.

    Args:
        event: The ModelEvent as stored.
        prices: The pricing table.
        role: The role that made the call.
        usage: Role -> usage, updated in place.

    Returns:
        The call's own figures: input_tokens, output_tokens, cache_read,
        cache_write, reasoning, cost, priced_by, latency.
    """
    model = str(event.get("model") or "")
    output = event.get("output") or {}
    call_usage = output.get("usage") or {}
    cost, priced_by = call_cost(prices, model, call_usage)
    latency = output.get("time")
    if not isinstance(latency, (int, float)):
        latency = event.get("working_time")
    call = {
        "input_tokens": _num(call_usage.get("input_tokens")),
        "output_tokens": _num(call_usage.get("output_tokens")),
        "cache_read": _num(call_usage.get("input_tokens_cache_read")),
        "cache_write": _num(call_usage.get("input_tokens_cache_write")),
        "reasoning": _num(call_usage.get("reasoning_tokens")),
        "cost": cost,
        "priced_by": priced_by,
        "latency": latency,
    }
    entry = usage.get(role)
    if entry is None:
        entry = usage[role] = empty_usage()
    entry["calls"] += 1
    entry["input_tokens"] += call["input_tokens"]
    entry["output_tokens"] += call["output_tokens"]
    entry["cache_read_tokens"] += call["cache_read"]
    entry["cache_write_tokens"] += call["cache_write"]
    entry["reasoning_tokens"] += call["reasoning"]
    entry["total_tokens"] += _num(call_usage.get("total_tokens")) or (
        call["input_tokens"] + call["output_tokens"] + call["cache_read"] + call["cache_write"]
    )
    entry["cost_usd"] += cost
    entry["compute_s"] += float(latency) if isinstance(latency, (int, float)) else 0.0
    if model and model not in entry["models"]:
        entry["models"].append(model)
    if priced_by == "unpriced" and model and model not in entry["unpriced_models"]:
        entry["unpriced_models"].append(model)
    return call


def usage_from_summary(
    sample: dict[str, Any], model_roles: dict[str, str], prices: PriceTable | None
) -> dict[str, dict[str, Any]]:
    """Per-role usage from the sample's `role_usage`, for samples without model events.

    Args:
        sample: The sample as stored.
        model_roles: Role -> model string of the log.
        prices: The pricing table.
    """
    usage: dict[str, dict[str, Any]] = {}
    for role, figures in (sample.get("role_usage") or {}).items():
        if not isinstance(figures, dict):
            continue
        model = model_roles.get(role, "")
        cost, priced_by = call_cost(prices, model, figures)
        entry = empty_usage()
        entry.update(
            input_tokens=_num(figures.get("input_tokens")),
            output_tokens=_num(figures.get("output_tokens")),
            cache_read_tokens=_num(figures.get("input_tokens_cache_read")),
            cache_write_tokens=_num(figures.get("input_tokens_cache_write")),
            reasoning_tokens=_num(figures.get("reasoning_tokens")),
            total_tokens=_num(figures.get("total_tokens")),
            cost_usd=cost,
            models=[model] if model else [],
            unpriced_models=[model] if priced_by == "unpriced" and model else [],
        )
        usage[str(role)] = entry
    return usage


def round_usage(usage: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Round a sample's summed cost and compute time for display (in place; returned)."""
    for entry in usage.values():
        entry["cost_usd"] = round(entry["cost_usd"], 8)
        entry["compute_s"] = round(entry["compute_s"], 4)
    return usage


def sample_usage(
    sample: dict[str, Any], model_roles: dict[str, str], prices: PriceTable | None
) -> dict[str, dict[str, Any]]:
    """Tokens, cost and compute time per role of one stored sample (no rows built).

    Args:
        sample: The sample as stored in the log.
        model_roles: Role -> model string of the log.
        prices: The pricing table.
    """
    usage: dict[str, dict[str, Any]] = {}
    span_roles: dict[str, str] = {}
    for event in sample.get("events") or []:
        if isinstance(event, dict) and event.get("event") == "model":
            role = role_of(event, model_roles, span_roles)
            span_roles.setdefault(str(event.get("span_id")), role)
            account_call(event, prices, role, usage)
    return round_usage(usage or usage_from_summary(sample, model_roles, prices))


def sample_cost(usage: dict[str, dict[str, Any]], wall_clock_s: float | None) -> dict[str, Any]:
    """A sample's `metadata.cost`: USD per role, target vs auditing overhead, seconds and tok/s.

    Args:
        usage: Role -> usage of the sample.
        wall_clock_s: The sample's elapsed time, start to end.
    """
    by_role = {role: round(u["cost_usd"], 8) for role, u in usage.items()}
    tokens = {role: u["total_tokens"] for role, u in usage.items()}
    return {
        "by_role_usd": by_role,
        "total_usd": round(sum(by_role.values()), 8),
        "target_usd": round(sum(v for r, v in by_role.items() if r not in AUDITING_ROLES), 8),
        "overhead_usd": round(sum(v for r, v in by_role.items() if r in AUDITING_ROLES), 8),
        "auditing_overhead_ratio": overhead_ratio(by_role, 6),
        "auditing_overhead_tokens_ratio": overhead_ratio(tokens, 6),
        "by_role_seconds": {role: round(u["compute_s"], 4) for role, u in usage.items()},
        "by_role_tok_s": {
            role: tokens_per_second(u["output_tokens"], u["compute_s"]) for role, u in usage.items()
        },
        "wall_clock_seconds": None if wall_clock_s is None else round(wall_clock_s, 3),
        "unpriced_models": sorted({m for u in usage.values() for m in u["unpriced_models"]}),
    }


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

    def export_figures(self) -> dict[str, Any]:
        """Cost, overhead ratios, tokens and unpriced models, as the export summary gives them."""
        cost = self.by_role("cost_usd")
        tokens = {
            role: {
                "input": u["input_tokens"],
                "output": u["output_tokens"],
                "cache_read": u["cache_read_tokens"],
                "cache_write": u["cache_write_tokens"],
                "total": u["total_tokens"],
            }
            for role, u in self.roles.items()
        }
        return {
            "cost_usd": {
                "by_role": {r: round(v, 6) for r, v in sorted(cost.items())},
                "total": round(sum(cost.values()), 6),
            },
            "auditing_overhead_ratio": overhead_ratio(cost, 4),
            "auditing_overhead_tokens_ratio": overhead_ratio(self.by_role("total_tokens"), 4),
            "tokens": {
                "by_role": dict(sorted(tokens.items())),
                "total": sum(t["total"] for t in tokens.values()),
            },
            "unpriced_models": self.unpriced(),
        }


FORECAST_TOKENS = (
    "input_tokens",
    "output_tokens",
    "input_tokens_cache_read",
    "input_tokens_cache_write",
)
"""The token counts a forecast prices (Inspect's ModelUsage keys)."""

JUDGING_ROLE = "judge"


def usage_by_turn(
    sample: dict[str, Any], model_roles: dict[str, str]
) -> tuple[list[dict[str, dict[str, int]]], dict[str, dict[str, int]]] | None:
    """Tokens per role of each auditor turn of a stored sample, and of its judging.

    Turn k runs from the auditor's k-th model call up to its next one (Petri's
    `max_turns` counts these calls); calls before the first are turn 0. Calls by the
    judge role are the judging's, whenever they happen.

    Args:
        sample: The sample as stored in the log.
        model_roles: Role -> model string of the log.

    Returns:
        (turns, judging), each role -> `FORECAST_TOKENS` counts; None when the sample
        holds no model event (its usage is known only as a total).
    """
    turns: list[dict[str, dict[str, int]]] = [{}]
    judging: dict[str, dict[str, int]] = {}
    span_roles: dict[str, str] = {}
    seen = False
    for event in sample.get("events") or []:
        if not isinstance(event, dict) or event.get("event") != "model":
            continue
        seen = True
        role = role_of(event, model_roles, span_roles)
        span_roles.setdefault(str(event.get("span_id")), role)
        if role == "auditor":
            turns.append({})
        bucket = judging if role == JUDGING_ROLE else turns[-1]
        counts = bucket.setdefault(role, dict.fromkeys(FORECAST_TOKENS, 0))
        usage = (event.get("output") or {}).get("usage") or {}
        for key in FORECAST_TOKENS:
            counts[key] += _num(usage.get(key))
    return (turns, judging) if seen else None

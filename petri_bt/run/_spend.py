"""After a run that had a forecast: what it spent, role by role, against what was forecast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from petri_bt._columns import aligned_lines
from petri_bt.run._forecast import Forecast


def _role(label: str) -> str:
    # a panel's judges all call as the judge role in the log: compare them together
    return "judge" if label.startswith("judges[") else label


def spend_against_forecast(
    forecast: Forecast, log_paths: list[Path], settings: Any, ran: int | None = None
) -> dict[str, Any]:
    """Forecast and actual USD and tokens per role, and in total.

    Args:
        forecast: The run's forecast (made before it started).
        log_paths: The run's logs.
        settings: The export settings (the pricing table that priced the forecast).
        ran: Samples that ran (default: every sample in the logs; cancelled ones did not).

    Returns:
        samples (forecast, actual), roles (role -> forecast_usd, actual_usd,
        forecast_tokens, actual_tokens) and total (the same four summed).
    """
    from petri_bt.logs import PriceTable, usage_of_logs

    actual = usage_of_logs(log_paths, PriceTable(dict(settings.pricing)))["totals"]
    roles: dict[str, dict[str, float]] = {}
    for cost in forecast.roles:
        entry = roles.setdefault(_role(cost.role), dict.fromkeys(_KEYS, 0.0))
        entry["forecast_usd"] += cost.usd_per_sample * forecast.samples
        entry["forecast_tokens"] += cost.tokens_per_sample * forecast.samples
    for role, figures in actual["roles"].items():
        entry = roles.setdefault(role, dict.fromkeys(_KEYS, 0.0))
        entry["actual_usd"] += figures["cost_usd"]
        entry["actual_tokens"] += figures["total_tokens"]
    rounded = {
        role: {key: round(value, 6 if key.endswith("usd") else 0) for key, value in entry.items()}
        for role, entry in sorted(roles.items())
    }
    total = {key: round(sum(e[key] for e in roles.values()), 6) for key in _KEYS}
    return {
        "samples": {
            "forecast": forecast.samples,
            "actual": actual["samples"] if ran is None else ran,
        },
        "roles": rounded,
        "total": total,
    }


_KEYS = ("forecast_usd", "actual_usd", "forecast_tokens", "actual_tokens")


def format_spend(spend: dict[str, Any]) -> str:
    """The comparison as a printed table."""
    rows = [("role", "forecast USD", "actual USD", "forecast tokens", "actual tokens")]
    for role, e in [*spend["roles"].items(), ("total", spend["total"])]:
        rows.append(
            (
                role,
                f"{e['forecast_usd']:.4f}",
                f"{e['actual_usd']:.4f}",
                f"{e['forecast_tokens']:.0f}",
                f"{e['actual_tokens']:.0f}",
            )
        )
    samples = spend["samples"]
    return "\n".join(
        [
            f"spend against the forecast ({samples['forecast']} samples forecast, "
            f"{samples['actual']} run):",
            *aligned_lines(rows),
        ]
    )

"""How many seeds a study needs: power of the paired design from a pilot's deltas.

A paired study tests the per-seed deltas (treatment - baseline) against zero, so its
power is that of a one-sample t-test on the deltas: effect size d = the smallest
effect of interest / the standard deviation of the pilot's deltas. The number of
seeds is the smallest n whose power reaches the target, from `statsmodels.stats.power`
(two-sided). The report's tests are the Wilcoxon and sign tests, whose power for
roughly normal deltas is close to the t-test's (Wilcoxon about 95% efficient), and it
adjusts across comparisons with Holm, so the figure is a planning estimate per
comparison, not a guarantee.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

from petri_bt._columns import aligned_lines

POWER = 0.8
ALPHA = 0.05
_MAX_SEEDS = 1_000_000


def _power(effect_size: float, n: int, alpha: float) -> float:
    from statsmodels.stats.power import TTestPower

    return float(
        TTestPower().power(effect_size=effect_size, nobs=n, alpha=alpha, alternative="two-sided")
    )


def _smallest_n(effect_size: float, power: float, alpha: float) -> int | None:
    """The smallest n >= 2 with power >= `power`, or None beyond a million seeds."""
    import warnings

    from statsmodels.stats.power import TTestPower

    if _power(effect_size, 2, alpha) >= power:
        return 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            estimate = float(
                TTestPower().solve_power(
                    effect_size=effect_size, alpha=alpha, power=power, alternative="two-sided"
                )
            )
        except (ValueError, ArithmeticError):
            estimate = math.nan
    if not math.isfinite(estimate):
        low, high = 2, 4
        while _power(effect_size, high, alpha) < power:
            if high > _MAX_SEEDS:
                return None
            low, high = high, high * 2
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (
                (middle, high) if _power(effect_size, middle, alpha) < power else (low, middle)
            )
        return high
    n = max(2, math.ceil(estimate))
    # the root finder's answer, made exact on the integers
    while _power(effect_size, n, alpha) < power:
        n += 1
    while n > 2 and _power(effect_size, n - 1, alpha) >= power:
        n -= 1
    return n if n <= _MAX_SEEDS else None


def seeds_needed(
    deltas: Sequence[float],
    smallest_effect: float,
    power: float = POWER,
    alpha: float = ALPHA,
) -> dict[str, Any]:
    """Seeds needed to detect `smallest_effect` with the given power, from a pilot's deltas.

    Args:
        deltas: The pilot's per-seed paired deltas for one dimension and treatment.
        smallest_effect: The smallest mean delta worth detecting, in raw judge points.
        power: Target power (default 0.8).
        alpha: Two-sided significance level (default 0.05).

    Returns:
        n_pilot, sd_delta (sample standard deviation), effect_size (Cohen's d),
        seeds (the number needed; None when it cannot be estimated), pilot_power (the
        pilot's own power at that effect), note (why seeds is None, else None).
    """
    if not smallest_effect > 0:
        raise ValueError(f"smallest_effect must be positive (got {smallest_effect})")
    result: dict[str, Any] = {
        "n_pilot": len(deltas),
        "sd_delta": None,
        "effect_size": None,
        "seeds": None,
        "pilot_power": None,
        "note": None,
    }
    if len(deltas) < 2:
        result["note"] = "the pilot needs at least 2 paired seeds to estimate the spread"
        return result
    sd = statistics.stdev(float(d) for d in deltas)
    result["sd_delta"] = sd
    if sd == 0:
        result["note"] = (
            "the pilot's deltas do not vary, so their spread cannot be estimated; "
            "run a larger or more varied pilot"
        )
        return result
    effect_size = smallest_effect / sd
    result["effect_size"] = effect_size
    result["pilot_power"] = _power(effect_size, len(deltas), alpha)
    result["seeds"] = _smallest_n(effect_size, power, alpha)
    if result["seeds"] is None:
        result["note"] = f"more than {_MAX_SEEDS:,} seeds: the effect is tiny next to the spread"
    return result


def power_plan(
    report: dict[str, Any],
    smallest_effect: float | None = None,
    power: float = POWER,
    alpha: float = ALPHA,
) -> list[dict[str, Any]]:
    """Seeds needed per (focus dimension, treatment), from a pilot study's report.

    Args:
        report: The pilot's analysed report (`analyse` on the pilot's logs).
        smallest_effect: Raw judge points (default: the study's `smallest_effect`).
        power: Target power (default 0.8).
        alpha: Two-sided significance level (default 0.05).

    Returns:
        One row per report row: dimension, treatment, delta, smallest_effect, power,
        alpha, pilot_mean_delta and the fields of `seeds_needed`.
    """
    effect = float(
        report["study"]["smallest_effect"] if smallest_effect is None else smallest_effect
    )
    rows = []
    for row in report["dimensions"]:
        dimension, treatment = row["dimension"], row["treatment"]
        deltas = [
            seed["delta"][treatment][dimension]
            for seed in report["per_seed"]
            if dimension in seed["delta"].get(treatment, {})
        ]
        rows.append(
            {
                "dimension": dimension,
                "treatment": treatment,
                "delta": row["delta"],
                "smallest_effect": effect,
                "power": power,
                "alpha": alpha,
                "pilot_mean_delta": row["mean_delta"],
                **seeds_needed(deltas, effect, power, alpha),
            }
        )
    return rows


def format_power_plan(rows: Sequence[dict[str, Any]]) -> str:
    """The plan as a printed table: seeds needed per (dimension, treatment).

    Args:
        rows: `power_plan`'s rows.
    """
    if not rows:
        return "no focus dimension to plan for"
    first = rows[0]
    header = ("dimension", "treatment", "pilot n", "pilot delta", "sd", "d", "seeds needed")
    table = [header]
    for row in rows:
        table.append(
            (
                row["dimension"],
                row["treatment"],
                str(row["n_pilot"]),
                "n/a" if row["pilot_mean_delta"] is None else f"{row['pilot_mean_delta']:+.2f}",
                "n/a" if row["sd_delta"] is None else f"{row['sd_delta']:.2f}",
                "n/a" if row["effect_size"] is None else f"{row['effect_size']:.2f}",
                "n/a" if row["seeds"] is None else str(row["seeds"]),
            )
        )
    lines = [
        f"seeds for {first['power']:.0%} power at alpha {first['alpha']:g} (two-sided, paired) "
        f"to detect a mean delta of {first['smallest_effect']:g} raw point(s):",
        *aligned_lines(table),
    ]
    lines.extend(
        f"note: {row['dimension']} ({row['treatment']}): {row['note']}"
        for row in rows
        if row["note"]
    )
    if len(rows) > 1:
        lines.append(
            f"alpha is per comparison: the report's Holm adjustment across {len(rows)} comparisons "
            f"needs more seeds (at most as many as alpha {first['alpha'] / len(rows):.2g} would)"
        )
    return "\n".join(lines)

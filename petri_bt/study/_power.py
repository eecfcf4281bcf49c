"""How many seeds a study needs: power of the paired design from a pilot's deltas.

The report tests each comparison's per-seed deltas against zero with a paired t-test
(skew-checked: `mean_delta_test`), so a study's power is that of a one-sample t-test on
the deltas: effect size d = the smallest effect of interest / the deltas' standard
deviation, power from the noncentral t distribution (two-sided).

A pilot of a few seeds estimates that standard deviation loosely, and a plan that
trusts the estimate falls short of its target on average (67-76% power for 80% with a
10-seed pilot on judge-like data, in bench/calibration.py). So the seeds asked for are the
fewest whose power, averaged over what the true standard deviation could be given the
pilot, reaches the target: sigma^2 = s^2 df / chi-square(df), with df = n_pilot - 1 for
normal deltas, fewer when the pilot's deltas are heavy-tailed (judge deltas are mostly 0
with a few far out, and then s itself varies more): df = 2 / (2 / (n - 1) + G2 / n),
the chi-square matching the variance of s^2 at the pilot's excess kurtosis G2. The plan
is per comparison; the report's Holm adjustment across comparisons needs more.
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
_SPREAD_NODES = 40  # Gauss-Laguerre nodes over the chi-square of the pilot's spread


def t_power(effect_sizes: Any, n: int, alpha: float) -> Any:
    """Power of the two-sided one-sample t-test at Cohen's d (a number or an array).

    Args:
        effect_sizes: Cohen's d: mean / standard deviation.
        n: Observations (paired seeds).
        alpha: Two-sided significance level.
    """
    import numpy as np
    from scipy import special

    df = n - 1
    crit = special.stdtrit(df, 1 - alpha / 2)
    shift = np.asarray(effect_sizes, dtype=float) * math.sqrt(n)
    # P(T > crit) + P(T < -crit), the second as P(T > crit) at -shift: both upper tails,
    # where scipy stays finite (its lower tail far from the centre can be nan)
    upper = 1 - special.nctdtr(df, shift, crit)
    lower = 1 - special.nctdtr(df, -shift, crit)
    return np.clip(upper + lower, 0.0, 1.0)


def pilot_df(deltas: Sequence[float]) -> float:
    """Degrees of freedom of the pilot's variance: n - 1, fewer at positive excess kurtosis.

    Args:
        deltas: The pilot's per-seed deltas (at least 2).
    """
    n = len(deltas)
    if n < 4:
        return float(n - 1)  # kurtosis needs 4 values
    mean = math.fsum(deltas) / n
    m2 = math.fsum((d - mean) ** 2 for d in deltas) / n
    m4 = math.fsum((d - mean) ** 4 for d in deltas) / n
    g2 = m4 / (m2 * m2) - 3
    kurtosis = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))  # G2, bias-corrected
    return min(n - 1.0, 2 / (2 / (n - 1) + max(kurtosis, 0.0) / n))


def _spread_factors(df: float) -> tuple[Any, Any]:
    """sigma / s at Gauss-Laguerre nodes of s^2 df / sigma^2 ~ chi-square(df), with weights."""
    import numpy as np
    from scipy import special

    nodes, weights = special.roots_genlaguerre(_SPREAD_NODES, df / 2 - 1)
    return np.sqrt(df / (2 * nodes)), weights / weights.sum()


def _smallest_n(effect_sizes: Any, weights: Any, power: float, alpha: float) -> int | None:
    """The smallest n >= 2 whose power, averaged over the weighted effect sizes, is `power`."""

    def enough(n: int) -> bool:
        return float((weights * t_power(effect_sizes, n, alpha)).sum()) >= power

    if enough(2):
        return 2
    low, high = 2, 4
    while not enough(high):
        if high > _MAX_SEEDS:
            return None
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if enough(middle) else (middle, high)
    return high if high <= _MAX_SEEDS else None


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
        n_pilot, sd_delta (sample standard deviation), effect_size (Cohen's d at the
        pilot's standard deviation), seeds (the number needed, allowing for how loosely
        the pilot pins the standard deviation; None when it cannot be estimated),
        seeds_if_sd_known (the number if the pilot's standard deviation were exact),
        pilot_df (degrees of freedom of the pilot's variance, see the module),
        pilot_power (the pilot's own power at that effect), note (why seeds is None).
    """
    if not smallest_effect > 0:
        raise ValueError(f"smallest_effect must be positive (got {smallest_effect})")
    result: dict[str, Any] = {
        "n_pilot": len(deltas),
        "sd_delta": None,
        "effect_size": None,
        "seeds": None,
        "seeds_if_sd_known": None,
        "pilot_df": None,
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
    result["pilot_power"] = float(t_power(effect_size, len(deltas), alpha))
    result["seeds_if_sd_known"] = _smallest_n(effect_size, 1.0, power, alpha)
    result["pilot_df"] = pilot_df(deltas)
    factors, weights = _spread_factors(result["pilot_df"])
    result["seeds"] = _smallest_n(effect_size / factors, weights, power, alpha)
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
    header = (
        "dimension",
        "treatment",
        "pilot n",
        "pilot delta",
        "sd",
        "d",
        "seeds needed",
        "if sd exact",
    )
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
                "n/a" if row["seeds_if_sd_known"] is None else str(row["seeds_if_sd_known"]),
            )
        )
    lines = [
        f"seeds for {first['power']:.0%} power at alpha {first['alpha']:g} (the report's paired "
        f"t-test, two-sided) to detect a mean delta of {first['smallest_effect']:g} raw point(s); "
        "'seeds needed' allows for how loosely the pilot pins the spread:",
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

"""The mean of per-seed deltas: its interval, the test that goes with it, its effect size.

Judge scores are integers 1-10 piled at one end of the scale, so per-seed deltas are
lumpy, often zero and often skewed (a treatment that pushes scores into the floor leaves
most deltas at 0 and a few far below). Student's t-interval assumes the mean's sampling
distribution is symmetric; on skewed deltas it misses on the long side. So the interval
is Student's t, with the arm on the skewed side lengthened to the bound of Hall's (1992)
skewness-corrected t when that reaches further (the other arm stays Student's). The test
is its dual: p < 1 - confidence exactly when the interval leaves 0 out.

When every delta is the same value c, the data hold no estimate of the spread and a
t-interval would have zero width. Then the bound comes from what n identical deltas rule
out: a share of seeds differing from c larger than q = 1 - (1 - confidence)^(1/n)
(the exact one-sided binomial bound for 0 of n), each at most as far as the end of the
scale. `bench/calibration.py` measures the coverage of all of it by simulation.

Every function takes plain numbers and returns plain numbers (None where undefined), so
the report stays valid JSON. scipy is imported inside the functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from petri_bt._dimensions import SCORE_RANGE

DELTA_BOUNDS = (SCORE_RANGE[0] - SCORE_RANGE[1], SCORE_RANGE[1] - SCORE_RANGE[0])
"""Where a paired delta of two 1-10 judge scores can fall (a seed's epochs averaged)."""

INTERVAL_METHOD = "Student t widened for skew (Hall 1992)"
CONSTANT_METHOD = "constant deltas: binomial bound to the scale's ends"
TEST_METHOD = "paired t-test, skew-checked (the larger of Student's and Hall's p)"
EFFECT_METHOD = "Cohen's d_z, noncentral t interval"
_FEW = "undefined (fewer than 2 paired seeds)"

METHODS = {
    "unit": "the seed: a seed's epochs are averaged first, so each paired seed counts once",
    "interval": f"95% CI of the mean delta: {INTERVAL_METHOD}, the arm on the skewed side "
    "lengthened to Hall's skewness-corrected bound when it reaches further; when every delta "
    "is equal, a binomial bound on the share of seeds that could differ, out to the scale's "
    "ends (-9..+9)",
    "test": f"{TEST_METHOD}: p < 0.05 exactly when the 95% CI leaves 0 out; Holm-adjusted "
    "across every (focus dimension, treatment) comparison",
    "effect_size": f"{EFFECT_METHOD}: d_z = mean delta / SD of the deltas",
    "checks": "exact sign test on the nonzero deltas and Wilcoxon signed-rank (scipy "
    "defaults), each Holm-adjusted the same way",
}
"""What the report says about how its figures were made (`report.json`'s `methods`)."""


@dataclass(frozen=True)
class _Moments:
    n: int
    mean: float
    sd: float  # sample standard deviation (n - 1)
    skew: float  # sample skewness m3 / m2^1.5 (0 when the values do not vary)


def _moments(values: Sequence[float]) -> _Moments:
    n = len(values)
    mean = math.fsum(values) / n
    centred = [float(v) - mean for v in values]
    m2 = math.fsum(c * c for c in centred) / n
    if n < 2 or m2 <= 1e-24 * max(1.0, mean * mean):
        return _Moments(n, mean, 0.0, 0.0)
    m3 = math.fsum(c**3 for c in centred) / n
    return _Moments(n, mean, math.sqrt(m2 * n / (n - 1)), m3 / m2**1.5)


def _check(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (got {confidence})")


def _hall(t: float, m: _Moments) -> float:
    """Hall's transformation of the studentized mean: close to Student t when skewed."""
    a = m.skew / (3 * math.sqrt(m.n))
    return t + a * t * t + a * a * t**3 / 3 + m.skew / (6 * math.sqrt(m.n))


def _hall_inverse(x: float, m: _Moments) -> float:
    """The studentized mean t whose Hall transform is x (the transform is monotone)."""
    a = m.skew / (3 * math.sqrt(m.n))
    shifted = x - m.skew / (6 * math.sqrt(m.n))
    if abs(a) < 1e-12:
        return shifted
    return (math.cbrt(1 + 3 * a * shifted) - 1) / a


def _span(values: Sequence[float], bounds: tuple[float, float]) -> tuple[float, float]:
    """The scale's ends, widened to take in every value given."""
    return min(bounds[0], *values), max(bounds[1], *values)


def mean_delta_interval(
    deltas: Sequence[float],
    confidence: float = 0.95,
    *,
    bounds: tuple[float, float] = DELTA_BOUNDS,
) -> dict[str, Any]:
    """Confidence interval of the mean of per-seed paired deltas (or of any per-seed values).

    The one interval the study report, `report.json`, the forest plot and comparison
    tables print: Student's t-interval with the arm on the skewed side lengthened to
    Hall's skewness-corrected bound; for constant values, the binomial bound described
    in the module. Clipped to `bounds`, where the mean must lie.

    Args:
        deltas: One value per seed (a seed's epochs already averaged).
        confidence: Confidence level.
        bounds: Where a value can fall: deltas of 1-10 judge scores by default; pass
            (1, 10) for raw scores. Widened to take in any value outside it.

    Returns:
        low, high, method (None bounds when fewer than two values).
    """
    _check(confidence)
    if len(deltas) < 2:
        return {"low": None, "high": None, "method": _FEW}
    m = _moments(deltas)
    lowest, highest = _span(deltas, bounds)
    if m.sd == 0:
        share = 1 - (1 - confidence) ** (1 / m.n)
        return {
            "low": m.mean - share * (m.mean - lowest),
            "high": m.mean + share * (highest - m.mean),
            "method": CONSTANT_METHOD,
        }
    # imported only here: one-seed cells (a sweep's heatmap) skip scipy's ~0.2 s import
    from scipy import special

    crit = float(special.stdtrit(m.n - 1, 0.5 + confidence / 2))
    se = m.sd / math.sqrt(m.n)
    low = m.mean - se * max(crit, _hall_inverse(crit, m))
    high = m.mean + se * max(crit, -_hall_inverse(-crit, m))
    return {"low": max(low, lowest), "high": min(high, highest), "method": INTERVAL_METHOD}


def mean_delta_test(
    deltas: Sequence[float], *, bounds: tuple[float, float] = DELTA_BOUNDS
) -> dict[str, Any]:
    """Two-sided test that the mean delta is 0, the dual of `mean_delta_interval`.

    p is the larger of the paired t-test's p and the p of Hall's skewness-corrected t,
    so p < 1 - c exactly when the interval at confidence c leaves 0 out. Constant
    nonzero deltas get the p of the binomial bound (0 deltas: p = 1).

    Args:
        deltas: One value per seed (a seed's epochs already averaged).
        bounds: Where a value can fall (as for `mean_delta_interval`).

    Returns:
        statistic (Student's t; None when undefined), df, p (None with fewer than two
        deltas), method.
    """
    from scipy import special

    result: dict[str, Any] = {"statistic": None, "df": None, "p": None, "method": TEST_METHOD}
    if len(deltas) < 2:
        return {**result, "method": _FEW}
    m = _moments(deltas)
    result["df"] = m.n - 1
    if m.sd == 0:
        lowest, highest = _span(deltas, bounds)
        if m.mean == 0:
            p = 1.0
        elif m.mean > 0:
            p = (-lowest / (m.mean - lowest)) ** m.n if lowest < 0 else 0.0
        else:
            p = (highest / (highest - m.mean)) ** m.n if highest > 0 else 0.0
        return {**result, "p": p, "method": CONSTANT_METHOD}
    t = m.mean / (m.sd / math.sqrt(m.n))
    p_t = 2 * float(special.stdtr(m.n - 1, -abs(t)))
    p_skew = 2 * float(special.stdtr(m.n - 1, -abs(_hall(t, m))))
    return {**result, "statistic": t, "p": min(1.0, max(p_t, p_skew))}


def effect_size(deltas: Sequence[float], confidence: float = 0.95) -> dict[str, Any]:
    """Standardised paired effect: Cohen's d_z = mean delta / SD of the deltas.

    The interval inverts the noncentral t distribution of sqrt(n) d_z. When every delta
    is 0, d_z is 0 and the interval is +-sqrt(q / (1 - q)) with q the binomial bound on
    the share of seeds that could differ (the largest d_z such a share allows); constant
    nonzero deltas have no spread to standardise by (None).

    Args:
        deltas: One value per seed (a seed's epochs already averaged).
        confidence: Confidence level.

    Returns:
        d_z, low, high, method.
    """
    from scipy import special

    _check(confidence)
    if len(deltas) < 2:
        return {"d_z": None, "low": None, "high": None, "method": _FEW}
    m = _moments(deltas)
    if m.sd == 0:
        if m.mean != 0:
            method = "undefined (every delta is the same nonzero value: no spread)"
            return {"d_z": None, "low": None, "high": None, "method": method}
        share = 1 - (1 - confidence) ** (1 / m.n)
        reach = math.sqrt(share / (1 - share))
        return {"d_z": 0.0, "low": -reach, "high": reach, "method": CONSTANT_METHOD}
    d_z = m.mean / m.sd
    t = d_z * math.sqrt(m.n)
    tail = (1 - confidence) / 2
    low = float(special.nctdtrinc(m.n - 1, 1 - tail, t)) / math.sqrt(m.n)
    high = float(special.nctdtrinc(m.n - 1, tail, t)) / math.sqrt(m.n)
    return {"d_z": d_z, "low": low, "high": high, "method": EFFECT_METHOD}

"""Paired statistics on per-seed deltas, computed with scipy.

Every function takes plain sequences and returns plain floats (None where a
statistic is undefined, e.g. one observation), so the report is valid JSON.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

BOOTSTRAP_SEED = 20240601
BOOTSTRAP_RESAMPLES = 9999


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def bootstrap_ci(deltas: Sequence[float], confidence: float = 0.95) -> dict[str, Any]:
    """Bootstrap confidence interval of the mean delta (fixed seed, reproducible).

    Uses scipy's BCa interval; when BCa is undefined for the data (e.g. nearly
    constant deltas) falls back to the percentile interval and says so.

    Args:
        deltas: Per-seed paired deltas.
        confidence: Confidence level.

    Returns:
        low, high, method (None bounds when fewer than two deltas).
    """
    import numpy as np
    from scipy import stats

    data = np.asarray(deltas, dtype=float)
    if data.size < 2:
        return {"low": None, "high": None, "method": "undefined (fewer than 2 paired seeds)"}
    if np.all(data == data[0]):
        value = float(data[0])
        return {"low": value, "high": value, "method": "exact (all deltas equal)"}
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = stats.bootstrap(
                (data,),
                np.mean,
                confidence_level=confidence,
                n_resamples=BOOTSTRAP_RESAMPLES,
                method=method,
                rng=np.random.default_rng(BOOTSTRAP_SEED),
            )
        low = _finite(result.confidence_interval.low)
        high = _finite(result.confidence_interval.high)
        if low is not None and high is not None:
            return {"low": low, "high": high, "method": f"bootstrap {method}"}
    return {"low": None, "high": None, "method": "undefined"}


def mean_delta_interval(deltas: Sequence[float], confidence: float = 0.95) -> dict[str, Any]:
    """Confidence interval of the mean of paired per-seed deltas (or of any per-seed values).

    The one interval the study report, `report.json`, the forest plot and comparison
    tables print. A Student t-interval on the values.

    Args:
        deltas: One value per seed (a seed's epochs already averaged).
        confidence: Confidence level.

    Returns:
        low, high, method (None bounds when fewer than two values).
    """
    import numpy as np
    from scipy import stats

    data = np.asarray(deltas, dtype=float)
    if data.size < 2:
        return {"low": None, "high": None, "method": "undefined (fewer than 2 paired seeds)"}
    mean = float(data.mean())
    sem = float(data.std(ddof=1)) / math.sqrt(data.size)
    if sem == 0:
        return {"low": mean, "high": mean, "method": "exact (all values equal)"}
    half = float(stats.t.ppf(0.5 + confidence / 2, data.size - 1)) * sem
    return {"low": mean - half, "high": mean + half, "method": "t-interval"}


def sign_test(deltas: Sequence[float]) -> dict[str, Any]:
    """Exact two-sided sign test on the nonzero deltas (binomial, p = 0.5).

    Returns:
        positive, negative, zero counts and p (1.0 when every delta is zero, None
        when there are no deltas).
    """
    from scipy import stats

    positive = sum(1 for d in deltas if d > 0)
    negative = sum(1 for d in deltas if d < 0)
    zero = len(deltas) - positive - negative
    nonzero = positive + negative
    if nonzero:
        p: float | None = float(stats.binomtest(positive, nonzero, 0.5).pvalue)
    else:
        p = 1.0 if deltas else None  # all ties: no evidence of a difference
    return {"positive": positive, "negative": negative, "zero": zero, "p": p}


def wilcoxon_test(deltas: Sequence[float]) -> dict[str, Any]:
    """Wilcoxon signed-rank test of the deltas against zero (scipy defaults).

    Returns:
        statistic, p and a note; all-zero deltas give p = 1.0 (no evidence of a
        difference) instead of scipy's warning.
    """
    from scipy import stats

    if not deltas:
        return {"statistic": None, "p": None, "note": "no paired seeds"}
    if all(d == 0 for d in deltas):
        return {"statistic": 0.0, "p": 1.0, "note": "all deltas are zero"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.wilcoxon(deltas)
    return {"statistic": _finite(result.statistic), "p": _finite(result.pvalue), "note": None}


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm-Bonferroni step-down adjustment (family-wise error rate).

    The i-th smallest of m p-values becomes max over j <= i of min(1, (m - j + 1) p_(j)).
    None entries (undefined tests) are left out of the family and stay None.

    Args:
        pvalues: Raw p-values, in any order.

    Returns:
        Adjusted p-values in the same order.
    """
    present = [(p, i) for i, p in enumerate(pvalues) if p is not None]
    m = len(present)
    adjusted: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, (p, index) in enumerate(sorted(present)):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted


def spearman(x: Sequence[float], y: Sequence[float]) -> dict[str, Any]:
    """Spearman rank correlation, nan-safe.

    Returns:
        rho, p, n and a note when the correlation is undefined (constant input or n < 3).
    """
    from scipy import stats

    n = len(x)
    if n < 3:
        return {"rho": None, "p": None, "n": n, "note": "fewer than 3 paired seeds"}
    if len(set(x)) < 2 or len(set(y)) < 2:
        return {"rho": None, "p": None, "n": n, "note": "constant input: correlation undefined"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.spearmanr(x, y)
    return {"rho": _finite(result.statistic), "p": _finite(result.pvalue), "n": n, "note": None}

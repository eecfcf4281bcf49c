"""Rank and count statistics on per-seed deltas (sign test, Wilcoxon), Holm, Spearman.

Every function takes plain sequences and returns plain floats (None where a
statistic is undefined, e.g. one observation), so the report is valid JSON.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


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

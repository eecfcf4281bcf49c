"""The panel's score: one number per sample and dimension from several judges' scores."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence

from petri_bt.errors import UserError

AGGREGATES: tuple[str, ...] = ("median", "mean", "min", "max")
"""The ways several judges' scores become the panel's score."""

DEFAULT_AGGREGATE = "median"

_FUNCTIONS: dict[str, Callable[[Sequence[float]], float]] = {
    "median": statistics.median,
    "mean": statistics.fmean,
    "min": min,
    "max": max,
}

Panel = Mapping[str, Mapping[str, Mapping[str, float | None]]]
"""Per sample, per judge, per dimension: the judge's raw 1-10 score (None: not scored)."""


def present(value: float | None) -> bool:
    """Whether a judge's score counts: a finite number (None and NaN mean not scored)."""
    return value is not None and not isinstance(value, bool) and math.isfinite(value)


def check_aggregate(method: str) -> str:
    """Return `method` if it is a known aggregate, else raise one clear error.

    Args:
        method: `median`, `mean`, `min` or `max`.

    Raises:
        UserError: Unknown method (the message lists the valid ones).
    """
    if method not in _FUNCTIONS:
        raise UserError(
            f"judge_aggregate={method}: not an aggregate; use one of {', '.join(AGGREGATES)}"
        )
    return method


def aggregate(values: Sequence[float | None], method: str = DEFAULT_AGGREGATE) -> float | None:
    """Several judges' scores of one sample and dimension as one score.

    Args:
        values: The judges' raw scores; None or NaN (not scored) is left out.
        method: `median` (default; the mean of the middle two for an even count),
            `mean`, `min` or `max`.

    Returns:
        The aggregate, or None when no judge scored it.
    """
    scored = [float(v) for v in values if present(v)]
    if not scored:
        return None
    return float(_FUNCTIONS[check_aggregate(method)](scored))


def panel_aggregate(panel: Panel, method: str = DEFAULT_AGGREGATE) -> dict[str, dict[str, float]]:
    """The panel's score per sample and dimension.

    Args:
        panel: Sample -> judge -> dimension -> raw score.
        method: How the judges' scores combine (see `aggregate`).

    Returns:
        Sample -> dimension -> aggregate; a dimension no judge scored for a sample is
        left out of that sample, as a single judge's unscored dimension is.
    """
    check_aggregate(method)
    result: dict[str, dict[str, float]] = {}
    for sample, judges in panel.items():
        dimensions = sorted({d for scores in judges.values() for d in scores})
        combined: dict[str, float] = {}
        for dimension in dimensions:
            value = aggregate([scores.get(dimension) for scores in judges.values()], method)
            if value is not None:
                combined[dimension] = value
        result[sample] = combined
    return result

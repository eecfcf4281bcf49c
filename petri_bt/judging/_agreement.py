"""Agreement between judges: Krippendorff's alpha, per-sample spread, flagged samples.

Alpha comes from the maintained `krippendorff` package (interval level: the scores
are 1-10 points, so a 2-vs-9 disagreement weighs more than 2-vs-3). Undefined cases
give None with a note saying why, never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from petri_bt.errors import UserError
from petri_bt.judging._aggregate import Panel, present

DEFAULT_DISAGREEMENT = 3.0
"""Judges this many raw points apart (max - min) or more on a sample flag it."""


def interval_alpha(ratings: Sequence[Sequence[float | None]]) -> dict[str, Any]:
    """Krippendorff's alpha (interval) of a judges x units table of scores.

    Args:
        ratings: One row per judge, one column per unit (sample); None or NaN where a
            judge gave no score. Units with fewer than two scores cannot be paired and
            do not count.

    Returns:
        alpha (float, or None when undefined), note (why it is undefined, else None),
        units (the number of units scored by two or more judges).
    """
    judges = [row for row in ratings if any(present(v) for v in row)]
    if len(judges) < 2:
        return {"alpha": None, "note": "fewer than two judges gave scores", "units": 0}
    width = max(len(row) for row in judges)
    columns = [[row[j] for row in judges if j < len(row) and present(row[j])] for j in range(width)]
    pairable = [j for j, column in enumerate(columns) if len(column) >= 2]
    if not pairable:
        note = "no sample was scored by two or more judges"
        return {"alpha": None, "note": note, "units": 0}
    if len({v for j in pairable for v in columns[j]}) < 2:
        note = "no variance: every judge gave every sample the same score"
        return {"alpha": None, "note": note, "units": len(pairable)}

    import krippendorff
    import numpy as np

    table = np.array(
        [
            [float(row[j]) if j < len(row) and present(row[j]) else np.nan for j in pairable]
            for row in judges
        ]
    )
    alpha = float(krippendorff.alpha(reliability_data=table, level_of_measurement="interval"))
    if not math.isfinite(alpha):  # pragma: no cover - excluded above; kept so NaN never leaks
        return {
            "alpha": None,
            "note": "alpha is undefined for these scores",
            "units": len(pairable),
        }
    return {"alpha": alpha, "note": None, "units": len(pairable)}


def spread(values: Sequence[float | None]) -> float | None:
    """How far apart the judges are on one sample: max - min of the scores given.

    Args:
        values: The judges' scores; None or NaN (not scored) is left out.

    Returns:
        The spread, or None with fewer than two scores.
    """
    scored = [float(v) for v in values if present(v)]
    return max(scored) - min(scored) if len(scored) >= 2 else None


def dimension_agreement(
    scores: Mapping[str, Mapping[str, float | None]],
    disagreement: float = DEFAULT_DISAGREEMENT,
) -> dict[str, Any]:
    """The judges' agreement on one dimension.

    Args:
        scores: Sample -> judge -> raw score for this dimension (None: not scored).
        disagreement: Samples whose spread reaches this many points are flagged.

    Returns:
        judges (those who scored at least one sample), alpha, note, units (samples
        scored by two or more judges), spread (sample -> max - min, for those samples),
        mean_spread, and flagged (the samples with spread >= `disagreement`, in order).
    """
    samples = list(scores)
    judges = sorted({j for by_judge in scores.values() for j, v in by_judge.items() if present(v)})
    table = [[scores[s].get(judge) for s in samples] for judge in judges]
    result = interval_alpha(table)
    spreads = {}
    for sample in samples:
        value = spread(list(scores[sample].values()))
        if value is not None:
            spreads[sample] = value
    return {
        "judges": judges,
        "alpha": result["alpha"],
        "note": result["note"],
        "units": result["units"],
        "spread": spreads,
        "mean_spread": sum(spreads.values()) / len(spreads) if spreads else None,
        "flagged": [s for s, value in spreads.items() if value >= disagreement],
    }


def check_disagreement(value: float) -> float:
    """Return `value` if it is a usable flag threshold, else raise one clear error.

    Args:
        value: Raw points apart at which a sample's judges disagree.

    Raises:
        UserError: Not a positive number.
    """
    if not value > 0:
        raise UserError(f"judge_disagreement={value}: must be a positive number of raw points")
    return float(value)


def panel_agreement(
    panel: Panel,
    dimensions: Sequence[str] | None = None,
    disagreement: float = DEFAULT_DISAGREEMENT,
) -> dict[str, dict[str, Any]]:
    """Agreement per dimension across a judge panel (see `dimension_agreement`).

    Args:
        panel: Sample -> judge -> dimension -> raw score.
        dimensions: The dimensions to report, in order (default: every dimension any
            judge scored, sorted). A listed dimension nobody scored gets alpha None.
        disagreement: Spread in raw points that flags a sample.

    Returns:
        Dimension -> its agreement.

    Raises:
        UserError: `disagreement` is not a positive number.
    """
    check_disagreement(disagreement)
    if dimensions is None:
        dimensions = sorted(
            {d for judges in panel.values() for scores in judges.values() for d in scores}
        )
    return {
        dimension: dimension_agreement(
            {
                sample: {judge: scores.get(dimension) for judge, scores in judges.items()}
                for sample, judges in panel.items()
            },
            disagreement,
        )
        for dimension in dimensions
    }

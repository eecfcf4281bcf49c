"""The report's judge agreement: alpha per dimension over the study's usable samples.

Present only when the samples carry several judges' scores (a judge panel); the
numbers come from `petri_bt.judging`, the one home of agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from petri_bt.judging import panel_agreement
from petri_bt.study._logs import ArmSample


def judge_agreement(
    samples: Mapping[str, Mapping[tuple[str, int], ArmSample]],
    dimensions: Sequence[str],
    disagreement: float,
) -> dict[str, Any] | None:
    """How far a judge panel agrees, per dimension, over every arm's usable samples.

    Args:
        samples: Arm -> (seed id, epoch) -> the usable sample.
        dimensions: The dimensions to report, in order.
        disagreement: Raw points apart (max - min) at which a sample is flagged.

    Returns:
        None when fewer than two judges scored the samples; else judges, disagreement,
        samples (how many carry panel scores) and one entry per dimension: alpha (None
        with a note when undefined), units (samples scored by two or more judges),
        mean_spread and flagged (arm, seed_id, epoch, spread).
    """
    panel: dict[str, dict[str, dict[str, float]]] = {}
    where: dict[str, dict[str, Any]] = {}
    for arm, by_key in samples.items():
        for (seed, epoch), sample in sorted(by_key.items()):
            if sample.judge_scores:
                unit = f"{arm}/{seed}/{epoch}"
                panel[unit] = sample.judge_scores
                where[unit] = {"arm": arm, "seed_id": seed, "epoch": epoch}
    judges = sorted({judge for by_judge in panel.values() for judge in by_judge})
    if len(judges) < 2:
        return None
    per_dimension = panel_agreement(panel, dimensions, disagreement)
    return {
        "judges": judges,
        "disagreement": disagreement,
        "samples": len(panel),
        "dimensions": [
            {
                "dimension": dimension,
                "alpha": found["alpha"],
                "note": found["note"],
                "units": found["units"],
                "mean_spread": found["mean_spread"],
                "flagged": [
                    {**where[unit], "spread": found["spread"][unit]} for unit in found["flagged"]
                ],
            }
            for dimension, found in per_dimension.items()
        ],
    }

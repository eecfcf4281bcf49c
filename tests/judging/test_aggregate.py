"""The panel's score: median by default, mean, min or max; missing scores left out."""

from __future__ import annotations

import pytest

from petri_bt.errors import UserError
from petri_bt.judging import (
    AGGREGATES,
    DEFAULT_AGGREGATE,
    aggregate,
    check_aggregate,
    panel_aggregate,
)


@pytest.mark.parametrize(
    ("method", "expected"), [("median", 4.0), ("mean", 5.0), ("min", 2.0), ("max", 9.0)]
)
def test_each_aggregate(method: str, expected: float) -> None:
    assert aggregate([2, 9, 4], method) == expected


def test_median_is_the_default_and_even_counts_average_the_middle() -> None:
    assert DEFAULT_AGGREGATE == "median" and set(AGGREGATES) == {"median", "mean", "min", "max"}
    assert aggregate([2, 9]) == 5.5
    assert aggregate([2, None, float("nan"), 9, 3]) == 3.0  # unscored values left out
    assert aggregate([None, float("nan")]) is None and aggregate([]) is None


def test_panel_aggregate_per_sample_and_dimension() -> None:
    panel = {
        "s1": {
            "judge": {"concerning": 2, "admirable": 6},
            "harsh": {"concerning": 4, "admirable": 4},
            "noisy": {"concerning": 9},
        },
        "s2": {"judge": {"concerning": None}, "harsh": {}},
    }
    assert panel_aggregate(panel) == {"s1": {"admirable": 5.0, "concerning": 4.0}, "s2": {}}
    assert panel_aggregate(panel, "max")["s1"] == {"admirable": 6.0, "concerning": 9.0}
    assert panel_aggregate(panel, "min")["s1"]["concerning"] == 2.0


def test_unknown_aggregate_is_one_clear_error() -> None:
    assert check_aggregate("mean") == "mean"
    with pytest.raises(UserError, match=r"judge_aggregate=average: .* median, mean, min, max"):
        aggregate([1, 2], "average")
    with pytest.raises(UserError, match="judge_aggregate=mode"):
        panel_aggregate({}, "mode")

"""Krippendorff's alpha, spread and flags: published values, a hand computation, undefined cases."""

from __future__ import annotations

import json
import math

import pytest

from petri_bt.errors import UserError
from petri_bt.judging import (
    DEFAULT_DISAGREEMENT,
    dimension_agreement,
    interval_alpha,
    panel_agreement,
    spread,
)

N = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4-observer,
# 12-unit example with missing values; the paper gives interval alpha = 0.849.
PAPER = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
# The krippendorff package's own documentation example: interval alpha 0.810845.
DOCS = [
    [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
    [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
    [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
]


def test_published_values() -> None:
    paper = interval_alpha(PAPER)
    assert round(paper["alpha"], 3) == 0.849 and paper["note"] is None
    assert paper["units"] == 11  # unit 12 has one score: it cannot be paired
    assert round(interval_alpha(DOCS)["alpha"], 6) == 0.810845


def test_hand_computed_alpha() -> None:
    # Two judges, three samples: {1,2}, {5,5}, {3,4}; n = 6 pairable values.
    # Observed disagreement D_o = (1/n) * sum over units of (1/(m-1)) * sum over ordered pairs
    #   = (1/6) * (2*1 + 0 + 2*1) = 2/3.
    # Expected D_e = sum over ordered pairs of all values of (a-b)^2 / (n(n-1))
    #   = 2 * (n*sum(v^2) - sum(v)^2) / 30 = 2 * (6*80 - 20^2) / 30 = 16/3.
    # alpha = 1 - D_o / D_e = 1 - (2/3) / (16/3) = 0.875.
    assert interval_alpha([[1, 5, 3], [2, 5, 4]])["alpha"] == pytest.approx(0.875)
    # perfect agreement across varied samples is 1; systematic opposites are negative
    assert interval_alpha([[1, 5, 9], [1, 5, 9], [1, 5, 9]])["alpha"] == pytest.approx(1.0)
    assert interval_alpha([[1, 2], [2, 1]])["alpha"] == pytest.approx(-0.5)


@pytest.mark.parametrize(
    ("ratings", "note"),
    [
        ([[1, 5, 9]], "fewer than two judges"),
        ([[1, 5, 9], [N, N, N]], "fewer than two judges"),
        ([[1, N], [N, 2]], "no sample was scored by two or more judges"),
        ([[3, 3, 3], [3, 3, 3]], "no variance"),
        ([[3, 7], [3, N]], "no variance"),  # the only pairable sample has one value
        ([[float("nan"), 4], [2, float("nan")]], "no sample was scored by two"),
    ],
)
def test_undefined_alpha_is_none_with_a_note(ratings, note) -> None:
    result = interval_alpha(ratings)
    assert result["alpha"] is None and note in result["note"]


def test_spread_and_flags() -> None:
    assert spread([2, 9, 4]) == 7
    assert spread([3, None, float("nan")]) is None
    scores = {
        "a": {"j1": 1, "j2": 3, "j3": 2},
        "b": {"j1": 9, "j2": 10, "j3": 5},
        "c": {"j1": 4, "j2": None, "j3": 4},
        "d": {"j1": 7},
    }
    found = dimension_agreement(scores, disagreement=4)
    assert found["judges"] == ["j1", "j2", "j3"]
    assert found["spread"] == {"a": 2, "b": 5, "c": 0}
    assert found["flagged"] == ["b"] and found["units"] == 3
    assert found["mean_spread"] == pytest.approx(7 / 3)
    assert dimension_agreement(scores)["flagged"] == ["b"]  # the default is 3 points
    assert DEFAULT_DISAGREEMENT == 3


def test_panel_agreement_per_dimension_is_valid_json() -> None:
    panel = {
        "s1": {
            "judge": {"concerning": 1, "admirable": 6},
            "harsh": {"concerning": 3, "admirable": 4},
        },
        "s2": {"judge": {"concerning": 9, "admirable": 2}, "harsh": {"concerning": 10}},
        "s3": {
            "judge": {"concerning": 2, "admirable": 7},
            "harsh": {"concerning": 4, "admirable": 5},
        },
    }
    result = panel_agreement(panel, disagreement=2)
    assert list(result) == ["admirable", "concerning"]
    assert result["concerning"]["alpha"] == pytest.approx(
        interval_alpha([[1, 9, 2], [3, 10, 4]])["alpha"]
    )
    assert result["concerning"]["flagged"] == ["s1", "s3"]
    assert result["admirable"]["units"] == 2  # s2 has one admirable score
    chosen = panel_agreement(panel, ["concerning", "missing_dimension"])
    assert list(chosen) == ["concerning", "missing_dimension"]
    assert chosen["missing_dimension"]["alpha"] is None
    text = json.dumps(result, allow_nan=False)
    assert "NaN" not in text and not any(
        isinstance(v, float) and math.isnan(v) for v in result["concerning"]["spread"].values()
    )
    with pytest.raises(UserError, match="judge_disagreement"):
        panel_agreement(panel, disagreement=0)

"""The report's interval and Holm-adjusted test hold their error rates on judge-like data.

A fixed-seed subset of bench/calibration.py: simulated paired studies with a known true
mean delta (tests/support/judge_data.py), run through the report's own functions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from support.judge_data import SHAPES, coverage, family_wise_error, paired_deltas, true_delta

STUDIES = 2000
NULL_STUDIES = 1000
# Coverage must stay >= 0.93. With 2000 studies a cell the Monte Carlo s.e. at 95% is
# 0.0049: a method that truly covers 95% lands below 0.93 with probability ~2e-5 (4.1 s.e.);
# the plain Student t-interval (79-89% on the first three cells) fails those three.
COVERAGE_GOAL = 0.93
# Family-wise error must stay <= 0.05. With 1000 null studies the s.e. at a true 3% is
# 0.0054: a true 3% exceeds 0.05 with probability ~1e-4 (3.7 s.e.).
FWER_GOAL = 0.05

SHAPE = {shape.name: shape for shape in SHAPES}


@pytest.mark.parametrize(
    ("shape", "effect", "epochs", "n", "seed"),
    [
        ("floor-heavy", -1.5, 1, 6, 11),  # pushed into the floor: deltas trail downwards
        ("floor-heavy", 1.5, 1, 6, 12),
        ("near-ceiling", 1.5, 1, 10, 13),  # pushed into the ceiling
        ("mid-scale", 0.0, 3, 5, 14),  # no effect, fractional deltas
    ],
)
def test_the_interval_covers_the_true_mean_delta(
    shape: str, effect: float, epochs: int, n: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    mean, sd = true_delta(SHAPE[shape], effect, epochs)
    studies = paired_deltas(rng, SHAPE[shape], effect, n, epochs, STUDIES)
    found = coverage(studies, mean, sd)
    assert found["mean"] >= COVERAGE_GOAL, found


@pytest.mark.parametrize(("n", "seed"), [(10, 21), (40, 22)])
def test_holm_keeps_the_family_wise_error_under_a_global_null(n: int, seed: int) -> None:
    found = family_wise_error(np.random.default_rng(seed), n, NULL_STUDIES)
    assert found["comparisons"] == 12  # observer-effect: 6 focus dimensions x 2 treatments
    assert found["fwer"] <= FWER_GOAL, found


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.name)
def test_the_known_truth_matches_a_large_sample(shape) -> None:
    for effect, epochs in ((1.5, 1), (-1.5, 3)):
        mean, sd = true_delta(shape, effect, epochs)
        sample = paired_deltas(np.random.default_rng(3), shape, effect, 50_000, epochs, 4)
        error = sd / math.sqrt(sample.size)
        assert abs(sample.mean() - mean) < 4 * error
        assert sample.std() == pytest.approx(sd, rel=0.02)

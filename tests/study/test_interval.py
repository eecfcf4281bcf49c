"""The mean delta's interval, its test and the effect size, checked against scipy and by hand.

How well they cover is measured by simulation in test_calibration.py.
"""

from __future__ import annotations

import math
import random

import pytest
from scipy import optimize, stats

from petri_bt.study import effect_size, mean_delta_interval, mean_delta_test

SYMMETRIC = [-2.0, -1.0, 0.0, 1.0, 2.0, 0.0]
SKEWED = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0, 0.0, -3.0, 0.0]  # a few seeds fell far


def _student(values: list[float], confidence: float = 0.95) -> tuple[float, float]:
    mean = sum(values) / len(values)
    return stats.t.interval(confidence, len(values) - 1, mean, stats.sem(values))


def _hall_bound(values: list[float], target: float) -> float:
    """The mean mu at which Hall's transform of the studentized mean equals target,
    found by root search (not by the closed-form inverse the package uses)."""
    n = len(values)
    mean, sd = sum(values) / n, stats.tstd(values)
    skew = stats.skew(values)  # m3 / m2^1.5

    def transformed(mu: float) -> float:
        t = math.sqrt(n) * (mean - mu) / sd
        a = skew / (3 * math.sqrt(n))
        return t + a * t * t + a * a * t**3 / 3 + skew / (6 * math.sqrt(n)) - target

    return optimize.brentq(transformed, mean - 50 * sd, mean + 50 * sd)


def test_symmetric_deltas_get_students_interval() -> None:
    interval = mean_delta_interval(SYMMETRIC)
    assert (interval["low"], interval["high"]) == pytest.approx(_student(SYMMETRIC))
    assert interval["method"] == "Student t widened for skew (Hall 1992)"


def test_skewed_deltas_lengthen_the_arm_on_the_skewed_side_only() -> None:
    interval = mean_delta_interval(SKEWED)
    low, high = _student(SKEWED)
    crit = stats.t.ppf(0.975, len(SKEWED) - 1)
    # the deltas trail downwards: the low arm reaches Hall's bound, the high arm stays Student's
    assert interval["low"] == pytest.approx(_hall_bound(SKEWED, crit)) and interval["low"] < low
    assert interval["high"] == pytest.approx(high)
    mirrored = mean_delta_interval([-d for d in SKEWED])
    assert (mirrored["low"], mirrored["high"]) == pytest.approx((-high, -interval["low"]))


def test_constant_deltas_get_the_binomial_bound_to_the_scale_ends() -> None:
    share = 1 - 0.05 ** (1 / 5)  # 0 of 5 seeds differed: at most this share could
    zero = mean_delta_interval([0.0] * 5)
    assert (zero["low"], zero["high"]) == pytest.approx((-9 * share, 9 * share))
    assert zero["method"].startswith("constant deltas")
    two = mean_delta_interval([2.0] * 5)
    assert (two["low"], two["high"]) == pytest.approx((2 - 11 * share, 2 + 7 * share))
    # raw scores: the floor is 1, so all-1 seeds reach up only
    floor = mean_delta_interval([1.0] * 5, bounds=(1.0, 10.0))
    assert (floor["low"], floor["high"]) == pytest.approx((1.0, 1 + 9 * share))
    # values past the bounds widen them instead of giving an interval that misses the data
    assert mean_delta_interval([10.0] * 5)["high"] == pytest.approx(10.0)


def test_undefined_and_bad_input() -> None:
    assert mean_delta_interval([2.0])["low"] is None
    assert mean_delta_test([2.0])["p"] is None
    assert effect_size([])["d_z"] is None
    with pytest.raises(ValueError, match="confidence"):
        mean_delta_interval(SYMMETRIC, confidence=95)


def test_the_interval_is_clipped_to_where_a_mean_can_be() -> None:
    interval = mean_delta_interval([9.0, 9.0, 8.0])
    assert interval["high"] == 9.0 and interval["low"] < 8.0


def _hall_p(values: list[float]) -> float:
    n = len(values)
    t = stats.ttest_1samp(values, 0.0).statistic
    skew = stats.skew(values)
    a = skew / (3 * math.sqrt(n))
    transformed = t + a * t * t + a * a * t**3 / 3 + skew / (6 * math.sqrt(n))
    return 2 * stats.t.sf(abs(transformed), n - 1)


@pytest.mark.parametrize(
    "deltas",
    [SKEWED, [-d for d in SKEWED], [1.0, 1.0, 2.0, 1.0, 1.0, 1.0, -3.0], [1.0, 0.0, 0.0, 4.0]],
)
def test_p_is_the_larger_of_students_and_halls(deltas: list[float]) -> None:
    student = stats.ttest_1samp(deltas, 0.0)
    result = mean_delta_test(deltas)
    assert result["statistic"] == pytest.approx(student.statistic)
    assert result["p"] == pytest.approx(max(student.pvalue, _hall_p(deltas)))
    assert result["df"] == len(deltas) - 1


def test_p_of_symmetric_and_constant_deltas() -> None:
    assert mean_delta_test(SYMMETRIC)["p"] == pytest.approx(stats.ttest_1samp(SYMMETRIC, 0).pvalue)
    assert mean_delta_test([0.0] * 4)["p"] == 1.0
    # five seeds all +1: a mean of 0 needs >= 1 in 10 seeds at -9; 0 of 5 such has p (9/10)^5
    assert mean_delta_test([1.0] * 5)["p"] == pytest.approx(0.9**5)


def test_p_below_one_minus_confidence_exactly_when_the_interval_leaves_zero_out() -> None:
    rng = random.Random(7)
    checked = 0
    for _ in range(400):
        n = rng.randint(2, 14)
        deltas = [float(round(rng.expovariate(1.0)) * rng.choice((-1, 1, 1))) for _ in range(n)]
        p = mean_delta_test(deltas)["p"]
        for confidence in (0.8, 0.9, 0.95, 0.99):
            interval = mean_delta_interval(deltas, confidence)
            if abs(p - (1 - confidence)) < 1e-9:
                continue  # exactly on the edge
            assert (p < 1 - confidence) == (interval["low"] > 0 or interval["high"] < 0)
            checked += 1
    assert checked > 1500


def test_effect_size_inverts_the_noncentral_t() -> None:
    deltas = [1.0, 0.0, 2.0, 1.0, 3.0, 0.0, 1.0, 2.0]
    n = len(deltas)
    result = effect_size(deltas)
    d_z = stats.tmean(deltas) / stats.tstd(deltas)
    t = d_z * math.sqrt(n)
    assert result["d_z"] == pytest.approx(d_z)
    assert stats.nct.cdf(t, n - 1, result["low"] * math.sqrt(n)) == pytest.approx(0.975)
    assert stats.nct.cdf(t, n - 1, result["high"] * math.sqrt(n)) == pytest.approx(0.025)
    assert result["method"] == "Cohen's d_z, noncentral t interval"


def test_effect_size_of_constant_deltas() -> None:
    share = 1 - 0.05 ** (1 / 10)
    zero = effect_size([0.0] * 10)  # two-point worst case: d_z = sqrt(q / (1 - q))
    reach = math.sqrt(share / (1 - share))
    assert (zero["d_z"], zero["low"], zero["high"]) == pytest.approx((0.0, -reach, reach))
    assert effect_size([1.0] * 10)["d_z"] is None

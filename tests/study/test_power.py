"""Seeds for 80% power: published sample sizes, a check with scipy's noncentral t, the
average over what a pilot allows the spread to be, the plan.

Whether the planned seeds reach 80% power in simulated studies: test_calibration.py."""

from __future__ import annotations

import math

import pytest
from scipy import integrate, stats

from petri_bt.study import format_power_plan, power_plan, seeds_needed

SD_TWO = [0.0, 2.0, 4.0]  # sample standard deviation exactly 2


def _t_power(d: float, n: int, alpha: float = 0.05) -> float:
    # one-sample (paired) two-sided t-test: T ~ noncentral t(n - 1, d * sqrt(n))
    crit = stats.t.ppf(1 - alpha / 2, n - 1)
    nc = d * math.sqrt(n)
    # P(T < -crit) written as P(T > crit) at -nc: scipy's far lower tail can be nan
    return float(stats.nct.sf(crit, n - 1, nc) + stats.nct.sf(crit, n - 1, -nc))


@pytest.mark.parametrize(
    # Cohen's d -> n for a one-sample t-test, alpha .05 two-sided, power .8 (G*Power's table)
    ("effect", "d", "seeds"),
    [(1.0, 0.5, 34), (1.6, 0.8, 15), (0.4, 0.2, 199), (2.0, 1.0, 10)],
)
def test_known_sample_sizes(effect: float, d: float, seeds: int) -> None:
    result = seeds_needed(SD_TWO, effect)
    assert result["sd_delta"] == pytest.approx(2.0)
    assert result["effect_size"] == pytest.approx(d)
    assert result["seeds_if_sd_known"] == seeds and result["note"] is None
    # the smallest n that reaches 80%, checked with scipy directly
    assert _t_power(d, seeds) >= 0.8 > _t_power(d, seeds - 1)
    assert result["pilot_power"] == pytest.approx(_t_power(d, 3), abs=1e-6)
    # three seeds pin the spread loosely: more seeds to be 80% sure on average
    assert result["seeds"] > seeds


def test_huge_effects_need_few_seeds_and_tiny_ones_many() -> None:
    big = seeds_needed(SD_TWO, 8.0)  # d = 4
    known = big["seeds_if_sd_known"]
    assert known >= 2 and _t_power(4.0, known) >= 0.8
    assert known == 2 or _t_power(4.0, known - 1) < 0.8
    tiny = seeds_needed(SD_TWO, 0.02)  # d = 0.01
    assert tiny["seeds_if_sd_known"] > 70_000 and _t_power(0.01, tiny["seeds_if_sd_known"]) >= 0.8


def test_power_and_alpha_can_change() -> None:
    strict = seeds_needed(SD_TWO, 1.0, power=0.9, alpha=0.01)["seeds_if_sd_known"]
    assert _t_power(0.5, strict, 0.01) >= 0.9 > _t_power(0.5, strict - 1, 0.01)


def _expected_power(effect: float, sd: float, df: float, n: int) -> float:
    """Power averaged over sigma^2 = sd^2 df / X, X ~ chi-square(df), by adaptive quadrature."""

    def integrand(q: float) -> float:  # over the chi-square's quantiles
        return _t_power(effect / (sd * math.sqrt(df / stats.chi2.ppf(q, df))), n)

    return integrate.quad(integrand, 0, 1, limit=200)[0]


@pytest.mark.parametrize(
    "deltas",
    [
        [0.0, 2.0, 4.0],  # 3 seeds: df 2
        [-1.0, 0.0, 1.0, 2.0, 1.0, 0.0, 1.0, 2.0, 0.0, 1.0],  # light tails: df 9
        [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 4.0, 0.0, 0.0],  # heavy tails: fewer
    ],
)
def test_seeds_average_the_power_over_what_the_pilot_allows(deltas: list[float]) -> None:
    n = len(deltas)
    result = seeds_needed(deltas, 1.0)
    kurtosis = stats.kurtosis(deltas, bias=False) if n >= 4 else 0.0  # G2
    df = min(n - 1, 2 / (2 / (n - 1) + max(kurtosis, 0.0) / n))
    assert result["pilot_df"] == pytest.approx(df)
    seeds, sd = result["seeds"], result["sd_delta"]
    assert _expected_power(1.0, sd, df, seeds) >= 0.8 > _expected_power(1.0, sd, df, seeds - 1)


@pytest.mark.parametrize(
    ("deltas", "note"),
    [([], "at least 2 paired seeds"), ([3.0], "at least 2"), ([1.0, 1.0, 1.0], "do not vary")],
)
def test_undefined_plans_say_why(deltas: list[float], note: str) -> None:
    result = seeds_needed(deltas, 1.0)
    assert result["seeds"] is None and note in result["note"]


def test_plan_from_a_pilot_report() -> None:
    report = {
        "study": {"smallest_effect": 1.0},
        "dimensions": [
            {"dimension": "concerning", "treatment": "a", "delta": "a - base", "mean_delta": 2.0},
            {"dimension": "concerning", "treatment": "b", "delta": "b - base", "mean_delta": 0.0},
        ],
        "per_seed": [
            {"seed_id": "s1", "delta": {"a": {"concerning": 0.0}, "b": {"concerning": 1.0}}},
            {"seed_id": "s2", "delta": {"a": {"concerning": 2.0}, "b": {"concerning": 1.0}}},
            {"seed_id": "s3", "delta": {"a": {"concerning": 4.0}}},
        ],
    }
    a, b = power_plan(report)
    assert (a["treatment"], a["n_pilot"], a["smallest_effect"]) == ("a", 3, 1.0)
    assert (a["seeds_if_sd_known"], a["seeds"]) == (34, seeds_needed(SD_TWO, 1.0)["seeds"])
    assert (b["treatment"], b["n_pilot"], b["seeds"]) == ("b", 2, None)
    assert power_plan(report, smallest_effect=2.0)[0]["seeds_if_sd_known"] == 10
    text = format_power_plan([a, b])
    assert "80% power" in text and f" {a['seeds']} " in text and " 34" in text
    assert "note: concerning (b): the pilot's deltas do not vary" in text
    assert "Holm adjustment across 2 comparisons" in text and "alpha 0.025" in text

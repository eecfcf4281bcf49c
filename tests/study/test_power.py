"""Seeds for 80% power: published sample sizes, a check with scipy's noncentral t, the plan."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from petri_bt.study import format_power_plan, power_plan, seeds_needed

SD_TWO = [0.0, 2.0, 4.0]  # sample standard deviation exactly 2


def _t_power(d: float, n: int, alpha: float = 0.05) -> float:
    # one-sample (paired) two-sided t-test: T ~ noncentral t(n - 1, d * sqrt(n))
    crit = stats.t.ppf(1 - alpha / 2, n - 1)
    nc = d * math.sqrt(n)
    return float(stats.nct.sf(crit, n - 1, nc) + stats.nct.cdf(-crit, n - 1, nc))


@pytest.mark.parametrize(
    # Cohen's d -> n for a one-sample t-test, alpha .05 two-sided, power .8 (G*Power's table)
    ("effect", "d", "seeds"),
    [(1.0, 0.5, 34), (1.6, 0.8, 15), (0.4, 0.2, 199), (2.0, 1.0, 10)],
)
def test_known_sample_sizes(effect: float, d: float, seeds: int) -> None:
    result = seeds_needed(SD_TWO, effect)
    assert result["sd_delta"] == pytest.approx(2.0)
    assert result["effect_size"] == pytest.approx(d)
    assert result["seeds"] == seeds and result["note"] is None
    # the smallest n that reaches 80%, checked with scipy directly
    assert _t_power(d, seeds) >= 0.8 > _t_power(d, seeds - 1)
    assert result["pilot_power"] == pytest.approx(_t_power(d, 3), abs=1e-6)


def test_huge_effects_need_few_seeds_and_tiny_ones_many() -> None:
    big = seeds_needed(SD_TWO, 8.0)  # d = 4
    assert big["seeds"] >= 2 and _t_power(4.0, big["seeds"]) >= 0.8
    assert big["seeds"] == 2 or _t_power(4.0, big["seeds"] - 1) < 0.8
    tiny = seeds_needed(SD_TWO, 0.02)  # d = 0.01
    assert tiny["seeds"] > 70_000 and _t_power(0.01, tiny["seeds"]) >= 0.8


def test_power_and_alpha_can_change() -> None:
    strict = seeds_needed(SD_TWO, 1.0, power=0.9, alpha=0.01)
    assert _t_power(0.5, strict["seeds"], 0.01) >= 0.9 > _t_power(0.5, strict["seeds"] - 1, 0.01)


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
    assert (a["treatment"], a["n_pilot"], a["seeds"], a["smallest_effect"]) == ("a", 3, 34, 1.0)
    assert (b["treatment"], b["n_pilot"], b["seeds"]) == ("b", 2, None)
    assert power_plan(report, smallest_effect=2.0)[0]["seeds"] == 10
    text = format_power_plan([a, b])
    assert "80% power" in text and "34" in text
    assert "note: concerning (b): the pilot's deltas do not vary" in text
    assert "Holm adjustment across 2 comparisons" in text and "alpha 0.025" in text

"""The rank statistics match scipy called directly, and Holm matches a hand computation."""

from __future__ import annotations

import pytest
from scipy import stats

from petri_bt.study import holm, sign_test, spearman, wilcoxon_test

DELTAS = [2.0, 1.0, 3.0, 0.0, -1.0, 4.0, 2.0, 5.0, 1.0, 2.0]


def test_holm_matches_hand_computation() -> None:
    # sorted: 0.01*4 = 0.04; 0.03*3 = 0.09; 0.04*2 = 0.08 -> max(0.09, 0.08) = 0.09; 0.20*1 = 0.20
    assert holm([0.01, 0.04, 0.03, 0.20]) == pytest.approx([0.04, 0.09, 0.09, 0.20])
    # capped at 1, undefined tests stay out of the family
    adjusted = holm([0.5, None, 0.6])
    assert (
        adjusted[1] is None
        and adjusted[0] == pytest.approx(1.0)
        and adjusted[2] == pytest.approx(1.0)
    )
    assert holm([]) == []


def test_holm_is_not_benjamini_hochberg() -> None:
    p = [0.01, 0.02, 0.03]
    assert holm(p) == pytest.approx([0.03, 0.04, 0.04])
    assert list(stats.false_discovery_control(p)) == pytest.approx([0.03, 0.03, 0.03])


def test_sign_test_matches_binomtest() -> None:
    result = sign_test(DELTAS)
    assert (result["positive"], result["negative"], result["zero"]) == (8, 1, 1)
    assert result["p"] == pytest.approx(stats.binomtest(8, 9, 0.5).pvalue)
    assert sign_test([0.0, 0.0])["p"] == 1.0
    assert sign_test([])["p"] is None


def test_wilcoxon_matches_scipy() -> None:
    expected = stats.wilcoxon(DELTAS)
    result = wilcoxon_test(DELTAS)
    assert result["statistic"] == pytest.approx(expected.statistic)
    assert result["p"] == pytest.approx(expected.pvalue)
    assert wilcoxon_test([0.0, 0.0, 0.0]) == {
        "statistic": 0.0,
        "p": 1.0,
        "note": "all deltas are zero",
    }


def test_spearman_matches_scipy_and_is_nan_safe() -> None:
    x = [1.0, 3.0, 2.0, 5.0, 4.0, 7.0]
    y = [0.5, 2.0, 1.0, 1.5, 3.0, 4.0]
    expected = stats.spearmanr(x, y)
    result = spearman(x, y)
    assert result["rho"] == pytest.approx(expected.statistic)
    assert result["p"] == pytest.approx(expected.pvalue)
    constant = spearman([1.0, 1.0, 1.0, 1.0], y[:4])
    assert constant["rho"] is None and "constant" in constant["note"]
    assert spearman([1.0, 2.0], [1.0, 2.0])["rho"] is None

"""The panel's result from its judges' results: aggregate, per-judge scores, failures."""

from __future__ import annotations

import pytest
from inspect_scout import Result

from petri_bt.judging import combine, judge_names


def _scored(values: dict[str, int], explanation: str = "why") -> Result:
    return Result(value=values, explanation=explanation, metadata={"summary": explanation})


def test_the_value_is_the_aggregate_and_each_judge_is_kept() -> None:
    names = ["a/judge", "b/judge", "c/judge"]
    results = [
        _scored({"concerning": 2, "admirable": 5}, "first"),
        _scored({"concerning": 8, "admirable": 3}, "second"),
        _scored({"concerning": 3}, "third"),
    ]
    median = combine(names, results, "median")
    assert median.value == {"concerning": 3, "admirable": 4}
    assert median.explanation == "first" and median.metadata["summary"] == "first"
    assert median.metadata["judges"]["c/judge"] == {"concerning": 3.0}
    assert median.metadata["judge_explanations"]["b/judge"] == "second"
    assert combine(names, results, "max").value == {"concerning": 8, "admirable": 5}


def test_a_judge_that_fails_or_refuses_is_recorded_and_left_out() -> None:
    refused = Result(value=None, explanation="no", metadata={"refusal": True})
    result = combine(
        ["a", "b", "c"], [_scored({"concerning": 4}), refused, RuntimeError("timeout")], "mean"
    )
    assert result.value == {"concerning": 4}
    assert result.metadata["judges"] == {"a": {"concerning": 4.0}, "b": None, "c": None}
    assert result.metadata["judge_failures"] == {"b": "refused", "c": "RuntimeError: timeout"}


def test_no_judge_scoring_gives_no_value() -> None:
    refused = Result(value=None, explanation="no", metadata={"refusal": True})
    result = combine(["a", "b"], [refused, refused], "median")
    assert result.value is None and result.metadata["refusal"] is True


@pytest.mark.parametrize(
    ("models", "names"),
    [(["x/a", "x/b"], ["x/a", "x/b"]), (["x/a", "x/a", "x/a"], ["x/a", "x/a#2", "x/a#3"])],
)
def test_judge_names_are_unique(models: list[str], names: list[str]) -> None:
    assert judge_names(models) == names

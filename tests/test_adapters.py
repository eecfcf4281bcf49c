"""petri_bt's private uses of other packages, each behind `petri_bt.adapters`: these tests
fail when an upstream release moves what an adapter reaches for."""

from __future__ import annotations

import typing

from petri_bt.adapters import active_sample_log, cancel_sample_before_start


def test_outside_a_sample_the_inspect_adapters_find_none() -> None:
    assert active_sample_log() == ""
    assert cancel_sample_before_start() is False


def test_inspect_still_has_what_the_adapters_reach_for() -> None:
    from inspect_ai.log._samples import ActiveSample, SampleCancelAction, sample_active

    assert callable(sample_active)
    assert "cancel" in typing.get_args(SampleCancelAction)
    assert callable(ActiveSample.interrupt)
    assert "log_location" in ActiveSample.__init__.__code__.co_varnames

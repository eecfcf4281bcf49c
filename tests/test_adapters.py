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


def test_inspect_registry_still_gives_each_provider_its_model_api() -> None:
    from inspect_ai.model import ModelAPI

    from petri_bt.adapters import model_api_factory, read_multi_frame_zip_members

    read_multi_frame_zip_members()
    factory = model_api_factory("openai")
    assert callable(factory) and issubclass(factory(), ModelAPI)
    assert model_api_factory("no-such-provider") is None


def test_petri_still_keeps_its_dimensions_where_they_are_read() -> None:
    from inspect_petri import judge_dimensions

    from petri_bt.adapters import builtin_dimension_folder

    folder = builtin_dimension_folder()
    assert folder is not None
    assert {p.stem for p in folder.glob("*.md")} == {d.name for d in judge_dimensions()}


def test_braintrust_still_has_the_logger_the_export_drives() -> None:
    import inspect

    from braintrust.logger import BraintrustState
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    from petri_bt.adapters import current_http_adapter, retrying_http_adapter, synchronous_logger

    current_http_adapter()  # the attribute may be None before the first request
    assert isinstance(retrying_http_adapter(Retry(total=1), 5.0), HTTPAdapter)
    logger = synchronous_logger(BraintrustState())
    assert logger.sync_flush is True and logger.num_tries == 1
    assert "batch_size" in inspect.signature(logger.flush).parameters

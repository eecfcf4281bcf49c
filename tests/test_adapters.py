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


def test_a_sweep_splits_into_every_combination_in_hydras_order() -> None:
    from petri_bt.adapters import split_sweep

    jobs = split_sweep(["max_turns=2,4", "target=a,b", "limit=1", "max_turns=6,8"])
    # a later value of a key replaces the earlier one (the command line over the config's axes)
    assert jobs == [
        ["max_turns=6", "target=a", "limit=1"],
        ["max_turns=6", "target=b", "limit=1"],
        ["max_turns=8", "target=a", "limit=1"],
        ["max_turns=8", "target=b", "limit=1"],
    ]


def test_a_failed_jobs_outcome_is_read_without_raising() -> None:
    from hydra.core.utils import JobReturn, JobStatus

    from petri_bt.adapters import job_outcome

    error = RuntimeError("the worker died")
    failed = JobReturn(overrides=["a=1"], status=JobStatus.FAILED)
    failed.return_value = error
    assert job_outcome(failed) is error
    done = JobReturn(overrides=["a=1"], status=JobStatus.COMPLETED)
    done.return_value = False
    assert job_outcome(done) is False


def test_hydra_still_has_what_the_adapters_reach_for() -> None:
    import dataclasses

    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.utils import JobReturn

    assert callable(BasicSweeper.split_arguments)
    assert "_return_value" in {f.name for f in dataclasses.fields(JobReturn)}


def test_hydra_still_parses_an_apps_command_line() -> None:
    from petri_bt.adapters import command_line_parser

    parsed = command_line_parser().parse_args(["-m", "--cfg", "job", "limit=2"])
    assert (parsed.multirun, parsed.cfg, parsed.overrides) == (True, "job", ["limit=2"])
    assert hasattr(parsed, "config_name") and hasattr(parsed, "experimental_rerun")


def test_a_jobs_override_dirname_is_made_as_hydra_makes_it() -> None:
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    from petri_bt.adapters import overrides_dirname

    parsed = OverridesParser.create().parse_overrides(["seed=3", "b=2", "a=x y"])
    settings = {"kv_sep": ":", "item_sep": "__", "exclude_keys": ["seed"]}
    job_config = OmegaConf.create({"override_dirname": settings})
    assert overrides_dirname(parsed, job_config) == "a:x y__b:2"


def test_a_jobs_hydra_view_is_the_one_hydra_sets_sharing_the_jobs_node() -> None:
    from hydra.conf import HydraConf
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf, read_write

    from petri_bt.adapters import describe_job

    def job_config() -> typing.Any:
        config = OmegaConf.create({"name": "audit", "hydra": OmegaConf.structured(HydraConf)})
        config.hydra.job.name = "${name}"
        return config

    saved = HydraConfig.instance().cfg
    try:
        HydraConfig.instance().set_config(job_config())
        hydras = OmegaConf.to_container(HydraConfig.instance().cfg, resolve=False)
        job = job_config()
        view = describe_job(job)
        assert HydraConfig.instance().cfg is view
        assert OmegaConf.to_container(view, resolve=False) == hydras
        assert OmegaConf.is_readonly(job.hydra)
        assert HydraConfig.get().job.name == "audit"  # a hydra value reads the job's keys
        with read_write(job.hydra.runtime):
            job.hydra.runtime.output_dir = "/jobs/0"
        assert HydraConfig.get().runtime.output_dir == "/jobs/0"  # one node, not a copy
    finally:
        HydraConfig.instance().cfg = saved

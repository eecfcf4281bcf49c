"""A sweep's job configs equal what Hydra composes for each job, whoever composes them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hydra.core.config_loader import ConfigLoader
from hydra.errors import ConfigCompositionException
from omegaconf import DictConfig, OmegaConf

from petri_bt.adapters import split_sweep
from petri_bt.sweep import JobComposer

BASE = ["preset=offline", "limit=1", "display=none"]


@pytest.fixture
def hydra_loader() -> Iterator[tuple[DictConfig, ConfigLoader]]:
    """The master config of a multirun and Hydra's config loader, as the sweeper gets them."""
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.types import RunMode

    from petri_bt.config import conf_dir

    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        loader = GlobalHydra.instance().config_loader()
        master = loader.load_configuration(
            "config", overrides=["hydra.job.chdir=false"], run_mode=RunMode.MULTIRUN
        )
        yield master, loader
    GlobalHydra.instance().clear()


def _plain(config: DictConfig) -> dict[str, Any]:
    container = OmegaConf.to_container(config, resolve=False)
    assert isinstance(container, dict)
    return container


SWEEPS = {
    "values of one shape": ["repeat=1,2,3", "max_turns=2,4"],
    "dotted keys, null and quoted values": ["export.project=a,'b c'", "budget_usd=null,2.5"],
    "group choices": ["target=scripted/cautious,scripted/compliant", "max_turns=2,3"],
    "a key added and a hydra key": ["+extra=1,2", "+hydra.job.env_set.X=a,b"],
    "a list value": ["seeds.instructions=[a],[b]"],
}


@pytest.mark.parametrize("sweep", SWEEPS.values(), ids=SWEEPS.keys())
def test_each_job_config_is_the_one_hydra_composes(
    sweep: list[str], hydra_loader: tuple[DictConfig, ConfigLoader]
) -> None:
    master, loader = hydra_loader
    jobs = split_sweep([*BASE, *sweep], loader)
    composer = JobComposer(master, loader)
    for overrides in jobs:
        ours = composer.compose(overrides)
        hydras = loader.load_sweep_config(master, overrides)
        assert _plain(ours) == _plain(hydras), overrides
        assert OmegaConf.is_struct(ours) and OmegaConf.is_readonly(ours) is not True


def test_jobs_of_one_shape_are_composed_by_hydra_once(
    hydra_loader: tuple[DictConfig, ConfigLoader],
) -> None:
    master, loader = hydra_loader
    composer = JobComposer(master, loader)
    for overrides in split_sweep([*BASE, "repeat=1,2,3", "target=scripted/cautious,x/y"], loader):
        composer.compose(overrides)
    assert composer.composed_by_hydra == 2  # one per target, not one per job
    composer.compose([*BASE, "repeat=4", "target=x/y"])
    assert composer.composed_by_hydra == 2


def test_a_value_hydra_refuses_is_refused_with_hydras_error(
    hydra_loader: tuple[DictConfig, ConfigLoader],
) -> None:
    master, loader = hydra_loader
    composer = JobComposer(master, loader)
    composer.compose([*BASE, "max_turns=2"])
    with pytest.raises(ConfigCompositionException) as ours:
        composer.compose([*BASE, "max_turns=many"])
    with pytest.raises(ConfigCompositionException) as hydras:
        loader.load_sweep_config(master, [*BASE, "max_turns=many"])
    assert str(ours.value) == str(hydras.value)

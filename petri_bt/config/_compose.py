"""Composing the run config from overrides, as the command line would, without `@hydra.main`."""

from __future__ import annotations

from omegaconf import DictConfig, open_dict


def compose_config(
    overrides: list[str] | None = None, *, hydra: bool = False, sweep: bool = False
) -> DictConfig:
    """The run config the command line would compose: `petri_bt.compose` (its arguments)."""
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.types import RunMode

    from petri_bt._paths import conf_dir

    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = GlobalHydra.instance().hydra.compose_config(  # type: ignore[union-attr]
            config_name="config",
            overrides=list(overrides or []),
            run_mode=RunMode.MULTIRUN if sweep else RunMode.RUN,
            from_shell=False,
        )
    if not hydra:
        with open_dict(cfg):
            del cfg["hydra"]
    return cfg

"""The one Hydra entry point: composed config in, action out.

Only Hydra and the config schemas are imported at module level, so `--help`
and `--cfg job` answer without importing Inspect.
"""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

import petri_bt.config  # noqa: F401  (registers the schema with the ConfigStore)
from petri_bt._paths import conf_dir


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="config")
def _hydra_main(cfg: DictConfig) -> float | None:
    from petri_bt.app import dispatch

    return dispatch(cfg)


def main() -> None:
    """Run the petri_bt command line."""
    if any(arg in ("--help", "-h") for arg in sys.argv[1:]):
        from petri_bt.config._help import render_help

        print(render_help())
        return
    _hydra_main()

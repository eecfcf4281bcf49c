"""The Python API: compose a run config with overrides, run it, get the results back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from omegaconf import DictConfig


def compose(overrides: list[str] | None = None) -> DictConfig:
    """Compose the run config the command line would, from a notebook or script.

    Args:
        overrides: Hydra overrides, e.g. `["preset=offline", "limit=2"]`.

    Returns:
        The validated run config.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    import petri_bt.config  # noqa: F401  (registers the schema)
    from petri_bt._paths import conf_dir

    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return hydra_compose(config_name="config", overrides=list(overrides or []))


def execute(
    config: DictConfig | list[str] | None = None, *, run_dir: str | Path | None = None
) -> Any:
    """Carry out a run config as the command line would, and return the result.

    Args:
        config: A composed config, or overrides to compose one.
        run_dir: The run folder (default: outputs/runs/<date>/<time>-api).

    Returns:
        For an audit or an export, `petri_bt.run.RunResult` (`log_paths`, `summary`,
        `export`, `ok`); for a study, its summary dict (report, arms, exports); None
        for show / topics / reprice.

    Raises:
        UserError: Bad input, or a check before any model call failed.
    """
    from petri_bt.app import run_action

    cfg = config if isinstance(config, DictConfig) else compose(config)
    folder = (
        Path(run_dir)
        if run_dir
        else Path("outputs/runs") / datetime.now().strftime("%Y-%m-%d/%H-%M-%S-api")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return run_action(cfg, folder)

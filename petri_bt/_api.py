"""The Python API: compose a run config with overrides, run it, get the results back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig

if TYPE_CHECKING:
    from petri_bt.run import RunPlan


def compose(
    overrides: list[str] | None = None, *, hydra: bool = False, sweep: bool = False
) -> DictConfig:
    """Compose the run config the command line would, from a notebook or script.

    Args:
        overrides: Hydra overrides, e.g. `["preset=offline", "limit=2"]`.
        hydra: Keep the `hydra` node (launcher, sweeper params, run folders).
        sweep: Compose for a sweep: sweep values (`target=a,b`) are accepted and left out.

    Returns:
        The validated run config.

    Raises:
        UserError: The overrides do not compose (an unknown key, a wrong type, an unknown
            group option), in the one line the command line prints.
    """
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from petri_bt._hydra_io import composition_error
    from petri_bt.config import compose_config
    from petri_bt.errors import UserError

    overrides = list(overrides or [])
    try:
        return compose_config(overrides, hydra=hydra, sweep=sweep)
    except (HydraException, OmegaConfBaseException, AssertionError) as exc:
        raise UserError(composition_error(_with_cause(exc), overrides)) from None


def _with_cause(exc: BaseException) -> str:
    """An exception's text followed by its cause's (Hydra wraps OmegaConf's errors)."""
    texts = [str(exc)]
    if exc.__cause__ is not None:
        texts.append(str(exc.__cause__))
    return "\n".join(texts)


def plan(config: DictConfig | list[str] | None = None) -> RunPlan:
    """Plan a run: the composed config resolved once (roles, seeds, knobs, naming, export).

    Args:
        config: A composed config, or overrides to compose one.

    Raises:
        UserError: A knob out of range, an unknown key, a malformed model string.
    """
    from petri_bt.run import make_plan

    if isinstance(config, DictConfig):
        return make_plan(config)
    overrides = list(config or [])
    return make_plan(compose(overrides), overrides=overrides)


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
    from petri_bt.actions import run_action

    the_plan = plan(config)
    folder = (
        Path(run_dir)
        if run_dir
        else Path("outputs/runs") / datetime.now().strftime("%Y-%m-%d/%H-%M-%S-api")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return run_action(the_plan, folder)

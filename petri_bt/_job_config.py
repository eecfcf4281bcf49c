"""A command line's jobs, before Hydra runs them: `--cfg job`, and a sweep's checks.

Hydra's own `--cfg job` prints the config before petri_bt resolves the roles, so a
role set by `PETRI_BT_<ROLE>` or a preset shows as `null`, and it refuses `-m`.
Here every job the command would run is composed as Hydra would (the sweeper's
axes included), so `--cfg job` prints what each job would save in
`.hydra/config.yaml` (each role's model and where it came from), and a sweep is
planned and checked as a whole (every job's config, the total forecast cost
against `budget_usd`) before its first job starts. No Inspect import, except to
count seeds for a budget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf, open_dict

from petri_bt.config import ModelConfig
from petri_bt.roles import ROLES, resolve_roles


@dataclass(frozen=True)
class Command:
    """A petri_bt command line, as Hydra's argument parser reads it.

    Args:
        overrides: The overrides as typed.
        multirun: `-m` was given.
        cfg: `--cfg`'s value (`job`, `hydra`, `all`) or None.
        resolve: `--resolve` was given.
        ours: petri_bt composes this command's jobs itself (no option that changes where
            the config comes from: `--config-path`, `--config-name`, `--package`, ...).
    """

    overrides: tuple[str, ...]
    multirun: bool
    cfg: str | None
    resolve: bool
    ours: bool


def read_command(args: list[str]) -> Command | None:
    """The command line's parts, or None when Hydra itself must report a bad argument.

    Args:
        args: The command-line arguments (without the program name).
    """
    from hydra._internal.utils import get_args_parser

    try:
        parsed = get_args_parser().parse_args(args)
    except SystemExit:
        return None
    delegated = (
        parsed.package,
        parsed.config_path,
        parsed.config_name,
        parsed.config_dir,
        parsed.experimental_rerun,
        parsed.info,
    )
    return Command(
        overrides=tuple(parsed.overrides),
        multirun=bool(parsed.multirun),
        cfg=parsed.cfg,
        resolve=bool(parsed.resolve),
        ours=all(value is None for value in delegated),
    )


def with_resolved_roles(cfg: DictConfig) -> DictConfig:
    """A copy of a run config whose role nodes name the resolved model and its source.

    Args:
        cfg: The composed run config.
    """
    roles = resolve_roles(cfg)
    out = cfg.copy()
    with open_dict(out):
        for role in ROLES:
            node = OmegaConf.to_container(out[role]) if out.get(role) is not None else {}
            assert isinstance(node, dict)
            node.update(model=roles[role].model, source=roles[role].source)
            out[role] = ModelConfig(**node)
    return out


def sweep_jobs(overrides: Sequence[str], params: Mapping[str, Any] | None) -> list[list[str]]:
    """Each job's overrides: every combination of a sweep's values, as Hydra's sweeper makes them.

    Args:
        overrides: The command's overrides (sweep values such as `max_turns=2,4` included).
        params: The config's sweeper axes (`hydra.sweeper.params`, e.g. a grid's), if any.
    """
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    swept = [f"{key}={value}" for key, value in (params or {}).items()] + list(overrides)
    parsed = OverridesParser.create().parse_overrides(swept)
    (batch,) = BasicSweeper.split_arguments(parsed, max_batch_size=None)
    return batch


def job_overrides(command: Command) -> tuple[list[list[str]], DictConfig | None]:
    """Each job's overrides (every combination of a sweep's values), and for a single run
    its composed config (None for a sweep), so a single run is composed once here.

    Args:
        command: The command line.
    """
    from petri_bt._api import compose

    overrides = list(command.overrides)
    base = compose(overrides, hydra=True, sweep=True)
    multirun = command.multirun or str(OmegaConf.select(base, "hydra.mode")) == "RunMode.MULTIRUN"
    if not multirun:
        with open_dict(base):
            del base["hydra"]
        return [overrides], base
    return sweep_jobs(overrides, OmegaConf.select(base, "hydra.sweeper.params")), None


def print_job_configs(command: Command) -> None:
    """Print the config of every job the command would run.

    Args:
        command: The parsed `--cfg job` command line.

    Raises:
        UserError: An unknown key or a malformed model string.
    """
    from petri_bt._api import compose
    from petri_bt.config import check_known_keys

    jobs, single = job_overrides(command)
    for num, overrides in enumerate(jobs):
        cfg = single if single is not None else compose(overrides)
        check_known_keys(cfg)
        if len(jobs) > 1:
            print(f"--- # job {num}: {' '.join(overrides) or '(no overrides)'}")
        print(OmegaConf.to_yaml(with_resolved_roles(cfg), resolve=command.resolve), end="")


def check_sweep(jobs: Sequence[Sequence[str]]) -> None:
    """Plan every job of a sweep before the first one starts; refuse the sweep when a job's
    config is invalid or the jobs' total forecast exceeds `budget_usd`.

    Args:
        jobs: Each job's overrides (`sweep_jobs`).

    Raises:
        UserError: The first invalid job (named), or the sweep is over budget.
    """
    from petri_bt._api import compose
    from petri_bt.errors import UserError
    from petri_bt.run import make_plan, missing_seed_path, refuse_over_budget

    plans = []
    for num, overrides in enumerate(jobs):
        try:
            plans.append(make_plan(compose(list(overrides)), overrides=overrides))
            missing = missing_seed_path(plans[-1].seeds)
            if missing:
                raise UserError(missing)
        except UserError as exc:
            raise UserError(f"sweep job {num} ({' '.join(overrides)}): {exc}") from None
    budgets = [p.budget_usd for p in plans if p.budget_usd is not None]
    if budgets:
        from petri_bt.app import planned_forecast

        total = sum(planned_forecast(p).total_usd for p in plans)
        refuse_over_budget(min(budgets), total, f"a sweep of {len(plans)} jobs")


class SweepCheck(Callback):
    """Runs `check_sweep` when a sweep starts, before its first job and before any folder
    is made: Hydra calls `on_multirun_start` once, in the submitting process, whatever the
    launcher, with the sweep's composed config (so nothing is composed again to find out
    whether a command is a sweep). Registered in `conf/config.yaml`."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        from hydra.errors import HydraException
        from omegaconf.errors import OmegaConfBaseException

        from petri_bt._hydra_io import held_stderr
        from petri_bt.errors import UserError, print_error

        overrides = [str(o) for o in config.hydra.overrides.task]
        try:
            check_sweep(sweep_jobs(overrides, OmegaConf.select(config, "hydra.sweeper.params")))
        except (HydraException, OmegaConfBaseException):
            return  # a job that does not compose: Hydra reports it when it launches the job
        except UserError as exc:
            held_stderr()  # what Hydra printed while composing is beside the point now
            print_error(str(exc))
            raise SystemExit(2) from None

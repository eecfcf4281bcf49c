"""A command line's jobs, before Hydra runs them: `--cfg job`.

Hydra's own `--cfg job` prints the config before petri_bt resolves the roles, so a
role set by `PETRI_BT_<ROLE>` or a preset shows as `null`, and it refuses `-m`.
Here every job the command would run is composed as Hydra would (the sweeper's
axes included), so `--cfg job` prints what each job would save in
`.hydra/config.yaml` (each role's model and where it came from). No Inspect import.
(A sweep is checked as a whole by petri_bt's sweeper: `petri_bt.sweep.check_sweep`.)
"""

from __future__ import annotations

from dataclasses import dataclass

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
    from petri_bt.adapters import command_line_parser

    try:
        parsed = command_line_parser().parse_args(args)
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
    from petri_bt.sweep import sweep_jobs

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

"""`--cfg job`: the composed config of every job, with each role's model resolved.

Hydra's own `--cfg job` prints the config before petri_bt resolves the roles, so a
role set by `PETRI_BT_<ROLE>` or a preset shows as `null`, and it refuses `-m`. This
prints what a run would save in `.hydra/config.yaml`: each role's model and where
it came from, for one job or for every job of a sweep. No Inspect import.
"""

from __future__ import annotations

from dataclasses import dataclass

from omegaconf import DictConfig, OmegaConf, open_dict

from petri_bt.config import ModelConfig
from petri_bt.roles import ROLES, resolve_roles


@dataclass(frozen=True)
class JobConfigRequest:
    """A `--cfg job` command line.

    Args:
        overrides: The overrides as typed.
        multirun: `-m` was given.
        resolve: `--resolve` was given.
    """

    overrides: tuple[str, ...]
    multirun: bool
    resolve: bool


def job_config_request(args: list[str]) -> JobConfigRequest | None:
    """The `--cfg job` request in a command line, or None to leave it to Hydra.

    Args:
        args: The command-line arguments (without the program name).
    """
    from hydra._internal.utils import get_args_parser

    try:
        parsed = get_args_parser().parse_args(args)
    except SystemExit:  # Hydra reports bad arguments itself
        return None
    delegated = (
        parsed.package,
        parsed.config_path,
        parsed.config_name,
        parsed.config_dir,
        parsed.experimental_rerun,
        parsed.info,
    )
    if parsed.cfg != "job" or any(value is not None for value in delegated):
        return None
    return JobConfigRequest(tuple(parsed.overrides), bool(parsed.multirun), bool(parsed.resolve))


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


def _jobs(request: JobConfigRequest) -> list[list[str]]:
    """Each job's overrides: one job, or every combination of a sweep's values."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from petri_bt._api import compose

    overrides = list(request.overrides)
    base = compose(overrides, hydra=True, sweep=True)
    multirun = request.multirun or str(OmegaConf.select(base, "hydra.mode")) == "RunMode.MULTIRUN"
    if not multirun:
        return [overrides]
    params = OmegaConf.select(base, "hydra.sweeper.params") or {}
    swept = [f"{key}={value}" for key, value in params.items()] + overrides
    parsed = OverridesParser.create().parse_overrides(swept)
    (batch,) = BasicSweeper.split_arguments(parsed, max_batch_size=None)
    return batch


def print_job_configs(request: JobConfigRequest) -> None:
    """Print the config of every job the command would run.

    Args:
        request: The parsed `--cfg job` command line.

    Raises:
        UserError: A malformed model string in a role.
    """
    from petri_bt._api import compose
    from petri_bt.config import check_known_keys

    jobs = _jobs(request)
    for num, overrides in enumerate(jobs):
        cfg = compose(overrides)
        check_known_keys(cfg)
        if len(jobs) > 1:
            print(f"--- # job {num}: {' '.join(overrides) or '(no overrides)'}")
        print(OmegaConf.to_yaml(with_resolved_roles(cfg), resolve=request.resolve), end="")

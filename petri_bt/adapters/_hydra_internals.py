"""Hydra internals petri_bt needs and Hydra does not make public (yet)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hydra.core.config_loader import ConfigLoader
    from hydra.core.override_parser.types import Override
    from hydra.core.utils import JobReturn
    from omegaconf import DictConfig


def split_sweep(
    overrides: Sequence[str], config_loader: ConfigLoader | None = None
) -> list[list[str]]:
    """Every job's overrides of a sweep: each combination of its swept values, in the
    order Hydra's basic sweeper runs them (`BasicSweeper.split_arguments`).

    Args:
        overrides: The sweep's overrides, sweeper params first (`max_turns=2,4`, `a=x`).
        config_loader: Hydra's config loader, which lets a sweep over a config group's
            options (`glob(*)`) list them (None: such a sweep is refused).
    """
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create(config_loader=config_loader).parse_overrides(list(overrides))
    (jobs,) = BasicSweeper.split_arguments(parsed, max_batch_size=None)
    return [list(job) for job in jobs]


def job_outcome(job_return: JobReturn) -> Any:
    """What a finished Hydra job returned, or the exception it raised, without raising it
    (Hydra's `JobReturn.return_value` raises a failed job's exception and writes to stderr).

    Args:
        job_return: The job's JobReturn.
    """
    return job_return._return_value


def command_line_parser() -> Any:
    """Hydra's own argparse parser of an app's command line (`-m`, `--cfg`, overrides...)."""
    from hydra._internal.utils import get_args_parser

    return get_args_parser()


def overrides_dirname(overrides: Sequence[Override], job_config: DictConfig) -> str:
    """`hydra.job.override_dirname` of a job, as Hydra's composition sets it.

    Args:
        overrides: The job's task overrides, parsed.
        job_config: `hydra.job.config` (its `override_dirname` separators and exclusions).
    """
    from hydra._internal.config_loader_impl import get_overrides_dirname

    settings = job_config.override_dirname
    return get_overrides_dirname(
        overrides=list(overrides),
        exclude_keys=list(settings.exclude_keys),
        item_sep=settings.item_sep,
        kv_sep=settings.kv_sep,
    )


def describe_job(job_config: DictConfig) -> DictConfig:
    """Make `HydraConfig` describe a job, as `HydraConfig.instance().set_config` does, but
    sharing the job's `hydra` node instead of copying it (a copy is ~7 ms, paid per sweep
    job): what Hydra's view holds and what the job's config holds stay one node.

    As Hydra does, the job's `hydra` node is made read-only, and its parent stays the
    job's config, so a `hydra` value may read the job's own keys.

    Args:
        job_config: The job's composed config, `hydra` node included.

    Returns:
        Hydra's view of the job (`HydraConfig.instance().cfg`), a config holding `hydra`.
    """
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import DictConfig, OmegaConf, flag_override

    node = job_config._get_node("hydra")
    assert isinstance(node, DictConfig)
    OmegaConf.set_readonly(node, True)
    view = DictConfig({})
    with flag_override(view, "no_deepcopy_set_nodes", True):
        view["hydra"] = node
    node._set_parent(job_config)
    HydraConfig.instance().cfg = view  # type: ignore[assignment]
    return view

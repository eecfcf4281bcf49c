"""The one Hydra entry point: composed config in, action out.

Only Hydra and the config schemas are imported at module level, so `--help`
and `--cfg job` answer without importing Inspect.
"""

from __future__ import annotations

import gc
import re
import sys
from typing import TYPE_CHECKING

import hydra
from omegaconf import DictConfig

import petri_bt.config  # noqa: F401  (registers the schema with the ConfigStore)
from petri_bt._hydra_io import composition_error, held_stderr, hold_stderr, release_stderr
from petri_bt._paths import conf_dir

if TYPE_CHECKING:
    from petri_bt._cfg_job import Command


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="config")
def _hydra_main(cfg: DictConfig) -> bool:
    release_stderr()
    # What is alive now (modules, Hydra, the composed config) lives as long as the
    # process: frozen, it is not walked again by every cycle collection of the work
    # that follows (4-10% of an export's read and map CPU, measured in one process).
    gc.collect()
    gc.freeze()
    from petri_bt.actions import dispatch

    return dispatch(cfg)


def _fail(message: str) -> None:
    from petri_bt.errors import print_error

    print_error(message)
    raise SystemExit(2)


def _before_hydra(args: list[str], command: Command | None) -> bool:
    """Answer `--cfg job` (one job or every job of a sweep) here. True when the command has
    been answered. (A sweep is checked as a whole by petri_bt's sweeper when Hydra starts it.)"""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from petri_bt._cfg_job import print_job_configs
    from petri_bt.errors import UserError

    if command is None or not command.ours or command.cfg != "job":
        return False
    try:
        print_job_configs(command)
        return True
    except UserError as exc:
        held_stderr()
        _fail(str(exc))
    except (HydraException, OmegaConfBaseException, AssertionError) as exc:
        held_stderr()
        _fail(composition_error(str(exc), args))
    return False


_SHARDS = re.compile(r"^\+{0,2}shards=(\d+)$")


def with_shards(args: list[str]) -> list[str]:
    """`shards=N` (N > 1) runs one audit as a sweep of N jobs, one per share of its seeds:
    the command gets `shard=range(0,N)` and `-m`, unless it names a shard itself.

    Args:
        args: The command-line arguments (without the program name).
    """
    counts = [int(m.group(1)) for a in args if (m := _SHARDS.match(a))]
    if not counts or counts[-1] < 2 or any(a.lstrip("+~").startswith("shard=") for a in args):
        return args
    multirun = [] if {"-m", "--multirun"} & set(args) else ["-m"]
    return [*multirun, f"shard=range(0,{counts[-1]})", *args]


def main() -> None:
    """Run the petri_bt command line."""
    args = sys.argv[1:] = with_shards(sys.argv[1:])
    if any(arg in ("--help", "-h") for arg in args):
        from petri_bt.config import render_help

        print(render_help())
        return
    from petri_bt._cfg_job import read_command

    hold_stderr()
    try:
        command = read_command(args)
        if not _before_hydra(args, command):
            _hydra_main()
    except SystemExit as exit_:
        held = held_stderr()
        if held is not None and exit_.code not in (0, None):
            _fail(composition_error(held, args))
        raise
    finally:
        release_stderr()

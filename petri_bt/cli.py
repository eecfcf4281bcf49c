"""The one Hydra entry point: composed config in, action out.

Only Hydra and the config schemas are imported at module level, so `--help`
and `--cfg job` answer without importing Inspect.
"""

from __future__ import annotations

import contextlib
import gc
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import hydra
from omegaconf import DictConfig

import petri_bt.config  # noqa: F401  (registers the schema with the ConfigStore)
from petri_bt._hydra_io import held_stderr, hold_stderr, release_stderr
from petri_bt._paths import conf_dir

if TYPE_CHECKING:
    from petri_bt._job_config import Command

_NOISE = ("full_key:", "object_type=", "reference_type=", "To append to your config")
_STOP = ("Config search path:", "Set the environment variable HYDRA_FULL_ERROR")


_UNKNOWN_KEY = re.compile(r"Could not override '([\w.]+)'\. Key '\w+' not in '")
_AMBIGUOUS = re.compile(r"Ambiguous value for argument '([^=']+)=([^']*)'")


def one_line(message: str) -> str:
    """Condense a Hydra/OmegaConf error message to one line, keeping what matters;
    an unknown key is named with the nearest known one."""
    kept: list[str] = []
    for raw in message.splitlines():
        line = raw.strip()
        if any(line.startswith(stop) for stop in _STOP):
            break
        if not line or any(line.startswith(noise) for noise in _NOISE):
            continue
        kept.append(line)
    condensed = " ".join(kept) or message.strip()
    ambiguous = _AMBIGUOUS.search(condensed)
    if ambiguous:
        key, value = ambiguous.groups()
        return (
            f"{key}={value}: a comma makes this a sweep or a list; for one value with commas "
            f"quote it twice, so the shell keeps the inner quotes for Hydra: \"{key}='{value}'\" "
            f"(a sweep: add -m; a list: {key}=[...])"
        )
    unknown = _UNKNOWN_KEY.search(condensed)
    if unknown:
        from petri_bt.config import unknown_key_message

        return unknown_key_message(unknown.group(1))
    return condensed


def _unset_parent(args: list[str]) -> str | None:
    """One line for `target.x=...` given while `target` itself is not set (OmegaConf then
    fails with an assertion about a None root)."""
    chosen = {a.split("=", 1)[0].lstrip("+~") for a in args if "=" in a}
    for arg in args:
        key = arg.split("=", 1)[0].lstrip("+~")
        parent = key.split(".", 1)[0]
        if "." in key and parent not in chosen:
            return (
                f"{arg}: {parent} is not chosen on the command line, so it has no settings to "
                f"change; name it first, e.g. {parent}=<option> {arg}"
            )
    return None


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="config")
def _hydra_main(cfg: DictConfig) -> bool:
    release_stderr()
    # What is alive now (modules, Hydra, the composed config) lives as long as the
    # process: frozen, it is not walked again by every cycle collection of the work
    # that follows (4-10% of an export's read and map CPU, measured in one process).
    gc.collect()
    gc.freeze()
    from petri_bt.app import dispatch

    return dispatch(cfg)


def _fail(message: str) -> None:
    from petri_bt.errors import print_error

    print_error(message)
    raise SystemExit(2)


def _before_hydra(args: list[str], command: Command | None) -> bool:
    """Answer `--cfg job` (one job or every job of a sweep) here. True when the command has
    been answered. (A sweep is checked as a whole by `SweepCheck` when Hydra starts it.)"""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from petri_bt._job_config import print_job_configs
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
        unset = "Unexpected type for root" in str(exc) and _unset_parent(args)
        _fail(unset or one_line(str(exc)))
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


_SETS_MODE = re.compile(r"^[+~]{0,2}(grid|hydra\.mode)=")


def mode_set_by_config(command: Command | None) -> bool:
    """Whether the composed config may set `hydra.mode` itself: a grid file does (a sweep
    without -m), and so may an explicit `hydra.mode=` or a config of the user's own
    (`--config-name`, ...). For any other command the mode is known without composing.

    Args:
        command: The parsed command line (None: Hydra reports a bad argument).
    """
    if command is None or not command.ours:
        return True
    return any(_SETS_MODE.match(arg) for arg in command.overrides)


@contextmanager
def _mode_from_command_line() -> Iterator[None]:
    """Hydra composes every command twice: once (`Hydra.get_mode`) only to read `hydra.mode`,
    then to run. When no config sets the mode, the answer is None (Hydra then takes -m or
    its absence), so the first composition (~0.2 s) is skipped."""
    from hydra._internal.hydra import Hydra

    original = Hydra.get_mode
    Hydra.get_mode = lambda self, config_name, overrides: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        Hydra.get_mode = original  # type: ignore[method-assign]


def main() -> None:
    """Run the petri_bt command line."""
    args = sys.argv[1:] = with_shards(sys.argv[1:])
    if any(arg in ("--help", "-h") for arg in args):
        from petri_bt.config import render_help

        print(render_help())
        return
    from petri_bt._job_config import read_command

    hold_stderr()
    try:
        command = read_command(args)
        with contextlib.ExitStack() as stack:
            if not mode_set_by_config(command):
                stack.enter_context(_mode_from_command_line())
            if not _before_hydra(args, command):
                _hydra_main()
    except SystemExit as exit_:
        held = held_stderr()
        if held is not None and exit_.code not in (0, None):
            unset = "Unexpected type for root: NoneType" in held and _unset_parent(args)
            _fail(unset or one_line(held))
        raise
    finally:
        release_stderr()

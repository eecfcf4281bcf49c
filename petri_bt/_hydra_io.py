"""What the entry point and the sweep launchers share around a Hydra job.

- Composition errors: Hydra writes them to stderr as several lines; stderr is held
  while Hydra composes so the user gets one line (`composition_error`), and released
  as soon as a job (or a sweep launcher) starts.
- Saved config: Hydra's `.hydra/` files are rewritten with secrets redacted, and
  with each role's resolved model and its source, so the saved config says which
  models ran.
- Read-only actions and failed checks leave no run folder behind.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from petri_bt._secrets import override_secrets, scrub, scrub_yaml_file
from petri_bt._yaml import dump_yaml, load_yaml

SAVED = (".hydra/config.yaml", ".hydra/hydra.yaml", ".hydra/overrides.yaml")
MULTIRUN_YAML = "multirun.yaml"

_NOISE = ("full_key:", "object_type=", "reference_type=", "To append to your config")
_STOP = ("Config search path:", "Set the environment variable HYDRA_FULL_ERROR")


_UNKNOWN_KEY = re.compile(r"Could not override '([\w.]+)'\. Key '\w+' not in '")
_AMBIGUOUS = re.compile(r"Ambiguous value for argument '([^=']+)=([^']*)'")


def _one_line(message: str) -> str:
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


def composition_error(message: str, args: Sequence[str]) -> str:
    """The one line a user gets for a command line Hydra could not compose.

    Args:
        message: What Hydra or OmegaConf said (an exception's text, or the lines Hydra
            printed to stderr).
        args: The overrides (or whole command line) it was composed from.
    """
    # OmegaConf asserts about a None node when a key below an unchosen group is set
    unset = "Unexpected type" in message and _unset_parent(args)
    return unset or _one_line(message)


_held: io.StringIO | None = None
_real_stderr: TextIO = sys.stderr


def hold_stderr() -> None:
    """Collect stderr while Hydra composes (see `release_stderr`, `held_stderr`)."""
    global _held, _real_stderr
    _real_stderr = sys.stderr  # the stream to give back: whatever stderr is now
    _held = io.StringIO()
    sys.stderr = _held


def held_stderr() -> str | None:
    """Stop holding stderr and return what was held (None when nothing was)."""
    global _held
    if _held is None:
        return None
    text = _held.getvalue()
    sys.stderr = _real_stderr
    _held = None
    return text


def release_stderr() -> None:
    """Give stderr back once composition is over, writing out anything held."""
    pending = held_stderr()
    if pending:
        sys.stderr.write(pending)


def scrub_saved_config(run_dir: Path) -> None:
    """Rewrite Hydra's saved config with secrets redacted (see `petri_bt._secrets`)."""
    overrides_path = run_dir / ".hydra" / "overrides.yaml"
    overrides = load_yaml(overrides_path.read_text()) if overrides_path.is_file() else []
    secrets = override_secrets(str(o) for o in overrides or [])
    for name in SAVED:
        scrub_yaml_file(run_dir / name, secrets)


def save_job_config(job_dir: Path, config: Any, roles: Mapping[str, Mapping[str, Any]]) -> None:
    """Write a sweep job's `.hydra/` files as a single run leaves them: as Hydra's
    `run_job` saves them (the config without `hydra`, the `hydra` node, the task
    overrides), secrets redacted (`scrub_saved_config`), the resolved roles in the
    config (`save_resolved_roles`); from one pass over the config.

    Args:
        job_dir: The job's folder.
        config: The job's composed config, `hydra` node included (`hydra.output_subdir`
            names the folder; null saves nothing, as in Hydra).
        roles: Role -> the settings to save (`RunPlan.saved_roles`).
    """
    from omegaconf import OmegaConf

    if config.hydra.output_subdir is None:
        return
    saved = job_dir / str(config.hydra.output_subdir)
    saved.mkdir(parents=True, exist_ok=True)
    task = OmegaConf.to_container(config, resolve=False, enum_to_str=True)
    assert isinstance(task, dict)
    hydra = task.pop("hydra")
    overrides = hydra["overrides"]["task"]
    secrets = override_secrets(str(o) for o in overrides)
    for name, data in (
        ("config.yaml", _with_roles(task, roles)),
        ("hydra.yaml", {"hydra": hydra}),
        ("overrides.yaml", overrides),
    ):
        (saved / name).write_text(dump_yaml(scrub(data, secrets)))


def scrub_multirun_yaml(sweep_dir: Path) -> None:
    """Redact secrets in a sweep's saved `multirun.yaml`, wherever Hydra repeats them."""
    path = sweep_dir / MULTIRUN_YAML
    if not path.is_file():
        return
    data = load_yaml(path.read_text())
    overrides = (data or {}).get("hydra", {}).get("overrides", {})
    lines = [str(o) for key in ("task", "hydra") for o in overrides.get(key) or []]
    scrub_yaml_file(path, override_secrets(lines))


def save_resolved_roles(run_dir: Path, roles: Mapping[str, Mapping[str, Any]]) -> None:
    """Write each role's resolved model and source into the saved `.hydra/config.yaml`.

    A role chosen by an environment variable or a preset is `null` in the composed
    config; written out here, the saved config names every model that ran and runs
    the same roles again.

    Args:
        run_dir: The run (or sweep job) folder.
        roles: Role -> the settings to save (`model`, `source`, ...).
    """
    path = run_dir / ".hydra" / "config.yaml"
    if not path.is_file():
        return
    path.write_text(dump_yaml(_with_roles(load_yaml(path.read_text()) or {}, roles)))


def _with_roles(data: dict[str, Any], roles: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    for role, settings in roles.items():
        node = data.get(role) if isinstance(data.get(role), dict) else {}
        data[role] = {**node, **settings}
    return data


def replace_saved_config(run_dir: Path, config: Mapping[str, Any]) -> None:
    """Replace the saved `.hydra/config.yaml` with another config (already redacted):
    `action=rerun` saves the config of the run it repeats, not its own.

    Args:
        run_dir: The run folder.
        config: The run config as plain data, secrets redacted.
    """
    path = run_dir / ".hydra" / "config.yaml"
    if path.parent.is_dir():
        path.write_text(dump_yaml(dict(config)))


def point_saved_config(run_dir: Path, key: str, node: Mapping[str, Any]) -> None:
    """Update one node of the saved `.hydra/config.yaml` (e.g. the study's path to the
    copy in the run folder, so the saved config describes what ran).

    Args:
        run_dir: The run (or sweep job) folder.
        key: The top-level key.
        node: The values to set in it.
    """
    path = run_dir / ".hydra" / "config.yaml"
    if not path.is_file():
        return
    data = load_yaml(path.read_text()) or {}
    current = data.get(key) if isinstance(data.get(key), dict) else {}
    data[key] = {**current, **node}
    path.write_text(dump_yaml(data))


def _prune_empty_parents(folder: Path) -> None:
    """Remove the folders above `folder` that are now empty, up to the working folder."""
    stop = Path.cwd().resolve()
    parent = folder.resolve().parent
    while parent != stop and stop in parent.parents and parent.is_dir():
        if any(parent.iterdir()):
            return
        parent.rmdir()
        parent = parent.parent


def discard_if_empty(run_dir: Path) -> None:
    """Remove a run folder that holds no result: no `.eval` log and no `summary.json`.

    Hydra's bookkeeping, its log file, or the start of an export that then failed are
    not results, and must not be mistaken for one. Folders above it left empty
    (`outputs/runs/<date>`) go too, so a read-only action leaves nothing behind.
    """
    if not run_dir.is_dir():
        return
    if (run_dir / "summary.json").exists() or any(run_dir.rglob("*.eval")):
        return
    shutil.rmtree(run_dir, ignore_errors=True)
    _prune_empty_parents(run_dir)


def discard_sweep_if_empty(sweep_dir: Path) -> None:
    """Remove a sweep folder none of whose jobs left a folder (read-only actions)."""
    if not sweep_dir.is_dir():
        return
    if any(p.is_dir() for p in sweep_dir.iterdir()):
        return
    shutil.rmtree(sweep_dir, ignore_errors=True)
    _prune_empty_parents(sweep_dir)

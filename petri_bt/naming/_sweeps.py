"""Stable, readable names for a sweep, its jobs and their experiments, built from the overrides.

A job is named from its own overrides (`target=ollama/gemma4 max_turns=10 repeat=2`
-> `gemma4_t10_r2`); the sweep from its sweep overrides plus a short digest
(`gemma4+mistral_t10+100-3fa9c1e0`), so the same command always lands in the same
sweep folder and a rerun resumes it. Only Hydra and omegaconf are imported here:
the resolvers run on every command line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from petri_bt._secrets import is_secret_key, redact_override
from petri_bt.naming._slugs import digest, slug

# Keys whose value changes how a run is operated, not what it measures: they stay
# out of names (they still count in the sweep digest).
_OPERATIONAL = {
    "export",
    "display",
    "log_dir",
    "max_connections",
    "max_samples",
    "action",
    # a shard is a share of one audit: every shard has the audit's name (and experiment)
    "shard",
    "shards",
}
_SHORT = {"max_turns": "t", "repeat": "r", "epochs": "e", "limit": "n"}
# Order of the parts in a name: the condition first, the budget and repeat last.
_RANK = {
    "grid": 0,
    "study": 1,
    "preset": 2,
    "target": 3,
    "auditor": 4,
    "judge": 5,
    "seeds": 6,
    "max_turns": 90,
    "epochs": 91,
    "limit": 92,
    "repeat": 99,
}
_VALUE_ONLY = {"grid", "study", "preset", "target", "seeds"}
_MAX_NAME = 100
_MAX_KEY = 60


def _is_secret(override: str) -> bool:
    """True when an override carries a secret (by key, or inside a dict value)."""
    return is_secret_key(override.partition("=")[0]) or redact_override(override) != override


def _parse(overrides: Sequence[str]) -> list[Any]:
    """Parsed overrides, leaving out any whose key looks like a secret."""
    return [_parse_one(o) for o in overrides if not _is_secret(o)]


@functools.lru_cache(maxsize=1024)  # a sweep's jobs share most lines; each is named twice
def _parse_one(override: str) -> Any:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    (parsed,) = OverridesParser.create().parse_overrides([override])
    return parsed


def _base_key(key: str) -> str:
    return key.split("@", 1)[0].lstrip("+~")


def _named(key: str) -> bool:
    base = _base_key(key)
    if base.startswith("hydra") or base.split(".", 1)[0] in _OPERATIONAL:
        return False
    return base.split(".")[-1] not in _OPERATIONAL


def is_operational(key: str) -> bool:
    """Whether an override key changes how a run is operated (export, display, shards,
    hydra's own keys, ...), not what it measures: such keys stay out of names.

    Args:
        key: An override's key (`export.sink`, `+target.config.timeout`, `max_turns`).
    """
    return not _named(key)


def _part(key: str, values: list[str]) -> str:
    base = _base_key(key)
    joined = "+".join(slug(v) for v in values)
    if base in _SHORT:
        return f"{_SHORT[base]}{joined}"
    if base in _VALUE_ONLY:
        return joined
    return f"{slug(base.replace('.', '-'))}-{joined}"


def _named_values(overrides: Sequence[str]) -> Iterator[tuple[str, list[str], bool]]:
    """(key, values, is a sweep) for each override that belongs in a name."""
    for override in _parse(overrides):
        key = override.get_key_element()
        if override.is_delete() or not _named(key):
            continue
        if override.is_sweep_override():
            yield key, [str(v) for v in override.sweep_string_iterator()], True
        else:
            value = override.value()
            yield key, [slug(value) if isinstance(value, list) else str(value)], False


def _ordered(items: list[tuple[str, str]]) -> list[str]:
    ranked = sorted(
        enumerate(items), key=lambda pair: (_RANK.get(_base_key(pair[1][0]), 50), pair[0])
    )
    return [part for _, (_, part) in ranked]


def job_name(overrides: Sequence[str]) -> str:
    """The readable name of one job, from its overrides.

    Args:
        overrides: The job's task overrides (`hydra.overrides.task`), e.g.
            `["target=ollama/gemma4", "max_turns=10", "repeat=2"]` -> `gemma4_t10_r2`.

    Returns:
        Name parts joined by `_`; operational knobs (export, display, connection
        limits) are left out. `job` when nothing is left.
    """
    items = [(key, _part(key, values)) for key, values, _ in _named_values(overrides)]
    name = "_".join(_ordered(items)) or "job"
    if len(name) > _MAX_NAME:
        name = f"{name[: _MAX_NAME - 9]}-{digest([name])}"
    return name


def sweep_key(overrides: Sequence[str]) -> str:
    """The sweep folder name for a command: readable swept values plus a digest.

    The digest covers every override (order-insensitive, secrets redacted), so the
    same command always gives the same name and any change gives another.

    Args:
        overrides: The command's task overrides plus any `hydra.sweeper.params`, as
            `key=value` strings (sweep syntax allowed: `target=a,b`, `repeat=range(1,4)`).
    """
    clean = [redact_override(o) for o in overrides]
    parts: dict[str, tuple[str, str]] = {}  # a later value of a key replaces an earlier one
    for key, values, swept in _named_values(overrides):
        part = _part(key, values)
        if swept and len(part) > 24:
            part = f"{_SHORT.get(_base_key(key), slug(_base_key(key)))}x{len(values)}"
        parts[_base_key(key)] = (key, part)
    readable = "_".join(_ordered(list(parts.values())))[:_MAX_KEY].strip("_-") or "sweep"
    return f"{readable}-{digest(sorted(clean))}"


def sweep_digest(sweep_dir: str | Path) -> str:
    """The short digest that ends a sweep folder name (or one made from its path)."""
    name = Path(sweep_dir).name
    match = re.search(r"-([0-9a-f]{8})$", name)
    return match.group(1) if match else digest([str(Path(sweep_dir).resolve())])


@dataclass(frozen=True)
class SweepJobName:
    """The names a sweep gives one of its jobs.

    Args:
        name: The job's readable name, also its Inspect task name.
        experiment: The job's Braintrust experiment.
    """

    name: str
    experiment: str


def sweep_job_names(overrides: Sequence[str], sweep_dir: str | Path) -> SweepJobName:
    """The names of one sweep job, whichever launcher runs it.

    The experiment is `<job name>-<sweep digest>`: the digest keeps two different
    sweeps that share a job name (say `gemma4_t10`) in separate experiments, while a
    rerun of the same sweep writes to the same one. Shards of one audit have the same
    job name (the shard is operational), so they share their audit's experiment.

    Args:
        overrides: The job's task overrides.
        sweep_dir: The sweep folder.
    """
    name = job_name(list(overrides))
    return SweepJobName(name=name, experiment=f"{name}-{sweep_digest(sweep_dir)}")

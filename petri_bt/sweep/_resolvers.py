"""OmegaConf resolvers used by `conf/`: the sweep folder, job folders, shipped files.

- `${petri_bt.sweep:${hydra.overrides.task},<sweeper params>}`: the sweep folder
  name, computed from the command's overrides (and `hydra.sweeper.params`), so the
  same command reuses its folder. Cached by the text of its arguments: Hydra copies
  the sweep config's resolver cache into every job's config, so jobs (whose own
  `hydra.overrides.task` differ) resolve the sweep's name in any launcher.
- `${petri_bt.job:}`: the job's readable name, from the job's own overrides.
- `${petri_bt.studies:<path>}`: a file or folder under the studies shipped with
  petri_bt (works from a checkout and from an installed wheel).
"""

from __future__ import annotations

from typing import Any

from omegaconf import DictConfig, OmegaConf

from petri_bt._paths import shipped_studies_dir
from petri_bt._secrets import redact_override
from petri_bt.naming import job_name, sweep_key


def swept_overrides(task: Any, params: Any = None) -> list[str]:
    """The sweeper's `params` as overrides, then the command's (the command line wins).

    Args:
        task: The command's task overrides (`hydra.overrides.task` of the sweep).
        params: `hydra.sweeper.params` (the basic sweeper's axes set in a config file).
    """
    overrides = [f"{key}={value}" for key, value in (params or {}).items()]
    return overrides + [str(o) for o in task or []]


def sweep_overrides(task: Any, params: Any = None) -> list[str]:
    """`swept_overrides` with secrets redacted: what the sweep's folder name is made of.

    Args:
        task: `hydra.overrides.task` of the sweep.
        params: `hydra.sweeper.params`.
    """
    return [redact_override(o) for o in swept_overrides(task, params)]


def _sweep(task: Any, params: Any = None) -> str:
    return sweep_key(sweep_overrides(task, params))


def _job(*, _root_: DictConfig) -> str:
    return job_name([str(o) for o in OmegaConf.select(_root_, "hydra.overrides.task", default=[])])


def _studies(relative: str) -> str:
    return str(shipped_studies_dir() / relative)


def register_resolvers() -> None:
    """Register petri_bt's resolvers (idempotent)."""
    if not OmegaConf.has_resolver("petri_bt.sweep"):
        OmegaConf.register_new_resolver("petri_bt.sweep", _sweep, use_cache=True)
    if not OmegaConf.has_resolver("petri_bt.job"):
        OmegaConf.register_new_resolver("petri_bt.job", _job)
    if not OmegaConf.has_resolver("petri_bt.studies"):
        OmegaConf.register_new_resolver("petri_bt.studies", _studies)

"""Each sweep job's config, as Hydra's `load_sweep_config` composes it, composed once per shape.

Hydra composes every job from scratch: it parses the overrides, builds the defaults
list, reads and merges the config files, then sets the plain `key=value` overrides
on the result. That is about 0.1 s a job, the largest part of what a sweep adds to
Inspect's own work. Jobs that choose the same config groups and set the same keys
(`repeat=1..40`, `max_turns=10,100`) compose to the same config but for those
values, and Hydra sets such a value last, on the composed config, with
`OmegaConf.update`. So the first job of each shape is composed by Hydra, and each
later one is a copy of it with its own values set the same way, its own
`hydra.overrides.task` and `hydra.job.override_dirname`. A job whose override is
anything else (a group choice, `+key`, `~key`, a list or dict value, a `hydra.` key)
is its own shape; a value Hydra would refuse is composed by Hydra, which says why.
The copy is unpickled from the shape's config pickled once: the same config as a
`copy.deepcopy`, in a sixth of the time.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import TYPE_CHECKING

from omegaconf import DictConfig, OmegaConf, open_dict

if TYPE_CHECKING:
    from hydra.core.config_loader import ConfigLoader
    from hydra.core.override_parser.types import Override

_PLAIN = (str, int, float, bool, type(None))


class JobComposer:
    """Compose a sweep's jobs: Hydra for the first of each shape, a copy for the rest.

    Args:
        config: The sweep's config (Hydra's master config).
        config_loader: Hydra's config loader.
    """

    def __init__(self, config: DictConfig, config_loader: ConfigLoader) -> None:
        from hydra.core.override_parser.overrides_parser import OverridesParser

        self._config = config
        self._loader = config_loader
        self._parser = OverridesParser.create(config_loader=config_loader)
        self._groups = set(config_loader.list_groups(""))
        self._parsed: dict[str, tuple[Override, bool]] = {}
        self._templates: dict[tuple[str, ...], bytes] = {}
        self.composed_by_hydra = 0

    def compose(self, overrides: Sequence[str]) -> DictConfig:
        """The job's config, equal to `config_loader.load_sweep_config(config, overrides)`.

        Args:
            overrides: The job's overrides (one value per key).
        """
        parsed = [self._parse(line) for line in overrides]
        shape = tuple(
            f"value {override.key_or_group}" if is_value else f"line {override.input_line}"
            for override, is_value in parsed
        )
        template = self._templates.get(shape)
        if template is not None:
            job = self._from_template(template, parsed)
            if job is not None:
                return job
        job = self._loader.load_sweep_config(self._config, list(overrides))
        self.composed_by_hydra += 1
        if template is None:
            self._templates[shape] = pickle.dumps(job)
        return job

    def _parse(self, line: str) -> tuple[Override, bool]:
        """The parsed override, and whether it is a plain value (`_is_value`)."""
        if line not in self._parsed:
            (override,) = self._parser.parse_overrides([line])
            self._parsed[line] = (override, self._is_value(override))
        return self._parsed[line]

    def _is_value(self, override: Override) -> bool:
        """A plain value Hydra sets on the composed config (not a group choice)."""
        key = override.key_or_group
        return (
            not (override.is_delete() or override.is_add() or override.is_force_add())
            and override.package is None
            and not override.is_sweep_override()
            and not override.is_hydra_override()
            and "/" not in key
            and key not in self._groups
            and isinstance(override.value(), _PLAIN)
        )

    def _from_template(
        self, template: bytes, parsed: list[tuple[Override, bool]]
    ) -> DictConfig | None:
        """A copy of the shape's config with this job's values, or None when one is refused
        (then Hydra composes the job and reports the error its way)."""
        from omegaconf.errors import OmegaConfBaseException

        from petri_bt.adapters import overrides_dirname

        job = pickle.loads(template)  # noqa: S301 (pickled above, in this process)
        try:
            for override, is_value in parsed:
                if is_value:
                    OmegaConf.update(job, override.key_or_group, override.value(), merge=True)
        except OmegaConfBaseException:
            return None
        task = [o for o, _ in parsed if not o.is_hydra_override()]
        with open_dict(job.hydra):
            job.hydra.overrides.task = [o.input_line for o in task]
            job.hydra.job.override_dirname = overrides_dirname(task, job.hydra.job.config)
        return job

"""A Hydra ConfigSource that makes open-ended values valid group options.

Hydra only accepts a group option that exists as a config. A target can be any
Inspect model string and seeds any selection, so instead of a file per value
this source answers for:

- `target/<provider>/<model>`, `auditor/...`, `judge/...` -> `{model: <value>}`
- `seeds/<anything>` -> `{source: <anything>}` (tags:..., id:..., a path)
- `study/<name>` -> `{name, path}` for a study file found in the study folders

It sits last on the search path (see `hydra.searchpath` in `conf/config.yaml`),
so curated files in `conf/` always win over it.
"""

from __future__ import annotations

from hydra.core.object_type import ObjectType
from hydra.plugins.config_source import ConfigLoadError, ConfigResult, ConfigSource
from omegaconf import OmegaConf

from petri_bt._paths import find_study, list_studies

ROLE_GROUPS = ("target", "auditor", "judge")
OPEN_GROUPS = (*ROLE_GROUPS, "seeds", "study")


def _split(config_path: str) -> tuple[str, str]:
    path = config_path.strip("/")
    if path.endswith(".yaml"):
        path = path[: -len(".yaml")]
    group, _, value = path.partition("/")
    return group, value


class OpenOptionsSource(ConfigSource):
    """Answers for any model string, seed selection or study name."""

    @staticmethod
    def scheme() -> str:
        return "petri-bt-options"

    def available(self) -> bool:
        return True

    def _answer(self, config_path: str) -> dict | None:
        group, value = _split(config_path)
        if group not in OPEN_GROUPS or not value:
            return None
        if group in ROLE_GROUPS:
            return {"model": value}
        if group == "seeds":
            return {"source": value}
        study = find_study(value)
        if study is None:
            return None
        return {"name": study.stem, "path": str(study)}

    def load_config(self, config_path: str) -> ConfigResult:
        answer = self._answer(config_path)
        if answer is None:
            raise ConfigLoadError(f"petri_bt has no option for '{config_path}'")
        group, _ = _split(config_path)
        return ConfigResult(
            config=OmegaConf.create(answer),
            path=f"{self.scheme()}://{self.path}",
            provider=self.provider,
            header={"package": group},
        )

    def is_group(self, config_path: str) -> bool:
        return config_path.strip("/") in OPEN_GROUPS

    def is_config(self, config_path: str) -> bool:
        return self._answer(config_path) is not None

    def list(self, config_path: str, results_filter: ObjectType | None) -> list[str]:
        if config_path.strip("/") == "study" and results_filter != ObjectType.GROUP:
            return list_studies()
        return []

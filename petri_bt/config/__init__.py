"""Config composition: structured schemas, registered with Hydra's ConfigStore."""

from hydra.core.config_store import ConfigStore

from petri_bt._paths import conf_dir

from ._compose import compose_config
from ._help import format_default, render_help
from ._keys import check_known_keys, unknown_key_message
from ._schema import (
    Action,
    ExportConfig,
    ExportMode,
    ModelConfig,
    PresetConfig,
    PricingOverride,
    RunConfig,
    SeedsConfig,
    Sink,
    StudyRef,
    TargetTools,
)

ConfigStore.instance().store(name="petri_bt_schema", node=RunConfig)

__all__ = [
    "Action",
    "ExportConfig",
    "ExportMode",
    "ModelConfig",
    "PresetConfig",
    "PricingOverride",
    "RunConfig",
    "SeedsConfig",
    "Sink",
    "StudyRef",
    "TargetTools",
    "check_known_keys",
    "conf_dir",
    "format_default",
    "compose_config",
    "render_help",
    "unknown_key_message",
]

"""Config composition: structured schemas, registered with Hydra's ConfigStore."""

from hydra.core.config_store import ConfigStore

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
]

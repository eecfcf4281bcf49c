"""The scripted model provider: offline auditor, targets and judge for Petri audits.

Inspect loads it through the `inspect_ai` entry point (`petri_bt.scripted._registry`),
so `scripted/auditor`, the judges (`scripted/judge` and the biased `scripted/judge-lenient`,
`scripted/judge-harsh`, `scripted/judge-noisy`), and the targets `scripted/cautious`,
`scripted/compliant` and `scripted/oversight-sensitive` work anywhere a model string does. This package root
imports no Inspect code; `ScriptedModelAPI` is imported on first access.
"""

from typing import TYPE_CHECKING, Any

from ._names import (
    JUDGES,
    LATENCY_ENV,
    SCRIPTED_MODELS,
    TARGETS,
    ScriptedModelError,
    check_model_name,
)

if TYPE_CHECKING:
    from ._provider import ScriptedModelAPI

__all__ = [
    "JUDGES",
    "LATENCY_ENV",
    "SCRIPTED_MODELS",
    "TARGETS",
    "ScriptedModelAPI",
    "ScriptedModelError",
    "check_model_name",
]


def __getattr__(name: str) -> Any:
    if name == "ScriptedModelAPI":
        from ._provider import ScriptedModelAPI

        return ScriptedModelAPI
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

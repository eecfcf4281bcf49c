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
    from ._judge import judge_arguments
    from ._lexicon import ASK, oversight
    from ._provider import ScriptedModelAPI
    from ._seed import max_turns_from_prompt, scenario, seed_from_prompt
    from ._target import complies, target_reply

# The scripts' parts, for tests and tools: loaded on first use (some import Inspect).
_HOMES = {
    "ScriptedModelAPI": "._provider",
    "judge_arguments": "._judge",
    "ASK": "._lexicon",
    "oversight": "._lexicon",
    "max_turns_from_prompt": "._seed",
    "scenario": "._seed",
    "seed_from_prompt": "._seed",
    "complies": "._target",
    "target_reply": "._target",
}

__all__ = [
    "ASK",
    "JUDGES",
    "LATENCY_ENV",
    "SCRIPTED_MODELS",
    "TARGETS",
    "ScriptedModelAPI",
    "ScriptedModelError",
    "check_model_name",
    "complies",
    "judge_arguments",
    "max_turns_from_prompt",
    "oversight",
    "scenario",
    "seed_from_prompt",
    "target_reply",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(_HOMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

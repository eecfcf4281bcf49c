"""The model names the scripted provider answers to (kept free of Inspect imports)."""

AUDITOR = "auditor"
JUDGE = "judge"
JUDGE_LENIENT = "judge-lenient"
JUDGE_HARSH = "judge-harsh"
JUDGE_NOISY = "judge-noisy"
CAUTIOUS = "cautious"
COMPLIANT = "compliant"
OVERSIGHT_SENSITIVE = "oversight-sensitive"

JUDGES: tuple[str, ...] = (JUDGE, JUDGE_LENIENT, JUDGE_HARSH, JUDGE_NOISY)
"""The scripted judges: the truthful one first, then the biased ones."""
TARGETS: tuple[str, ...] = (CAUTIOUS, COMPLIANT, OVERSIGHT_SENSITIVE)
SCRIPTED_MODELS: tuple[str, ...] = (AUDITOR, *JUDGES, *TARGETS)
"""Every valid name under `scripted/`."""


LATENCY_ENV = "PETRI_BT_SCRIPTED_LATENCY"
"""Environment variable with the default per-call latency in seconds (model arg `latency` wins)."""


class ScriptedModelError(ValueError):
    """A `scripted/...` model string or model arg that the provider does not know."""


def check_model_name(name: str) -> str:
    """Return `name` if it is a scripted model, else raise one clear error.

    Args:
        name: The part of the model string after `scripted/`.
    """
    if name in SCRIPTED_MODELS:
        return name
    valid = ", ".join(f"scripted/{n}" for n in SCRIPTED_MODELS)
    raise ScriptedModelError(f"Unknown scripted model 'scripted/{name}'. Valid names: {valid}.")

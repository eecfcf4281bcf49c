"""Checks made before any model is called: servers up, models pulled, keys present."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from petri_bt.errors import UserError
from petri_bt.roles import ROLES, RoleModel, all_local

# The environment variable each cloud provider's Inspect client reads its key from.
KEY_VARIABLES = {
    "anthropic": "ANTHROPIC_API_KEY",
    "openai": "OPENAI_API_KEY",
    "google": "GOOGLE_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "grok": "XAI_API_KEY",
    "groq": "GROQ_API_KEY",
    "together": "TOGETHER_API_KEY",
    "fireworks": "FIREWORKS_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "perplexity": "PERPLEXITY_API_KEY",
    "azureai": "AZUREAI_API_KEY",
    "cloudflare": "CLOUDFLARE_API_TOKEN",
    "goodfire": "GOODFIRE_API_KEY",
}


def ollama_root(base_url: str | None = None) -> str:
    """Ollama's native API root (Inspect's OLLAMA_BASE_URL carries a trailing /v1)."""
    url = base_url or os.environ.get("OLLAMA_BASE_URL") or "http://localhost:11434/v1"
    url = url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def _pulled_models(root: str) -> set[str]:
    try:
        with urllib.request.urlopen(f"{root}/api/tags", timeout=3) as response:
            payload = json.load(response)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError):
        raise UserError(
            f"Ollama is not answering at {root}: start it with `ollama serve` "
            "(or set OLLAMA_BASE_URL to where it runs)"
        ) from None
    names: set[str] = set()
    for entry in payload.get("models", []):
        for key in ("name", "model"):
            if entry.get(key):
                names.add(entry[key])
    return names


def _check_ollama(role: str, spec: RoleModel, cache: dict[str, set[str]]) -> None:
    root = ollama_root(spec.base_url)
    if root not in cache:
        cache[root] = _pulled_models(root)
    name = spec.model.split("/", 1)[1]
    wanted = {name} if ":" in name else {name, f"{name}:latest"}
    if not wanted & cache[root]:
        raise UserError(
            f"{role}={spec.model}: the model is not pulled on the Ollama server at {root}; "
            f"run `ollama pull {name}`"
        )


def preflight(roles: dict[str, RoleModel]) -> list[str]:
    """Check every role can be called, before any model call is made.

    Args:
        roles: The resolved roles.

    Returns:
        Warnings to show the user (the run may go on).

    Raises:
        UserError: Ollama unreachable, a model not pulled, or a provider key missing.
    """
    pulled: dict[str, set[str]] = {}
    for role, spec in roles.items():
        if spec.provider == "ollama":
            _check_ollama(role, spec, pulled)
        if spec.provider == "scripted":
            from petri_bt.scripted import ScriptedModelError, check_model_name

            try:
                check_model_name(spec.model.split("/", 1)[1])
            except ScriptedModelError as exc:
                raise UserError(f"{role}={spec.model}: {exc}") from None
        variable = KEY_VARIABLES.get(spec.provider)
        if variable and not os.environ.get(variable) and not spec.args.get("api_key"):
            raise UserError(
                f"{role}={spec.model} needs {variable}: export {variable}=... "
                f"(or pick another {role}, e.g. preset=offline to run with no keys)"
            )
    warnings = []
    if all(r in roles for r in ROLES) and all_local(roles):
        warnings.append(
            "all three roles run on local models: treat the scores as exploratory "
            "(a cloud judge gives reliable scores)"
        )
    return warnings

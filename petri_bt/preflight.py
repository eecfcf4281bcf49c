"""Checks made before any model is called: provider packages import, servers up (Ollama,
and OpenAI-compatible servers such as llama-cpp-python's), models pulled or served and
able to call tools, keys present."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from typing import Any

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


class OllamaUnreachable(UserError):
    """Nothing answers at an Ollama server's address."""


def _pulled_models(root: str) -> set[str]:
    import urllib.request  # here, not at the top: only runs on Ollama need http.client

    try:
        with urllib.request.urlopen(f"{root}/api/tags", timeout=3) as response:
            payload = json.load(response)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError):
        raise OllamaUnreachable(
            f"Ollama is not answering at {root}: start it with `ollama serve` "
            "(or set OLLAMA_BASE_URL to where it runs)"
        ) from None
    names: set[str] = set()
    for entry in payload.get("models", []):
        for key in ("name", "model"):
            if entry.get(key):
                names.add(entry[key])
    return names


def _capabilities(root: str, name: str) -> list[str] | None:
    """What Ollama says the model can do (`/api/show`); None when it does not say."""
    import urllib.request

    request = urllib.request.Request(
        f"{root}/api/show", data=json.dumps({"model": name}).encode(), method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            capabilities = json.load(response).get("capabilities")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, AttributeError):
        return None  # an older Ollama, or a server that only speaks the OpenAI API
    return [str(c) for c in capabilities] if isinstance(capabilities, list) else None


def _check_ollama(
    role: str, spec: RoleModel, cache: dict[str, set[str]], *, needs_tools: bool
) -> None:
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
    if not needs_tools:
        return
    capabilities = _capabilities(root, name)
    if capabilities is not None and "tools" not in capabilities:
        fix = (
            "run with target_tools=none, or pick a target with tool support"
            if role == "target"
            else f"the {role} always calls tools: pick a model with tool support"
        )
        raise UserError(
            f"{role}={spec.model}: the model does not support tool calling (Ollama lists "
            f"its capabilities as {', '.join(capabilities) or 'none'}); {fix} "
            f"(`ollama show <model>` lists a model's capabilities)"
        )


def _check_openai_server(
    role: str, spec: RoleModel, served: dict[str, set[str]], unreachable: set[str]
) -> None:
    """An OpenAI-compatible server (llama-cpp-python, vLLM, SGLang, openai-api) answers
    and serves the role's model; nothing to check for other providers."""
    from petri_bt._openai_servers import ServerUnreachable, check_served, server_address

    try:
        address = server_address(spec.model, spec.base_url, spec.args)
    except UserError as exc:
        raise UserError(f"{role}={exc}") from None
    if address is None or address.url in unreachable:
        return
    try:
        check_served(role, spec.model, address, served)
    except ServerUnreachable:
        unreachable.add(address.url)
        raise


_MARKUP = re.compile(r"\[/?(?:bold|italic|underline|red|green|yellow|blue|dim)\]")


def provider_error_text(exc: BaseException) -> str:
    """A provider's error as one plain line: rich markup and line breaks removed.

    Inspect's errors for a missing provider package are several lines with markup
    (`[bold]ERROR[/bold]: ... Install with:` then `[bold]pip install anthropic[/bold]`);
    every line is kept, so the install command reaches the user.

    Args:
        exc: The exception a provider raised.
    """
    text = _MARKUP.sub("", str(exc)).strip()
    text = re.sub(r"^ERROR:\s*", "", text)
    text = " ".join(line.strip() for line in text.splitlines() if line.strip())
    return text or type(exc).__name__


def provider_api(provider: str) -> Any:
    """The Inspect model API class registered for `provider`, loaded as Inspect loads it.

    Loading runs the provider's own check that its package imports (the check
    `get_model` runs), so a missing `openai` or `anthropic` is found here, before any
    model call, with Inspect's own install line.

    Args:
        provider: The part of a model string before the first `/`.

    Returns:
        The `ModelAPI` subclass, or None when Inspect's registry does not answer in
        the expected shape (then the run reports any problem when it builds the model).

    Raises:
        UserError: The provider's package is missing or too old.
    """
    from petri_bt.adapters import model_api_factory

    factory = model_api_factory(provider)
    if factory is None:
        return None
    if isinstance(factory, type):
        return factory
    try:
        return factory()
    except Exception as exc:
        raise UserError(provider_error_text(exc)) from None


def _counts_tokens_with_tiktoken(api: Any) -> bool:
    """True when a provider counts tokens with Inspect's tiktoken fallback."""
    from inspect_ai.model import ModelAPI

    return (
        api.count_tokens is ModelAPI.count_tokens
        and api.count_text_tokens is ModelAPI.count_text_tokens
    )


def _tiktoken_problem(seconds: float = 20.0) -> str | None:
    """Why tiktoken's o200k_base encoding cannot be loaded (None: it loads)."""
    outcome: dict[str, Any] = {}

    def load() -> None:
        try:
            import tiktoken

            tiktoken.get_encoding("o200k_base")
            outcome["ok"] = True
        except Exception as exc:  # offline: a connection error from the download
            outcome["error"] = exc

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(seconds)
    if outcome.get("ok"):
        return None
    error = outcome.get("error")
    return provider_error_text(error)[:200] if error else f"no answer in {seconds:.0f} s"


def _check_token_counting(spec: RoleModel, api: Any) -> None:
    if api is None or not _counts_tokens_with_tiktoken(api):
        return
    problem = _tiktoken_problem()
    if problem:
        raise UserError(
            f"auditor={spec.model}: context compaction counts the auditor's tokens with "
            f"tiktoken's o200k_base encoding, which is not cached here and could not be "
            f"downloaded ({problem}); run once with network access, set TIKTOKEN_CACHE_DIR "
            f"to a folder that holds it, or run with compaction=false"
        )


Check = Callable[[dict[str, set[str]], set[str]], None]


def _checks(
    role: str, spec: RoleModel, *, target_tools: bool, compaction: bool
) -> list[tuple[Check, bool]]:
    """The checks of one role, in order, each raising UserError with one line, and
    whether the role's later checks are moot when it fails (essential)."""
    if spec.provider == "scripted":
        from petri_bt.scripted import ScriptedModelError, check_model_name

        def scripted(*_: Any) -> None:
            try:
                check_model_name(spec.model.split("/", 1)[1])
            except ScriptedModelError as exc:
                raise UserError(f"{role}={spec.model}: {exc}") from None

        return [(scripted, True)]

    def package(*_: Any) -> None:
        try:
            provider_api(spec.provider)
        except UserError as exc:
            raise UserError(f"{role}={spec.model}: {exc}") from None

    def server(pulled: dict[str, set[str]], unreachable: set[str]) -> None:
        if spec.provider != "ollama":
            _check_openai_server(role, spec, pulled, unreachable)
            return
        if ollama_root(spec.base_url) in unreachable:
            return
        try:
            _check_ollama(role, spec, pulled, needs_tools=role != "target" or target_tools)
        except OllamaUnreachable:
            unreachable.add(ollama_root(spec.base_url))
            raise

    def key(*_: Any) -> None:
        variable = KEY_VARIABLES.get(spec.provider)
        if variable and not os.environ.get(variable) and not spec.args.get("api_key"):
            raise UserError(
                f"{role}={spec.model} needs {variable}: export {variable}=... "
                f"(or pick another {role}, e.g. preset=offline to run with no keys)"
            )

    def tokens(*_: Any) -> None:
        if role == "auditor" and compaction:
            _check_token_counting(spec, provider_api(spec.provider))

    return [(package, True), (server, False), (key, False), (tokens, False)]


def preflight(
    roles: dict[str, RoleModel], *, target_tools: bool = True, compaction: bool = False
) -> list[str]:
    """Check every role can be called, before any model call is made.

    Args:
        roles: The resolved roles.
        target_tools: The target is given tools (`target_tools` is not `none`); the
            auditor and judge always call tools.
        compaction: Petri's context compaction is on (it counts the auditor's tokens).

    Returns:
        Warnings to show the user (the run may go on).

    Raises:
        UserError: Every problem found, one line each: a provider package missing,
            Ollama unreachable, a model not pulled or unable to call tools, an
            OpenAI-compatible server (llama-cpp-python, vLLM, SGLang, openai-api)
            unreachable or not serving the model, a provider key missing, token
            counting unavailable.
    """
    from petri_bt._openai_servers import ServerBusy

    pulled: dict[str, set[str]] = {}
    unreachable: set[str] = set()
    problems: list[str] = []
    warnings: list[str] = []
    for role, spec in roles.items():
        for check, essential in _checks(
            role, spec, target_tools=target_tools, compaction=compaction
        ):
            try:
                check(pulled, unreachable)
            except ServerBusy as exc:
                warnings.append(str(exc))
            except UserError as exc:
                if str(exc) not in problems:  # one unreachable server, said once
                    problems.append(str(exc))
                if essential:  # the role's other checks need what this one found missing
                    break
    if problems:
        raise UserError("\n".join(problems))
    if all(r in roles for r in ROLES) and all_local(roles):
        warnings.append(
            "all three roles run on local models: treat the scores as exploratory "
            "(a cloud judge gives reliable scores)"
        )
    return warnings

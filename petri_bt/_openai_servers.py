"""OpenAI-compatible model servers a role reaches (llama-cpp-python, vLLM, SGLang,
`openai-api/<service>/...`): where each is, and the check that it answers and serves
the model, made before any model call.

The addresses follow Inspect's providers: a role's `base_url` wins, then the
provider's variable (`LLAMA_CPP_PYTHON_BASE_URL`, `VLLM_BASE_URL`, `SGLANG_BASE_URL`,
`<SERVICE>_BASE_URL` for `openai-api/<service>/<model>`), then
`INSPECT_EVAL_MODEL_BASE_URL`, then the provider's default. vLLM and SGLang start a
server of their own when given no address: nothing to check then.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from petri_bt.errors import UserError

_FALLBACK_VARIABLE = "INSPECT_EVAL_MODEL_BASE_URL"
LOCAL_MODEL_FIX = (
    "`scripts/local-model start` serves smollm2 on this machine, then "
    '`eval "$(scripts/local-model env)"`'
)


@dataclass(frozen=True)
class ServerAddress:
    """Where a role's OpenAI-compatible server is, as Inspect will reach it.

    Args:
        url: The API root (`http://host:port/v1`).
        variable: The environment variable that sets it.
        model: The model name the provider sends.
        api_key: The key the provider sends (None: none).
        key_variable: The variable the key comes from.
    """

    url: str
    variable: str
    model: str
    api_key: str | None
    key_variable: str


def server_address(model: str, base_url: str | None, args: dict[str, Any]) -> ServerAddress | None:
    """The server a model string reaches, or None when it is not an OpenAI-compatible
    server petri_bt can check (another provider, or vLLM / SGLang starting their own).

    Args:
        model: The Inspect model string.
        base_url: The role's own base URL (curated config), if any.
        args: The role's provider arguments (`base_url`, `port`, `api_key`).

    Raises:
        UserError: `openai-api/...` without its base-URL or key variable.
    """
    provider, _, name = model.partition("/")
    given = base_url or args.get("base_url")
    if not given and args.get("port"):
        given = f"http://localhost:{args['port']}/v1"
    key = args.get("api_key")
    if provider == "llama-cpp-python":
        variable = "LLAMA_CPP_PYTHON_BASE_URL"
        url = given or _from_env(variable, fallback=True) or "http://localhost:8000/v1"
        return ServerAddress(url, variable, name, key or "llama-cpp-python", "")
    if provider in ("vllm", "sglang"):
        variable = f"{provider.upper()}_BASE_URL"
        url = given or _from_env(variable, fallback=provider == "sglang")
        if not url:
            return None  # Inspect starts the server itself
        key_variable = f"{provider.upper()}_API_KEY"
        api_key = key or os.environ.get(key_variable) or "inspectai"
        return ServerAddress(url, variable, name.split(":")[0], api_key, key_variable)
    if provider == "openai-api":
        service, _, served = name.partition("/")
        prefix = service.upper().replace("-", "_")
        variable, key_variable = f"{prefix}_BASE_URL", f"{prefix}_API_KEY"
        url = given or _from_env(variable, fallback=True)
        if not url:
            raise UserError(
                f"{model}: set {variable} to the server's OpenAI API root "
                f"(e.g. export {variable}=http://127.0.0.1:8765/v1)"
            )
        api_key = key or os.environ.get(key_variable)
        if not api_key:
            raise UserError(
                f"{model} needs {key_variable}: export {key_variable}=... "
                f"(any value for a local server that checks no key)"
            )
        return ServerAddress(url, variable, served, api_key, key_variable)
    return None


def _from_env(variable: str, *, fallback: bool) -> str | None:
    return os.environ.get(variable) or (os.environ.get(_FALLBACK_VARIABLE) if fallback else None)


class ServerUnreachable(UserError):
    """Nothing answers at an OpenAI-compatible server's address."""


class ServerBusy(UserError):
    """The server took the connection but did not list its models in time (a warning:
    a local server computing a long answer may not answer anything else meanwhile)."""


_LIST_SECONDS = 10


def _get_models(url: str, api_key: str | None) -> tuple[int, Any]:
    """GET <url>/models: the status and the parsed answer (None when not JSON)."""
    import urllib.error
    import urllib.request

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    request = urllib.request.Request(f"{url.rstrip('/')}/models", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=_LIST_SECONDS) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


def _where(address: ServerAddress) -> str:
    return f"{address.url} ({address.variable})"


def _fix_address(address: ServerAddress) -> str:
    start = (
        LOCAL_MODEL_FIX
        if address.variable in ("LLAMA_CPP_PYTHON_BASE_URL", "LLAMACPP_BASE_URL")
        else "start the server"
    )
    return f"{start}, or set {address.variable} to where it runs"


def served_models(address: ServerAddress) -> set[str]:
    """The model names the server lists at `/models`.

    Args:
        address: The server.

    Raises:
        ServerUnreachable: Nothing answers there.
        UserError: It answers, but not as an OpenAI-compatible API root.
    """
    try:
        status, payload = _get_models(address.url, address.api_key)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise ServerBusy(
                f"the server at {_where(address)} took the connection but did not list its "
                f"models within {_LIST_SECONDS} s (busy with another request?): not checked"
            ) from None
        raise ServerUnreachable(
            f"no server answers at {_where(address)}: {reason}; {_fix_address(address)}"
        ) from None
    if status == 200 and isinstance(payload, dict) and isinstance(payload.get("data"), list):
        return {str(entry.get("id")) for entry in payload["data"] if isinstance(entry, dict)}
    if status in (401, 403):
        raise UserError(
            f"the server at {_where(address)} refused the key ({status} on GET /models): "
            f"set {address.key_variable or 'the key'} to a key it accepts"
        )
    root = address.url.rstrip("/")
    if not root.endswith("/v1"):
        try:
            status_v1, _ = _get_models(f"{root}/v1", address.api_key)
        except (OSError, TimeoutError, ValueError):
            status_v1 = None
        if status_v1 == 200:
            raise UserError(
                f"the server at {_where(address)} serves the OpenAI API under /v1: "
                f"set {address.variable}={root}/v1"
            )
    raise UserError(
        f"the server at {_where(address)} is not an OpenAI-compatible API root "
        f"(GET {root}/models answered {status}); set {address.variable} to the root "
        f"that serves /models and /chat/completions (usually ending in /v1)"
    )


def check_served(role: str, model: str, address: ServerAddress, cache: dict[str, set[str]]) -> None:
    """The server at `address` answers and serves the role's model.

    Args:
        role: The role (for the message).
        model: The role's model string.
        address: Where the provider will send the role's calls.
        cache: URL -> served names, filled as servers are asked (each asked once).

    Raises:
        ServerUnreachable: Nothing answers (said once per server by the caller).
        ServerBusy: It took the connection but did not answer in time (a warning).
        UserError: One line naming the fix.
    """
    if address.url not in cache:
        try:
            cache[address.url] = served_models(address)
        except ServerBusy as exc:
            cache[address.url] = {address.model}  # said once: the run finds out
            raise ServerBusy(f"{role}={model}: {exc}") from None
        except ServerUnreachable as exc:
            raise ServerUnreachable(f"{role}={model}: {exc}") from None
        except UserError as exc:
            raise UserError(f"{role}={model}: {exc}") from None
    served = cache[address.url]
    if address.model in served:
        return
    provider = model[: len(model) - len(address.model)]
    listed = ", ".join(sorted(served)) or "nothing"
    example = f" (e.g. {role}={provider}{sorted(served)[0]})" if served else ""
    raise UserError(
        f"{role}={model}: the server at {_where(address)} does not serve "
        f"{address.model!r}; it serves {listed}: pick one of those{example}"
    )

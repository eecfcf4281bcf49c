"""A loopback Ollama server: the native API petri_bt's preflight reads, and the
OpenAI-compatible chat endpoint Inspect's `ollama/` provider calls.

- `GET /api/version`, `GET /api/tags` (the served models, `name:latest` when the name
  has no tag), `POST /api/show` (details, context length and `capabilities`:
  `["completion", "tools"]`, or `["completion"]` for a model served with
  `ServedModel(..., tools=False)`).
- `POST /v1/chat/completions` with tools, answered by the scripted persona. A model
  without tool support answers a request that carries tools as real Ollama does on
  this endpoint: HTTP 400, `{"error": {"message": "registry.ollama.ai/library/<model>:latest
  does not support tools", "type": "api_error", ...}}`.
- The context-length fault answers as an OpenAI-compatible llama.cpp server does
  (`exceed_context_size_error`); Ollama itself truncates the prompt silently by default.

Point Inspect here with `OLLAMA_BASE_URL=<url>/v1` (see `env()`).

Run alone: `python tests/support/ollama_api.py --model mistral=compliant` prints
`LISTENING <url>`.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from support.model_server import (
    ModelServer,
    RecordedRequest,
    Reply,
    ServedModel,
    serve_main,
)
from support.openai_api import ChatCompletions

OLLAMA_VERSION = "0.12.6"


def tagged(name: str) -> str:
    """Ollama's full name for a model: `mistral` -> `mistral:latest`."""
    return name if ":" in name else f"{name}:latest"


class _OllamaChat(ChatCompletions):
    def refuse(self, request: RecordedRequest, name: str, served: ServedModel) -> Reply | None:
        if request.body.get("tools") and not served.tools:
            message = f"registry.ollama.ai/library/{tagged(name)} does not support tools"
            return self.server.error_reply(400, message)
        return super().refuse(request, name, served)


class LoopbackOllama(ModelServer):
    """Ollama on 127.0.0.1 (native API and `/v1/chat/completions`)."""

    name = "Ollama"

    def env(self) -> dict[str, str]:
        return {"OLLAMA_BASE_URL": f"{self.url}/v1"}

    def routes(self) -> dict[tuple[str, str], Callable[[RecordedRequest], Reply]]:
        return {
            ("GET", "/api/version"): lambda _: Reply(200, {"version": OLLAMA_VERSION}),
            ("GET", "/api/tags"): self._tags,
            ("POST", "/api/show"): self._show,
            ("POST", "/v1/chat/completions"): _OllamaChat(
                self, fingerprint="fp_ollama", cached_tokens=False
            ),
        }

    def error_reply(self, status: int, message: str, retry_after: float | None = None) -> Reply:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        error = {"message": message, "type": "api_error", "param": None, "code": None}
        return Reply(status, {"error": error}, headers)

    def model_not_found(self, model: str) -> Reply:
        return self.error_reply(404, f'model "{model}" not found, try pulling it first')

    def context_length_reply(self, name: str, served: ServedModel) -> Reply:
        limit = served.context_length
        error = {
            "code": 400,
            "message": f"request ({limit + 2048} tokens) exceeds the available context size "
            f"({limit} tokens), try increasing it",
            "type": "exceed_context_size_error",
            "n_prompt_tokens": limit + 2048,
            "n_ctx": limit,
        }
        return Reply(400, {"error": error})

    def _tags(self, request: RecordedRequest) -> Reply:
        models = []
        for name in self.models:
            digest = hashlib.sha256(name.encode()).hexdigest()
            models.append(
                {
                    "name": tagged(name),
                    "model": tagged(name),
                    "modified_at": "2026-11-01T10:00:00Z",
                    "size": 4_100_000_000,
                    "digest": digest,
                    "details": {"format": "gguf", "family": name.split(":")[0]},
                }
            )
        return Reply(200, {"models": models})

    def _show(self, request: RecordedRequest) -> Reply:
        name = str(request.body.get("model") or request.body.get("name") or "")
        found = self.served(name)
        if found is None:
            return Reply(404, {"error": f"model '{name}' not found"})
        served_name, served = found
        family = served_name.split(":")[0]
        capabilities = ["completion", "tools"] if served.tools else ["completion"]
        payload = {
            "modelfile": f"FROM {tagged(served_name)}",
            "parameters": "",
            "template": "{{ .Prompt }}",
            "details": {"format": "gguf", "family": family, "parameter_size": "7B"},
            "model_info": {
                "general.architecture": family,
                f"{family}.context_length": served.context_length,
            },
        }
        if served.lists_capabilities:
            payload["capabilities"] = capabilities
        return Reply(200, payload)


def main() -> None:
    serve_main(lambda models, port: LoopbackOllama(models, port))


if __name__ == "__main__":
    main()

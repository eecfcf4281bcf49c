"""A loopback OpenAI API: chat completions and the Responses API, scripted answers.

Inspect's `openai/` provider sends gpt-5 and o-series models to the Responses API
(`/v1/responses`) and other models (gpt-4.1, gpt-4o) to chat completions
(`/v1/chat/completions`); both are served. Point the SDK here with
`OPENAI_BASE_URL=<url>/v1` (see `env()`). Usage carries cached prompt tokens
(`prompt_tokens_details.cached_tokens` / `input_tokens_details.cached_tokens`): a
prompt prefix (system message and tools) is a cache hit from its second sight on.

The chat-completions half is shared with the Ollama stand-in, which serves the same
OpenAI-compatible endpoint.

Run alone: `python tests/support/openai_api.py --model gpt-5=auditor` prints
`LISTENING <url>`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from support.model_server import (
    CONTEXT_LENGTH,
    GARBAGE_JUDGE,
    MALFORMED_TOOL_ARGS,
    ModelServer,
    RecordedRequest,
    Reply,
    ServedModel,
    estimate_tokens,
    now,
    run_async,
    scripted_answer,
    serve_main,
)

TEST_KEY = "test-openai-key-0000"

_FINISH = {"tool_calls": "tool_calls", "max_tokens": "length", "model_length": "length"}


def tools_from_json(tools: list[dict[str, Any]]) -> list[Any]:
    """Inspect `ToolInfo`s from OpenAI function tools (chat or Responses shape)."""
    from inspect_ai.tool import ToolInfo, ToolParams

    infos = []
    for tool in tools or []:
        function = tool.get("function") if isinstance(tool.get("function"), dict) else tool
        if "name" not in function:
            continue
        infos.append(
            ToolInfo(
                name=function["name"],
                description=function.get("description") or "",
                parameters=ToolParams.model_validate(function.get("parameters") or {}),
            )
        )
    return infos


def prefix_text(messages: list[Any], tools: list[dict[str, Any]]) -> str:
    """The cacheable prompt prefix: system messages and the tool definitions."""
    system = "\n".join(m.text for m in messages if m.role == "system")
    return system + json.dumps(tools or [], sort_keys=True)


def malformed_arguments(tool_name: str) -> str:
    """Tool-call arguments a small local model might emit: cut off, not valid JSON."""
    return '{"' + tool_name + '_input": "let me just run the command for you, then'


class ChatCompletions:
    """`POST /v1/chat/completions` for any `ModelServer` (OpenAI and Ollama).

    Args:
        server: The server answering.
        fingerprint: `system_fingerprint` to send (Ollama sends `fp_ollama`).
        cached_tokens: Report `prompt_tokens_details.cached_tokens` (OpenAI does,
            Ollama does not).
    """

    def __init__(self, server: ModelServer, *, fingerprint: str, cached_tokens: bool) -> None:
        self.server = server
        self.fingerprint = fingerprint
        self.cached_tokens = cached_tokens

    def __call__(self, request: RecordedRequest) -> Reply:
        server = self.server
        body = request.body
        found = server.served(str(request.model))
        if found is None:
            return server.model_not_found(str(request.model))
        name, served = found
        if body.get("stream"):
            return server.error_reply(400, "this stand-in answers stream=false requests only")
        refusal = self.refuse(request, name, served)
        if refusal is not None:
            return refusal
        from inspect_ai.model import messages_from_openai

        messages = run_async(lambda: messages_from_openai(body.get("messages") or []))
        tools = tools_from_json(body.get("tools") or [])
        garbage = server.take_fault((GARBAGE_JUDGE,), name, request.path, bool(tools))
        output = scripted_answer(served.persona, messages, tools, garbage_judge=bool(garbage))
        message = output.message
        calls = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.function, "arguments": json.dumps(call.arguments)},
            }
            for call in message.tool_calls or []
        ]
        if tools and server.take_fault((MALFORMED_TOOL_ARGS,), name, request.path):
            if not calls:
                calls = [{"id": server.next_id("call_"), "type": "function", "function": {}}]
                calls[0]["function"]["name"] = tools[0].name
            for call in calls:
                call["function"]["arguments"] = malformed_arguments(call["function"]["name"])
        finish = "tool_calls" if calls else _FINISH.get(output.stop_reason, "stop")
        usage = output.usage
        prompt, completion = usage.input_tokens, usage.output_tokens
        usage_json: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        if self.cached_tokens:
            prefix = prefix_text(messages, body.get("tools") or [])
            cached = 0 if server.first_sight(name, prefix) else min(prompt, estimate_tokens(prefix))
            usage_json["prompt_tokens_details"] = {"cached_tokens": cached}
            usage_json["completion_tokens_details"] = {"reasoning_tokens": 0}
        payload = {
            "id": server.next_id("chatcmpl-"),
            "object": "chat.completion",
            "created": now(),
            "model": request.model,
            "system_fingerprint": self.fingerprint,
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": message.text or None,
                        **({"tool_calls": calls} if calls else {}),
                    },
                    "finish_reason": finish,
                }
            ],
            "usage": usage_json,
        }
        request.usage = usage_json
        return Reply(200, payload)

    def refuse(self, request: RecordedRequest, name: str, served: ServedModel) -> Reply | None:
        """A fault or a refusal the server answers instead of the model."""
        fault = self.server.fault_reply(request)
        if fault is not None:
            return fault
        if self.server.take_fault((CONTEXT_LENGTH,), name, request.path):
            return self.server.context_length_reply(name, served)
        return None


class LoopbackOpenAI(ModelServer):
    """The OpenAI API on 127.0.0.1 (chat completions, Responses, models)."""

    name = "OpenAI"

    def env(self) -> dict[str, str]:
        return {"OPENAI_BASE_URL": f"{self.url}/v1", "OPENAI_API_KEY": TEST_KEY}

    def routes(self) -> dict[tuple[str, str], Callable[[RecordedRequest], Reply]]:
        return {
            ("POST", "/v1/chat/completions"): ChatCompletions(
                self, fingerprint="fp_loopback", cached_tokens=True
            ),
            ("POST", "/v1/responses"): self._responses,
            ("POST", "/v1/responses/input_tokens"): self._input_tokens,
            ("GET", "/v1/models"): self._list_models,
        }

    def error_reply(self, status: int, message: str, retry_after: float | None = None) -> Reply:
        kind, code = {
            400: ("invalid_request_error", None),
            401: ("invalid_request_error", "invalid_api_key"),
            404: ("invalid_request_error", "model_not_found"),
            429: ("requests", "rate_limit_exceeded"),
        }.get(status, ("server_error", None))
        if status == 429:
            message = "Rate limit reached for requests. Please try again shortly."
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        error = {"message": message, "type": kind, "param": None, "code": code}
        return Reply(status, {"error": error}, headers)

    def model_not_found(self, model: str) -> Reply:
        return self.error_reply(
            404, f"The model `{model}` does not exist or you do not have access to it."
        )

    def context_length_reply(self, name: str, served: ServedModel) -> Reply:
        limit = served.context_length
        error = {
            "message": f"This model's maximum context length is {limit} tokens. However, your "
            f"messages resulted in {limit + 1807} tokens. Please reduce the length of the messages.",
            "type": "invalid_request_error",
            "param": "messages",
            "code": "context_length_exceeded",
        }
        return Reply(400, {"error": error})

    def _list_models(self, request: RecordedRequest) -> Reply:
        data = [
            {"id": name, "object": "model", "created": 0, "owned_by": "loopback"}
            for name in self.models
        ]
        return Reply(200, {"object": "list", "data": data})

    def _input_tokens(self, request: RecordedRequest) -> Reply:
        if self.served(str(request.model)) is None:
            return self.model_not_found(str(request.model))
        messages = _responses_messages(request.body)
        text = "\n".join(m.text for m in messages) + json.dumps(request.body.get("tools") or [])
        return Reply(
            200, {"object": "response.input_tokens", "input_tokens": estimate_tokens(text)}
        )

    def _responses(self, request: RecordedRequest) -> Reply:
        body = request.body
        found = self.served(str(request.model))
        if found is None:
            return self.model_not_found(str(request.model))
        name, served = found
        if body.get("stream") or body.get("background"):
            return self.error_reply(400, "this stand-in answers plain (unstreamed) requests only")
        fault = self.fault_reply(request)
        if fault is not None:
            return fault
        if self.take_fault((CONTEXT_LENGTH,), name, request.path):
            error = {
                "message": "Your input exceeds the context window of this model. "
                "Please adjust your input and try again.",
                "type": "invalid_request_error",
                "param": "input",
                "code": "context_length_exceeded",
            }
            return Reply(400, {"error": error})
        messages = _responses_messages(body)
        tools = tools_from_json([t for t in body.get("tools") or [] if t.get("type") == "function"])
        garbage = self.take_fault((GARBAGE_JUDGE,), name, request.path, bool(tools))
        output = scripted_answer(served.persona, messages, tools, garbage_judge=bool(garbage))
        message = output.message
        items: list[dict[str, Any]] = []
        if message.text:
            items.append(
                {
                    "type": "message",
                    "id": self.next_id("msg_"),
                    "status": "completed",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": message.text, "annotations": []}],
                }
            )
        for call in message.tool_calls or []:
            items.append(
                {
                    "type": "function_call",
                    "id": self.next_id("fc_"),
                    "call_id": call.id,
                    "name": call.function,
                    "arguments": json.dumps(call.arguments),
                    "status": "completed",
                }
            )
        usage = output.usage
        prefix = prefix_text(messages, body.get("tools") or [])
        cached = (
            0
            if self.first_sight(name, prefix)
            else min(usage.input_tokens, estimate_tokens(prefix))
        )
        payload = {
            "id": self.next_id("resp_"),
            "object": "response",
            "created_at": now(),
            "status": "completed",
            "model": request.model,
            "output": items,
            "parallel_tool_calls": True,
            "tool_choice": body.get("tool_choice") or "auto",
            "tools": body.get("tools") or [],
            "error": None,
            "incomplete_details": None,
            "instructions": body.get("instructions"),
            "metadata": {},
            "temperature": body.get("temperature"),
            "top_p": body.get("top_p"),
            "text": {"format": {"type": "text"}},
            "usage": {
                "input_tokens": usage.input_tokens,
                "input_tokens_details": {"cached_tokens": cached},
                "output_tokens": usage.output_tokens,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": usage.input_tokens + usage.output_tokens,
            },
        }
        request.usage = payload["usage"]
        return Reply(200, payload)


def _responses_messages(body: dict[str, Any]) -> list[Any]:
    from inspect_ai.model import ChatMessageSystem, ChatMessageUser, messages_from_openai_responses

    raw = body.get("input") or []
    if isinstance(raw, str):
        messages: list[Any] = [ChatMessageUser(content=raw)]
    else:
        messages = run_async(lambda: messages_from_openai_responses(raw))
    if body.get("instructions"):
        messages.insert(0, ChatMessageSystem(content=str(body["instructions"])))
    return messages


def main() -> None:
    serve_main(lambda models, port: LoopbackOpenAI(models, port))


if __name__ == "__main__":
    main()

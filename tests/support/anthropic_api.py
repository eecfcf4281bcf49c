"""A loopback Anthropic Messages API, answered by the scripted personas.

- `POST /v1/messages`: `tool_use` / `tool_result` blocks in, `text` / `tool_use`
  blocks out, plain JSON or a server-sent event stream (`"stream": true`, which
  Inspect uses for large `max_tokens`). Usage carries `cache_creation_input_tokens`
  and `cache_read_input_tokens`: when the request marks anything with
  `cache_control`, its prefix (system prompt and tools) is written to the cache at
  first sight and read from it after; `input_tokens` counts the rest, as Anthropic's does.
- `POST /v1/messages/count_tokens`: the scripted token estimate.
- Errors in Anthropic's shape: `{"type": "error", "error": {"type": ..., "message": ...}}`,
  529 `overloaded_error` included; the context-length fault is a 400
  `prompt is too long: N tokens > M maximum`.

Point the SDK here with `ANTHROPIC_BASE_URL=<url>` (see `env()`).

Run alone: `python tests/support/anthropic_api.py --model claude-opus-4-6=judge`.
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
    ModelServer,
    RecordedRequest,
    Reply,
    ServedModel,
    estimate_tokens,
    run_async,
    scripted_answer,
    serve_main,
)

TEST_KEY = "test-anthropic-key-0000"

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
_STOP = {"tool_calls": "tool_use", "max_tokens": "max_tokens", "model_length": "max_tokens"}


def _system_text(system: Any) -> str | None:
    if isinstance(system, str):
        return system or None
    if isinstance(system, list):
        text = "\n".join(str(b.get("text", "")) for b in system if isinstance(b, dict))
        return text or None
    return None


def _uses_cache(body: dict[str, Any]) -> bool:
    return '"cache_control"' in json.dumps(body)


def _tools(body: dict[str, Any]) -> list[Any]:
    from inspect_ai.tool import ToolInfo, ToolParams

    return [
        ToolInfo(
            name=tool["name"],
            description=tool.get("description") or "",
            parameters=ToolParams.model_validate(tool.get("input_schema") or {}),
        )
        for tool in body.get("tools") or []
        if "name" in tool and "input_schema" in tool
    ]


async def _messages(body: dict[str, Any]) -> list[Any]:
    from inspect_ai.model import messages_from_anthropic

    return await messages_from_anthropic(
        body.get("messages") or [], _system_text(body.get("system"))
    )


def _sse(events: list[tuple[str, dict[str, Any]]]) -> str:
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


def _stream(message: dict[str, Any]) -> str:
    """The server-sent events that deliver `message` (a complete Messages response)."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start})
    ]
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            opening = {"type": "text", "text": ""}
            delta = {"type": "text_delta", "text": block["text"]}
        else:
            opening = {**block, "input": {}}
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
        events.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": opening},
            )
        )
        events.append(
            ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
        )
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        )
    )
    events.append(("message_stop", {"type": "message_stop"}))
    return _sse(events)


class LoopbackAnthropic(ModelServer):
    """The Anthropic Messages API on 127.0.0.1."""

    name = "Anthropic"

    def env(self) -> dict[str, str]:
        return {"ANTHROPIC_BASE_URL": self.url, "ANTHROPIC_API_KEY": TEST_KEY}

    def routes(self) -> dict[tuple[str, str], Callable[[RecordedRequest], Reply]]:
        return {
            ("POST", "/v1/messages"): self._create,
            ("POST", "/v1/messages/count_tokens"): self._count_tokens,
        }

    def error_reply(self, status: int, message: str, retry_after: float | None = None) -> Reply:
        kind = _ERROR_TYPES.get(status, "api_error")
        if status == 529:
            message = "Overloaded"
        headers = {"request-id": self.next_id("req_")}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return Reply(
            status, {"type": "error", "error": {"type": kind, "message": message}}, headers
        )

    def model_not_found(self, model: str) -> Reply:
        return self.error_reply(404, f"model: {model}")

    def context_length_reply(self, name: str, served: ServedModel) -> Reply:
        limit = served.context_length
        return self.error_reply(400, f"prompt is too long: {limit + 4096} tokens > {limit} maximum")

    def _count_tokens(self, request: RecordedRequest) -> Reply:
        if self.served(str(request.model)) is None:
            return self.model_not_found(str(request.model))
        messages = run_async(lambda: _messages(request.body))
        text = "\n".join(m.text for m in messages) + json.dumps(request.body.get("tools") or [])
        return Reply(200, {"input_tokens": estimate_tokens(text)})

    def _create(self, request: RecordedRequest) -> Reply:
        body = request.body
        found = self.served(str(request.model))
        if found is None:
            return self.model_not_found(str(request.model))
        name, served = found
        fault = self.fault_reply(request)
        if fault is not None:
            return fault
        if self.take_fault((CONTEXT_LENGTH,), name, request.path):
            return self.context_length_reply(name, served)
        messages = run_async(lambda: _messages(body))
        tools = _tools(body)
        garbage = self.take_fault((GARBAGE_JUDGE,), name, request.path, bool(tools))
        output = scripted_answer(served.persona, messages, tools, garbage_judge=bool(garbage))
        reply = output.message
        content: list[dict[str, Any]] = []
        if reply.text:
            content.append({"type": "text", "text": reply.text})
        for call in reply.tool_calls or []:
            content.append(
                {"type": "tool_use", "id": call.id, "name": call.function, "input": call.arguments}
            )
        total = output.usage.input_tokens
        written = read = 0
        if _uses_cache(body):
            prefix = (_system_text(body.get("system")) or "") + json.dumps(body.get("tools") or [])
            cached = min(total, estimate_tokens(prefix))
            if self.first_sight(name, prefix):
                written = cached
            else:
                read = cached
        stop = "tool_use" if reply.tool_calls else _STOP.get(output.stop_reason, "end_turn")
        message = {
            "id": self.next_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": request.model,
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {
                "input_tokens": total - written - read,
                "output_tokens": output.usage.output_tokens,
                "cache_creation_input_tokens": written,
                "cache_read_input_tokens": read,
            },
        }
        request.usage = message["usage"]
        headers = {"request-id": self.next_id("req_")}
        if body.get("stream"):
            return Reply(200, headers=headers, sse=_stream(message))
        return Reply(200, message, headers)


def main() -> None:
    serve_main(lambda models, port: LoopbackAnthropic(models, port))


if __name__ == "__main__":
    main()

"""The loopback model servers, driven by Inspect's real provider classes (no audit).

Each test makes real HTTP calls through `inspect_ai.model.get_model(...)`: the
provider SDK (openai / anthropic) builds the request, the stand-in answers in the
provider's wire format, and Inspect parses it, usage fields included.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from typing import Any

import pytest
from support.anthropic_api import LoopbackAnthropic
from support.model_server import REDACTED
from support.ollama_api import LoopbackOllama
from support.openai_api import LoopbackOpenAI

WORK_ASK = "Please run the nightly report for the billing table and tell me what it shows."


def _bash_tool() -> Any:
    from inspect_ai.tool import ToolInfo, ToolParam, ToolParams

    return ToolInfo(
        name="bash",
        description="Run a shell command.",
        parameters=ToolParams(properties={"cmd": ToolParam(type="string")}, required=["cmd"]),
    )


def _generate(model: str, prompt: str = WORK_ASK, tools: list[Any] | None = None) -> Any:
    from inspect_ai.model import ChatMessageSystem, ChatMessageUser, GenerateConfig, get_model

    messages = [
        ChatMessageSystem(content="You are an operations assistant with shell access."),
        ChatMessageUser(content=prompt),
    ]
    api = get_model(model, memoize=False, config=GenerateConfig(max_retries=0))
    return asyncio.run(api.generate(messages, tools=tools or []))


def _get_json(url: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=5) as reply:
        return json.load(reply)


def test_ollama_native_api_lists_models_and_capabilities(ollama: LoopbackOllama) -> None:
    tags = _get_json(f"{ollama.url}/api/tags")
    assert {m["name"] for m in tags["models"]} == {"mistral:latest", "gemma4:latest", "qwen3:32b"}
    show = _get_json(f"{ollama.url}/api/show", {"model": "mistral"})
    assert show["capabilities"] == ["completion", "tools"]
    assert _get_json(f"{ollama.url}/api/version")["version"]


def test_ollama_chat_with_tools_through_inspects_ollama_provider(ollama: LoopbackOllama) -> None:
    output = _generate("ollama/mistral", tools=[_bash_tool()])
    (call,) = output.message.tool_calls
    assert call.function == "bash" and isinstance(call.arguments["cmd"], str)
    assert output.usage.input_tokens > 0 and output.usage.output_tokens > 0
    (request,) = ollama.requests
    assert (request.method, request.path, request.model) == (
        "POST",
        "/v1/chat/completions",
        "mistral",
    )
    assert request.tool_names == ["bash"]
    assert request.headers["authorization"] == REDACTED


def test_anthropic_messages_report_cache_writes_then_reads(anthropic: LoopbackAnthropic) -> None:
    first = _generate("anthropic/claude-haiku-4-5", tools=[_bash_tool()])
    second = _generate("anthropic/claude-haiku-4-5", tools=[_bash_tool()])
    assert first.message.tool_calls and first.message.tool_calls[0].function == "bash"
    assert first.usage.input_tokens_cache_write and not first.usage.input_tokens_cache_read
    assert second.usage.input_tokens_cache_read == first.usage.input_tokens_cache_write
    requests = [r for r in anthropic.requests if r.path == "/v1/messages"]
    assert len(requests) == 2
    headers = requests[0].headers
    assert REDACTED in (headers.get("x-api-key"), headers.get("authorization"))


def test_openai_chat_completions_and_responses_api(openai: LoopbackOpenAI) -> None:
    chat = _generate("openai/gpt-4.1", tools=[_bash_tool()])
    again = _generate("openai/gpt-4.1", tools=[_bash_tool()])
    assert chat.message.tool_calls[0].function == "bash"
    assert not chat.usage.input_tokens_cache_read and again.usage.input_tokens_cache_read
    responses = _generate("openai/gpt-5", prompt="Say hello to the team.")
    assert responses.message.text
    paths = {(r.path, r.model) for r in openai.requests}
    assert ("/v1/chat/completions", "gpt-4.1") in paths
    assert ("/v1/responses", "gpt-5") in paths


@pytest.mark.parametrize(
    ("server_fixture", "model", "status", "error_type"),
    [
        ("anthropic", "anthropic/claude-haiku-4-5", 529, "overloaded_error"),
        ("openai", "openai/gpt-4.1", 429, "requests"),
        ("ollama", "ollama/mistral", 500, "api_error"),
    ],
)
def test_injected_errors_reach_inspect_in_the_providers_shape(
    request: pytest.FixtureRequest, server_fixture: str, model: str, status: int, error_type: str
) -> None:
    server = request.getfixturevalue(server_fixture)
    server.fail_next(None, status, retry_after=0)
    with pytest.raises(Exception) as raised:
        _generate(model)  # max_retries=0: the first error is final
    error = raised.value
    if hasattr(error, "last_attempt"):  # tenacity's RetryError wraps the provider's error
        error = error.last_attempt.exception()
    assert getattr(error, "status_code", None) == status
    assert error_type in f"{error} {getattr(error, 'body', '')}"
    # no retry by Inspect; the anthropic SDK retries a 529 twice on its own
    statuses = [r.status for r in server.requests if r.model]
    assert statuses == [status] * len(statuses) and 1 <= len(statuses) <= 3


def test_a_model_without_tools_is_refused_as_ollama_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from support.model_server import ServedModel

    server = LoopbackOllama({"tinyllama": ServedModel("compliant", tools=False)}).start()
    try:
        monkeypatch.setenv("OLLAMA_BASE_URL", f"{server.url}/v1")
        show = _get_json(f"{server.url}/api/show", {"model": "tinyllama"})
        assert show["capabilities"] == ["completion"]
        with pytest.raises(Exception, match="tinyllama:latest does not support tools"):
            _generate("ollama/tinyllama", tools=[_bash_tool()])
        assert _generate("ollama/tinyllama").message.text  # no tools: fine
    finally:
        server.stop()

"""The `scripted` Inspect model API: offline auditor, targets and judge for Petri."""

import json
import math
import os
from typing import Any

import anyio
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    ModelAPI,
    ModelInfo,
    ModelOutput,
    ModelUsage,
    set_model_info,
)
from inspect_ai.tool import ToolCall, ToolChoice, ToolInfo

from ._auditor import auditor_summary, auditor_turn
from ._judge import judge_arguments
from ._lexicon import stable_int
from ._names import AUDITOR, JUDGES, LATENCY_ENV, ScriptedModelError, check_model_name
from ._realism import is_realism_request, realism_arguments
from ._target import target_reply

CONTEXT_WINDOW = 1_000_000
"""Declared context window (tokens), so compaction has a threshold without a lookup."""

CHARS_PER_TOKEN = 4

_MODEL_ARGS = ("latency", "skip_probe", "refuse")
_AUDITOR_TOOLS = {"send_message", "set_system_message", "end_conversation", "resume"}


def estimate_tokens(text: str) -> int:
    """Cheap deterministic token estimate: one token per four characters.

    Args:
        text: Text to count.
    """
    return math.ceil(len(text) / CHARS_PER_TOKEN)


class ScriptedModelAPI(ModelAPI):
    """Deterministic, offline model for Petri audits.

    Model names: `auditor`, `judge`, `judge-lenient`, `judge-harsh`, `judge-noisy`,
    `cautious`, `compliant`, `oversight-sensitive`.

    Model args:
        latency: Seconds to wait before every answer (default: `PETRI_BT_SCRIPTED_LATENCY`, else 0).
        skip_probe: Auditor only: never send the seed's `<probe>` text.
        refuse: Judges only: refuse to score (the sample's score becomes None).
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config or GenerateConfig())
        self.persona = check_model_name(model_name)
        unknown = sorted(set(model_args) - set(_MODEL_ARGS))
        if unknown:
            raise ScriptedModelError(
                f"Unknown model arg(s) {', '.join(unknown)} for scripted/{model_name}; "
                f"valid: {', '.join(_MODEL_ARGS)}."
            )
        self.latency = _latency(model_args.get("latency"))
        self.skip_probe = _flag("skip_probe", model_args.get("skip_probe"))
        self.refuse = _flag("refuse", model_args.get("refuse"))
        _declare_context_window(model_name)

    def max_connections(self) -> int:
        # nothing to rate-limit: only a configured latency makes calls slow
        return 64

    async def count_text_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        if self.latency > 0:
            await anyio.sleep(self.latency)
        message, stop_reason = self._respond(input, tools)
        message.model = self.model_name
        choice = ChatCompletionChoice(
            message=message,
            stop_reason="tool_calls" if message.tool_calls else stop_reason,
        )
        return ModelOutput(
            model=self.model_name,
            choices=[choice],
            usage=await self._usage(input, tools, message),
        )

    def _respond(
        self, input: list[ChatMessage], tools: list[ToolInfo]
    ) -> tuple[ChatMessageAssistant, str]:
        names = {tool.name for tool in tools}
        answer_tool = next((tool for tool in tools if tool.name == "answer"), None)
        prompt = "\n\n".join(m.text for m in input)
        if self.persona in JUDGES:
            if self.refuse:
                return _text("I can't help with scoring this transcript."), "content_filter"
            if answer_tool is None:
                return _text("No answer tool was provided, so there is nothing to score."), "stop"
            if is_realism_request(answer_tool):
                return _answer(realism_arguments(prompt, answer_tool), prompt), "stop"
            arguments = judge_arguments(prompt, answer_tool, self.persona)
            return _answer(arguments, prompt), "stop"
        if self.persona == AUDITOR:
            if answer_tool is not None:
                if is_realism_request(answer_tool):
                    return _answer(realism_arguments(prompt, answer_tool), prompt), "stop"
                return _answer(judge_arguments(prompt, answer_tool), prompt), "stop"
            if names & _AUDITOR_TOOLS:
                return auditor_turn(input, tools, skip_probe=self.skip_probe), "stop"
            return _text(auditor_summary(input, skip_probe=self.skip_probe)), "stop"
        return target_reply(self.persona, input, tools), "stop"

    async def _usage(
        self, input: list[ChatMessage], tools: list[ToolInfo], message: ChatMessageAssistant
    ) -> ModelUsage:
        tool_json = "".join(
            json.dumps(
                {
                    "name": tool.name,
                    "description": tool.description,
                    "parameters": tool.parameters.model_dump(exclude_none=True),
                }
            )
            for tool in tools
        )
        input_tokens = await self.count_tokens(input) + estimate_tokens(tool_json)
        output_text = message.text + "".join(
            call.function + json.dumps(call.arguments) for call in message.tool_calls or []
        )
        output_tokens = max(1, estimate_tokens(output_text))
        return ModelUsage(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            total_tokens=input_tokens + output_tokens,
        )


_declared: set[str] = set()


def _declare_context_window(model_name: str) -> None:
    if model_name not in _declared:
        set_model_info(f"scripted/{model_name}", ModelInfo(context_length=CONTEXT_WINDOW))
        _declared.add(model_name)


def _text(content: str) -> ChatMessageAssistant:
    return ChatMessageAssistant(content=content, source="generate")


def _answer(arguments: dict[str, Any], prompt: str) -> ChatMessageAssistant:
    call_id = f"call_answer_{stable_int(prompt) % 10**12:012d}"
    return ChatMessageAssistant(
        content="",
        tool_calls=[ToolCall(id=call_id, function="answer", arguments=arguments)],
        source="generate",
    )


def _latency(value: Any) -> float:
    source = "model arg 'latency'"
    if value is None:
        value = os.environ.get(LATENCY_ENV, "").strip() or 0
        source = LATENCY_ENV
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if not math.isfinite(seconds) or seconds < 0:
        raise ScriptedModelError(f"{source} must be a number of seconds >= 0 (got {value!r}).")
    return seconds


def _flag(name: str, value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ScriptedModelError(f"Model arg '{name}' must be true or false (got {value!r}).")

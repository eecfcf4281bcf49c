"""Inspect's stored sample JSON -> chat messages Braintrust renders (pure functions).

A stored sample is condensed: long strings are replaced by `attachment://<hash>`
(the text lives in `sample["attachments"]`) and a ModelEvent's input is a list of
index ranges (`input_refs`) into a message pool (`events_data["messages"]`).
`SampleText` undoes both, converting each pooled message once.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_ATTACHMENT = "attachment://"
_OLD_ATTACHMENT = "tc://"


class SampleText:
    """Attachment and message-pool resolution for one stored sample.

    Args:
        sample: The sample dict as stored in the log.
    """

    def __init__(self, sample: dict[str, Any]):
        self._attachments: dict[str, str] = sample.get("attachments") or {}
        events_data = sample.get("events_data") or {}
        self._pool: list[Any] = events_data.get("messages") or []
        self._converted: dict[int, dict[str, Any]] = {}
        self._keys: list[str] | None = None

    def resolve(self, value: Any) -> Any:
        """A copy of `value` with every attachment reference replaced by its text."""
        if isinstance(value, str):
            return self.text(value)
        if not self._attachments:
            return value
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def text(self, value: str) -> str:
        if value.startswith(_ATTACHMENT):
            return self._attachments.get(value[len(_ATTACHMENT) :], value)
        if value.startswith(_OLD_ATTACHMENT):
            return self._attachments.get(value[len(_OLD_ATTACHMENT) :], value)
        return value

    def chat(self, message: dict[str, Any]) -> dict[str, Any]:
        """One Inspect message as a chat message (attachments resolved)."""
        return chat_message(message, self.text)

    def _last_indices(self, refs: list[Any], count: int) -> list[int]:
        """The last `count` pool indices that `refs` cover, each range read as a slice of
        the pool (as the keys are)."""
        pool = range(len(self._pool))
        indices: list[int] = []
        for start, end in reversed(refs):
            if count <= 0:
                break
            taken = pool[start:end][-count:]
            indices[:0] = taken
            count -= len(taken)
        return indices

    def _pool_message(self, index: int) -> dict[str, Any]:
        converted = self._converted.get(index)
        if converted is None:
            converted = self._converted[index] = self.chat(self._pool[index])
        return converted

    def _pool_keys(self) -> list[str]:
        if self._keys is None:
            self._keys = [
                str(raw.get("id") or f"pool:{i}") if isinstance(raw, dict) else f"pool:{i}"
                for i, raw in enumerate(self._pool)
            ]
        return self._keys

    def keyed_input(
        self, event: dict[str, Any], known: list[str] | None = None
    ) -> tuple[list[dict[str, Any]], list[str], int]:
        """A ModelEvent's input as chat messages, with a key per message (its id).

        Args:
            event: The ModelEvent as stored.
            known: Keys of a conversation this input may continue: when the input
                starts with all of them, those messages are left out.

        Returns:
            (the messages after the known ones, the keys of all messages, how many were left out)
        """
        refs = event.get("input_refs")
        if refs:
            pool_keys = self._pool_keys()
            keys: list[str] = []
            for start, end in refs:
                keys += pool_keys[start:end]
            skip = len(known) if known and keys[: len(known)] == known else 0
            new = self._last_indices(refs, len(keys) - skip)
            return [self._pool_message(i) for i in new], keys, skip
        raw = [m for m in event.get("input") or [] if isinstance(m, dict)]
        keys = [str(m.get("id") or json.dumps(m, sort_keys=True)) for m in raw]
        skip = len(known) if known and keys[: len(known)] == known else 0
        return [self.chat(m) for m in raw[skip:]], keys, skip

    def raw_input(self, event: dict[str, Any]) -> list[Any]:
        """A ModelEvent's input as Inspect messages (pool expanded, attachments resolved)."""
        refs = event.get("input_refs")
        if not refs:
            return self.resolve(event.get("input") or [])
        return [
            self.resolve(self._pool[i])
            for start, end in refs
            for i in range(int(start), min(int(end), len(self._pool)))
        ]


def _content_parts(content: Any, text_of: Any) -> tuple[str, list[str], list[dict[str, Any]]]:
    """(text, reasoning, other parts) of an Inspect message's content."""
    if content is None:
        return "", [], []
    if isinstance(content, str):
        return text_of(content), [], []
    texts: list[str] = []
    reasoning: list[str] = []
    other: list[dict[str, Any]] = []
    for part in content if isinstance(content, list) else [content]:
        if isinstance(part, str):
            texts.append(text_of(part))
            continue
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind == "text":
            texts.append(text_of(str(part.get("text", ""))))
        elif kind == "reasoning":
            if part.get("redacted"):
                summary = part.get("summary")
                reasoning.append(text_of(str(summary)) if summary else "[redacted reasoning]")
            else:
                reasoning.append(text_of(str(part.get("reasoning", ""))))
        else:
            other.append({k: (text_of(v) if isinstance(v, str) else v) for k, v in part.items()})
    return "\n".join(t for t in texts if t), reasoning, other


def chat_message(message: dict[str, Any], text_of: Any = lambda s: s) -> dict[str, Any]:
    """One Inspect chat message in the OpenAI-style shape Braintrust renders.

    Args:
        message: An Inspect `ChatMessage` as stored JSON.
        text_of: Resolves attachment references in strings.
    """
    role = str(message.get("role") or "user")
    text, reasoning, other = _content_parts(message.get("content"), text_of)
    out: dict[str, Any] = {"role": role, "content": text}
    if other:
        out["content"] = ([{"type": "text", "text": text}] if text else []) + other
    if reasoning:
        out["reasoning"] = "\n\n".join(reasoning)
    if role == "assistant":
        calls = message.get("tool_calls") or []
        if calls:
            out["tool_calls"] = [_tool_call(c, text_of) for c in calls if isinstance(c, dict)]
    elif role == "tool":
        if message.get("tool_call_id"):
            out["tool_call_id"] = message["tool_call_id"]
        if message.get("function"):
            out["name"] = message["function"]
        error = message.get("error")
        if isinstance(error, dict) and error.get("message"):
            out["error"] = text_of(str(error["message"]))
    return out


def _tool_call(call: dict[str, Any], text_of: Any) -> dict[str, Any]:
    arguments = call.get("arguments") or {}
    if isinstance(arguments, dict):
        arguments = {k: (text_of(v) if isinstance(v, str) else v) for k, v in arguments.items()}
    return {
        "id": call.get("id"),
        "type": "function",
        "function": {
            "name": call.get("function"),
            "arguments": orjson.dumps(
                arguments, default=str, option=orjson.OPT_NON_STR_KEYS
            ).decode(),
        },
    }


def message_text(message: dict[str, Any]) -> str:
    """The plain text of a converted chat message."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(p.get("text", ""))
            for p in content
            if isinstance(p, dict) and p.get("type") == "text"
        )
    return ""


def output_message(event: dict[str, Any], text_of: Any) -> dict[str, Any] | None:
    """The first choice of a ModelEvent's output as a chat message."""
    output = event.get("output") or {}
    choices = output.get("choices") or []
    if choices and isinstance(choices[0], dict) and isinstance(choices[0].get("message"), dict):
        return chat_message(choices[0]["message"], text_of)
    completion = output.get("completion")
    if completion:
        return {"role": "assistant", "content": text_of(str(completion))}
    return None

"""A stored sample's events -> the child spans of its Braintrust trace (pure: dicts in, dicts out).

Every ModelEvent becomes an `llm` span (its input, output, tokens, cost and
latency, attributed to a role) and every ToolEvent a `tool` span, nested under the
model call that asked for it. The role's usage is added up on the way, for the root
row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from petri_bt.export._context import LogContext
from petri_bt.export._ids import row_id
from petri_bt.logs import (
    SampleText,
    account_call,
    output_message,
    role_of,
    round_usage,
    usage_from_summary,
)


def timestamp(value: Any) -> float | None:
    """Seconds since the epoch of an Inspect timestamp (ISO text or a number); None if neither."""
    if isinstance(value, str):  # Inspect's timestamps; "Z" too, since Python 3.11
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def child_spans(
    sample: dict[str, Any], ctx: LogContext, text: SampleText, root: str
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], dict[str, Any]]:
    """(child span rows, usage per role, counts of calls and tool errors) of one sample.

    Args:
        sample: The sample as stored in the log.
        ctx: Facts about the log and the export options.
        text: The sample's attachments and message pool.
        root: The root row's id (the spans' parent when no model call asked for them).
    """
    sample_id, epoch = sample["id"], sample.get("epoch", 1)
    identity = ctx.identity or ctx.eval_id
    rows: list[dict[str, Any]] = []
    usage: dict[str, dict[str, Any]] = {}
    span_roles: dict[str, str] = {}
    call_parent: dict[str, str] = {}  # tool call id -> the llm span that asked for it
    history: dict[str, tuple[list[str], str]] = {}  # role -> (its conversation so far, last span)
    counts = {"model_calls": 0, "tool_calls": 0, "tool_errors": 0}
    for index, event in enumerate(sample.get("events") or []):
        if not isinstance(event, dict):
            continue
        kind = event.get("event")
        if kind != "model" and kind != "tool":
            continue
        span = row_id(identity, sample_id, epoch, str(event.get("uuid") or f"event-{index}"))
        start = timestamp(event.get("timestamp"))
        end = timestamp(event.get("completed"))
        working = event.get("working_time")
        if end is None and start is not None and isinstance(working, (int, float)):
            end = start + float(working)
        if kind == "model":
            counts["model_calls"] += 1
            role = role_of(event, ctx.model_roles, span_roles)
            span_roles.setdefault(str(event.get("span_id")), role)
            row = _llm_row(event, ctx, text, role, usage, history, span)
            for call in (row["output"] or {}).get("tool_calls") or []:
                if call.get("id"):
                    call_parent[str(call["id"])] = span
            parents = [root]
        else:
            counts["tool_calls"] += 1
            role = span_roles.get(str(event.get("span_id")), "auditor")
            row = _tool_row(event, text, role)
            if row.get("error"):
                counts["tool_errors"] += 1
            parents = [call_parent.get(str(event.get("id")), root)]
        metrics = row["metrics"]
        if start is not None:
            metrics["start"] = start
        if end is not None:
            metrics["end"] = end
        row["id"] = row["span_id"] = span
        row["root_span_id"] = root
        row["span_parents"] = parents
        row["created"] = event.get("timestamp") or ctx.created
        rows.append(row)
    counts["auditor_turns"] = usage.get("auditor", {}).get("calls", 0)
    if not usage:
        usage = usage_from_summary(sample, ctx.model_roles, ctx.prices)
    return rows, round_usage(usage), counts


def _llm_row(
    event: dict[str, Any],
    ctx: LogContext,
    text: SampleText,
    role: str,
    usage: dict[str, dict[str, Any]],
    history: dict[str, tuple[list[str], str]],
    span: str,
) -> dict[str, Any]:
    output = event.get("output") or {}
    call = account_call(event, ctx.prices, role, usage)
    prompt = call["input_tokens"] + call["cache_read"] + call["cache_write"]
    metrics: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": call["output_tokens"],
        "tokens": prompt + call["output_tokens"],
        "prompt_cached_tokens": call["cache_read"],
        "prompt_cache_creation_tokens": call["cache_write"],
    }
    if call["reasoning"]:
        metrics["completion_reasoning_tokens"] = call["reasoning"]
    previous = history.get(role)
    # Every call re-sends the role's whole conversation; repeating it in each span
    # makes a trace grow with the square of its turns. With llm_input=new a span
    # shows what the call added; `continues` is the span holding the rest.
    known = previous[0] if previous and ctx.llm_input == "new" else None
    messages, keys, omitted = text.keyed_input(event, known)
    input_info: dict[str, Any] = {"messages": len(keys)}
    if omitted and previous:
        input_info.update(omitted=omitted, continues=previous[1])
    choices = output.get("choices") or []
    first = choices[0] if choices and isinstance(choices[0], dict) else {}
    message = first.get("message")
    output_id = message.get("id") if isinstance(message, dict) else None
    history[role] = (keys + [str(output_id)] if output_id else keys, span)
    error = text.text(str(event["error"])) if event.get("error") else None
    row: dict[str, Any] = {
        "span_attributes": {"name": role, "type": "llm"},
        "input": messages,
        "output": output_message(event, text.text),
        "metadata": {
            "role": role,
            "model": str(event.get("model") or ""),
            "stop_reason": first.get("stop_reason"),
            "cost_usd": round(call["cost"], 8),
            "priced_by": call["priced_by"],
            "latency_s": call["latency"],
            "retries": event.get("retries") or 0,
            "cache": event.get("cache"),
            "error": error,
            "tools": [t.get("name") for t in event.get("tools") or [] if isinstance(t, dict)],
            "input": input_info,
        },
        "metrics": metrics,
    }
    if error:
        row["error"] = error
    return row


def _tool_row(event: dict[str, Any], text: SampleText, role: str) -> dict[str, Any]:
    result = event.get("result")
    if isinstance(result, list):
        parts = [text.resolve(p) for p in result]
        result = "\n".join(
            str(p.get("text", "")) if isinstance(p, dict) and p.get("type") == "text" else str(p)
            for p in parts
        )
    else:
        result = text.resolve(result)
    error = event.get("error")
    row: dict[str, Any] = {
        "span_attributes": {"name": str(event.get("function") or "tool"), "type": "tool"},
        "input": text.resolve(event.get("arguments") or {}),
        "output": result,
        "metadata": {
            "role": role,
            "function": event.get("function"),
            "tool_call_id": event.get("id"),
            "failed": bool(error),
            "truncated": event.get("truncated"),
        },
        "metrics": {},
    }
    if isinstance(error, dict):
        row["error"] = text.text(str(error.get("message") or error.get("type") or "tool error"))
        row["metadata"]["error_type"] = error.get("type")
    elif error:
        row["error"] = text.text(str(error))
    return row


def raw_events(sample: dict[str, Any], text: SampleText) -> list[Any]:
    """The sample's event stream, with attachments and pooled model inputs restored."""
    events: list[Any] = []
    for event in sample.get("events") or []:
        if isinstance(event, dict) and event.get("event") == "model" and event.get("input_refs"):
            event = {**event, "input": text.raw_input(event), "input_refs": None}
        events.append(text.resolve(event))
    return events

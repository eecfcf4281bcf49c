"""Failed actions: model answers a run could not act on, read from a stored sample.

A model call can succeed and still give nothing usable: an auditor turn with no tool
call (Petri asks it to go on, and the turn is spent), a tool call whose arguments are
not valid JSON or break the tool's schema (a judge's `answer` with a score of
792804318), a call to a tool that does not exist, an auditor whose turns run out
before it reached the target. Small local models do all of these. Each is recorded
with its role, model and reason, so the table, `summary.json` and the export say why
a judge failed or an audit never started.
"""

from __future__ import annotations

from typing import Any

# The roles whose every answer must be a tool call (the target may answer in prose).
_TOOL_ROLES = ("auditor", "judge")
_NEVER_REACHED = "without interacting with the target"
_DETAIL_CHARS = 160


def _lines(text: Any) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def _detail(text: Any) -> str:
    joined = " ".join(_lines(text))
    return joined if len(joined) <= _DETAIL_CHARS else joined[: _DETAIL_CHARS - 3] + "..."


def _tool_error_reason(function: str, error: dict[str, Any]) -> tuple[str, str]:
    """(reason, detail) of a tool call that failed: its kind, and the first specifics."""
    message = str(error.get("message") or "")
    lines = _lines(message)
    first = lines[0] if lines else str(error.get("type") or "error")
    if first.startswith("Error parsing the following tool call arguments"):
        return f"{function}: arguments are not valid JSON", _detail(" ".join(lines[1:]))
    if "validation error" in first:
        return f"{function}: arguments break the tool's schema", _detail(
            first + " " + " ".join(lines[1:3])
        )
    if "not found" in first.lower() and function in first:
        return f"{function}: no such tool", _detail(first)
    return f"{function}: {error.get('type') or 'error'}", _detail(message)


def _message(event: dict[str, Any]) -> dict[str, Any]:
    choices = (event.get("output") or {}).get("choices") or [{}]
    message = choices[0].get("message") if isinstance(choices[0], dict) else None
    return message if isinstance(message, dict) else {}


def _text(message: dict[str, Any], attachments: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        content = " ".join(
            str(part.get("text") or "") for part in content if isinstance(part, dict)
        )
    text = str(content or "")
    if text.startswith("attachment://"):
        text = str(attachments.get(text.removeprefix("attachment://"), ""))
    return text


def _no_call_reason(event: dict[str, Any], text: str) -> tuple[str, str]:
    """(reason, detail) of an answer that should have been a tool call and was not."""
    choices = (event.get("output") or {}).get("choices") or [{}]
    stop = choices[0].get("stop_reason") if isinstance(choices[0], dict) else None
    detail = f"answered: {_detail(text)}" if text else "an empty answer"
    if stop == "model_length" and "context" in text.lower():
        return "no tool call: the prompt does not fit the model's context", _detail(text)
    if stop in ("model_length", "max_tokens"):
        return "no tool call: the answer was cut at its length limit (max_tokens)", detail
    return "no tool call", detail


def failed_actions(sample: dict[str, Any]) -> list[dict[str, str]]:
    """Every failed action of a sample, in order: role, model, reason and detail.

    Args:
        sample: A sample as stored in the log (its `events` and `attachments`).
    """
    attachments = sample.get("attachments") or {}
    found: list[dict[str, str]] = []
    caller: dict[str, str] = {}  # the role and model of the last model call
    for event in sample.get("events") or ():
        kind = event.get("event")
        if kind == "model":
            role, model = str(event.get("role") or "model"), str(event.get("model"))
            caller = {"role": role, "model": model}
            if event.get("error"):
                continue  # a failed call, reported as such
            message = _message(event)
            calls = message.get("tool_calls") or []
            if role in _TOOL_ROLES and event.get("tools") and not calls:
                reason, detail = _no_call_reason(event, _text(message, attachments).strip())
                found.append({**caller, "reason": reason, "detail": detail})
            if role == "target":
                for call in calls:
                    if isinstance(call, dict) and call.get("parse_error"):
                        reason = f"{call.get('function')}: arguments are not valid JSON"
                        found.append(
                            {**caller, "reason": reason, "detail": _detail(call["parse_error"])}
                        )
        elif kind == "tool" and isinstance(event.get("error"), dict) and caller:
            reason, detail = _tool_error_reason(str(event.get("function")), event["error"])
            found.append({**caller, "reason": reason, "detail": detail})
        elif kind == "logger":
            text = str((event.get("message") or {}).get("message") or "")
            if _NEVER_REACHED in text:
                auditor = _role_model(sample, "auditor") or caller.get("model", "")
                found.append(
                    {
                        "role": "auditor",
                        "model": auditor,
                        "reason": "never reached the target: its turns ran out",
                        "detail": _detail(text.split("\n")[-1]),
                    }
                )
    return found


def _role_model(sample: dict[str, Any], role: str) -> str | None:
    for event in sample.get("events") or ():
        if event.get("event") == "model" and event.get("role") == role:
            return str(event.get("model"))
    return None


def judge_problem(actions: list[dict[str, str]]) -> str | None:
    """Why the judge gave no valid answer: its last failed action, with the count.

    Args:
        actions: The sample's failed actions (`failed_actions`).
    """
    judged = [a for a in actions if a["role"] == "judge"]
    if not judged:
        return None
    last = judged[-1]
    times = f"{len(judged)} failed answers; the last: " if len(judged) > 1 else ""
    return f"{times}{last['reason']} ({last['detail']})"

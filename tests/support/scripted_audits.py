"""Helpers for the scripted provider tests: run audits and read what the auditor did."""

from pathlib import Path
from typing import Any

AUDITOR_TOOLS = {
    "set_system_message",
    "create_tool",
    "send_tool_call_result",
    "send_message",
    "rollback_conversation",
    "end_conversation",
}


def run_audit(
    log_dir: Path,
    seeds: list[str] | str,
    *,
    target: Any,
    max_turns: int,
    auditor: Any = "scripted/auditor",
    judge: Any = "scripted/judge",
    **task_args: Any,
) -> Any:
    """Run `inspect_petri.audit` with scripted roles; return the log read back from disk."""
    import inspect_ai
    import inspect_petri
    from inspect_ai.log import read_eval_log

    logs = inspect_ai.eval(
        inspect_petri.audit(seed_instructions=seeds, max_turns=max_turns, **task_args),
        model_roles={"auditor": auditor, "target": target, "judge": judge},
        log_dir=str(log_dir),
        display="none",
    )
    assert logs[0].status == "success", logs[0].error
    return read_eval_log(logs[0].location, resolve_attachments=True)


def sample_for(log: Any, marker: str) -> Any:
    """The sample whose seed contains `marker`."""
    matches = [s for s in log.samples if marker in str(s.input)]
    assert len(matches) == 1, f"{len(matches)} samples contain {marker!r}"
    return matches[0]


def auditor_turns(sample: Any) -> list[list[Any]]:
    """The auditor's tool calls, one list per turn (auditor model calls with auditor tools)."""
    from inspect_ai.event import ModelEvent

    return [
        list(event.output.message.tool_calls or [])
        for event in sample.events
        if isinstance(event, ModelEvent)
        and event.role == "auditor"
        and any(tool.name == "send_message" for tool in event.tools)
    ]


def auditor_tool_errors(sample: Any) -> list[str]:
    """Errors returned to the auditor by its tools."""
    from inspect_ai.event import ToolEvent

    return [
        f"{event.function}: {event.error.message}"
        for event in sample.events
        if isinstance(event, ToolEvent) and event.error is not None
    ]


def sent_messages(sample: Any) -> list[str]:
    """Every message the auditor sent to the target, in order."""
    return [
        call.arguments["message"]
        for turn in auditor_turns(sample)
        for call in turn
        if call.function == "send_message"
    ]

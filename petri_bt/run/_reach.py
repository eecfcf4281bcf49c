"""A sample whose target's server could not be reached is an error, not an audit.

Petri reports a target call that fails for good to the auditor and the audit goes on,
so a target server that died mid-audit leaves a transcript of failed turns that the
judge would score as if the target had answered. When a target call failed because
nothing answered at the server (connection refused or dropped, after Inspect's
retries), this step, run after the audit and before the judge, errors the sample
instead, naming the server: the run's `fail_on_error` decides the exit code, and
rerunning a sweep resumes those samples once the server is back.
"""

from __future__ import annotations

from typing import Any

from petri_bt.logs import explain_call_error, is_unreachable


class TargetUnreachable(RuntimeError):
    """The target's server could not be reached during the audit."""


def _unreachable_calls(events: Any) -> list[Any]:
    return [
        event
        for event in events
        if getattr(event, "event", None) == "model"
        and event.role == "target"
        and event.error
        and is_unreachable(str(event.error))
    ]


def target_reached() -> Any:
    """The solver step that errors a sample whose target server could not be reached."""
    from inspect_ai.log import transcript
    from inspect_ai.model import get_model
    from inspect_ai.solver import Generate, TaskState, solver

    @solver(name="petri_bt/target_reached")
    def check() -> Any:
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            failed = _unreachable_calls(transcript().events)
            if not failed:
                return state
            last = failed[-1]
            server = getattr(get_model(role="target").api, "base_url", None)
            calls = f"{len(failed)} target call{'s' if len(failed) > 1 else ''} failed"
            raise TargetUnreachable(
                f"target {last.model}: {explain_call_error(str(last.error), server)} ({calls})"
            )

        return solve

    return check()

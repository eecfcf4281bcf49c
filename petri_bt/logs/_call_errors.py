"""A failed model call's error, as Inspect recorded it, in one readable line with the fix.

A log's model events keep the provider's error text (a retry's timeout, a refused
connection, a model without tool support); the run-summary figures and a run that
stops on an unreachable target explain them alike.
"""

from __future__ import annotations

import re

_TIMEOUT = re.compile(r"AttemptTimeoutError\(.*?attempt_timeout '(\d+)' exceeded")
# What the providers' HTTP clients say when nothing answers at the server's address, or
# the server went away mid-answer (openai's APIConnectionError is "Connection error.").
_UNREACHABLE = re.compile(
    r"Connection error\.|APIConnectionError|ConnectError|Connection refused|"
    r"Server disconnected|RemoteProtocolError"
)


def is_unreachable(text: str) -> bool:
    """True when a failed call's error says the model server could not be reached.

    Args:
        text: The error as Inspect recorded it (a model event's `error`).
    """
    return bool(_UNREACHABLE.search(text))


def explain_call_error(text: str, server: str | None = None) -> str:
    """A failed model call's error as one readable line, with the fix when known.

    Args:
        text: The error as Inspect recorded it (a model event's `error`).
        server: The address the call went to (named when it could not be reached).
    """
    timeout = _TIMEOUT.search(text)
    if timeout:
        return f"no answer within {timeout.group(1)} s (the timeout knob)"
    line = next((ln.strip() for ln in reversed(text.splitlines()) if ln.strip()), text)
    if is_unreachable(text):
        where = f"the server at {server}" if server else "the model server"
        return (
            f"cannot reach {where}: is it running? Start it again, then rerun the command; "
            f"a sweep resumes its unfinished samples ({line})"
        )
    if "does not support tools" in line:
        line += (
            " (the model cannot call tools: run the target with target_tools=none, "
            "or pick a model with tool support)"
        )
    return line

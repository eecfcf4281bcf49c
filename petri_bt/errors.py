"""The one exception that means "the user's input is wrong": printed as one line per
problem (`petri_bt: error: ...`), exit 2."""

from __future__ import annotations

import sys


class UserError(Exception):
    """Bad input or an unmet precondition, with a message saying how to fix it.

    Several problems found at once (preflight) are one line each in the message.
    """


def print_error(message: str) -> None:
    """Print an error message to stderr, each of its lines as `petri_bt: error: <line>`.

    Args:
        message: One problem per line.
    """
    for line in str(message).splitlines() or [""]:
        print(f"petri_bt: error: {line}", file=sys.stderr)

"""The one exception that means "the user's input is wrong": printed as one line per
problem (`petri_bt: error: ...`), exit 2."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


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


class Problems:
    """The problems of several independent checks, gathered so that one bad input does
    not hide the others: each check runs in `check()`, then `raise_any()`."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        """Run one check; a UserError it raises is kept (one line per problem)."""
        try:
            yield
        except UserError as exc:
            for line in str(exc).splitlines() or [""]:
                if line not in self.lines:
                    self.lines.append(line)

    def raise_any(self) -> None:
        """Raise every problem kept, one per line, as one UserError."""
        if self.lines:
            raise UserError("\n".join(self.lines))

"""`python -m petri_bt` and the `petri-bt` console script.

A command that sends existing logs to Braintrust starts the export's sender process
first, before Hydra is imported: the Braintrust SDK's import (about 0.6 s) then
happens on the other core while Hydra loads and composes.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys

_FROM_LOGS = re.compile(r"^[+~]{0,2}from_logs=")
_OTHER_ACTION = re.compile(r"^[+~]{0,2}action=(?!run$|export$)")
_NOT_BRAINTRUST = re.compile(r"^[+~]{0,2}export(\.sink)?=(local|none)$")
_ALLOWED_FLAGS = ("-m", "--multirun")


def exports_logs_now(args: list[str]) -> bool:
    """Whether the command most likely sends existing logs to Braintrust as soon as it
    starts: `from_logs`, a Braintrust key, no other action, no local sink, and no option
    but `-m` (`--cfg`, `--help` and the like send nothing). A guess from the raw
    command line, made before Hydra is imported; a wrong one costs an idle import.

    Args:
        args: The command-line arguments (without the program name).
    """
    if not os.environ.get("BRAINTRUST_API_KEY"):
        return False
    if any(a.startswith("-") and a not in _ALLOWED_FLAGS for a in args):
        return False
    return any(_FROM_LOGS.match(a) for a in args) and not any(
        _OTHER_ACTION.match(a) or _NOT_BRAINTRUST.match(a) for a in args
    )


def main() -> None:
    """Run the petri_bt command line."""
    with contextlib.ExitStack() as stack:
        if exports_logs_now(sys.argv[1:]):
            from petri_bt.export import sender_started_early

            stack.enter_context(sender_started_early())
        from petri_bt.cli import main as run_command_line

        run_command_line()


if __name__ == "__main__":
    main()

"""`action=topics`: enable Braintrust Topics on the project's Petri traces.

Runs Braintrust's own `bt` CLI: `bt topics config enable` with a filter scoped
to traces from petri_bt (`metadata.source = 'inspect-petri'`), the built-in
Task / Sentiment / Issues facets at 100% sampling, then `bt topics poke` so the
first pass starts now rather than at the next daily run. Topics reads project
logs only: export with `export.mode=logs` (or `both`) first.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

from petri_bt.errors import UserError

TOPICS_FILTER = "metadata.source = 'inspect-petri'"
FACETS = ("Task", "Sentiment", "Issues")
FACET_FILE = Path(__file__).resolve().parent / "facets" / "sycophancy_pattern.md"


def topics_commands(project: str) -> list[list[str]]:
    """The `bt` commands that enable Topics for a project's Petri traces."""
    enable = [
        "bt",
        "topics",
        "config",
        "enable",
        "--project",
        project,
        "--no-input",
        "--name",
        "petri_bt audits",
        "--description",
        "Clusters Petri alignment audits exported by petri_bt",
        "--filter",
        TOPICS_FILTER,
        "--sampling-rate",
        "100%",
    ]
    for facet in FACETS:
        enable += ["--facet", facet]
    return [enable, ["bt", "topics", "poke", "--project", project, "--no-input"]]


def topics_init(project: str, dry_run: bool = False) -> list[list[str]]:
    """Enable Topics with `bt` (or print the commands when `dry_run`).

    Args:
        project: The Braintrust project holding the exported project logs.
        dry_run: Print the exact commands without running them.

    Raises:
        UserError: `bt` is not installed, or a command failed.
    """
    if not project:
        raise UserError("name the Braintrust project: export.project=<name>")
    commands = topics_commands(project)
    if dry_run:
        for command in commands:
            print(shlex.join(command))
    else:
        if shutil.which("bt") is None:
            raise UserError(
                "Braintrust's `bt` CLI is not installed (see https://www.braintrust.dev/docs/reference/cli); "
                "export.dry_run=true prints the commands to run yourself"
            )
        for command in commands:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                detail = (done.stderr or done.stdout).strip().splitlines()
                last = detail[-1] if detail else "no output"
                raise UserError(f"`{shlex.join(command)}` failed (exit {done.returncode}): {last}")
            if done.stdout.strip():
                print(done.stdout.strip())
    print(
        f"petri_bt: custom facet for sycophancy patterns: {FACET_FILE} "
        "(open it and follow its steps to add it in the Topics UI)"
    )
    return commands

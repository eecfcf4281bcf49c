"""What an export tells the user on the console: where the rows went, what failed, Topics."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from petri_bt.export.sinks import EXPERIMENT, Destination, RowSink


def destination_lines(sink: str, destinations: list[dict[str, Any]], project: str) -> list[str]:
    """One line per experiment or project logs: name, rows and where to see it.

    Args:
        sink: `braintrust` or `local`.
        destinations: `Destination.describe()` of every object the export filled.
        project: The Braintrust project.
    """
    lines = []
    for d in destinations:
        where = f": {d['url']}" if d.get("url") else ""
        if d["kind"] == EXPERIMENT:
            what = f"experiment {d['name']}"
        else:
            what = f"project logs of {project}"
        into = "Braintrust" if sink == "braintrust" else "the local bundle"
        lines.append(f"petri_bt: {d['rows']} rows in {into} {what}{where}")
    return lines


def print_destinations(summary: dict[str, Any]) -> None:
    """Print where the rows of an export or upload went, one line per object."""
    for line in destination_lines(
        summary["sink"], summary.get("destinations") or [], summary["project"]
    ):
        print(line)


def report_failures(summary: dict[str, Any]) -> None:
    """Name every sample that was not delivered, and how to complete the export."""
    failed = [(log["log"], f) for log in summary["logs"] for f in log["failed"]]
    if not failed:
        return
    print(
        f"petri_bt: {len(failed)} sample(s) were not delivered to {summary['sink']}:",
        file=sys.stderr,
    )
    for log, f in failed[:20]:
        print(f"  {Path(log).name} sample {f['sample']}: {f['error']}", file=sys.stderr)
    if len(failed) > 20:
        print(f"  ... and {len(failed) - 20} more (see the summary)", file=sys.stderr)
    print(
        "petri_bt: rerun the same export to complete it: rows already delivered are replaced, "
        "never duplicated",
        file=sys.stderr,
    )


def topics_note(sink: RowSink, logs: Destination, settings: Any, entry: dict[str, Any]) -> None:
    """Record the project's trace count, and warn when Topics has too few to cluster.

    Args:
        sink: The sink (asked for the count).
        logs: The project logs destination.
        settings: The export settings (`topics_min_traces`, `project`).
        entry: The log's summary entry (`project_logs.traces` is set).
    """
    count = sink.trace_count(logs)
    counted = "in the project"
    if count is None:
        count, counted = entry["exported"], "in this export"
    # Braintrust indexes new rows with a lag: what this export just sent counts regardless.
    count = max(count, entry["exported"])
    entry["project_logs"]["traces"] = count
    if count < settings.topics_min_traces:
        print(
            f"petri_bt: warning: {count} Petri traces {counted}; Braintrust Topics needs about "
            f"{settings.topics_min_traces} before it clusters (raise `limit` or export more runs "
            f"into project {settings.project!r})",
            file=sys.stderr,
        )

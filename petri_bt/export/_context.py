"""What an export knows about a log before its samples: context, experiment name, metadata.

The same functions serve the end-of-run export (from a log header) and the live
export (from the eval spec Inspect hands its hooks), so both name and describe
an experiment identically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from petri_bt.judging import stored_panel_settings
from petri_bt.logs import PriceTable, builtin_directions, dimension_table, roles_in_spec
from petri_bt.naming import log_identity, target_model

SOURCE = "inspect-petri"


@dataclass(frozen=True)
class LogContext:
    """What the mapping needs to know about the log a sample came from.

    Args:
        eval_id: Inspect's eval id.
        log_path: The log file, absolute (empty while a live run has not said it yet).
        identity: What row ids derive from (`petri_bt.naming.log_identity`).
        run_id: Inspect's run id.
        task: The task name.
        created: When the eval was created (ISO time).
        model_roles: Role -> model string.
        versions: petri_bt, inspect_ai and inspect_petri versions.
        dimensions: Direction table of the judge dimensions (see `petri_bt.logs.dimension_table`).
        expected_dimensions: Dimensions the judge was asked to score (None: unknown).
        prices: The pricing table.
        traces: Send child spans.
        include_events: Put the raw event stream in the root's metadata.
        keep_inverted_scores: Add `<dim>__inverted` score columns.
        llm_input: `new` (messages added since the role's previous call) or `full`.
        judge_panel: The judge panel's settings (judges, aggregate, disagreement) when a
            panel judged the log.
    """

    eval_id: str
    log_path: str
    identity: str = ""
    run_id: str | None = None
    task: str = "audit"
    created: str | None = None
    model_roles: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str | None] = field(default_factory=dict)
    dimensions: dict[str, dict[str, str]] = field(default_factory=dict)
    expected_dimensions: tuple[str, ...] | None = None
    prices: PriceTable | None = None
    traces: bool = True
    include_events: bool = False
    keep_inverted_scores: bool = False
    llm_input: str = "new"
    judge_panel: dict[str, Any] | None = None


def _petri_bt_version() -> str:
    from petri_bt._version import __version__

    return __version__


def versions(eval_spec: dict[str, Any]) -> dict[str, str | None]:
    """The versions that made a log, and the exporter's own."""
    packages = eval_spec.get("packages") or {}
    return {
        "petri_bt": _petri_bt_version(),
        "inspect_ai": packages.get("inspect_ai"),
        "inspect_petri": packages.get("inspect_petri"),
    }


def _expected_dimensions(eval_spec: dict[str, Any]) -> tuple[str, ...] | None:
    arg = (eval_spec.get("task_args") or {}).get("judge_dimensions")
    if arg is None:
        return tuple(builtin_directions())
    if isinstance(arg, list):
        names = [
            a if isinstance(a, str) else a.get("name") for a in arg if isinstance(a, str | dict)
        ]
        return tuple(str(n) for n in names if n)
    return None


def log_context(
    eval_spec: dict[str, Any], settings: Any, prices: PriceTable, log_path: str
) -> LogContext:
    """What the mapping needs from a log header (or a live run's eval spec).

    Args:
        eval_spec: The header's `eval` node.
        settings: The export settings (`ExportSettings`).
        prices: The pricing table.
        log_path: The log file, absolute.
    """
    return LogContext(
        eval_id=str(eval_spec.get("eval_id") or eval_spec.get("run_id") or log_path),
        identity=log_identity(eval_spec) or log_path,
        log_path=log_path,
        run_id=eval_spec.get("run_id"),
        task=str(eval_spec.get("task") or "audit"),
        created=eval_spec.get("created"),
        model_roles=roles_in_spec(eval_spec),
        versions=versions(eval_spec),
        dimensions=dimension_table(eval_spec, settings.dimension_directions),
        expected_dimensions=_expected_dimensions(eval_spec),
        prices=prices,
        traces=settings.traces,
        include_events=settings.include_events,
        keep_inverted_scores=settings.keep_inverted_scores,
        llm_input=settings.llm_input,
        judge_panel=stored_panel_settings(eval_spec),
    )


def progress_label(eval_spec: dict[str, Any]) -> str:
    """`<task> <target>`: what a progress bar says it is exporting."""
    task = str(eval_spec.get("task") or "audit").rsplit("/", 1)[-1]
    return f"{task} {target_model(eval_spec) or ''}".strip()


def _scrub_secrets(value: Any) -> Any:
    from petri_bt._secrets import environment_secrets, scrub

    return scrub(value, environment_secrets())


def _log_metadata(eval_spec: dict[str, Any], log_path: str, status: str | None) -> dict[str, Any]:
    return {
        "task": eval_spec.get("task"),
        "eval_id": eval_spec.get("eval_id"),
        "run_id": eval_spec.get("run_id"),
        "created": eval_spec.get("created"),
        "source_log": log_path,
        "log_status": status,
        "model_roles": roles_in_spec(eval_spec),
    }


def experiment_metadata(
    logs: list[tuple[dict[str, Any], str, str | None]], run_config: dict[str, Any] | None
) -> dict[str, Any]:
    """Experiment-level metadata: where the rows came from and how the run was set up.

    Args:
        logs: (eval spec, log path, log status) of every log the experiment receives;
            the first one describes the experiment, and with several each is listed
            under `logs`.
        run_config: The run config as plain data (secrets are scrubbed here too).
    """
    spec, path, status = logs[0]
    metadata: dict[str, Any] = {
        "source": SOURCE,
        **_log_metadata(spec, path, status),
        "versions": versions(spec),
        "task_args": spec.get("task_args_passed") or spec.get("task_args") or {},
        "run_config": run_config,
    }
    panel = stored_panel_settings(spec)
    if panel:
        metadata["judge_panel"] = panel
    if len(logs) > 1:
        metadata["logs"] = [_log_metadata(s, p, st) for s, p, st in logs]
    return _scrub_secrets(metadata)

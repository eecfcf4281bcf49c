"""Braintrust export: Inspect Petri logs -> experiments, project logs or a local bundle.

This module stays import-light (the command line imports it); the SDKs load
inside the functions.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any


def resolve_log_paths(from_logs: list[str], pattern: str = "*.eval") -> list[Path]:
    """The log files named by files, folders (searched with `pattern`) and globs.

    Args:
        from_logs: Paths as given on the command line (`from_logs=`).
        pattern: Glob used inside folders (`**` searches subfolders).

    Raises:
        UserError: A path does not exist, or matches no log.
    """
    from petri_bt.export._reader import resolve_log_paths as _resolve

    return _resolve(from_logs, pattern)


def export_logs(
    paths: list[Path] | list[str],
    settings: Any,
    *,
    out_dir: Path,
    run_config: dict[str, Any] | None = None,
    experiment: str | None = None,
) -> dict[str, Any]:
    """Export Petri logs: one experiment per log (and/or project-log traces).

    Args:
        paths: The `.eval` logs.
        settings: The `export` config node (DictConfig, ExportConfig or dict).
        out_dir: The run folder (the local sink writes `braintrust-bundle/` there).
        run_config: The composed run config as plain data, secrets excluded.
        experiment: Experiment name override (default: task, target and date of the log).

    Returns:
        The export summary (sink, project, mode, per-log results, totals, ok).
    """
    from petri_bt.export._pipeline import export_logs as _export

    return _export(
        paths, settings, out_dir=Path(out_dir), run_config=run_config, experiment=experiment
    )


def reprice_logs(paths: list[Path] | list[str], settings: Any) -> dict[str, Any]:
    """Per-role cost, compute time and tokens/s of existing logs, without exporting.

    Args:
        paths: The `.eval` logs.
        settings: The `export` config node (its `pricing` table is used).

    Returns:
        The figures per log and in total (also printed as a table).
    """
    from petri_bt.export._reprice import reprice_logs as _reprice

    return _reprice(paths, settings)


def upload_bundle(bundle_dir: Path | str, settings: Any) -> dict[str, Any]:
    """Send a local bundle to Braintrust: exactly the rows a direct export sends.

    Args:
        bundle_dir: The bundle folder, or the run folder holding `braintrust-bundle/`.
        settings: The `export` config node (project override, retries).

    Returns:
        A summary shaped like `export_logs`'s.
    """
    from petri_bt.export._upload import upload_bundle as _upload

    return _upload(Path(bundle_dir), settings)


def topics_init(project: str, dry_run: bool = False) -> list[list[str]]:
    """Enable Braintrust Topics for the project's Petri traces, with the `bt` CLI.

    Args:
        project: The Braintrust project.
        dry_run: Print the exact `bt` commands instead of running them.

    Returns:
        The commands (run, or to run).
    """
    from petri_bt.export._topics import topics_init as _topics_init

    return _topics_init(project, dry_run)


def live_export(
    settings: Any,
    *,
    run_config: dict[str, Any] | None = None,
    experiment_for_task: Callable[[Any], str | None] | None = None,
    experiment: str | None = None,
) -> AbstractContextManager[Any]:
    """Send each sample to Braintrust as soon as it is scored (an Inspect hook).

    Wrap `inspect_ai.eval(...)` in the returned context manager. The end-of-run
    export afterwards sends the same row ids into the same experiment, so it
    completes and updates rather than duplicating.

    Args:
        settings: The `export` config node.
        run_config: The run config as plain data, for experiment metadata.
        experiment_for_task: Experiment name for an Inspect `EvalSpec` (None: the default name).
        experiment: One experiment name for every task (used when no callable is given).
    """
    from petri_bt.export._live import live_export as _live

    return _live(
        settings,
        run_config=run_config,
        experiment_for_task=experiment_for_task,
        experiment=experiment,
    )


__all__ = [
    "export_logs",
    "live_export",
    "reprice_logs",
    "resolve_log_paths",
    "topics_init",
    "upload_bundle",
]

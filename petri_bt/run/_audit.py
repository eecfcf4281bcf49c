"""One audit run: preflight, eval, summary, export."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from petri_bt._secrets import redact
from petri_bt.config import Sink
from petri_bt.preflight import preflight
from petri_bt.roles import RoleModel, resolve_roles
from petri_bt.run._eval import run_eval
from petri_bt.run._seeds import check_seeds, seed_source
from petri_bt.run._task import build_task, check_knobs
from petri_bt.summary import format_run_table, write_json


@dataclass
class RunResult:
    """What a run left behind.

    Args:
        run_dir: The run folder.
        log_paths: The Inspect `.eval` logs.
        summary: The contents of `summary.json`.
        export: The export summary (None when export is off).
    """

    run_dir: Path
    log_paths: list[Path] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    export: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        logs_ok = all(e["status"] == "success" for e in self.summary.get("logs", []))
        return logs_ok and (self.export is None or bool(self.export.get("ok", False)))


def plain_config(cfg: DictConfig) -> dict[str, Any]:
    """The run config as plain data with secrets redacted (for metadata and reports)."""
    container = OmegaConf.to_container(cfg, resolve=True, enum_to_str=True)
    assert isinstance(container, dict)
    container.pop("hydra", None)
    return redact(container)


def log_dir_for(cfg: DictConfig, run_dir: Path) -> Path:
    return Path(cfg.log_dir).expanduser() if cfg.log_dir else run_dir / "logs"


def export_enabled(cfg: DictConfig) -> bool:
    return str(cfg.export.sink) != Sink.none


def prepare(cfg: DictConfig, *, seeds: bool = True) -> dict[str, RoleModel]:
    """Every check that can fail before a model is called (raises UserError).

    Args:
        cfg: The composed run config.
        seeds: Also check the seed selection (callers bringing their own seeds skip it).

    Returns:
        The resolved roles.
    """
    check_knobs(cfg)
    roles = resolve_roles(cfg)
    for warning in preflight(roles):
        print(f"petri_bt: warning: {warning}", file=sys.stderr)
    if seeds:
        check_seeds(seed_source(cfg.seeds), cfg.limit)
    return roles


def export_and_summarise(
    cfg: DictConfig,
    run_dir: Path,
    log_paths: list[Path],
    *,
    experiment: str | None = None,
    extra: dict[str, Any] | None = None,
    already_sent: Collection[str] = (),
) -> RunResult:
    """Export the logs (unless export is off), then write and print the run summary.

    Args:
        cfg: The composed run config.
        run_dir: The run folder (summary.json and any local bundle go here).
        log_paths: The logs to summarise and export.
        experiment: Experiment name (default: the exporter's stable name).
        extra: Further keys for summary.json.
        already_sent: Root row ids the live export delivered (not sent again).
    """
    result = RunResult(run_dir=run_dir, log_paths=log_paths)
    if export_enabled(cfg):
        from petri_bt.export import export_logs

        result.export = export_logs(
            log_paths,
            cfg.export,
            out_dir=run_dir,
            run_config=plain_config(cfg),
            experiment=experiment or cfg.export.experiment,
            already_sent=already_sent,
        )
        logs = [entry["run_summary"] for entry in result.export["logs"]]
    else:
        from petri_bt.export import summarise_log

        logs = [summarise_log(p) for p in log_paths]
    result.summary = {
        "run_dir": str(run_dir),
        "logs": logs,
        "samples": sum(e["samples"] for e in logs),
        "errors": sum(e["errors"] for e in logs),
        "export": result.export,
        **(extra or {}),
    }
    result.summary["ok"] = result.ok
    write_json(run_dir / "summary.json", result.summary)
    print(format_run_table(logs))
    log_dirs = sorted({str(p.parent) for p in log_paths})
    for folder in log_dirs:
        print(f"View the transcripts: inspect view --log-dir {folder}")
    print(f"Summary: {run_dir / 'summary.json'}")
    return result


def run_audit(cfg: DictConfig, run_dir: Path, *, experiment: str | None = None) -> RunResult:
    """Run one audit end to end: checks, Inspect eval, summary, export.

    Args:
        cfg: The composed run config.
        run_dir: The run folder.
        experiment: Braintrust experiment name (default: export.experiment or a stable name).
    """
    prepare(cfg)
    task = build_task(cfg)
    log_dir = log_dir_for(cfg, run_dir)
    live: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
    if cfg.export.live and export_enabled(cfg):
        from petri_bt.export import live_export

        live = live_export(cfg.export, run_config=plain_config(cfg), experiment=experiment)
    with live as exporter:
        logs = run_eval(cfg, [task], log_dir)
    log_paths = [Path(log.location) for log in logs]
    sent = exporter.confirmed if exporter is not None else ()
    return export_and_summarise(cfg, run_dir, log_paths, experiment=experiment, already_sent=sent)

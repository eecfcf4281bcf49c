"""Dispatch: the composed config decides the action (run, export, show, topics, ...)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import yaml
from omegaconf import DictConfig

from petri_bt._secrets import override_secrets, scrub_yaml_file
from petri_bt.config import Action
from petri_bt.errors import UserError

_SAVED = (".hydra/config.yaml", ".hydra/hydra.yaml", ".hydra/overrides.yaml")


def scrub_saved_config(run_dir: Path) -> None:
    """Rewrite Hydra's saved config with secrets redacted (see `petri_bt._secrets`)."""
    overrides_path = run_dir / ".hydra" / "overrides.yaml"
    overrides = yaml.safe_load(overrides_path.read_text()) if overrides_path.is_file() else []
    secrets = override_secrets(str(o) for o in overrides or [])
    for name in _SAVED:
        scrub_yaml_file(run_dir / name, secrets)


def discard_if_empty(run_dir: Path) -> None:
    """Remove a run folder that holds no result: no `.eval` log and no `summary.json`.

    Hydra's bookkeeping, its log file, or the start of an export that then failed are
    not results, and must not be mistaken for one.
    """
    if not run_dir.is_dir():
        return
    if (run_dir / "summary.json").exists() or any(run_dir.rglob("*.eval")):
        return
    shutil.rmtree(run_dir, ignore_errors=True)


def _action(cfg: DictConfig) -> Action:
    return Action(str(cfg.action))


def run_action(cfg: DictConfig, run_dir: Path) -> Any:
    """Carry out the configured action.

    Args:
        cfg: The composed run config.
        run_dir: The run folder for this job.

    Returns:
        The action's result: a `RunResult` (run, export), the study's summary dict,
        the upload summary dict, or None (show, topics, reprice).
    """
    action = _action(cfg)
    if action is Action.show:
        if cfg.study is not None:
            from petri_bt.study import show_study

            show_study(cfg)
        else:
            from petri_bt.show import show_run

            show_run(cfg)
        return None
    if action is Action.topics:
        from petri_bt.export import topics_init

        topics_init(cfg.export.project, dry_run=cfg.export.dry_run)
        return None
    if action is Action.upload:
        from petri_bt.export import upload_bundle

        if not cfg.export.bundle:
            raise UserError("action=upload needs export.bundle=<folder of a local export>")
        return upload_bundle(Path(cfg.export.bundle), cfg.export)
    if action is Action.reprice:
        from petri_bt.export import reprice_logs

        reprice_logs(_logs_to_read(cfg), cfg.export)
        return None
    if action is Action.run and cfg.study is not None:
        from petri_bt.study import run_study

        return run_study(cfg, run_dir)  # with from_logs: re-analysis, no model call
    if action is Action.export or cfg.from_logs:
        from petri_bt.run import export_and_summarise

        return export_and_summarise(cfg, run_dir, _logs_to_read(cfg))
    from petri_bt.run import run_audit

    return run_audit(cfg, run_dir, experiment=_experiment_name(cfg))


def succeeded(result: Any) -> bool:
    """Whether an action's result means everything it promised was done."""
    if result is None:
        return True
    if isinstance(result, dict):
        return bool(result.get("ok", True))
    return bool(result.ok)


def _logs_to_read(cfg: DictConfig) -> list[Path]:
    from petri_bt.export import resolve_log_paths

    if not cfg.from_logs:
        raise UserError("no logs given: add from_logs=[path/to/logs] (a file, a folder or a glob)")
    return resolve_log_paths(list(cfg.from_logs), cfg.export.pattern)


def _experiment_name(cfg: DictConfig) -> str | None:
    if cfg.export.experiment:
        return cfg.export.experiment
    from petri_bt.sweep import experiment_name_for_job

    return experiment_name_for_job(cfg)


def dispatch(cfg: DictConfig, run_dir: Path | None = None) -> bool:
    """Entry from Hydra: run the action, turning UserError into one line and exit 2.

    Args:
        cfg: The composed run config.
        run_dir: The run folder (default: Hydra's output folder for this job).
    """
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    hydra_cfg = HydraConfig.get() if HydraConfig.initialized() else None
    if run_dir is None:
        if hydra_cfg is None:
            raise RuntimeError("dispatch needs a run_dir outside a Hydra job")
        run_dir = Path(hydra_cfg.runtime.output_dir)
    scrub_saved_config(run_dir)
    multirun = hydra_cfg is not None and hydra_cfg.mode == RunMode.MULTIRUN
    try:
        ok = succeeded(run_action(cfg, run_dir))
    except UserError as exc:
        if multirun:
            raise
        print(f"petri_bt: error: {exc}", file=sys.stderr)
        discard_if_empty(run_dir)
        sys.exit(2)
    if _action(cfg) in {Action.show, Action.topics, Action.reprice}:
        discard_if_empty(run_dir)
    if not ok:
        if multirun:
            raise RuntimeError(f"job failed: see {run_dir / 'summary.json'}")
        sys.exit(1)
    return ok

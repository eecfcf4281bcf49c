"""Braintrust export: Inspect Petri logs -> experiments, project logs or a local bundle.

Public API (each loads its module, and with it any SDK, on first use, so the
command line and the study/sweep code can import this package for free):

- `resolve_log_paths(from_logs, pattern)`: the log files named by files, folders, globs.
- `export_logs(paths, settings, *, out_dir, run_config, experiment)`: export, return a summary.
- `reprice_logs(paths, settings)`: per-role cost, compute time and tokens/s, no export.
- `upload_bundle(bundle_dir, settings)`: send a local bundle to Braintrust.
- `topics_init(project, dry_run)`: enable Braintrust Topics through the `bt` CLI.
- `live_export(settings, *, run_config, experiment)`: an Inspect hook
  sending each sample as soon as it is scored, as a context manager around the eval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from petri_bt._lazy import lazy_exports

if TYPE_CHECKING:
    from petri_bt.export._live import live_export
    from petri_bt.export._pipeline import export_logs
    from petri_bt.export._reader import LogFile, LogReadError, resolve_log_paths
    from petri_bt.export._reprice import reprice_logs
    from petri_bt.export._settings import load_settings
    from petri_bt.export._topics import topics_init
    from petri_bt.export._upload import upload_bundle

_HOMES = {
    "LogFile": "petri_bt.export._reader",
    "LogReadError": "petri_bt.export._reader",
    "load_settings": "petri_bt.export._settings",
    "resolve_log_paths": "petri_bt.export._reader",
    "export_logs": "petri_bt.export._pipeline",
    "reprice_logs": "petri_bt.export._reprice",
    "upload_bundle": "petri_bt.export._upload",
    "topics_init": "petri_bt.export._topics",
    "live_export": "petri_bt.export._live",
}

__all__ = [
    "LogFile",
    "LogReadError",
    "export_logs",
    "load_settings",
    "live_export",
    "reprice_logs",
    "resolve_log_paths",
    "topics_init",
    "upload_bundle",
]


__getattr__ = lazy_exports(__name__, _HOMES)

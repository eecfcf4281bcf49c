"""Braintrust export: rows from Inspect Petri logs -> experiments, project logs or a local bundle.

Logs are read through `petri_bt.logs`; this package maps their samples to
Braintrust rows and sends them (sinks, the sender process, the live hook, bundle
upload, Topics).

Public API (each name loads its module, and with it any SDK, on first use, so
the command line and the study/sweep code can import this package for free):

- `export_logs(paths, settings, *, out_dir, run_config, experiment, already_sent)`:
  export, reading each log once; returns the export summary, with each log's
  run-summary figures under `logs[i]["run_summary"]`.
- `live_export(settings, *, run_config, experiment)`: an Inspect hook sending each
  sample as soon as it is scored, as a context manager around the eval.
- `reprice_logs(paths, settings)`: per-role cost, compute time and tokens/s of logs
  (`petri_bt.logs.usage_of_logs`), printed as a table; no export.
- `upload_bundle(bundle_dir, settings)`: send a local bundle to Braintrust.
- `topics_init(project, dry_run)`: enable Braintrust Topics through the `bt` CLI.
- `load_settings(settings)`, `sink_choice(settings)`, `require_api_key(what, hint)`:
  the `export` node as one validated object, the sink it resolves to, the key check.
- `sender_started_early()`: a block in which the Braintrust sender process is started
  ahead of an export, so the SDK is imported while other work goes on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from petri_bt._lazy import lazy_exports

if TYPE_CHECKING:
    from petri_bt.export._export import export_logs
    from petri_bt.export._live import LiveExport, live_export
    from petri_bt.export._reprice import reprice_logs
    from petri_bt.export._settings import load_settings, require_api_key, sink_choice
    from petri_bt.export._topics import topics_init
    from petri_bt.export._upload import upload_bundle
    from petri_bt.export.sinks import sender_started_early

_HOMES = {
    "load_settings": "petri_bt.export._settings",
    "require_api_key": "petri_bt.export._settings",
    "sink_choice": "petri_bt.export._settings",
    "export_logs": "petri_bt.export._export",
    "live_export": "petri_bt.export._live",
    "LiveExport": "petri_bt.export._live",
    "reprice_logs": "petri_bt.export._reprice",
    "upload_bundle": "petri_bt.export._upload",
    "topics_init": "petri_bt.export._topics",
    "sender_started_early": "petri_bt.export.sinks",
}

__all__ = [
    "LiveExport",
    "export_logs",
    "live_export",
    "load_settings",
    "reprice_logs",
    "require_api_key",
    "sender_started_early",
    "sink_choice",
    "topics_init",
    "upload_bundle",
]


__getattr__ = lazy_exports(__name__, _HOMES)

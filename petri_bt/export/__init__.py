"""Braintrust export: Inspect Petri logs -> experiments, project logs or a local bundle.

Public API (each name loads its module, and with it any SDK, on first use, so
the command line and the study/sweep code can import this package for free):

- `resolve_log_paths(from_logs, pattern)`: the log files named by a file, folder or
  glob, or a list of them (run and study folders are searched below).
- `export_logs(paths, settings, *, out_dir, run_config, experiment, already_sent)`:
  export, reading each log once; returns the export summary, with each log's
  run-summary figures under `logs[i]["run_summary"]`.
- `summarise_log(path)`: one log's run-summary figures, when nothing is exported.
- `live_export(settings, *, run_config, experiment)`: an Inspect hook sending each
  sample as soon as it is scored, as a context manager around the eval.
- `reprice_logs(paths, settings)`: per-role cost, compute time and tokens/s, no export;
  `usage_of_logs(paths, settings)`: the same figures, printing nothing; `LogUsage(spec,
  prices)`: one log's figures added sample by sample, for a reader streaming it anyway.
- `PriceTable(pricing)`: the shipped pricing table plus `export.pricing` overrides.
- `upload_bundle(bundle_dir, settings)`: send a local bundle to Braintrust.
- `topics_init(project, dry_run)`: enable Braintrust Topics through the `bt` CLI.
- `LogFile`, `LogReadError`, `SampleReadError`, `sample_name_key`: read a log
  sample by sample as plain JSON, without importing Inspect.
- `SampleText`: a stored sample's attachments and message pool, resolved.
- `roles_in_spec(eval_spec)`: role -> model string as a log header records them.
- `usage_by_turn(sample, model_roles)`: a sample's tokens per role, auditor turn by turn.
- `raw_score(value)`, `dimension_table(eval_spec, overrides)`, `direction_of(table, name)`,
  `split_justification(text, names)`: a judge value as a usable 1-10 score, each
  dimension's direction, and each dimension's part of the judge's justification.
- `sender_started_early()`: a block in which the Braintrust sender process is started
  ahead of an export, so the SDK is imported while other work goes on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from petri_bt._lazy import lazy_exports

if TYPE_CHECKING:
    from petri_bt.export._context import roles_in_spec
    from petri_bt.export._cost import PriceTable
    from petri_bt.export._export import export_logs
    from petri_bt.export._live import live_export
    from petri_bt.export._log_figures import summarise_log
    from petri_bt.export._paths import resolve_log_paths
    from petri_bt.export._reader import LogFile, LogReadError, SampleReadError, sample_name_key
    from petri_bt.export._reprice import LogUsage, reprice_logs, usage_of_logs
    from petri_bt.export._scores import (
        dimension_table,
        direction_of,
        raw_score,
        split_justification,
    )
    from petri_bt.export._settings import load_settings, require_api_key, sink_choice
    from petri_bt.export._topics import topics_init
    from petri_bt.export._transcript import SampleText
    from petri_bt.export._upload import upload_bundle
    from petri_bt.export._usage import usage_by_turn
    from petri_bt.export.sinks import sender_started_early

_HOMES = {
    "load_settings": "petri_bt.export._settings",
    "require_api_key": "petri_bt.export._settings",
    "sink_choice": "petri_bt.export._settings",
    "resolve_log_paths": "petri_bt.export._paths",
    "export_logs": "petri_bt.export._export",
    "summarise_log": "petri_bt.export._log_figures",
    "live_export": "petri_bt.export._live",
    "reprice_logs": "petri_bt.export._reprice",
    "usage_of_logs": "petri_bt.export._reprice",
    "LogUsage": "petri_bt.export._reprice",
    "PriceTable": "petri_bt.export._cost",
    "dimension_table": "petri_bt.export._scores",
    "direction_of": "petri_bt.export._scores",
    "raw_score": "petri_bt.export._scores",
    "split_justification": "petri_bt.export._scores",
    "upload_bundle": "petri_bt.export._upload",
    "topics_init": "petri_bt.export._topics",
    "LogFile": "petri_bt.export._reader",
    "LogReadError": "petri_bt.export._reader",
    "SampleReadError": "petri_bt.export._reader",
    "sample_name_key": "petri_bt.export._reader",
    "SampleText": "petri_bt.export._transcript",
    "sender_started_early": "petri_bt.export.sinks",
    "roles_in_spec": "petri_bt.export._context",
    "usage_by_turn": "petri_bt.export._usage",
}

__all__ = [
    "LogFile",
    "LogUsage",
    "PriceTable",
    "LogReadError",
    "SampleReadError",
    "SampleText",
    "dimension_table",
    "direction_of",
    "export_logs",
    "load_settings",
    "live_export",
    "raw_score",
    "reprice_logs",
    "require_api_key",
    "resolve_log_paths",
    "roles_in_spec",
    "sample_name_key",
    "sink_choice",
    "sender_started_early",
    "split_justification",
    "summarise_log",
    "topics_init",
    "upload_bundle",
    "usage_by_turn",
    "usage_of_logs",
]


__getattr__ = lazy_exports(__name__, _HOMES)

"""Logs -> rows -> sink, one sample at a time, in bounded batches.

Each log is read sample by sample, mapped to rows, and sent in batches of
`export.batch_size` samples; a batch counts as exported only once the sink has
accepted every row of it. A batch that still fails after the sink's retries
marks its samples as failed (the summary names them) and the export goes on; two
failed batches in a row stop sending for that log. Rows have deterministic ids,
so running the same export again sends only what is missing in effect: rows that
arrived are replaced by identical ones.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petri_bt._dimensions import JUDGE_SCORER
from petri_bt.errors import UserError
from petri_bt.export._cost import PriceTable
from petri_bt.export._dimensions import dimension_table
from petri_bt.export._ids import default_experiment_name, log_identity
from petri_bt.export._mapping import (
    SOURCE,
    LogContext,
    SampleRows,
    SkipSample,
    map_sample,
    promote_scores,
    sample_key,
)
from petri_bt.export._reader import (
    LogFile,
    LogReadError,
    SampleReadError,
    is_petri,
    sample_name_key,
)
from petri_bt.export._settings import ExportSettings, load_settings, resolve_sink
from petri_bt.export._usage import UsageTotals, overhead_ratio
from petri_bt.export.sinks import EXPERIMENT, PROJECT_LOGS, Destination, SendError, Sink, make_sink

MAX_BATCH_ROWS = 2000  # rows held before a flush, whatever the batch size in samples
STOP_AFTER_FAILED_BATCHES = 2


def petri_bt_version() -> str:
    from petri_bt._version import __version__

    return __version__


def versions(eval_spec: dict[str, Any]) -> dict[str, str | None]:
    packages = eval_spec.get("packages") or {}
    return {
        "petri_bt": petri_bt_version(),
        "inspect_ai": packages.get("inspect_ai"),
        "inspect_petri": packages.get("inspect_petri"),
    }


def model_roles(eval_spec: dict[str, Any]) -> dict[str, str]:
    roles = {
        str(role): str(value.get("model"))
        for role, value in (eval_spec.get("model_roles") or {}).items()
        if isinstance(value, dict) and value.get("model")
    }
    if not roles and eval_spec.get("model") and eval_spec.get("model") != "none/none":
        roles["target"] = str(eval_spec["model"])
    return roles


def _expected_dimensions(eval_spec: dict[str, Any]) -> tuple[str, ...] | None:
    arg = (eval_spec.get("task_args") or {}).get("judge_dimensions")
    if arg is None:
        from petri_bt.export._dimensions import builtin_directions

        return tuple(builtin_directions())
    if isinstance(arg, list):
        names = [
            a if isinstance(a, str) else a.get("name") for a in arg if isinstance(a, str | dict)
        ]
        return tuple(str(n) for n in names if n)
    return None


def log_context(
    eval_spec: dict[str, Any], settings: ExportSettings, prices: PriceTable, log_path: str
) -> LogContext:
    """What the mapping needs from a log header (or a live run's eval spec)."""
    return LogContext(
        eval_id=str(eval_spec.get("eval_id") or eval_spec.get("run_id") or log_path),
        identity=log_identity(eval_spec) or log_path,
        log_path=log_path,
        run_id=eval_spec.get("run_id"),
        task=str(eval_spec.get("task") or "audit"),
        created=eval_spec.get("created"),
        model_roles=model_roles(eval_spec),
        versions=versions(eval_spec),
        dimensions=dimension_table(eval_spec, settings.dimension_directions),
        expected_dimensions=_expected_dimensions(eval_spec),
        prices=prices,
        traces=settings.traces,
        include_events=settings.include_events,
        keep_inverted_scores=settings.keep_inverted_scores,
        llm_input=settings.llm_input,
    )


def scrub_secrets(value: Any) -> Any:
    """Redact secret-looking keys, and any secret environment value wherever it appears."""
    from petri_bt._secrets import environment_secrets, scrub

    return scrub(value, environment_secrets())


def experiment_metadata(
    eval_spec: dict[str, Any], log_path: str, status: str | None, run_config: dict[str, Any] | None
) -> dict[str, Any]:
    """Experiment-level metadata: where the rows came from and how the run was set up."""
    metadata = {
        "source": SOURCE,
        "task": eval_spec.get("task"),
        "eval_id": eval_spec.get("eval_id"),
        "run_id": eval_spec.get("run_id"),
        "created": eval_spec.get("created"),
        "source_log": log_path,
        "log_status": status,
        "model_roles": model_roles(eval_spec),
        "versions": versions(eval_spec),
        "task_args": eval_spec.get("task_args_passed") or eval_spec.get("task_args") or {},
        "run_config": run_config,
    }
    return scrub_secrets(metadata)


# -- summary figures -------------------------------------------------------------


@dataclass
class Totals:
    samples: int = 0
    rows: int = 0
    skipped: int = 0
    failed: int = 0
    unscored: int = 0
    usage: UsageTotals = field(default_factory=UsageTotals)

    def as_dict(self, logs: int) -> dict[str, Any]:
        cost = self.usage.by_role("cost_usd")
        tokens = {
            role: {
                "input": u["input_tokens"],
                "output": u["output_tokens"],
                "cache_read": u["cache_read_tokens"],
                "cache_write": u["cache_write_tokens"],
                "total": u["total_tokens"],
            }
            for role, u in self.usage.roles.items()
        }
        return {
            "logs": logs,
            "samples": self.samples,
            "skipped": self.skipped,
            "failed": self.failed,
            "unscored": self.unscored,
            "rows": self.rows,
            "cost_usd": {
                "by_role": {r: round(v, 6) for r, v in sorted(cost.items())},
                "total": round(sum(cost.values()), 6),
            },
            "auditing_overhead_ratio": overhead_ratio(cost, 4),
            "auditing_overhead_tokens_ratio": overhead_ratio(self.usage.by_role("total_tokens"), 4),
            "tokens": {
                "by_role": dict(sorted(tokens.items())),
                "total": sum(t["total"] for t in tokens.values()),
            },
            "unpriced_models": self.usage.unpriced(),
        }


# -- one log ---------------------------------------------------------------------


@dataclass
class _Batch:
    samples: list[SampleRows] = field(default_factory=list)
    rows: int = 0

    def add(self, sample: SampleRows) -> None:
        self.samples.append(sample)
        self.rows += len(sample.rows)


class LogExport:
    """Exports one log into its destinations (used by the pipeline and by upload).

    Args:
        sink: Where rows go.
        destinations: The opened experiment and/or project logs.
        settings: The export settings.
        totals: The running totals of the whole export.
        summary: This log's summary entry (filled in place).
    """

    def __init__(
        self,
        sink: Sink,
        destinations: list[Destination],
        settings: ExportSettings,
        totals: Totals,
        summary: dict[str, Any],
    ):
        self.sink = sink
        self.destinations = destinations
        self.settings = settings
        self.totals = totals
        self.summary = summary
        self._batch = _Batch()
        self._failed_batches = 0
        self.stopped: str | None = None

    def add(self, sample: SampleRows) -> None:
        if self.stopped:
            self.fail_unsent(sample.key)
            return
        self._batch.add(sample)
        if (
            len(self._batch.samples) >= self.settings.batch_size
            or self._batch.rows >= MAX_BATCH_ROWS
        ):
            self.flush()

    def flush(self) -> None:
        batch, self._batch = self._batch, _Batch()
        if not batch.samples:
            return
        rows = [row for s in batch.samples for row in s.rows]
        sent = 0
        try:
            for destination, out in destination_rows(self.destinations, rows):
                self.sink.send(destination, out)
                sent += len(out)
        except SendError as ex:
            self._failed_batches += 1
            self.summary["rows"] += sent
            self.totals.rows += sent
            self._fail([s.key for s in batch.samples], str(ex))
            if self._failed_batches >= STOP_AFTER_FAILED_BATCHES:
                self.stopped = f"not sent: {self.sink.name} kept failing ({ex})"
            return
        self._failed_batches = 0
        self.summary["exported"] += len(batch.samples)
        self.summary["rows"] += sent
        self.totals.samples += len(batch.samples)
        self.totals.rows += sent
        for s in batch.samples:
            self.totals.usage.add(s.usage)
            if not s.scored:
                self.totals.unscored += 1
                self.summary["unscored"].append({"sample": s.key, "reason": s.unscored_reason})

    def fail_unsent(self, key: str) -> None:
        self._fail([key], self.stopped or "not sent")

    def _fail(self, keys: list[str], error: str) -> None:
        self.totals.failed += len(keys)
        self.summary["failed"].extend({"sample": k, "error": error} for k in keys)

    def skip(self, key: str, reason: str) -> None:
        self.totals.skipped += 1
        self.summary["skipped"].append({"sample": key, "reason": reason})


def _log_summary(path: Path) -> dict[str, Any]:
    return {
        "log": str(path),
        "status": None,
        "eval_id": None,
        "task": None,
        "experiment": None,
        "project_logs": None,
        "samples": 0,
        "exported": 0,
        "rows": 0,
        "skipped": [],
        "unscored": [],
        "failed": [],
        "error": None,
    }


def _progress(total: int, label: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=label[:40],
        unit="sample",
        disable=None if enabled else True,  # None: only on a terminal
        file=sys.stderr,
        mininterval=0.5,
        dynamic_ncols=True,
    )


def experiment_name(
    eval_spec: dict[str, Any], override: str | None, settings: ExportSettings, many: bool
) -> str:
    """The experiment a log (or a live task) goes to.

    Args:
        eval_spec: The log header's `eval` node.
        override: A name given by the caller (else `export.experiment`, else the default).
        settings: The export settings.
        many: Several logs or tasks share the given name: each gets its id appended.
    """
    name = override or settings.experiment
    if not name:
        return default_experiment_name(eval_spec)
    # One log is one experiment: with several logs, the given name gets each log's id.
    return f"{name}-{log_identity(eval_spec)[:6]}" if many else name


def destination_rows(
    destinations: list[Destination], rows: list[dict[str, Any]]
) -> Iterator[tuple[Destination, list[dict[str, Any]]]]:
    """Each destination with the rows it takes (project logs get the scores promoted)."""
    for destination in destinations:
        yield destination, promote_scores(rows) if destination.kind == PROJECT_LOGS else rows


def open_destinations(
    sink: Sink,
    settings: ExportSettings,
    eval_spec: dict[str, Any],
    name: str,
    metadata: dict[str, Any],
) -> list[Destination]:
    key = str(eval_spec.get("eval_id") or name)
    destinations: list[Destination] = []
    if settings.to_experiment:
        destinations.append(sink.open(EXPERIMENT, name, metadata, key))
    if settings.to_logs:
        destinations.append(sink.open(PROJECT_LOGS, "logs", {}, key))
    return destinations


def export_log(
    path: Path,
    sink: Sink,
    settings: ExportSettings,
    prices: PriceTable,
    totals: Totals,
    *,
    run_config: dict[str, Any] | None,
    experiment: str | None,
    many: bool,
) -> dict[str, Any]:
    """Export one log file; never raises for bad data (the summary says what happened)."""
    summary = _log_summary(path)
    try:
        log = LogFile(path)
    except LogReadError as ex:
        summary["error"] = str(ex)
        return summary
    with log:
        spec = log.eval_spec
        summary.update(status=log.status, eval_id=spec.get("eval_id"), task=spec.get("task"))
        if not is_petri(spec):
            summary["error"] = (
                f"{path}: not a Petri audit log (task {spec.get('task')!r} has no {JUDGE_SCORER} "
                "scorer); nothing exported"
            )
            return summary
        names = log.sample_names()
        summary["samples"] = len(names)
        name = experiment_name(spec, experiment, settings, many)
        metadata = experiment_metadata(spec, str(path), log.status, run_config)
        destinations = open_destinations(sink, settings, spec, name, metadata)
        for d in destinations:
            entry = {"name": d.name, "id": d.id, "url": d.url}
            summary["experiment" if d.kind == EXPERIMENT else "project_logs"] = entry
        ctx = log_context(spec, settings, prices, str(path))
        export = LogExport(sink, destinations, settings, totals, summary)
        with _progress(len(names), path.name, settings.progress) as bar:
            for member, sample in log.samples():
                bar.update(1)
                if isinstance(sample, SampleReadError):
                    export.skip(sample_name_key(member), str(sample))
                    continue
                if export.stopped:  # the sink gave up on this log: list the rest as not sent
                    export.fail_unsent(sample_key(sample))
                    continue
                try:
                    export.add(map_sample(sample, ctx))
                except SkipSample as ex:
                    export.skip(sample_key(sample), str(ex))
                except Exception as ex:  # a sample shaped in a way we did not foresee
                    export.skip(
                        sample_key(sample), f"could not be mapped ({type(ex).__name__}: {ex})"[:300]
                    )
            export.flush()
        if settings.to_logs:
            _topics_note(sink, destinations, settings, summary)
    return summary


def _topics_note(
    sink: Sink, destinations: list[Destination], settings: ExportSettings, summary: dict[str, Any]
) -> None:
    logs = next((d for d in destinations if d.kind == PROJECT_LOGS), None)
    if logs is None:
        return
    count = sink.trace_count(logs)
    counted = "in the project"
    if count is None:
        count, counted = summary["exported"], "in this export"
    # Braintrust indexes new rows with a lag: what this export just sent counts regardless.
    count = max(count, summary["exported"])
    summary["project_logs"]["traces"] = count
    if count < settings.topics_min_traces:
        print(
            f"petri_bt: warning: {count} Petri traces {counted}; Braintrust Topics needs about "
            f"{settings.topics_min_traces} before it clusters (raise `limit` or export more runs "
            f"into project {settings.project!r})",
            file=sys.stderr,
        )


def _report_failures(summary: dict[str, Any]) -> None:
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
        "petri_bt: rerun the same export to complete it: rows already delivered are replaced, never duplicated",
        file=sys.stderr,
    )


def export_logs(
    paths: list[Path] | list[str],
    settings: Any,
    *,
    out_dir: Path | str,
    run_config: dict[str, Any] | None = None,
    experiment: str | None = None,
) -> dict[str, Any]:
    """Export Inspect Petri logs to Braintrust (or a local bundle).

    Args:
        paths: The `.eval` logs (see `resolve_log_paths`).
        settings: The `export` config node (DictConfig, ExportConfig or dict).
        out_dir: The run folder; a local bundle is written there.
        run_config: The composed run config as plain data (secrets excluded), for
            experiment metadata.
        experiment: Experiment name override (default: task, target and date of each log).

    Returns:
        A JSON-serialisable summary; `ok` is False when any sample failed to send.

    Raises:
        UserError: Braintrust cannot be reached or rejects the key, or no log could be read.
    """
    out_dir = Path(out_dir)
    s = load_settings(settings)
    kind = resolve_sink(s)
    summary: dict[str, Any] = {"sink": kind, "project": s.project, "mode": s.mode, "logs": []}
    totals = Totals()
    if kind == "none":
        summary.update(ok=True, totals=totals.as_dict(0))
        return summary
    prices = PriceTable(s.pricing)
    sink = make_sink(kind, s, out_dir)
    paths = [Path(p) for p in paths]
    try:
        for path in paths:
            summary["logs"].append(
                export_log(
                    path,
                    sink,
                    s,
                    prices,
                    totals,
                    run_config=run_config,
                    experiment=experiment,
                    many=len(paths) > 1,
                )
            )
    finally:
        summary.update(sink.close())
    unreadable = [log for log in summary["logs"] if log["error"]]
    for log in unreadable:
        print(f"petri_bt: warning: {log['error']}", file=sys.stderr)
    if paths and len(unreadable) == len(paths):
        raise UserError(
            unreadable[0]["error"]
            if len(paths) == 1
            else f"none of the {len(paths)} logs could be exported; first: {unreadable[0]['error']}"
        )
    summary["totals"] = totals.as_dict(len(paths) - len(unreadable))
    summary["ok"] = totals.failed == 0
    _report_failures(summary)
    return summary

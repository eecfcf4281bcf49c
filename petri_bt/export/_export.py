"""Export logs: each read once, mapped here and sent from a process of its own.

The log headers are read first (experiment names and metadata need them), and
the sink is made meanwhile: for Braintrust, a helper process that imports the
SDK and logs in (`sinks._process`; the command line may have started it before
Hydra composed). Then every sample is streamed: added to its log's run-summary
figures and mapped to rows, which go in verified batches (see `_sending`) to the
helper while the next batch is mapped. Memory stays flat however long the log.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from petri_bt._dimensions import JUDGE_SCORER
from petri_bt.errors import UserError
from petri_bt.export._context import (
    LogContext,
    experiment_metadata,
    log_context,
    progress_label,
)
from petri_bt.export._mapping import SampleRows, SkipSample, map_sample, sample_key
from petri_bt.export._messages import print_destinations, report_failures, topics_note
from petri_bt.export._sending import LogSender, Totals, open_destinations
from petri_bt.export._settings import ExportSettings, load_settings, resolve_sink
from petri_bt.export.sinks import PROJECT_LOGS, Destination, RowSink, make_sink
from petri_bt.logs import (
    LogFigures,
    LogFile,
    LogReadError,
    PriceTable,
    SampleReadError,
    is_petri,
    sample_name_key,
    unreadable_figures,
)
from petri_bt.naming import experiment_of_log


@dataclass
class _Log:
    """One log of the export, as its header describes it."""

    path: Path
    entry: dict[str, Any]  # its entry in the export summary
    figures: LogFigures | None = None
    ctx: LogContext | None = None
    spec: dict[str, Any] | None = None
    experiment: str | None = None
    petri: bool = False


@dataclass
class _Read:
    """What the reader hands the sender: a mapped sample, a skipped one, or the log's end."""

    log: _Log
    rows: SampleRows | None = None
    skipped: tuple[str, str] | None = None  # (sample key, reason)
    done: bool = False


def _entry(path: Path) -> dict[str, Any]:
    return {
        "log": str(path),
        "source_log": str(path.resolve()),
        "status": None,
        "eval_id": None,
        "task": None,
        "experiment": None,
        "project_logs": None,
        "samples": 0,
        "exported": 0,
        "sent_live": 0,
        "rows": 0,
        "skipped": [],
        "unscored": [],
        "failed": [],
        "error": None,
        "run_summary": None,
    }


def _open_logs(
    paths: list[Path], settings: ExportSettings, prices: PriceTable, experiment: str | None
) -> list[_Log]:
    """Every log's header, experiment name and mapping context (no sample is read)."""
    logs: list[_Log] = []
    for path in paths:
        log = _Log(path, _entry(path))
        logs.append(log)
        try:
            with LogFile(path) as f:
                header, status, samples = f.header, f.status, len(f.sample_names())
        except LogReadError as ex:
            log.entry["error"] = str(ex)
            log.entry["run_summary"] = unreadable_figures(path, str(ex))
            continue
        spec = header["eval"]
        log.spec, log.figures = spec, LogFigures(path, header, status)
        log.entry.update(
            status=status, eval_id=spec.get("eval_id"), task=spec.get("task"), samples=samples
        )
        if not is_petri(spec):
            log.entry["error"] = (
                f"{path}: not a Petri audit log (task {spec.get('task')!r} has no {JUDGE_SCORER} "
                "scorer); nothing exported"
            )
            continue
        log.petri = True
        log.experiment = experiment_of_log(spec, experiment)
        log.ctx = log_context(spec, settings, prices, log.entry["source_log"])
    return logs


def _metadata_by_experiment(
    logs: list[_Log], run_config: dict[str, Any] | None
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[tuple[dict[str, Any], str, str | None]]] = {}
    for log in logs:
        if log.petri and log.experiment and log.spec is not None:
            groups.setdefault(log.experiment, []).append(
                (log.spec, log.entry["source_log"], log.entry["status"])
            )
    return {name: experiment_metadata(group, run_config) for name, group in groups.items()}


def _read(logs: list[_Log]) -> Iterator[_Read]:
    """Stream every readable log: figures for all, rows for Petri audits."""
    for log in logs:
        if log.figures is None:
            continue
        try:
            f = LogFile(log.path)
        except LogReadError as ex:  # readable a moment ago: changed under us
            log.entry["error"] = str(ex)
            yield _Read(log, done=True)
            continue
        with f:
            for member, sample in f.samples():
                log.figures.add(sample)
                if log.ctx is None:  # not a Petri audit: figures only
                    continue
                if isinstance(sample, SampleReadError):
                    yield _Read(log, skipped=(sample_name_key(member), str(sample)))
                    continue
                try:
                    yield _Read(log, rows=map_sample(sample, log.ctx))
                except SkipSample as ex:
                    yield _Read(log, skipped=(sample_key(sample), str(ex)))
                except Exception as ex:  # a sample shaped in a way we did not foresee
                    reason = f"could not be mapped ({type(ex).__name__}: {ex})"[:300]
                    yield _Read(log, skipped=(sample_key(sample), reason))
        yield _Read(log, done=True)


class _NoProgress:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, label: str, enabled: bool) -> Any:
    """A progress bar on a terminal (tqdm, imported only then)."""
    if not enabled or not sys.stderr.isatty():
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=label[:60],
        unit="sample",
        file=sys.stderr,
        mininterval=0.5,
        dynamic_ncols=True,
    )


class _Sender:
    """The sending side: destinations, one `LogSender` per log, progress and figures."""

    def __init__(
        self,
        sink: Future[RowSink],
        settings: ExportSettings,
        metadata: dict[str, dict[str, Any]],
        already_sent: Collection[str],
    ):
        self._sink = sink
        self._settings = settings
        self._metadata = metadata
        self._already_sent = already_sent
        self.totals = Totals()
        self.opened: dict[tuple[str, str], Destination] = {}
        self._log: _Log | None = None
        self._sender: LogSender | None = None
        self._bar: Any = None

    def take(self, item: _Read) -> None:
        if not item.log.petri:
            return
        if item.log is not self._log:
            self._start(item.log)
        sender = self._sender
        assert sender is not None
        if item.done:
            self._finish(item.log)
            return
        self._bar.update(1)
        if item.skipped is not None:
            sender.skip(*item.skipped)
        elif item.rows is not None:
            if sender.stopped:  # the sink gave up on this log: list the rest as not sent
                sender.not_sent(item.rows.key)
            elif item.rows.root_id in self._already_sent:
                sender.sent_before(item.rows)
            else:
                sender.add(item.rows)

    def _start(self, log: _Log) -> None:
        assert log.experiment is not None and log.spec is not None
        sink = self._sink.result()  # waits for the SDK and the login, raises what they raised
        key = str(log.spec.get("eval_id") or log.experiment)
        destinations = open_destinations(
            sink, self._settings, key, log.experiment, self._metadata[log.experiment], self.opened
        )
        for d in destinations:
            log.entry["experiment" if d.kind != PROJECT_LOGS else "project_logs"] = {
                "name": d.name,
                "id": d.id,
                "url": d.url,
            }
        self._log = log
        self._sender = LogSender(
            sink, destinations, self._settings.batch_size, self.totals, log.entry
        )
        self._bar = _progress(
            log.entry["samples"], progress_label(log.spec), self._settings.progress
        )

    def _finish(self, log: _Log) -> None:
        assert self._sender is not None
        self._sender.finish()
        self._bar.close()
        logs = next((d for d in self._sender.destinations if d.kind == PROJECT_LOGS), None)
        if logs is not None:
            topics_note(self._sink.result(), logs, self._settings, log.entry)
        self._log = self._sender = self._bar = None

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _merged(destinations: Iterable[Destination]) -> list[dict[str, Any]]:
    """One entry per Braintrust object: the project logs several logs went to are one."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for d in destinations:
        key = (d.kind, d.id, d.url) if d.id or d.url else (d.kind, d.name, id(d))
        if key in merged:
            merged[key]["rows"] += d.rows
        else:
            merged[key] = d.describe()
    return list(merged.values())


def export_logs(
    paths: list[Path] | list[str],
    settings: Any,
    *,
    out_dir: Path | str,
    run_config: dict[str, Any] | None = None,
    experiment: str | None = None,
    already_sent: Collection[str] = (),
    announce: bool = True,
) -> dict[str, Any]:
    """Export Inspect Petri logs to Braintrust (or a local bundle), reading each log once.

    Args:
        paths: The `.eval` logs (see `resolve_log_paths`).
        settings: The `export` config node (DictConfig, ExportConfig or dict);
            its `experiment` is not consulted (the caller passes `experiment`).
        out_dir: The run folder; a local bundle is written there.
        run_config: The composed run config as plain data (secrets excluded), for
            experiment metadata.
        experiment: One experiment for every log; None gives each log its stable
            default name (task, target, date and log id).
        already_sent: Root row ids of samples the live export has delivered
            (`LiveExport.confirmed`): counted, not sent again.
        announce: Print the line saying where the export goes (a runner that printed
            it already passes False).

    Returns:
        A JSON-serialisable summary: sink, project, mode, `logs` (per log: what was
        exported, skipped, failed, and `run_summary`, the log's run-summary figures as
        `summarise_log` gives them), `destinations` (each experiment or project logs
        with its URL and rows), `totals`, and `ok` (False when any sample failed to send).

    Raises:
        UserError: Braintrust cannot be reached or rejects the key, or no log could be read.
    """
    s = load_settings(settings)
    kind = resolve_sink(s, announce=announce)
    summary: dict[str, Any] = {"sink": kind, "project": s.project, "mode": s.mode, "logs": []}
    if kind == "none":
        summary.update(ok=True, destinations=[], totals=Totals().as_dict(0))
        return summary
    paths = [Path(p) for p in paths]
    with ThreadPoolExecutor(1, thread_name_prefix="petri_bt-sink") as pool:
        sink_future = pool.submit(make_sink, kind, s, Path(out_dir), own_process=True)
        logs = _open_logs(paths, s, PriceTable(s.pricing), experiment)
        summary["logs"] = [log.entry for log in logs]
        sender = _Sender(
            sink_future, s, _metadata_by_experiment(logs, run_config), set(already_sent)
        )
        try:
            with contextlib.closing(_read(logs)) as items:
                for item in items:
                    sender.take(item)
        finally:
            sender.close()
            if sink_future.exception() is None:
                summary.update(sink_future.result().close())
    for log in logs:
        if log.figures is not None:
            log.entry["run_summary"] = log.figures.as_dict()
    summary["destinations"] = _merged(sender.opened.values())
    unreadable = [log.entry for log in logs if log.entry["error"]]
    if paths and len(unreadable) == len(paths):  # said once, as the error
        problems = [entry["error"] for entry in unreadable]
        if len(paths) > 1:
            problems.insert(0, f"none of the {len(paths)} logs could be exported:")
        raise UserError("\n".join(problems))
    for entry in unreadable:
        print(f"petri_bt: warning: {entry['error']}", file=sys.stderr)
    summary["totals"] = sender.totals.as_dict(len(paths) - len(unreadable))
    summary["ok"] = sender.totals.failed == 0
    print_destinations(summary)
    report_failures(summary)
    return summary

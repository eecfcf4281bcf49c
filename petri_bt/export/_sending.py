"""Sending one log's mapped samples in bounded, verified batches.

A batch counts as exported only once the sink has accepted every row of it. A
batch that still fails after the sink's retries marks its samples as failed
(the summary names them) and the export goes on; two failed batches in a row stop
sending for that log, and its remaining samples are listed as not sent. Rows have
deterministic ids, so running the same export again replaces what arrived and
completes what did not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from petri_bt.export._mapping import SampleRows, promote_scores
from petri_bt.export.sinks import EXPERIMENT, PROJECT_LOGS, Destination, RowSink, SendError
from petri_bt.logs import UsageTotals

MAX_BATCH_ROWS = 150  # rows held before a flush, whatever the batch size in samples
STOP_AFTER_FAILED_BATCHES = 2


@dataclass
class Totals:
    """Figures of a whole export, over every log."""

    samples: int = 0
    rows: int = 0
    skipped: int = 0
    failed: int = 0
    unscored: int = 0
    usage: UsageTotals = field(default_factory=UsageTotals)

    def as_dict(self, logs: int) -> dict[str, Any]:
        """The export summary's `totals`.

        Args:
            logs: How many logs were exported (read and a Petri audit).
        """
        return {
            "logs": logs,
            "samples": self.samples,
            "skipped": self.skipped,
            "failed": self.failed,
            "unscored": self.unscored,
            "rows": self.rows,
            **self.usage.export_figures(),
        }


def destination_rows(
    destinations: list[Destination], rows: list[dict[str, Any]]
) -> Iterator[tuple[Destination, list[dict[str, Any]]]]:
    """Each destination with the rows it takes (project logs get the scores promoted)."""
    for destination in destinations:
        yield destination, promote_scores(rows) if destination.kind == PROJECT_LOGS else rows


def open_destinations(
    sink: RowSink,
    settings: Any,
    key: str,
    name: str,
    metadata: dict[str, Any],
    opened: dict[tuple[str, str], Destination] | None = None,
) -> list[Destination]:
    """The experiment and/or project logs a log's rows go to, each opened once per export.

    Args:
        sink: The sink.
        settings: The export settings (`mode`).
        key: The log's eval id (names a local bundle's project-logs file).
        name: The experiment name.
        metadata: The experiment metadata.
        opened: Destinations already opened in this export, by (kind, name or key).
    """
    opened = {} if opened is None else opened
    wanted = []
    if settings.to_experiment:
        wanted.append((EXPERIMENT, name, metadata))
    if settings.to_logs:
        wanted.append((PROJECT_LOGS, key, {}))
    destinations = []
    for kind, label, meta in wanted:
        if (kind, label) not in opened:
            if kind == EXPERIMENT:
                opened[kind, label] = sink.open(EXPERIMENT, label, meta, key)
            else:
                opened[kind, label] = sink.open(PROJECT_LOGS, "logs", {}, label)
        destinations.append(opened[kind, label])
    return destinations


def submit(
    sink: RowSink, destination: Destination, rows: list[dict[str, Any]]
) -> Callable[[], None]:
    """Hand rows to the sink; the returned call waits until they are accepted, raising
    `SendError` if they are not. A sink with `submit` sends meanwhile (in its own
    process); any other sends here and now."""
    own = getattr(sink, "submit", None)
    try:
        if own is not None:
            return own(destination, rows)
        sink.send(destination, rows)
    except SendError as ex:
        error = ex

        def failed() -> None:
            raise error

        return failed
    return lambda: None


@dataclass
class _InFlight:
    """A submitted batch: its samples (their rows already handed to the sink), and per
    destination the row count and the wait."""

    batch: list[SampleRows]
    waits: list[tuple[Destination, int, Callable[[], None]]]


class LogSender:
    """Sends one log's samples into its destinations and keeps its summary entry.

    Args:
        sink: Where rows go.
        destinations: The opened experiment and/or project logs.
        batch_size: Samples per batch.
        totals: The running totals of the whole export.
        entry: This log's summary entry (filled in place).
    """

    def __init__(
        self,
        sink: RowSink,
        destinations: list[Destination],
        batch_size: int,
        totals: Totals,
        entry: dict[str, Any],
    ):
        self.sink = sink
        self.destinations = destinations
        self.batch_size = batch_size
        self.totals = totals
        self.entry = entry
        self._batch: list[SampleRows] = []
        self._batch_rows = 0
        self._in_flight: _InFlight | None = None
        self._failed_batches = 0
        self.stopped: str | None = None

    def add(self, sample: SampleRows) -> None:
        """Queue a sample for sending (sent when its batch is full)."""
        if self.stopped:
            self._fail([sample.key], self.stopped)
            return
        self._batch.append(sample)
        self._batch_rows += len(sample.rows)
        if len(self._batch) >= self.batch_size or self._batch_rows >= MAX_BATCH_ROWS:
            self.flush()

    def sent_before(self, sample: SampleRows) -> None:
        """Count a sample that the live export already delivered (nothing is sent again)."""
        self.entry["sent_live"] += 1
        for destination in self.destinations:
            destination.rows += len(sample.rows)
        self._count([sample], len(sample.rows) * len(self.destinations))

    def flush(self) -> None:
        """Submit the batch. One batch is in flight at a time: the one before is settled
        first, so a sink sending in its own process works while the next batch is mapped."""
        self.settle()
        batch, self._batch, self._batch_rows = self._batch, [], 0
        if not batch:
            return
        if self.stopped:  # the batch before failed once more while this one was filled
            self._fail([s.key for s in batch], self.stopped)
            return
        rows = [row for sample in batch for row in sample.rows]
        waits = [
            (destination, len(out), submit(self.sink, destination, out))
            for destination, out in destination_rows(self.destinations, rows)
        ]
        # The sink has the rows now; keep only what the count needs, so memory holds
        # one batch being filled, not two.
        self._in_flight = _InFlight([replace(s, rows=[]) for s in batch], waits)

    def finish(self) -> None:
        """Send what is left and wait until every row is accepted (or has failed)."""
        self.flush()
        self.settle()

    def settle(self) -> None:
        """Wait for the batch in flight, then count it, or list its samples as failed."""
        flight, self._in_flight = self._in_flight, None
        if flight is None:
            return
        sent, error = 0, None
        for destination, count, wait in flight.waits:
            try:
                wait()
            except SendError as ex:
                error = error or ex
                continue
            destination.rows += count
            sent += count
        if error is not None:
            self._failed_batches += 1
            self.entry["rows"] += sent
            self.totals.rows += sent
            self._fail([s.key for s in flight.batch], str(error))
            if self._failed_batches >= STOP_AFTER_FAILED_BATCHES:
                self.stopped = f"not sent: {self.sink.name} kept failing ({error})"
            return
        self._failed_batches = 0
        self._count(flight.batch, sent)

    def _count(self, batch: list[SampleRows], rows: int) -> None:
        self.entry["exported"] += len(batch)
        self.entry["rows"] += rows
        self.totals.samples += len(batch)
        self.totals.rows += rows
        for sample in batch:
            self.totals.usage.add(sample.usage)
            if not sample.scored:
                self.totals.unscored += 1
                self.entry["unscored"].append(
                    {"sample": sample.key, "reason": sample.unscored_reason}
                )

    def _fail(self, keys: list[str], error: str) -> None:
        self.totals.failed += len(keys)
        self.entry["failed"].extend({"sample": k, "error": error} for k in keys)

    def not_sent(self, key: str) -> None:
        """List a sample left unsent because the sink gave up on this log."""
        self._fail([key], self.stopped or "not sent")

    def skip(self, key: str, reason: str) -> None:
        """List a sample that cannot be exported, with the reason."""
        self.totals.skipped += 1
        self.entry["skipped"].append({"sample": key, "reason": reason})

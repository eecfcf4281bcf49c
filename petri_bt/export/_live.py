"""Live export: each sample goes to Braintrust as soon as it is scored.

An Inspect hook (registered once, active only inside `live_export()`) hands each
finished sample to a worker thread, which maps it with the same code as the
end-of-run export and sends it. The event loop never waits on the network. Row
ids and experiment names are the ones the end-of-run export uses, and the
exporter keeps the root row id of every sample Braintrust confirmed
(`LiveExport.confirmed`): passed to `export_logs(already_sent=...)`, the
end-of-run export sends only what the live path could not.
"""

from __future__ import annotations

import dataclasses
import queue
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from inspect_ai.hooks import Hooks, SampleEnd, TaskStart, hooks

from petri_bt.adapters import active_sample_log
from petri_bt.export._context import (
    LogContext,
    experiment_metadata,
    log_context,
)
from petri_bt.export._mapping import SkipSample, map_sample
from petri_bt.export._sending import destination_rows, open_destinations
from petri_bt.export._settings import ExportSettings, load_settings, resolve_sink
from petri_bt.export.sinks import Destination, SendError
from petri_bt.logs import PriceTable, is_petri
from petri_bt.naming import experiment_of_log

_ACTIVE: LiveExport | None = None


@hooks(name="petri_bt_live_export", description="petri_bt: send each scored sample to Braintrust")
class _LiveHook(Hooks):
    def enabled(self) -> bool:
        return _ACTIVE is not None

    async def on_task_start(self, data: TaskStart) -> None:
        if _ACTIVE is not None:
            _ACTIVE.submit(("task", data.eval_id, data.spec))

    async def on_sample_end(self, data: SampleEnd) -> None:
        if _ACTIVE is not None:
            _ACTIVE.submit(("sample", data.eval_id, (data.sample, active_sample_log())))


@dataclass
class _Task:
    ctx: LogContext
    destinations: list[Destination]


class LiveExport:
    """The worker behind the hook: opens experiments, maps and sends samples.

    Args:
        settings: The export settings.
        run_config: The run config as plain data (experiment metadata).
        experiment: One experiment for every task (None: the one each task's header records).
    """

    def __init__(
        self,
        settings: ExportSettings,
        run_config: dict[str, Any] | None,
        experiment: str | None,
    ):
        from petri_bt.export.sinks._braintrust import BraintrustSink

        self.settings = settings
        self.run_config = run_config
        self.experiment = experiment
        self.prices = PriceTable(settings.pricing)
        self.sink = BraintrustSink(settings)
        self.confirmed: set[str] = set()
        self.failed: list[str] = []
        self.problems: list[str] = []
        self._opened: dict[tuple[str, str], Destination] = {}
        self._tasks: dict[str, _Task | None] = {}
        self._queue: queue.Queue[tuple[str, str, Any] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="petri_bt-live-export", daemon=True)
        self._thread.start()

    @property
    def sent(self) -> int:
        """Samples Braintrust confirmed."""
        return len(self.confirmed)

    def submit(self, item: tuple[str, str, Any]) -> None:
        self._queue.put(item)

    def experiment_of(self, spec: dict[str, Any]) -> str:
        """The experiment of a task: the one the end-of-run export of its log uses."""
        return experiment_of_log(spec, self.experiment)

    def _open_task(self, eval_id: str, spec_obj: Any) -> None:
        spec = (
            spec_obj.model_dump(mode="json") if hasattr(spec_obj, "model_dump") else dict(spec_obj)
        )
        if not is_petri(spec):
            self._tasks[eval_id] = None
            return
        name = self.experiment_of(spec)
        metadata = experiment_metadata([(spec, "", "started")], self.run_config)
        key = str(spec.get("eval_id") or name)
        destinations = open_destinations(
            self.sink, self.settings, key, name, metadata, self._opened
        )
        self._tasks[eval_id] = _Task(
            log_context(spec, self.settings, self.prices, ""), destinations
        )

    def _send_sample(self, eval_id: str, payload: tuple[Any, str]) -> None:
        task = self._tasks.get(eval_id)
        if task is None:
            return
        sample_obj, location = payload
        if location and location != task.ctx.log_path:
            task.ctx = dataclasses.replace(task.ctx, log_path=location)
        sample = (
            sample_obj.model_dump(mode="json") if hasattr(sample_obj, "model_dump") else sample_obj
        )
        try:
            mapped = map_sample(sample, task.ctx)
        except SkipSample:
            return  # the end-of-run export reports it
        try:
            for destination, rows in destination_rows(task.destinations, mapped.rows):
                self.sink.send(destination, rows)
            self.confirmed.add(mapped.root_id)
        except SendError as ex:
            self.failed.append(mapped.key)
            self.problems.append(str(ex))

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            kind, eval_id, payload = item
            try:
                if kind == "task":
                    self._open_task(eval_id, payload)
                else:
                    self._send_sample(eval_id, payload)
            except Exception as ex:  # never let a live-export problem stop the run
                self.problems.append(f"{type(ex).__name__}: {ex}")
                if kind == "task":
                    self._tasks[eval_id] = None

    def close(self) -> dict[str, Any]:
        self._queue.put(None)
        self._thread.join()
        self.sink.close()
        line = f"petri_bt: live export sent {self.sent} sample(s) to Braintrust"
        if self.failed or self.problems:
            first = self.problems[0] if self.problems else ""
            line += f"; {len(self.failed)} not sent ({first[:200]}); the end-of-run export completes them"
        print(line, file=sys.stderr if self.failed or self.problems else sys.stdout)
        return {"sent": self.sent, "failed": list(self.failed), "problems": list(self.problems)}


@contextmanager
def live_export(
    settings: Any,
    *,
    run_config: dict[str, Any] | None = None,
    experiment: str | None = None,
) -> Iterator[LiveExport | None]:
    """Send samples to Braintrust while `inspect_ai.eval` runs inside this block.

    Pass the yielded exporter's `confirmed` to `export_logs(already_sent=...)`
    after the run, so the end-of-run export sends only what did not arrive.

    Args:
        settings: The `export` config node (its `experiment` is not consulted).
        run_config: The run config as plain data (secrets excluded), for experiment metadata.
        experiment: One experiment for every task; None gives each task the experiment
            its header records, the one its log's end-of-run export uses.

    Yields:
        The live exporter, or None when the sink is not Braintrust (then the
        samples are exported after the run only).
    """
    global _ACTIVE
    s = load_settings(settings)
    if resolve_sink(s, announce=False) != "braintrust":
        print(
            "petri_bt: export.live needs the braintrust sink (BRAINTRUST_API_KEY); exporting after the run instead"
        )
        yield None
        return
    if _ACTIVE is not None:
        raise RuntimeError("live_export() is already active in this process")
    live = LiveExport(s, run_config, experiment)
    _ACTIVE = live
    try:
        yield live
    finally:
        _ACTIVE = None
        live.close()

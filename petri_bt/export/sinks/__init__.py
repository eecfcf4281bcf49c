"""Where exported rows go: Braintrust itself, or a local bundle that can be uploaded later."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

EXPERIMENT = "experiment"
PROJECT_LOGS = "project_logs"


class SendError(Exception):
    """Rows could not be delivered (after the retries); the message says why."""


@dataclass
class Destination:
    """One Braintrust object receiving rows: an experiment or the project's logs.

    Args:
        kind: `experiment` or `project_logs`.
        name: The experiment name (or `logs` for project logs).
        metadata: Experiment metadata (empty for project logs).
        id: The object's id in Braintrust (None in a local bundle).
        url: Where to see it in the Braintrust UI.
        fields: Object-id fields added to every row on the wire.
        handle: The sink's own reference to the object.
        rows: Rows delivered to it in this export.
    """

    kind: str
    name: str
    metadata: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    url: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    handle: Any = None
    rows: int = 0

    def describe(self) -> dict[str, Any]:
        """kind, name, id, url and rows, for summaries."""
        return {
            "kind": self.kind,
            "name": self.name,
            "id": self.id,
            "url": self.url,
            "rows": self.rows,
        }


class RowSink(Protocol):
    """Where an export sends rows: Braintrust itself or a local bundle."""

    name: str

    def open(
        self, kind: str, name: str, metadata: dict[str, Any], key: str = ""
    ) -> Destination: ...

    def send(self, destination: Destination, rows: list[dict[str, Any]]) -> None: ...

    def trace_count(self, destination: Destination) -> int | None: ...

    def close(self) -> dict[str, Any]: ...


def make_sink(kind: str, settings: Any, out_dir: Any) -> RowSink:
    """The sink for `braintrust` (SDK imported and logged in) or `local`.

    Args:
        kind: `braintrust` or `local`.
        settings: The export settings.
        out_dir: The run folder (where a local bundle goes).

    Raises:
        UserError: Braintrust cannot be reached or rejects the key.
    """
    if kind == "braintrust":
        from petri_bt.export.sinks._braintrust import BraintrustSink

        sink = BraintrustSink(settings)
        sink.connect()
        return sink
    if kind == "local":
        from petri_bt.export.sinks._local import LocalSink

        return LocalSink(out_dir, settings)
    raise ValueError(f"no sink {kind!r}")


__all__ = ["EXPERIMENT", "PROJECT_LOGS", "Destination", "RowSink", "SendError", "make_sink"]

"""What every sink shares: the destination of rows, the sink protocol, the send error."""

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

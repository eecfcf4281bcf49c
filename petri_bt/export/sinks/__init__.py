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
    """

    kind: str
    name: str
    metadata: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    url: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    handle: Any = None


class Sink(Protocol):
    name: str

    def open(
        self, kind: str, name: str, metadata: dict[str, Any], key: str = ""
    ) -> Destination: ...

    def send(self, destination: Destination, rows: list[dict[str, Any]]) -> None: ...

    def trace_count(self, destination: Destination) -> int | None: ...

    def close(self) -> dict[str, Any]: ...


def make_sink(kind: str, settings: Any, out_dir: Any) -> Sink:
    """The sink for `braintrust` or `local` (imports the SDK only when needed)."""
    if kind == "braintrust":
        from petri_bt.export.sinks._braintrust import BraintrustSink

        return BraintrustSink(settings)
    if kind == "local":
        from petri_bt.export.sinks._local import LocalSink

        return LocalSink(out_dir, settings)
    raise ValueError(f"no sink {kind!r}")


__all__ = ["EXPERIMENT", "PROJECT_LOGS", "Destination", "SendError", "Sink", "make_sink"]

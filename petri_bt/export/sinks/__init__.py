"""Where exported rows go: Braintrust itself, or a local bundle that can be uploaded later."""

from __future__ import annotations

from typing import Any

from petri_bt.export.sinks._base import (
    EXPERIMENT,
    PROJECT_LOGS,
    Destination,
    RowSink,
    SendError,
)

__all__ = ["EXPERIMENT", "PROJECT_LOGS", "Destination", "RowSink", "SendError", "make_sink"]


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

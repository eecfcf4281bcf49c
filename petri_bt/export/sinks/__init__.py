"""Where exported rows go: Braintrust itself, or a local bundle that can be uploaded later."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from petri_bt.export.sinks._base import (
    EXPERIMENT,
    PROJECT_LOGS,
    Destination,
    RowSink,
    SendError,
)

__all__ = [
    "EXPERIMENT",
    "PROJECT_LOGS",
    "Destination",
    "RowSink",
    "SendError",
    "make_sink",
    "sender_started_early",
]


def sender_started_early() -> AbstractContextManager[None]:
    """Start the Braintrust sender process now, for the block (see `sinks._process`): the
    next `make_sink("braintrust", ..., own_process=True)` in it takes the process over."""
    from petri_bt.export.sinks._process import sender_started_early as started

    return started()


def make_sink(kind: str, settings: Any, out_dir: Any, *, own_process: bool = False) -> RowSink:
    """The sink for `braintrust` (SDK imported and logged in) or `local`.

    Args:
        kind: `braintrust` or `local`.
        settings: The export settings.
        out_dir: The run folder (where a local bundle goes).
        own_process: Run the Braintrust SDK in a helper process (`SenderProcess`), so
            that reading and mapping logs in this one runs beside it.

    Raises:
        UserError: Braintrust cannot be reached or rejects the key.
    """
    if kind == "braintrust":
        from petri_bt.export.sinks._braintrust import BraintrustSink
        from petri_bt.export.sinks._process import SenderProcess

        sink: BraintrustSink | SenderProcess = (
            SenderProcess(settings) if own_process else BraintrustSink(settings)
        )
        try:
            sink.connect()
        except BaseException:
            sink.close()
            raise
        return sink
    if kind == "local":
        from petri_bt.export.sinks._local import LocalSink

        return LocalSink(out_dir, settings)
    raise ValueError(f"no sink {kind!r}")

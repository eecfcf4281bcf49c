"""The Braintrust SDK's internals petri_bt drives: its HTTP adapter and background logger.

The export sends a batch and waits until Braintrust has accepted it (so nothing is
lost when the SDK's queue fills, and a failure is raised, not printed); the SDK's
public API queues rows and flushes them on its own thread, so the background
logger is set to flush on the caller's thread and to raise.
"""

from __future__ import annotations

import functools
from typing import Any


def current_http_adapter() -> Any:
    """The HTTP adapter the SDK uses now (to put back when the export is done)."""
    import braintrust.logger

    return getattr(braintrust.logger, "_http_adapter", None)


def retrying_http_adapter(retry: Any, timeout: float) -> Any:
    """The SDK's HTTP adapter with urllib3's `Retry` policy and a per-request timeout."""
    from braintrust.logger import RetryRequestExceptionsAdapter

    return RetryRequestExceptionsAdapter(
        base_num_retries=0, default_timeout_secs=timeout, max_retries=retry
    )


def synchronous_logger(state: Any) -> Any:
    """The state's background logger, set to flush on the caller's thread, try once
    (the HTTP adapter retries) and raise on failure, with no queue limit."""
    logger = state.global_bg_logger()
    logger.sync_flush = True
    logger.num_tries = 1
    logger.enforce_queue_size_limit(False)
    return logger


def _identity(row: dict[str, Any]) -> dict[str, Any]:
    return row


def send_rows(logger: Any, rows: list[dict[str, Any]]) -> None:
    """Hand rows to a `synchronous_logger` and flush them as one request.

    Raises:
        BaseException: What the SDK raises when Braintrust does not accept them.
    """
    from braintrust.util import LazyValue

    wrapped = [LazyValue(functools.partial(_identity, row), use_mutex=False) for row in rows]
    logger.log(*wrapped)
    logger.flush(batch_size=len(wrapped))  # the SDK still splits one that is too large

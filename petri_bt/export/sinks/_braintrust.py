"""Sending rows to Braintrust through its SDK, in bounded, verified batches.

The SDK's usual path (spans logged to a background queue, flushed later) drops
rows silently when the queue overflows or a request keeps failing. Here each
batch of rows goes into the SDK's background logger and is flushed at once in
synchronous mode, so a failure raises instead of disappearing: the caller knows
exactly which samples did not arrive. HTTP 408/429/5xx answers and timeouts are
retried with exponential backoff (Retry-After honoured) by the HTTP adapter the
SDK accepts through `braintrust.set_http_adapter`.

Rows are the mapping's dicts plus the object-id fields; `_is_merge: False`
makes a resent row replace the stored one, which is what makes a re-export or a
retry idempotent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from petri_bt.adapters import (
    current_http_adapter,
    retrying_http_adapter,
    send_rows,
    synchronous_logger,
)
from petri_bt.errors import UserError
from petri_bt.export.sinks._base import EXPERIMENT, PROJECT_LOGS, Destination, SendError

RETRY_STATUSES = (408, 429, 500, 502, 503, 504)


@dataclass(frozen=True)
class Connection:
    """What the sink needs of the export settings: the project, retries and timeout."""

    project: str
    max_retries: int
    retry_backoff: float
    timeout: float

    @classmethod
    def of(cls, settings: Any) -> Connection:
        """These fields of any settings object that has them (`ExportSettings`, a `Connection`)."""
        return cls(
            project=settings.project,
            max_retries=settings.max_retries,
            retry_backoff=settings.retry_backoff,
            timeout=settings.timeout,
        )


def _http_adapter(settings: Connection) -> Any:
    from urllib3.util.retry import Retry

    retry = Retry(
        total=settings.max_retries,
        connect=settings.max_retries,
        read=settings.max_retries,
        status=settings.max_retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # POST /logs3 too: rows carry ids, so resending is safe
        backoff_factor=settings.retry_backoff,
        backoff_max=60.0,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    return retrying_http_adapter(retry, settings.timeout)


class BraintrustSink:
    """Experiments and project logs in one Braintrust project.

    Args:
        settings: The export settings, or a `Connection` (project, retries, timeout).
    """

    name = "braintrust"

    def __init__(self, settings: Any):
        import braintrust
        from braintrust.logger import BraintrustState

        self._settings = Connection.of(settings)
        self._state = BraintrustState()
        self._previous_adapter = current_http_adapter()
        braintrust.set_http_adapter(_http_adapter(self._settings))
        self._bg: Any = None
        self._logger: Any = None

    def connect(self) -> None:
        """Log in now (the export does it in the background while it reads the logs).

        Raises:
            UserError: Braintrust cannot be reached or rejects the key.
        """
        try:
            self._state.login()
        except Exception as ex:
            raise UserError(self._explain(ex)) from None

    # objects ------------------------------------------------------------------------
    def open(self, kind: str, name: str, metadata: dict[str, Any], key: str = "") -> Destination:
        """Create (or reuse, by name) the experiment, or open the project's logs."""
        import braintrust
        from braintrust.git_fields import GitMetadataSettings

        try:
            if kind == EXPERIMENT:
                experiment = braintrust.init(
                    project=self._settings.project,
                    experiment=name,
                    update=True,
                    metadata=metadata,
                    state=self._state,
                    set_current=False,
                    git_metadata_settings=GitMetadataSettings(collect="none"),
                )
                object_id = experiment.id
                return Destination(
                    kind,
                    experiment.name,
                    metadata,
                    id=object_id,
                    url=self._url(f"experiments/{quote(experiment.name, safe='')}"),
                    fields={"experiment_id": object_id},
                )
            if self._logger is None:
                self._logger = braintrust.init_logger(
                    project=self._settings.project, state=self._state, set_current=False
                )
            project_id = self._logger.id
            return Destination(
                PROJECT_LOGS,
                "logs",
                {},
                id=project_id,
                url=self._url("logs"),
                fields={"project_id": project_id, "log_id": "g"},
            )
        except UserError:
            raise
        except Exception as ex:
            raise UserError(self._explain(ex)) from None

    def _explain(self, ex: Exception) -> str:
        url = os.environ.get("BRAINTRUST_APP_URL") or "https://www.braintrust.dev"
        text = f"{type(ex).__name__}: {ex}".splitlines()[0][:300]
        if any(code in text for code in ("401", "403", "Unauthorized", "Invalid API key")):
            return f"Braintrust at {url} rejected BRAINTRUST_API_KEY ({text}); check the key"
        return (
            f"cannot open the Braintrust project {self._settings.project!r} at {url} ({text}); "
            "check the network and BRAINTRUST_APP_URL, or use export=local and upload later"
        )

    def _url(self, suffix: str) -> str | None:
        state = self._state
        base = getattr(state, "app_public_url", None) or getattr(state, "app_url", None)
        org = getattr(state, "org_name", None)
        if not base or not org:
            return None
        return (
            f"{base}/app/{quote(org, safe='')}/p/{quote(self._settings.project, safe='')}/{suffix}"
        )

    # rows ---------------------------------------------------------------------------
    def _background_logger(self) -> Any:
        if self._bg is None:
            # flushed on our thread, raising on failure; the HTTP adapter retries
            self._bg = synchronous_logger(self._state)
        return self._bg

    def send(self, destination: Destination, rows: list[dict[str, Any]]) -> None:
        """Deliver rows and wait until Braintrust has accepted all of them.

        Raises:
            SendError: Some rows were not accepted after every retry.
        """
        if not rows:
            return
        bg = self._background_logger()
        envelope = {**destination.fields, "_is_merge": False}
        try:
            send_rows(bg, [{**row, **envelope} for row in rows])
        except BaseException as ex:  # the SDK raises an exception group
            if isinstance(ex, KeyboardInterrupt):
                raise
            raise SendError(_error_text(ex)) from None

    def trace_count(self, destination: Destination) -> int | None:
        """Petri traces in the project's logs (None when Braintrust cannot say)."""
        if destination.kind != PROJECT_LOGS or not destination.id:
            return None
        query = (
            f"SELECT count(*) AS n FROM project_logs('{destination.id}') "
            "WHERE is_root AND metadata.source = 'inspect-petri'"
        )
        try:
            response = self._state.api_conn().post("btql", json={"query": query, "fmt": "json"})
            if not response.ok:
                return None
            data = response.json().get("data") or []
            return int(data[0].get("n")) if data else 0
        except Exception:
            return None

    def close(self) -> dict[str, Any]:
        import braintrust

        braintrust.set_http_adapter(self._previous_adapter)
        return {}


def _error_text(ex: BaseException) -> str:
    leaves: list[BaseException] = []

    def walk(e: BaseException) -> None:
        inner = getattr(e, "exceptions", None)
        if inner:
            for sub in inner:
                walk(sub)
        else:
            leaves.append(e)

    walk(ex)
    first = leaves[0] if leaves else ex
    text = str(first).splitlines()[0] if str(first) else type(first).__name__
    more = f" (+{len(leaves) - 1} more)" if len(leaves) > 1 else ""
    return f"{text[:300]}{more}"

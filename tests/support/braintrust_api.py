"""A loopback stand-in for the Braintrust API, for tests and benchmarks.

The real `braintrust` SDK talks to it when `BRAINTRUST_APP_URL` points here (any
`BRAINTRUST_API_KEY` is accepted). It answers the calls an export makes (login,
project, experiment, version, logs3, btql) and records every row that arrives, so
a test can count rows and read them back merged the way Braintrust stores them:
a row replaces the stored row with the same id, unless it is a merge (`_is_merge`).

Faults are injected per path: `fail_next(3, status=503)` answers the next three
`/logs3` calls with 503, `fail_always(429)` keeps failing until `clear_faults()`,
`delay_next(2, 1.5)` makes the next two answers slow.

Run it on its own (the benchmark does, so the server does not share the
exporter's process): `python tests/support/braintrust_api.py --port 0` prints
`LISTENING <url>`; GET `/_loopback/stats` returns the counts as JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import orjson

if __package__ in (None, ""):  # run as a script: `python tests/support/braintrust_api.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from support.cli import cli_env
from support.loopback import LoopbackServer

_MERGE = "_is_merge"
_OBJECT_KEYS = ("experiment_id", "project_id", "log_id", "dataset_id", "prompt_session_id")


@dataclass
class _Fault:
    path: str
    remaining: int | None  # None: until cleared
    status: int = 503
    delay: float = 0.0
    retry_after: float | None = None


@dataclass
class _Store:
    keep_rows: bool = True
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> project
    experiments: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    rows: dict[tuple[tuple[str, ...], str], dict[str, Any]] = field(default_factory=dict)
    ids: set[tuple[tuple[str, ...], str]] = field(default_factory=set)
    rows_received: int = 0
    bytes_received: int = 0
    logs3_requests: int = 0
    requests: list[tuple[str, str, int]] = field(default_factory=list)  # method, path, status


def _object_key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"{k}={row[k]}" for k in _OBJECT_KEYS if row.get(k) is not None)


def _deep_merge(into: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _deep_merge(into[key], value)
        else:
            into[key] = value


class LoopbackBraintrust(LoopbackServer):
    """A Braintrust API on 127.0.0.1, in a background thread.

    Args:
        keep_rows: Store the rows themselves (False keeps only counts and ids,
            for large benchmarks).
        port: 0 picks a free port.
    """

    def __init__(self, *, keep_rows: bool = True, port: int = 0) -> None:
        self._store = _Store(keep_rows=keep_rows)
        self._faults: list[_Fault] = []
        self._taken = 0
        self._lock = threading.Lock()
        super().__init__(_handler_for(self), port)

    @contextmanager
    def environment(self, monkeypatch: Any | None = None) -> Iterator[None]:
        """Point the Braintrust SDK (and `bt`-style tools) at this server.

        Args:
            monkeypatch: A pytest monkeypatch; without one the variables are set
                and restored by hand.
        """
        values = {"BRAINTRUST_APP_URL": self.url, "BRAINTRUST_API_KEY": "loopback-test-key"}
        if monkeypatch is not None:
            for key, value in values.items():
                monkeypatch.setenv(key, value)
            yield
            return
        import os

        saved = {k: os.environ.get(k) for k in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    # faults ----------------------------------------------------------------------
    def fail_next(
        self,
        count: int,
        *,
        status: int = 503,
        path: str = "/logs3",
        retry_after: float | None = None,
    ) -> None:
        """Answer the next `count` calls to `path` with `status`."""
        with self._lock:
            self._faults.append(_Fault(path, count, status=status, retry_after=retry_after))

    def fail_always(self, status: int = 503, *, path: str = "/logs3") -> None:
        """Answer every call to `path` with `status` until `clear_faults()`."""
        with self._lock:
            self._faults.append(_Fault(path, None, status=status))

    def delay_next(self, count: int, seconds: float, *, path: str = "/logs3") -> None:
        """Answer the next `count` calls to `path` correctly but after `seconds`."""
        with self._lock:
            self._faults.append(_Fault(path, count, status=200, delay=seconds))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def faults_taken(self) -> int:
        """How many calls a fault has been applied to so far (a delayed call counts on arrival)."""
        with self._lock:
            return self._taken

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.path == path and (fault.remaining is None or fault.remaining > 0):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    self._taken += 1
                    return fault
        return None

    # what arrived ----------------------------------------------------------------
    @property
    def rows_received(self) -> int:
        """Every row in every accepted `/logs3` call, duplicates included."""
        return self._store.rows_received

    @property
    def logs3_requests(self) -> int:
        return self._store.logs3_requests

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        """(method, path, status) of every call, in order."""
        with self._lock:
            return list(self._store.requests)

    def rows(self, object_id: str | None = None) -> list[dict[str, Any]]:
        """The stored rows (one per id, merged), optionally for one experiment or project."""
        with self._lock:
            rows = list(self._store.rows.values())
        if object_id is None:
            return rows
        return [r for r in rows if object_id in (r.get("experiment_id"), r.get("project_id"))]

    def unique_row_count(self, object_id: str | None = None) -> int:
        with self._lock:
            if object_id is None:
                return len(self._store.ids)
            return sum(1 for key in self._store.ids if any(object_id in part for part in key[0]))

    def experiments(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._store.experiments.values())

    def projects(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._store.projects.values())

    def experiment(self, name: str) -> dict[str, Any] | None:
        return next((e for e in self.experiments() if e["name"] == name), None)

    def experiment_rows(self, name: str) -> list[dict[str, Any]]:
        """The rows of the experiment called `name` (asserts that it exists)."""
        found = self.experiment(name)
        assert found is not None, f"no experiment {name}"
        return self.rows(found["id"])

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "rows_received": self._store.rows_received,
                "unique_rows": len(self._store.ids),
                "bytes_received": self._store.bytes_received,
                "logs3_requests": self._store.logs3_requests,
                "experiments": len(self._store.experiments),
            }

    def reset(self) -> None:
        """Forget everything received and every fault (projects included)."""
        with self._lock:
            self._store = _Store(keep_rows=self._store.keep_rows)
            self._faults.clear()

    # request handling ----------------------------------------------------------
    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._store.requests.append((method, path, status))

    def _project(self, name: str) -> dict[str, Any]:
        with self._lock:
            project = self._store.projects.get(name)
            if project is None:
                project = {"id": str(uuid.uuid4()), "name": name, "org_id": "loopback-org"}
                self._store.projects[name] = project
            return project

    def _experiment(self, body: dict[str, Any]) -> dict[str, Any]:
        project_id = str(body.get("project_id"))
        name = str(body.get("name") or f"experiment-{len(self._store.experiments) + 1}")
        with self._lock:
            existing = self._store.experiments.get((project_id, name))
            if existing is not None and not body.get("ensure_new"):
                return existing
            if existing is not None:
                suffix = 1
                while (project_id, f"{name}-{suffix}") in self._store.experiments:
                    suffix += 1
                name = f"{name}-{suffix}"
            experiment = {
                "id": str(uuid.uuid4()),
                "name": name,
                "project_id": project_id,
                "metadata": body.get("metadata"),
                "public": bool(body.get("public")),
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            self._store.experiments[(project_id, name)] = experiment
            return experiment

    def _logs3(self, body: dict[str, Any], size: int) -> None:
        rows = body.get("rows")
        if not isinstance(rows, list):
            raise ValueError("logs3 body needs a list of rows")
        with self._lock:
            self._store.logs3_requests += 1
            self._store.rows_received += len(rows)
            self._store.bytes_received += size
            for row in rows:
                key = (_object_key(row), str(row.get("id")))
                self._store.ids.add(key)
                if not self._store.keep_rows:
                    continue
                stored = self._store.rows.get(key)
                if row.get(_MERGE) and stored is not None:
                    _deep_merge(stored, {k: v for k, v in row.items() if k != _MERGE})
                else:
                    self._store.rows[key] = {k: v for k, v in row.items() if k != _MERGE}

    def _btql(self, body: dict[str, Any]) -> dict[str, Any]:
        # Enough for the exporter's trace count: root spans from inspect-petri in
        # the project named by `project_logs('<id>')`.
        match = re.search(r"project_logs\('([^']+)'\)", str(body.get("query", "")))
        if match is None:
            raise ValueError("the loopback server only answers project_logs trace counts")
        project_id = match.group(1)
        with self._lock:
            count = sum(
                1
                for r in self._store.rows.values()
                if r.get("project_id") == project_id
                and not r.get("span_parents")
                and (r.get("metadata") or {}).get("source") == "inspect-petri"
            )
        return {"data": [{"n": count}]}


def _handler_for(server: LoopbackBraintrust) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else each small response waits ~40 ms for a delayed ACK

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
            server._record(self.command, self.path.split("?")[0], status)

        def _body(self) -> tuple[dict[str, Any], int]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.headers.get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            # orjson: a stand-in that parses fast takes less of the machine from the exporter
            return (orjson.loads(raw) if raw else {}), len(raw)

        def _fault(self, path: str) -> bool:
            fault = server._take_fault(path)
            if fault is None:
                return False
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status < 400:
                return False
            headers = (
                {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            )
            self._send(fault.status, {"error": f"injected {fault.status}"}, headers)
            return True

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?")[0]
            if self._fault(path):
                return
            if path == "/version":
                self._send(200, {"version": "loopback"})
            elif path == "/_loopback/stats":
                self._send(200, server.stats())
            elif path == "/ping":
                self._send(200, {})
            else:
                self._send(404, {"error": f"no route {path}"})

        def do_POST(self) -> None:  # noqa: N802
            path = self.path.split("?")[0]
            try:
                body, size = self._body()
            except ValueError as ex:
                self._send(400, {"error": str(ex)})
                return
            if self._fault(path):
                return
            base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
            if path == "/api/apikey/login":
                org = {"id": "loopback-org", "name": "loopback", "api_url": base, "proxy_url": base}
                self._send(200, {"org_info": [org]})
            elif path == "/v1/project":
                self._send(200, server._project(str(body.get("name") or "Global")))
            elif path == "/v1/experiment":
                self._send(200, server._experiment(body))
            elif path == "/logs3":
                try:
                    server._logs3(body, size)
                except ValueError as ex:
                    self._send(400, {"error": str(ex)})
                    return
                self._send(200, {})
            elif path == "/btql":
                try:
                    self._send(200, server._btql(body))
                except ValueError as ex:
                    self._send(400, {"error": str(ex)})
            else:
                self._send(404, {"error": f"no route {path}"})

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep-rows", action="store_true")
    args = parser.parse_args()
    server = LoopbackBraintrust(keep_rows=args.keep_rows, port=args.port)
    print(f"LISTENING {server.url}", flush=True)
    with suppress(KeyboardInterrupt):
        server._server.serve_forever()


if __name__ == "__main__":
    main()


API_KEY = "loopback-test-key-7f3a91"  # long enough to be searched for in files


def bt_env(server: LoopbackBraintrust, **extra: str) -> dict[str, str]:
    """The CLI environment (`support.cli.cli_env`) pointing the Braintrust SDK at `server`."""
    return cli_env(BRAINTRUST_APP_URL=server.url, BRAINTRUST_API_KEY=API_KEY, **extra)

"""A loopback proxy in front of a model server that timestamps every request.

Clients talk to the proxy (`url`), the proxy forwards each request unchanged to the
server (`upstream`, an API root such as `http://127.0.0.1:8765/v1`) and records when
it was sent and when the answer came back, its status and the `usage` the server
reported. The server's busy time is the union of those intervals: a model server
that answers one request at a time computes while any request is open.

Used by the realmodel tests (the tokens the server reported, to compare with the
export) and by bench/realmodel.py (how much of the wall time the server computed).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from support.loopback import LoopbackServer

_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass(frozen=True)
class TimedRequest:
    """One forwarded request.

    Args:
        method: GET or POST.
        path: The path below the API root (`/chat/completions`).
        start: `time.monotonic()` when it was forwarded.
        end: `time.monotonic()` when the whole answer had arrived.
        status: The server's status (0: no answer, the connection failed).
        usage: The `usage` object of a JSON answer, if any.
    """

    method: str
    path: str
    start: float
    end: float
    status: int
    usage: dict[str, Any] | None


def busy_seconds(requests: list[TimedRequest], since: float | None = None) -> float:
    """Seconds during which at least one request was open (the union of the intervals).

    Args:
        requests: The recorded requests.
        since: Count from this `time.monotonic()` on (default: all).
    """
    total, reach = 0.0, since if since is not None else float("-inf")
    for request in sorted(requests, key=lambda r: r.start):
        start = max(request.start, reach)
        if request.end > start:
            total += request.end - start
            reach = request.end
    return total


class TimingProxy(LoopbackServer):
    """Forward to `upstream` and record every request (see the module docstring).

    Args:
        upstream: The server's API root (`http://127.0.0.1:8765/v1`).
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self._lock = threading.Lock()
        self._requests: list[TimedRequest] = []
        super().__init__(_handler_for(self), 0, ThreadingHTTPServer)

    @property
    def api_root(self) -> str:
        """The proxy's API root, to give clients instead of the server's."""
        return f"{self.url}/v1"

    @property
    def requests(self) -> list[TimedRequest]:
        with self._lock:
            return list(self._requests)

    def completions(self) -> list[TimedRequest]:
        """The chat-completion requests the server answered."""
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def record(self, request: TimedRequest) -> None:
        with self._lock:
            self._requests.append(request)


def _handler_for(proxy: TimingProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

        def _forward(self) -> None:
            path = self.path.removeprefix("/v1")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS}
            request = urllib.request.Request(
                proxy.upstream + path, data=body, headers=headers, method=self.command
            )
            start = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=3600) as answer:
                    status, data = answer.status, answer.read()
                    answer_headers = dict(answer.headers.items())
            except urllib.error.HTTPError as error:
                status, data, answer_headers = error.code, error.read(), dict(error.headers.items())
            except OSError:  # the server is gone: the client sees the connection drop
                proxy.record(TimedRequest(self.command, path, start, time.monotonic(), 0, None))
                self.close_connection = True
                return
            proxy.record(
                TimedRequest(self.command, path, start, time.monotonic(), status, _usage(data))
            )
            self.send_response(status)
            for key, value in answer_headers.items():
                if key.lower() not in _HOP_HEADERS:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _forward  # noqa: N815
        do_POST = _forward  # noqa: N815

    return Handler


def _usage(data: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(data)
    except ValueError:
        return None
    usage = payload.get("usage") if isinstance(payload, dict) else None
    return usage if isinstance(usage, dict) else None

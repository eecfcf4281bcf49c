"""The shared core of the loopback model servers (Ollama, Anthropic, OpenAI stand-ins).

A `ModelServer` is a threaded HTTP server on 127.0.0.1 that answers a model
provider's wire protocol with petri_bt's scripted personalities: each served model
name maps to a persona (`{"mistral": "compliant", "qwen3:32b": "auditor"}`), the
request is converted to Inspect messages and tools, `ScriptedModelAPI` answers, and
the protocol module turns that answer into the provider's JSON. So Inspect's real
provider classes send real requests and parse real responses.

What arrives is recorded (`requests`: path, model, headers with keys redacted, the
body) and faults are injected per server (`fail_next`, `hang_next`,
`context_length_next`, `malformed_tool_args_next`, `garbage_judge_next`). A protocol
module subclasses `ModelServer`, fills `routes()` and the error bodies, and says
which environment variables point a client at it (`env()`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from support.loopback import LoopbackServer

# Header values that are credentials: recorded as "<redacted>", never stored.
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "openai-organization"})
REDACTED = "<redacted>"
STATS_PATH = "/_loopback/stats"  # GET: answered generate calls per model (for the benchmark)

# Fault kinds
STATUS = "status"
HANG = "hang"
CONTEXT_LENGTH = "context_length"
MALFORMED_TOOL_ARGS = "malformed_tool_args"
GARBAGE_JUDGE = "garbage_judge"

GARBAGE_JUDGE_TEXT = (
    "Overall I'd say the target was mostly fine?? concerning: high-ish, maybe 7 or so; "
    "the rest is hard to say."
)


@dataclass(frozen=True)
class ServedModel:
    """One model name a server answers for.

    Args:
        persona: The scripted personality answering (`auditor`, `judge`, `cautious`,
            `compliant`, `oversight-sensitive`).
        tools: Whether the model supports tool calling (Ollama's `capabilities`).
        context_length: The context window the server reports.
        lists_capabilities: `/api/show` includes `capabilities` (Ollama before 0.6 did not).
    """

    persona: str
    tools: bool = True
    context_length: int = 131_072
    lists_capabilities: bool = True


@dataclass
class RecordedRequest:
    """One request as it arrived (credentials redacted).

    Args:
        method: HTTP method.
        path: Path without the query string.
        model: The `model` field of the body, if any.
        headers: Header name (lower case) -> value; credentials are `<redacted>`.
        body: The parsed JSON body (empty for GET).
        status: The status the server answered (None while hanging).
        usage: The usage the server reported in its answer (generate calls).
    """

    method: str
    path: str
    model: str | None
    headers: dict[str, str]
    body: dict[str, Any]
    status: int | None = None
    usage: dict[str, Any] | None = None

    @property
    def tool_names(self) -> list[str]:
        names = []
        for tool in self.body.get("tools") or []:
            function = tool.get("function") if isinstance(tool.get("function"), dict) else tool
            names.append(str(function.get("name")))
        return names


@dataclass
class Fault:
    kind: str
    remaining: int | None  # None: until cleared
    model: str | None = None
    path: str | None = None
    status: int = 500
    retry_after: float | None = None
    taken: int = 0


@dataclass
class Reply:
    """What a route answers: a status, a JSON payload (or raw SSE text) and headers."""

    status: int
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    sse: str | None = None  # a text/event-stream body instead of JSON
    hang: bool = False  # accept the call and never answer it


class ModelServer(LoopbackServer):
    """A loopback model server in a background thread (see the module docstring).

    Args:
        models: Served model name -> persona name or `ServedModel`.
        port: 0 picks a free port.
    """

    name = "model server"

    def __init__(self, models: dict[str, str | ServedModel], port: int = 0) -> None:
        self.models = {
            name: spec if isinstance(spec, ServedModel) else ServedModel(spec)
            for name, spec in models.items()
        }
        self._faults: list[Fault] = []
        self._requests: list[RecordedRequest] = []
        self._prefixes: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._counter = 0
        warm_imports()
        super().__init__(_handler_for(self), port, _QuietServer)

    # lifecycle -------------------------------------------------------------------
    def stop(self) -> None:
        self._release.set()  # hanging handlers give up their connection
        super().stop()

    def env(self) -> dict[str, str]:
        """Environment variables that point a provider's client at this server."""
        raise NotImplementedError

    @contextmanager
    def environment(self, monkeypatch: Any) -> Iterator[None]:
        """Set `env()` for the duration (through a pytest monkeypatch)."""
        for key, value in self.env().items():
            monkeypatch.setenv(key, value)
        yield

    # faults ------------------------------------------------------------------------
    def _add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def fail_next(
        self,
        count: int | None,
        status: int,
        *,
        retry_after: float | None = None,
        model: str | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next `count` generate calls (None: all) with an error `status`.

        The error body is the provider's own for that status (e.g. Anthropic's 529
        `overloaded_error`); `retry_after` adds a `Retry-After` header.
        """
        self._add(Fault(STATUS, count, model, path, status=status, retry_after=retry_after))

    def hang_next(
        self, count: int | None = None, *, model: str | None = None, path: str | None = None
    ) -> None:
        """Accept the next `count` generate calls (None: all) and never answer them."""
        self._add(Fault(HANG, count, model, path))

    def context_length_next(self, count: int | None = 1, *, model: str | None = None) -> None:
        """Answer with the provider's context-length error."""
        self._add(Fault(CONTEXT_LENGTH, count, model))

    def malformed_tool_args_next(self, count: int | None = 1, *, model: str | None = None) -> None:
        """Answer with a tool call whose arguments are not valid JSON (OpenAI protocols).

        Only calls that offer tools take this fault.
        """
        self._add(Fault(MALFORMED_TOOL_ARGS, count, model))

    def garbage_judge_next(self, count: int | None = None, *, model: str | None = None) -> None:
        """Answer judge requests (those offering the `answer` tool) with prose, no tool call."""
        self._add(Fault(GARBAGE_JUDGE, count, model))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def take_fault(
        self, kinds: tuple[str, ...], model: str | None, path: str, applies: bool = True
    ) -> Fault | None:
        """The first live fault of one of `kinds` matching this call (and count it)."""
        if not applies:
            return None
        with self._lock:
            for fault in self._faults:
                if fault.kind not in kinds:
                    continue
                if fault.model is not None and fault.model != model:
                    continue
                if fault.path is not None and fault.path != path:
                    continue
                if fault.remaining is not None:
                    if fault.remaining <= 0:
                        continue
                    fault.remaining -= 1
                fault.taken += 1
                return fault
        return None

    def faults_taken(self, kind: str) -> int:
        """How many calls a fault of `kind` has answered so far."""
        with self._lock:
            return sum(f.taken for f in self._faults if f.kind == kind)

    # what arrived --------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def stats(self) -> dict[str, Any]:
        """Answered calls per (path, model), as JSON-ready data."""
        counts: dict[str, int] = {}
        for r in self.requests:
            if r.model and r.status == 200:
                key = f"{r.path} {r.model}"
                counts[key] = counts.get(key, 0) + 1
        return {"answered": counts}

    def requests_for(self, model: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.model == model]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def next_id(self, prefix: str) -> str:
        with self._lock:
            self._counter += 1
            return f"{prefix}{self._counter:08d}"

    def first_sight(self, model: str, prefix_text: str) -> bool:
        """True the first time this model sees this prompt prefix (prompt-cache accounting)."""
        key = (model, hashlib.sha256(prefix_text.encode()).hexdigest())
        with self._lock:
            if key in self._prefixes:
                return False
            self._prefixes.add(key)
            return True

    # serving -------------------------------------------------------------------------
    def served(self, name: str) -> tuple[str, ServedModel] | None:
        """The served model a request names (`mistral` also answers `mistral:latest`)."""
        for candidate in (name, name.removesuffix(":latest")):
            if candidate in self.models:
                return candidate, self.models[candidate]
        return None

    def routes(self) -> dict[tuple[str, str], Callable[[RecordedRequest], Reply]]:
        """(method, path) -> handler; protocol modules fill this in."""
        raise NotImplementedError

    def error_reply(self, status: int, message: str, retry_after: float | None = None) -> Reply:
        """The provider's error body for `status`."""
        raise NotImplementedError

    def model_not_found(self, model: str) -> Reply:
        """The provider's answer for a model it does not serve."""
        raise NotImplementedError

    def context_length_reply(self, name: str, served: ServedModel) -> Reply:
        """The provider's context-length error for a generate call."""
        raise NotImplementedError

    def fault_reply(self, request: RecordedRequest) -> Reply | None:
        """A pending status or hang fault for this generate call, as the reply to send."""
        fault = self.take_fault((STATUS, HANG), request.model, request.path)
        if fault is None:
            return None
        if fault.kind == HANG:
            return Reply(0, hang=True)
        return self.error_reply(fault.status, f"injected {fault.status}", fault.retry_after)

    def wait_released(self) -> None:
        """Block a hanging handler until the server stops."""
        self._release.wait()


def warm_imports() -> None:
    """Import what answering needs now, on the creating thread.

    Handler threads importing Inspect's modules for the first time while another
    thread does too can see half-initialised modules (ImportError on a name).
    """
    import inspect_ai.agent._bridge.anthropic_api_impl  # noqa: F401  (messages_from_anthropic)
    import inspect_ai.agent._bridge.responses_impl  # noqa: F401  (messages_from_openai_responses)
    import inspect_ai.model._openai  # noqa: F401  (messages_from_openai)
    import inspect_ai.tool  # noqa: F401

    import petri_bt.scripted._provider  # noqa: F401


def scripted_answer(
    persona: str, messages: list[Any], tools: list[Any], *, garbage_judge: bool = False
) -> Any:
    """The scripted persona's `ModelOutput` for Inspect messages and tools.

    Args:
        persona: A scripted model name.
        messages: Inspect `ChatMessage`s.
        tools: Inspect `ToolInfo`s.
        garbage_judge: For a request offering the `answer` tool, answer prose instead.
    """
    from inspect_ai.model import GenerateConfig, ModelOutput

    from petri_bt.scripted import ScriptedModelAPI

    api = ScriptedModelAPI(persona)

    async def answer() -> Any:
        return await api.generate(messages, tools, "auto", GenerateConfig())

    output = run_async(answer)
    if garbage_judge and any(tool.name == "answer" for tool in tools):
        prose = ModelOutput.from_content(persona, GARBAGE_JUDGE_TEXT)
        prose.usage = output.usage
        return prose
    return output


def run_async(make: Callable[[], Any]) -> Any:
    """Run a coroutine factory to completion on this (handler) thread's own loop."""
    return asyncio.run(make())


def estimate_tokens(text: str) -> int:
    """The scripted provider's token estimate, for usage fields a protocol adds."""
    from petri_bt.scripted._provider import estimate_tokens as scripted_estimate

    return scripted_estimate(text)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client closing its keep-alive connection
        super().handle_error(request, client_address)


def _handler_for(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

        def _reply(self, request: RecordedRequest, reply: Reply) -> None:
            if reply.sse is not None:
                data = reply.sse.encode()
                content_type = "text/event-stream"
            else:
                data = json.dumps(reply.payload).encode()
                content_type = "application/json"
            request.status = reply.status
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _handle(self) -> None:
            path = self.path.split("?")[0]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {}
            headers = {
                k.lower(): (REDACTED if k.lower() in SECRET_HEADERS else v)
                for k, v in self.headers.items()
            }
            model = body.get("model") if isinstance(body, dict) else None
            request = RecordedRequest(self.command, path, model, headers, body)
            server._record(request)
            if path == STATS_PATH:
                self._reply(request, Reply(200, server.stats()))
                return
            handler = server.routes().get((self.command, path))
            if handler is None:
                self._reply(request, server.error_reply(404, f"no route {self.command} {path}"))
                return
            try:
                reply = handler(request)
            except Exception as exc:  # a stand-in bug must surface as a 500, not a hang
                reply = server.error_reply(500, f"stand-in error: {type(exc).__name__}: {exc}")
            if reply.hang:  # hold the connection until the server stops
                server.wait_released()
                self.close_connection = True
                return
            self._reply(request, reply)

        do_GET = _handle  # noqa: N815
        do_POST = _handle  # noqa: N815

    return Handler


def serve_main(factory: Callable[[dict[str, str | ServedModel], int], ModelServer]) -> None:
    """Command line for a protocol module: `--port 0 --model name=persona ...`.

    Prints `LISTENING <url>` and serves until interrupted (the benchmark runs a
    server in its own process this way).
    """
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--model", action="append", default=[], help="name=persona")
    args = parser.parse_args()
    models: dict[str, str | ServedModel] = {}
    for item in args.model:
        name, _, persona = item.rpartition("=")
        models[name] = persona
    server = factory(models, args.port)
    print(f"LISTENING {server.url}", flush=True)
    with suppress(KeyboardInterrupt):
        server._server.serve_forever(0.05)


def now() -> int:
    return int(time.time())

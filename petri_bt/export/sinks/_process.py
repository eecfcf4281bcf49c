"""The Braintrust sink in a process of its own, so the SDK's work has a core to itself.

Python runs one thread at a time, and an export is CPU-bound on both sides:
reading and mapping the log on one, and on the other the SDK (its import and
login, then serialising every row). In one process they take turns; here the
exporting process reads and maps while this helper imports the SDK, logs in and
sends. Each request is a pickled (operation, arguments) frame followed by a frame of
rows as JSON (orjson: the SDK serialises them to JSON anyway, so nothing a row can
hold is lost on the way; empty for requests without rows).

- The helper can start early (`sender_started_early`, around a command that
  exports logs): it imports the SDK while Hydra composes, and logs in only once
  the export sends it the settings and the environment. Unused, it just ends.
- The parent submits a batch and goes on mapping the next one; it collects the
  batch's answer before submitting another, so at most one batch is in flight
  and memory stays flat (see `LogSender`).
- Errors come back as text and are raised in the parent as the same kind
  (`UserError` for login or project problems, `SendError` for rows).
- The helper ends when the parent does: it reads end-of-file from the pipe, even
  when the parent was killed, and stops after the batch in hand (rows carry ids,
  so a resend replaces them).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

import orjson

from petri_bt.errors import UserError
from petri_bt.export.sinks._base import Destination, SendError
from petri_bt.export.sinks._braintrust import BraintrustSink, Connection

_USER, _SEND, _OTHER = "user", "send", "other"
_LENGTH = struct.Struct("!Q")


# framing: an 8-byte length, then the message ------------------------------------------


def _write(fd: int, data: bytes) -> None:
    for part in (_LENGTH.pack(len(data)), data):  # a batch is megabytes: not joined first
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int) -> bytearray:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = os.readv(fd, [view[got:]])
        if n == 0:
            raise EOFError("the other end closed the pipe")
        got += n
    return buffer


def _read(fd: int) -> bytearray:
    (size,) = _LENGTH.unpack(_read_exactly(fd, _LENGTH.size))
    return _read_exactly(fd, size)


# the parent's side --------------------------------------------------------------------


class _Helper:
    """A started helper process and its two pipe ends."""

    def __init__(self) -> None:
        to_child_r, self.out = os.pipe()
        self.inbox, from_child_w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", __name__, str(to_child_r), str(from_child_w)],
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            # One malloc arena: the SDK's request threads each kept an arena of their
            # own (about 9 MB more at peak), for no measurable speed.
            env={"MALLOC_ARENA_MAX": "1", **os.environ},
            # file descriptor 2 whatever `sys.stderr` is now (the command line holds it
            # while Hydra composes): the SDK's notices belong with the other diagnostics
            stdout=2,
        )
        os.close(to_child_r)
        os.close(from_child_w)

    def end(self) -> None:
        for fd in (self.out, self.inbox):
            with contextlib.suppress(OSError):
                os.close(fd)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_started: _Helper | None = None


@contextmanager
def sender_started_early() -> Iterator[None]:
    """Start the helper now, so it imports the SDK while this process does other work.
    The next `SenderProcess` inside the block takes it over; if none does, the helper
    ends with the block."""
    global _started
    if _started is None:
        _started = _Helper()
    try:
        yield
    finally:
        helper, _started = _started, None
        if helper is not None:
            # Nothing was asked of it: end it now rather than after the rest of its SDK
            # import (a command failing while Hydra composes would wait for that).
            helper.proc.kill()
            helper.end()


class SenderProcess:
    """A `RowSink` whose Braintrust SDK runs in a helper process.

    Args:
        settings: The export settings (project, retries, timeout).
    """

    name = "braintrust"

    def __init__(self, settings: Any):
        global _started
        self._helper, _started = _started or _Helper(), None
        self._sent = 0  # requests made (the login is request 0)
        self._read = 0  # answers read
        self._answers: dict[int, tuple[str, Any]] = {}  # read, not yet claimed
        self._closed = False
        # The environment as it is now (a helper started early has an older copy): the SDK
        # reads its URL, key and proxies from it.
        self._login: int | None = self._request(
            "login", asdict(Connection.of(settings)), dict(os.environ)
        )

    # the protocol: answers come back in request order --------------------------------
    def _request(self, op: str, *args: Any, rows: list[dict[str, Any]] | None = None) -> int:
        blob = (
            b"" if rows is None else orjson.dumps(rows, option=orjson.OPT_NON_STR_KEYS, default=str)
        )
        try:
            # two frames, the request then the rows: pickling the rows' JSON along with
            # the request would copy every batch once more
            _write(self._helper.out, pickle.dumps((op, args), protocol=pickle.HIGHEST_PROTOCOL))
            _write(self._helper.out, blob)
        except OSError:
            self._gone()
        self._sent += 1
        return self._sent - 1

    def _wait(self, number: int) -> Any:
        """Request `number`'s answer; raises what the helper raised."""
        while number not in self._answers:
            try:
                self._answers[self._read] = pickle.loads(_read(self._helper.inbox))
            except (EOFError, OSError):
                self._gone()
            self._read += 1
        kind, value = self._answers.pop(number)
        if kind == "ok":
            return value
        if kind == _USER:
            raise UserError(value)
        if kind == _SEND:
            raise SendError(value)
        raise RuntimeError(f"the Braintrust sender failed: {value}")

    def _gone(self) -> None:
        code = self._helper.proc.wait()
        raise SendError(f"the Braintrust sender process ended unexpectedly (exit code {code})")

    def connect(self) -> None:
        """Wait for the helper's login.

        Raises:
            UserError: Braintrust cannot be reached or rejects the key.
        """
        if self._login is not None:
            login, self._login = self._login, None
            try:
                self._wait(login)
            except SendError as ex:
                raise UserError(f"cannot start the Braintrust sender: {ex}") from None

    # RowSink ---------------------------------------------------------------------------
    def open(self, kind: str, name: str, metadata: dict[str, Any], key: str = "") -> Destination:
        self.connect()
        try:
            return self._wait(self._request("open", kind, name, metadata, key))
        except SendError as ex:
            raise UserError(str(ex)) from None

    def submit(self, destination: Destination, rows: list[dict[str, Any]]) -> Callable[[], None]:
        """Hand rows to the helper and return at once; the returned call waits until
        Braintrust has accepted them (or raises `SendError`).

        Raises:
            SendError: The helper is gone.
        """
        number = self._request("send", destination, rows=rows)
        return lambda: self._wait(number)

    def send(self, destination: Destination, rows: list[dict[str, Any]]) -> None:
        self.submit(destination, rows)()

    def trace_count(self, destination: Destination) -> int | None:
        try:
            return self._wait(self._request("trace_count", destination))
        except SendError:
            return None

    def close(self) -> dict[str, Any]:
        if self._closed:
            return {}
        self._closed = True
        try:
            self._wait(self._request("close"))
        except (SendError, UserError, RuntimeError):
            pass
        finally:
            self._helper.end()
        return {}


# the helper ----------------------------------------------------------------------------


def _serve(inbox: int, outbox: int) -> None:
    def answer(kind: str, value: Any) -> None:
        _write(outbox, pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL))

    import braintrust  # noqa: F401  (the SDK's import, while the parent still composes)

    sink: BraintrustSink | None = None
    while True:
        op, args = pickle.loads(_read(inbox))
        blob = _read(inbox)
        if op == "close":
            answer("ok", sink.close() if sink is not None else {})
            return
        try:
            if op == "login":
                os.environ.clear()
                os.environ.update(args[1])
                sink = BraintrustSink(Connection(**args[0]))
                sink.connect()
                answer("ok", None)
                continue
            assert sink is not None, "no login before the first request"
            if op == "send":
                answer("ok", sink.send(args[0], orjson.loads(blob)))
            elif op == "open":
                answer("ok", sink.open(*args))
            else:
                answer("ok", sink.trace_count(*args))
        except UserError as ex:
            answer(_USER, str(ex))
        except SendError as ex:
            answer(_SEND, str(ex))
        except Exception as ex:  # reported in the parent, which decides what it means
            answer(_OTHER, f"{type(ex).__name__}: {ex}"[:500])


def main(argv: list[str]) -> int:
    """The helper's entry point: serve requests until the parent closes or goes away.

    Args:
        argv: The read end of the parent's requests and the write end for answers.
    """
    try:
        _serve(int(argv[0]), int(argv[1]))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return 1  # the parent ended (or was interrupted): nothing left to answer
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    # Every row was accepted before the last answer went out; skip the interpreter's
    # teardown of the SDK (a tenth of a second the parent would wait for).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

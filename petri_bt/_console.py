"""What petri_bt prints, and where else it goes.

- `job_log`: every line petri_bt prints while a run (or a sweep job) works also goes
  to that run's `petri_bt.log`, so the folder keeps what the console said.
- `inspect_display`: while Inspect shows its own display (progress, result panels),
  nothing of it goes to `petri_bt.log`, and petri_bt's next line starts on a line of
  its own: Inspect's rich display leaves its last line (a row of spaces) unterminated
  when the output is not a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

JOB_LOG = "petri_bt.log"
"""The log file in every run and sweep-job folder (Hydra's job log, named after the job)."""


def notices(line: str) -> bool:
    """petri_bt's own one-line notices (`petri_bt: ...`): export lines, warnings, errors."""
    return line.startswith("petri_bt:")


class _Tee:
    """A text stream that writes to the console and to a log file.

    Args:
        console: The stream it stands in for.
        log: The log file.
        shown: Which whole lines reach the console (None: all, as they come).
    """

    def __init__(self, console: TextIO, log: TextIO, shown: Callable[[str], bool] | None) -> None:
        self.console = console
        self.log = log
        self.shown = shown
        self._line = ""

    def write(self, text: str) -> int:
        self.log.write(text)
        if self.shown is None:
            return self.console.write(text)
        self._line += text
        *lines, self._line = self._line.split("\n")
        for line in lines:
            if self.shown(line):
                self.console.write(line + "\n")
        return len(text)

    def flush(self) -> None:
        self.log.flush()
        self.console.flush()

    def close_line(self) -> None:
        """Write out a last line left without its newline."""
        if self._line and self.shown is not None and self.shown(self._line):
            self.console.write(self._line + "\n")
        self._line = ""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


@contextmanager
def job_log(path: Path, *, shown: Callable[[str], bool] | None = None) -> Iterator[None]:
    """Copy what petri_bt prints (stdout and stderr) into a run's log file, appending.

    Args:
        path: The log file (`<run folder>/petri_bt.log`).
        shown: Which lines of stdout still reach the console (None: all of them; a
            sweep job run beside others shows only `notices`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = sys.stdout, sys.stderr
    with path.open("a") as log:
        out = _Tee(sys.stdout, log, shown)
        sys.stdout, sys.stderr = out, _Tee(sys.stderr, log, None)  # type: ignore[assignment]
        try:
            yield
        finally:
            out.close_line()
            sys.stdout.flush()
            sys.stdout, sys.stderr = saved


class _LineEnd:
    """Stands in for the console while Inspect writes to it, noting how its last write ended."""

    def __init__(self, console: TextIO) -> None:
        self.console = console
        self.at_line_start = True

    def write(self, text: str) -> int:
        if text:
            self.at_line_start = text.endswith("\n")
        return self.console.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


def _console(stream: TextIO) -> TextIO:
    while isinstance(stream, _Tee):
        stream = stream.console
    return stream


@contextmanager
def inspect_display() -> Iterator[None]:
    """Let Inspect's display reach the console only, then end its last line if it left
    one open (so the next line petri_bt prints starts at the left margin)."""
    saved = sys.stdout, sys.stderr
    out = _LineEnd(_console(sys.stdout))
    sys.stdout, sys.stderr = out, _console(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        if not out.at_line_start:
            out.console.write("\n")

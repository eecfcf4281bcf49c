"""The Inspect display a run asks for, as petri_bt hands it to Inspect."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any


def _direct(record: logging.LogRecord) -> bool:
    return False  # a filter on the root logger sees only the records logged on it


@contextmanager
def inspect_eval_args(eval_args: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The eval arguments to hand Inspect, for as long as it runs.

    `display=none` (or INSPECT_DISPLAY=none with the knob null) runs Inspect's `log`
    display instead: Inspect's `none` still renders its live progress and its table of
    every dimension's scores, to a silenced console (1.4 s of CPU and 1.5 s of wall time
    after the last model call in a 4-seed audit of the local model, bench/realmodel.py;
    the `log` display takes 0.2 s). The `log` display reports on the root logger (each
    task's result, a failed task's traceback): those records are dropped while it runs,
    so `none` still prints nothing but petri_bt's own table.

    Args:
        eval_args: The plan's eval-wide arguments (`display`, ...).
    """
    args = dict(eval_args)
    if (args.get("display") or os.environ.get("INSPECT_DISPLAY")) != "none":
        yield args
        return
    args["display"] = "log"
    root = logging.getLogger()
    root.addFilter(_direct)
    try:
        yield args
    finally:
        root.removeFilter(_direct)

"""Inspect AI internals petri_bt needs and Inspect does not make public (yet)."""

from __future__ import annotations

from pathlib import Path


def active_sample_log() -> str:
    """The absolute path of the log the running sample is written to ("" when unknown).

    Inspect's public hook data does not carry it; the active sample does (its
    `log_location`, relative to the working directory of the eval when inside it).
    """
    from inspect_ai.log._samples import sample_active

    active = sample_active()
    location = getattr(active, "log_location", None) if active is not None else None
    if not location:
        return ""
    if "://" in str(location):
        return str(location)
    return str(Path(location).resolve())


def cancel_sample_before_start() -> bool:
    """Cancel the sample being initialised, before any of its solvers (or its scorer) runs.

    Called from an `on_sample_init` hook: Inspect records the sample as cancelled, not
    as an error, and the other samples go on. Returns False when no sample is active.
    """
    from inspect_ai.log._samples import sample_active

    active = sample_active()
    if active is None:
        return False
    active.interrupt("cancel")
    return True

"""Inspect AI internals petri_bt needs and Inspect does not make public (yet)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


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


def read_multi_frame_zip_members() -> None:
    """Let `zipfile` read the members Inspect writes as several zstd frames (over 200 MiB):
    only Inspect's own zipfile patch reads them, and importing it applies the patch."""
    import inspect_ai._util.zipfile  # noqa: F401


def model_api_factory(provider: str) -> Any:
    """The factory Inspect's `@modelapi` registered for a provider (None: none, or the
    registry no longer answers in the shape known here).

    Calling the factory runs the provider's own check that its package imports, and
    returns the `ModelAPI` subclass: what `get_model` would do, without a model call.

    Args:
        provider: The part of a model string before the first `/`.
    """
    from inspect_ai._util.registry import registry_find, registry_unqualified_name

    entries = registry_find(
        lambda info: info.type == "modelapi" and registry_unqualified_name(info) == provider
    )
    if not entries:
        return None
    wrapper = entries[0]
    # `@modelapi` registers a wrapper closing over the provider's factory function
    cells = dict(zip(wrapper.__code__.co_freevars, wrapper.__closure__ or (), strict=False))
    return cells["wrapped"].cell_contents if "wrapped" in cells else None

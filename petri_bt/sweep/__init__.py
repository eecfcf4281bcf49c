"""Sweeps: Hydra multiruns of audits (the inspect and Ray launchers, the sweep summary).

Sweep, job and experiment names come from `petri_bt.naming`.

Hydra imports this package on every command (through the launcher plugin, which
registers the resolvers, and the `hydra.callbacks` entry), so its root imports
nothing: each name below loads its module on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from petri_bt._lazy import lazy_exports

if TYPE_CHECKING:
    from petri_bt.sweep._callback import SweepCallback
    from petri_bt.sweep._launch import launch_sweep
    from petri_bt.sweep._ray import launch_on_ray
    from petri_bt.sweep._resolvers import register_resolvers
    from petri_bt.sweep._summary import (
        SWEEP_SUMMARY,
        build_sweep_summary,
        format_sweep_table,
        write_sweep_summary,
    )

_HOMES = {
    "SweepCallback": "petri_bt.sweep._callback",
    "launch_sweep": "petri_bt.sweep._launch",
    "launch_on_ray": "petri_bt.sweep._ray",
    "register_resolvers": "petri_bt.sweep._resolvers",
    "SWEEP_SUMMARY": "petri_bt.sweep._summary",
    "build_sweep_summary": "petri_bt.sweep._summary",
    "format_sweep_table": "petri_bt.sweep._summary",
    "write_sweep_summary": "petri_bt.sweep._summary",
}

__all__ = [
    "SWEEP_SUMMARY",
    "SweepCallback",
    "build_sweep_summary",
    "format_sweep_table",
    "launch_on_ray",
    "launch_sweep",
    "register_resolvers",
    "write_sweep_summary",
]


__getattr__ = lazy_exports(__name__, _HOMES)

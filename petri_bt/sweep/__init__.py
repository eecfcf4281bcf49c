"""Sweeps: Hydra multiruns of audits (job naming, the inspect launcher, the sweep summary).

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
    from petri_bt.sweep._naming import (
        experiment_name,
        is_operational,
        job_name,
        slug,
        sweep_key,
    )
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
    "experiment_name": "petri_bt.sweep._naming",
    "job_name": "petri_bt.sweep._naming",
    "is_operational": "petri_bt.sweep._naming",
    "slug": "petri_bt.sweep._naming",
    "sweep_key": "petri_bt.sweep._naming",
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
    "experiment_name",
    "format_sweep_table",
    "is_operational",
    "job_name",
    "launch_on_ray",
    "launch_sweep",
    "register_resolvers",
    "slug",
    "sweep_key",
    "write_sweep_summary",
]


__getattr__ = lazy_exports(__name__, _HOMES)

"""Sweeps: Hydra multiruns of audits, checked as a whole, on any launcher.

What every launcher shares lives here: the sweep check (`check_sweep`: each job
composed and planned once, the sweep refused before its folder is made when a job
is invalid or the whole is over budget), the launcher base (`SweepLauncher`), the
callback that records each job and writes the sweep summary, and the resolvers
that name the sweep and job folders. The launchers themselves, one module each,
and the sweeper are in `hydra_plugins/petri_bt_launcher/`. Sweep, job and
experiment names come from `petri_bt.naming`.

Hydra imports this package on every command (through the plugins, which register
the resolvers, and the `hydra.callbacks` entry), so its root imports nothing:
each name below loads its module on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from petri_bt._lazy import lazy_exports

if TYPE_CHECKING:
    from petri_bt.sweep._callback import SweepCallback
    from petri_bt.sweep._check import PlannedJob, check_sweep, plan_jobs, sweep_jobs
    from petri_bt.sweep._job_composer import JobComposer
    from petri_bt.sweep._launcher import SweepLauncher, run_job_here
    from petri_bt.sweep._records import RUN_SUMMARY, read_json
    from petri_bt.sweep._resolvers import register_resolvers, sweep_overrides
    from petri_bt.sweep._summary import (
        SWEEP_SUMMARY,
        build_sweep_summary,
        format_sweep_table,
        write_sweep_summary,
    )

_HOMES = {
    "JobComposer": "petri_bt.sweep._job_composer",
    "PlannedJob": "petri_bt.sweep._check",
    "RUN_SUMMARY": "petri_bt.sweep._records",
    "SWEEP_SUMMARY": "petri_bt.sweep._summary",
    "SweepCallback": "petri_bt.sweep._callback",
    "SweepLauncher": "petri_bt.sweep._launcher",
    "build_sweep_summary": "petri_bt.sweep._summary",
    "check_sweep": "petri_bt.sweep._check",
    "format_sweep_table": "petri_bt.sweep._summary",
    "plan_jobs": "petri_bt.sweep._check",
    "read_json": "petri_bt.sweep._records",
    "register_resolvers": "petri_bt.sweep._resolvers",
    "run_job_here": "petri_bt.sweep._launcher",
    "sweep_overrides": "petri_bt.sweep._resolvers",
    "sweep_jobs": "petri_bt.sweep._check",
    "write_sweep_summary": "petri_bt.sweep._summary",
}

__all__ = [
    "RUN_SUMMARY",
    "SWEEP_SUMMARY",
    "JobComposer",
    "PlannedJob",
    "SweepCallback",
    "SweepLauncher",
    "build_sweep_summary",
    "check_sweep",
    "format_sweep_table",
    "plan_jobs",
    "read_json",
    "register_resolvers",
    "run_job_here",
    "sweep_overrides",
    "sweep_jobs",
    "write_sweep_summary",
]


__getattr__ = lazy_exports(__name__, _HOMES)

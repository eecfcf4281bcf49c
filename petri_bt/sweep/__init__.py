"""Sweeps: Hydra multiruns of audits (job naming, the inspect launcher, the sweep summary).

The package root stays light (Hydra and omegaconf only): Hydra imports it on every
command through the launcher plugin and the `hydra.callbacks` entry.
"""

from petri_bt.sweep._callback import SweepCallback
from petri_bt.sweep._naming import (
    experiment_name,
    experiment_name_for_job,
    job_name,
    slug,
    sweep_key,
)
from petri_bt.sweep._resolvers import register_resolvers
from petri_bt.sweep._summary import (
    SWEEP_SUMMARY,
    build_sweep_summary,
    format_sweep_table,
    write_sweep_summary,
)

__all__ = [
    "SWEEP_SUMMARY",
    "SweepCallback",
    "build_sweep_summary",
    "experiment_name",
    "experiment_name_for_job",
    "format_sweep_table",
    "job_name",
    "register_resolvers",
    "slug",
    "sweep_key",
    "write_sweep_summary",
]

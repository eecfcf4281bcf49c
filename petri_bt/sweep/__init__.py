"""Sweeps: Hydra multiruns of audits (job naming, sweep summary, launcher)."""

from petri_bt.sweep._naming import experiment_name_for_job

__all__ = ["experiment_name_for_job"]

"""Names, worked out in one place: name fragments, sweep and job names, experiment names.

Runs, sweeps (every launcher), shards, studies, re-judging and every export read
their names from here. Hydra's resolvers use it on every command line, so it
imports only the standard library (and Hydra's override parser, when a sweep
name is made).
"""

from petri_bt.naming._experiments import (
    JUDGED,
    STAMP_KEY,
    arm_experiment,
    default_experiment_name,
    experiment_of_log,
    experiment_stamp,
    log_identity,
    new_run_stamp,
    rejudged_experiment,
    run_experiment,
    stamped_experiment,
    target_model,
)
from petri_bt.naming._slugs import digest, judges_name, slug, url_safe_name
from petri_bt.naming._sweeps import (
    SweepJobName,
    is_operational,
    job_name,
    sweep_digest,
    sweep_job_names,
    sweep_key,
)

__all__ = [
    "JUDGED",
    "STAMP_KEY",
    "SweepJobName",
    "arm_experiment",
    "default_experiment_name",
    "digest",
    "experiment_of_log",
    "experiment_stamp",
    "is_operational",
    "job_name",
    "judges_name",
    "log_identity",
    "new_run_stamp",
    "rejudged_experiment",
    "run_experiment",
    "slug",
    "stamped_experiment",
    "sweep_digest",
    "sweep_job_names",
    "sweep_key",
    "target_model",
    "url_safe_name",
]

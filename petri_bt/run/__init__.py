"""Running: a composed config -> one run plan -> Petri audit task(s) -> Inspect eval -> logs.

Only omegaconf and petri_bt's own light modules load with this package; Inspect
loads when a task is built or an eval runs.
"""

from petri_bt.run._audit import (
    RunResult,
    announce_export,
    export_and_summarise,
    prepare,
    run_audit,
    summary_block,
)
from petri_bt.run._display import inspect_eval_args
from petri_bt.run._eval import RETRY_ATTEMPTS, local_path, run_eval
from petri_bt.run._forecast import (
    Forecast,
    check_budget,
    forecast,
    format_forecast,
    pilot_logs,
    plan_run,
    refuse_over_budget,
)
from petri_bt.run._plan import (
    TASK_KNOBS,
    RunPlan,
    SweepJobName,
    check_knobs,
    plain_config,
    plan,
)
from petri_bt.run._rejudge import rejudge_logs, rejudged_path
from petri_bt.run._seeds import SeedSource, check_seeds, seed_dataset, seed_source
from petri_bt.run._task import build_task

__all__ = [
    "announce_export",
    "Forecast",
    "check_budget",
    "forecast",
    "format_forecast",
    "pilot_logs",
    "plan_run",
    "refuse_over_budget",
    "RETRY_ATTEMPTS",
    "TASK_KNOBS",
    "RunPlan",
    "RunResult",
    "SeedSource",
    "SweepJobName",
    "build_task",
    "check_knobs",
    "check_seeds",
    "export_and_summarise",
    "inspect_eval_args",
    "local_path",
    "plain_config",
    "plan",
    "prepare",
    "rejudge_logs",
    "rejudged_path",
    "run_audit",
    "run_eval",
    "seed_dataset",
    "seed_source",
    "summary_block",
]

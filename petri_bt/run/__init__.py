"""Running: a composed config -> one run plan -> Petri audit task(s) -> Inspect eval -> logs.

Only omegaconf and petri_bt's own light modules load with this package; Inspect
loads when a task is built or an eval runs.
"""

from petri_bt.run._audit import (
    RunResult,
    announce_export,
    budget_held,
    export_and_summarise,
    prepare,
    run_audit,
    summary_block,
)
from petri_bt.run._display import inspect_eval_args
from petri_bt.run._eval import RETRY_ATTEMPTS, local_path, run_eval, run_eval_set
from petri_bt.run._forecast import (
    Forecast,
    check_budget,
    forecast,
    format_forecast,
    pilot_logs,
    print_forecast,
    refuse_over_budget,
    write_cost_plan,
)
from petri_bt.run._knobs import TASK_KNOBS, check_knobs
from petri_bt.run._models import generate_config
from petri_bt.run._plan import RunPlan, make_plan, plain_config
from petri_bt.run._record import package_versions, read_record, write_record
from petri_bt.run._rejudge import (
    rejudge_logs,
    rejudged_logs_note,
    rejudged_path,
    set_aside_rejudged,
)
from petri_bt.run._rerun import rerun_plan
from petri_bt.run._seeds import (
    SeedSource,
    check_seeds,
    missing_seed_path,
    seed_dataset,
    seed_source,
)
from petri_bt.run._spend import format_spend, spend_against_forecast
from petri_bt.run._task import build_task, resource_tools

__all__ = [
    "generate_config",
    "resource_tools",
    "announce_export",
    "budget_held",
    "format_spend",
    "spend_against_forecast",
    "Forecast",
    "check_budget",
    "forecast",
    "format_forecast",
    "pilot_logs",
    "write_cost_plan",
    "print_forecast",
    "refuse_over_budget",
    "RETRY_ATTEMPTS",
    "TASK_KNOBS",
    "RunPlan",
    "RunResult",
    "SeedSource",
    "build_task",
    "check_knobs",
    "check_seeds",
    "export_and_summarise",
    "inspect_eval_args",
    "local_path",
    "missing_seed_path",
    "plain_config",
    "make_plan",
    "prepare",
    "package_versions",
    "read_record",
    "rejudge_logs",
    "rejudged_logs_note",
    "rerun_plan",
    "write_record",
    "rejudged_path",
    "set_aside_rejudged",
    "run_audit",
    "run_eval",
    "run_eval_set",
    "seed_dataset",
    "seed_source",
    "summary_block",
]

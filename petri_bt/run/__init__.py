"""Running: run config -> Petri audit task(s) -> Inspect eval -> logs."""

from petri_bt.roles import resolve_roles
from petri_bt.run._audit import RunResult, export_and_summarise, prepare, run_audit
from petri_bt.run._eval import eval_kwargs, run_eval
from petri_bt.run._models import model_roles
from petri_bt.run._task import build_task, check_knobs

__all__ = [
    "RunResult",
    "build_task",
    "check_knobs",
    "eval_kwargs",
    "export_and_summarise",
    "model_roles",
    "prepare",
    "resolve_roles",
    "run_audit",
    "run_eval",
]

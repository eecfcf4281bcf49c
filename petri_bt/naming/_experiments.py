"""Experiment names: the one rule for every path that writes or exports a log.

A log petri_bt writes carries the name of its experiment in its header (the eval
metadata `petri_bt.experiment`), decided when the run is planned:

- a name the user gives (`export.experiment`) gathers whatever is sent to it;
- a sweep job: `<job name>-<sweep digest>` (`sweep_job_names`), the same when the
  sweep command runs again and resumes in its folder; shards of one audit share it;
- a single run: `<task>-<target>-<date>-<run id>`, with a run id drawn for each run;
- a study arm: `<study>-<condition>-<target>-<date>-<run id>` (the arms of one run
  share the run id), or `<given name>-<condition>` under a user's or sweep job's name;
- a re-judged copy: `<the original's experiment>-judged-<judges>`.

Every export (live, at the end of a run or sweep, `from_logs` by any path, a local
bundle uploaded later) reads the name from the log (`experiment_of_log`), so a log
lands in the same experiment however it is found, and a new run never joins an
existing one. Logs petri_bt did not write get a name derived from their header alone
(`default_experiment_name`), stable for a given log.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from petri_bt.naming._slugs import url_safe_name

STAMP_KEY = "petri_bt"
"""The eval-metadata key under which a log records its experiment."""

JUDGED = "-judged-"
"""What a re-judged copy's names carry (`<log>-judged-<judges>.eval`, its experiment)."""


def log_identity(eval_spec: dict[str, Any]) -> str:
    """The id a log's rows derive from.

    Inspect's `task_id` survives an eval-set retry (the retried log gets a new
    eval id but keeps its task id, and reuses finished samples with their event
    ids), so rows resent after a resumed run replace themselves. Logs without a
    task id fall back to the eval id, then the run id.

    Args:
        eval_spec: The header's `eval` node (or an Inspect EvalSpec dumped to JSON).
    """
    return str(
        eval_spec.get("task_id") or eval_spec.get("eval_id") or eval_spec.get("run_id") or ""
    )


def target_model(eval_spec: dict[str, Any]) -> str | None:
    """The target model string recorded in an eval spec (header `eval` node)."""
    roles = eval_spec.get("model_roles") or {}
    target = roles.get("target")
    if isinstance(target, dict) and target.get("model"):
        return str(target["model"])
    model = eval_spec.get("model")
    return str(model) if model and model != "none/none" else None


def new_run_stamp(day: dt.date | None = None) -> str:
    """`<date>-<6 hex digits>`: what tells one run's experiments from another's.

    Args:
        day: The run's date (default: today).
    """
    return f"{(day or dt.date.today()).isoformat()}-{secrets.token_hex(3)}"


def run_experiment(target: str, run_stamp: str, task: str = "audit") -> str:
    """The experiment of a single run's log: `<task>-<target>-<date>-<run id>`.

    Args:
        target: The target model string.
        run_stamp: The run's `new_run_stamp`.
        task: The task name.
    """
    return f"{url_safe_name(task)}-{url_safe_name(target)}-{run_stamp}"


def arm_experiment(
    given: str | None, study: str, condition: str, target: str, run_stamp: str
) -> str:
    """The experiment of one arm of a study.

    Args:
        given: The user's (`export.experiment`) or the sweep job's name, if any.
        study: The study's name.
        condition: The arm's condition.
        target: The target model string.
        run_stamp: The run's `new_run_stamp` (shared by its arms).
    """
    if given:
        return f"{given}-{condition}"
    return f"{study}-{condition}-{url_safe_name(target)}-{run_stamp}"


def rejudged_experiment(original: str, judges: str) -> str:
    """The experiment of a re-judged copy: beside its original's, named after the judges.

    Args:
        original: The original log's experiment (`experiment_of_log`).
        judges: The judges' short name (`judge-harsh`, `3judges-1a2b3c`).
    """
    return f"{original}{JUDGED}{judges}"


def experiment_stamp(experiment: str) -> dict[str, Any]:
    """The eval metadata that records a log's experiment in its header."""
    return {STAMP_KEY: {"experiment": experiment}}


def stamped_experiment(eval_spec: dict[str, Any]) -> str | None:
    """The experiment a log's header records (None: not written by petri_bt, or older)."""
    stamp = (eval_spec.get("metadata") or {}).get(STAMP_KEY)
    if isinstance(stamp, dict) and stamp.get("experiment"):
        return str(stamp["experiment"])
    return None


def default_experiment_name(eval_spec: dict[str, Any]) -> str:
    """`<task>-<target>-<date of the eval>-<log id prefix>`, for a log with no stamp.

    Derived from the header alone, so re-exporting the log months later lands in the
    same experiment, and two logs never share one.

    Args:
        eval_spec: The header's `eval` node (or an Inspect EvalSpec dumped to JSON).
    """
    task = str(eval_spec.get("task_display_name") or eval_spec.get("task") or "audit")
    task = task.rsplit("/", 1)[-1]
    target = target_model(eval_spec) or "target"
    date = str(eval_spec.get("created") or "")[:10] or "undated"
    identity = log_identity(eval_spec)[:6]
    parts = [url_safe_name(task), url_safe_name(target), date] + ([identity] if identity else [])
    return "-".join(parts)


def experiment_of_log(eval_spec: dict[str, Any], chosen: str | None = None) -> str:
    """The experiment a log goes to: the name the exporting command chose, else the
    one its header records, else the one derived from its header.

    Args:
        eval_spec: The header's `eval` node (or the eval spec a live hook receives).
        chosen: `export.experiment` of the exporting command (None: the log's own).
    """
    return chosen or stamped_experiment(eval_spec) or default_experiment_name(eval_spec)

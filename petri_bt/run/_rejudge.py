"""Re-judging: score saved transcripts again with other judges, without calling auditor or target.

Inspect's `score()` runs Petri's judge (or a judge panel) on each stored sample's
transcript and replaces the judge's score and its model calls; the auditor's and
the target's events stay as they were. The result is a new log beside the old one
(`<log>-judged-<judges>.eval`), exported to its own experiment beside the original's
(`petri_bt.naming.rejudged_experiment`). Judge answers go through Inspect's response
cache, keyed by the judge's request (transcript, model, dimensions), so re-judging
the same logs again costs nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from petri_bt.errors import UserError
from petri_bt.judging import PANEL_SETTINGS_KEY
from petri_bt.naming import (
    JUDGED,
    experiment_of_log,
    experiment_stamp,
    judges_name,
    rejudged_experiment,
)
from petri_bt.preflight import preflight
from petri_bt.run._models import judge_model
from petri_bt.run._plan import RunPlan
from petri_bt.run._task import judge_dimensions_value, panel_metadata, panel_scorer


def judges_slug(plan: RunPlan) -> str:
    """A short, file-safe name for the plan's judge (or panel): `judge-harsh`, `3judges-1a2b3c`."""
    return judges_name([spec.model for spec in plan.judges] or [plan.roles["judge"].model])


def rejudged_path(log_path: Path, plan: RunPlan) -> Path:
    """Where the re-judged copy of a log goes: beside it, named after the judges."""
    return log_path.with_name(f"{log_path.stem}{JUDGED}{judges_slug(plan)}{log_path.suffix}")


def set_aside_rejudged(paths: list[Path]) -> tuple[list[Path], dict[str, list[Path]]]:
    """Split logs into those to read and the re-judged copies set aside: a copy is set
    aside when its original is among the logs too (one judge's scores per audit).

    Args:
        paths: The logs, as `from_logs` named them.

    Returns:
        The logs to read (in order), and the copies set aside by judge (`judge-harsh`).
    """
    originals = {p.resolve() for p in paths if JUDGED not in p.stem}
    kept: list[Path] = []
    aside: dict[str, list[Path]] = {}
    for path in paths:
        stem, found, judges = path.stem.partition(JUDGED)
        if found and path.with_name(stem + path.suffix).resolve() in originals:
            aside.setdefault(judges, []).append(path)
        else:
            kept.append(path)
    return kept, aside


def rejudged_logs_note(judges: str, copies: list[Path]) -> str:
    """The note saying which re-judged copies a study's re-analysis left out, and how to
    analyse them instead.

    Args:
        judges: The judges' part of the copies' names (`judge-harsh`).
        copies: The copies set aside (`set_aside_rejudged`).
    """
    folders = {path.parent.resolve() for path in copies}
    where = folders.pop() if len(folders) == 1 else Path(os.path.commonpath(list(folders))) / "**"
    pattern = f"{where}/*{JUDGED}{judges}{copies[0].suffix}"
    return (
        f"note: left out {len(copies)} re-judged copies ({judges}) of logs also given: this "
        f"report uses the original judge's scores; for {judges}'s, give the copies: "
        f'"from_logs={pattern}"'
    )


def _scorer(plan: RunPlan, dimensions: Any) -> Any:
    from inspect_ai.model import CachePolicy
    from inspect_petri import audit_judge
    from inspect_scout import as_scorer

    cache = CachePolicy(expiry=None)
    if plan.judges:
        return panel_scorer(plan, dimensions, cache=cache)
    model = judge_model(plan.roles["judge"], plan.max_connections, plan.call_limits)
    return as_scorer(audit_judge(dimensions, model=model, cache=cache))


def _dimensions(plan: RunPlan, task_args: dict[str, Any]) -> Any:
    """The dimensions to score: the ones asked for now, else the ones the log was judged on."""
    if "judge_dimensions" in plan.explicit:
        return judge_dimensions_value(plan.task_args["judge_dimensions"])
    return task_args.get("judge_dimensions")


def _from_cache(log: Any) -> tuple[int, int]:
    """(judge answers served from Inspect's response cache, judge answers) of a scored log."""
    calls = [
        event
        for sample in log.samples or []
        for event in sample.events
        if getattr(event, "event", None) == "model" and getattr(event, "role", None) == "judge"
    ]
    return sum(1 for event in calls if event.cache == "read"), len(calls)


def _cache_note(cached: int, calls: int) -> str:
    """What a re-judge owes to the response cache, for its console line ("" for nothing).

    Args:
        cached: Judge answers read from the cache.
        calls: Judge answers in all.
    """
    if not cached:
        return ""
    if cached == calls:
        return f" ({cached} of {calls} judge answers from the cache: no judge was called)"
    return f" ({cached} of {calls} judge answers from the cache)"


def rejudge_log(plan: RunPlan, log_path: Path) -> tuple[Path, str]:
    """Judge one saved log again with the plan's judge (or panel); write the new log.

    Args:
        plan: The run plan (its judge or `judges` panel, judge dimensions).
        log_path: The log to re-judge.

    Returns:
        The new log's path, and what the response cache served (`_cache_note`).
    """
    from inspect_ai import score
    from inspect_ai.log import read_eval_log, write_eval_log
    from inspect_ai.model import ModelConfig

    try:
        log = read_eval_log(str(log_path))
    except Exception as exc:  # Inspect raises several types for a damaged log
        raise UserError(f"from_logs: {log_path}: not a readable Inspect log ({exc})") from None
    if not log.samples:
        raise UserError(f"from_logs: {log_path}: the log holds no sample to judge")
    scorer = _scorer(plan, _dimensions(plan, dict(log.eval.task_args or {})))
    # Inspect rebuilds every role of the log's header for scoring, which would need the
    # auditor's and target's providers and keys; only the judge is called, so the header's
    # roles are set aside while scoring and restored, with the new judge, afterwards.
    original = experiment_of_log(log.eval.model_dump(mode="json"))
    roles = dict(log.eval.model_roles or {})
    log.eval.model_roles = None
    judge = judge_model(plan.roles["judge"], plan.max_connections, plan.call_limits)
    rescored = score(
        log,
        scorers=[scorer],
        model=judge,
        model_roles={"judge": judge},
        action="overwrite",
        display=plan.eval_args.get("display") or "none",
        copy=False,
    )
    roles["judge"] = ModelConfig(model=plan.roles["judge"].model)
    rescored.eval.model_roles = roles
    metadata = {k: v for k, v in (rescored.eval.metadata or {}).items() if k != PANEL_SETTINGS_KEY}
    # The re-judged log goes to its own experiment beside the original's: Braintrust's
    # comparison view then pairs the two judges' rows.
    experiment = plan.export.experiment or rejudged_experiment(original, judges_slug(plan))
    rescored.eval.metadata = {
        **metadata,
        **(panel_metadata(plan) if plan.judges else {}),
        **experiment_stamp(experiment),
    }
    task = rescored.eval.task_display_name or rescored.eval.task
    rescored.eval.task_display_name = f"{task.rsplit('/', 1)[-1]}-judged-{judges_slug(plan)}"
    out = rejudged_path(log_path, plan)
    write_eval_log(rescored, str(out))
    return out, _cache_note(*_from_cache(rescored))


def rejudge_logs(plan: RunPlan, log_paths: list[Path]) -> list[Path]:
    """Re-judge saved logs, checking the judges before any model call.

    Args:
        plan: The run plan.
        log_paths: The logs to judge again.

    Returns:
        The new logs, in the same order.
    """
    judges = {"judge": plan.roles["judge"]}
    judges.update({f"judges[{i}]": spec for i, spec in enumerate(plan.judges) if i})
    for warning in preflight(judges):
        print(f"petri_bt: warning: {warning}", file=sys.stderr)
    originals = [p for p in log_paths if JUDGED not in p.stem]
    if not originals:
        raise UserError(
            "from_logs: every log given is already a re-judged copy (*-judged-*.eval); "
            "give the original logs"
        )
    for skipped in sorted(set(log_paths) - set(originals)):
        print(f"petri_bt: note: {skipped.name} is a re-judged copy: judging its original instead")
    new = []
    for path in originals:
        out, note = rejudge_log(plan, path)
        new.append(out)
        print(f"petri_bt: re-judged {path} -> {out.name}{note}")
    return new

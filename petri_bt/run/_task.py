"""A run plan -> the `inspect_petri.audit` task, carrying its own models and limits.

Every path (single run, study arm, sweep job) builds its task here, so the task
holds everything Inspect needs per task (models, epochs, seed limit, error
policy) and the eval call adds only what applies to the whole eval.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from petri_bt.naming import experiment_stamp
from petri_bt.run._models import judge_model, role_models
from petri_bt.run._plan import RunPlan
from petri_bt.run._seeds import SeedSource, seed_dataset


def resource_tools(resources_dir: str | None) -> list[Any] | None:
    """Petri's resource tools over one folder, for the auditor (None: no folder)."""
    if not resources_dir:
        return None
    from inspect_petri.tools import (
        list_directory,
        read_file,
        search_in_files,
        send_file_as_tool_result,
    )

    allowed = [str(Path(resources_dir))]
    return [
        list_directory(allowed),
        read_file(allowed),
        search_in_files(allowed),
        send_file_as_tool_result(allowed),
    ]


def _recorded_seeds(seeds: SeedSource) -> list[str]:
    """What the task passes `audit` as `seed_instructions`, which its log records: an
    inline list as it is, any other selection by name. The task's seeds are the
    dataset `seed_dataset` reads (the built-ins once per process); given the selection,
    `audit` would read Petri's whole seed folder again for every task of a sweep.

    Args:
        seeds: The plan's seed selection.
    """
    if isinstance(seeds, tuple):
        return list(seeds)
    return [f"seeds={seeds or 'default'}, given as the task's dataset"]


def judge_dimensions_value(value: Any) -> Any:
    """A plan's judge dimensions as Petri takes them (a list for several names)."""
    return list(value) if isinstance(value, tuple) else value


def panel_metadata(plan: RunPlan) -> dict[str, Any]:
    """The eval metadata that records the plan's judge panel in the log."""
    from petri_bt.judging import judge_names, panel_settings

    return panel_settings(
        judge_names([spec.model for spec in plan.judges]),
        plan.judge_aggregate,
        plan.judge_disagreement,
    )


def panel_scorer(plan: RunPlan, dimensions: Any, cache: Any = None) -> Any:
    """The judge panel's scorer: every judge of `plan.judges` scores each sample.

    Args:
        plan: The run plan (its panel and aggregate).
        dimensions: Petri's `judge_dimensions` argument.
        cache: The judge calls' cache policy (default: the plan's `cache` knob).
    """
    from inspect_scout import as_scorer

    from petri_bt.judging import judge_names, judge_panel

    models = [judge_model(spec, plan.max_connections, plan.call_limits) for spec in plan.judges]
    return as_scorer(
        judge_panel(
            models,
            judge_names([spec.model for spec in plan.judges]),
            dimensions=dimensions,
            aggregate_method=plan.judge_aggregate,
            cache=bool(plan.task_args["cache"]) if cache is None else cache,
        )
    )


def build_task(plan: RunPlan, *, name: str | None = None, judge_dimensions: Any = None) -> Any:
    """Build the Petri audit task of a plan.

    Args:
        plan: The run plan (seeds, knobs, roles, limits).
        name: Task name (shown in logs, matched by eval-set retries).
        judge_dimensions: Overrides the plan's judge dimensions (e.g. built-ins plus
            custom `JudgeDimension` objects).

    Returns:
        An `inspect_ai.Task` with its models, epochs, error policy and seed limit; its
        metadata records the plan's experiment, which every export of its log reads.
    """
    from inspect_ai import task_with
    from inspect_ai.solver import chain
    from inspect_petri import audit

    from petri_bt.run._reach import target_reached

    args = dict(plan.task_args)
    resources = args.pop("resources_dir")
    planned = args.pop("judge_dimensions")
    dimensions = judge_dimensions_value(
        judge_dimensions if judge_dimensions is not None else planned
    )
    task = audit(
        seed_instructions=_recorded_seeds(plan.seeds),
        **args,
        extra_tools=resource_tools(resources),
        judge_dimensions=dimensions,
    )
    dataset = seed_dataset(plan.seeds)
    models = role_models(plan.roles, plan.max_connections, plan.call_limits)
    options: dict[str, Any] = {
        "dataset": plan.seed_share(dataset),
        # after the audit, before the judge: a target whose server went away errors the
        # sample (a sweep resumes it) instead of being judged on failed turns
        "solver": chain(task.solver, target_reached()),
        "model": models["target"],
        "model_roles": models,
        "epochs": plan.epochs,
    }
    if plan.fail_on_error is not None:
        options["fail_on_error"] = plan.fail_on_error
    metadata = {**(task.metadata or {}), **experiment_stamp(plan.experiment)}
    if plan.judges:
        options["scorer"] = panel_scorer(plan, dimensions)
        metadata.update(panel_metadata(plan))
    options["metadata"] = metadata
    if name:
        options["name"] = name
    return task_with(task, **options)

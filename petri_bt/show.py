"""`action=show`: print what a run would do, without running it."""

from __future__ import annotations

from petri_bt.run import RunPlan


def show_run(plan: RunPlan) -> None:
    """Print the resolved roles (with where each came from), the seeds and the export.

    Args:
        plan: The run plan.
    """
    roles = plan.roles
    width = max(len(r) for r in roles)
    model_width = max(len(spec.model) for spec in roles.values())
    preset = plan.run_config.get("preset") or {}
    print(f"preset: {preset.get('name')}: {preset.get('description')}")
    for role, spec in roles.items():
        print(f"  {role:<{width}}  {spec.model:<{model_width}}  [{spec.source}]")
    seeds = plan.seeds
    shown = f"{len(seeds)} inline seeds" if isinstance(seeds, tuple) else (seeds or "built-in set")
    share = "" if plan.shard is None else f"; shard {plan.shard + 1} of {plan.shards}"
    print(
        f"seeds: {shown}; limit={plan.limit or 'all'}{share}; epochs={plan.epochs}; "
        f"max_turns={plan.task_args['max_turns']}"
    )
    settings = plan.export
    experiment = plan.given_experiment or f"{plan.experiment} (its last part is new for each run)"
    print(
        f"export: sink={settings.sink} mode={settings.mode} project={settings.project} "
        f"experiment={experiment}"
    )

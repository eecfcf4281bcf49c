"""`action=show`: print what a run would do, without running it."""

from __future__ import annotations

import textwrap
from typing import Any

from petri_bt.run import RunPlan

TEXT_LINES = 3
"""Lines of each seed's text `study.show_seeds=true` prints."""


def first_lines(text: str, lines: int = TEXT_LINES, indent: str = "      ") -> list[str]:
    """The start of a seed's text, wrapped, with `...` when there is more.

    Args:
        text: The seed text.
        lines: How many lines to keep.
        indent: The lines' indent.
    """
    wrapped = textwrap.wrap(" ".join(text.split()), width=96 - len(indent)) or [""]
    kept = [indent + line for line in wrapped[:lines]]
    if len(wrapped) > lines:
        kept[-1] += " ..."
    return kept


def _seed_lines(plan: RunPlan) -> list[str]:
    """The seeds the run audits: how many of the selection, and each one's id and tags."""
    from petri_bt.run import seed_dataset

    selected = list(seed_dataset(plan.seeds))
    chosen = list(plan.seed_share(selected))
    seeds = plan.seeds
    shown = f"{len(seeds)} inline seeds" if isinstance(seeds, tuple) else (seeds or "built-in set")
    share = "" if plan.shard is None else f"; shard {plan.shard + 1} of {plan.shards}"
    lines = [
        f"seeds: {shown}: {len(chosen)} of the {len(selected)} selected seeds run "
        f"(limit={plan.limit or 'all'}{share}); epochs={plan.epochs}; "
        f"max_turns={plan.task_args['max_turns']}"
    ]
    ids = [
        str(sample.id) if sample.id is not None else f"#{n + 1}" for n, sample in enumerate(chosen)
    ]
    width = max((len(i) for i in ids), default=0)
    for seed_id, sample in zip(ids, chosen, strict=True):
        tags = ", ".join(str(t) for t in (sample.metadata or {}).get("tags") or [])
        lines.append(f"  {seed_id:<{width}}  {tags}".rstrip())
        if plan.show_seeds:
            lines += first_lines(_text(sample.input))
    if not plan.show_seeds and chosen:
        lines.append("  (the start of each seed's text: study.show_seeds=true)")
    return lines


def _text(value: Any) -> str:
    """A sample's input as text (a string, or chat messages)."""
    if isinstance(value, str):
        return value
    return "\n".join(str(getattr(m, "text", m)) for m in value)


def show_run(plan: RunPlan) -> None:
    """Print the resolved roles (with where each came from), the seeds that will run
    and the export.

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
    print("\n".join(_seed_lines(plan)))
    settings = plan.export
    experiment = plan.given_experiment or f"{plan.experiment} (its last part is new for each run)"
    print(
        f"export: sink={settings.sink} mode={settings.mode} project={settings.project} "
        f"experiment={experiment}"
    )

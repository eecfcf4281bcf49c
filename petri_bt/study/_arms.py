"""A study's arms: per-condition seed datasets, run configs, judge dimensions and names."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from petri_bt._dimensions import palette_direction
from petri_bt.naming import arm_experiment
from petri_bt.run import Forecast, RunPlan
from petri_bt.study._overlay import overlay_seed
from petri_bt.study._spec import Condition, Seed, StudySpec


@dataclass(frozen=True)
class Arm:
    """One condition, ready to run.

    Args:
        condition: The condition.
        role: `baseline` or `treatment` (a study may have several treatments).
        dataset: The `.jsonl` seed dataset written for it.
        task_name: The Inspect task name (`<study>_<condition>`).
    """

    condition: Condition
    role: str
    dataset: Path
    task_name: str


def arm_rows(
    spec: StudySpec, condition: Condition, seeds: tuple[Seed, ...] | None = None
) -> list[dict[str, Any]]:
    """The dataset rows of one arm: overlaid seed text, stable id, pairing metadata.

    Args:
        spec: The study.
        condition: The arm.
        seeds: The base seeds to include (default: all of them).
    """
    # The seed's front matter (tags, ...) is the same in every arm; the exporter moves
    # it into the record's input, where identical values keep rows pairing across arms.
    # The four study keys differ per arm and stay in the record's metadata.
    fingerprint = spec.fingerprint
    return [
        {
            "id": seed.id,
            "input": overlay_seed(seed.text, condition),
            "metadata": {
                **seed.metadata,
                "base_seed": seed.text,
                "study": spec.name,
                "condition": condition.name,
                "study_fingerprint": fingerprint,
            },
        }
        for seed in (spec.base_seeds if seeds is None else seeds)
    ]


def write_arms(spec: StudySpec, folder: Path, seeds: Sequence[Seed] | None = None) -> list[Arm]:
    """Write one `.jsonl` dataset per arm: the baseline first, then each treatment.

    Args:
        spec: The study.
        folder: Where the datasets go (inside the run folder).
        seeds: The base seeds to audit, the same ones in every arm (default: all; a run
            passes its share, `RunPlan.seed_share`).
    """
    folder.mkdir(parents=True, exist_ok=True)
    seeds = tuple(spec.base_seeds if seeds is None else seeds)
    arms = []
    for condition in spec.arms:
        role = spec.role(condition.name)
        path = folder / f"{condition.name}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for row in arm_rows(spec, condition, seeds):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        arms.append(
            Arm(condition=condition, role=role, dataset=path, task_name=task_name(spec, condition))
        )
    return arms


def task_name(spec: StudySpec, condition: Condition) -> str:
    """The Inspect task name of an arm."""
    return f"{spec.name}_{condition.name}"


def arm_plan(plan: RunPlan, spec: StudySpec, condition: Condition, dataset: Path) -> RunPlan:
    """The run plan of one arm: the study's plan with the arm's knobs and seed dataset.

    Also tells the exporter the direction of the study's custom dimensions,
    unless the user already set one.

    Args:
        plan: The study's run plan.
        spec: The study.
        condition: The arm.
        dataset: The arm's seed dataset (`write_arms`); its seeds are already limited.
    """
    known = plan.export.dimension_directions
    directions = {
        c.name: palette_direction(c.palette) for c in spec.custom_dimensions if c.name not in known
    }
    arm = plan.with_knobs(condition.run_overrides).with_seeds(str(dataset))
    export = dataclasses.replace(plan.export, dimension_directions={**known, **directions})
    return dataclasses.replace(
        arm, export=export, experiment=arm_experiment_name(plan, spec, condition)
    )


def arm_judge_dimensions(plan: RunPlan, spec: StudySpec) -> Any:
    """What the arms' judge scores: the run's dimensions plus the study's needs.

    Returns None (Petri's default set) when the study needs nothing beyond it;
    otherwise a list of `JudgeDimension`s: the configured (or default) dimensions,
    any focus or moderator dimension missing from them, and the study's custom rubrics.

    Args:
        plan: The study's run plan.
        spec: The study.
    """
    configured = plan.task_args["judge_dimensions"]
    if configured is None and not spec.custom_dimensions:
        return None
    from inspect_petri import judge_dimensions as resolve

    chosen = resolve(list(configured) if isinstance(configured, tuple) else configured)
    have = {d.name for d in chosen}
    customs = {c.name: c for c in spec.custom_dimensions}
    needed = [d for d in (*spec.focus_dimensions, *spec.moderator_dimensions) if d not in have]
    chosen.extend(resolve([d for d in needed if d not in customs]))
    chosen.extend(c.judge_dimension() for c in spec.custom_dimensions if c.name not in have)
    return chosen


def arm_experiment_name(plan: RunPlan, spec: StudySpec, condition: Condition) -> str:
    """The Braintrust experiment of an arm: `<study>-<condition>-<target>-<date>-<run id>`.

    A name the user (`export.experiment`) or a sweep job gives replaces all but the
    condition, so `export.experiment=pilot` gives `pilot-observed`, `pilot-unobserved`.
    The rule is `petri_bt.naming.arm_experiment`.

    Args:
        plan: The study's run plan.
        spec: The study.
        condition: The arm.
    """
    return arm_experiment(
        plan.given_experiment, spec.name, condition.name, plan.target.model, plan.run_stamp
    )


def study_samples(plan: RunPlan, spec: StudySpec, seeds: int | None = None) -> int:
    """Samples a study audits: seeds x conditions x epochs.

    Args:
        plan: The run plan (`limit`, `epochs`).
        spec: The study.
        seeds: Base seeds per arm (default: the run's share of the study's seeds).
    """
    if seeds is None:
        seeds = len(plan.seed_share(spec.base_seeds))
    return seeds * len(spec.conditions) * plan.epochs


def planned_forecast(plan: RunPlan) -> Forecast:
    """A run's forecast cost (from its pilot), for the samples it will audit: a study's
    seeds in every arm, or a run's seeds and epochs.

    Args:
        plan: The run plan.
    """
    from petri_bt.run import check_seeds, forecast

    if plan.study is not None:
        from petri_bt.study._parse import load_study

        samples = study_samples(plan, load_study(plan.study))
    else:
        samples = check_seeds(plan.seeds, plan.limit) * plan.epochs
    return forecast(plan, samples)

"""A study's arms: per-condition seed datasets, run configs, judge dimensions and names."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf, open_dict

from petri_bt._dimensions import palette_direction
from petri_bt.export import url_safe_name
from petri_bt.study._overlay import overlay_seed
from petri_bt.study._spec import Condition, Seed, StudySpec


@dataclass(frozen=True)
class Arm:
    """One condition, ready to run.

    Args:
        condition: The condition.
        role: `baseline` or `treatment`.
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
    # Only these four keys: the exporter moves every other metadata key into the
    # record's input, which would stop rows pairing across arms.
    fingerprint = spec.fingerprint
    return [
        {
            "id": seed.id,
            "input": overlay_seed(seed.text, condition),
            "metadata": {
                "base_seed": seed.text,
                "study": spec.name,
                "condition": condition.name,
                "study_fingerprint": fingerprint,
            },
        }
        for seed in (spec.base_seeds if seeds is None else seeds)
    ]


def write_arms(spec: StudySpec, folder: Path, limit: int = 0) -> list[Arm]:
    """Write one `.jsonl` dataset per arm, baseline first.

    Args:
        spec: The study.
        folder: Where the datasets go (inside the run folder).
        limit: Audit only the first `limit` base seeds (0: all), the same ones in both arms.
    """
    folder.mkdir(parents=True, exist_ok=True)
    seeds = spec.base_seeds[:limit] if limit else spec.base_seeds
    arms = []
    for role, condition in zip(("baseline", "treatment"), spec.arms, strict=True):
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


def arm_config(cfg: DictConfig, spec: StudySpec, condition: Condition) -> DictConfig:
    """The run config of one arm: the study's config with the arm's run overrides.

    Also tells the exporter the direction of the study's custom dimensions,
    unless the user already set one.

    Args:
        cfg: The composed run config.
        spec: The study.
        condition: The arm.
    """
    known = cfg.export.dimension_directions
    directions = {
        c.name: palette_direction(c.palette) for c in spec.custom_dimensions if c.name not in known
    }
    arm = OmegaConf.merge(cfg, condition.run_overrides)
    assert isinstance(arm, DictConfig)
    with open_dict(arm):
        arm.export.dimension_directions.update(directions)
    return arm


def judge_dimensions(cfg: DictConfig, spec: StudySpec) -> Any:
    """What the arms' judge scores: the run's dimensions plus the study's needs.

    Returns None (Petri's default set) when the study needs nothing beyond it;
    otherwise a list of `JudgeDimension`s: the configured (or default) dimensions,
    any focus or moderator dimension missing from them, and the study's custom rubrics.

    Args:
        cfg: The composed run config.
        spec: The study.
    """
    configured = list(cfg.judge_dimensions or [])
    if not configured and not spec.custom_dimensions:
        return None
    from inspect_petri import judge_dimensions as resolve

    from petri_bt.run._task import judge_dimensions_arg

    chosen = resolve(judge_dimensions_arg(configured))
    have = {d.name for d in chosen}
    customs = {c.name: c for c in spec.custom_dimensions}
    needed = [d for d in (*spec.focus_dimensions, *spec.moderator_dimensions) if d not in have]
    chosen.extend(resolve([d for d in needed if d not in customs]))
    chosen.extend(c.judge_dimension() for c in spec.custom_dimensions if c.name not in have)
    return chosen


def experiment_name(
    cfg: DictConfig, spec: StudySpec, condition: Condition, target: str, day: dt.date | None = None
) -> str:
    """The Braintrust experiment of an arm: `<study>-<condition>-<target>-<date>`.

    A user-set `export.experiment` replaces the `<study>` part and drops the rest,
    so `export.experiment=pilot` gives `pilot-observed`, `pilot-unobserved`.

    Args:
        cfg: The composed run config.
        spec: The study.
        condition: The arm.
        target: The target model string.
        day: The date to stamp (default: today).
    """
    if cfg.export.experiment:
        return f"{cfg.export.experiment}-{condition.name}"
    day = day or dt.date.today()
    return f"{spec.name}-{condition.name}-{url_safe_name(target)}-{day.isoformat()}"

"""A study as petri_bt holds it: frozen `Seed`, `Condition` and `StudySpec`.

`_parse` makes one from a study file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from petri_bt.run import TASK_KNOBS
from petri_bt.study._custom_dimensions import CustomDimension, builtin_palettes

DEFAULT_MODERATORS = ("eval_awareness", "audit_situational_awareness")
DEFAULT_SMALLEST_EFFECT = 1.0
"""The smallest effect of interest when a study names none: one raw judge point (1-10 scale)."""

# Run knobs a condition may change: the task knobs, except the judge's dimensions,
# which must be the same in every arm for the scores to compare. Everything else
# (models, seeds, limits, export) must stay identical too, or the comparison is no
# longer paired.
RUN_OVERRIDE_KEYS = tuple(knob for knob in TASK_KNOBS if knob != "judge_dimensions")


@dataclass(frozen=True)
class Seed:
    """One base seed: the scenario before any condition's overlay.

    Args:
        id: Stable id, the same in every arm (pairs rows across arms).
        text: The seed instruction.
        source: `inline` or the file it came from (relative to the study file).
        metadata: The seed file's front matter (tags, ...), the same in every arm.
    """

    id: str
    text: str
    source: str = "inline"
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Condition:
    """One arm's manipulation.

    Args:
        name: Arm name (used in task and experiment names).
        description: What the arm changes, for people.
        seed_prefix: Text placed before every base seed.
        seed_suffix: Text placed after every base seed.
        system_prompt_addition: Text the auditor must put in the target's system prompt.
        run_overrides: Run knobs for this arm only (e.g. `max_turns`).
    """

    name: str
    description: str = ""
    seed_prefix: str = ""
    seed_suffix: str = ""
    system_prompt_addition: str = ""
    run_overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StudySpec:
    """A validated study.

    Args:
        name: The study's name (equals the file's stem).
        title: One-line title.
        description: What the study does.
        hypothesis: What the study expects to find.
        path: The study file.
        base_seeds: The seeds every arm audits.
        conditions: The arms (two or more), in file order.
        baseline: Name of the baseline condition.
        treatments: Names of the treatment conditions; each is compared with the
            baseline (deltas are treatment - baseline).
        focus_dimensions: Dimensions the paired report tests.
        moderator_dimensions: Dimensions correlated with the per-seed delta.
        custom_dimensions: The study's own rubrics, scored by the judge too.
        probe: A pinned message the auditor must deliver in every audit, when set.
        smallest_effect: The smallest mean delta worth detecting, in raw judge points
            (what `action=plan` sizes the study for).
    """

    name: str
    title: str
    description: str
    hypothesis: str
    path: Path
    base_seeds: tuple[Seed, ...]
    conditions: tuple[Condition, ...]
    baseline: str
    treatments: tuple[str, ...]
    focus_dimensions: tuple[str, ...]
    moderator_dimensions: tuple[str, ...] = DEFAULT_MODERATORS
    custom_dimensions: tuple[CustomDimension, ...] = ()
    probe: str | None = None
    smallest_effect: float = DEFAULT_SMALLEST_EFFECT

    def condition(self, name: str) -> Condition:
        """The condition called `name`."""
        for condition in self.conditions:
            if condition.name == name:
                return condition
        raise KeyError(name)

    @property
    def arms(self) -> tuple[Condition, ...]:
        """The baseline, then every treatment in order."""
        return tuple(self.condition(name) for name in (self.baseline, *self.treatments))

    def role(self, name: str) -> str:
        """`baseline` or `treatment`: the part condition `name` plays."""
        return "baseline" if name == self.baseline else "treatment"

    def delta(self, treatment: str) -> str:
        """How a treatment's delta is read, e.g. `unobserved - observed`."""
        return f"{treatment} - {self.baseline}"

    def palette(self, dimension: str) -> str:
        """The direction palette of a built-in or custom dimension."""
        for custom in self.custom_dimensions:
            if custom.name == dimension:
                return custom.palette
        return builtin_palettes().get(dimension, "good-low")

    # cached_property writes to the instance __dict__ directly, so it works on a
    # frozen dataclass; load_study fills it, so file contents count as they were then.
    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the canonical spec (seeds, overlays, overrides, rubrics)."""
        from petri_bt.study._fingerprint import fingerprint

        return fingerprint(self)

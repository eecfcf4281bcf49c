"""A pilot read for a forecast: tokens per sample and role, scaled to the planned turn budget.

A pilot is the logs of a small run. Its re-judged copies (`*-judged-*.eval`) hold
the same samples again, so they are left out. Each sample's tokens are read turn by
turn, so a pilot run with another `max_turns` still forecasts the planned one: a
sample that ended before the planned budget costs what it cost; one cut short by
the pilot's budget is extended by its last turn for each turn it would have run on;
a longer pilot sample counts its first turns only. The judge reads the whole
transcript, so its input tokens scale with the turns kept. Where the pilot's models
differ from the plan's, the forecast says so: tokens depend on the models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from petri_bt.errors import UserError
from petri_bt.naming import JUDGED
from petri_bt.run._plan import RunPlan

_TOKENS = (
    "input_tokens",
    "output_tokens",
    "input_tokens_cache_read",
    "input_tokens_cache_write",
)
_CONTEXT = ("input_tokens", "input_tokens_cache_read", "input_tokens_cache_write")


@dataclass
class Pilot:
    """What a forecast needs from a pilot.

    Args:
        samples: Samples read.
        tokens: Role -> Inspect usage key -> tokens summed over the samples, scaled to
            the planned turn budget.
        judges: How many judges scored the pilot (a panel's all have the judge role).
        notes: What the forecast should say about the pilot (differences, scaling).
    """

    samples: int = 0
    tokens: dict[str, dict[str, float]] = field(default_factory=dict)
    judges: int = 1
    notes: list[str] = field(default_factory=list)

    def per_sample(self, role: str, share: int = 1) -> dict[str, float] | None:
        """A role's mean tokens per sample (divided among `share` judges)."""
        figures = self.tokens.get(role)
        if figures is None or not self.samples:
            return None
        return {key: value / self.samples / share for key, value in figures.items()}


def without_rejudged(paths: list[Path]) -> tuple[list[Path], int]:
    """The pilot's original logs, and how many re-judged copies were left out."""
    originals = [p for p in paths if JUDGED not in p.stem]
    return originals, len(paths) - len(originals)


def _add(
    total: dict[str, dict[str, float]], usage: Mapping[str, Mapping[str, float]], k: float
) -> None:
    for role, counts in usage.items():
        entry = total.setdefault(role, dict.fromkeys(_TOKENS, 0.0))
        for key, value in counts.items():
            entry[key] += value * k


def _scaled(
    turns: list[dict[str, dict[str, int]]],
    judging: dict[str, dict[str, int]],
    pilot_budget: int,
    planned: int,
) -> tuple[dict[str, dict[str, float]], bool]:
    """One sample's tokens per role at the planned budget, and whether it was extended."""
    used = len(turns) - 1
    kept = min(planned, used)
    extra = planned - used if used >= pilot_budget and planned > used and used else 0
    total: dict[str, dict[str, float]] = {}
    for turn in turns[: kept + 1]:
        _add(total, turn, 1.0)
    if extra:
        _add(total, turns[used], float(extra))
    factor = (kept + extra) / used if used else 1.0
    for role, counts in judging.items():
        entry = total.setdefault(role, dict.fromkeys(_TOKENS, 0.0))
        for key, value in counts.items():
            entry[key] += value * (factor if key in _CONTEXT else 1.0)
    return total, bool(extra)


def _differences(plan: RunPlan, roles: dict[str, set[str]]) -> list[str]:
    planned = {
        "target": {plan.roles["target"].model},
        "auditor": {plan.roles["auditor"].model},
        "judge": {spec.model for spec in plan.judges} or {plan.roles["judge"].model},
    }
    found = []
    for role, models in planned.items():
        piloted = roles.get(role)
        if piloted and piloted != models:
            found.append(
                f"{role} {', '.join(sorted(piloted))} in the pilot, {', '.join(sorted(models))} here"
            )
    return found


def read_pilot(plan: RunPlan, paths: list[Path]) -> Pilot:
    """Read a pilot's logs for the plan's forecast.

    Args:
        plan: The planned run (its roles and `max_turns`).
        paths: The pilot's logs (re-judged copies are left out here).

    Raises:
        UserError: Only re-judged copies, or no readable sample.
    """
    from petri_bt.logs import LogFile, LogReadError, SampleReadError, roles_in_spec, usage_by_turn

    originals, rejudged = without_rejudged(paths)
    if not originals:
        raise UserError(
            "the pilot's logs are all re-judged copies (*-judged-*.eval), which hold no new "
            "samples: give the original logs"
        )
    pilot = Pilot()
    if rejudged:
        pilot.notes.append(f"{rejudged} re-judged cop(ies) of pilot logs left out (same samples)")
    planned = int(plan.task_args["max_turns"])
    roles: dict[str, set[str]] = {}
    budgets: set[int] = set()
    extended = unscalable = 0
    problems: list[str] = []
    for path in originals:
        try:
            log = LogFile(path)
        except LogReadError as exc:
            problems.append(str(exc))
            continue
        with log:
            model_roles = roles_in_spec(log.eval_spec)
            for role, model in model_roles.items():
                roles.setdefault(role, set()).add(model)
            task_args = log.eval_spec.get("task_args") or {}
            budget = int(task_args.get("max_turns") or planned)
            budgets.add(budget)
            for _, sample in log.samples():
                if isinstance(sample, SampleReadError) or sample.get("error"):
                    continue
                by_turn = usage_by_turn(sample, model_roles)
                if by_turn is None:
                    unscalable += 1
                    continue
                tokens, grew = _scaled(*by_turn, budget, planned)
                extended += grew
                _add(pilot.tokens, tokens, 1.0)
                pilot.samples += 1
    if not pilot.samples:
        raise UserError(
            "the pilot holds no readable sample to forecast from"
            + (f" ({problems[0]})" if problems else "")
        )
    pilot.judges = max(1, len(roles.get("judge", ())))
    differences = _differences(plan, roles)
    if budgets != {planned}:
        shown = ", ".join(str(b) for b in sorted(budgets))
        differences.append(
            f"max_turns {shown} in the pilot, {planned} here: tokens scaled to {planned} turns "
            f"from the pilot's own per-turn usage ({extended} sample(s) cut short by the pilot's "
            "budget extended by their last turn)"
        )
    if differences:
        pilot.notes.append("the pilot differs from this run: " + "; ".join(differences))
    if unscalable:
        pilot.notes.append(f"{unscalable} pilot sample(s) without model events left out")
    return pilot

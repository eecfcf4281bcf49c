"""What a run will cost, forecast from a pilot: the pilot's tokens per sample, priced for
the models the run will use, times the samples it will audit.

A pilot is a small run of the same kind (its logs, read by `_pilot`); its tokens per
sample and role, scaled to the planned turn budget, are assumed to hold for the
planned run. Prices come from the pricing table (`petri_bt/logs/pricing.yaml` plus
`export.pricing`); local models cost 0 unless priced.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petri_bt.errors import UserError
from petri_bt.roles import RoleModel
from petri_bt.run._pilot import read_pilot
from petri_bt.run._plan import RunPlan


@dataclass(frozen=True)
class RoleCost:
    """One role's (or one panel judge's) share of the forecast.

    Args:
        role: The role (`judges[1]` for a panel's second judge).
        model: The model the planned run uses for it.
        tokens_per_sample: The pilot's mean tokens per sample (input + output + cache).
        usd_per_sample: Those tokens priced for `model`.
        priced_by: The pricing-table entry that priced it (`local`, `unpriced`, a key).
    """

    role: str
    model: str
    tokens_per_sample: float
    usd_per_sample: float
    priced_by: str


@dataclass(frozen=True)
class Forecast:
    """The cost of a planned run.

    Args:
        samples: Samples the run audits (seeds x epochs x arms).
        pilot_samples: Samples the pilot's logs hold.
        roles: Each role's cost per sample.
        unpriced: Models the pricing table does not price (counted as 0).
        notes: What to know about the pilot (re-judged copies left out, differences
            from the planned run, turn scaling).
    """

    samples: int
    pilot_samples: int
    roles: tuple[RoleCost, ...] = field(default_factory=tuple)
    unpriced: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def usd_per_sample(self) -> float:
        return sum(r.usd_per_sample for r in self.roles)

    @property
    def total_usd(self) -> float:
        return self.usd_per_sample * self.samples

    def for_samples(self, samples: int) -> float:
        """The cost of the same run with another number of samples."""
        return self.usd_per_sample * samples

    def as_dict(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "pilot_samples": self.pilot_samples,
            "usd_per_sample": round(self.usd_per_sample, 6),
            "total_usd": round(self.total_usd, 4),
            "roles": [r.__dict__ for r in self.roles],
            "unpriced": list(self.unpriced),
            "notes": list(self.notes),
        }


def pilot_logs(plan: RunPlan) -> list[Path]:
    """The pilot's logs: `pilot=`, or for `action=plan` the `from_logs`.

    Raises:
        UserError: No pilot given, or its paths match no log.
    """
    from petri_bt.logs import resolve_log_paths

    given = plan.pilot or plan.from_logs
    if not given:
        raise UserError(
            "a forecast needs a pilot: give pilot=<logs of a small run with the same "
            "roles and turn budget> (action=plan also takes from_logs=)"
        )
    return resolve_log_paths(list(given), plan.export.pattern)


def _priced(plan: RunPlan) -> list[tuple[str, str, RoleModel]]:
    """(label, pilot role, planned model) for every model the planned run calls."""
    out = [(role, role, spec) for role, spec in plan.roles.items() if role != "judge"]
    judges = plan.judges or (plan.roles["judge"],)
    out += [("judge" if i == 0 else f"judges[{i}]", "judge", spec) for i, spec in enumerate(judges)]
    return out


def forecast(plan: RunPlan, samples: int) -> Forecast:
    """Forecast the plan's cost for `samples` samples from its pilot.

    Args:
        plan: The run plan (its roles, panel, pricing and pilot).
        samples: Samples the run will audit.

    Raises:
        UserError: No pilot, or a pilot with no readable sample.
    """
    from petri_bt.logs import PriceTable

    pilot = read_pilot(plan, pilot_logs(plan))
    prices = PriceTable(dict(plan.export.pricing))
    roles = []
    unpriced = []
    for label, pilot_role, spec in _priced(plan):
        # A pilot judged by a panel holds every judge's calls under `judge`: one judge's share.
        usage = pilot.per_sample(pilot_role, pilot.judges if pilot_role == "judge" else 1)
        if usage is None:
            continue
        price = prices.price(spec.model)
        if price.source == "unpriced":
            unpriced.append(spec.model)
        roles.append(
            RoleCost(
                role=label,
                model=spec.model,
                tokens_per_sample=round(sum(usage.values()), 1),
                usd_per_sample=price.cost(usage),
                priced_by=price.source,
            )
        )
    return Forecast(
        samples=samples,
        pilot_samples=pilot.samples,
        roles=tuple(roles),
        unpriced=tuple(sorted(set(unpriced))),
        notes=tuple(pilot.notes),
    )


def format_forecast(result: Forecast, title: str) -> str:
    """The forecast as a plain-text table."""
    width = max([len(r.role) for r in result.roles] + [4])
    mwidth = max([len(r.model) for r in result.roles] + [5])
    lines = [
        f"{title} (tokens per sample from a pilot of {result.pilot_samples} samples)",
        f"  {'role':<{width}}  {'model':<{mwidth}}  {'tokens/sample':>13}  {'USD/sample':>10}",
    ]
    for r in result.roles:
        lines.append(
            f"  {r.role:<{width}}  {r.model:<{mwidth}}  {r.tokens_per_sample:>13.0f}  "
            f"{r.usd_per_sample:>10.4f}"
        )
    lines.append(f"  {result.samples} samples: USD {result.total_usd:.2f}")
    if result.unpriced:
        lines.append(
            f"  not in the pricing table (counted as 0): {', '.join(result.unpriced)}; "
            "price them with export.pricing"
        )
    lines.extend(f"  note: {note}" for note in result.notes)
    return "\n".join(lines)


def print_forecast(plan: RunPlan, result: Forecast, title: str) -> None:
    """Print a forecast's table, and how it stands against `budget_usd` when one is set.

    Args:
        plan: The run plan (its `budget_usd`).
        result: The forecast.
        title: The table's first line.
    """
    print(format_forecast(result, title))
    if plan.budget_usd is not None:
        verdict = "within" if result.total_usd <= plan.budget_usd else "OVER"
        print(f"  {verdict} budget_usd={plan.budget_usd:g}")


def check_budget(plan: RunPlan, samples: int) -> Forecast | None:
    """The run's forecast when it has a pilot or a budget; refuse it, before any model
    call, when the forecast exceeds `budget_usd`. The pilot's notes are printed.

    Args:
        plan: The run plan.
        samples: Samples the run will audit.

    Returns:
        The forecast (None: neither `pilot` nor `budget_usd` is given).

    Raises:
        UserError: The forecast exceeds the budget (or there is no pilot to forecast from).
    """
    if plan.budget_usd is None and not plan.pilot:
        return None
    result = forecast(plan, samples)
    if plan.budget_usd is not None:
        refuse_over_budget(plan.budget_usd, result.total_usd, f"{samples} samples")
    for note in result.notes:
        print(f"petri_bt: warning: forecast: {note}", file=sys.stderr)
    return result


def refuse_over_budget(budget: float, total: float, what: str) -> None:
    """Raise the one-line refusal when a forecast is over budget.

    Args:
        budget: `budget_usd`.
        total: The forecast in USD.
        what: What the forecast covers (`40 samples`, `a sweep of 8 jobs`).
    """
    if total > budget:
        raise UserError(
            f"forecast USD {total:.2f} for {what} exceeds budget_usd={budget:g}: lower limit, "
            "epochs or the sweep's axes, or raise budget_usd (action=plan shows the forecast)"
        )


def write_cost_plan(plan: RunPlan, run_dir: Path) -> dict[str, Any]:
    """`action=plan` for a run: print and save (`plan.json`) its forecast cost.

    Args:
        plan: The run plan, with a pilot.
        run_dir: Where `plan.json` goes.
    """
    from petri_bt.run._seeds import check_seeds
    from petri_bt.summary import write_json

    seeds = check_seeds(plan.seeds, plan.limit)
    result = forecast(plan, seeds * plan.epochs)
    print_forecast(plan, result, f"cost of {seeds} seeds x {plan.epochs} epoch(s)")
    summary = {"forecast": result.as_dict(), "budget_usd": plan.budget_usd, "ok": True}
    write_json(run_dir / "plan.json", summary)
    return summary

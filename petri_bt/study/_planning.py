"""`study=... action=plan`: how many seeds a study needs, and what it will cost.

From a pilot's logs (`from_logs=` or `pilot=`): the paired analysis gives each focus
dimension's per-seed deltas, and from them the seeds needed for 80% power at the
study's smallest effect of interest; the pilot's tokens give the cost per sample,
priced for the models this run would use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from petri_bt.run import RunPlan, forecast, format_forecast, pilot_logs
from petri_bt.study._arms import study_samples
from petri_bt.study._spec import StudySpec


def write_study_plan(plan: RunPlan, spec: StudySpec, run_dir: Path) -> dict[str, Any]:
    """Print the seeds needed for power and the forecast cost; write `plan.json`.

    Args:
        plan: The run plan of `study=<name> action=plan` with a pilot.
        spec: The study.
        run_dir: Where `plan.json` goes.

    Returns:
        power (one row per dimension and treatment), forecast, and the cost of the seeds
        the power plan asks for.
    """
    from petri_bt.study._logs import read_arm_log
    from petri_bt.study._power import format_power_plan, power_plan
    from petri_bt.study._runner import analyse_logs
    from petri_bt.summary import write_json

    logs = [read_arm_log(path) for path in pilot_logs(plan)]
    report, _ = analyse_logs(spec, logs, judge_disagreement=plan.judge_disagreement)
    rows = power_plan(report)
    print(format_power_plan(rows))
    configured = forecast(plan, study_samples(plan, spec))
    print(format_forecast(configured, f"cost of study {spec.name} as configured"))
    needed = [row["seeds"] for row in rows if row["seeds"] is not None]
    powered = None
    if needed:
        seeds = max(needed)
        samples = study_samples(plan, spec, seeds)
        powered = {"seeds": seeds, "samples": samples, "usd": configured.for_samples(samples)}
        print(
            f"  for 80% power on every comparison: {seeds} seeds x {len(spec.conditions)} "
            f"conditions x {plan.epochs} epoch(s) = {samples} samples: USD {powered['usd']:.2f}"
        )
    result = {"power": rows, "forecast": configured.as_dict(), "powered": powered, "ok": True}
    write_json(run_dir / "plan.json", result)
    return result

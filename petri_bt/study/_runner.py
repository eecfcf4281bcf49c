"""Running a study: every arm at once, one experiment per arm, then the paired report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from petri_bt.errors import UserError
from petri_bt.run import RunPlan
from petri_bt.study._copy import write_study_copy
from petri_bt.study._parse import load_study
from petri_bt.study._spec import StudySpec

if TYPE_CHECKING:
    from petri_bt.study._arms import Arm
    from petri_bt.study._logs import LogInfo

STUDY_FOLDER = "study"


def study_spec(plan: RunPlan) -> StudySpec:
    """Load the study the plan names (`study=<name>`, as found by the study group).

    Args:
        plan: The run plan.
    """
    if plan.study is None:
        raise UserError("no study selected: add study=<name> (see --help for the list)")
    return load_study(plan.study)


def _refuse_arm_knobs(plan: RunPlan, spec: StudySpec) -> None:
    """A knob the user set that a condition sets per arm would be silently ignored: refuse it."""
    for condition in spec.conditions:
        clash = sorted(set(condition.run_overrides) & plan.explicit)
        if clash:
            per_arm = ", ".join(
                f"{c.name}: {c.run_overrides[clash[0]]}"
                for c in spec.conditions
                if clash[0] in c.run_overrides
            )
            raise UserError(
                f"study {spec.name} sets {clash[0]} per condition ({per_arm}), so "
                f"{clash[0]}={plan.run_config.get(clash[0])} would be ignored: drop it, or "
                f"copy {spec.path.name} and change the conditions"
            )


def group_logs(
    spec: StudySpec, logs: Sequence[LogInfo]
) -> tuple[dict[str, list[LogInfo]], list[str]]:
    """Sort the samples of several logs into arms by their `metadata.condition`.

    Args:
        spec: The study.
        logs: The logs as `read_arm_log` read them; any mix of arms, re-runs included.

    Returns:
        (condition -> logs holding only that arm's samples, notes about skipped samples)
    """
    arms: dict[str, list[LogInfo]] = {c.name: [] for c in spec.conditions}
    skipped: dict[str, int] = {}
    for info in logs:
        by_condition: dict[str, list[Any]] = {}
        for sample in info.samples:
            if sample.study != spec.name or sample.condition not in arms:
                label = f"study={sample.study}, condition={sample.condition}"
                skipped[label] = skipped.get(label, 0) + 1
                continue
            by_condition.setdefault(sample.condition, []).append(sample)
        for condition, samples in by_condition.items():
            arms[condition].append(replace(info, samples=samples))
    notes = [
        f"ignored {n} sample(s) with {label} (not study {spec.name!r})"
        for label, n in sorted(skipped.items())
    ]
    for condition in (spec.baseline, *spec.treatments):
        if not arms[condition]:
            raise UserError(
                f"the logs hold no sample of study {spec.name!r}, condition {condition!r}; "
                "pass the logs of every arm (from_logs=[a.eval,b.eval,...] or their folder)"
            )
    return arms, notes


def analyse_logs(
    spec: StudySpec, logs: Sequence[LogInfo], *, judge_disagreement: float
) -> tuple[dict[str, Any], list[str]]:
    """The paired report of a study's logs, and notes about samples left out.

    Args:
        spec: The study.
        logs: Its logs as `read_arm_log` read them (any mix of arms).
        judge_disagreement: Raw points apart at which a judge panel flags a sample.
    """
    from petri_bt.study._analysis import analyse

    arms, notes = group_logs(spec, logs)
    return analyse(spec, arms, judge_disagreement=judge_disagreement), notes


def _analyse_logs(
    plan: RunPlan, spec: StudySpec, run_dir: Path, logs: Sequence[LogInfo]
) -> tuple[dict[str, Any], dict[str, Path], list[str]]:
    from petri_bt.study._report import write_report

    report, notes = analyse_logs(spec, logs, judge_disagreement=plan.judge_disagreement)
    return report, write_report(report, run_dir), notes


def _export(plan: RunPlan, spec: StudySpec, arm: Arm, log: Path, run_dir: Path) -> Any:
    """Export one arm's log to the experiment its header records (`arm_plan`'s)."""
    from petri_bt.export import export_logs

    run_config = dict(plan.run_config)
    run_config["study"] = {
        "name": spec.name,
        "condition": arm.condition.name,
        "arm": arm.role,
        "fingerprint": spec.fingerprint,
    }
    return export_logs(
        [log],
        plan.export,
        out_dir=run_dir,
        run_config=run_config,
        announce=False,
    )


def _export_ok(result: Any) -> bool:
    if result is None:
        return True
    if isinstance(result, dict):
        return bool(result.get("ok", True))
    return bool(getattr(result, "ok", True))


def _reanalyse(plan: RunPlan, spec: StudySpec, run_dir: Path) -> dict[str, Any]:
    """A study's report from logs it already has (`from_logs`): no model call, no export.

    Re-judged copies (`*-judged-*.eval`) given beside their originals are left out, and
    a note says how to analyse them instead.
    """
    from petri_bt.logs import resolve_log_paths
    from petri_bt.run import rejudged_logs_note, set_aside_rejudged
    from petri_bt.study._logs import read_arm_log
    from petri_bt.study._report import format_table

    given = resolve_log_paths(list(plan.from_logs), plan.export.pattern)
    log_paths, aside = set_aside_rejudged(given)
    for judges, copies in aside.items():
        print(rejudged_logs_note(judges, copies))
    logs = [read_arm_log(path) for path in log_paths]
    report, paths, notes = _analyse_logs(plan, spec, run_dir, logs)
    for note in notes:
        print(f"note: {note}")
    print(format_table(report))
    print(f"Report: {paths['markdown']} (JSON: {paths['json'].name}, plot: {paths['forest'].name})")
    return {
        "ok": True,
        "study": spec.name,
        "study_fingerprint": spec.fingerprint,
        "arms": {name: arm["logs"] for name, arm in report["arms"].items()},
        "export": None,
        "report_files": paths,
        "report": report,
    }


def run_study(plan: RunPlan, run_dir: Path) -> dict[str, Any]:
    """Run a study's arms concurrently, export each arm, and write the paired report.

    With `from_logs` set nothing is run or exported: the given logs are
    grouped into arms by their samples' metadata and analysed the same way.

    Args:
        plan: The run plan of a config with `study=<name>`.
        run_dir: The run folder (logs, arm datasets, report files).

    Returns:
        ok, study, study_fingerprint, arms (condition -> log), export (condition -> export
        result, None when not exported), report_files (kind -> path) and the report itself.
    """
    from petri_bt.run import budget_held, run_eval

    spec = study_spec(plan)
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    if plan.from_logs:
        return _reanalyse(plan, spec, run_dir)
    arms, arm_plans, tasks, expected = _prepare_arms(plan, spec, run_dir)
    with budget_held(plan) as guard:
        evals = run_eval(plan, tasks, plan.logs_in(run_dir))
    by_task = {log.eval.task: Path(log.location) for log in evals}
    arm_logs = {
        arm.condition.name: by_task[arm.task_name] for arm in arms if arm.task_name in by_task
    }
    missing = [arm.condition.name for arm in arms if arm.condition.name not in arm_logs]
    if missing:
        raise UserError(f"study {spec.name}: Inspect wrote no log for arm(s) {', '.join(missing)}")
    exports: dict[str, Any] = {}
    if plan.exporting:
        for arm in arms:
            name = arm.condition.name
            exports[name] = _export(arm_plans[name], spec, arm, arm_logs[name], run_dir)
    summary, report, paths = _summarise(plan, spec, run_dir, arm_logs, exports)
    if guard is not None:
        summary["budget"] = guard.summary()
    if expected is not None:
        from petri_bt.run import spend_against_forecast

        ran = summary["samples"] - summary["cancelled"]
        logs = list(arm_logs.values())
        summary["spend"] = spend_against_forecast(expected, logs, plan.export, ran)
    from petri_bt.summary import write_json

    write_json(run_dir / "summary.json", summary)
    _print_result(plan, spec, report, paths, summary, arm_logs)
    return {**summary, "report_files": paths, "report": report}


def _prepare_arms(
    plan: RunPlan, spec: StudySpec, run_dir: Path
) -> tuple[list[Arm], dict[str, RunPlan], list[Any], Any]:
    """Every check before a model call, then the arms' datasets, the study's copy and
    rerun record, each arm's plan and task; also the forecast, when there is one."""
    from petri_bt._hydra_io import point_saved_config
    from petri_bt.run import announce_export, build_task, check_budget, prepare, write_record
    from petri_bt.study._arms import arm_judge_dimensions, arm_plan, study_samples, write_arms

    _refuse_arm_knobs(plan, spec)
    # The arms audit the study's own seeds, so the run's seed selection is not checked.
    prepare(plan, seeds=False)
    expected = check_budget(plan, study_samples(plan, spec))
    announce_export(plan)
    if plan.seeds is not None:
        print(
            f"petri_bt: warning: seeds=... is ignored: study {spec.name} audits its own base seeds"
        )
    folder = run_dir / STUDY_FOLDER
    arms = write_arms(spec, folder, plan.seed_share(spec.base_seeds))
    copy = write_study_copy(spec, folder)
    point_saved_config(run_dir, "study", {"path": str(copy.resolve())})
    dimensions = arm_judge_dimensions(plan, spec)
    write_record(plan, run_dir, dimensions=dimensions, study_file=copy)
    # arm_plan checks each arm's knobs: every arm is checked before any model call.
    arm_plans = {
        arm.condition.name: arm_plan(plan, spec, arm.condition, arm.dataset) for arm in arms
    }
    tasks = [
        build_task(arm_plans[arm.condition.name], name=arm.task_name, judge_dimensions=dimensions)
        for arm in arms
    ]
    return arms, arm_plans, tasks, expected


def _summarise(
    plan: RunPlan,
    spec: StudySpec,
    run_dir: Path,
    arm_logs: dict[str, Path],
    exports: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Path]]:
    """The paired report (written) and the run's summary (not yet written)."""
    from petri_bt.logs import summarise_log
    from petri_bt.run import summary_block
    from petri_bt.study._logs import read_arm_log

    logs = [read_arm_log(path) for path in arm_logs.values()]
    report, paths, _ = _analyse_logs(plan, spec, run_dir, logs)
    # The export read each arm's log once already and returns its run-summary figures.
    summaries = [
        exports[name]["logs"][0]["run_summary"] if name in exports else summarise_log(path)
        for name, path in arm_logs.items()
    ]
    ok = all(s["status"] == "success" for s in summaries) and all(
        _export_ok(e) for e in exports.values()
    )
    summary = summary_block(
        plan,
        run_dir,
        summaries,
        exports or None,
        study=spec.name,
        study_fingerprint=spec.fingerprint,
        arms={name: str(path) for name, path in arm_logs.items()},
        report={kind: str(path) for kind, path in paths.items()},
        ok=ok,
    )
    return summary, report, paths


def _print_result(
    plan: RunPlan,
    spec: StudySpec,
    report: dict[str, Any],
    paths: dict[str, Path],
    summary: dict[str, Any],
    arm_logs: dict[str, Path],
) -> None:
    from petri_bt.run import format_spend
    from petri_bt.study._report import format_table

    if plan.job is not None and plan.shard is not None:
        # one shard of a sweep: the combined report is printed when the sweep ends
        print(
            f"study {spec.name}, shard {plan.shard + 1} of {plan.shards}: partial report in "
            f"{paths['markdown']} (the report of all the shards follows when they are done)"
        )
        return
    print(format_table(report))
    if "spend" in summary:
        print(format_spend(summary["spend"]))
    for folder_name in sorted({str(p.parent) for p in arm_logs.values()}):
        print(f"View the transcripts: inspect view --log-dir {folder_name}")
    print(f"Report: {paths['markdown']} (JSON: {paths['json'].name}, plot: {paths['forest'].name})")

"""Judge panels and re-judging, offline: agreement in the summary and export, judging saved
transcripts again with no auditor or target call, and a second re-judge served from the cache."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import pytest
from support.cli import cli_env, run_cli, run_folders

from petri_bt import UserError, plan

pytestmark = pytest.mark.slow

PANEL = "judges=[scripted/judge,scripted/judge-harsh,scripted/judge-noisy]"
JUDGES = ["scripted/judge", "scripted/judge-harsh", "scripted/judge-noisy"]


@pytest.fixture(scope="module")
def panel_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cwd = tmp_path_factory.mktemp("panel")
    env = cli_env(INSPECT_CACHE_DIR=str(cwd / "cache"))
    result = run_cli(
        "preset=offline", "limit=3", "max_turns=3", "export=local", PANEL, cwd=cwd, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (run_dir,) = run_folders(cwd)
    (log,) = (run_dir / "logs").glob("*.eval")
    return {"cwd": cwd, "env": env, "run_dir": run_dir, "log": log, "stdout": result.stdout}


def _samples(path: Path) -> list[dict[str, Any]]:
    from petri_bt.logs import LogFile

    with LogFile(path) as log:
        return [sample for _, sample in log.samples()]


def _model_events(sample: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in sample["events"] if e.get("event") == "model"]


def test_the_panel_score_is_the_median_of_every_judges_score(panel_run: dict[str, Any]) -> None:
    for sample in _samples(panel_run["log"]):
        score = sample["scores"]["audit_judge"]
        judges = score["metadata"]["judges"]
        assert list(judges) == JUDGES
        for dim, value in score["value"].items():
            given = [raw[dim] for raw in judges.values() if raw and raw.get(dim) is not None]
            assert value == statistics.median(given)
        called = {(e["role"], e["model"]) for e in _model_events(sample) if e["role"] == "judge"}
        assert called == {("judge", judge) for judge in JUDGES}


def test_summary_and_table_report_alpha_and_flagged_samples(panel_run: dict[str, Any]) -> None:
    summary = json.loads((panel_run["run_dir"] / "summary.json").read_text())
    assert summary["judges"] == JUDGES
    agreement = summary["logs"][0]["judge_agreement"]
    assert agreement["judges"] == JUDGES and agreement["aggregate"] == "median"
    concerning = agreement["dimensions"]["concerning"]
    assert isinstance(concerning["alpha"], float) and concerning["alpha"] <= 1
    flagged = {s for figures in agreement["dimensions"].values() for s in figures["flagged"]}
    assert flagged, "the noisy and harsh judges should disagree by 3+ points somewhere"
    assert "Krippendorff's alpha" in panel_run["stdout"]
    assert "samples flagged on any dimension" in panel_run["stdout"]


def test_the_export_carries_each_judges_scores_beside_the_panels(
    panel_run: dict[str, Any],
) -> None:
    (bundle,) = (panel_run["run_dir"] / "braintrust-bundle").glob("experiment-*.jsonl")
    roots = [
        row
        for row in map(json.loads, bundle.read_text().splitlines())
        if row.get("span_parents") is None
    ]
    assert len(roots) == 3
    for row in roots:
        panel = row["metadata"]["judge"]["panel"]
        assert list(panel["judges"]) == JUDGES and panel["aggregate"] == "median"
        raw = row["metadata"]["dimensions"]["concerning"]["raw"]
        assert row["scores"]["concerning"] == pytest.approx((raw - 1) / 9, abs=1e-6)
        assert raw == statistics.median(j["concerning"] for j in panel["judges"].values())
        assert set(panel["flagged"]) <= set(panel["spread"])
    manifest = json.loads(
        (panel_run["run_dir"] / "braintrust-bundle" / "manifest.json").read_text()
    )
    (experiment,) = [o for o in manifest["objects"] if o["kind"] == "experiment"]
    assert experiment["metadata"]["judge_panel"]["judges"] == JUDGES


def test_rejudging_calls_no_auditor_or_target_and_a_rerun_is_served_from_the_cache(
    panel_run: dict[str, Any],
) -> None:
    cwd, log = panel_run["cwd"], panel_run["log"]
    args = ["action=rejudge", f"from_logs={log}", "judge=scripted/judge-lenient", "export=local"]
    first = run_cli(*args, cwd=cwd, env=panel_run["env"])
    assert first.returncode == 0, first.stderr[-3000:]
    new_log = log.with_name(f"{log.stem}-judged-judge-lenient.eval")
    assert new_log.is_file()

    before = {s["id"]: s for s in _samples(log)}
    for sample in _samples(new_log):
        kept = [e for e in _model_events(sample) if e["role"] in ("auditor", "target")]
        original = [
            e for e in _model_events(before[sample["id"]]) if e["role"] in ("auditor", "target")
        ]
        # the auditor's and target's calls are the stored ones, not new calls
        assert sorted(e["uuid"] for e in kept) == sorted(e["uuid"] for e in original)
        judged = [e for e in _model_events(sample) if e["role"] == "judge"]
        assert [(e["model"], e["cache"]) for e in judged] == [("scripted/judge-lenient", "write")]
        assert "judges" not in (sample["scores"]["audit_judge"].get("metadata") or {})

    summary = json.loads((run_folders(cwd)[-1] / "summary.json").read_text())
    (exported,) = summary["export"]["logs"]
    assert "judged-judge-lenient" in exported["experiment"]["name"]

    assert "cache" not in first.stdout
    again = run_cli(*args, cwd=cwd, env=panel_run["env"])
    assert again.returncode == 0, again.stderr[-3000:]
    for sample in _samples(new_log):
        judged = [e for e in _model_events(sample) if e["role"] == "judge"]
        assert [e["cache"] for e in judged] == ["read"]
    # and the command says so
    (said,) = [line for line in again.stdout.splitlines() if "re-judged" in line]
    assert "3 of 3 judge answers from the cache" in said, said


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        (["judge=scripted/judge", PANEL], "judge= and judges= both given"),
        (["judge_aggregate=mode"], "judge_aggregate"),
        (["judge_disagreement=0"], "judge_disagreement"),
        (["judges=[scripted/judge,notamodel]"], "judges[1]"),
    ],
)
def test_bad_panel_settings_are_one_clear_error(overrides: list[str], needle: str) -> None:
    with pytest.raises(UserError, match=needle.replace("[", r"\[").replace("]", r"\]")):
        plan(["preset=offline", *overrides])


def test_a_study_is_reanalysed_with_a_new_judge(
    pilot_study: dict[str, Any], tmp_path: Path
) -> None:
    import shutil

    logs = tmp_path / "logs"
    shutil.copytree(pilot_study["logs"], logs)
    result = run_cli(
        "study=observer-effect",
        "action=rejudge",
        f"from_logs={logs}",
        "judge=scripted/judge-harsh",
        cwd=tmp_path,
        env=cli_env(INSPECT_CACHE_DIR=str(tmp_path / "c")),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rejudged = sorted(logs.glob("*-judged-judge-harsh.eval"))
    assert len(rejudged) == 3  # one per arm, beside the originals
    report = json.loads(next(run_folders(tmp_path)[-1].glob("report.json")).read_text())
    assert report["provenance"]["models"]["judge"] == ["scripted/judge-harsh"]
    original = json.loads(next(pilot_study["run_dir"].glob("report.json")).read_text())
    harsh = {(r["dimension"], r["treatment"]): r["mean_treatment"] for r in report["dimensions"]}
    plain = {(r["dimension"], r["treatment"]): r["mean_treatment"] for r in original["dimensions"]}
    # the harsh judge scores the same transcripts higher on concern dimensions
    assert harsh[("concerning", "unobserved")] > plain[("concerning", "unobserved")]

    # Re-analysing the folder, which now holds both judges' logs, says what it used.
    again = run_cli("study=observer-effect", f"from_logs={logs}", cwd=tmp_path, env=cli_env())
    assert again.returncode == 0, again.stderr[-3000:]
    (note,) = [line for line in again.stdout.splitlines() if "re-judged" in line]
    assert "3 re-judged copies (judge-harsh)" in note, note
    report = json.loads(next(run_folders(tmp_path)[-1].glob("report.json")).read_text())
    assert report["provenance"]["models"]["judge"] == ["scripted/judge"]
    suggested = note.split("from_logs=", 1)[1].split()[0].strip("'\"")
    harsh_again = run_cli(
        "study=observer-effect", f"from_logs={suggested}", cwd=tmp_path, env=cli_env()
    )
    assert harsh_again.returncode == 0, harsh_again.stderr[-3000:]
    report = json.loads(next(run_folders(tmp_path)[-1].glob("report.json")).read_text())
    assert report["provenance"]["models"]["judge"] == ["scripted/judge-harsh"]


def test_rejudging_only_rejudged_copies_is_refused(tmp_path: Path) -> None:
    from petri_bt.run import rejudge_logs

    copy = tmp_path / "2026-01-01_audit_x-judged-judge-harsh.eval"
    copy.write_bytes(b"")
    with pytest.raises(UserError, match="already a re-judged copy"):
        rejudge_logs(plan(["preset=offline", "judge=scripted/judge-lenient"]), [copy])

"""The sweep summary built from job folders: statuses, means, the printed table."""

from __future__ import annotations

import json
from pathlib import Path

from petri_bt.sweep import build_sweep_summary, format_sweep_table


def _job(sweep: Path, folder: str, overrides: list[str]) -> Path:
    job = sweep / folder
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))
    return job


def _run_summary(job: Path, log: str, means: dict[str, float], samples: int = 2) -> None:
    entry = {
        "log": log,
        "task": job.name,
        "status": "success",
        "samples": samples,
        "errors": 0,
        "dimension_means": means,
    }
    payload = {
        "ok": True,
        "samples": samples,
        "errors": 0,
        "logs": [entry],
        "export": {"logs": [{"experiment": {"name": "x", "url": "https://bt.example/x"}}]},
    }
    (job / "summary.json").write_text(json.dumps(payload))


def test_jobs_without_a_result_are_unfinished_and_the_sweep_not_ok(tmp_path: Path) -> None:
    done = _job(tmp_path, "0_a_t10", ["target=ollama/a", "max_turns=10"])
    _run_summary(done, str(tmp_path / "logs" / "a.eval"), {"concerning": 3.0, "admirable": 5.0})
    (done / "job.json").write_text(json.dumps({"num": 0, "name": "a_t10", "status": "ok"}))
    _job(tmp_path, "1_a_t100", ["target=ollama/a", "max_turns=100"])

    summary = build_sweep_summary(tmp_path)
    assert [(j["name"], j["status"]) for j in summary["jobs"]] == [
        ("a_t10", "ok"),
        ("1_a_t100", "unfinished"),
    ]
    assert not summary["ok"] and summary["jobs_unfinished"] == 1
    assert summary["jobs"][0]["experiment_url"] == "https://bt.example/x"

    table = format_sweep_table(summary)
    assert "max_turns=10" in table and "target=ollama/a" not in table  # only the swept key
    assert "unfinished" in table and "https://bt.example/x" in table
    assert f"inspect view --log-dir {tmp_path / 'logs'}" in table


def test_job_means_are_weighted_by_scored_samples_across_logs(tmp_path: Path) -> None:
    job = _job(tmp_path, "0_a", ["target=ollama/a"])
    logs = [
        {"log": "one.eval", "samples": 3, "errors": 0, "dimension_means": {"concerning": 2.0}},
        {"log": "two.eval", "samples": 1, "errors": 0, "dimension_means": {"concerning": 6.0}},
    ]
    (job / "summary.json").write_text(
        json.dumps({"ok": True, "samples": 4, "errors": 0, "logs": logs})
    )
    summary = build_sweep_summary(tmp_path)
    assert summary["jobs"][0]["dimension_means"] == {"concerning": 3.0}
    assert summary["jobs"][0]["status"] == "ok"


def test_the_same_failure_in_many_jobs_is_listed_once(tmp_path: Path) -> None:
    message = (
        "judge=anthropic/claude-opus-4-6 needs ANTHROPIC_API_KEY: export ANTHROPIC_API_KEY=..."
    )
    for num, turns in enumerate((10, 100, 1000)):
        job = _job(tmp_path, f"{num}_a_t{turns}", ["target=ollama/a", f"max_turns={turns}"])
        (job / "job.json").write_text(
            json.dumps({"num": num, "name": f"a_t{turns}", "status": "failed", "error": message})
        )
    table = format_sweep_table(build_sweep_summary(tmp_path))
    assert f"jobs 0, 1, 2 failed: {message}" in table
    assert table.count(message) == 1


def _study_job(sweep: Path, folder: str, overrides: list[str], arms: dict[str, float]) -> None:
    job = _job(sweep, folder, overrides)
    logs = {arm: str(sweep / "logs" / f"{folder}-{arm}.eval") for arm in arms}
    entries = [
        {"log": logs[arm], "samples": 2, "errors": 0, "dimension_means": {"concerning": mean}}
        for arm, mean in arms.items()
    ]
    exports = {arm: {"destinations": [{"url": f"https://bt.example/{arm}"}]} for arm in arms}
    payload = {"ok": True, "samples": 2 * len(arms), "errors": 0, "logs": entries}
    payload.update(study="s", arms=logs, export=exports)
    (job / "summary.json").write_text(json.dumps(payload))


def test_a_study_job_shows_each_arm_not_their_average(tmp_path: Path) -> None:
    _study_job(tmp_path, "0_s_t2", ["study=s", "max_turns=2"], {"seen": 2.0, "unseen": 8.0})
    _study_job(tmp_path, "1_s_t4", ["study=s", "max_turns=4"], {"seen": 3.0, "unseen": 7.0})
    summary = build_sweep_summary(tmp_path)
    first = summary["jobs"][0]
    assert [(a["arm"], a["dimension_means"]) for a in first["arms"]] == [
        ("seen", {"concerning": 2.0}),
        ("unseen", {"concerning": 8.0}),
    ]
    assert first["dimension_means"] == {}  # no mean across arms
    assert first["arms"][1]["experiment_url"] == "https://bt.example/unseen"
    table = format_sweep_table(summary)
    rows = [line for line in table.splitlines() if "seen" in line]
    assert len(rows) == 4, table
    assert "2.00" in rows[0] and "8.00" in rows[1] and "5.00" not in table
    assert "unseen" in rows[1] and "https://bt.example/unseen" in rows[1]

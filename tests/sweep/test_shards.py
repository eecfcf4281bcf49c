"""One audit split across sweep jobs (`shards=N`): each job audits its share of the seeds,
the shards export into one experiment and read as one run, a failed shard reruns alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.braintrust_api import LoopbackBraintrust, bt_env
from support.cli import run_cli
from support.scaleout import root_rows, run_sharded_audit, sweep_dir

pytestmark = pytest.mark.slow

SEEDS = "seeds=tags:sycophancy"


def test_shards_split_the_seeds_and_export_into_one_experiment(
    tmp_path: Path, bt_server: LoopbackBraintrust
) -> None:
    result = run_sharded_audit(tmp_path, bt_server, shards=3, limit=6, launcher="InspectLauncher")
    assert "3/3 ok" in result.stdout


def _headers(log_dir: Path) -> dict[str, tuple[Path, str]]:
    from petri_bt.logs import LogFile, LogReadError

    found = {}
    for path in log_dir.glob("*.eval"):
        try:
            with LogFile(path) as log:
                found[str(log.eval_spec["task"])] = (path, log.status)
        except LogReadError:  # being written right now
            continue
    return found


def test_a_failed_shard_reruns_alone_and_nothing_is_sent_twice(
    tmp_path: Path, bt_server: LoopbackBraintrust
) -> None:
    # 3 seeds in 2 shards: shard 0 audits two seeds one after the other, shard 1 one seed
    args = [
        "preset=offline",
        SEEDS,
        "limit=3",
        "max_turns=3",
        "max_samples=1",
        "shards=2",
        "export=braintrust",
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "petri_bt", *args],
        cwd=tmp_path,
        env=bt_env(bt_server, PETRI_BT_SCRIPTED_LATENCY="0.3"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    headers: dict[str, tuple[Path, str]] = {}
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            logs = list((tmp_path / "outputs" / "sweeps").glob("*/logs"))
            headers = _headers(logs[0]) if logs else {}
            done = [task for task, (_, status) in headers.items() if status == "success"]
            if len(headers) == 2 and len(done) == 1:
                break
            assert proc.poll() is None, "the sweep ended before it could be killed"
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    (finished,) = [task for task, (_, status) in headers.items() if status == "success"]
    (killed,) = [task for task, (_, status) in headers.items() if status != "success"]
    finished_log = headers[finished][0]
    finished_mtime = finished_log.stat().st_mtime

    rerun = run_cli(*args, cwd=tmp_path, env=bt_env(bt_server))
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    sweep = sweep_dir(tmp_path)
    after = _headers(sweep / "logs")
    # the finished shard was not audited again; the killed one finished
    assert after[finished] == (finished_log, "success")
    assert finished_log.stat().st_mtime == finished_mtime
    assert after[killed][1] == "success"
    (audit,) = json.loads((sweep / "sweep_summary.json").read_text())["audits"]
    assert (audit["shards"], audit["samples"]) == ("2/2 ok", 3)
    assert len(root_rows(bt_server, audit["experiment"])) == 3
    assert bt_server.rows_received == bt_server.unique_row_count()


def test_a_sharded_study_reports_as_one_run(tmp_path: Path) -> None:
    args = [
        "preset=offline",
        "study=observer-effect",
        "limit=4",
        "max_turns=2",
        "shards=2",
        "export=none",
    ]
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    sweep = sweep_dir(tmp_path)
    summary = json.loads((sweep / "sweep_summary.json").read_text())
    (audit,) = summary["audits"]
    assert (audit["shards"], audit["samples"]) == ("2/2 ok", 4 * 3)
    shard_reports = [
        json.loads(next(Path(job["job_dir"]).glob("report.json")).read_text())
        for job in summary["jobs"]
    ]
    assert [r["comparisons"][0]["n_paired"] for r in shard_reports] == [2, 2]
    combined = json.loads((sweep / audit["name"] / "report.json").read_text())
    assert [c["n_paired"] for c in combined["comparisons"]] == [4, 4]
    # the console shows the combined report only, after one line per shard
    assert result.stdout.count("study observer-effect: baseline observed") == 1
    assert result.stdout.count("partial report") == 2
    assert [(a["arm"], a["samples"]) for a in audit["arms"]] == [
        ("observed", 4),
        ("unobserved", 4),
        ("monitored", 4),
    ]
    # report.html: at the sweep's root, and in the combined study's folder with its study
    # section (the shards' job folders share the root's page)
    assert (sweep / "report.html").is_file()
    page = (sweep / audit["name"] / "report.html").read_text()
    assert 'id="study"' in page and page.count('<tr class="audit"') == 3
    assert not any((Path(job["job_dir"]) / "report.html").exists() for job in summary["jobs"])

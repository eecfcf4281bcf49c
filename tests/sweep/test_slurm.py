"""`hydra/launcher=slurm` end to end on a real one-node SLURM cluster (`scripts/slurm-cluster`).

The README's sweep goes through the shipped `conf/hydra/launcher/slurm.yaml`, overriding
only what a site would (the partition, the shared sweep folder). One job is cancelled
with `scancel` mid-run; the same command run again resumes and completes, and the
export to a loopback Braintrust (reached by the jobs through the environment sbatch
passes on) holds no duplicate rows.

Skips unless the cluster is up: `scripts/slurm-cluster start` (root; `.ci/run` does it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.braintrust_api import API_KEY, LoopbackBraintrust, bt_env
from support.cli import files_containing, run_cli
from support.scaleout import (
    JOB_NAMES,
    README_SWEEP,
    read_json,
    root_rows,
    run_sharded_audit,
    sweep_dir,
)

pytest.importorskip("submitit", reason="hydra-submitit-launcher is not installed")

pytestmark = [pytest.mark.slow, pytest.mark.scaleout]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "slurm-cluster"
PARTITION = "local"  # the script's partition


@pytest.fixture(scope="module")
def slurm_conf() -> str:
    """The running local cluster's SLURM_CONF, or a skip saying how to start one."""
    status = subprocess.run([str(SCRIPT), "status"], capture_output=True, text=True)
    if status.returncode != 0:
        if os.environ.get("PETRI_BT_REQUIRE_SLURM"):  # set by .ci/run once it started one
            pytest.fail(f"the local SLURM cluster is down:\n{status.stdout}{status.stderr}")
        pytest.skip("no local SLURM cluster (start one as root: scripts/slurm-cluster start)")
    [line] = [x for x in status.stdout.splitlines() if x.startswith("SLURM_CONF=")]
    return line.partition("=")[2]


def _sacct_states(conf: str, array_id: str) -> dict[str, str]:
    result = subprocess.run(
        ["sacct", "-X", "-n", "-P", "-o", "JobID,State", "-j", array_id],
        env={"SLURM_CONF": conf, "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(line.split("|", 1) for line in result.stdout.splitlines() if "|" in line)


def _settled_states(conf: str, array_id: str, jobs: int) -> dict[str, str]:
    """sacct's states once every task of the array has ended (accounting lags a little)."""
    deadline = time.monotonic() + 60
    while True:
        states = _sacct_states(conf, array_id)
        ended = [s for s in states.values() if s not in ("PENDING", "RUNNING")]
        if len(ended) == jobs or time.monotonic() > deadline:
            return states
        time.sleep(1)


def _array_ids(sweep: Path) -> list[str]:
    """SLURM array ids of the sweep's submissions, in order (submitit's folder names)."""
    ids = {p.name.split("_")[0] for p in (sweep / ".submitit").glob("*_*") if p.is_dir()}
    return sorted(ids, key=int)


def test_the_readme_sweep_on_slurm_resumes_after_scancel_without_duplicate_rows(
    tmp_path: Path, bt_server: LoopbackBraintrust, slurm_conf: str
) -> None:
    sweep = tmp_path / "shared" / "readme-sweep"
    args = [
        *README_SWEEP,
        "hydra/launcher=slurm",
        f"hydra.launcher.partition={PARTITION}",
        f"hydra.sweep.dir={sweep}",
    ]
    env = bt_env(bt_server, SLURM_CONF=slurm_conf, PETRI_BT_SCRIPTED_LATENCY="0.4")
    cancelled = f"3_{JOB_NAMES[3]}"
    err_file = tmp_path / "stderr.txt"
    with err_file.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "petri_bt", *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 240
        while not any((sweep / cancelled).glob("logs/*.eval")):
            if proc.poll() is not None:
                pytest.fail(f"the sweep ended before a job was cancelled:\n{err_file.read_text()}")
            assert time.monotonic() < deadline, "job 3 did not start on SLURM in 240 s"
            time.sleep(0.5)
        [array_id] = _array_ids(sweep)
        subprocess.run(["scancel", f"{array_id}_3"], env=env, check=True)
        proc.wait(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1, err_file.read_text()[-3000:]
    assert err_file.read_text().strip().splitlines()[-1] == (
        f"petri_bt: error: job 3 ({JOB_NAMES[3]}): SLURM job {array_id}_3 ended without a "
        "result (CANCELLED by 0); the other jobs go on on the cluster: rerun the same command "
        "to resume the sweep (finished jobs are reused)"
    )
    # the jobs are SLURM jobs: accounting knows each, and the cancelled one as such
    states = _settled_states(slurm_conf, array_id, 4)
    assert states[f"{array_id}_3"].startswith("CANCELLED")
    assert [states[f"{array_id}_{i}"] for i in range(3)] == ["COMPLETED"] * 3
    finished = {
        name: read_json(sweep / f"{num}_{name}" / "summary.json")["logs"][0]["log"]
        for num, name in enumerate(JOB_NAMES[:3])
    }

    rerun = run_cli(*args, cwd=tmp_path, env=env, timeout=400, subprocess=True)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    summary = read_json(sweep / "sweep_summary.json")
    assert summary["ok"] and summary["jobs_ok"] == 4 and summary["samples"] == 4
    assert [j["name"] for j in summary["jobs"]] == JOB_NAMES
    for job in summary["jobs"][:3]:
        assert job["logs"] == [finished[job["name"]]], f"{job['name']} ran again"
    for job in summary["jobs"]:
        [log] = job["logs"]
        assert Path(log).is_file() and Path(log).parent == Path(job["job_dir"]) / "logs"
    [_, again] = _array_ids(sweep)
    assert set(_settled_states(slurm_conf, again, 4).values()) == {"COMPLETED"}
    means = {j["name"]: j["dimension_means"]["concerning"] for j in summary["jobs"]}
    assert means[JOB_NAMES[2]] > means[JOB_NAMES[0]]

    # no duplicates: one sample row per experiment and every span under it; rows the rerun
    # sent again carry the same ids and replaced themselves
    for job in summary["jobs"]:
        [root] = root_rows(bt_server, job["experiment"])
        assert {r["root_span_id"] for r in bt_server.experiment_rows(job["experiment"])} == {
            root["id"]
        }
    assert bt_server.unique_row_count() == sum(
        len(bt_server.experiment_rows(job["experiment"])) for job in summary["jobs"]
    )
    assert files_containing(tmp_path, API_KEY) == []


def test_a_sharded_audit_runs_its_shards_as_slurm_jobs_and_exports_as_one(
    tmp_path: Path, bt_server: LoopbackBraintrust, slurm_conf: str
) -> None:
    run_sharded_audit(
        tmp_path,
        bt_server,
        shards=4,
        limit=4,
        launcher="SlurmLauncher",
        launcher_args=("hydra/launcher=slurm", f"hydra.launcher.partition={PARTITION}"),
        env=bt_env(bt_server, SLURM_CONF=slurm_conf),
    )
    # the shards were SLURM jobs: accounting knows each of the array's four tasks
    (array_id,) = _array_ids(sweep_dir(tmp_path))
    states = _settled_states(slurm_conf, array_id, 4)
    assert sorted(states.values()) == ["COMPLETED"] * 4, states

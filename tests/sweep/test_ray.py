"""`hydra/launcher=ray` end to end: the README's sweep as Ray tasks, on a local cluster the
launcher starts and on an existing cluster (`ray start --head`, on loopback).

Ray is part of the `launchers` extra (and of `dev`); without it these tests skip.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.braintrust_api import API_KEY, LoopbackBraintrust, bt_env
from support.cli import cli_env, files_containing, run_cli
from support.scaleout import (
    BASE,
    JOB_NAMES,
    README_SWEEP,
    comparable,
    free_port,
    job_folders,
    read_json,
    root_rows,
    run_sharded_audit,
    sweep_dir,
)

pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[launchers]')")
psutil = pytest.importorskip("psutil")

pytestmark = [pytest.mark.slow, pytest.mark.scaleout]

# Ray keeps its token here instead of writing one to ~/.ray; never forwarded to jobs.
RAY_TOKEN = secrets.token_hex(16)
LOOPBACK = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}


@pytest.fixture
def ray_tmp() -> Iterator[Path]:
    """A short folder for Ray's sessions (its socket paths must stay under 107 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="pbt-ray-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _ray_processes(marker: str) -> list[Any]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if any(marker in part for part in proc.info["cmdline"] or []):
            found.append(proc)
    return found


def _root_row_facts(row: dict[str, Any]) -> tuple[Any, ...]:
    meta = row["metadata"]
    return (meta["sample_id"], meta["epoch"], meta["model_roles"], row["input"], row["scores"])


def test_the_readme_sweep_on_ray_is_the_default_launchers_sweep(
    tmp_path: Path, bt_server: LoopbackBraintrust, ray_tmp: Path
) -> None:
    inspect_cwd, ray_cwd = tmp_path / "inspect", tmp_path / "ray"
    inspect_cwd.mkdir()
    ray_cwd.mkdir()
    with LoopbackBraintrust() as ray_bt:
        # the same command on both launchers, at the same time (each to its own Braintrust)
        ray_args = [
            *README_SWEEP,
            "hydra/launcher=ray",
            "hydra.launcher.ray.init.num_cpus=2",
            f"+hydra.launcher.ray.init._temp_dir={ray_tmp}",
        ]
        ray_err = tmp_path / "ray-stderr.txt"
        with ray_err.open("w") as err:
            on_ray = subprocess.Popen(
                [sys.executable, "-m", "petri_bt", *ray_args],
                cwd=ray_cwd,
                env=bt_env(ray_bt, RAY_AUTH_TOKEN=RAY_TOKEN),
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        try:
            reference = run_cli(*README_SWEEP, cwd=inspect_cwd, env=bt_env(bt_server))
            on_ray.wait(timeout=300)
        finally:
            if on_ray.poll() is None:
                on_ray.kill()
                on_ray.wait()
        assert reference.returncode == 0, reference.stderr[-3000:]
        assert on_ray.returncode == 0, ray_err.read_text()[-3000:]
        ray_rows: dict[str, list[dict[str, Any]]] = {}
        expected_sweep = sweep_dir(inspect_cwd)
        sweep = sweep_dir(ray_cwd)
        assert sweep.name == expected_sweep.name
        assert job_folders(sweep) == job_folders(expected_sweep)
        summary = read_json(sweep / "sweep_summary.json")
        expected = read_json(expected_sweep / "sweep_summary.json")
        assert summary["ok"] and summary["jobs_ok"] == 4
        assert [j["name"] for j in summary["jobs"]] == JOB_NAMES
        # same jobs, statuses, sample counts, dimension means and experiment names
        assert comparable(summary) == comparable(expected)
        means = {j["name"]: j["dimension_means"]["concerning"] for j in summary["jobs"]}
        assert means["offline_compliant_t2_n1"] > means["offline_cautious_t2_n1"]
        assert [j["launcher"] for j in summary["jobs"]] == ["RayLauncher"] * 4

        for job in summary["jobs"]:
            # each job's log: in its own folder (as with every process launcher)
            [log] = job["logs"]
            assert Path(log).parent == (ray_cwd / job["job_dir"]).resolve() / "logs"
            assert Path(log).is_file()
            ray_rows[job["name"]] = root_rows(ray_bt, job["experiment"])
        for job in expected["jobs"]:
            [mine] = ray_rows[job["name"]]
            [theirs] = root_rows(bt_server, job["experiment"])
            assert _root_row_facts(mine) == _root_row_facts(theirs)
            assert mine["metadata"]["source_log"] == summary["jobs"][job["num"]]["logs"][0]

    # every job ran in a Ray worker: Ray's worker logs hold each job's output
    worker_output = "".join(p.read_text() for p in ray_tmp.glob("session_*/logs/worker-*.out"))
    for name in JOB_NAMES:
        assert f"{name}/summary.json" in worker_output
    assert _ray_processes(str(ray_tmp)) == [], "the local Ray cluster outlived the sweep"
    assert files_containing(tmp_path, API_KEY) == []
    assert files_containing(ray_tmp, API_KEY) == []


@pytest.fixture
def ray_head(ray_tmp: Path) -> Iterator[str]:
    """An existing Ray cluster on loopback, started the way a site starts one.

    Its environment has no Braintrust settings: jobs get them from the submitting shell.
    """
    port = free_port()
    env = cli_env(RAY_AUTH_TOKEN=RAY_TOKEN, **LOOPBACK)
    env = {k: v for k, v in env.items() if not k.startswith("BRAINTRUST_")}
    ray_cli = Path(sys.executable).parent / "ray"
    head = subprocess.Popen(
        [
            str(ray_cli),
            "start",
            "--head",
            "--block",
            f"--port={port}",
            "--num-cpus=2",
            "--include-dashboard=false",
            "--disable-usage-stats",
            f"--temp-dir={ray_tmp}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (ray_tmp / "ray_current_cluster").is_file():
            assert head.poll() is None, "ray start --head exited"
            assert time.monotonic() < deadline, "the Ray head did not start in 120 s"
            time.sleep(0.5)
        yield f"127.0.0.1:{port}"
    finally:
        head.send_signal(signal.SIGTERM)  # `ray start --block` stops what it started
        try:
            head.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()


def _row_ids(server: LoopbackBraintrust, experiment: str) -> set[str]:
    return {row["id"] for row in server.experiment_rows(experiment)}


def _log_started(job_dir: Path) -> bool:
    return any(job_dir.glob("logs/*.eval"))


def test_an_existing_cluster_runs_the_jobs_and_a_lost_job_resumes_on_rerun(
    tmp_path: Path, bt_server: LoopbackBraintrust, ray_head: str, ray_tmp: Path
) -> None:
    args = [
        *BASE,
        "max_turns=1,8",
        "hydra/launcher=ray",
        f"hydra.launcher.ray.init.address={ray_head}",
    ]
    env = bt_env(
        bt_server, RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=RAY_TOKEN, PETRI_BT_SCRIPTED_LATENCY="0.4"
    )
    out_file, err_file = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out_file.open("w") as out, err_file.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "petri_bt", *args, "hydra.launcher.ray.remote.max_retries=0"],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=err,
        )
    short, long = "0_offline_t1_n1", "1_offline_t8_n1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the sweep ended before a job could be lost:\n{err_file.read_text()}")
            assert time.monotonic() < deadline, "the jobs did not start in 180 s"
            sweeps = list((tmp_path / "outputs" / "sweeps").glob("*"))
            running = [p for p in _ray_processes("ray::_run_job") if p.is_running()]
            # the short job is over and the long one has begun: the one task left is its
            if (
                sweeps
                and (sweeps[0] / short / "job.json").is_file()
                and _log_started(sweeps[0] / long)
                and len(running) == 1
            ):
                break
            time.sleep(0.2)
        running[0].kill()
        proc.wait(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = out_file.read_text()
    assert proc.returncode == 1, err_file.read_text()[-3000:]
    sweep = sweep_dir(tmp_path)
    summary = read_json(sweep / "sweep_summary.json")
    assert [(j["name"], j["status"]) for j in summary["jobs"]] == [
        ("offline_t1_n1", "ok"),
        ("offline_t8_n1", "failed"),
    ]
    lost = "WorkerCrashedError: The worker died unexpectedly while executing this task."
    assert summary["jobs"][1]["error"].startswith(lost)
    assert f"job 1 (offline_t8_n1) failed: {lost}" in out
    finished_log = summary["jobs"][0]["logs"][0]
    # the Braintrust settings reached the jobs from this shell, not from the cluster
    assert len(root_rows(bt_server, summary["jobs"][0]["experiment"])) == 1
    first_ids = _row_ids(bt_server, summary["jobs"][0]["experiment"])

    rerun = run_cli(*args, cwd=tmp_path, env=env, subprocess=True)  # Ray in its own process
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    summary = read_json(sweep / "sweep_summary.json")
    assert [(j["name"], j["status"], j["samples"]) for j in summary["jobs"]] == [
        ("offline_t1_n1", "ok", 1),
        ("offline_t8_n1", "ok", 1),
    ]
    assert summary["jobs"][0]["logs"] == [finished_log], "the finished job ran again"
    # no duplicates: one sample row per experiment, every span under it; the finished
    # job's rows, sent again by the rerun, replaced themselves (same ids)
    for job in summary["jobs"]:
        [root] = root_rows(bt_server, job["experiment"])
        assert {r["root_span_id"] for r in bt_server.experiment_rows(job["experiment"])} == {
            root["id"]
        }
    assert _row_ids(bt_server, summary["jobs"][0]["experiment"]) == first_ids
    assert bt_server.unique_row_count() == sum(
        len(bt_server.experiment_rows(job["experiment"])) for job in summary["jobs"]
    )
    assert files_containing(tmp_path, API_KEY) == []
    assert files_containing(ray_tmp, API_KEY) == []


def test_a_sharded_audit_runs_its_shards_as_ray_tasks_and_exports_as_one(
    tmp_path: Path, bt_server: LoopbackBraintrust, ray_tmp: Path
) -> None:
    run_sharded_audit(
        tmp_path,
        bt_server,
        shards=4,
        limit=4,
        launcher="RayLauncher",
        launcher_args=(
            "hydra/launcher=ray",
            "hydra.launcher.ray.init.num_cpus=2",
            f"+hydra.launcher.ray.init._temp_dir={ray_tmp}",
        ),
        env=bt_env(bt_server, RAY_AUTH_TOKEN=RAY_TOKEN),
    )


def test_an_unreachable_cluster_is_one_line(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    result = run_cli(
        *BASE,
        "max_turns=1,2",
        "export=none",
        "hydra/launcher=ray",
        f"hydra.launcher.ray.init.address=127.0.0.1:{port}",
        cwd=tmp_path,
        timeout=60,
        subprocess=True,  # Ray in its own process, bounded by the timeout
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"petri_bt: error: hydra.launcher.ray.init.address=127.0.0.1:{port}: no Ray cluster "
        "answers there (Connection refused); start one (`ray start --head`) or fix the address"
    ]

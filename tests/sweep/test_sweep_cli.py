"""Sweeps end to end through `python -m petri_bt -m ...`, offline (scripted provider).

The default launcher (`hydra/launcher=inspect`) runs every job in one Inspect eval
set; joblib and submitit_local run each job through the single-run path. All of
them must leave the same job folders and the same sweep summary.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support.braintrust_api import LoopbackBraintrust, bt_env
from support.cli import cli_env, run_cli
from support.scaleout import comparable, read_json, root_rows, sweep_dir

pytestmark = pytest.mark.slow

BASE = ["-m", "preset=offline", "limit=1", "display=none"]


def test_sweep_runs_every_job_with_its_own_log_experiment_and_summary(
    tmp_path: Path, bt_server: LoopbackBraintrust
) -> None:
    args = [
        *BASE,
        "max_turns=2",
        "export=braintrust",
        "target=scripted/cautious,scripted/compliant",
        "repeat=1,2",
    ]
    first = run_cli(*args, cwd=tmp_path, env=bt_env(bt_server))
    assert first.returncode == 0, first.stderr[-3000:]

    sweep = sweep_dir(tmp_path)
    assert sweep.name.startswith("offline_cautious+compliant_t2_n1_r1+2-")
    summary = read_json(sweep / "sweep_summary.json")
    names = [job["name"] for job in summary["jobs"]]
    assert names == [
        "offline_cautious_t2_n1_r1",
        "offline_cautious_t2_n1_r2",
        "offline_compliant_t2_n1_r1",
        "offline_compliant_t2_n1_r2",
    ]
    assert summary["ok"] and summary["jobs_ok"] == 4 and summary["samples"] == 4

    digest = sweep.name.rsplit("-", 1)[1]
    logs = set()
    for num, job in enumerate(summary["jobs"]):
        folder = sweep / f"{num}_{job['name']}"
        assert (folder / ".hydra" / "config.yaml").is_file()
        run = read_json(folder / "summary.json")
        assert run["ok"] and run["samples"] == 1
        assert [entry["task"] for entry in run["logs"]] == [job["name"]]
        logs.update(entry["log"] for entry in run["logs"])
        assert job["experiment"] == f"{job['name']}-{digest}"
        experiment = bt_server.experiment(job["experiment"])
        assert experiment is not None
        assert len(root_rows(bt_server, experiment["name"])) == 1
        assert job["experiment_url"] and job["experiment"] in job["experiment_url"]
        assert "target=scripted/" in first.stdout and job["experiment_url"] in first.stdout
        line = rf"^petri_bt: \d+ rows in Braintrust experiment {job['experiment']}: "
        assert len(re.findall(line, first.stdout, re.M)) == 1  # each job's, on the console
        assert re.search(line, (folder / "petri_bt.log").read_text(), re.M)
    assert len(logs) == 4 and all(Path(log).is_file() for log in logs)
    assert {Path(log).parent for log in logs} == {(sweep / "logs").resolve()}

    by_target = {
        dict(o.split("=", 1) for o in job["overrides"])["target"]: job["dimension_means"]
        for job in summary["jobs"]
    }
    assert by_target["scripted/compliant"] != by_target["scripted/cautious"]
    assert set(summary["main_dimensions"]) <= set(summary["jobs"][0]["dimension_means"])

    received = bt_server.rows_received
    again = run_cli(*args, cwd=tmp_path, env=bt_env(bt_server))
    assert again.returncode == 0, again.stderr[-3000:]
    assert sweep_dir(tmp_path) == sweep
    assert sorted((sweep / "logs").glob("*.eval")) == sorted(Path(log) for log in logs)
    assert bt_server.rows_received == received


def _headers(log_dir: Path) -> dict[str, Any]:
    from inspect_ai.log import read_eval_log

    headers = {}
    for path in log_dir.glob("*.eval"):
        try:
            header = read_eval_log(str(path), header_only=True)
        except Exception:  # being written right now
            continue
        headers[header.eval.task] = (path, header.status)
    return headers


def test_a_killed_sweep_resumes_and_exports_each_row_once(
    tmp_path: Path, bt_server: LoopbackBraintrust
) -> None:
    args = [*BASE, "export=braintrust", "max_turns=1,8"]
    slow = bt_env(bt_server, PETRI_BT_SCRIPTED_LATENCY="0.4")
    proc = subprocess.Popen(
        [sys.executable, "-m", "petri_bt", *args],
        cwd=tmp_path,
        env=slow,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    short, long = "offline_t1_n1", "offline_t8_n1"
    headers: dict[str, Any] = {}
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            logs = list((tmp_path / "outputs" / "sweeps").glob("*/logs"))
            headers = _headers(logs[0]) if logs else {}
            if headers.get(short, (None, None))[1] == "success" and long in headers:
                break
            assert proc.poll() is None, "the sweep ended before it could be killed"
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert headers.get(short, (None, None))[1] == "success"
    assert headers[long][1] == "started", "the long job finished before the kill"
    assert bt_server.rows_received == 0
    short_log = headers[short][0]

    rerun = run_cli(*args, cwd=tmp_path, env=bt_env(bt_server))
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    sweep = sweep_dir(tmp_path)
    summary = read_json(sweep / "sweep_summary.json")
    assert [(j["name"], j["status"], j["samples"]) for j in summary["jobs"]] == [
        (short, "ok", 1),
        (long, "ok", 1),
    ]
    finished = _headers(sweep / "logs")
    assert finished[short][0] == short_log, "the finished job ran again"
    assert sorted(finished) == [short, long] and len(list((sweep / "logs").glob("*.eval"))) == 2
    for job in summary["jobs"]:
        experiment = bt_server.experiment(job["experiment"])
        assert experiment is not None and len(root_rows(bt_server, experiment["name"])) == 1
    assert bt_server.rows_received == bt_server.unique_row_count()


# The second job's target is on an Ollama server that does not answer: its preflight
# fails when the job starts, and the first job runs on.
FAILING = [*BASE, "export=none", "max_turns=2", "target=scripted/compliant,ollama/absent"]
NO_OLLAMA = "http://127.0.0.1:9/v1"  # the discard port: nothing listens there
OLLAMA_DOWN = "Ollama is not answering at http://127.0.0.1:9"


@pytest.fixture(scope="module")
def inspect_failing(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    cwd = tmp_path_factory.mktemp("inspect")
    return cwd, run_cli(*FAILING, cwd=cwd, env=cli_env(OLLAMA_BASE_URL=NO_OLLAMA))


def test_a_failing_job_does_not_stop_the_others_and_fails_the_sweep(
    inspect_failing: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    cwd, result = inspect_failing
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "petri_bt: error: 1 of 2 sweep jobs did not succeed (see the table above)"
    )
    assert OLLAMA_DOWN in result.stdout
    summary = read_json(sweep_dir(cwd) / "sweep_summary.json")
    ok, failed = summary["jobs"]
    assert (ok["status"], ok["samples"], failed["status"]) == ("ok", 1, "failed")
    assert failed["error"].startswith(OLLAMA_DOWN)
    assert Path(ok["logs"][0]).is_file()


LAUNCHERS = ["inspect", "basic", "joblib", "submitit_local", "ray", "slurm"]


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_an_invalid_job_refuses_the_sweep_before_any_job_runs(
    launcher: str, tmp_path: Path
) -> None:
    launch = f"hydra/launcher={launcher}"
    result = run_cli(*BASE, "export=none", "max_turns=2,0", launch, cwd=tmp_path)
    assert result.returncode == 2
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert line == (
        "petri_bt: error: sweep job 1 (preset=offline limit=1 display=none export=none "
        "max_turns=0): max_turns=0: must be a positive number of turns"
    )
    assert not (tmp_path / "outputs").exists()


def test_each_job_is_composed_and_planned_once_and_runs_the_plan_it_was_checked_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hydra._internal.config_loader_impl import ConfigLoaderImpl

    import petri_bt.actions
    import petri_bt.run

    if os.environ.get("PETRI_BT_TEST_SUBPROCESS"):
        pytest.skip("counts compositions and plans in this process")
    composed: list[list[str]] = []
    planned: list[Any] = []
    compose, plan = ConfigLoaderImpl.load_sweep_config, petri_bt.run.make_plan

    def composing(self: ConfigLoaderImpl, master: Any, overrides: list[str]) -> Any:
        composed.append(list(overrides))
        return compose(self, master, overrides)

    def planning(*args: Any, **kwargs: Any) -> Any:
        planned.append(plan(*args, **kwargs))
        return planned[-1]

    monkeypatch.setattr(ConfigLoaderImpl, "load_sweep_config", composing)
    monkeypatch.setattr(petri_bt.run, "make_plan", planning)
    monkeypatch.setattr(petri_bt.actions, "make_plan", planning)
    result = run_cli(*BASE, "export=none", "max_turns=1", "repeat=1,2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    # Hydra composes the first job of the shape; the second is a copy with its own value
    assert [o[-1] for o in composed] == ["repeat=1"]
    assert len(planned) == 2
    jobs = read_json(sweep_dir(tmp_path) / "sweep_summary.json")["jobs"]
    assert [j["status"] for j in jobs] == ["ok", "ok"]
    # the run's summary holds what the checked plan says (its job names, its roles)
    for job, checked in zip(jobs, planned, strict=True):
        summary = read_json(Path(job["job_dir"]) / "summary.json")
        assert summary["job"] == checked.job.name == job["name"]
        assert summary["roles"]["target"]["model"] == checked.target.model


@pytest.mark.scaleout  # process launchers: a process per job, each importing Inspect
@pytest.mark.parametrize("launcher", ["joblib", "submitit_local"])
def test_process_launchers_leave_the_same_jobs_logs_and_summary(
    launcher: str,
    tmp_path: Path,
    inspect_failing: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    reference_cwd, _ = inspect_failing
    reference = sweep_dir(reference_cwd)
    env = cli_env(OLLAMA_BASE_URL=NO_OLLAMA)
    result = run_cli(*FAILING, f"hydra/launcher={launcher}", cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stderr[-3000:]
    sweep = sweep_dir(tmp_path)
    assert sweep.name == reference.name
    jobs = sorted(p.name for p in sweep.iterdir() if (p / ".hydra").is_dir())
    assert jobs == sorted(p.name for p in reference.iterdir() if (p / ".hydra").is_dir())
    summary = read_json(sweep / "sweep_summary.json")
    assert comparable(summary) == comparable(read_json(reference / "sweep_summary.json"))
    ok = summary["jobs"][0]
    assert [Path(log).parent for log in ok["logs"]] == [sweep.resolve() / jobs[0] / "logs"]
    assert OLLAMA_DOWN in result.stdout

    # the same command again: each job resumes in its folder, the finished one is reused
    again = run_cli(*FAILING, f"hydra/launcher={launcher}", cwd=tmp_path, env=env)
    assert again.returncode == 1, again.stderr[-3000:]
    assert sorted((sweep / jobs[0] / "logs").glob("*.eval")) == [Path(log) for log in ok["logs"]]
    assert read_json(sweep / "sweep_summary.json")["jobs"][0]["logs"] == ok["logs"]


def _saved_configs(job_dir: Path) -> dict[str, Any]:
    """A job's `.hydra/` files as Hydra reads them, less what names the machine and launcher."""
    from omegaconf import OmegaConf

    saved = {n: OmegaConf.load(job_dir / ".hydra" / n) for n in SAVED_FILES}
    hydra = OmegaConf.to_container(saved["hydra.yaml"], resolve=False)
    assert isinstance(hydra, dict)
    for key in ("launcher", "overrides", "runtime"):
        hydra["hydra"].pop(key)
    return {"hydra.yaml": hydra, **{n: saved[n] for n in SAVED_FILES if n != "hydra.yaml"}}


SAVED_FILES = ("config.yaml", "hydra.yaml", "overrides.yaml")


def test_the_eval_set_launcher_saves_each_jobs_config_as_hydras_run_job_does(
    tmp_path: Path,
) -> None:
    # hydra/launcher=basic runs each job through Hydra's own run_job, which saves these files
    args = [
        *BASE,
        "export=none",
        "max_turns=1",
        "repeat=1,2",
        "+target.args.api_key=sk-test-secret",
    ]
    folders = {}
    for launcher in ("inspect", "basic"):
        (tmp_path / launcher).mkdir()
        result = run_cli(*args, f"hydra/launcher={launcher}", cwd=tmp_path / launcher)
        assert result.returncode == 0, result.stderr[-3000:]
        folders[launcher] = sweep_dir(tmp_path / launcher)
    for job in ("0_offline_t1_n1_r1", "1_offline_t1_n1_r2"):
        ours, hydras = (_saved_configs(folders[launcher] / job) for launcher in folders)
        assert ours == hydras
        assert ours["overrides.yaml"][-1] == "+target.args.api_key=<redacted>"
    for path in folders["inspect"].rglob("*.yaml"):
        assert "sk-test-secret" not in path.read_text(), path


def test_jobs_run_in_one_process_each_audit_their_own_target(tmp_path: Path) -> None:
    # basic runs every job in this process: each job's models must be its own, not the
    # first job's (Inspect's model roles outlive an eval set in the process)
    args = [*BASE, "export=none", "max_turns=2", "target=scripted/cautious,scripted/compliant"]
    result = run_cli(*args, "hydra/launcher=basic", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    cautious, compliant = read_json(sweep_dir(tmp_path) / "sweep_summary.json")["jobs"]
    assert cautious["overrides"][-1].endswith("cautious")
    means = (cautious["dimension_means"]["concerning"], compliant["dimension_means"]["concerning"])
    assert means[1] > means[0] + 3, means

"""The real model's server killed with SIGKILL mid-audit, restarted, and the sweep rerun.

The server is a second one from the install of scripts/local-model, on its own port,
so the shared one keeps serving the other tests.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from support.braintrust_api import LoopbackBraintrust
from support.cli import cli_env, run_cli
from support.local_model import BASE_URL_VARIABLE, MODEL, OwnServer, read_samples

pytestmark = pytest.mark.realmodel

API_KEY = "loopback-test-key-realmodel-5c1e"
# One sweep job, two seeds audited one after the other, two target calls each: the
# server dies after the third answer, in the second seed's audit.
SWEEP = [
    "-m",
    "preset=offline",
    f"target={MODEL}",
    "limit=2",
    "max_turns=2",
    "max_samples=1",
    "timeout=60",
    "max_retries=1",
    "export=braintrust",
]


def _sweep(cwd: Path) -> Path:
    (folder,) = (cwd / "outputs" / "sweeps").iterdir()
    return folder


def test_a_killed_server_fails_the_sample_naming_it_and_the_rerun_resumes_without_duplicates(
    own_server: OwnServer, bt_server: LoopbackBraintrust, tmp_path: Path
) -> None:
    env = cli_env(
        **{BASE_URL_VARIABLE: own_server.url},
        BRAINTRUST_APP_URL=bt_server.url,
        BRAINTRUST_API_KEY=API_KEY,
    )
    killed: list[bool] = []
    killer = threading.Thread(
        target=lambda: killed.append(own_server.kill_after(3, timeout=900)), daemon=True
    )
    killer.start()
    first = run_cli(*SWEEP, cwd=tmp_path, env=env, timeout=1200)
    killer.join(timeout=60)
    assert killed == [True], "the server never answered three calls"
    assert first.returncode == 1, first.stderr[-3000:]
    (job,) = json.loads((_sweep(tmp_path) / "sweep_summary.json").read_text())["jobs"]
    assert (job["status"], job["errors"]) == ("failed", 1), job
    # the line naming the server, in the job's table and its summary.json
    named = f"cannot reach the server at {own_server.url}: is it running?"
    assert named in first.stdout
    (run_summary,) = _sweep(tmp_path).glob("*/summary.json")
    (error,) = json.loads(run_summary.read_text())["logs"][0]["sample_errors"]
    assert error["reason"].startswith(f"target {MODEL}: {named}")
    # each failed call was attempted twice: the call and its max_retries (1) retry
    # (Inspect's `retries` counts the attempts)
    (log,) = job["logs"]
    failed = [
        e
        for sample in read_samples(tmp_path / log)
        for e in sample["events"]
        if e.get("event") == "model" and e.get("role") == "target" and e.get("error")
    ]
    assert failed and {e.get("retries") for e in failed} == {2}
    # a failed sweep job defers its export: its rerun retries into a new log
    assert json.loads(run_summary.read_text())["export_deferred"] is True
    assert bt_server.rows_received == 0

    own_server.start()  # restarted on the same port
    answered_before = own_server.answered()
    rerun = run_cli(*SWEEP, cwd=tmp_path, env=env, timeout=1200)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    (job,) = json.loads((_sweep(tmp_path) / "sweep_summary.json").read_text())["jobs"]
    assert (job["status"], job["samples"], job["errors"]) == ("ok", 2, 0), job
    assert own_server.answered() - answered_before == 2  # only the second seed ran again
    rows = bt_server.experiment_rows(job["experiment"])
    roots = [r for r in rows if not r.get("span_parents")]
    assert len({r["metadata"]["sample_id"] for r in roots}) == len(roots) == 2
    # every span sits under one of the two roots, and no row was sent twice
    assert {r["root_span_id"] for r in rows} == {r["id"] for r in roots}
    assert bt_server.rows_received == bt_server.unique_row_count() == len(rows)

"""What the sweep tests share (Ray, SLURM, sharding): the README's sweep, a sharded audit,
and reading what they left.

The sweep is the README's (`target=scripted/cautious,scripted/compliant max_turns=2,4`)
cut to one seed per job, exported to a loopback Braintrust.
"""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path
from typing import Any

from support.braintrust_api import LoopbackBraintrust, bt_env
from support.cli import run_cli

BASE = ["-m", "preset=offline", "limit=1", "display=none", "export=braintrust"]
README_SWEEP = [*BASE, "target=scripted/cautious,scripted/compliant", "max_turns=2,4"]
JOB_NAMES = [
    "offline_cautious_t2_n1",
    "offline_cautious_t4_n1",
    "offline_compliant_t2_n1",
    "offline_compliant_t4_n1",
]


def sweep_dir(cwd: Path) -> Path:
    """The one sweep folder under `cwd/outputs/sweeps`."""
    folders = [p for p in (cwd / "outputs" / "sweeps").iterdir() if p.is_dir()]
    assert len(folders) == 1, folders
    return folders[0]


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def job_folders(sweep: Path) -> list[str]:
    return sorted(p.name for p in sweep.iterdir() if (p / ".hydra").is_dir())


def comparable(summary: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Per job what must not depend on the launcher: names, status, counts, means."""
    return [
        (
            j["num"],
            j["name"],
            j["overrides"],
            j["status"],
            j["samples"],
            j["errors"],
            j["error"],
            j["dimension_means"],
            j["experiment"],
        )
        for j in summary["jobs"]
    ]


def root_rows(server: LoopbackBraintrust, experiment: str) -> list[dict[str, Any]]:
    """The sample rows (root spans) Braintrust holds for one experiment."""
    return [r for r in server.experiment_rows(experiment) if not r.get("span_parents")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SHARDED_SEEDS = "tags:sycophancy"


def sharded_audit(shards: int, limit: int) -> list[str]:
    """One offline audit of `limit` seeds split into `shards` jobs, exported to Braintrust."""
    return [
        "preset=offline",
        f"seeds={SHARDED_SEEDS}",
        f"limit={limit}",
        "max_turns=2",
        f"shards={shards}",
        "display=none",
        "export=braintrust",
    ]


def run_sharded_audit(
    cwd: Path,
    server: LoopbackBraintrust,
    *,
    shards: int,
    limit: int,
    launcher: str,
    launcher_args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `sharded_audit(shards, limit)` on a launcher (`launcher_args`; a subprocess when
    any are given, as a cluster submit needs), then `check_sharded_audit` what it left.

    Args:
        cwd: The working folder.
        server: The loopback Braintrust the export goes to.
        shards: Jobs to split the audit into.
        limit: Seeds in the audit.
        launcher: The launcher class every job must name in the sweep summary.
        launcher_args: The overrides choosing and configuring the launcher.
        env: The environment (default: `bt_env(server)`).
    """
    result = run_cli(
        *sharded_audit(shards, limit),
        *launcher_args,
        cwd=cwd,
        env=env or bt_env(server),
        timeout=300,
        subprocess=bool(launcher_args),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    check_sharded_audit(cwd, server, shards=shards, limit=limit, launcher=launcher)
    return result


def check_sharded_audit(
    cwd: Path, server: LoopbackBraintrust, *, shards: int, limit: int, launcher: str
) -> None:
    """The shards of `sharded_audit(shards, limit)` ran on `launcher` and export as one
    audit: one experiment holding each of the unsharded audit's seeds once, one summary row."""
    from petri_bt import plan
    from petri_bt.run import seed_dataset

    summary = read_json(sweep_dir(cwd) / "sweep_summary.json")
    assert summary["jobs_total"] == shards and summary["jobs_ok"] == shards, summary["jobs"]
    assert {job["launcher"] for job in summary["jobs"]} == {launcher}
    (audit,) = summary["audits"]
    expected_row = (f"{shards}/{shards} ok", limit, "ok")
    assert (audit["shards"], audit["samples"], audit["status"]) == expected_row
    assert {job["experiment"] for job in summary["jobs"]} == {audit["experiment"]}
    unsharded = plan(["preset=offline", f"seeds={SHARDED_SEEDS}", f"limit={limit}"])
    expected = [str(seed.id) for seed in unsharded.seed_share(seed_dataset(SHARDED_SEEDS))]
    rows = root_rows(server, audit["experiment"])
    assert sorted(row["metadata"]["sample_id"] for row in rows) == sorted(expected)
    assert server.rows_received == server.unique_row_count()

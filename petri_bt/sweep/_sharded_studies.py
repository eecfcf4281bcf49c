"""A study split into shards (`study=... shards=N`) reported as one run.

Each shard audits its share of the study's base seeds in every arm and writes a
report of its share; when the sweep ends, the shards' logs are analysed together
into one report in `<sweep folder>/<audit name>/`, exactly as a study re-analysed
from logs (`study=... from_logs=...`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf


def _shard_plan(job_dir: Path) -> Any:
    """The plan of a shard's study, unsplit: from the job's saved config."""
    from petri_bt.run import make_plan

    cfg = OmegaConf.load(job_dir / ".hydra" / "config.yaml")
    cfg.shard = None
    cfg.shards = 1
    cfg.from_logs = []
    return make_plan(cfg)


def report_sharded_studies(summary: dict[str, Any]) -> list[Path]:
    """Write one study report per sharded study of a sweep (the shards' logs together).

    Args:
        summary: The sweep summary (`build_sweep_summary`).

    Returns:
        The folders the reports were written to.
    """
    from petri_bt.study import run_study

    written = []
    by_num = {job["num"]: job for job in summary["jobs"]}
    for audit in summary.get("audits") or []:
        shards = [by_num[num] for num in audit.get("jobs") or []]
        if not shards or not any(o.startswith("study=") for o in audit["overrides"]):
            continue
        logs = [log for job in shards for log in job["logs"] if log]
        if audit["status"] != "ok" or not logs:
            continue
        study_plan = _shard_plan(Path(shards[0]["job_dir"]))
        out = Path(summary["sweep_dir"]) / audit["name"]
        out.mkdir(parents=True, exist_ok=True)
        print(f"study {audit['name']}: one report from its {len(shards)} shards")
        run_study(dataclasses.replace(study_plan, from_logs=tuple(logs)), out)
        written.append(out)
    return written

"""The offline runs the report tests read: a two-job sweep, a run judged by a panel and a
study, each run once through the command line (about a minute on 2 cores)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from support.cli import run_cli, run_folders

SMALL = ["preset=offline", "limit=2", "max_turns=2", "export=none"]
SWEPT_TARGETS = ("scripted/cautious", "scripted/compliant")
PANEL = ("scripted/judge", "scripted/judge-harsh")


@dataclass(frozen=True)
class Folders:
    """Where each run wrote its results, and what it printed."""

    sweep: Path
    run: Path
    study: Path
    printed: dict[str, str]


def make_runs(cwd: Path) -> Folders:
    """Run the sweep, the panel-judged run and the study in `cwd`.

    Args:
        cwd: An empty folder (the runs' `outputs/` goes there).
    """
    printed = {}
    sweep = run_cli("-m", *SMALL, f"target={','.join(SWEPT_TARGETS)}", cwd=cwd)
    assert sweep.returncode == 0, sweep.stderr[-3000:]
    printed["sweep"] = sweep.stdout
    run = run_cli(*SMALL, f"judges=[{','.join(PANEL)}]", cwd=cwd)
    assert run.returncode == 0, run.stderr[-3000:]
    printed["run"] = run.stdout
    (run_dir,) = run_folders(cwd)
    study = run_cli(*SMALL, "study=observer-effect", cwd=cwd)
    assert study.returncode == 0, study.stderr[-3000:]
    printed["study"] = study.stdout
    (study_dir,) = [f for f in run_folders(cwd) if f != run_dir]
    (sweep_dir,) = (cwd / "outputs" / "sweeps").iterdir()
    return Folders(sweep=sweep_dir, run=run_dir, study=study_dir, printed=printed)

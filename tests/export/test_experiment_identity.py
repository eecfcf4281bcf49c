"""One identity per experiment: every way of making a log, then every way of exporting it again.

Each log is made by the command line (a single run exported live and at its end, a
sweep, a sharded audit, a study, a re-judge), then exported again by every path a
user has: `from_logs` with the file, its folder, its run or sweep folder, a glob,
a moved copy of the folder, and a local bundle uploaded later. At the loopback
Braintrust, no path adds an experiment or a unique row. A fresh rerun of a command
(other settings, or the same ones outside the resume folder) gets experiments of
its own; a rerun of a sweep in its folder keeps them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.braintrust_api import LoopbackBraintrust, bt_env
from support.cli import run_cli, run_folders

pytestmark = pytest.mark.slow

FAST = ["preset=offline", "limit=1", "max_turns=2", "export=braintrust"]
SWEEP = ["-m", *FAST, "target=scripted/cautious,scripted/compliant"]
STUDY = ["study=observer-effect", *FAST]


def _state(server: LoopbackBraintrust) -> dict[str, int]:
    """Experiment name -> the unique rows it holds."""
    return {e["name"]: server.unique_row_count(e["id"]) for e in server.experiments()}


def _ok(result: object) -> None:
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]  # type: ignore[attr-defined]


class Made:
    """Logs made in one folder by each kind of command, exported to one loopback Braintrust."""

    def __init__(self, cwd: Path, server: LoopbackBraintrust):
        self.cwd, self.server = cwd, server

    def run(self, *args: str) -> None:
        _ok(run_cli(*args, cwd=self.cwd, env=bt_env(self.server)))


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    server = LoopbackBraintrust().start()
    made = Made(tmp_path_factory.mktemp("identity"), server)
    made.run(*FAST, "export.live=true")  # sent live, then the end-of-run export
    made.run(*SWEEP)
    made.run(*FAST, "limit=2", "shards=2")
    made.run(*STUDY)
    single = run_folders(made.cwd)[0]
    made.run("action=rejudge", f"from_logs={single}", "judge=scripted/judge-harsh")
    yield made
    server.stop()


def test_each_audit_and_arm_has_one_experiment(made: Made) -> None:
    names = sorted(_state(made.server))
    assert len(names) == 8, names  # run, its re-judge, 2 sweep jobs, the sharded audit, 3 arms
    assert sum(n.startswith("audit-scripted-oversight-sensitive-") for n in names) == 2
    assert sum(n.endswith("-judged-judge-harsh") for n in names) == 1
    assert sum(n.startswith("observer-effect-") for n in names) == 3
    stamps = {n.rsplit("-", 1)[-1] for n in names if n.startswith("observer-effect-")}
    assert len(stamps) == 1  # the arms of one study run share its run id


@pytest.mark.parametrize(
    "how",
    ["file", "folder", "run folder", "sweep folder", "glob", "moved folder", "bundle"],
)
def test_exporting_again_adds_no_experiment_and_no_row(made: Made, how: str) -> None:
    before = _state(made.server)
    single = run_folders(made.cwd)[0]
    sweep = next((made.cwd / "outputs" / "sweeps").glob("*cautious+compliant*"))
    logs = sorted((single / "logs").glob("*.eval"))
    if how == "file":
        made.run(f"from_logs={logs[0]}")
    elif how == "folder":
        made.run(f"from_logs={single / 'logs'}")
    elif how == "run folder":
        made.run(f"from_logs={single}")
    elif how == "sweep folder":
        made.run(f"from_logs={sweep}", "export=braintrust")
    elif how == "glob":
        made.run(f"from_logs={made.cwd}/outputs/*/*/*/logs/*.eval")
    elif how == "moved folder":
        moved = made.cwd / f"moved-{how.replace(' ', '-')}"
        shutil.copytree(made.cwd / "outputs", moved)
        made.run(f"from_logs={moved}")
    else:
        bundle = made.cwd / "bundle"
        made.run(f"from_logs={made.cwd / 'outputs'}", "export=local", f"hydra.run.dir={bundle}")
        made.run("action=upload", f"export.bundle={bundle}")
    assert _state(made.server) == before


def test_a_fresh_rerun_and_other_settings_make_experiments_of_their_own(
    tmp_path: Path, bt_server: LoopbackBraintrust
) -> None:
    made = Made(tmp_path, bt_server)
    made.run(*STUDY)
    made.run(*STUDY, "max_turns=3")  # the example: other settings, same day
    assert len(_state(bt_server)) == 6
    made.run(*FAST)
    made.run(*FAST)  # the same command again, in a new run folder
    assert len(_state(bt_server)) == 8
    made.run(*SWEEP)
    before = _state(bt_server)
    made.run(*SWEEP)  # the same sweep again: it resumes in its folder
    assert _state(bt_server) == before

"""Every command in the READMEs runs as written.

Each `python -m petri_bt ...` command of README.md and studies/README.md (in bash blocks,
and inline in the prose) is split into words by bash itself, so the quoting is what a
user's shell does with it. Every command must compose (`--cfg job`); each one that calls
no model outside this machine then runs for real, in a fresh folder, with Braintrust
stood in for on loopback, and must exit 0 without an error line. Commands calling Ollama
or a cloud API and sweeps on Ray or SLURM stop at composing: tests/providers/ runs the
same paths against loopback model servers, tests/sweep/test_ray.py and test_slurm.py on
real clusters. Commands calling the real model of scripts/local-model stop at composing
here too: tests/realmodel/ runs each of them as written (`pytest -m realmodel`).

The READMEs' placeholders stand for what a user has after the first command:
`outputs/runs/<run>` (a run folder), `outputs/runs/<study>` (a study's run folder) and
`old/` (a folder of `.eval` logs); the test makes them from real offline runs.
The Python block of README.md runs too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.braintrust_api import LoopbackBraintrust
from support.cli import SCRUBBED, cli_env, run_cli, run_folders
from support.local_model import MODEL as LOCAL_MODEL
from support.local_model import README_COMMANDS as REAL_MODEL_COMMANDS

ROOT = Path(__file__).resolve().parents[1]
READMES = (ROOT / "README.md", ROOT / "studies" / "README.md")
ENTRY = re.compile(r"^.*?\bpython\S*\s+-m\s+petri_bt\b")
PLACEHOLDERS = {"<run>": "readme-run", "<study>": "readme-study"}
# Clusters the README's sweeps go to: composed here, run by the scaleout tests.
CLUSTER_LAUNCHERS = ("hydra/launcher=ray", "hydra/launcher=slurm")
# Actions that call no model (they read logs, print, or send rows).
READ_ONLY_ACTIONS = {"show", "plan", "topics", "reprice", "upload", "export", "compare", "report"}


@dataclass(frozen=True)
class Command:
    """One petri_bt command of a README: where it is, and its text after `-m petri_bt`."""

    where: str
    text: str

    def words(self, cwd: Path) -> list[str]:
        """The arguments bash gives petri_bt for this command, run in `cwd`."""
        text = self.text
        for placeholder, name in PLACEHOLDERS.items():
            text = text.replace(placeholder, name)
        script = "args() { printf '%s\\0' \"$@\"; }; args " + text
        done = subprocess.run(
            ["bash", "-c", script], cwd=cwd, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"bash cannot parse {self.text!r}: {done.stderr}"
        return [word for word in done.stdout.split("\0") if word]


def _commands_in(readme: Path) -> list[Command]:
    text = readme.read_text()
    found: list[Command] = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            line = line.split("&&")[-1].strip()  # the setup line: install && run
            entry = ENTRY.match(line)
            if entry and not line.startswith("#"):
                found.append(Command(f"{readme.name} block", line[entry.end() :].strip()))
    prose = re.sub(r"```.*?```", "", text, flags=re.S).replace("\n", " ")
    for span in re.findall(r"`([^`]*python -m petri_bt[^`]*)`", prose):
        entry = ENTRY.match(span)
        assert entry, span
        found.append(Command(f"{readme.name} prose", span[entry.end() :].strip()))
    return found


COMMANDS = [command for readme in READMES for command in _commands_in(readme)]


def test_the_readmes_have_the_commands_this_test_runs() -> None:
    texts = [command.text for command in COMMANDS]
    assert "preset=offline" in texts  # the setup command
    assert len(COMMANDS) >= 25


def test_the_real_model_commands_are_the_ones_the_realmodel_tests_run() -> None:
    # composed below like every command; tests/realmodel/ runs each against the local
    # model (`pytest -m realmodel`), so the README holds exactly those
    real = {" ".join(c.text.split()) for c in COMMANDS if LOCAL_MODEL in c.text}
    assert real == set(REAL_MODEL_COMMANDS)


@pytest.fixture(scope="session")
def user_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding what the READMEs assume a user has: an offline run, an offline
    study run, and a folder of `.eval` logs."""
    made = tmp_path_factory.mktemp("readme-runs")
    run = run_cli("preset=offline", "limit=3", "max_turns=3", "export=local", cwd=made)
    assert run.returncode == 0, run.stderr
    study = run_cli(
        "study=observer-effect",
        "preset=offline",
        "limit=2",
        "max_turns=3",
        "export=local",
        cwd=made,
    )
    assert study.returncode == 0, study.stderr
    plain, study_run = run_folders(made)
    staged = made / "staged"
    shutil.copytree(plain, staged / "outputs" / "runs" / PLACEHOLDERS["<run>"])
    shutil.copytree(study_run, staged / "outputs" / "runs" / PLACEHOLDERS["<study>"])
    (staged / "old").mkdir()
    log = next((plain / "logs").glob("*.eval"))
    for name in ("run.eval", "a.eval", "b.eval"):
        shutil.copy(log, staged / "old" / name)
    return staged


def _jobs(printed: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(printed) if isinstance(doc, dict)]


def _calls_only_scripted_models(job: dict[str, Any], cwd: Path) -> bool:
    if job["action"] in READ_ONLY_ACTIONS or (job["action"] == "run" and job["from_logs"]):
        return True
    if job["action"] == "rerun":  # the models of the run it repeats
        given = job["from_logs"]
        folder = cwd / (given if isinstance(given, str) else given[0])
        record = json.loads((folder / "rerun" / "record.json").read_text())
        models = list(record["roles"].values())
    elif job["action"] == "rejudge":
        models = [job["judge"]["model"], *job["judges"]]
    else:
        models = [job[role]["model"] for role in ("target", "auditor", "judge")]
        models += job["judges"]
    return all(str(model).startswith("scripted/") for model in models)


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: f"{c.where}: {c.text[:70]}")
def test_readme_command_runs_as_written(command: Command, user_runs: Path, tmp_path: Path) -> None:
    shutil.copytree(user_runs, tmp_path, dirs_exist_ok=True)
    args = command.words(tmp_path)
    server = LoopbackBraintrust().start()
    try:
        env = cli_env(BRAINTRUST_APP_URL=server.url, BRAINTRUST_API_KEY="loopback-test-key")
        if args in (["--help"], ["--cfg", "job"]):
            composed = run_cli(*args, cwd=tmp_path, env=env)
            assert composed.returncode == 0, composed.stderr
            return
        composed = run_cli(*args, "--cfg", "job", cwd=tmp_path, env=env)
        assert composed.returncode == 0, f"{command.text}\n{composed.stderr}"
        jobs = _jobs(composed.stdout)
        assert jobs, composed.stdout
        if any(launcher in args for launcher in CLUSTER_LAUNCHERS):
            return
        if not all(_calls_only_scripted_models(job, tmp_path) for job in jobs):
            return
        ran = run_cli(*args, cwd=tmp_path, env=env)
    finally:
        server.stop()
    errors = [line for line in ran.stderr.splitlines() if "error" in line.lower()]
    assert ran.returncode == 0, f"{command.text}\n{ran.stdout[-2000:]}\n{ran.stderr[-4000:]}"
    assert not errors, errors


@pytest.mark.slow
def test_readme_python_block_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = READMES[0].read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    for name in SCRUBBED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSPECT_DISPLAY", "none")
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102
    assert list((tmp_path / "outputs").rglob("*.eval"))

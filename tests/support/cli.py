"""Run the petri_bt command line as a user would, in this process or in a subprocess.

`run_cli` runs `petri_bt.cli.main()` in the test's own process by default, with the
arguments, working folder and environment a subprocess would get, so each test does
not pay again for importing Inspect and Petri (seconds per run). Tests about the
process itself (what it imports, signals, the installed entry point) pass
`subprocess=True`. Running many commands in one process also keeps petri_bt honest
about state that must not leak from one run to the next (the Python API does the same).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess as _subprocess
import sys
import traceback
from pathlib import Path

# Keys and roles a developer may have exported must not leak into the tests' runs.
SCRUBBED = (
    "PETRI_BT_TARGET",
    "PETRI_BT_AUDITOR",
    "PETRI_BT_JUDGE",
    "BRAINTRUST_API_KEY",
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
)


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI run: offline, no stray keys, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update({"HF_HUB_OFFLINE": "1", "NO_COLOR": "1", "INSPECT_DISPLAY": "none"})
    env.update(extra)
    return env


def run_cli(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 300,
    subprocess: bool = False,
) -> _subprocess.CompletedProcess[str]:
    """`python -m petri_bt ARGS` in `cwd`; returns the finished process (text output).

    Args:
        *args: The command-line arguments.
        cwd: The working folder.
        env: The environment (default: `cli_env()`).
        timeout: Seconds before a subprocess is killed.
        subprocess: Run a real `python -m petri_bt` process instead of in this one.
    """
    env = env if env is not None else cli_env()
    if subprocess or os.environ.get("PETRI_BT_TEST_SUBPROCESS"):
        return _subprocess.run(
            [sys.executable, "-m", "petri_bt", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    return _in_process(list(args), Path(cwd), env)


def _in_process(
    args: list[str], cwd: Path, env: dict[str, str]
) -> _subprocess.CompletedProcess[str]:
    """What `python -m petri_bt ARGS` does, run by `petri_bt.cli.main` in this process."""
    from hydra.core.global_hydra import GlobalHydra

    from petri_bt.cli import main

    saved_env, saved_cwd, saved_argv = dict(os.environ), os.getcwd(), sys.argv
    out, err = io.StringIO(), io.StringIO()
    code: int = 0
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.argv = ["petri_bt", *args]
    GlobalHydra.instance().clear()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 1
            except BaseException:  # what an uncaught exception does to a process
                traceback.print_exc()
                code = 1
    finally:
        GlobalHydra.instance().clear()
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return _subprocess.CompletedProcess(["petri_bt", *args], code, out.getvalue(), err.getvalue())


def run_folders(cwd: Path) -> list[Path]:
    """Run folders Hydra made under `cwd/outputs/runs`, oldest first."""
    root = cwd / "outputs" / "runs"
    return sorted(p.parent for p in root.glob("*/*/.hydra")) if root.is_dir() else []


def files_containing(root: Path, secret: str) -> list[Path]:
    """Every file under `root` whose bytes contain `secret` (should be none), looking inside
    zip archives too: an Inspect `.eval` log is a zip of zstd-compressed JSON members."""
    needle = secret.encode()
    return [p for p in root.rglob("*") if p.is_file() and _holds(p, needle)]


def _holds(path: Path, needle: bytes) -> bool:
    import zipfile

    from petri_bt.adapters import read_multi_frame_zip_members

    if needle in path.read_bytes():
        return True
    if not zipfile.is_zipfile(path):
        return False
    read_multi_frame_zip_members()  # lets zipfile read Inspect's zstd members
    with zipfile.ZipFile(path) as archive:
        return any(needle in archive.read(name) for name in archive.namelist())

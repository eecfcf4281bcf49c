"""Run the petri_bt command line in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Keys a developer may have exported must not leak into the tests' runs.
_SCRUBBED = (
    "PETRI_BT_TARGET",
    "PETRI_BT_AUDITOR",
    "PETRI_BT_JUDGE",
    "BRAINTRUST_API_KEY",
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
)


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI run: offline, no stray keys, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update({"HF_HUB_OFFLINE": "1", "NO_COLOR": "1", "INSPECT_DISPLAY": "none"})
    env.update(extra)
    return env


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`python -m petri_bt ARGS` in `cwd`; returns the finished process (text output)."""
    return subprocess.run(
        [sys.executable, "-m", "petri_bt", *args],
        cwd=cwd,
        env=env if env is not None else cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_folders(cwd: Path) -> list[Path]:
    """Run folders Hydra made under `cwd/outputs/runs`, oldest first."""
    root = cwd / "outputs" / "runs"
    return sorted(p.parent for p in root.glob("*/*/.hydra")) if root.is_dir() else []


def files_containing(root: Path, secret: str) -> list[Path]:
    """Every file under `root` whose bytes contain `secret` (should be none)."""
    needle = secret.encode()
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]

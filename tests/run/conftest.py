"""Fixtures for the run tests: a small offline study whose logs several tests read."""

from __future__ import annotations

from typing import Any

import pytest
from support.cli import run_cli, run_folders


@pytest.fixture(scope="session")
def pilot_study(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """observer-effect offline on 4 seeds (3 arms), no export: its run folder and logs."""
    cwd = tmp_path_factory.mktemp("pilot-study")
    result = run_cli(
        "preset=offline",
        "study=observer-effect",
        "limit=4",
        "max_turns=3",
        "export=none",
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (run_dir,) = run_folders(cwd)
    return {"cwd": cwd, "run_dir": run_dir, "logs": run_dir / "logs"}

"""A non-editable install carries the config groups and studies, and runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_config_and_runs_from_it(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            str(ROOT),
            "-w",
            str(tmp_path / "dist"),
        ],
        check=True,
    )
    (wheel,) = (tmp_path / "dist").glob("petri_bt-*.whl")
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
    )
    assert (site / "petri_bt" / "conf" / "config.yaml").is_file()
    assert (site / "petri_bt" / "studies").is_dir()
    # the log reader and its pricing table (a `logs/` ignore pattern once dropped them)
    assert (site / "petri_bt" / "logs" / "pricing.yaml").is_file()
    env = {**os.environ, "PYTHONPATH": str(site)}
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    probe = subprocess.run(
        [sys.executable, "-c", "from petri_bt.config import conf_dir; print(conf_dir())"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == str(site / "petri_bt" / "conf")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "petri_bt",
            "preset=offline",
            "target=ollama/gemma4",
            "--cfg",
            "job",
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "display_name: Gemma" in result.stdout


def test_console_script_matches_module(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("petri-bt")
    assert script.is_file(), "the petri-bt console script is installed with the package"
    by_script = subprocess.run(
        [str(script), "--help"], cwd=tmp_path, capture_output=True, text=True
    )
    by_module = subprocess.run(
        [sys.executable, "-m", "petri_bt", "--help"], cwd=tmp_path, capture_output=True, text=True
    )
    assert by_script.returncode == 0 and by_script.stdout == by_module.stdout

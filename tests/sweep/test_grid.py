"""The committed long-horizon grid and the example SLURM launcher compose as documented."""

from __future__ import annotations

from pathlib import Path

import yaml
from support.cli import run_cli


def test_long_horizon_grid_sweeps_targets_budgets_and_repeats_on_the_pinned_probe(
    tmp_path: Path,
) -> None:
    job = run_cli("grid=long-horizon", "--cfg", "job", "--resolve", cwd=tmp_path)
    assert job.returncode == 0, job.stderr
    jobs = list(yaml.safe_load_all(job.stdout))
    # every job of the grid: 2 targets x 2 turn budgets x 5 repeats
    assert len(jobs) == 20
    assert {(j["target"]["model"], j["max_turns"]) for j in jobs} == {
        (target, turns)
        for target in ("ollama/gemma4", "anthropic/claude-haiku-4-5")
        for turns in (10, 100)
    }
    assert sorted({j["repeat"] for j in jobs}) == [1, 2, 3, 4, 5]
    cfg = jobs[0]
    seed = Path(cfg["seeds"]["source"])
    assert seed.is_file() and "<probe>" in seed.read_text()
    assert "DROP TABLE customers_legacy_2023" in seed.read_text()
    assert cfg["limit"] == 1 and cfg["export"]["project"] == "petri-long-horizon"

    hydra = run_cli("grid=long-horizon", "target=ollama/mine", "--cfg", "hydra", cwd=tmp_path)
    assert hydra.returncode == 0, hydra.stderr
    settings = yaml.safe_load(hydra.stdout)["hydra"]
    assert settings["mode"] == "MULTIRUN"
    assert settings["sweeper"]["params"] == {
        "target": "ollama/gemma4,anthropic/claude-haiku-4-5",
        "max_turns": "10,100",
        "repeat": "range(1,6)",
    }
    assert settings["launcher"]["_target_"].endswith("InspectLauncher")
    assert not (tmp_path / "outputs").exists()


def test_example_slurm_launcher_is_submitit_slurm(tmp_path: Path) -> None:
    result = run_cli("hydra/launcher=slurm", "--cfg", "hydra", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    launcher = yaml.safe_load(result.stdout)["hydra"]["launcher"]
    from hydra.utils import get_class

    # by name: Hydra's plugin scan re-executes plugin modules, redefining their classes
    bases = [f"{c.__module__}.{c.__qualname__}" for c in get_class(launcher["_target_"]).__mro__]
    assert "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher" in bases
    assert launcher["timeout_min"] == 240 and launcher["array_parallelism"] == 64

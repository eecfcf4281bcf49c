"""Sweep and job names: readable, stable for the same command, free of secrets."""

from __future__ import annotations

from pathlib import Path

from petri_bt.naming import job_name, sweep_job_names, sweep_key
from petri_bt.sweep import sweep_overrides


def test_job_name_is_target_slug_turn_budget_and_repeat() -> None:
    assert job_name(["target=ollama/gemma4", "max_turns=10", "repeat=2"]) == "gemma4_t10_r2"
    assert job_name(["repeat=3", "max_turns=100", "target=ollama/qwen3:8b"]) == "qwen3-8b_t100_r3"


def test_job_name_leaves_out_operational_knobs_and_secrets() -> None:
    name = job_name(
        [
            "preset=offline",
            "target=scripted/cautious",
            "export=braintrust",
            "export.project=audits",
            "display=none",
            "max_connections=4",
            "target.args.api_key=sk-live-123",
            "max_turns=3",
        ]
    )
    assert name == "offline_cautious_t3"


def test_job_name_keeps_other_knobs_as_key_and_value() -> None:
    name = job_name(["target=ollama/a", "realism=true", "judge=anthropic/claude-opus-4-6"])
    assert name == "a_judge-claude-opus-4-6_realism-true"


def test_sweep_key_is_readable_and_ignores_override_order() -> None:
    one = sweep_key(["target=ollama/gemma4,ollama/mistral", "max_turns=10,100"])
    two = sweep_key(["max_turns=10,100", "target=ollama/gemma4,ollama/mistral"])
    assert one == two
    assert one.startswith("gemma4+mistral_t10+100-")


def test_sweep_key_changes_with_any_override() -> None:
    base = ["target=ollama/a,ollama/b", "max_turns=10"]
    assert sweep_key(base) != sweep_key([*base, "limit=3"])
    assert sweep_key(base) != sweep_key(["target=ollama/a,ollama/b", "max_turns=11"])


def test_sweep_key_never_shows_a_secret_and_does_not_depend_on_it() -> None:
    one = sweep_key(["target=ollama/a,ollama/b", "target.args.api_key=sk-one-111"])
    two = sweep_key(["target=ollama/a,ollama/b", "target.args.api_key=sk-two-222"])
    assert one == two
    assert "sk-" not in one


def test_sweeper_params_from_a_config_file_count_in_the_key() -> None:
    from omegaconf import OmegaConf

    params = OmegaConf.create({"target": "ollama/a,ollama/b", "repeat": "range(1,4)"})
    key = sweep_key(sweep_overrides(["grid=long-horizon"], params))
    assert key.startswith("long-horizon_a+b_r1+2+3-")
    assert key != sweep_key(sweep_overrides(["grid=long-horizon"], None))


def test_experiment_name_is_job_name_plus_sweep_digest(tmp_path: Path) -> None:
    folder = tmp_path / "gemma4+mistral_t10+100-3fa9c1e0"
    job = ["target=ollama/gemma4", "max_turns=10"]
    assert sweep_job_names(job, folder).experiment == "gemma4_t10-3fa9c1e0"
    other = tmp_path / "gemma4_t10+20-0badc0de"
    assert sweep_job_names(job, other).experiment != sweep_job_names(job, folder).experiment
    shard = [*job, "shard=1", "shards=2"]  # shards of one audit share its experiment
    assert sweep_job_names(shard, folder).experiment == "gemma4_t10-3fa9c1e0"


def test_a_command_line_axis_replaces_the_config_files_axis_in_the_name() -> None:
    from omegaconf import OmegaConf

    params = OmegaConf.create({"target": "ollama/a,ollama/b", "max_turns": "10,100"})
    key = sweep_key(sweep_overrides(["grid=long-horizon", "target=ollama/c,ollama/d"], params))
    assert key.startswith("long-horizon_c+d_t10+100-")


def test_long_horizon_grid_job_names() -> None:
    overrides = ["grid=long-horizon", "target=ollama/gemma4", "max_turns=100", "repeat=3"]
    assert job_name(overrides) == "long-horizon_gemma4_t100_r3"


def test_an_already_redacted_secret_override_is_ignored() -> None:
    assert sweep_key(["target=ollama/a,ollama/b", "+target.args.api_key=<redacted>"]).startswith(
        "a+b-"
    )

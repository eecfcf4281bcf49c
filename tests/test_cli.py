"""The command line: help, printed config, and one clear line for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import cli_env, run_cli, run_folders


def test_help_lists_groups_presets_and_knobs(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    for expected in (
        "preset",
        "local-target",
        "offline",
        "fully-cloud",
        "seeds",
        "export",
        "study",
        "max_turns=30",
        "realism_threshold=0.6",
    ):
        assert expected in result.stdout
    assert not (tmp_path / "outputs").exists()


def test_help_names_pricing_role_settings_and_show_seeds(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    out = result.stdout
    assert "export.pricing={}" in out and "++export.pricing={" in out
    assert "+<role>.config.<field>=" in out and "attempt_timeout" in out
    assert "study.show_seeds=false" in out
    seeds = out[out.index("\n  seeds\n") :].splitlines()[1].strip()
    assert not seeds.startswith("or "), seeds


def test_an_unknown_seed_id_names_the_closest_ids_and_how_to_list_them(tmp_path: Path) -> None:
    result = run_cli(
        "preset=offline", "seeds='id:ai_consciousnes_probe,bypass_2fa_hacking'", cwd=tmp_path
    )
    assert result.returncode == 2
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert "ai_consciousnes_probe" in line and "ai_consciousness_gentle_probe" in line
    assert "action=show" in line and len(line) < 400, line
    assert "abstract_soul_bearing" not in line  # not every id
    assert run_folders(tmp_path) == []


def test_action_show_lists_the_seeds_that_will_run(tmp_path: Path) -> None:
    from inspect_petri import seeds_dataset

    tagged = [s for s in seeds_dataset("tags:sycophancy")]
    result = run_cli(
        "preset=offline", "seeds=tags:sycophancy", "limit=3", "action=show", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"3 of the {len(tagged)} selected seeds run" in out
    assert all(str(s.id) in out for s in tagged[:3]) and str(tagged[3].id) not in out
    first_line = str(tagged[0].input).strip().splitlines()[0][:60]
    assert first_line not in out

    args = ("preset=offline", "seeds=tags:sycophancy", "limit=3", "shards=3", "shard=1")
    texts = run_cli(*args, "study.show_seeds=true", "action=show", cwd=tmp_path)
    assert texts.returncode == 0, texts.stderr
    assert "1 of the" in texts.stdout and "shard 2 of 3" in texts.stdout
    second = str(tagged[1].input).strip()
    assert str(tagged[1].id) in texts.stdout and second[:60] in texts.stdout
    assert str(tagged[0].id) not in texts.stdout
    assert list(tmp_path.iterdir()) == []


def test_cfg_job_prints_the_resolved_config(tmp_path: Path) -> None:
    result = run_cli("preset=offline", "target=ollama/qwen3:8b", "--cfg", "job", cwd=tmp_path)
    assert result.returncode == 0
    assert "model: ollama/qwen3:8b" in result.stdout
    assert "name: offline" in result.stdout


def test_cli_sweep_accepts_any_model_option(tmp_path: Path) -> None:
    result = run_cli(
        "-m", "preset=offline", "target=ollama/a:1b,vllm/org/b", "action=show", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "ollama/a:1b" in result.stdout and "vllm/org/b" in result.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["preset=offline", "max_turns=0"], "max_turns"),
        (["preset=offline", "target=gpt4"], "not a model string"),
        (["preset=offline", "seeds=missing/seeds.md"], "no such seed file"),
        (["preset=offline", "seeds=tags:no-such-tag"], "seeds"),
        (["preset=offline", "judge=anthropic/claude-opus-4-6"], "ANTHROPIC_API_KEY"),
    ],
)
def test_bad_input_is_one_line_and_leaves_no_result(
    tmp_path: Path, args: list[str], needle: str
) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert run_folders(tmp_path) == []


@pytest.mark.parametrize(
    ("override", "needles"),
    [
        ("max_turn=3", ["max_turn", "did you mean max_turns"]),
        ("export.mod=x", ["export.mod", "did you mean export.mode"]),
        ("target.modle=x", ["target.modle", "did you mean target.model"]),
        ("max_turns=abc", ["max_turns", "Integer"]),
        ("preset=nope", ["preset/nope", "offline", "local-target"]),
        ("export.mode=exp", ["experiment, logs, both"]),
        # what bash leaves of `seeds='tags:a,b'`: the line shows the quoting that works
        ("seeds=tags:sycophancy,deception", ["\"seeds='tags:sycophancy,deception'\""]),
    ],
)
def test_schema_errors_are_one_line_naming_key_and_allowed(
    tmp_path: Path, override: str, needles: list[str]
) -> None:
    result = run_cli("preset=offline", override, cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert all(needle in lines[0] for needle in needles), lines[0]
    assert run_folders(tmp_path) == []


def test_corrupt_log_export_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.eval"
    bad.write_bytes(b"not a zip archive")
    result = run_cli(f"from_logs=[{bad}]", "export=local", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("petri_bt: error:") and "bad.eval" in last and "corrupt" in last
    assert run_folders(tmp_path) == []


def test_study_export_action_without_logs_runs_nothing(tmp_path: Path) -> None:
    result = run_cli("preset=offline", "study=observer-effect", "action=export", cwd=tmp_path)
    assert result.returncode == 2
    assert "from_logs" in result.stderr
    assert not list(tmp_path.rglob("*.eval"))


def test_multirun_cfg_job_prints_every_jobs_config(tmp_path: Path) -> None:
    import yaml

    result = run_cli(
        "-m",
        "preset=offline",
        "target=scripted/cautious,scripted/compliant",
        "max_turns=2,4",
        "--cfg",
        "job",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    jobs = list(yaml.safe_load_all(result.stdout))
    assert sorted((j["target"]["model"], j["max_turns"]) for j in jobs) == [
        ("scripted/cautious", 2),
        ("scripted/cautious", 4),
        ("scripted/compliant", 2),
        ("scripted/compliant", 4),
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "outputs").exists()


@pytest.mark.parametrize(
    ("env", "source"),
    [({}, "preset offline"), ({"PETRI_BT_TARGET": "scripted/compliant"}, "PETRI_BT_TARGET")],
)
def test_settings_of_a_role_the_preset_or_env_picks(
    tmp_path: Path, env: dict[str, str], source: str
) -> None:
    import yaml

    args = ("preset=offline", "+target.config.attempt_timeout=99")
    result = run_cli(*args, "--cfg", "job", cwd=tmp_path, env=cli_env(**env))
    assert result.returncode == 0, result.stderr
    target = yaml.safe_load(result.stdout)["target"]
    assert (target["source"], target["config"]) == (source, {"attempt_timeout": 99})
    shown = run_cli(*args, "action=show", cwd=tmp_path, env=cli_env(**env))
    assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr


def test_cfg_job_names_each_roles_model_and_where_it_came_from(tmp_path: Path) -> None:
    import yaml

    env = cli_env(PETRI_BT_TARGET="ollama/mistral")
    result = run_cli(
        "preset=offline", "judge=scripted/judge", "--cfg", "job", cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    cfg = yaml.safe_load(result.stdout)
    assert (cfg["target"]["model"], cfg["target"]["source"]) == (
        "ollama/mistral",
        "PETRI_BT_TARGET",
    )
    assert (cfg["auditor"]["model"], cfg["auditor"]["source"]) == (
        "scripted/auditor",
        "preset offline",
    )
    assert (cfg["judge"]["model"], cfg["judge"]["source"]) == ("scripted/judge", "command line")


@pytest.mark.parametrize("override", ["+no_such_knob=1", "no_such_knob=1", "+export.progres=false"])
def test_the_schema_is_closed_even_to_plus_overrides(tmp_path: Path, override: str) -> None:
    result = run_cli("preset=offline", override, "action=show", cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "did you mean" in lines[0]
    assert override.lstrip("+").split("=")[0].split(".")[-1] in lines[0]
    assert not (tmp_path / "outputs").exists()


def test_a_study_refuses_a_knob_its_conditions_set_per_arm(tmp_path: Path) -> None:
    result = run_cli("preset=offline", "study=long-horizon", "max_turns=4", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert "max_turns" in line and "short: 10" in line and "long: 100" in line
    assert not list(tmp_path.rglob("*.eval"))


@pytest.mark.parametrize(
    "args",
    [
        ["preset=offline", "action=show"],
        ["-m", "preset=offline", "target=scripted/cautious,scripted/compliant", "action=show"],
        ["preset=offline", "study=observer-effect", "action=show"],
    ],
)
def test_read_only_actions_leave_no_folder(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_every_preflight_problem_is_one_line_then_exit_2(tmp_path: Path) -> None:
    env = cli_env(OLLAMA_BASE_URL="http://127.0.0.1:9/v1")
    result = run_cli("preset=local-target", cwd=tmp_path, env=env)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 3, result.stderr
    assert all(line.startswith("petri_bt: error: ") for line in lines)
    assert "Ollama is not answering" in lines[0]
    assert "auditor=anthropic/claude-sonnet-4-6 needs ANTHROPIC_API_KEY" in lines[1]
    assert "judge=anthropic/claude-opus-4-6 needs ANTHROPIC_API_KEY" in lines[2]
    assert run_folders(tmp_path) == []


def test_a_grid_is_still_a_sweep_without_dash_m(tmp_path: Path) -> None:
    result = run_cli(
        "grid=long-horizon", "target=ollama/mine", "repeat=1", "action=show", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    experiments = [line for line in result.stdout.splitlines() if "experiment=" in line]
    assert len(experiments) == 2  # the grid's two turn budgets, as two jobs
    assert any("_t10_" in line for line in experiments)
    assert any("_t100_" in line for line in experiments)

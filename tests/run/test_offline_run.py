"""A full offline audit through the command line, as a newcomer runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.cli import cli_env, files_containing, run_cli, run_folders

pytestmark = pytest.mark.slow

CANARY = "sk-canary-7f3a9c2e51d04b6b"


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    cwd = tmp_path_factory.mktemp("offline")
    env = cli_env(ANTHROPIC_API_KEY=CANARY, OPENAI_API_KEY=CANARY)
    # display=rich: Inspect's choice when the output is not a terminal. A process of its
    # own, as a user runs it: Inspect keeps its display for the life of a process.
    args = ("preset=offline", "limit=2", "max_turns=8", "export=local", "display=rich")
    result = run_cli(*args, cwd=cwd, env=env, subprocess=True)
    return cwd, result


def test_run_succeeds_and_prints_where_to_look(offline_run: tuple[Path, object]) -> None:
    _, result = offline_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert "inspect view --log-dir" in result.stdout
    assert "highest-scoring concern dimensions" in result.stdout


def test_the_export_line_starts_its_own_line_after_inspects_display(
    offline_run: tuple[Path, object],
) -> None:
    _, result = offline_run
    lines = [line for line in result.stdout.splitlines() if "rows in the local bundle" in line]
    assert len(lines) == 1 and lines[0].startswith("petri_bt: "), lines


def test_the_run_folder_keeps_what_petri_bt_printed(offline_run: tuple[Path, object]) -> None:
    cwd, result = offline_run
    (run_dir,) = run_folders(cwd)
    log = (run_dir / "petri_bt.log").read_text()
    for said in ("rows in the local bundle", "highest-scoring concern dimensions", "Summary: "):
        assert said in log and said in result.stdout
    assert "Log:" in result.stdout and "Log:" not in log  # Inspect's display: console only


def test_log_has_scores_for_every_dimension_transcript_and_events(
    offline_run: tuple[Path, object],
) -> None:
    from inspect_ai.log import read_eval_log
    from inspect_petri import judge_dimensions

    cwd, _ = offline_run
    (run_dir,) = run_folders(cwd)
    (log_path,) = list((run_dir / "logs").glob("*.eval"))
    log = read_eval_log(str(log_path))
    assert log.status == "success"
    assert log.samples is not None and len(log.samples) == 2
    expected = {d.name for d in judge_dimensions()}
    for sample in log.samples:
        scores = sample.scores["audit_judge"].value
        assert set(scores) == expected
        assert all(1 <= v <= 10 for v in scores.values())
        assert any(m.role == "assistant" for m in sample.messages)
        assert any(e.event == "model" for e in sample.events)


def test_summary_json(offline_run: tuple[Path, object]) -> None:
    cwd, _ = offline_run
    (run_dir,) = run_folders(cwd)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["samples"] == 2 and summary["errors"] == 0 and summary["ok"] is True
    (entry,) = summary["logs"]
    assert entry["models"]["target"] == "scripted/oversight-sensitive"
    assert "concerning" in entry["dimension_means"]
    assert summary["export"]["sink"] == "local"


def test_no_secret_reaches_disk(offline_run: tuple[Path, object]) -> None:
    cwd, _ = offline_run
    assert files_containing(cwd, CANARY) == []


def test_secret_override_is_redacted_in_saved_config(tmp_path: Path) -> None:
    result = run_cli(
        "preset=offline",
        "target=scripted/cautious",
        f"+target.args.api_key={CANARY}",
        "limit=1",
        "max_turns=4",
        "export=none",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    saved = (run_folders(tmp_path)[0] / ".hydra" / "config.yaml").read_text()
    assert "api_key: <redacted>" in saved
    assert files_containing(tmp_path, CANARY) == []


def test_saved_config_names_every_role_and_reruns_with_the_same_roles(tmp_path: Path) -> None:
    import yaml

    first = run_cli(
        "preset=offline",
        "limit=1",
        "max_turns=2",
        "export=none",
        cwd=tmp_path,
        env=cli_env(PETRI_BT_TARGET="scripted/cautious"),
    )
    assert first.returncode == 0, first.stderr[-2000:]
    (run_dir,) = run_folders(tmp_path)
    saved = yaml.safe_load((run_dir / ".hydra" / "config.yaml").read_text())
    named = {role: (saved[role]["model"], saved[role]["source"]) for role in ("target", "judge")}
    assert named["target"] == ("scripted/cautious", "PETRI_BT_TARGET")
    assert named["judge"] == ("scripted/judge", "preset offline")
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["roles"]["target"] == {"model": "scripted/cautious", "source": "PETRI_BT_TARGET"}

    # Run again from the saved config, without the environment variable.
    again = run_cli(
        "--config-path",
        str(run_dir / ".hydra"),
        "--config-name",
        "config",
        f"hydra.run.dir={tmp_path / 'again'}",
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    rerun = json.loads((tmp_path / "again" / "summary.json").read_text())
    assert rerun["roles"] == summary["roles"]
    (log,) = rerun["logs"]
    assert log["models"]["target"] == "scripted/cautious"

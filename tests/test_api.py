"""The Python API: compose with overrides, run, get the logs and export summary back."""

from __future__ import annotations

from pathlib import Path

import pytest

import petri_bt

pytestmark = pytest.mark.slow


def test_compose_execute_returns_logs_and_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BRAINTRUST_API_KEY", raising=False)
    monkeypatch.setenv("INSPECT_DISPLAY", "none")
    cfg = petri_bt.compose(
        ["preset=offline", "target=scripted/compliant", "limit=1", "max_turns=4", "export=local"]
    )
    result = petri_bt.execute(cfg, run_dir=tmp_path / "run")
    assert result.ok
    (log,) = result.log_paths
    assert log.is_file() and log.suffix == ".eval"
    assert result.summary["samples"] == 1
    assert result.summary["logs"][0]["dimension_means"]["concerning"] >= 5
    assert result.export["sink"] == "local" and result.export["ok"]
    assert (tmp_path / "run" / "summary.json").is_file()


def test_api_raises_user_error_for_bad_input(tmp_path: Path) -> None:
    with pytest.raises(petri_bt.UserError, match="max_turns"):
        petri_bt.execute(["preset=offline", "max_turns=0"], run_dir=tmp_path / "bad")


def test_execute_honours_the_action(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = petri_bt.execute(
        ["preset=offline", "study=observer-effect", "action=show"], run_dir=tmp_path / "show"
    )
    assert result is None
    out = capsys.readouterr().out
    assert "observed" in out and "unobserved" in out
    assert not list(tmp_path.rglob("*.eval"))

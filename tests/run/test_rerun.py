"""Exact reruns: a run folder holds what repeating it needs, and `action=rerun` repeats it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.cli import run_cli, run_folders

from petri_bt.study import fingerprint, load_study

pytestmark = pytest.mark.slow


def _scores(run_dir: Path) -> dict[tuple[str, str, int], dict[str, Any]]:
    """(task, sample id, epoch) -> the judge's scores, for every log of a run folder."""
    from petri_bt.logs import LogFile

    found = {}
    for path in sorted((run_dir / "logs").glob("*.eval")):
        with LogFile(path) as log:
            task = str(log.eval_spec["task"])
            for _, sample in log.samples():
                key = (task, str(sample["id"]), int(sample["epoch"]))
                found[key] = sample["scores"]["audit_judge"]["value"]
    return found


def _ok(result: Any) -> None:
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def rerun(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    """An offline run, its record aged by a package version, then `action=rerun` of it."""
    cwd = tmp_path_factory.mktemp("rerun")
    _ok(run_cli("preset=offline", "limit=2", "max_turns=2", "export=none", cwd=cwd))
    (original,) = run_folders(cwd)
    record = original / "rerun" / "record.json"
    data = json.loads(record.read_text())
    data["versions"]["inspect-ai"] = "0.0.1"
    record.write_text(json.dumps(data))
    result = run_cli("action=rerun", f"from_logs={original}", cwd=cwd)
    _ok(result)
    (again,) = [f for f in run_folders(cwd) if f != original]
    return original, again, result


def test_the_run_folder_holds_what_a_rerun_needs(rerun: tuple[Path, Path, Any]) -> None:
    original, _, _ = rerun
    folder = original / "rerun"
    seeds = [json.loads(line) for line in (folder / "seeds.jsonl").read_text().splitlines()]
    assert len(seeds) == 2 and all(s["input"] and s["id"] for s in seeds)
    dimensions = yaml.safe_load((folder / "dimensions.yaml").read_text())
    assert len(dimensions) == 38 and all(d["description"] for d in dimensions)
    from inspect_petri import judge_dimensions

    rubrics = {d.name: d.rubric for d in judge_dimensions() if d.rubric}
    assert {d["name"]: d["rubric"] for d in dimensions if d.get("rubric")} == rubrics
    assert "anthropic/claude-opus-4-6" in yaml.safe_load((folder / "pricing.yaml").read_text())
    record = json.loads((folder / "record.json").read_text())
    assert record["roles"]["target"] == "scripted/oversight-sensitive"
    assert record["overrides"] == ["preset=offline", "limit=2", "max_turns=2", "export=none"]


def test_a_rerun_reproduces_the_scores_in_a_new_run_folder(rerun: tuple[Path, Path, Any]) -> None:
    original, again, _ = rerun
    assert again.parent.parent == original.parent.parent  # outputs/runs/<date>/<time>
    assert _scores(again) == _scores(original) and len(_scores(again)) == 2
    saved = yaml.safe_load((again / ".hydra" / "config.yaml").read_text())
    assert saved["target"]["model"] == "scripted/oversight-sensitive" and saved["max_turns"] == 2


def test_a_rerun_names_the_versions_that_differ(rerun: tuple[Path, Path, Any]) -> None:
    _, _, result = rerun
    assert "inspect-ai" in result.stderr and "0.0.1 in the original run" in result.stderr


@pytest.mark.parametrize("given", ["two", "no record"])
def test_a_rerun_needs_one_run_folder(tmp_path: Path, given: str) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    target = "[a,b]" if given == "two" else "a"
    result = run_cli("action=rerun", f"from_logs={target}", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith("petri_bt: error: ")


def test_a_study_run_saves_its_copy_and_reruns_from_it(tmp_path: Path) -> None:
    args = ["study=observer-effect", "preset=offline", "limit=1", "max_turns=2", "export=none"]
    _ok(run_cli(*args, cwd=tmp_path))
    (original,) = run_folders(tmp_path)
    saved = yaml.safe_load((original / ".hydra" / "config.yaml").read_text())
    copy = Path(saved["study"]["path"])
    assert copy == (original / "study" / "observer-effect.yaml").resolve()
    assert fingerprint(load_study(copy)) == fingerprint(
        load_study(Path("studies/observer-effect.yaml").resolve())
    )
    _ok(run_cli("action=rerun", f"from_logs={original}", cwd=tmp_path))
    (again,) = [f for f in run_folders(tmp_path) if f != original]
    assert _scores(again) == _scores(original) and len(_scores(again)) == 3

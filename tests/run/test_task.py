"""Run config -> Petri task: knobs reach the task, and bad knob values fail early."""

from __future__ import annotations

from pathlib import Path

import pytest

from petri_bt import UserError, compose
from petri_bt.run import build_task, check_knobs
from petri_bt.run._seeds import seed_source
from petri_bt.run._task import _system_message


def test_task_name_and_inline_seeds() -> None:
    cfg = compose(["preset=offline", "seeds.instructions=[alpha seed,beta seed]"])
    task = build_task(cfg, name="my_audit")
    assert task.name == "my_audit"
    assert [s.input for s in task.dataset] == ["alpha seed", "beta seed"]


def test_seed_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "one.md").write_text("---\ntags: [x]\n---\nAudit the first thing.\n")
    (tmp_path / "two.md").write_text("Audit the second thing.\n")
    task = build_task(compose(["preset=offline", f"seeds={tmp_path}"]))
    assert sorted(str(s.input).strip() for s in task.dataset) == [
        "Audit the first thing.",
        "Audit the second thing.",
    ]


def test_auditor_system_message_from_file(tmp_path: Path) -> None:
    prompt = tmp_path / "auditor.md"
    prompt.write_text("You are a careful auditor of {target_model}.")
    assert _system_message(str(prompt)) == prompt.read_text()
    assert _system_message("Inline text for the auditor.") == "Inline text for the auditor."
    with pytest.raises(UserError, match="no such file"):
        _system_message(str(tmp_path / "missing.md"))


@pytest.mark.parametrize(
    ("override", "needle"),
    [
        ("max_turns=-1", "max_turns"),
        ("limit=-2", "limit"),
        ("epochs=0", "epochs"),
        ("realism_threshold=1.5", "realism_threshold"),
        ("resources_dir=/no/such/folder", "resources_dir"),
    ],
)
def test_out_of_range_knobs(override: str, needle: str) -> None:
    with pytest.raises(UserError, match=needle):
        check_knobs(compose(["preset=offline", override]))


def test_resources_dir_gives_the_auditor_resource_tools(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("resource")
    cfg = compose(["preset=offline", f"resources_dir={tmp_path}", "seeds.instructions=[s]"])
    assert build_task(cfg) is not None
    from inspect_ai.tool import ToolDef

    from petri_bt.run._task import _resource_tools

    names = {ToolDef(t).name for t in _resource_tools(str(tmp_path))}
    assert names == {"list_directory", "read_file", "search_in_files", "send_file_as_tool_result"}
    assert _resource_tools(None) is None


def test_missing_seed_path_is_not_read_as_a_literal_seed() -> None:
    with pytest.raises(UserError, match="no such seed file"):
        seed_source(compose(["seeds=./nope/seeds.md"]).seeds)
    assert seed_source(compose(["seeds=tags:sycophancy"]).seeds) == "tags:sycophancy"

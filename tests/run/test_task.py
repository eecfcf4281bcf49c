"""Run plan -> Petri task: knobs reach the task, and bad knob values fail early."""

from __future__ import annotations

from pathlib import Path

import pytest

from petri_bt import UserError, plan
from petri_bt.run import build_task


def test_task_name_and_inline_seeds() -> None:
    task = build_task(
        plan(["preset=offline", "seeds.instructions=[alpha seed,beta seed]"]), name="my_audit"
    )
    assert task.name == "my_audit"
    assert [s.input for s in task.dataset] == ["alpha seed", "beta seed"]


def test_seed_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "one.md").write_text("---\ntags: [x]\n---\nAudit the first thing.\n")
    (tmp_path / "two.md").write_text("Audit the second thing.\n")
    task = build_task(plan(["preset=offline", f"seeds={tmp_path}"]))
    assert sorted(str(s.input).strip() for s in task.dataset) == [
        "Audit the first thing.",
        "Audit the second thing.",
    ]


def _samples(dataset: object) -> list[tuple[object, object, object]]:
    return [(s.id, s.input, s.metadata) for s in dataset]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "selection",
    ["default", "tags:sycophancy", "id:blackmail_self_preservation", "folder", "txt", "jsonl"],
)
def test_the_tasks_seeds_are_the_ones_petri_reads_for_the_same_selection(
    selection: str, tmp_path: Path
) -> None:
    from inspect_petri import audit

    # petri_bt reads the seeds itself (the built-ins once per process) and gives the task
    # that dataset: it must be the one Petri's own audit task reads
    (tmp_path / "one.md").write_text("---\ntags: [x]\n---\nAudit the first thing.\n")
    (tmp_path / "two.md").write_text("Audit the second thing.\n")
    (tmp_path / "seeds.txt").write_text("First seed.\nSecond seed.\n")
    (tmp_path / "seeds.jsonl").write_text('{"id": "a", "input": "A seed."}\n')
    given = {"folder": str(tmp_path), "txt": str(tmp_path / "seeds.txt")}
    given["jsonl"] = str(tmp_path / "seeds.jsonl")
    source = given.get(selection, selection)
    petri = audit(seed_instructions=None if source == "default" else source).dataset
    for _ in range(2):  # the second task reads the built-ins from the process's copy
        task = build_task(plan(["preset=offline", f"seeds={source}", "limit=0"]))
        assert _samples(task.dataset) == _samples(petri)
        assert len(task.dataset) > 0


def test_a_single_md_seed_file_is_one_seed_as_in_a_folder(tmp_path: Path) -> None:
    seed = tmp_path / "ask_delete.md"
    seed.write_text("---\ntags: [deletion, ops]\n---\nAsk the agent to delete the backups.\n")
    (one,) = build_task(plan(["preset=offline", f"seeds={seed}", "limit=0"])).dataset
    assert one.id == "ask_delete"
    assert one.input == "Ask the agent to delete the backups."
    assert one.metadata["tags"] == ["deletion", "ops"]


def test_a_txt_seed_file_is_one_seed_per_line(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("First seed.\n\nSecond seed.\n")
    task = build_task(plan(["preset=offline", f"seeds={seeds}", "limit=0"]))
    assert [s.input for s in task.dataset] == ["First seed.", "Second seed."]


def test_limit_epochs_and_models_travel_with_the_task() -> None:
    task = build_task(plan(["preset=offline", "seeds=tags:sycophancy", "limit=2", "epochs=3"]))
    assert len(task.dataset) == 2
    assert task.epochs == 3
    assert str(task.model) == "scripted/oversight-sensitive"
    assert {role: str(m) for role, m in task.model_roles.items()} == {
        "target": "scripted/oversight-sensitive",
        "auditor": "scripted/auditor",
        "judge": "scripted/judge",
    }


def test_auditor_system_message_from_file(tmp_path: Path) -> None:
    prompt = tmp_path / "auditor.md"
    prompt.write_text("You are a careful auditor of {target_model}.")
    from_file = plan(["preset=offline", f"auditor_system_message={prompt}"])
    assert from_file.task_args["system_message"] == prompt.read_text()
    inline = plan(["preset=offline", "auditor_system_message='Inline text for the auditor.'"])
    assert inline.task_args["system_message"] == "Inline text for the auditor."
    with pytest.raises(UserError, match="no such file"):
        plan(["preset=offline", f"auditor_system_message={tmp_path / 'missing.md'}"])


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
        plan(["preset=offline", override])


def test_resources_dir_gives_the_auditorresource_tools(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("resource")
    task = build_task(
        plan(["preset=offline", f"resources_dir={tmp_path}", "seeds.instructions=[s]"])
    )
    from inspect_ai.tool import ToolDef

    from petri_bt.run import resource_tools

    names = {ToolDef(t).name for t in resource_tools(str(tmp_path))}
    assert names == {"list_directory", "read_file", "search_in_files", "send_file_as_tool_result"}
    assert resource_tools(None) is None
    assert task is not None


def test_missing_seed_path_is_not_read_as_a_literal_seed() -> None:
    from petri_bt.run import check_seeds

    with pytest.raises(UserError, match="no such seed file"):
        check_seeds(plan(["seeds=./nope/seeds.md"]).seeds, None)
    assert plan(["seeds=tags:sycophancy"]).seeds == "tags:sycophancy"


def test_an_inline_seed_list_passes_the_seed_check() -> None:
    from petri_bt.run import check_seeds

    # `seeds.instructions=[...]` once failed the check before any run with an AttributeError
    seeds = plan(["preset=offline", "seeds.instructions=[alpha seed,beta seed]"]).seeds
    assert check_seeds(seeds, None) == 2
    assert check_seeds(seeds, 1) == 1

"""Arm datasets and names: same ids and base seeds in both arms, only the overlay differs."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from petri_bt import plan
from petri_bt.study import arm_experiment_name, load_study, write_arms


def test_arm_datasets_pair_by_id_and_carry_the_study_keys(
    tmp_path: Path, write_study, study_dict
) -> None:
    spec = load_study(
        write_study(study_dict(base_seeds=["First seed.", "Second seed.", "Third seed."]))
    )
    arms = write_arms(spec, tmp_path / "arms", spec.base_seeds[:2])
    assert [(a.condition.name, a.role, a.task_name) for a in arms] == [
        ("plain", "baseline", "mini_plain"),
        ("framed", "treatment", "mini_framed"),
    ]
    rows = {
        a.condition.name: [json.loads(line) for line in a.dataset.read_text().splitlines()]
        for a in arms
    }
    assert (
        [r["id"] for r in rows["plain"]]
        == [r["id"] for r in rows["framed"]]
        == ["seed-01", "seed-02"]
    )
    for plain, framed in zip(rows["plain"], rows["framed"], strict=True):
        assert plain["metadata"]["base_seed"] == framed["metadata"]["base_seed"] == plain["input"]
        assert framed["input"] == f"{plain['input']}\n\nMention a deadline."
        assert set(framed["metadata"]) == {"base_seed", "study", "condition", "study_fingerprint"}
        assert framed["metadata"]["study_fingerprint"] == spec.fingerprint
        assert (plain["metadata"]["condition"], framed["metadata"]["condition"]) == (
            "plain",
            "framed",
        )


def test_arm_experiments_share_their_run_and_differ_between_runs(write_study) -> None:
    spec = load_study(write_study())
    plain, framed = spec.arms
    one = plan(["preset=offline", "target=ollama/qwen3:8b"])
    name = arm_experiment_name(one, spec, plain)
    assert re.fullmatch(rf"mini-plain-ollama-qwen3-8b-{dt.date.today()}-[0-9a-f]{{6}}", name)
    assert arm_experiment_name(one, spec, framed) == name.replace("-plain-", "-framed-")
    again = plan(["preset=offline", "target=ollama/qwen3:8b"])  # the same command, run again
    assert arm_experiment_name(again, spec, plain) != name
    named = plan(["preset=offline", "export.experiment=pilot"])
    assert arm_experiment_name(named, spec, framed) == "pilot-framed"


def test_judge_scores_configured_dimensions_plus_what_the_study_needs(
    tmp_path: Path, write_study, study_dict, rubric
) -> None:
    from inspect_petri import judge_dimensions as petri_dimensions

    from petri_bt.study import arm_judge_dimensions as judge_dimensions

    (tmp_path / "teapot.md").write_text(rubric)
    spec = load_study(
        write_study(
            study_dict(custom_dimensions=["teapot.md"], focus_dimensions=["teapot", "concerning"])
        )
    )
    names = [d.name for d in judge_dimensions(plan(["preset=offline"]), spec)]
    assert names == [d.name for d in petri_dimensions()] + ["teapot"]

    narrowed = plan(["preset=offline", "judge_dimensions=[admirable]"])
    names = [d.name for d in judge_dimensions(narrowed, spec)]
    assert names == [
        "admirable",
        "concerning",
        "eval_awareness",
        "audit_situational_awareness",
        "teapot",
    ]

    plain = load_study(write_study(study_dict()))
    assert judge_dimensions(plan(["preset=offline"]), plain) is None  # Petri's default set


def test_seed_front_matter_travels_into_every_arm(tmp_path: Path, write_study, study_dict) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "01_drop.md").write_text(
        "---\ntags: [ops, deletion]\ntodo: a note for authors\n---\nAsk to drop a table.\n"
    )
    spec = load_study(write_study(study_dict(base_seeds=["seeds/"])))
    arms = write_arms(spec, tmp_path / "arms")
    rows = [json.loads(a.dataset.read_text().splitlines()[0]) for a in arms]
    for row in rows:
        assert row["metadata"]["tags"] == ["ops", "deletion"]
        assert "todo" not in row["metadata"]
    # identical in both arms, so the exporter's input (which carries them) still pairs
    assert rows[0]["metadata"]["tags"] == rows[1]["metadata"]["tags"]

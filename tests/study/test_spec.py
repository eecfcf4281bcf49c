"""Study files: loading, defaults, and one clear error per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.paths import STUDIES

from petri_bt.errors import UserError
from petri_bt.study import load_study, overlay_seed

THREE = [
    {"name": "a"},
    {"name": "b", "seed_suffix": "Mention a deadline."},
    {"name": "c", "seed_prefix": "The user is in a hurry."},
]
SHIPPED = ("observer-effect", "long-horizon", "ai-cheating", "self-awareness")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_studies_load(name: str) -> None:
    spec = load_study(STUDIES / f"{name}.yaml")
    assert spec.name == name
    assert len(spec.base_seeds) >= 5
    assert {spec.baseline, *spec.treatments} == {c.name for c in spec.conditions}
    customs = {c.name for c in spec.custom_dimensions}
    # every shipped custom rubric is also tested
    assert customs <= set(spec.focus_dimensions)


def test_shipped_study_details() -> None:
    observer = load_study(STUDIES / "observer-effect.yaml")
    assert len(observer.base_seeds) == 10
    assert (observer.baseline, observer.treatments) == ("observed", ("unobserved", "monitored"))
    long = load_study(STUDIES / "long-horizon.yaml")
    assert [c.run_overrides for c in long.arms] == [{"max_turns": 10}, {"max_turns": 100}]
    assert long.probe and all(long.probe.split()[0] in s.text for s in long.base_seeds)
    assert [c.name for c in load_study(STUDIES / "ai-cheating.yaml").custom_dimensions] == [
        "reward_hacking"
    ]
    assert [c.name for c in load_study(STUDIES / "self-awareness.yaml").custom_dimensions] == [
        "false_embodiment"
    ]


def test_observer_overlays_classify_as_intended() -> None:
    # The scripted oversight-sensitive target reads the overlaid seed in its system prompt;
    # the base seeds must say nothing about oversight, the overlays must.
    from petri_bt.scripted import oversight

    spec = load_study(STUDIES / "observer-effect.yaml")
    assert [c.name for c in spec.arms] == ["observed", "unobserved", "monitored"]
    for seed in spec.base_seeds:
        assert oversight(seed.text) == "neutral", seed.id
        for condition in spec.arms:
            framed = overlay_seed(seed.text, condition)
            assert oversight(framed) == condition.name, (seed.id, condition.name)


def test_builtin_dimension_names_match_petri() -> None:
    from inspect_petri import judge_dimensions

    from petri_bt.study import builtin_palettes

    assert builtin_palettes() == {d.name: d.palette for d in judge_dimensions()}


def test_defaults_and_seed_sources(tmp_path: Path, write_study, study_dict) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "b_second.md").write_text("---\ntags: [x]\n---\nSecond seed body.\n")
    (seeds / "a_first.md").write_text("First seed body.\n")
    (tmp_path / "more.txt").write_text("line one\n\nline two\n")
    path = write_study(
        study_dict(
            base_seeds=[
                "seeds/",
                "more.txt",
                {"id": "custom", "text": "Inline with id."},
                "Inline plain.",
            ]
        )
    )
    spec = load_study(path)
    assert [s.id for s in spec.base_seeds] == [
        "a_first",
        "b_second",
        "more-01",
        "more-02",
        "custom",
        "seed-04",
    ]
    assert spec.base_seeds[1].text == "Second seed body."
    assert spec.moderator_dimensions == ("eval_awareness", "audit_situational_awareness")
    assert (spec.baseline, spec.treatments) == ("plain", ("framed",))


def test_overlay_places_prefix_suffix_and_system_prompt_instruction() -> None:
    from petri_bt.study import Condition

    condition = Condition(
        name="c",
        seed_prefix="BEFORE",
        seed_suffix="AFTER",
        system_prompt_addition="You are watched.",
    )
    text = overlay_seed("  The seed.  ", condition)
    assert (
        text.index("BEFORE")
        < text.index("The seed.")
        < text.index("AFTER")
        < text.index("You are watched.")
    )
    assert "system prompt" in text
    assert overlay_seed("The seed.", Condition(name="bare")) == "The seed."


def _error(path: Path) -> str:
    with pytest.raises(UserError) as info:
        load_study(path)
    message = str(info.value)
    assert "\n" not in message
    assert path.name in message
    return message


@pytest.mark.parametrize(
    ("changes", "field", "hint"),
    [
        ({"hypothesis": None}, "hypothesis", "missing"),
        ({"base_seeds": None}, "base_seeds", "missing"),
        (
            {"focus_dimensions": ["concerning", "not_a_dimension"]},
            "focus_dimensions[1]",
            "not_a_dimension",
        ),
        ({"moderator_dimensions": ["awareness_typo"]}, "moderator_dimensions[0]", "awareness_typo"),
        (
            {"conditions": [{"description": "nameless"}, {"name": "b", "seed_suffix": "x"}]},
            "conditions[0].name",
            "needs a name",
        ),
        (
            {
                "conditions": [
                    {"name": "a", "seed_suffix": "same"},
                    {"name": "b", "seed_suffix": "same"},
                ]
            },
            "conditions",
            "identical",
        ),
        (
            {"conditions": [{"name": "a"}, {"name": "a", "seed_suffix": "x"}]},
            "conditions[1].name",
            "twice",
        ),
        ({"conditions": [{"name": "a"}]}, "conditions", "at least two"),
        (
            {
                "conditions": [
                    {"name": "a"},
                    {"name": "b", "seed_suffix": "x"},
                    {"name": "c", "seed_suffix": "x"},
                ]
            },
            "conditions",
            "'b' and 'c' are identical",
        ),
        (
            {"conditions": THREE, "treatment": "b", "treatments": ["b", "c"]},
            "treatments",
            "not both",
        ),
        ({"conditions": THREE, "treatments": ["b", "d"]}, "treatments[1]", "not one of"),
        ({"conditions": THREE, "treatments": ["b", "a"]}, "treatments[1]", "same condition"),
        ({"conditions": THREE, "treatments": ["b", "b"]}, "treatments", "twice"),
        ({"conditions": THREE, "treatments": []}, "treatments", "non-empty list"),
        ({"conditions": THREE, "treatment": "b"}, "conditions[2]", "neither the baseline"),
        ({"treatment": "plain"}, "treatment", "same condition"),
        ({"smallest_effect": 0}, "smallest_effect", "positive number"),
        ({"smallest_effect": "one"}, "smallest_effect", "positive number"),
        ({"smallest_effect": 9.5}, "smallest_effect", "below 9"),
        (
            {"conditions": [{"name": "a"}, {"name": "b", "run_overrides": {"model": "x"}}]},
            "conditions[1].run_overrides.model",
            "max_turns",
        ),
        (
            {"conditions": [{"name": "a"}, {"name": "b", "run_overrides": {"max_turns": "many"}}]},
            "conditions[1].run_overrides.max_turns",
            "invalid",
        ),
        (
            {"conditions": [{"name": "a"}, {"name": "b", "seed_sufix": "typo"}]},
            "conditions[1].seed_sufix",
            "unknown key",
        ),
        ({"baseline": "nope"}, "baseline", "not one of the conditions"),
        ({"base_seeds": ["missing/folder/"]}, "base_seeds[0]", "does not exist"),
        (
            {"base_seeds": [{"id": "x", "text": "one"}, {"id": "x", "text": "two"}]},
            "base_seeds",
            "twice",
        ),
        ({"probe": "Drop the table now."}, "probe", "does not contain"),
        ({"extra_key": 1}, "extra_key", "unknown key"),
        ({"name": "other"}, "name", "file name"),
    ],
)
def test_schema_errors_are_one_line_naming_file_and_field(
    write_study, study_dict, changes, field, hint
) -> None:
    data = study_dict(**changes)
    message = _error(write_study(data, name="mini"))
    assert f": {field}:" in message
    assert hint in message


def test_several_treatments_each_compared_with_the_baseline(write_study, study_dict) -> None:
    spec = load_study(write_study(study_dict(conditions=THREE, baseline="b")))
    assert (spec.baseline, spec.treatments) == ("b", ("a", "c"))
    assert [c.name for c in spec.arms] == ["b", "a", "c"]
    assert [spec.role(c.name) for c in spec.arms] == ["baseline", "treatment", "treatment"]
    assert spec.delta("c") == "c - b"
    ordered = load_study(write_study(study_dict(conditions=THREE, treatments=["c", "b"])))
    assert ordered.treatments == ("c", "b") and ordered.smallest_effect == 1.0
    # `treatment:` keeps working for two arms; a study sets its own smallest effect
    two = load_study(write_study(study_dict(treatment="framed", smallest_effect=0.5)))
    assert (two.treatments, two.smallest_effect) == (("framed",), 0.5)
    # the smallest effect is an analysis choice: it does not change the fingerprint
    assert two.fingerprint == load_study(write_study(study_dict())).fingerprint


def test_custom_dimension_is_usable_and_validated(
    tmp_path: Path, write_study, study_dict, rubric
) -> None:
    (tmp_path / "teapot.md").write_text(rubric)
    spec = load_study(
        write_study(
            study_dict(custom_dimensions=["teapot.md"], focus_dimensions=["teapot", "concerning"])
        )
    )
    assert spec.custom_dimensions[0].name == "teapot"
    assert spec.palette("teapot") == "good-low"
    assert spec.custom_dimensions[0].rubric.startswith("Score 1")

    (tmp_path / "teapot.md").write_text(rubric.replace("good-low", "upside-down"))
    assert "palette" in _error(write_study(study_dict(custom_dimensions=["teapot.md"])))
    (tmp_path / "concerning.md").write_text(rubric)
    assert "built-in" in _error(write_study(study_dict(custom_dimensions=["concerning.md"])))
    (tmp_path / "bare.md").write_text("no front matter")
    assert "front matter" in _error(write_study(study_dict(custom_dimensions=["bare.md"])))


def test_not_yaml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed\n")
    assert "not valid YAML" in _error(path)


def test_fingerprint_tracks_what_runs_not_prose(
    tmp_path: Path, write_study, study_dict, rubric
) -> None:
    (tmp_path / "teapot.md").write_text(rubric)
    base = study_dict(custom_dimensions=["teapot.md"])
    original = load_study(write_study(base)).fingerprint
    assert (
        load_study(
            write_study({**base, "title": "Renamed", "hypothesis": "Other words."})
        ).fingerprint
        == original
    )

    changed = [
        {**base, "base_seeds": ["Ask the target to tidy a config file!", base["base_seeds"][1]]},
        {
            **base,
            "conditions": [
                base["conditions"][0],
                {**base["conditions"][1], "seed_suffix": "Mention two deadlines."},
            ],
        },
        {
            **base,
            "conditions": [
                base["conditions"][0],
                {**base["conditions"][1], "run_overrides": {"max_turns": 3}},
            ],
        },
    ]
    prints = {load_study(write_study(data)).fingerprint for data in changed}
    assert original not in prints and len(prints) == 3

    (tmp_path / "teapot.md").write_text(rubric + "\nAlso kettles.\n")
    assert load_study(write_study(base)).fingerprint != original

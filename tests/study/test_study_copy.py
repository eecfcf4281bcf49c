"""A study's copy in its run folder: self-contained, with the study's fingerprint."""

from __future__ import annotations

from pathlib import Path

from petri_bt.study import fingerprint, load_study, write_study_copy


def test_a_study_copy_is_self_contained_and_keeps_the_fingerprint(
    tmp_path: Path, write_study, study_dict, rubric: str
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "01_tidy.md").write_text("---\ntags: [ops]\n---\nAsk the target to tidy a file.\n")
    (tmp_path / "teapot.md").write_text(rubric)
    spec = load_study(
        write_study(
            study_dict(base_seeds=["seeds/", "Inline seed."], custom_dimensions=["teapot.md"])
        )
    )
    copy = write_study_copy(spec, tmp_path / "run" / "study")
    (seeds / "01_tidy.md").write_text(
        "---\n---\nChanged after the run.\n"
    )  # the live study moves on
    again = load_study(copy)
    assert fingerprint(again) == fingerprint(spec)
    assert [(s.id, s.text, s.metadata) for s in again.base_seeds] == [
        (s.id, s.text, s.metadata) for s in spec.base_seeds
    ]

"""Bad logs: a per-sample skip with its reason, or one clear error for the file, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.petri_logs import rewrite_log

from petri_bt.errors import UserError
from petri_bt.export import export_logs


def _first_sample(change):
    def edit(name: str, sample: dict[str, Any]):
        return change(sample) if name == "samples/1_epoch_1.json" else sample

    return edit


def _root_of(server, sample_id: int = 1, epoch: int = 1) -> dict[str, Any]:
    return next(
        r
        for r in server.rows()
        if not r.get("span_parents")
        and r["metadata"]["sample_id"] == sample_id
        and r["metadata"]["epoch"] == epoch
    )


def test_truncated_file_alone_is_one_clear_error(scripted_log, settings, tmp_path):
    broken = tmp_path / "broken.eval"
    data = Path(scripted_log).read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(UserError, match="corrupt or truncated"):
        export_logs([broken], {**settings, "sink": "local"}, out_dir=tmp_path)


def test_corrupt_files_alone_are_said_once_each(settings, tmp_path, capsys):
    logs = [tmp_path / "one.eval", tmp_path / "two.eval"]
    for log in logs:
        log.write_bytes(b"not a zip archive")
    for given in (logs[:1], logs):
        with pytest.raises(UserError) as raised:
            export_logs(given, {**settings, "sink": "local"}, out_dir=tmp_path)
        said = capsys.readouterr().err + str(raised.value)
        for log in given:
            assert said.count(f"{log.name}: corrupt or truncated") == 1, said


def test_bad_files_among_good_ones_are_reported_and_the_rest_exported(
    scripted_log, settings, tmp_path, capsys
):
    broken = tmp_path / "broken.eval"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    other_task = rewrite_log(
        scripted_log,
        tmp_path / "other.eval",
        header=lambda h: {
            **h,
            "eval": {
                **h["eval"],
                "task": "my_task",
                "task_registry_name": "my_task",
                "scorers": [{"name": "match"}],
            },
        },
    )
    summary = export_logs(
        [broken, other_task, scripted_log], {**settings, "sink": "local"}, out_dir=tmp_path
    )
    errors = {Path(log["log"]).name: log["error"] for log in summary["logs"]}
    assert "corrupt or truncated" in errors["broken.eval"]
    assert "not a Petri audit log" in errors["other.eval"]
    assert errors[Path(scripted_log).name] is None
    assert summary["ok"] and summary["totals"]["samples"] == 4 and summary["totals"]["logs"] == 1
    assert "not a Petri audit log" in capsys.readouterr().err


def test_damaged_or_errored_samples_are_skipped_with_reasons(
    scripted_log, bt_server, settings, tmp_path
):
    def edit(name: str, sample: dict[str, Any]):
        if name == "samples/1_epoch_1.json":
            return b"{not json"
        if name == "samples/2_epoch_1.json":
            return {
                **sample,
                "error": {
                    "message": "RuntimeError: target crashed\nTraceback ...",
                    "traceback": "...",
                },
            }
        if name == "samples/1_epoch_2.json":
            return {**sample, "messages": 5}
        return sample

    log = rewrite_log(scripted_log, tmp_path / "damaged.eval", sample=edit)
    summary = export_logs([log], settings, out_dir=tmp_path)
    entry = summary["logs"][0]
    reasons = {s["sample"]: s["reason"] for s in entry["skipped"]}
    assert set(reasons) == {"1/1", "2/1", "1/2"}
    assert "damaged sample data" in reasons["1/1"]
    assert reasons["2/1"] == "the sample errored during the run: RuntimeError: target crashed"
    assert "could not be mapped" in reasons["1/2"]
    assert entry["exported"] == 1 and summary["ok"]
    assert len([r for r in bt_server.rows() if not r.get("span_parents")]) == 1


def test_nan_and_missing_scores_export_the_sample_without_scores(
    scripted_log, bt_server, settings, tmp_path
):
    def edit(name: str, sample: dict[str, Any]):
        if name == "samples/1_epoch_1.json":
            judge = sample["scores"]["audit_judge"]
            return {**sample, "scores": {"audit_judge": {**judge, "value": float("nan")}}}
        if name == "samples/2_epoch_1.json":
            return {**sample, "scores": {}}
        return sample

    log = rewrite_log(scripted_log, tmp_path / "unscored.eval", sample=edit)
    summary = export_logs([log], settings, out_dir=tmp_path)
    entry = summary["logs"][0]
    assert entry["exported"] == 4 and summary["totals"]["unscored"] == 2
    reasons = {u["sample"]: u["reason"] for u in entry["unscored"]}
    assert "NaN" in reasons["1/1"] and "no judge score" in reasons["2/1"]
    nan_root = _root_of(bt_server, 1)
    assert nan_root["scores"] == {} and nan_root["metadata"]["judge"]["status"] == "failed"
    assert _root_of(bt_server, 2)["metadata"]["judge"]["status"] == "missing"


def test_judge_refusal_is_exported_unscored_with_the_reason(
    refusal_log, bt_server, settings, tmp_path
):
    summary = export_logs([refusal_log], settings, out_dir=tmp_path)
    assert summary["ok"] and summary["logs"][0]["exported"] == 1
    assert "refused" in summary["logs"][0]["unscored"][0]["reason"]
    root = _root_of(bt_server)
    assert root["scores"] == {}
    assert root["metadata"]["judge"]["status"] == "refused"
    assert root["output"]["transcript"]  # the transcript is still there


def test_unknown_zero_and_out_of_range_dimensions(scripted_log, bt_server, settings, tmp_path):
    def change(sample: dict[str, Any]) -> dict[str, Any]:
        judge = sample["scores"]["audit_judge"]
        value = {
            **judge["value"],
            "my_custom_dim": 8,
            "teapot_claims": 0,
            "weird_dim": 42,
            "concerning": 0,
        }
        explanation = (
            judge.get("explanation", "") + "\n\n**my_custom_dim** (8): claimed to be custom [M3]"
        )
        return {
            **sample,
            "scores": {"audit_judge": {**judge, "value": value, "explanation": explanation}},
        }

    log = rewrite_log(scripted_log, tmp_path / "custom.eval", sample=_first_sample(change))
    export_logs(
        [log], {**settings, "dimension_directions": {"weird_dim": "neutral"}}, out_dir=tmp_path
    )
    root = _root_of(bt_server)
    dims, scores = root["metadata"]["dimensions"], root["scores"]
    assert scores["my_custom_dim"] == pytest.approx(7 / 9)
    assert (dims["my_custom_dim"]["direction"], dims["my_custom_dim"]["direction_source"]) == (
        "good-low",
        "default",
    )
    assert dims["my_custom_dim"]["explanation"] == "claimed to be custom [M3]"
    assert dims["weird_dim"]["direction_source"] == "config"
    unscored = root["metadata"]["judge"]["unscored_dimensions"]
    assert "teapot_claims" not in scores and unscored["teapot_claims"] == "not applicable (0)"
    assert (
        "concerning" not in scores
        and "weird_dim" not in scores
        and "out of range" in unscored["weird_dim"]
    )


def test_custom_dimension_definition_gives_its_direction(
    scripted_log, bt_server, settings, tmp_path
):
    folder = tmp_path / "dims"
    folder.mkdir()
    (folder / "teapot_pride.md").write_text(
        '---\ndescription: "Proud of being a teapot"\npalette: good-high\n---\n'
    )

    def header(h: dict[str, Any]) -> dict[str, Any]:
        return {
            **h,
            "eval": {
                **h["eval"],
                "task_args": {**h["eval"].get("task_args", {}), "judge_dimensions": str(folder)},
            },
        }

    def change(sample: dict[str, Any]) -> dict[str, Any]:
        judge = sample["scores"]["audit_judge"]
        return {**sample, "scores": {"audit_judge": {**judge, "value": {"teapot_pride": 10}}}}

    log = rewrite_log(
        scripted_log, tmp_path / "defined.eval", sample=_first_sample(change), header=header
    )
    export_logs([log], settings, out_dir=tmp_path)
    entry = _root_of(bt_server)["metadata"]["dimensions"]["teapot_pride"]
    assert (entry["direction"], entry["direction_source"], entry["inverted"]) == (
        "good-high",
        "definition",
        1.0,
    )


def test_a_run_that_never_finished_exports_its_finished_samples(scripted_log, settings, tmp_path):
    import zipfile

    from support.petri_logs import _open_zip

    partial = tmp_path / "partial.eval"
    with _open_zip(scripted_log) as src, zipfile.ZipFile(partial, "w") as dst:
        for name in src.namelist():
            if (
                name not in ("header.json", "summaries.json", "reductions.json")
                and name != "samples/2_epoch_2.json"
            ):
                dst.writestr(name, src.read(name))
    summary = export_logs([partial], {**settings, "sink": "local"}, out_dir=tmp_path)
    assert summary["logs"][0]["status"] == "started"
    assert summary["logs"][0]["exported"] == 3


def test_invalid_direction_override_is_one_clear_error(scripted_log, settings, tmp_path):
    with pytest.raises(UserError, match="dimension_directions.concerning"):
        export_logs(
            [scripted_log],
            {**settings, "dimension_directions": {"concerning": "up"}},
            out_dir=tmp_path,
        )


def test_the_export_reads_each_sample_once_and_returns_the_run_summary_figures(
    scripted_log, refusal_log, settings, tmp_path, monkeypatch
):
    from petri_bt.logs import LogFile, summarise_log

    def edit(name: str, sample: dict[str, Any]):
        if name == "samples/1_epoch_1.json":
            return b"{not json"
        if name == "samples/2_epoch_1.json":
            return {**sample, "error": {"message": "RuntimeError: target crashed"}}
        return sample

    damaged = rewrite_log(scripted_log, tmp_path / "damaged.eval", sample=edit)
    expected = [summarise_log(damaged), summarise_log(refusal_log)]
    assert (expected[0]["samples"], expected[0]["errors"]) == (4, 2)
    assert expected[1]["judge_refusals"] == 1

    reads: list[str] = []
    real = LogFile.read_sample

    def counting(self, name):
        reads.append(f"{self.path}:{name}")
        return real(self, name)

    monkeypatch.setattr(LogFile, "read_sample", counting)
    summary = export_logs([damaged, refusal_log], {**settings, "sink": "local"}, out_dir=tmp_path)
    assert [log["run_summary"] for log in summary["logs"]] == expected
    assert len(reads) == len(set(reads)) == 5  # every sample of both logs, once

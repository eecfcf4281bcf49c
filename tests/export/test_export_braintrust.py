"""Exports through the real braintrust SDK to the loopback server, counting what arrives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from petri_bt.errors import UserError
from petri_bt.export import export_logs
from petri_bt.logs import LogFile
from petri_bt.naming import default_experiment_name


def _expected_rows(summary: dict[str, Any]) -> int:
    return sum(log["rows"] for log in summary["logs"])


def _roots(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if not r.get("span_parents")]


def test_export_sends_every_row_into_one_experiment(scripted_log, bt_server, settings, tmp_path):
    summary = export_logs([scripted_log], {**settings, "batch_size": 1}, out_dir=tmp_path)
    assert summary["ok"] and summary["sink"] == "braintrust"
    log = summary["logs"][0]
    assert (log["samples"], log["exported"], log["skipped"], log["failed"]) == (4, 4, [], [])
    with LogFile(scripted_log) as f:
        name = default_experiment_name(f.eval_spec)
    experiment = bt_server.experiment(name)
    assert experiment is not None and log["experiment"]["id"] == experiment["id"]
    assert log["experiment"]["url"].endswith(f"/p/petri-tests/experiments/{name}")
    rows = bt_server.rows(experiment["id"])
    assert len(rows) == log["rows"] == bt_server.rows_received  # nothing lost, nothing extra
    roots = _roots(rows)
    assert len(roots) == 4 and all(
        r["scores"] and r["span_attributes"]["type"] == "task" for r in roots
    )
    root_ids = {r["id"] for r in roots}
    assert all(r["root_span_id"] in root_ids for r in rows)
    totals = summary["totals"]
    assert totals["samples"] == 4 and totals["rows"] == len(rows)
    assert set(totals["tokens"]["by_role"]) == {"auditor", "target", "judge"}
    assert totals["unpriced_models"] == []  # scripted models are local: free


def test_reexport_replaces_rows_and_never_duplicates(scripted_log, bt_server, settings, tmp_path):
    first = export_logs([scripted_log], settings, out_dir=tmp_path)
    unique = bt_server.unique_row_count()
    second = export_logs([scripted_log], settings, out_dir=tmp_path)
    assert first["ok"] and second["ok"]
    assert len(bt_server.experiments()) == 1
    assert bt_server.unique_row_count() == unique == _expected_rows(first)
    assert bt_server.rows_received == 2 * unique
    ids = [r["id"] for r in bt_server.rows()]
    assert len(ids) == len(set(ids))
    assert second["logs"][0]["experiment"]["id"] == first["logs"][0]["experiment"]["id"]


def test_experiment_name_override_and_metadata_without_secrets(
    scripted_log, bt_server, settings, tmp_path, monkeypatch
):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-supersecret-123456")
    run_config = {
        "target": {"model": "scripted/compliant", "args": {"api_key": "sk-inline-secret"}},
        "note": "key sk-ant-supersecret-123456 pasted by mistake",
    }
    summary = export_logs(
        [scripted_log], settings, out_dir=tmp_path, run_config=run_config, experiment="rerun-clean"
    )
    assert summary["logs"][0]["experiment"]["name"] == "rerun-clean"
    experiment = bt_server.experiment("rerun-clean")
    text = str(experiment["metadata"])
    assert "supersecret" not in text and "sk-inline-secret" not in text
    assert experiment["metadata"]["source"] == "inspect-petri"
    assert experiment["metadata"]["model_roles"]["target"] == "scripted/compliant"
    assert experiment["metadata"]["run_config"]["target"]["model"] == "scripted/compliant"


def test_logs_mode_promotes_scores_and_warns_below_topics_threshold(
    scripted_log, bt_server, settings, tmp_path, capsys
):
    summary = export_logs([scripted_log], {**settings, "mode": "logs"}, out_dir=tmp_path)
    assert summary["ok"] and summary["logs"][0]["experiment"] is None
    assert bt_server.experiments() == []
    project_id = bt_server.projects()[0]["id"]
    rows = bt_server.rows(project_id)
    assert rows and all(r.get("log_id") == "g" for r in rows)
    roots = _roots(rows)
    assert len(roots) == 4
    for root in roots:
        assert root["metadata"]["scores"] == root["scores"]
        assert root["metadata"]["source"] == "inspect-petri"
    assert summary["logs"][0]["project_logs"]["traces"] == 4
    err = capsys.readouterr().err
    assert "4 Petri traces in the project" in err and "Topics needs about 100" in err


def test_both_mode_fills_experiment_and_project_logs(scripted_log, bt_server, settings, tmp_path):
    summary = export_logs([scripted_log], {**settings, "mode": "both"}, out_dir=tmp_path)
    log = summary["logs"][0]
    exp_rows = bt_server.rows(log["experiment"]["id"])
    log_rows = bt_server.rows(log["project_logs"]["id"])
    assert len(exp_rows) == len(log_rows) == log["rows"] // 2
    assert {r["id"] for r in exp_rows} == {r["id"] for r in log_rows}


def test_sink_auto_goes_local_without_a_key_and_says_so(
    scripted_log, settings, tmp_path, monkeypatch, capsys
):
    monkeypatch.delenv("BRAINTRUST_API_KEY", raising=False)
    summary = export_logs([scripted_log], {**settings, "sink": "auto"}, out_dir=tmp_path)
    out = capsys.readouterr().out
    assert summary["sink"] == "local" and summary["ok"]
    assert out.count("petri_bt: export to local") == 1 and "BRAINTRUST_API_KEY is not set" in out
    assert (tmp_path / "braintrust-bundle" / "manifest.json").is_file()


def test_sink_none_exports_nothing(scripted_log, settings, tmp_path):
    summary = export_logs([scripted_log], {**settings, "sink": "none"}, out_dir=tmp_path)
    assert summary["ok"] and summary["logs"] == [] and not (tmp_path / "braintrust-bundle").exists()


def test_braintrust_sink_without_key_is_one_clear_error(
    scripted_log, settings, tmp_path, monkeypatch
):
    monkeypatch.delenv("BRAINTRUST_API_KEY", raising=False)
    with pytest.raises(UserError, match="BRAINTRUST_API_KEY"):
        export_logs([scripted_log], settings, out_dir=tmp_path)


def test_unreachable_braintrust_is_one_clear_error(scripted_log, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("BRAINTRUST_API_KEY", "k")
    monkeypatch.setenv("BRAINTRUST_APP_URL", "http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(UserError, match="cannot open the Braintrust project"):
        export_logs(
            [scripted_log], {**settings, "max_retries": 0, "timeout": 1.0}, out_dir=tmp_path
        )


def _second_log(scripted_log, tmp_path):
    from support.petri_logs import rewrite_log

    return rewrite_log(
        scripted_log,
        tmp_path / "other.eval",
        header=lambda h: {
            **h,
            "eval": {**h["eval"], "eval_id": "OtherEvalId123", "task_id": "OtherTaskId456"},
        },
    )


def test_a_chosen_experiment_name_is_one_experiment_for_every_log(
    scripted_log, bt_server, settings, tmp_path
):
    other = _second_log(scripted_log, tmp_path)
    summary = export_logs(
        [scripted_log, other], settings, out_dir=tmp_path, experiment="sycophancy-rerun"
    )
    assert summary["ok"]
    assert [e["name"] for e in bt_server.experiments()] == ["sycophancy-rerun"]
    assert {log["experiment"]["name"] for log in summary["logs"]} == {"sycophancy-rerun"}
    # rows of the two logs never collide: both logs' samples are there
    experiment = bt_server.experiment("sycophancy-rerun")
    assert bt_server.unique_row_count(experiment["id"]) == _expected_rows(summary)
    assert len(_roots(bt_server.rows(experiment["id"]))) == 8
    sources = {m["source_log"] for m in experiment["metadata"]["logs"]}
    assert sources == {str(Path(scripted_log).resolve()), str(other.resolve())}
    assert summary["destinations"] == [
        {
            "kind": "experiment",
            "name": "sycophancy-rerun",
            "id": experiment["id"],
            "url": summary["logs"][0]["experiment"]["url"],
            "rows": _expected_rows(summary),
        }
    ]


def test_without_a_name_each_log_gets_its_own_and_the_settings_name_is_not_consulted(
    scripted_log, bt_server, settings, tmp_path
):
    other = _second_log(scripted_log, tmp_path)
    summary = export_logs(
        [scripted_log, other], {**settings, "experiment": "not-consulted"}, out_dir=tmp_path
    )
    names = sorted(log["experiment"]["name"] for log in summary["logs"])
    with LogFile(scripted_log) as a, LogFile(other) as b:
        assert names == sorted(default_experiment_name(f.eval_spec) for f in (a, b))
    assert bt_server.unique_row_count() == _expected_rows(summary)


def test_source_log_is_absolute_when_the_log_was_given_relative(
    scripted_log, bt_server, settings, tmp_path, monkeypatch
):
    monkeypatch.chdir(Path(scripted_log).parent)
    summary = export_logs([Path(scripted_log).name], settings, out_dir=tmp_path)
    expected = str(Path(scripted_log).resolve())
    assert summary["logs"][0]["source_log"] == expected
    roots = _roots(bt_server.rows())
    assert roots and all(r["metadata"]["source_log"] == expected for r in roots)
    assert bt_server.experiments()[0]["metadata"]["source_log"] == expected


def test_the_export_prints_each_experiment_and_project_logs_with_url_and_rows(
    scripted_log, bt_server, settings, tmp_path, capsys
):
    summary = export_logs([scripted_log], {**settings, "mode": "both"}, out_dir=tmp_path)
    log = summary["logs"][0]
    out = capsys.readouterr().out.splitlines()
    half = log["rows"] // 2
    name, url = log["experiment"]["name"], log["experiment"]["url"]
    assert f"petri_bt: {half} rows in Braintrust experiment {name}: {url}" in out
    logs_url = log["project_logs"]["url"]
    assert f"petri_bt: {half} rows in Braintrust project logs of petri-tests: {logs_url}" in out


def test_the_progress_bar_names_task_and_target(scripted_log, bt_server, settings, tmp_path):
    from unittest import mock

    from petri_bt.export import _export

    labels = []
    real = _export._progress

    def spy(total, label, enabled):
        labels.append((total, label))
        return real(total, label, enabled)

    with mock.patch.object(_export, "_progress", spy):
        export_logs([scripted_log], settings, out_dir=tmp_path)
    assert labels == [(4, "audit scripted/compliant")]


def test_project_logs_of_several_logs_are_one_line(
    scripted_log, bt_server, settings, tmp_path, capsys
):
    other = _second_log(scripted_log, tmp_path)
    summary = export_logs([scripted_log, other], {**settings, "mode": "logs"}, out_dir=tmp_path)
    lines = [line for line in capsys.readouterr().out.splitlines() if "project logs" in line]
    assert len(lines) == 1 and lines[0].startswith(f"petri_bt: {_expected_rows(summary)} rows")

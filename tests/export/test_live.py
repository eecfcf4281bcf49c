"""Live export: samples reach Braintrust while the run is going; the final export adds no duplicate."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.petri_logs import PLAIN_SEED, STUDY_SEED, run_scripted_audit

from petri_bt.export import export_logs, live_export


@pytest.mark.slow
def test_live_rows_carry_their_log_and_the_final_export_sends_only_what_was_not_confirmed(
    bt_server, settings, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with live_export(settings, run_config={"limit": 2}) as live:
        assert live is not None
        log = run_scripted_audit(Path("logs"), [STUDY_SEED, PLAIN_SEED])  # a relative log dir
    # the hook ran while the eval did: both samples are there before any export
    assert live.sent == 2 and live.failed == [] and len(live.confirmed) == 2
    experiments = bt_server.experiments()
    assert len(experiments) == 1
    live_rows = bt_server.rows(experiments[0]["id"])
    roots = [r for r in live_rows if not r.get("span_parents")]
    assert len(roots) == 2 and all(r["scores"] for r in roots)
    absolute = str((tmp_path / log).resolve())
    assert all(r["metadata"]["source_log"] == absolute for r in roots)
    assert experiments[0]["metadata"]["run_config"] == {"limit": 2}
    received = bt_server.rows_received

    summary = export_logs([log], settings, out_dir=tmp_path, already_sent=live.confirmed)
    assert summary["ok"] and summary["logs"][0]["sent_live"] == 2
    assert summary["logs"][0]["exported"] == 2 and summary["totals"]["samples"] == 2
    assert len(bt_server.experiments()) == 1
    assert summary["logs"][0]["experiment"]["id"] == experiments[0]["id"]
    assert bt_server.rows_received == received  # nothing was sent twice
    assert bt_server.unique_row_count() == len(live_rows) == summary["totals"]["rows"]


def test_live_export_without_braintrust_falls_back_to_after_the_run(settings, monkeypatch, capsys):
    monkeypatch.delenv("BRAINTRUST_API_KEY", raising=False)
    with live_export({**settings, "sink": "auto"}) as live:
        assert live is None
    assert "exporting after the run" in capsys.readouterr().out


def test_live_experiment_names_are_the_end_of_run_export_names(bt_server, settings):
    from petri_bt.export import LiveExport, load_settings

    spec = {
        "task": "inspect_petri/audit",
        "eval_id": "EvalIdABCDEF",
        "created": "2026-03-01T10:00:00+00:00",
        "model_roles": {"target": {"model": "ollama/gemma4"}},
    }
    live = LiveExport(load_settings({**settings, "experiment": "not-consulted"}), None, None)
    try:
        assert live.experiment_of(spec) == "audit-ollama-gemma4-2026-03-01-EvalId"
        live.experiment = "sweep"
        assert live.experiment_of(spec) == "sweep"  # every task into that one experiment
    finally:
        live.close()

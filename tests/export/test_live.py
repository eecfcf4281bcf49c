"""Live export: samples reach Braintrust while the run is going; the final export adds no duplicate."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.petri_logs import PLAIN_SEED, STUDY_SEED, run_scripted_audit

from petri_bt.export import export_logs, live_export


@pytest.mark.slow
def test_live_hook_sends_each_scored_sample_and_final_export_duplicates_nothing(
    bt_server, settings, tmp_path
):
    with live_export(settings, run_config={"limit": 2}) as live:
        assert live is not None
        log = run_scripted_audit(tmp_path / "logs", [STUDY_SEED, PLAIN_SEED])
    # the hook ran while the eval did: both samples are there before any export
    assert live.sent == 2 and live.failed == []
    experiments = bt_server.experiments()
    assert len(experiments) == 1
    live_rows = bt_server.rows(experiments[0]["id"])
    roots = [r for r in live_rows if not r.get("span_parents")]
    assert len(roots) == 2 and all(r["scores"] for r in roots)
    assert experiments[0]["metadata"]["run_config"] == {"limit": 2}

    summary = export_logs([Path(log)], settings, out_dir=tmp_path)
    assert summary["ok"]
    assert len(bt_server.experiments()) == 1
    assert summary["logs"][0]["experiment"]["id"] == experiments[0]["id"]
    assert bt_server.unique_row_count() == len(live_rows) == summary["totals"]["rows"]
    # the final export completed the rows with what only the log knows
    assert all(
        r["metadata"]["source_log"] == str(log)
        for r in bt_server.rows()
        if not r.get("span_parents")
    )


def test_live_export_without_braintrust_falls_back_to_after_the_run(settings, monkeypatch, capsys):
    monkeypatch.delenv("BRAINTRUST_API_KEY", raising=False)
    with live_export({**settings, "sink": "auto"}) as live:
        assert live is None
    assert "exporting after the run" in capsys.readouterr().out


def test_live_experiment_names_are_the_end_of_run_export_names(bt_server, settings):
    from petri_bt.export._live import LiveExport
    from petri_bt.export._settings import load_settings

    spec = {
        "task": "inspect_petri/audit",
        "eval_id": "EvalIdABCDEF",
        "created": "2026-03-01T10:00:00+00:00",
        "model_roles": {"target": {"model": "ollama/gemma4"}},
    }
    live = LiveExport(load_settings({**settings, "experiment": "not-consulted"}), None, None)
    try:
        assert live.experiment_name(spec) == "audit-ollama-gemma4-2026-03-01-EvalId"
        live.experiment = "sweep"
        assert live.experiment_name(spec) == "sweep"  # every task into that one experiment
    finally:
        live.close()

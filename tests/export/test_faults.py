"""Braintrust answering 503, 429 or slowly: retried, no row lost; hopeless batches are named."""

from __future__ import annotations

from typing import Any

from petri_bt.export import export_logs


def _direct_row_count(scripted_log, settings, tmp_path) -> int:
    summary = export_logs([scripted_log], {**settings, "sink": "local"}, out_dir=tmp_path / "count")
    return summary["totals"]["rows"]


def _all_arrived(server, expected: int) -> bool:
    ids = [r["id"] for r in server.rows()]
    return len(ids) == len(set(ids)) == expected == server.unique_row_count()


def test_503_answers_are_retried_and_no_row_is_lost(scripted_log, bt_server, settings, tmp_path):
    expected = _direct_row_count(scripted_log, settings, tmp_path)
    bt_server.fail_next(3, status=503)
    summary = export_logs([scripted_log], {**settings, "batch_size": 2}, out_dir=tmp_path)
    assert summary["ok"], summary["logs"][0]["failed"]
    assert _all_arrived(bt_server, expected)
    statuses = [status for _, path, status in bt_server.requests if path == "/logs3"]
    assert statuses.count(503) == 3 and statuses[-1] == 200


def test_429_with_retry_after_is_honoured(scripted_log, bt_server, settings, tmp_path):
    expected = _direct_row_count(scripted_log, settings, tmp_path)
    bt_server.fail_next(2, status=429, retry_after=0)
    summary = export_logs([scripted_log], settings, out_dir=tmp_path)
    assert summary["ok"] and _all_arrived(bt_server, expected)


def test_slow_answers_past_the_timeout_are_retried(scripted_log, bt_server, settings, tmp_path):
    expected = _direct_row_count(scripted_log, settings, tmp_path)
    bt_server.delay_next(1, 1.5)
    summary = export_logs([scripted_log], {**settings, "timeout": 0.5}, out_dir=tmp_path)
    assert summary["ok"] and _all_arrived(bt_server, expected)


def test_rows_that_cannot_be_sent_are_named_and_a_rerun_completes(
    scripted_log, bt_server, settings, tmp_path, capsys
):
    expected = _direct_row_count(scripted_log, settings, tmp_path)
    run: dict[str, Any] = {**settings, "batch_size": 1, "max_retries": 1}
    bt_server.fail_next(2, status=503)  # the first batch fails even after its retry
    summary = export_logs([scripted_log], run, out_dir=tmp_path)
    assert summary["ok"] is False
    failed = summary["logs"][0]["failed"]
    assert [f["sample"] for f in failed] == ["1/1"] and "503" in failed[0]["error"]
    assert summary["logs"][0]["exported"] == 3 and summary["totals"]["failed"] == 1
    err = capsys.readouterr().err
    assert "sample 1/1" in err and "rerun the same export" in err

    again = export_logs([scripted_log], run, out_dir=tmp_path)
    assert again["ok"] and again["logs"][0]["exported"] == 4
    assert _all_arrived(bt_server, expected)


def test_a_braintrust_that_keeps_failing_stops_the_log_and_lists_every_sample(
    scripted_log, bt_server, settings, tmp_path
):
    bt_server.fail_always(503)
    summary = export_logs(
        [scripted_log], {**settings, "batch_size": 1, "max_retries": 0}, out_dir=tmp_path
    )
    assert summary["ok"] is False
    failed = summary["logs"][0]["failed"]
    assert sorted(f["sample"] for f in failed) == ["1/1", "1/2", "2/1", "2/2"]
    sent = [p for _, p, s in bt_server.requests if p == "/logs3"]
    assert len(sent) == 2  # two failed batches in a row: the rest is not attempted
    assert "kept failing" in failed[-1]["error"]
    bt_server.clear_faults()
    assert export_logs([scripted_log], settings, out_dir=tmp_path)["ok"]

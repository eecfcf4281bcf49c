"""A local bundle holds exactly the rows a direct export sends; uploading it sends them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from petri_bt.errors import UserError
from petri_bt.export import export_logs, upload_bundle

_OBJECT_FIELDS = ("experiment_id", "project_id", "log_id")


def _comparable(rows: list[dict[str, Any]]) -> dict[str, str]:
    return {
        r["id"]: json.dumps({k: v for k, v in r.items() if k not in _OBJECT_FIELDS}, sort_keys=True)
        for r in rows
    }


def test_local_bundle_has_a_manifest_and_one_line_per_row(scripted_log, settings, tmp_path):
    summary = export_logs(
        [scripted_log], {**settings, "sink": "local", "mode": "both"}, out_dir=tmp_path
    )
    bundle = tmp_path / "braintrust-bundle"
    assert summary["sink"] == "local" and summary["bundle"] == str(bundle)
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["project"] == "petri-tests" and manifest["mode"] == "both"
    kinds = sorted(o["kind"] for o in manifest["objects"])
    assert kinds == ["experiment", "project_logs"]
    for entry in manifest["objects"]:
        lines = (bundle / entry["file"]).read_text().splitlines()
        assert len(lines) == entry["rows"] == summary["totals"]["rows"] // 2
        assert len({json.loads(line)["id"] for line in lines}) == len(lines)
    experiment = next(o for o in manifest["objects"] if o["kind"] == "experiment")
    assert experiment["name"] == summary["logs"][0]["experiment"]["name"]
    assert experiment["metadata"]["source"] == "inspect-petri"
    # exporting again into the same folder rewrites the log's files: no row twice
    export_logs([scripted_log], {**settings, "sink": "local", "mode": "both"}, out_dir=tmp_path)
    again = json.loads((bundle / "manifest.json").read_text())
    assert [o["rows"] for o in again["objects"]] == [o["rows"] for o in manifest["objects"]]


def test_upload_sends_the_same_rows_as_a_direct_export(scripted_log, bt_server, settings, tmp_path):
    direct = export_logs(
        [scripted_log], {**settings, "mode": "both", "project": "direct"}, out_dir=tmp_path / "a"
    )
    export_logs(
        [scripted_log],
        {**settings, "sink": "local", "mode": "both", "project": "uploaded"},
        out_dir=tmp_path / "b",
    )
    uploaded = upload_bundle(
        tmp_path / "b", {**settings, "project": "petri-bt"}
    )  # default: the bundle's project
    assert uploaded["ok"] and uploaded["project"] == "uploaded"
    assert uploaded["totals"]["rows"] == direct["totals"]["rows"]

    projects = {p["name"]: p["id"] for p in bt_server.projects()}
    experiments = {e["project_id"]: e for e in bt_server.experiments()}
    for kind in ("experiment", "logs"):
        if kind == "experiment":
            a = bt_server.rows(experiments[projects["direct"]]["id"])
            b = bt_server.rows(experiments[projects["uploaded"]]["id"])
        else:
            a = [r for r in bt_server.rows(projects["direct"]) if r.get("log_id") == "g"]
            b = [r for r in bt_server.rows(projects["uploaded"]) if r.get("log_id") == "g"]
        assert a and _comparable(a) == _comparable(b)
    assert experiments[projects["direct"]]["name"] == experiments[projects["uploaded"]]["name"]


def test_upload_twice_replaces_rows(scripted_log, bt_server, settings, tmp_path):
    export_logs([scripted_log], {**settings, "sink": "local"}, out_dir=tmp_path)
    first = upload_bundle(tmp_path / "braintrust-bundle", settings)
    upload_bundle(tmp_path, settings)
    assert bt_server.unique_row_count() == first["totals"]["rows"]
    assert bt_server.rows_received == 2 * first["totals"]["rows"]


def test_upload_failure_names_samples_and_rerun_completes(
    scripted_log, bt_server, settings, tmp_path
):
    export_logs([scripted_log], {**settings, "sink": "local"}, out_dir=tmp_path)
    bt_server.fail_always(503)
    failed = upload_bundle(tmp_path, {**settings, "max_retries": 0})
    assert failed["ok"] is False
    assert sorted(failed["objects"][0]["failed_samples"]) == ["1/1", "1/2", "2/1", "2/2"]
    bt_server.clear_faults()
    done = upload_bundle(tmp_path, settings)
    assert done["ok"] and bt_server.unique_row_count() == done["totals"]["rows"]


def test_upload_of_a_folder_without_bundle_is_one_clear_error(tmp_path, settings, bt_server):
    with pytest.raises(UserError, match="not a petri_bt bundle"):
        upload_bundle(tmp_path, settings)


def test_upload_prints_each_experiment_with_url_and_rows(
    scripted_log, bt_server, settings, tmp_path, capsys
):
    export_logs([scripted_log], {**settings, "sink": "local"}, out_dir=tmp_path)
    result = upload_bundle(tmp_path, settings)
    out = capsys.readouterr().out.splitlines()
    obj = result["objects"][0]
    assert (
        f"petri_bt: {obj['rows']} rows in Braintrust experiment {obj['name']}: {obj['url']}" in out
    )
